"""encode/decode derive from the table: they invert each other for every row, and an
operand out of range is refused with its range."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zskip.isa.encoding import Decoded, EncodingError, decode, encode, lookup
from zskip.isa.table import BY_NAME, FIELDS, INSTRUCTIONS, Instruction


def field_values(name: str) -> st.SearchStrategy[int]:
    f = FIELDS[name]
    lo, hi = f.range
    return st.integers(lo // f.align, hi // f.align).map(lambda v: v * f.align)


def operands(insn: Instruction) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({name: field_values(name) for name in insn.fields})


@pytest.mark.parametrize("insn", INSTRUCTIONS, ids=lambda i: i.name)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_decode_inverts_encode(insn: Instruction, data: st.DataObject) -> None:
    ops = data.draw(operands(insn))
    word = encode(insn, ops)
    assert 0 <= word < 1 << 32 and word & insn.mask == insn.match
    assert lookup(word) is insn
    assert decode(word) == Decoded(insn, ops)
    assert encode(insn.name, ops) == word


@pytest.mark.parametrize("insn", [i for i in INSTRUCTIONS if i.fields], ids=lambda i: i.name)
def test_out_of_range_names_the_range(insn: Instruction) -> None:
    ops = {name: 0 for name in insn.fields}
    for name in insn.fields:
        f = FIELDS[name]
        lo, hi = f.range
        bad = [lo - f.align, hi + f.align] + ([lo + 1] if f.align > 1 else [])
        for value in bad:
            with pytest.raises(EncodingError) as info:
                encode(insn, {**ops, name: value})
            assert (info.value.field, info.value.value, info.value.range) == (name, value, (lo, hi))
            assert f"[{lo}, {hi}]" in str(info.value) and insn.name in str(info.value)


def test_known_words() -> None:
    # spot values from the RISC-V manual / GNU as
    assert encode("addi", {"rd": 10, "rs1": 0, "imm12": -1}) == 0xFFF00513
    assert encode("beq", {"rs1": 10, "rs2": 11, "bimm12": -8}) == 0xFEB50CE3
    assert encode("jal", {"rd": 1, "jimm20": 2048}) == 0x001000EF
    assert decode(0x0000000B) == Decoded(BY_NAME["lb.zd"], {"rd": 0, "rs1": 0, "imm12": 0})
    assert decode(0xFFFFFFFF) is None and lookup(0) is None
