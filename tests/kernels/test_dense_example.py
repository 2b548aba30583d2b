"""The example dense-layer kernel: baseline, software zero test (branch) and Xzs versions
against numpy and each other, and what the extension gains over software."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from zskip.core_model import Machine, load_config
from zskip.core_model.compare import Outcome, check_same_results
from zskip.isa.program import load_any

from ..core_model.harness import differences, run_reference

EXAMPLES = Path(__file__).resolve().parents[2] / "kernels" / "examples"
N_IN, N_OUT = 32, 16


VARIANTS = ("dense_baseline", "dense_branch", "dense_xzs")


def run(name: str, preset: str = "embedded", overrides: dict | None = None,
        **kwargs) -> Outcome:
    """Run a variant; the base-ISA ones on the preset without the Xzs hardware."""
    config = load_config(preset).updated({**(overrides or {}),
                                          "xzs": name.startswith("dense_xzs")})
    program = load_any(EXAMPLES / f"{name}.S")
    machine = Machine(program, config, **kwargs)
    return Outcome(name, program, machine, machine.run())


def words(outcome: Outcome, symbol: str, n: int) -> np.ndarray:
    return np.frombuffer(outcome.machine.read(outcome.program.symbols[symbol], 4 * n), "<i4")


@pytest.fixture(scope="module", params=[False, True], ids=["timing", "functional"])
def runs(request) -> tuple[Outcome, Outcome, Outcome]:
    return tuple(run(name, functional=request.param) for name in VARIANTS)


def test_every_version_computes_the_numpy_result(runs):
    for outcome in runs:
        x = words(outcome, "x", N_IN)
        w = words(outcome, "w", N_IN * N_OUT).reshape(N_IN, N_OUT)
        assert (x == 0).sum() == 15          # the data really has zeros to skip
        np.testing.assert_array_equal(words(outcome, "y", N_OUT), x @ w)
        assert outcome.machine.exit_code == 0


def test_xzs_skips_the_zero_rows(runs):
    base, branch, ext = runs
    assert check_same_results([base, ext]).objects >= 3   # x, w and y compared
    assert check_same_results([branch, ext]).objects >= 3
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
    ext = run("dense_xzs", "application")
    assert ext.stats.skips_taken == 0 and ext.stats.skips_lost == 15
    np.testing.assert_array_equal(words(ext, "y", N_OUT),
                                  words(run("dense_baseline", "application"), "y", N_OUT))


# (instructions, cycles) of baseline, branch and xzs. branch and xzs retire the same
# 2731 instructions: skz replaces beqz one for one, so the extension saves no
# instruction over software here. What it saves is the redirect of the 15 taken zero
# tests: a skip resolves in ID (1 squashed slot on embedded), a beqz in EX, and
# under predict-not-taken every taken beqz is a misprediction (2 slots): 15 cycles,
# 0.3% (5569 vs 5554). With BTFN (forward beqz predicted not-taken, so the same
# mispredictions) the gain is again 15 cycles. On application the load three
# instructions ahead has not written back when skz decides: all 15 skips are lost,
# the rows run, and xzs is 1.58x slower than the software test (12063 vs 7616). (Its
# multiplier is pipelined: no multiply stalls there, unlike embedded's iterative one.)
PINNED = {
    ("embedded", "not_taken"): ((4904, 9628), (2731, 5569), (2731, 5554)),
    ("embedded", "btfn"): ((4904, 9183), (2731, 5319), (2731, 5304)),
    ("application", "btfn"): ((4904, 12031), (2731, 7616), (4936, 12063)),
}


@pytest.mark.parametrize("preset, predictor", PINNED)
def test_what_the_extension_gains_over_a_software_zero_test(preset: str, predictor: str):
    outcomes = [run(name, preset, {"pipeline": {"branch_predictor": predictor}})
                for name in VARIANTS]
    assert check_same_results(outcomes).objects >= 3
    assert tuple((o.stats.instructions, o.stats.cycles) for o in outcomes) \
        == PINNED[preset, predictor]


def test_the_extension_costs_energy_on_embedded():
    # branch (no Xzs hardware) vs xzs on embedded, pJ: the extension saves 15 wrong-path
    # slots (15 x (15.56 + 25 I-cache read) = 608.4), 15 cycles of leakage (75) and
    # the 64 x0/t0 register reads of the 32 beqz (64 x 2 = 128), and pays 2122 SpRF
    # writes (x 0.06 = 127.32), 32 SpRF reads (1.92) and zero detects (0.64), and per
    # cycle the SpRF's and the 16 SASA entries' leakage (5554 x 0.16305 = 905.58):
    # +224.06 pJ, 0.08% more energy for 0.3% fewer cycles.
    branch, ext = run("dense_branch").stats, run("dense_xzs").stats
    assert ext.energy_total - branch.energy_total == pytest.approx(
        -608.4 - 75 - 128 + 127.32 + 1.92 + 0.64 + 905.58, abs=0.01)


def test_the_deep_schedule_gets_the_skips_back_on_application():
    # dense_xzs_deep.S moves `la t1, y` (auipc + addi) above the skz: four instructions
    # between lw.zd and skz are enough on application (ID in stage 3, load data two
    # stages after EX), at the price of those two instructions on every input.
    deep, xzs, branch = (run(name, "application")
                         for name in ("dense_xzs_deep", "dense_xzs", "dense_branch"))
    assert check_same_results([branch, xzs, deep]).objects >= 3
    assert deep.stats.skips_taken == 15 and deep.stats.skips_lost == 0
    assert deep.stats.instructions == branch.stats.instructions + 2 * 15
