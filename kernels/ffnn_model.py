"""The integer feed-forward networks as the kernels compute them, in numpy (bit-exact).

A network is a list of layers over int8 activations:
- `dense`: weights int8 [n_in, n_out], bias int32 [n_out];
- `conv`:  a 3x3 valid convolution of the 8x8 input to 6x6xC (weights int8 [3, 3, C],
  bias int32 [C]), its output flattened in height-width-channel order.
Every layer accumulates in int32 (bias + sum of int8 x int8 products). A hidden layer
then requantizes: q = clamp((acc + 2^(shift-1)) >> shift, 0, 127) (arithmetic shift,
round half up; the clamp at 0 is the ReLU). The last layer's int32 accumulators are the
logits; the prediction is their argmax (the first on ties).

Networks ship as traces/data/<name>.npz (traces/README.md lists the fields).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zskip.traces.digits import DATA_DIR

CONV_K = 3            # conv kernel size (valid, stride 1)
IMAGE = 8             # input images are 8x8
CONV_OUT = IMAGE - CONV_K + 1


@dataclass(frozen=True)
class Layer:
    kind: str              # "dense" or "conv"
    weights: np.ndarray    # int8: dense [n_in, n_out]; conv [3, 3, channels]
    bias: np.ndarray       # int32 [n_out] or [channels]
    shift: int             # requantization shift of a hidden layer (unused for the last)

    @property
    def n_out(self) -> int:
        return int(self.bias.size) * (CONV_OUT * CONV_OUT if self.kind == "conv" else 1)


@dataclass(frozen=True)
class Network:
    name: str
    layers: tuple[Layer, ...]
    float_accuracy: float       # of the trained float network on the test split
    quantized_accuracy: float   # of this integer network on the test split

    @property
    def weight_zero_fraction(self) -> list[float]:
        return [float(np.mean(layer.weights == 0)) for layer in self.layers]


def requantize(acc: np.ndarray, shift: int) -> np.ndarray:
    """int32 accumulators -> int8 activations: round, shift, ReLU and saturate."""
    rounding = (1 << shift) >> 1
    return np.clip((acc.astype(np.int64) + rounding) >> shift, 0, 127).astype(np.int8)


def layer_accumulate(layer: Layer, x: np.ndarray) -> np.ndarray:
    """int32 accumulators of `layer` for activations x [n, n_in] (conv: [n, 64])."""
    w = layer.weights.astype(np.int64)
    if layer.kind == "dense":
        acc = x.astype(np.int64) @ w + layer.bias
    else:
        img = x.reshape(-1, IMAGE, IMAGE).astype(np.int64)
        acc = np.zeros((len(x), CONV_OUT, CONV_OUT, w.shape[2]), dtype=np.int64)
        for ky in range(CONV_K):
            for kx in range(CONV_K):
                patch = img[:, ky:ky + CONV_OUT, kx:kx + CONV_OUT, None]
                acc += patch * w[ky, kx]
        acc = (acc + layer.bias).reshape(len(x), -1)
    assert np.abs(acc).max(initial=0) < 2 ** 31, "accumulator overflow"
    return acc.astype(np.int32)


def forward(net: Network, images: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Logits int32 [n, 10] for uint8 images [n, 8, 8] (pixels 0..16), and each layer's
    input activations (int8 [n, n_in]; the first is the pixels)."""
    x = images.reshape(len(images), -1).astype(np.int8)
    inputs = []
    for k, layer in enumerate(net.layers):
        inputs.append(x)
        acc = layer_accumulate(layer, x)
        x = acc if k == len(net.layers) - 1 else requantize(acc, layer.shift)
    return x, inputs


def predict(logits: np.ndarray) -> np.ndarray:
    return np.argmax(logits, axis=1)


def network_path(name: str) -> Path:
    return DATA_DIR / f"{name}.npz"


def save_network(net: Network, path: Path, **traces: np.ndarray) -> None:
    """Write `net` and its recorded operand traces (extra arrays) to `path`."""
    fields: dict[str, np.ndarray] = {
        "kinds": np.array([layer.kind for layer in net.layers]),
        "shifts": np.array([layer.shift for layer in net.layers], dtype=np.int32),
        "float_accuracy": np.float64(net.float_accuracy),
        "quantized_accuracy": np.float64(net.quantized_accuracy),
    }
    for k, layer in enumerate(net.layers):
        fields[f"w{k}"] = layer.weights.astype(np.int8)
        fields[f"b{k}"] = layer.bias.astype(np.int32)
    np.savez_compressed(path, **fields, **traces)


def load_network(name: str) -> Network:
    """The shipped integer network `name` (mlp, cnn, mlp_pruned)."""
    with np.load(network_path(name)) as data:
        layers = tuple(Layer(str(kind), data[f"w{k}"], data[f"b{k}"], int(shift))
                       for k, (kind, shift) in enumerate(zip(data["kinds"], data["shifts"])))
        return Network(name, layers, float(data["float_accuracy"]),
                       float(data["quantized_accuracy"]))


def load_traces(name: str) -> dict[str, np.ndarray]:
    """The recorded zero fractions of network `name` (traces/README.md)."""
    with np.load(network_path(name)) as data:
        return {key: data[key] for key in data.files if key.startswith("zero_")}
