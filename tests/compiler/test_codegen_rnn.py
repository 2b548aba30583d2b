"""The LSTM and SNN generators through the driver: compiled programs equal
compiler/reference.py bit for bit, for the shipped networks (exact, the kernels'
default approximations, others), for random small layers, and in every variant the
zero-skip pass makes of them (checked with verify_skips)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from zskip.compiler import reference
from zskip.compiler.codegen import compile_network, run_compiled
from zskip.compiler.frontends.shipped import digits_inputs, load_shipped
from zskip.compiler.network import LSTM, SNN, Network, TensorType
from zskip.kernels import lstm as lstm_kernel
from zskip.kernels import lstm_model, snn_model
from zskip.kernels import snn as snn_kernel
from zskip.traces.digits import load_digits

IMAGES = 24


def with_first(net: Network, **fields) -> Network:
    """`net` with fields of its first layer replaced (thresholds, deactivation)."""
    first = dataclasses.replace(net.layers[0], **fields)
    return dataclasses.replace(net, layers=(first, *net.layers[1:]))


def check(net: Network, inputs: np.ndarray, variant: str = "baseline",
          calibration: np.ndarray | None = None) -> None:
    compiled = compile_network(net, variant, "embedded", calibration=calibration)
    outputs, stats = run_compiled(compiled, inputs, verify_skips=variant in ("xzs", "sasa"))
    np.testing.assert_array_equal(outputs, reference.outputs(net, inputs))
    if variant in ("xzs", "sasa"):
        assert stats.skip_branches + stats.sasa_hits > 0, compiled.explain()


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return load_digits("test").images[:IMAGES]


LSTM_THRESHOLDS = {"exact": (0, 0),
                   "default": (lstm_kernel.DEFAULT_TIME_THRESHOLD,
                               lstm_kernel.DEFAULT_STATE_THRESHOLD),
                   "both": (12, 1), "aggressive": (32, 8)}
SNN_SETTINGS = {"exact": snn_model.EXACT, "default": snn_kernel.DEFAULT,
                "aggressive": snn_kernel.SETTINGS["w_min 32, refresh 2"]}


def lstm_net(time: int, state: int) -> Network:
    """The shipped LSTM (with its Dense head); `time` in pixel units as the kernel's."""
    return with_first(load_shipped("lstm"), time_threshold=time * lstm_model.PIXEL_SCALE,
                      state_threshold=state)


def snn_net(setting: snn_model.Deactivation) -> Network:
    return with_first(load_shipped("snn"), **dataclasses.asdict(setting))


@pytest.mark.parametrize("thresholds", LSTM_THRESHOLDS.values(), ids=LSTM_THRESHOLDS.keys())
def test_shipped_lstm(images: np.ndarray, thresholds: tuple[int, int]) -> None:
    net = lstm_net(*thresholds)
    check(net, digits_inputs(net, images))


@pytest.mark.parametrize("setting", SNN_SETTINGS.values(), ids=SNN_SETTINGS.keys())
def test_shipped_snn(images: np.ndarray, setting: snn_model.Deactivation) -> None:
    net = snn_net(setting)
    check(net, digits_inputs(net, images))


@pytest.mark.parametrize("variant", ("branch", "xzs", "sasa"))
@pytest.mark.parametrize("net", [lstm_net(*LSTM_THRESHOLDS["both"]),
                                 snn_net(SNN_SETTINGS["default"])], ids=("lstm", "snn"))
def test_variants(images: np.ndarray, net: Network, variant: str) -> None:
    """The pass's variants of the compiled network (state reduction and timestep
    skipping on for the LSTM, deactivation for the SNN) equal the reference. No
    calibration: profiling the zero rates (unicorn with a Python hook per instruction)
    takes minutes on the SNN; the pass assumes its default rate."""
    check(net, digits_inputs(net, images[:8]), variant)


@pytest.mark.parametrize("seed", range(6))
def test_random_lstm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    steps, n_in, hidden = (int(v) for v in rng.integers(1, 9, 3))
    shift = int(rng.integers(4, 8))
    layer = LSTM(rng.integers(-128, 128, (n_in, 4 * hidden)).astype(np.int8),
                 rng.integers(-128, 128, (hidden, 4 * hidden)).astype(np.int8),
                 rng.integers(-2 << shift + 8, 2 << shift + 8, 4 * hidden).astype(np.int32),
                 shift, time_threshold=int(rng.choice([0, 64, 400])),
                 state_threshold=int(rng.choice([0, 8, 40])))
    net = Network("random", TensorType((steps, n_in), "int16"), (layer,))
    inputs = rng.integers(-300, 300, (5, steps, n_in)) * (rng.random((5, steps, n_in)) < 0.6)
    check(net, inputs)


@pytest.mark.parametrize("seed", range(6))
def test_random_snn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_in, hidden, n_out = (int(v) for v in rng.integers(1, 20, 3))
    layer = SNN(rng.integers(-128, 128, (n_in, hidden)).astype(np.int8),
                rng.integers(-128, 128, (hidden, n_out)).astype(np.int8),
                theta=int(rng.integers(1, 200)), timesteps=int(rng.integers(1, 12)),
                refresh=int(rng.integers(1, 5)), w_min=int(rng.choice([0, 20, 60])),
                v_min=int(rng.choice([snn_model.INT32_MIN, 0, -50])))
    net = Network("random", TensorType((n_in,), "uint8"), (layer,))
    check(net, rng.integers(0, 17, (5, n_in)) * (rng.random((5, n_in)) < 0.6))
