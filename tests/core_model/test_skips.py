"""Skips are optimisations, never trusted: verify-skips catches unsafe skip regions and
accepts a safe one. (Baseline and Xzs kernels leaving identical results: tests/kernels.)"""
from __future__ import annotations

import pytest

from zskip.core_model import Fault
from zskip.isa.assembler import assemble

from .harness import run_zskip

# A zero-detect load of a zero, then a skip over `block`; `after` runs once the block
# is over. Only the region between blk_start and blk_end is skippable.
TEMPLATE = """
.text
.globl _start
_start:
    la    s11, d
    li    s0, 5
    li    t2, 9
    lw.zd t0, 0(s11)         # zero
    nop
    nop
    nop
    skz   t0, blk_end
blk_start:
{block}
blk_end:
{after}
    li    a7, 93
    ecall
.data
d:  .word 0, 7
"""


def _program(block: str, after: str = "mv a0, s0"):
    return assemble(TEMPLATE.format(block=block, after=after))


@pytest.mark.parametrize("block, after, what", [
    ("addi s0, s0, 1", "mv a0, s0", "live register"),            # s0 is read afterwards
    ("li t1, 3\n sw t1, 4(s11)", "lw a0, 4(s11)", "memory"),     # the store changes d[1]
])
def test_verify_skips_catches_unsafe_region(block: str, after: str, what: str) -> None:
    program = _program(block, after)
    with pytest.raises(Fault) as info:
        run_zskip(program, functional=True, verify_skips=True)
    assert type(info.value).__name__ == "UnsafeSkip", what
    message = str(info.value)
    start, end = program.symbols["blk_start"], program.symbols["blk_end"]
    assert f"{start:x}" in message or f"{end:x}" in message, message
    # without verification the skip is simply taken
    m = run_zskip(program, functional=True)
    assert m.exit_code == (5 if what == "live register" else 7)


def test_verify_skips_accepts_safe_mac_block() -> None:
    # t0 == 0, so the product is 0 and the accumulator s0 is unchanged; t3 is a dead
    # temporary, overwritten before any later read.
    program = _program("mul t3, t0, t2\n add s0, s0, t3",
                       "sw s0, 4(s11)\n li t3, 1\n add a0, s0, t3")
    checked = run_zskip(program, functional=True, verify_skips=True)
    plain = run_zskip(program, functional=True)
    assert checked.exit_code == plain.exit_code == 6
    assert checked.read(program.symbols["d"] + 4, 4) == (5).to_bytes(4, "little")
