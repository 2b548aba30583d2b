"""zskip's shipped networks (traces/data/*.npz, fields in traces/README.md) as layer-IR
networks, with the integer semantics of the kernels' numpy models, and the digits
images as a network's stored inputs.

Every shipped network was trained on pixels / 16, so that is the real input value
(`Network.input_scale` relates it to the stored one); `metadata["layout"]` says how an
8x8 image becomes the input tensor: "rows" (row-major: flat, HWC and single-channel
NCHW alike) or "columns" (the LSTM's sequence of image columns).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from zskip.kernels import ffnn_model, lstm_model, snn_model
from zskip.kernels.lstm import DEFAULT_STATE_THRESHOLD, DEFAULT_TIME_THRESHOLD
from zskip.traces.digits import DATA_DIR

from ..network import LSTM, SNN, Conv2D, Dense, Network, NetworkError, Requant, TensorType

SHIPPED = ("mlp", "cnn", "mlp_pruned", "lstm", "snn")
PIXEL_MAX = 16
PIXEL_VALUE = 1 / PIXEL_MAX         # the real input value of one pixel unit
LAYOUTS = ("rows", "columns")


def load_shipped(name: str) -> Network:
    """The shipped network `name` (one of SHIPPED)."""
    if name not in SHIPPED:
        raise NetworkError(f"no shipped network {name!r} (shipped: {', '.join(SHIPPED)})")
    return load_npz(DATA_DIR / f"{name}.npz", name)


def load_npz(path: str | Path, name: str | None = None) -> Network:
    """A network file in one of the shipped formats, told apart by its fields:
    feed-forward (`kinds`), LSTM (`wx`) or SNN (`theta`)."""
    path = Path(path)
    name = name or path.stem
    try:
        data = np.load(path)
    except (OSError, ValueError) as err:
        raise NetworkError(f"{path}: cannot read a network: {err}") from None
    with data:
        fields = set(data.files)
        if "kinds" in fields:
            return _ffnn(data, name, str(path))
    if {"wx", "wh", "wd"} <= fields:
        return _lstm(lstm_model.load_lstm(path), name, str(path))
    if {"w1", "w2", "theta"} <= fields:
        return _snn(snn_model.load_snn(path), name, str(path))
    raise NetworkError(f"{path}: not a shipped network format (fields: {', '.join(sorted(fields))})")


def _ffnn(data: np.lib.npyio.NpzFile, name: str, source: str) -> Network:
    """The feed-forward format (kernels/ffnn_model.py): hidden layers requantize with
    round half up, ReLU and saturation to int8; the last layer's accumulators are the
    logits. A conv layer is the 3x3 valid convolution of the single-channel 8x8 image."""
    kinds = [str(kind) for kind in data["kinds"]]
    shifts = [int(shift) for shift in data["shifts"]]
    layers = []
    for k, (kind, shift) in enumerate(zip(kinds, shifts)):
        weights, bias = data[f"w{k}"], data[f"b{k}"]
        requant = None if k == len(kinds) - 1 else Requant(shift, lo=0, hi=127)
        if kind == "conv":
            layers.append(Conv2D(weights[:, :, None, :], bias, requant, name=f"conv{k}"))
        else:
            layers.append(Dense(weights, bias, requant, name=f"dense{k}"))
    side = ffnn_model.IMAGE
    shape = (side, side, 1) if kinds[0] == "conv" else (side * side,)
    return Network(name, TensorType(shape, "int8"), tuple(layers), input_scale=PIXEL_VALUE,
                   source=source, metadata={"layout": "rows"})


def _lstm(net: lstm_model.LstmNet, name: str, source: str) -> Network:
    """The LSTM over the image's columns (Q8 symbols: pixel x 16) at the kernel's default
    thresholds, then the dense head on the int16 hidden state (logits, no requant)."""
    lstm = LSTM(net.wx, net.wh, net.b, net.shift,
                time_threshold=DEFAULT_TIME_THRESHOLD * lstm_model.PIXEL_SCALE,
                state_threshold=DEFAULT_STATE_THRESHOLD, name="lstm")
    head = Dense(net.wd, net.bd, None, name="head")
    steps = ffnn_model.IMAGE
    return Network(name, TensorType((steps, net.inputs), "int16"), (lstm, head),
                   input_scale=PIXEL_VALUE / lstm_model.PIXEL_SCALE, source=source,
                   metadata={"layout": "columns"})


def _snn(net: snn_model.SnnNetwork, name: str, source: str) -> Network:
    """The SNN in its exact setting (no connection deactivation) over the raw pixels."""
    exact = snn_model.EXACT
    snn = SNN(net.w1, net.w2, net.theta, net.timesteps, exact.refresh, exact.w_min,
              exact.v_min, name="snn")
    return Network(name, TensorType((net.w1.shape[0],), "uint8"), (snn,),
                   input_scale=PIXEL_VALUE, source=source, metadata={"layout": "rows"})


def digits_inputs(net: Network, images: np.ndarray) -> np.ndarray:
    """Digits images (uint8 [n, 8, 8], pixels 0..16) -> `net`'s stored inputs
    int64 [n, *net.input.shape]: the real values pixels / 16 in the network's layout
    (metadata["layout"], default "rows"), quantized with its input scale."""
    images = np.asarray(images)
    layout = net.metadata.get("layout", "rows")
    if layout not in LAYOUTS:
        raise NetworkError(f"{net.name}: unknown input layout {layout!r}")
    if layout == "columns":
        images = images.transpose(0, 2, 1)
    if images[0].size != net.input.size:
        raise NetworkError(f"{net.name}: images of {images[0].size} pixels, the network "
                           f"takes {net.input.shape}")
    real = images.reshape(len(images), *net.input.shape) * PIXEL_VALUE
    return net.quantize_input(real)
