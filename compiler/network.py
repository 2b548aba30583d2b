"""The layer IR: a network is its input and a list of integer layers with their trained
parameters. Frontends (compiler/frontends/) build it from zskip's shipped networks and
from ONNX models; compiler/reference.py evaluates it bit for bit as the generated code
does; compiler/codegen/ turns it into RV32IM assembly.

Tensors are integer: activations are int8, uint8 or int16 (`DTYPES`), weights int8,
biases and accumulators int32. A sample's activations are laid out row-major in the
layer's shape; images are height-width-channel (HWC), so a flattened convolution output
feeds a Dense layer in HWC order (an importer of NCHW models permutes the weights).

Zero points: every layer computes `bias + sum(q_in * w)` on the stored input values
q_in; an importer folds a nonzero input zero point into the bias (and into Conv2D's
`pad_value`), so a stored zero always contributes nothing, which is what zero-skipping
relies on. Weights are symmetric (zero point 0).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

import numpy as np

from zskip.isa.errors import ZskipError

# activation type -> (min, max, bytes)
DTYPES: dict[str, tuple[int, int, int]] = {
    "int8": (-128, 127, 1), "uint8": (0, 255, 1), "int16": (-32768, 32767, 2),
    "int32": (-(1 << 31), (1 << 31) - 1, 4),
}


class NetworkError(ZskipError):
    """A network the IR cannot hold: bad shapes, types or parameters."""


def check_dtype(dtype: str) -> tuple[int, int, int]:
    if dtype not in DTYPES:
        raise NetworkError(f"unknown activation type {dtype!r} (types: {', '.join(DTYPES)})")
    return DTYPES[dtype]


@dataclass(frozen=True)
class Requant:
    """int32 accumulator -> activation:
    q = clamp(zero_point + round_half_up(acc * multiplier / 2^shift), lo, hi),
    computed exactly in 64 bits: (acc * multiplier + 2^(shift-1)) >> shift (arithmetic
    shift; no rounding term when shift is 0). A fused ReLU is lo = zero_point."""
    shift: int
    multiplier: int = 1
    zero_point: int = 0
    lo: int = -128
    hi: int = 127
    dtype: str = "int8"

    def __post_init__(self) -> None:
        low, high, _ = check_dtype(self.dtype)
        if self.dtype == "int32":
            raise NetworkError("requantization produces int8, uint8 or int16")
        if not 0 <= self.shift <= 62:
            raise NetworkError(f"requantization shift {self.shift} outside 0..62")
        if not 1 <= self.multiplier < 1 << 31:
            raise NetworkError(f"requantization multiplier {self.multiplier} outside 1..2^31-1")
        if not low <= self.lo <= self.hi <= high:
            raise NetworkError(f"clamp {self.lo}..{self.hi} outside {self.dtype}")

    def apply(self, acc: np.ndarray) -> np.ndarray:
        scaled = acc.astype(np.int64) * self.multiplier
        if self.shift:
            scaled = (scaled + (1 << (self.shift - 1))) >> self.shift
        return np.clip(scaled + self.zero_point, self.lo, self.hi)


@dataclass(frozen=True, eq=False)
class Dense:
    """out[j] = bias[j] + sum_i x[i] * weights[i, j] over the flattened input, then
    `requant` (None: the int32 accumulators are the outputs, e.g. logits)."""
    weights: np.ndarray                 # int8 [n_in, n_out]
    bias: np.ndarray                    # int32 [n_out]
    requant: Requant | None = None
    name: str = ""


@dataclass(frozen=True, eq=False)
class Conv2D:
    """A 2-D convolution of an HWC input: out[y, x, o] = bias[o] + sum over the window
    and c of in[y*stride + ky - padding, x*stride + kx - padding, c] * weights[ky, kx, c, o]
    (a padded position reads `pad_value`), then `requant`."""
    weights: np.ndarray                 # int8 [kh, kw, c_in, c_out]
    bias: np.ndarray                    # int32 [c_out]
    requant: Requant | None = None
    stride: int = 1
    padding: int = 0
    pad_value: int = 0
    name: str = ""


@dataclass(frozen=True)
class MaxPool2D:
    """The maximum of each size x size window of an HWC input, moved by `stride`."""
    size: int
    stride: int
    name: str = ""


@dataclass(frozen=True)
class ReLU:
    """max(x, zero_point), elementwise (a ReLU not fused into a requantization)."""
    zero_point: int = 0
    name: str = ""


@dataclass(frozen=True, eq=False)
class LSTM:
    """One LSTM layer over a sequence input [T, I] of int16 Q8 symbols, giving the last
    hidden state [H] (int16, Q8), with the semantics and run-time approximations of
    kernels/lstm_model.py (hard sigmoid/tanh gates i, f, g, o; timestep skipping below
    `time_threshold` (in input units, Q8), state reduction below `state_threshold`)."""
    wx: np.ndarray                      # int8 [I, 4H], Q`shift`
    wh: np.ndarray                      # int8 [H, 4H], Q`shift`
    bias: np.ndarray                    # int32 [4H], Q(shift + 8)
    shift: int
    time_threshold: int = 0
    state_threshold: int = 0
    name: str = ""


@dataclass(frozen=True, eq=False)
class SNN:
    """A two-layer spiking network over `timesteps` steps with the semantics of
    kernels/snn_model.py: a rate code of the uint8 input (0..16), integrate-and-fire
    hidden neurons (threshold `theta`, reset by subtraction), integrating outputs
    (int32 membranes after the last step), and connection deactivation (`refresh`,
    `w_min`, `v_min`)."""
    w1: np.ndarray                      # int8 [n_in, H]
    w2: np.ndarray                      # int8 [H, n_out]
    theta: int
    timesteps: int
    refresh: int = 4
    w_min: int = 0
    v_min: int = -(1 << 31)
    name: str = ""


Layer = Union[Dense, Conv2D, MaxPool2D, ReLU, LSTM, SNN]


@dataclass(frozen=True)
class TensorType:
    shape: tuple[int, ...]
    dtype: str

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def nbytes(self) -> int:
        return self.size * DTYPES[self.dtype][2]


@dataclass(frozen=True, eq=False)
class Network:
    """A network: one sample's input type and the layers in order. A real-valued input
    x is stored as q = clamp(round(x / input_scale) + input_zero_point) of input_dtype."""
    name: str
    input: TensorType
    layers: tuple[Layer, ...]
    input_scale: float = 1.0
    input_zero_point: int = 0
    source: str = ""                    # where it came from (a shipped name, a file)
    metadata: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.types()                    # a network that does not fit together fails here

    def quantize_input(self, x: np.ndarray) -> np.ndarray:
        """Real inputs [n, *input.shape] -> the stored integer inputs."""
        low, high, _ = DTYPES[self.input.dtype]
        q = np.round(np.asarray(x, dtype=np.float64) / self.input_scale) + self.input_zero_point
        return np.clip(q, low, high).astype(np.int64)

    def types(self) -> list[TensorType]:
        """The input type, then each layer's output type."""
        types = [self.input]
        for k, layer in enumerate(self.layers):
            try:
                types.append(output_type(layer, types[-1]))
            except NetworkError as err:
                raise NetworkError(f"{self.name}: layer {k} ({layer_label(layer)}): {err}") \
                    from None
        return types


