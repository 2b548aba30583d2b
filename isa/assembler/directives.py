"""Assembler directives: sections, symbols, data, alignment, .insn, .include.

Each handler takes (asm, operand text, operand list) during the sizing pass and adds
items to the current section. Directives GCC writes only for debuggers and linkers
(.file, .ident, .size, .type, .cfi_*, ...) are accepted and change nothing.
Beyond GNU as, `.rodata`, `.sdata` and `.sbss` switch to those sections like `.data`.
"""
from __future__ import annotations

import re
import struct
from typing import Callable

from ..encoding import encode
from .errors import NotYetKnown, SyntaxProblem
from .expressions import NAME
from .insn import encode_insn
from .lexer import string_literal

_NAME = re.compile(NAME + r"\Z")
_SECTION_NAME = re.compile(r'\s*("[^"]*"|[^\s,]+)\s*')
NOP = struct.pack("<I", encode("addi", {"rd": 0, "rs1": 0, "imm12": 0}))
_OPTIONS = {"rvc", "norvc", "relax", "norelax", "pic", "nopic", "push", "pop", "csr-check",
            "no-csr-check"}
_WIDTHS = {".byte": 1, ".half": 2, ".short": 2, ".2byte": 2, ".word": 4, ".long": 4,
           ".int": 4, ".4byte": 4, ".dword": 8, ".quad": 8, ".8byte": 8}
_IGNORED = {".file", ".ident", ".attribute", ".size", ".type", ".addrsig", ".addrsig_sym",
            ".loc", ".variant_cc"}
_SYMBOL_LISTS = {".globl", ".global", ".local", ".weak", ".hidden", ".protected",
                 ".internal"}
_STANDARD_SECTIONS = {".text": ("ax", False), ".data": ("aw", False),
                      ".bss": ("aw", True), ".rodata": ("a", False),
                      ".sdata": ("aw", False), ".sbss": ("aw", True)}

Handler = Callable[..., None]


def symbol_name(text: str, directive: str) -> str:
    if not _NAME.match(text):
        raise SyntaxProblem(f"{directive}: expected a symbol name, got '{text}'", text)
    return text


def _expect(ops: list[str], low: int, high: int, directive: str, syntax: str) -> None:
    if not low <= len(ops) <= high or any(not op for op in ops):
        raise SyntaxProblem(f"malformed {directive}: expected '{directive} {syntax}'")


def known(asm, text: str, directive: str) -> int:
    """A value the sizing pass needs now (sizes, alignments)."""
    try:
        return asm.value(text, None)
    except NotYetKnown:
        raise SyntaxProblem(f"{directive}: '{text}' must be a constant known at this point "
                            "(a number or an earlier .equ)", text) from None


def _section(asm, text: str, ops: list[str], directive: str) -> None:
    m = _SECTION_NAME.match(text)
    if not text or not m:
        raise SyntaxProblem(f"malformed {directive}: expected '{directive} name[, \"flags\""
                            "[, @type]]'")
    name = m[1].strip('"')
    flags = nobits = None
    if len(ops) > 1:
        if not (ops[1].startswith('"') and ops[1].endswith('"') and len(ops[1]) >= 2):
            raise SyntaxProblem(f'{directive}: expected flags in quotes such as "aw", got '
                                f"'{ops[1]}'", ops[1])
        flags = ops[1][1:-1]
    if len(ops) > 2:
        nobits = ops[2].lstrip("@%") == "nobits"
    if directive == ".pushsection":
        asm.section_stack.append(asm.section)
    asm.switch_section(name, flags, nobits)


def _standard_section(name: str) -> Handler:
    def handler(asm, text: str, ops: list[str]) -> None:
        if ops:   # `.text 1`-style subsections are not supported
            raise SyntaxProblem(f"{name} takes no operands", text)
        asm.switch_section(name, None, None)
    return handler


def _popsection(asm, text: str, ops: list[str]) -> None:
    if not asm.section_stack:
        raise SyntaxProblem(".popsection without a matching .pushsection")
    asm.switch_to(asm.section_stack.pop())


def _previous(asm, text: str, ops: list[str]) -> None:
    asm.switch_to(asm.previous_section)


def _equ(directive: str) -> Handler:
    def handler(asm, text: str, ops: list[str]) -> None:
        if len(ops) != 2 or not ops[1]:
            raise SyntaxProblem(f"malformed {directive}: expected '{directive} name, value'")
        asm.define_symbol(symbol_name(ops[0], directive), ops[1], redefine=directive != ".equiv")
    return handler


def _data(directive: str) -> Handler:
    width = _WIDTHS[directive]

    def handler(asm, text: str, ops: list[str]) -> None:
        if not ops or any(not op for op in ops):
            raise SyntaxProblem(
                f"malformed {directive}: expected '{directive} value[, value...]'")
        asm.add_values(width, ops, directive)
    return handler


def _string(terminate: bool) -> Handler:
    def handler(asm, text: str, ops: list[str]) -> None:
        data = b"".join(string_literal(op) + (b"\0" if terminate else b"") for op in ops) \
            if ops else string_literal(text)
        asm.add_bytes(data)
    return handler


