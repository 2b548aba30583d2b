"""Encode and decode instruction words, derived from the table."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .table import BY_NAME, FIELDS, INSTRUCTIONS, Instruction


class EncodingError(ValueError):
    """An operand value does not fit its field; `field` and `range` say which and why."""

    def __init__(self, insn: str, field: str, value: int):
        f = FIELDS[field]
        lo, hi = f.range
        self.field, self.value, self.range = field, value, (lo, hi)
        extra = f" and a multiple of {f.align}" if f.align > 1 else ""
        super().__init__(f"{insn}: {field} value {value} out of range [{lo}, {hi}]{extra}")


@dataclass(frozen=True)
class Decoded:
    """A decoded word: the table row and its operand values (signed where the field is)."""
    insn: Instruction
    operands: dict[str, int]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Decoded) and self.insn == other.insn \
            and self.operands == other.operands

    def __hash__(self) -> int:
        return hash((self.insn.name, tuple(sorted(self.operands.items()))))


def encode(insn: Instruction | str, operands: dict[str, int]) -> int:
    """The 32-bit word for `insn` with the given field values; raises EncodingError."""
    if isinstance(insn, str):
        insn = BY_NAME[insn]
    missing = set(insn.fields) - set(operands)
    if missing:
        raise ValueError(f"{insn.name}: missing operand fields {sorted(missing)}")
    word = insn.match
    for name in insn.fields:
        value = operands[name]
        if not FIELDS[name].fits(value):
            raise EncodingError(insn.name, name, value)
        word |= FIELDS[name].insert(value)
    return word


# Rows grouped by the major opcode (bits 6..0), which every row fixes.
_BY_OPCODE: dict[int, list[Instruction]] = defaultdict(list)
for _row in INSTRUCTIONS:
    assert _row.mask & 0x7F == 0x7F, _row.name
    _BY_OPCODE[_row.match & 0x7F].append(_row)


def lookup(word: int) -> Instruction | None:
    """The row matching `word`, or None when no row does (an illegal instruction)."""
    for row in _BY_OPCODE.get(word & 0x7F, ()):
        if word & row.mask == row.match:
            return row
    return None


def decode(word: int) -> Decoded | None:
    row = lookup(word)
    if row is None:
        return None
    return Decoded(row, {name: FIELDS[name].extract(word) for name in row.fields})
