"""The zero-rate profiler: counts over a run longer than its ring (several batches),
loads that never run, and the runs it refuses (a fault, no exit in time)."""
from __future__ import annotations

import pytest

from zskip.compiler.zeroskip import ProfileError, profile_zero_rates
from zskip.core_model import load_config
from zskip.isa.assembler import assemble, parse

# 64 passes over 4096 halfwords, one in four zero: 262,144 loads, ~1.6 M instructions
PROGRAM = """\
    .text
    .globl _start
_start:
    li   s1, 64
again:
    la   s0, a
    li   s2, 4096
loop:
    lh   t0, 0(s0)
    add  t1, t1, t0
    addi s0, s0, 2
    addi s2, s2, -1
    bnez s2, loop
    addi s1, s1, -1
    bnez s1, again
    beqz s1, done
    lw   t2, 0(s0)          # never runs
done:
    li   a0, 0
    li   a7, 93
    ecall
    .data
a:  .half """ + ", ".join(["0, 1, 2, 3"] * 1024) + "\n"


def _loads(text: str):
    module = parse(text, "p.S")
    return assemble(module), [i for i in module.instructions() if i.row.cls.name == "load"]


def test_rates_over_many_batches() -> None:
    program, loads = _loads(PROGRAM)
    assert profile_zero_rates(program, loads, load_config("embedded")) == {("p.S", 9): 0.25}


@pytest.mark.parametrize("text, limit, message", [
    (PROGRAM, 100_000, "no exit within 100000 instructions"),
    (PROGRAM.replace("la   s0, a", "li   s0, 3"), 10_000_000, "misaligned"),
], ids=["limit", "fault"])
def test_a_run_that_does_not_exit_cleanly_is_refused(text, limit, message) -> None:
    program, loads = _loads(text)
    with pytest.raises(ProfileError, match=message):
        profile_zero_rates(program, loads, load_config("embedded"), limit)
