"""The LSTM kernel family: the shipped network, its numpy model, and the four variants on
the core against the model, at threshold 0 (exact) and with the approximations on."""
from __future__ import annotations

import numpy as np
import pytest

from zskip import kernels
from zskip.kernels import lstm, lstm_model
from zskip.kernels.registry import KernelError
from zskip.traces.digits import load_digits

IMAGES = 3
APPROXIMATE = {"time_threshold": 4, "state_threshold": 2}   # both criteria fire


@pytest.fixture(scope="module")
def net() -> lstm_model.LstmNet:
    return lstm_model.load_lstm()


def test_shipped_network_and_accuracies(net: lstm_model.LstmNet) -> None:
    test = load_digits("test")
    exact = lstm_model.infer(net, test.images)
    with np.load(lstm_model.LSTM_PATH) as data:
        assert float(data["quantized_accuracy"]) == np.mean(exact.predictions == test.labels)
        assert data["float_accuracy"] >= 0.93
        assert data["quantized_accuracy"] >= data["float_accuracy"] - 0.01
    assert (net.wx.dtype, net.wh.dtype, net.wd.dtype, net.b.dtype) == \
        (np.int8, np.int8, np.int8, np.int32)
    with np.load(lstm_model.TRACE_PATH) as trace:
        np.testing.assert_array_equal(trace["x_zero"], exact.x_zero)
        np.testing.assert_array_equal(trace["h_zero"], exact.h_zero)
    # column symbols: the first column of a digit is almost always blank; h starts at 0
    assert exact.x_zero[:, 0].mean() > 0.95 and np.all(exact.h_zero[:, 0] == 1)


def test_threshold_zero_is_exact_and_approximations_cost_work(net) -> None:
    images = load_digits("test").images[:40]
    exact = lstm_model.infer(net, images)
    assert exact.evaluated.min() == 8 and exact.active.min() == net.hidden
    approx = lstm_model.infer(net, images, **APPROXIMATE)
    assert approx.evaluated.sum() < exact.evaluated.sum()
    assert approx.active.sum() < exact.active.sum()
    assert approx.h_operands[1] < exact.h_operands[1]


@pytest.mark.parametrize("params", [{"time_threshold": 0}, {}, APPROXIMATE],
                         ids=["exact", "default", "approximate"])
@pytest.mark.parametrize("variant", kernels.VARIANTS)
def test_variants_equal_the_model(variant: str, params: dict) -> None:
    run = kernels.run("lstm", variant, "embedded", images=IMAGES,
                      verify_skips=variant in ("xzs", "sasa"), **params)
    assert run.matches_reference and run.exact
    assert run.outputs.shape == (IMAGES, 10)
    assert run.params["time_threshold"] == params.get("time_threshold",
                                                      lstm.DEFAULT_TIME_THRESHOLD)


def test_instruction_counts_follow_the_zero_operands(net) -> None:
    """Exact relations between the variants (program structure, not timing): a zero
    operand's row is 16 iterations of 23 instructions for the gates (64 outputs) and 3
    for the head (12); branch pays one beqz per operand; xzs swaps beqz for skz one for
    one; SASA drops the test and also skips the `mv` that starts its block, and its
    set-up is 3 instructions (la, sasa.or)."""
    runs = {v: kernels.run("lstm", v, "embedded", images=IMAGES, time_threshold=0)
            for v in kernels.VARIANTS}
    model = lstm_model.infer(net, load_digits("test").images[:IMAGES])
    gate_zeros = model.x_operands[0] + model.h_operands[0]
    head_zeros = int(np.sum(model.hidden == 0))
    operands = model.x_operands[1] + model.h_operands[1] + IMAGES * net.hidden
    count = {v: r.stats.instructions for v, r in runs.items()}
    assert count["baseline"] - count["branch"] == \
        16 * 23 * gate_zeros + 3 * 23 * head_zeros - operands
    assert count["xzs"] == count["branch"]
    zeros = gate_zeros + head_zeros
    assert runs["xzs"].stats.skips_taken == zeros and runs["xzs"].stats.skips_lost == 0
    assert runs["sasa"].stats.sasa_hits == zeros
    assert count["xzs"] - count["sasa"] == operands + zeros - 3
    # on embedded the skip saves the taken beqz's extra squashed slot: xzs is faster
    assert runs["xzs"].stats.cycles < runs["branch"].stats.cycles < runs["baseline"].stats.cycles


def test_whole_test_split_accuracy_on_the_core() -> None:
    """All 360 test images, functional mode, at the default thresholds: the core's
    accuracy is the model's, within a point of the exact network's."""
    for variant in kernels.VARIANTS:
        run = kernels.run("lstm", variant, "embedded", functional=True)
        assert run.images == 360 and run.matches_reference
        assert run.accuracy >= run.reference_accuracy - 0.01
    assert kernels.run("lstm", "branch", functional=True, time_threshold=0).accuracy == \
        run.reference_accuracy


def test_bad_thresholds_are_refused() -> None:
    with pytest.raises(KernelError, match="thresholds"):
        kernels.run("lstm", "baseline", images=1, time_threshold=-1)


def test_timestep_skipping_saves_work_on_the_core() -> None:
    runs = [kernels.run("lstm", "branch", "embedded", images=10, time_threshold=t)
            for t in (0, 8, 16)]
    skipped = [r.params["timesteps_skipped"] for r in runs]
    assert skipped[0] == 0 < skipped[1] < skipped[2]
    assert runs[0].stats.cycles > runs[1].stats.cycles > runs[2].stats.cycles
    # the saving is less than the skipped share of the exact run's work: the criterion
    # costs instructions, and the skipped (mostly blank) columns are the cheap ones
    assert runs[2].stats.instructions > (1 - skipped[2]) * runs[0].stats.instructions


def test_training_learns() -> None:
    """A brief retraining (30 Adam steps, the shipped recipe otherwise) is far above
    chance, float and quantized."""
    from zskip.traces import train_lstm

    test = load_digits("test")
    params = train_lstm.train_float(steps=30, aware=False)
    assert train_lstm.float_accuracy(params, test.images, test.labels) > 0.5
    quantized = lstm_model.infer(lstm_model.quantize(params), test.images)
    assert np.mean(quantized.predictions == test.labels) > 0.5
