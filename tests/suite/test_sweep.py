"""Sweeps (suite/sweep.py): the trends that must be monotonic, the measured speedup
against the ideal bound, the files -o writes, and the cache across runs."""
from __future__ import annotations

import csv
import json

import pytest

from zskip.core_model import load_config
from zskip.core_model.config import config_from_dict
from zskip.isa.errors import ZskipError
from zskip.suite import sweep
from zskip.suite.cache import ResultCache
from zskip.suite.executor import LocalPool, Serial

IMAGES = 12
EMBEDDED = load_config("embedded")


def by_variant(result: sweep.SweepResult, variant: str) -> list[dict]:
    return sorted((r for r in result.rows if r["variant"] == variant), key=lambda r: r["x"])


def non_decreasing(values: list[float]) -> bool:
    return all(b >= a for a, b in zip(values, values[1:]))


@pytest.fixture(scope="module")
def activations() -> sweep.SweepResult:
    plan = sweep.plan("mlp_os", "activations", EMBEDDED, IMAGES)
    with LocalPool(2) as pool:
        return sweep.run_sweep(plan, pool)


def test_speedup_rises_with_activation_sparsity_and_approaches_the_bound(activations):
    xs = [r["x"] for r in by_variant(activations, "xzs")]
    assert xs[0] == pytest.approx(0.5, abs=0.05) and xs[-1] > 0.95   # natural zeros to all
    for variant in ("branch", "xzs", "sasa"):
        assert non_decreasing([r["speedup"] for r in by_variant(activations, variant)])
        assert non_decreasing([r["energy_ratio"] for r in by_variant(activations, variant)])
    for row in by_variant(activations, "xzs"):
        # skipping costs something (skz, its penalty), so the bound is never reached,
        # but mlp_os's tiles keep xzs within 10% of it, instructions and cycles
        assert 0.9 * row["bound_speedup"] <= row["speedup"] <= row["bound_speedup"]
        assert 0.9 * row["bound_instruction_ratio"] <= row["instruction_ratio"] \
            <= row["bound_instruction_ratio"]
        assert row["energy_ratio"] <= row["bound_energy_ratio"] and row["skips_lost"] == 0
    assert all(r["bound_speedup"] is None for r in by_variant(activations, "branch"))


def test_speedup_rises_with_pruned_weights():
    plan = sweep.plan("mlp_pruned", "weights", EMBEDDED, IMAGES)
    # the shipped network is 70% pruned: every target up to 0.7 is the same network
    assert [p.value for p in plan.points] == [0.0, 0.8, 0.9, 0.95]
    result = sweep.run_sweep(plan, Serial())
    for variant in ("branch", "xzs", "sasa"):
        rows = by_variant(result, variant)
        assert [round(r["x"], 2) for r in rows] == [0.7, 0.8, 0.9, 0.95]
        assert non_decreasing([r["instruction_ratio"] for r in rows])
        assert all(r["bound_speedup"] is None for r in rows)   # no bound for this kernel
        # each zero weight is a skip; for branch a taken beqz, a misprediction that can
        # cost more than the 4 instructions it saves (on these 12 images 0.7 -> 0.8 does)
        if variant != "branch":
            assert non_decreasing([r["speedup"] for r in rows])


def test_the_gain_over_a_software_zero_test_grows_with_the_branch_penalty():
    """A taken beqz costs the branch penalty, a taken skz its own (ID) penalty, so xzs's
    gain over branch grows with the penalty, as long as the zero-detect load writes
    back before the skip decides: resolving branches later delays the load as much, and
    from a penalty of 6 on the embedded pipeline mlp_os's skips are lost."""
    result = sweep.run_sweep(sweep.plan("mlp_os", "branch_penalty", EMBEDDED, 4), Serial())
    xzs = by_variant(result, "xzs")
    in_time = [r for r in xzs if r["skips_lost"] == 0]
    assert [r["x"] for r in in_time] == [2, 3, 4, 5]
    assert non_decreasing([r["speedup_vs_branch"] for r in in_time])
    assert in_time[-1]["speedup_vs_branch"] > in_time[0]["speedup_vs_branch"] > 1
    assert all(r["skips_lost"] > 0 for r in xzs if r["x"] >= 6)


def test_config_axes_plan_valid_configs():
    for axis, param in sweep.CONFIG_PARAMS.items():
        plan = sweep.plan("mlp_os", axis, EMBEDDED)
        assert [p.value for p in plan.points] == list(param.defaults(EMBEDDED))
        for point in plan.points:
            assert point.config.name == f"embedded, {axis}={point.value}"
    deep = sweep.plan("mlp_os", "pipeline_depth", EMBEDDED, values=[7]).points[0].config
    assert (deep.pipeline.decode_stage, deep.pipeline.execute_stage,
            deep.pipeline.skip_taken_penalty) == (4, 5, 3)
    with pytest.raises(ZskipError, match="feed-forward kernels; lstm is lstm"):
        sweep.plan("lstm", "activations", EMBEDDED)
    with pytest.raises(ZskipError, match="must include baseline and branch"):
        sweep.plan("mlp_os", "skip_penalty", EMBEDDED, variants=("xzs",))
    with pytest.raises(ZskipError, match="not in 0..0.99"):
        sweep.plan("mlp_os", "weights", EMBEDDED, values=[1.5])


def test_files_manifest_and_cache(tmp_path):
    cache = ResultCache(tmp_path / "cache")
    plan = sweep.plan("mlp_os", "skip_penalty", EMBEDDED, 3, [0, 2])
    first = sweep.run_sweep(plan, Serial(), cache)
    assert first.computed == first.total == 2 * 10      # 4 timed + 3 bound runs x 2
    paths = sweep.write(first, tmp_path / "out")
    assert [p.name for p in paths] == ["mlp_os_skip_penalty.csv", "mlp_os_skip_penalty.json",
                                       "mlp_os_skip_penalty.png"]
    assert paths[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = list(csv.DictReader(paths[0].open()))
    assert [(r["x"], r["variant"]) for r in rows[:2]] == [("0", "baseline"), ("0", "branch")]
    manifest = json.loads(paths[1].read_text())
    for point, written in zip(plan.points, manifest["points"]):
        assert config_from_dict(written["config"], "manifest") == point.config
        assert len(written["tasks"]) == 10
    assert manifest["rows"][0]["cycles"] == int(rows[0]["cycles"])

    again = sweep.run_sweep(plan, Serial(), cache)
    assert again.computed == 0 and again.rows == first.rows
    # one more value: only its point runs, the baseline and branch runs of points whose
    # config the skip penalty does not change included (their keys differ by config)
    more = sweep.run_sweep(sweep.plan("mlp_os", "skip_penalty", EMBEDDED, 3, [0, 2, 3]),
                           Serial(), cache)
    assert more.computed == 10 and more.rows[:len(first.rows)] == first.rows