def _space(directive: str) -> Handler:
    def handler(asm, text: str, ops: list[str]) -> None:
        _expect(ops, 1, 2, directive, "size[, fill]")
        size = known(asm, ops[0], directive)
        fill = known(asm, ops[1], directive) if len(ops) > 1 else 0
        if size < 0:
            raise SyntaxProblem(f"{directive}: negative size {size}", ops[0])
        asm.add_bytes(bytes([fill & 0xFF]) * size)
    return handler


def _align(directive: str) -> Handler:
    power_of_two = directive != ".balign"

    def handler(asm, text: str, ops: list[str]) -> None:
        _expect(ops, 1, 3, directive, "alignment[, fill[, max]]")
        n = known(asm, ops[0], directive)
        if power_of_two:
            if not 0 <= n <= 16:
                raise SyntaxProblem(f"{directive}: alignment exponent {n} out of range [0, 16]",
                                    ops[0])
            n = 1 << n
        elif n <= 0 or n & (n - 1):
            raise SyntaxProblem(f"{directive}: alignment {n} is not a power of two", ops[0])
        fill = known(asm, ops[1], directive) if len(ops) > 1 and ops[1] else None
        limit = known(asm, ops[2], directive) if len(ops) > 2 else None
        asm.align(n, fill, limit)
    return handler


def _insn(asm, text: str, ops: list[str]) -> None:
    if not ops:
        raise SyntaxProblem("malformed .insn: expected '.insn type, operands...' or "
                            "'.insn value'")
    asm.add_computed(4, lambda ctx, pc: struct.pack("<I", encode_insn(ctx, ops, pc)))


def _comm(directive: str) -> Handler:
    def handler(asm, text: str, ops: list[str]) -> None:
        if directive == ".comm":
            _expect(ops, 2, 3, directive, "name, size[, alignment]")
        else:
            _expect(ops, 2, 2, directive, "name, size")
        name = symbol_name(ops[0], directive)
        size = known(asm, ops[1], directive)
        # GNU as: the largest power of two not above the size, at most 8
        align = known(asm, ops[2], directive) if len(ops) > 2 else \
            min(8, 1 << max(size.bit_length() - 1, 0))
        if align <= 0 or align & (align - 1):
            raise SyntaxProblem(f"{directive}: alignment {align} is not a power of two",
                                ops[2])
        asm.allocate(name, size, align, common=directive == ".comm")
    return handler


def _option(asm, text: str, ops: list[str]) -> None:
    if len(ops) != 1 or (ops[0] not in _OPTIONS and not ops[0].startswith("arch")):
        raise SyntaxProblem(f"malformed .option: expected one of {', '.join(sorted(_OPTIONS))}"
                            f" or arch, got '{text}'", text)


def _symbols(directive: str) -> Handler:
    def handler(asm, text: str, ops: list[str]) -> None:
        if not ops:
            raise SyntaxProblem(f"malformed {directive}: expected '{directive} name[, name...]'")
        for op in ops:
            symbol_name(op, directive)
    return handler


def _include(asm, text: str, ops: list[str]) -> None:
    if len(ops) != 1 or not ops[0].startswith('"'):
        raise SyntaxProblem('malformed .include: expected \'.include "file"\'', text)
    asm.include(string_literal(ops[0]).decode())


def _end(asm, text: str, ops: list[str]) -> None:
    asm.ended = True


def _ignore(asm, text: str, ops: list[str]) -> None:
    pass


DIRECTIVES: dict[str, Handler] = {
    **{name: _standard_section(name) for name in _STANDARD_SECTIONS},
    ".section": lambda asm, text, ops: _section(asm, text, ops, ".section"),
    ".pushsection": lambda asm, text, ops: _section(asm, text, ops, ".pushsection"),
    ".popsection": _popsection,
    ".previous": _previous,
    ".equ": _equ(".equ"), ".set": _equ(".set"), ".equiv": _equ(".equiv"),
    **{name: _data(name) for name in _WIDTHS},
    ".string": _string(True), ".asciz": _string(True), ".ascii": _string(False),
    ".zero": _space(".zero"), ".space": _space(".space"), ".skip": _space(".skip"),
    ".align": _align(".align"), ".p2align": _align(".p2align"), ".balign": _align(".balign"),
    ".insn": _insn,
    ".comm": _comm(".comm"), ".lcomm": _comm(".lcomm"),
    ".option": _option,
    ".include": _include,
    ".end": _end,
    **{name: _symbols(name) for name in _SYMBOL_LISTS},
    **{name: _ignore for name in _IGNORED},
}


def standard_flags(name: str) -> tuple[str, bool] | None:
    """(flags, nobits) GNU as gives a section of this name when none are written."""
    for prefix, value in _STANDARD_SECTIONS.items():
        if name == prefix or name.startswith(prefix + "."):
            return value
    if name.startswith(".srodata"):
        return "a", False
    return None
