"""The decision distances the pass schedules for (compiler/zeroskip/cost.py), measured
on the core: with gap_needed instructions between the zero-detect load and the skz (or
the SASA trigger) every skip is taken; with one fewer, skips are lost."""
from __future__ import annotations

import pytest

from zskip.compiler.zeroskip.cost import gap_needed
from zskip.core_model import Machine, load_config
from zskip.isa.assembler import assemble

N = 16


def loop(how: str, gap: int) -> str:
    """N zero bytes, each loaded with lb.zd and `gap` instructions before the skz, or
    before the SASA trigger (the instruction just before the block)."""
    count = gap + (how == "sasa")
    fillers = "\n".join("    addi t3, t3, 1" for _ in range(count))
    body = "    mul t1, t1, t0\n    add s0, s0, t1\n    mul t2, t2, t0\n    add s1, s1, t2"
    if how == "skz":
        test, trigger, setup = "    skz t0, 2f", "", ""
    else:
        test, trigger = "", "trig:"
        setup = "    la t6, trig\n    sasa.or t6, t0, t0, 4\n"
        fillers = fillers.rsplit("\n", 1)
        fillers = "\n".join(fillers[:-1] + [trigger, fillers[-1]])
    return f"""
    .text
    .globl _start
_start:
{setup}    la   a0, zeros
    li   a1, {N}
1:  lb.zd t0, 0(a0)
{fillers}
{test}
{body}
2:  addi a0, a0, 1
    addi a1, a1, -1
    bnez a1, 1b
    li   a0, 0
    li   a7, 93
    ecall
    .data
zeros: .zero {N}
"""


@pytest.mark.parametrize("preset", ["embedded", "application"])
@pytest.mark.parametrize("how", ["skz", "sasa"])
def test_one_fewer_instruction_loses_the_skip(preset, how):
    config = load_config(preset)
    need = gap_needed(config, how)
    taken = {}
    for gap in (need, need - 1):
        stats = Machine(assemble(loop(how, gap), "gap.S"), config).run()
        taken[gap] = stats.skips_taken if how == "skz" else stats.sasa_hits
    assert taken[need] == N
    assert taken[need - 1] < N / 2
