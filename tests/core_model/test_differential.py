"""zskip against the unicorn reference model: random programs and GCC-built C programs
end with identical registers, SpRF, memory, exit code and output.

Random programs (tests/core_model/randprog.py) run in zskip's functional mode, where
the SpRF is always known as in the ideal reference; programs generated with
`safe_skips` also run in timing mode, where no skip can be lost and the result must
not change. GCC programs are built at -O0, -O2 and -Os (test_reference.py checks the reference
model itself against qemu-riscv32 on the same programs).
"""
from __future__ import annotations

import pytest

from zskip.isa.program import load_program

from .harness import C_PROGRAMS, OPTS, differences, program_of, reference_for, run_zskip
from .randprog import random_program

CHUNKS, PER_CHUNK = 8, 150        # 1200 programs of each kind


def _check(source: str, seed: int, modes: tuple[bool, ...]) -> None:
    program = program_of(source)
    ref = reference_for(program)
    ref.run(1_000_000)
    for functional in modes:
        m = run_zskip(program, functional=functional, max_insns=1_000_000)
        diffs = differences(m, ref)
        assert not diffs, (f"seed {seed} ({'functional' if functional else 'timing'}): "
                           + "; ".join(diffs[:6]))


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_programs_functional(chunk: int) -> None:
    for seed in range(chunk * PER_CHUNK, (chunk + 1) * PER_CHUNK):
        _check(random_program(seed), seed, (True,))


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_programs_safe_skips_timing(chunk: int) -> None:
    for seed in range(100_000 + chunk * PER_CHUNK, 100_000 + (chunk + 1) * PER_CHUNK):
        _check(random_program(seed, safe_skips=True), seed, (True, False))


def test_generator_exercises_the_extension() -> None:
    """The random programs really take skips (both kinds) and set SpRF bits; else the
    comparisons above would prove little."""
    taken = sasa = sprf_set = 0
    for seed in range(40):
        ref = reference_for(random_program(seed))
        ref.run()
        taken += ref.skips_taken
        sasa += ref.sasa_skips
        sprf_set += ref.sprf != 1
    assert taken > 100 and sasa > 20 and sprf_set > 10, (taken, sasa, sprf_set)


@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("name", C_PROGRAMS)
def test_gcc_program(gcc_builds, name: str, opt: str) -> None:
    elf = gcc_builds[name, opt]
    program = load_program(elf)
    ref = reference_for(program)
    ref.run(5_000_000)
    for functional in (True, False):
        m = run_zskip(program, functional=functional, max_insns=5_000_000)
        assert not differences(m, ref), differences(m, ref)
    assert ref.output, "each program prints something"
