"""The example dense-layer kernel: baseline and Xzs versions against numpy and each other."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from zskip.core_model import Machine
from zskip.core_model.compare import Outcome, check_same_results
from zskip.isa.program import load_any

from ..core_model.harness import differences, run_reference

EXAMPLES = Path(__file__).resolve().parents[2] / "kernels" / "examples"
N_IN, N_OUT = 32, 16


def run(name: str, **kwargs) -> Outcome:
    program = load_any(EXAMPLES / f"{name}.S")
    machine = Machine(program, **kwargs)
    return Outcome(name, program, machine, machine.run())


def words(outcome: Outcome, symbol: str, n: int) -> np.ndarray:
    return np.frombuffer(outcome.machine.read(outcome.program.symbols[symbol], 4 * n), "<i4")


@pytest.fixture(scope="module", params=[False, True], ids=["timing", "functional"])
def runs(request) -> tuple[Outcome, Outcome]:
    return (run("dense_baseline", functional=request.param),
            run("dense_xzs", functional=request.param))


def test_both_versions_compute_the_numpy_result(runs):
    for outcome in runs:
        x = words(outcome, "x", N_IN)
        w = words(outcome, "w", N_IN * N_OUT).reshape(N_IN, N_OUT)
        assert (x == 0).sum() == 15          # the data really has zeros to skip
        np.testing.assert_array_equal(words(outcome, "y", N_OUT), x @ w)
        assert outcome.machine.exit_code == 0


def test_xzs_skips_the_zero_rows(runs):
    base, ext = runs
    assert check_same_results([base, ext]).objects >= 3   # x, w and y compared
    # Each of the 15 zero activations skips its row. The skip jumps over 12 instruction
    # words (la = 2, li, the 9-instruction loop body), which is what `skipped` counts;
    # the work avoided is the loop's 16 iterations: 3 + 16 x 9 instructions per row.
    assert ext.stats.skip_branches == N_IN and ext.stats.skips_taken == 15
    assert ext.stats.skipped == 15 * 12
    # The baseline retires exactly that work more, minus the one skz per input.
    assert base.stats.instructions - ext.stats.instructions == 15 * (3 + N_OUT * 9) - N_IN
    assert ext.stats.skips_lost == 0        # the load is 3 instructions ahead of the skip
    if not ext.stats.functional:
        assert ext.stats.cycles < base.stats.cycles
    assert ext.stats.energy_total < base.stats.energy_total


def test_final_state_equals_the_reference_model(runs):
    for outcome in runs:
        assert not differences(outcome.machine, run_reference(outcome.program))


def test_verify_skips_accepts_the_kernel():
    run("dense_xzs", verify_skips=True)


def test_compare_command_prints_the_table():
    result = subprocess.run(
        [sys.executable, "-m", "zskip", "compare", str(EXAMPLES / "dense_baseline.S"),
         str(EXAMPLES / "dense_xzs.S"), "--verify-skips"],
        capture_output=True, text=True, check=True)
    assert "cycles" in result.stdout and "energy (nJ)" in result.stdout
    assert "verify-skips: every skipped block of dense_xzs.S was unobservable" in result.stdout


def test_the_deeper_preset_loses_every_skip_at_distance_three():
    # application preset: skip-branches decide in stage 3 (ID after a 2-stage fetch)
    # and load data arrives after EX (stage 4) plus two memory stages, so a zero-detect
    # load three instructions ahead has not written back when the skz decides.
    ext = run("dense_xzs", config="application")
    assert ext.stats.skips_taken == 0 and ext.stats.skips_lost == 15
    np.testing.assert_array_equal(words(ext, "y", N_OUT),
                                  words(run("dense_baseline", config="application"), "y", N_OUT))