def layer_label(layer: Layer) -> str:
    return type(layer).__name__ + (f" {layer.name!r}" if layer.name else "")


def _requant_type(requant: Requant | None) -> str:
    return "int32" if requant is None else requant.dtype


def output_type(layer: Layer, x: TensorType) -> TensorType:
    """The type of `layer`'s output for input type `x` (NetworkError when it does not fit)."""
    if isinstance(layer, Dense):
        n_in, n_out = layer.weights.shape
        if x.size != n_in:
            raise NetworkError(f"input of {x.size} values, weights for {n_in}")
        _check_params(layer.weights, layer.bias, n_out)
        if x.dtype == "int32":
            raise NetworkError("an int32 input needs requantizing first")
        return TensorType((n_out,), _requant_type(layer.requant))
    if isinstance(layer, Conv2D):
        if len(x.shape) != 3:
            raise NetworkError(f"Conv2D needs an HWC input, got shape {x.shape}")
        kh, kw, c_in, c_out = layer.weights.shape
        h, w, c = x.shape
        if c != c_in:
            raise NetworkError(f"input of {c} channels, weights for {c_in}")
        _check_params(layer.weights, layer.bias, c_out)
        oh = (h + 2 * layer.padding - kh) // layer.stride + 1
        ow = (w + 2 * layer.padding - kw) // layer.stride + 1
        if min(oh, ow) < 1 or layer.stride < 1 or layer.padding < 0:
            raise NetworkError(f"{kh}x{kw} kernel, stride {layer.stride}, padding "
                               f"{layer.padding} on a {h}x{w} input")
        low, high, _ = DTYPES[x.dtype]
        if layer.padding and not low <= layer.pad_value <= high:
            raise NetworkError(f"pad value {layer.pad_value} outside {x.dtype}")
        return TensorType((oh, ow, c_out), _requant_type(layer.requant))
    if isinstance(layer, MaxPool2D):
        if len(x.shape) != 3:
            raise NetworkError(f"MaxPool2D needs an HWC input, got shape {x.shape}")
        h, w, c = x.shape
        if layer.size < 1 or layer.stride < 1 or layer.size > min(h, w):
            raise NetworkError(f"window {layer.size}, stride {layer.stride} on {h}x{w}")
        return TensorType(((h - layer.size) // layer.stride + 1,
                           (w - layer.size) // layer.stride + 1, c), x.dtype)
    if isinstance(layer, ReLU):
        return x
    if isinstance(layer, LSTM):
        n_in, gates = layer.wx.shape
        hidden = layer.wh.shape[0]
        if len(x.shape) != 2 or x.shape[1] != n_in or layer.wh.shape != (hidden, gates) \
                or gates != 4 * hidden:
            raise NetworkError(f"input {x.shape}, wx {layer.wx.shape}, wh {layer.wh.shape}")
        _check_params(layer.wx, layer.bias, gates)
        return TensorType((hidden,), "int16")
    if isinstance(layer, SNN):
        n_in, hidden = layer.w1.shape
        if x.size != n_in or layer.w2.shape[0] != hidden:
            raise NetworkError(f"input of {x.size}, w1 {layer.w1.shape}, w2 {layer.w2.shape}")
        return TensorType((layer.w2.shape[1],), "int32")
    raise NetworkError(f"unknown layer {layer!r}")


def _check_params(weights: np.ndarray, bias: np.ndarray, n_out: int) -> None:
    if weights.dtype != np.int8:
        raise NetworkError(f"weights must be int8, got {weights.dtype}")
    if bias.shape != (n_out,) or bias.dtype != np.int32:
        raise NetworkError(f"bias must be int32 [{n_out}], got {bias.dtype} {bias.shape}")
