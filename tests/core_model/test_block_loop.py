"""The block loop (per-block timing, counts kept per block entry) against the exact
per-instruction loop: same programs, every counter, per-instruction count, register,
SpRF bit, memory byte, output and stop reason identical.

Machine(per_instruction=True) keeps every instruction in the per-instruction loop; the
default hands over between the two loops wherever the block loop can go on.
"""
from __future__ import annotations

import numpy as np
import pytest

from zskip.core_model import Machine
from zskip.core_model.faults import Fault

from .harness import program_of
from .randprog import random_program

CONFIGS = [None, "application"]


def _run(program, per_instruction: bool, functional: bool, config, max_insns: int):
    m = Machine(program, config, functional=functional, per_instruction=per_instruction)
    try:
        m.run(max_insns=max_insns)
        stop = m.status
    except Fault as e:
        stop = f"{type(e).__name__} at 0x{e.pc:08x}"
    return m, stop


def assert_same(program, *, functional: bool = False, config=None,
                max_insns: int = 1_000_000) -> None:
    fast, fast_stop = _run(program, False, functional, config, max_insns)
    exact, exact_stop = _run(program, True, functional, config, max_insns)
    assert fast_stop == exact_stop
    assert dict(fast._counters_by_name()) == dict(exact._counters_by_name())
    assert np.array_equal(fast._insn_counts, exact._insn_counts)
    assert np.array_equal(fast.x, exact.x) and fast.sprf == exact.sprf
    assert fast.pc == exact.pc and fast.exit_code == exact.exit_code
    assert fast.output == exact.output
    assert np.array_equal(fast.memory, exact.memory)
    assert fast.stats.to_dict() == exact.stats.to_dict()


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("chunk", range(4))
def test_random_programs(chunk: int, config) -> None:
    for seed in range(chunk * 100, (chunk + 1) * 100):
        for functional in (False, True):
            assert_same(program_of(random_program(seed)), functional=functional,
                        config=config)


@pytest.mark.parametrize("chunk", range(2))
def test_random_programs_stopped_by_the_limit(chunk: int) -> None:
    """The instruction limit falls anywhere inside a block."""
    for seed in range(1000 + chunk * 50, 1000 + (chunk + 1) * 50):
        program = program_of(random_program(seed))
        for limit in (1, 7, 50, 333, 2000):
            assert_same(program, max_insns=limit)
