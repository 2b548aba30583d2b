"""Operand vocabularies: register names, CSR names, fence sets, `offset(base)`."""
from __future__ import annotations

import re

from ..table import ABI_NAMES, CSRS
from .errors import SyntaxProblem

REGISTERS: dict[str, int] = {**{f"x{n}": n for n in range(32)},
                             **{name: n for n, name in enumerate(ABI_NAMES)}, "fp": 8}

# CSR operand names: the table in isa/opcodes/csrs.
CSR_NAMES: dict[str, int] = CSRS

_FENCE_BITS = {"i": 8, "o": 4, "r": 2, "w": 1}
_MEM = re.compile(r"(.*?)\(\s*([\w$]+)\s*\)\s*\Z", re.S)


def register(text: str) -> int:
    try:
        return REGISTERS[text]
    except KeyError:
        raise SyntaxProblem(f"expected a register (x0-x31 or an ABI name such as a0, sp), "
                            f"got '{text}'", text) from None


def fence_set(text: str) -> int:
    """`iorw`-style set (any subset, in that order) or a number 0..15."""
    if text.isdigit():
        return int(text)
    bits, order = 0, "iorw"
    pos = 0
    for ch in text:
        k = order.find(ch, pos)
        if k < 0:
            raise SyntaxProblem(f"expected a fence set such as iorw, rw or w, got '{text}'",
                                text)
        bits |= _FENCE_BITS[ch]
        pos = k + 1
    if not bits:
        raise SyntaxProblem("expected a fence set such as iorw, rw or w", text)
    return bits


def memory(text: str) -> tuple[str, str]:
    """(offset expression, base register name) of `offset(base)`; offset may be empty."""
    m = _MEM.match(text)
    if not m or m[2] not in REGISTERS:
        raise SyntaxProblem(f"expected a memory operand 'offset(register)', got '{text}'",
                            text)
    return m[1].strip(), m[2]


def is_memory(text: str) -> bool:
    m = _MEM.match(text)
    return bool(m) and m[2] in REGISTERS
