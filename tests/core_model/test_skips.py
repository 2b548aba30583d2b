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


# A SASA entry over a loop whose head is the block's first instruction: the verified
# block starts at the trigger, as a skip-branch's starts at the skip, so the back edge
# to the head stays inside it.
SASA_LOOP = """
.text
.globl _start
_start:
    la    s11, d
    li    t4, 3
    la    t1, trig
    sasa.or t1, t0, t0, {len}
    lw.zd t0, 0(s11)         # zero: the block is skipped
    nop                      # (timing: the table write and SpRF[t0] in effect by trig)
    nop
    nop
    nop
trig:
    nop
head:
    addi  t3, t3, 1          # t3 is dead after the block
    bne   t3, t4, head
{exit}
blk_end:
    li    a0, 0
    li    a7, 93
    ecall
out:
    li    a0, 1
    li    a7, 93
    ecall
.data
d:  .word 0
"""


@pytest.mark.parametrize("functional", [True, False])
def test_verify_skips_accepts_sasa_block_that_is_a_loop(functional: bool) -> None:
    program = assemble(SASA_LOOP.format(len=2, exit=""))
    checked = run_zskip(program, functional=functional, verify_skips=True)
    plain = run_zskip(program, functional=functional)
    assert checked.exit_code == plain.exit_code == 0
    assert plain.stats.sasa_hits == 1 and plain.stats.skipped == 2


@pytest.mark.parametrize("exit", ["    j out", "    j trig"])
def test_verify_skips_reports_exit_from_sasa_loop_block(exit: str) -> None:
    program = assemble(SASA_LOOP.format(len=3, exit=exit))
    with pytest.raises(Fault) as info:
        run_zskip(program, functional=True, verify_skips=True)
    assert "control left the block" in str(info.value)
    trig, end = program.symbols["trig"], program.symbols["blk_end"]
    assert info.value.block == (trig, end)
