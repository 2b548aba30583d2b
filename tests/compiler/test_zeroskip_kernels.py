"""The pass on the hand-written kernels' baselines: the transformed programs compute the
baseline's outputs, pass verify-skips, and do the hand-written variants' work (the
cycle tables: bench/zeroskip_tables.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.zeroskip_tables import ffnn_rates, ffnn_source, run_ffnn
from zskip.compiler.zeroskip import zero_skip
from zskip.core_model import Machine, load_config
from zskip.isa.assembler import assemble
from zskip.kernels import ffnn
from zskip.kernels.harness import fetch, kernel_path
from zskip.kernels.registry import variant_config
from zskip.traces.digits import load_digits

IMAGES = 2


@pytest.mark.parametrize("preset", ["embedded", "application"])
def test_dense_example_matches_hand_written_xzs(preset):
    path = Path(kernel_path("examples/dense_baseline.S"))
    cfg = variant_config(load_config(preset), "xzs")
    result = zero_skip(path.read_text(), "xzs", cfg, filename=str(path))
    kept = [r for r in result.regions if r.accepted]
    assert len(kept) == 1 and kept[0].loops == 1          # the whole row loop
    program = assemble(result.text, str(path))
    base = Machine(assemble(path.read_text(), str(path)), cfg)
    base.run()
    checked = Machine(program, cfg, verify_skips=True)
    checked.run()
    auto = Machine(program, cfg)
    auto_stats = auto.run()
    hand_path = kernel_path("examples/dense_xzs.S")
    hand = Machine(assemble(hand_path.read_text(), str(hand_path)), cfg).run()
    want = fetch(base, "y", "<i4", (16,))
    assert np.array_equal(fetch(auto, "y", "<i4", (16,)), want)
    assert np.array_equal(fetch(checked, "y", "<i4", (16,)), want)
    assert auto_stats.skips_lost == 0 and auto_stats.cycles <= hand.cycles


@pytest.mark.parametrize("kernel", [k for k in ffnn.KERNELS if k.name in ("mlp_os", "mlp_is", "cnn")],
                         ids=lambda k: k.name)
@pytest.mark.parametrize("variant", ["branch", "xzs", "sasa"])
def test_ffnn_baseline_transformed_like_the_hand_kernels(kernel, variant):
    pixels = load_digits("test").images[:IMAGES]
    cfg = variant_config(load_config("embedded"), variant)
    text, name = ffnn_source(kernel, "baseline", IMAGES)
    base, want = run_ffnn(kernel, assemble(text, name), variant_config(cfg, "baseline"), pixels)
    result = zero_skip(text, variant, cfg, filename=name,
                       zero_rates=ffnn_rates(kernel, pixels, cfg))
    program = assemble(result.text, name)
    auto, got = run_ffnn(kernel, program, cfg, pixels)
    _, checked = run_ffnn(kernel, program, cfg, pixels, verify_skips=True)
    assert np.array_equal(got, want) and np.array_equal(checked, want)
    hand_text, hand_name = ffnn_source(kernel, variant, IMAGES)
    hand, _ = run_ffnn(kernel, assemble(hand_text, hand_name), cfg, pixels)
    assert auto.cycles < base.cycles
    if variant != "sasa":         # the same work as the hand-written kernel, or less
        assert auto.instructions <= hand.instructions
