"""The LSTM and SNN generators: generated code on the core equals compiler/reference.py
bit for bit, for the shipped networks (exact, the kernels' default approximations, and
others) and for random small layers."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from zskip.compiler import reference
from zskip.compiler.codegen import lstm as lstm_codegen
from zskip.compiler.codegen import snn as snn_codegen
from zskip.compiler.codegen.emit import CodegenOptions, Emitter, LayerContext
from zskip.compiler.frontends.shipped import digits_inputs, load_shipped
from zskip.compiler.network import LSTM, SNN, Network, TensorType
from zskip.core_model import Machine
from zskip.isa.assembler import assemble
from zskip.kernels import lstm as lstm_kernel
from zskip.kernels import snn as snn_kernel
from zskip.kernels import snn_model
from zskip.traces.digits import load_digits

IMAGES = 24
NUMPY = {"int16": "<i2", "uint8": "<u1", "int32": "<i4"}


def run_layer(net: Network, inputs: np.ndarray) -> np.ndarray:
    """The network's first layer, generated, on the core over every input (a minimal
    driver: s0, s1 walk the inputs and outputs, s2 counts the samples)."""
    layer = net.layers[0]
    in_type, out_type = net.types()[:2]
    e = Emitter()
    data = e.data("inputs", inputs, NUMPY[in_type.dtype])
    out = e.space("outputs", len(inputs) * out_type.nbytes)
    sample = e.label("sample")
    e.ins(f"la    s0, {data}")
    e.ins(f"la    s1, {out}")
    e.ins(f"li    s2, {len(inputs)}")
    e.mark(sample)
    e.ins("mv    a0, s0")
    e.ins("mv    a1, s1")
    generate = lstm_codegen.generate if isinstance(layer, LSTM) else snn_codegen.generate
    generate(layer, LayerContext(e, 0, in_type, out_type, CodegenOptions()))
    e.ins(f"li    t0, {in_type.nbytes}")
    e.ins("add   s0, s0, t0")
    e.ins(f"li    t0, {out_type.nbytes}")
    e.ins("add   s1, s1, t0")
    e.ins("addi  s2, s2, -1")
    e.ins(f"bnez  s2, {sample}")
    e.ins("li    a0, 0")
    e.ins("li    a7, 93")
    e.ins("ecall")
    program = assemble(e.source())
    machine = Machine(program, "embedded", functional=True)
    machine.run()
    raw = machine.read(program.symbols[out], len(inputs) * out_type.nbytes)
    return np.frombuffer(raw, NUMPY[out_type.dtype]).reshape(len(inputs), *out_type.shape)


def single_layer(net: Network, layer: LSTM | SNN) -> Network:
    return Network(net.name, net.input, (layer,), net.input_scale, net.input_zero_point)


def check(net: Network, inputs: np.ndarray) -> None:
    np.testing.assert_array_equal(run_layer(net, inputs), reference.outputs(net, inputs))


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return load_digits("test").images[:IMAGES]


LSTM_THRESHOLDS = {"exact": (0, 0),
                   "default": (lstm_kernel.DEFAULT_TIME_THRESHOLD, lstm_kernel.DEFAULT_STATE_THRESHOLD),
                   "both": (12, 1), "aggressive": (32, 8)}


@pytest.mark.parametrize("thresholds", LSTM_THRESHOLDS.values(), ids=LSTM_THRESHOLDS.keys())
def test_shipped_lstm(images: np.ndarray, thresholds: tuple[int, int]) -> None:
    net = load_shipped("lstm")
    time, state = thresholds
    layer = dataclasses.replace(net.layers[0], time_threshold=time * 16, state_threshold=state)
    check(single_layer(net, layer), digits_inputs(net, images))


SNN_SETTINGS = {"exact": snn_model.EXACT, "default": snn_kernel.DEFAULT,
                "aggressive": snn_kernel.SETTINGS["w_min 32, refresh 2"]}


@pytest.mark.parametrize("setting", SNN_SETTINGS.values(), ids=SNN_SETTINGS.keys())
def test_shipped_snn(images: np.ndarray, setting: snn_model.Deactivation) -> None:
    net = load_shipped("snn")
    layer = dataclasses.replace(net.layers[0], **dataclasses.asdict(setting))
    check(single_layer(net, layer), digits_inputs(net, images))


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
