"""The SNN kernel: four variants against the numpy model at every deactivation setting,
safe skips, accuracy over the whole test split, operation counts, the shipped network."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from zskip.core_model import load_config
from zskip.kernels import KernelError, kernels, run
from zskip.kernels.snn import DEFAULT, EXACT_PARAMS, SETTINGS, network
from zskip.kernels.snn_model import SNN_PATH, EXACT, Deactivation, classify, simulate
from zskip.traces.digits import load_digits

IMAGES = 3
DEFAULT_PARAMS = dataclasses.asdict(DEFAULT)


@pytest.fixture(scope="module", params=["embedded", "application"])
def runs(request):
    """(setting name, variant) -> KernelRun over IMAGES images on the preset."""
    return {(setting, variant): run("snn", variant, request.param, IMAGES, **params)
            for setting, params in (("exact", EXACT_PARAMS), ("default", DEFAULT_PARAMS))
            for variant in ("baseline", "branch", "xzs", "sasa")}


def test_every_variant_equals_the_model(runs):
    for (setting, variant), r in runs.items():
        assert r.matches_reference, (setting, variant)
        assert r.outputs.shape == (IMAGES, 10) and np.any(r.outputs != 0)
    # deactivation really changes the outputs
    assert not np.array_equal(runs["exact", "xzs"].outputs, runs["default", "xzs"].outputs)


def test_operations_counted_on_the_core(runs):
    """Every executed `add` but one per row is a synaptic update: the baseline does all
    of them; the event-driven variants the model's count, plus the redundant updates of
    blocks whose skip was lost to timing (never fewer)."""
    for (setting, variant), r in runs.items():
        p = r.params
        if variant == "baseline":
            assert p["ops"] == p["dense_ops"]
        elif variant == "branch" or r.stats.skips_lost == 0:
            assert p["ops"] == p["model_ops"], (setting, variant)
        else:
            assert p["ops"] > p["model_ops"]
    assert runs["default", "xzs"].params["model_ops"] < runs["exact", "xzs"].params["model_ops"]


def test_instructions_and_cycles_on_embedded():
    """Relations that hold whatever the pipeline details (on embedded, where xzs loses no
    skip): xzs executes the branch variant's instructions plus 5 per spiking row (the
    zero-row select that keeps a lost row skip harmless); sasa needs fewer than both."""
    r = {v: run("snn", v, "embedded", IMAGES, **DEFAULT_PARAMS)
         for v in ("baseline", "branch", "xzs", "sasa")}
    net = network()
    model = simulate(net, load_digits("test").images[:IMAGES], DEFAULT)
    rows = model.input_spikes.sum() + model.hidden_spikes.sum()
    assert r["xzs"].stats.skips_lost == 0
    assert r["xzs"].stats.instructions - r["branch"].stats.instructions == 5 * rows
    assert r["sasa"].stats.instructions < r["branch"].stats.instructions
    cycles = {v: x.stats.cycles for v, x in r.items()}
    assert cycles["sasa"] < cycles["xzs"] < cycles["branch"] < cycles["baseline"] / 3


@pytest.mark.parametrize("config", ["embedded", "application"])
@pytest.mark.parametrize("variant", ["xzs", "sasa"])
@pytest.mark.parametrize("params", [EXACT_PARAMS, DEFAULT_PARAMS], ids=["exact", "default"])
def test_verify_skips(variant, config, params):
    """Every block a skip decided on is executed anyway and checked unobservable (an
    unsafe one raises UnsafeSkip)."""
    r = run("snn", variant, config, 2, verify_skips=True, **params)
    assert r.matches_reference
    assert r.stats.skip_branches + r.stats.counters["SASA_CHECKS"] > 0


def test_whole_test_split_accuracy_equals_the_model():
    r = run("snn", "xzs", "embedded", None, functional=True, **DEFAULT_PARAMS)
    assert r.images == 360 and r.matches_reference
    assert r.accuracy == r.reference_accuracy
    assert r.params["ops"] == r.params["model_ops"]
    # the default setting costs at most 1 point of the exact network's accuracy
    assert r.params["exact_accuracy"] - 0.01 <= r.accuracy <= r.params["exact_accuracy"]


def test_deactivation_sweep_trades_operations_for_accuracy():
    net, test = network(), load_digits("test")
    ops = [simulate(net, test.images, s).ops.sum() for s in SETTINGS.values()]
    assert ops[0] == simulate(net, test.images, EXACT).ops.sum()
    assert all(a > b for a, b in zip(ops, ops[1:]))
    assert ops[0] / ops[-1] > 4      # the aggressive end approaches the published 5.5x


def test_shipped_network_and_traces():
    with np.load(SNN_PATH) as data:
        fields = {k: data[k] for k in data}
    net, test = network(), load_digits("test")
    result = simulate(net, test.images)
    assert fields["snn_accuracy"] == np.float32(np.mean(classify(result.outputs) == test.labels))
    assert fields["snn_accuracy"] >= fields["mlp_accuracy"] - 0.01 and fields["snn_accuracy"] > 0.95
    np.testing.assert_array_equal(fields["trace_ops"], result.ops)
    np.testing.assert_array_equal(fields["trace_input_spikes"], result.input_spikes)
    np.testing.assert_array_equal(fields["trace_hidden_spikes"], result.hidden_spikes)
    assert 0.6 < 1 - result.input_rate.mean() < 0.8     # the zeros the kernels skip
    assert fields["w1"].dtype == np.int8 and np.abs(fields["w1"]).max() == 127


def test_model_semantics_by_hand():
    """One input pixel of 16 and one of 8 into a single hidden neuron, checked by hand."""
    w1 = np.zeros((64, 1), dtype=np.int8)
    w1[0, 0], w1[1, 0] = 50, 40
    w2 = np.full((1, 10), 60, dtype=np.int8)
    w2[0, 4] = 70
    image = np.zeros((1, 8, 8), dtype=np.uint8)
    image[0, 0, 0], image[0, 0, 1] = 16, 8
    net = dataclasses.replace(network(), w1=w1, w2=w2, theta=100, timesteps=4)
    r = simulate(net, image)
    # input 0 spikes every step, input 1 at steps 0 and 2 (its counter 7 -> -1 + 16 ->
    # 7 -> -1 + 16 -> 7); V1 = 90, 140 -> fire (40), 130 -> fire (30), 80: 2 hidden spikes
    np.testing.assert_array_equal(r.outputs[0], [120, 120, 120, 120, 140] + [120] * 5)
    assert r.ops[0] == 6 + 2 * 10
    # w_min 45 deactivates the 40-weight: V1 = 50, 100 -> fire, 50, 100 -> fire
    assert simulate(net, image, Deactivation(w_min=45)).ops[0] == 4 + 2 * 10


def test_bad_parameters_and_listing():
    assert any(k.name == "snn" and k.family == "snn" for k in kernels())
    with pytest.raises(KernelError, match="v_min"):
        run("snn", "branch", "embedded", 1, v_min=5)
    with pytest.raises(KernelError, match="refresh"):
        run("snn", "branch", load_config("embedded"), 1, refresh=0)


def test_training_learns():
    from zskip.traces.train_snn import mlp_accuracy, train_mlp
    w1, w2 = train_mlp(hidden=16, steps=150)
    assert mlp_accuracy(w1, w2) > 0.85


def test_skips_are_scheduled(runs):
    """The loads are far enough ahead of their skips on both presets (xzs for ID, sasa
    for fetch, with no two SASA triggers sharing a table entry): few skips are lost."""
    for (setting, variant), r in runs.items():
        s = r.stats
        if variant == "xzs":
            assert s.skips_taken > 0 and s.skips_lost == 0, setting
        if variant == "sasa":
            assert s.sasa_hits > 0 and s.skips_lost < 0.05 * s.sasa_hits, setting
