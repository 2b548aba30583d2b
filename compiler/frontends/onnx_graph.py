"""An ONNX graph read as zskip's chain of steps (the first half of onnx_import.py).

The graph must be a chain: one input, one output, each operator reading the previous
one's output (weights, biases and scales are constants). Each operator becomes a step
in real-valued terms, carrying the quantization the model states: `Linear` (Gemm,
MatMul, Conv and their quantized forms, with a bias Add or a BatchNormalization folded
in), `Clamp` (Relu, Clip), `Pool` (MaxPool), `Quantize` (a QuantizeLinear, or a QLinear
operator's output: the real tensor there is stored with these parameters), `ReadAs` (a
DequantizeLinear or a QLinear operator's input: how the stored integers read as reals)
and `Drop` (a final Softmax). Layout operators (Flatten, Reshape, Transpose, Squeeze,
Unsqueeze, Identity, Dropout) only change how the ONNX tensor's elements map to zskip's
stored ones (`Tensor.order`), which is how NCHW becomes the IR's HWC.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

import numpy as np
import onnx
from onnx import numpy_helper

from ..network import NetworkError
from .quant import QParams


class OnnxImportError(NetworkError):
    """An ONNX model zskip cannot import: an unsupported operator, attribute or
    quantization, or a graph that is not a chain."""


@dataclass
class Linear:
    node: str
    kind: str                       # "dense" [n_in, n_out] or "conv" [kh, kw, c_in, c_out]
    weights: np.ndarray             # in the IR's layout: reals, or integers if w_scale is set
    w_scale: float | None = None    # the model's weight scale (None: float weights)
    # bias terms: (values, scale): integers of that scale, or reals when the scale is None
    bias: list[tuple[np.ndarray, float | None]] = field(default_factory=list)
    stride: int = 1
    padding: int = 0
    integer: bool = False           # MatMulInteger/ConvInteger: the ONNX output is the accumulator

    @property
    def n_out(self) -> int:
        return self.weights.shape[-1]


@dataclass
class Clamp:
    node: str
    lo: float
    hi: float


@dataclass
class Pool:
    node: str
    size: int
    stride: int


@dataclass
class Quantize:
    node: str
    params: QParams


@dataclass
class ReadAs:
    node: str
    params: QParams


@dataclass
class Drop:
    node: str
    note: str


Step = Union[Linear, Clamp, Pool, Quantize, ReadAs, Drop]


@dataclass
class Tensor:
    """The activation on the chain: its ONNX shape without the batch dimension and
    `order`: zskip's stored element k is the ONNX tensor's (row-major) element order[k]."""
    name: str
    shape: tuple[int, ...]
    order: np.ndarray
    integer: str | None = None      # the ONNX integer type ("int8", ...) or None for float


@dataclass
class Input:
    """The graph input: its ONNX shape (without the batch), the IR's stored shape, and
    `order`: the IR's stored element k is the ONNX input's element order[k]."""
    name: str
    shape: tuple[int, ...]
    ir_shape: tuple[int, ...]
    order: np.ndarray
    integer: str | None


@dataclass
class Chain:
    input: Input
    steps: list[Step]
    name: str


def hwc_order(shape: tuple[int, ...]) -> np.ndarray:
    """The ONNX (CHW) element at each position of the IR's HWC layout of `shape`."""
    return np.arange(int(np.prod(shape))).reshape(shape).transpose(1, 2, 0).ravel()


_ELEM_TYPES = {onnx.TensorProto.INT8: "int8", onnx.TensorProto.UINT8: "uint8",
               onnx.TensorProto.INT16: "int16", onnx.TensorProto.INT32: "int32",
               onnx.TensorProto.FLOAT: None, onnx.TensorProto.DOUBLE: None,
               onnx.TensorProto.FLOAT16: None}
_SCALARS = {np.dtype(np.int8): "int8", np.dtype(np.uint8): "uint8", np.dtype(np.int16): "int16"}


@dataclass(frozen=True)
class QConst:
    """A constant given as integers with a scale (a DequantizeLinear of an initializer)."""
    values: np.ndarray
    scale: np.ndarray
    zero_point: np.ndarray
    axis: int


def label(node: onnx.NodeProto, index: int) -> str:
    """A node's name, or its position and operator when it has none."""
    return node.name or f"#{index} {node.op_type}"


class _Reader:
    def __init__(self, graph: onnx.GraphProto) -> None:
        self.consts: dict[str, np.ndarray | QConst] = {
            init.name: numpy_helper.to_array(init) for init in graph.initializer}
        self.steps: list[Step] = []
        self.node: onnx.NodeProto | None = None
        self.where = ""
        inputs = [i for i in graph.input if i.name not in self.consts]
        if len(inputs) != 1 or len(graph.output) != 1:
            raise OnnxImportError(f"zskip imports graphs of one input and one output, this one "
                                  f"has {len(inputs)} and {len(graph.output)}")
        self.cur = self._graph_input(inputs[0])
        shape = self.cur.shape
        self.input = Input(self.cur.name, shape, (*shape[1:], shape[0]) if len(shape) == 3
                           else shape, self.cur.order.copy(), self.cur.integer)

    # errors and attributes ----------------------------------------------------------
    def fail(self, why: str) -> OnnxImportError:
        return OnnxImportError(f"node {self.where!r} ({self.node.op_type}): {why}")

    def attr(self, name: str, default=None):
        for a in self.node.attribute:
            if a.name == name:
                return onnx.helper.get_attribute_value(a)
        return default

    def const(self, position: int, required: bool = True):
        names = self.node.input
        if position >= len(names) or not names[position]:
            if required:
                raise self.fail(f"input {position} is missing")
            return None
        name = names[position]
        if name not in self.consts:
            raise self.fail(f"input {name!r} must be a constant (an initializer)")
        return self.consts[name]

    def array(self, position: int, required: bool = True) -> np.ndarray | None:
        value = self.const(position, required)
        if isinstance(value, QConst):
            raise self.fail(f"input {self.node.input[position]!r} must be a plain constant")
        return value

    def qparams(self, scale_at: int, zp_at: int, what: str, default: str = "uint8") -> QParams:
        """A per-tensor (scale, zero point) pair from two of the node's inputs (without
        a zero point: 0 of type `default`)."""
        scale = self.array(scale_at)
        zp = self.array(zp_at, required=False)
        if scale.size != 1 or (zp is not None and zp.size != 1):
            raise self.fail(f"{what} is quantized per axis; zskip takes per-tensor activations")
        dtype = default if zp is None else _SCALARS.get(zp.dtype)
        if dtype is None:
            raise self.fail(f"{what} has zero-point type {zp.dtype}; zskip takes int8, "
                            f"uint8, int16")
        return QParams(float(scale.ravel()[0]), 0 if zp is None else int(zp.ravel()[0]), dtype)

    def weights_q(self, values: np.ndarray, scale: np.ndarray, zp: np.ndarray | None,
                  axis: int) -> tuple[np.ndarray, float]:
        """The model's quantized weights: symmetric and per tensor, or an error."""
        if zp is not None and np.any(zp != 0):
            raise self.fail("the weights have a nonzero zero point: zskip needs symmetric "
                            "weights (a stored zero weight must be a real zero)")
        if np.size(scale) != 1 and not np.allclose(scale, np.ravel(scale)[0], rtol=1e-6):
            raise self.fail(f"the weights have one scale per channel (axis {axis}); the IR "
                            f"has one requantization multiplier per layer: quantize them "
                            f"per tensor")
        if values.dtype != np.int8 and not (values.dtype == np.uint8 and values.max() <= 127):
            raise self.fail(f"weights of type {values.dtype}: zskip takes int8 weights")
        return values.astype(np.int8), float(np.ravel(scale)[0])

    # the chain ----------------------------------------------------------------------
    def _graph_input(self, value: onnx.ValueInfoProto) -> Tensor:
        kind = value.type.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") else None for d in kind.shape.dim]
        if len(dims) < 2 or any(d is None or d < 1 for d in dims[1:]) or dims[0] not in (None, 1):
            raise OnnxImportError(f"input {value.name!r} of shape {dims}: zskip takes "
                                  f"[batch, features] or [batch, C, H, W] with known sizes")
        if kind.elem_type not in _ELEM_TYPES or _ELEM_TYPES[kind.elem_type] == "int32":
            raise OnnxImportError(f"input {value.name!r} has an unsupported element type")
        shape = tuple(dims[1:])
        order = hwc_order(shape) if len(shape) == 3 else np.arange(int(np.prod(shape)))
        return Tensor(value.name, shape, order, _ELEM_TYPES[kind.elem_type])

    def read(self, graph: onnx.GraphProto) -> list[Step]:
        read = {name for node in graph.node for name in node.input} \
            | {value.name for value in graph.output}
        for index, node in enumerate(graph.node):
            self.node, self.where = node, label(node, index)
            activations = [name for name in node.input if name and name not in self.consts]
            if not activations:
                self._fold(node)
                continue
            handler = _HANDLERS.get(node.op_type) if node.domain in ("", "ai.onnx") else None
            if handler is None:
                raise self.fail(f"operator {node.op_type}"
                                f"{' of domain ' + node.domain if node.domain else ''} is not "
                                f"supported (supported: {', '.join(sorted(_HANDLERS))})")
            if activations != [self.cur.name]:
                raise self.fail(f"reads {', '.join(activations)}: zskip imports chains, where "
                                f"each operator reads the output of the one before "
                                f"({self.cur.name!r})")
            if any(name in read for name in node.output[1:]):
                raise self.fail("a second output is read (zskip takes one output per operator)")
            handler(self)
            self.cur.name = node.output[0]
        if graph.output[0].name != self.cur.name:
            raise OnnxImportError(f"the graph output {graph.output[0].name!r} is not the end "
                                  f"of the chain ({self.cur.name!r})")
        return self.steps

    def _fold(self, node: onnx.NodeProto) -> None:
        """An operator on constants only (weights' DequantizeLinear, a Constant, ...)."""
        op = node.op_type
        if op == "Constant":
            self.consts[node.output[0]] = numpy_helper.to_array(self.attr("value"))
        elif op == "DequantizeLinear":
            zp = self.array(2, required=False)
            self.consts[node.output[0]] = QConst(self.array(0), self.array(1),
                                                 zp if zp is not None else np.zeros(1, np.int64),
                                                 self.attr("axis", 1))
        elif op in ("Identity", "Cast", "Transpose", "Reshape") \
                and not isinstance(self.const(0), QConst):
            value = self.array(0)
            if op == "Transpose":
                value = value.transpose(self.attr("perm"))
            elif op == "Reshape":
                value = value.reshape(self.array(1))
            elif op == "Cast":
                value = value.astype(onnx.helper.tensor_dtype_to_np_dtype(self.attr("to")))
            self.consts[node.output[0]] = value
        else:
            raise self.fail("this operator on constants is not supported (zskip folds "
                            "Constant, DequantizeLinear, Identity, Cast, Transpose, Reshape)")

    def emit(self, step: Step) -> None:
        self.steps.append(step)

    def need_float(self) -> None:
        if self.cur.integer:
            raise self.fail(f"reads the {self.cur.integer} tensor {self.cur.name!r} as reals "
                            f"(a DequantizeLinear is missing)")

    def need_integer(self) -> None:
        if not self.cur.integer:
            raise self.fail(f"reads the float tensor {self.cur.name!r} as integers")

    def pending(self) -> Linear:
        """The Linear step whose raw output the current tensor is (for a bias, a BN)."""
        if not self.steps or not isinstance(self.steps[-1], Linear):
            raise self.fail("zskip takes this operator only right after a Gemm, MatMul or Conv")
        return self.steps[-1]


# operator handlers: each reads self.node, updates self.cur and emits steps -----------

def _dense_weights(r: _Reader, weights: np.ndarray) -> np.ndarray:
    """A [K, N] weight matrix for the current flat tensor, rows in zskip's order."""
    if len(r.cur.shape) != 1:
        raise r.fail(f"multiplies a tensor of shape {r.cur.shape}: zskip takes a flat "
                     f"[batch, features] input (a Flatten is missing)")
    if weights.ndim != 2 or weights.shape[0] != r.cur.shape[0]:
        raise r.fail(f"weights of shape {weights.shape} for {r.cur.shape[0]} inputs")
    return weights[r.cur.order]


def _weights(r: _Reader, position: int) -> tuple[np.ndarray, float | None]:
    """A float operator's weights: the model's quantized ones (through a
    DequantizeLinear: integers and their scale) or reals (scale None)."""
    value = r.const(position)
    if isinstance(value, QConst):
        return r.weights_q(value.values, value.scale, value.zero_point, value.axis)
    if value.dtype.kind in "iu":
        raise r.fail("integer weights without a DequantizeLinear")
    return value.astype(np.float64), None


def _dense(r: _Reader, weights: np.ndarray, w_scale: float | None, integer: bool = False) -> Linear:
    step = Linear(r.where, "dense", _dense_weights(r, weights), w_scale, integer=integer)
    r.cur.shape, r.cur.order = (step.n_out,), np.arange(step.n_out)
    r.emit(step)
    return step


def _gemm(r: _Reader) -> None:
    r.need_float()
    if r.attr("transA", 0):
        raise r.fail("transA is not supported")
    weights, w_scale = _weights(r, 1)
    if r.attr("transB", 0):
        weights = weights.T
    alpha, beta = float(r.attr("alpha", 1.0)), float(r.attr("beta", 1.0))
    if w_scale is None:
        weights = weights * alpha
    else:
        w_scale *= alpha
    step = _dense(r, weights, w_scale)
    bias = r.const(2, required=False)
    if bias is not None:
        _add_bias(r, step, bias, beta)


def _matmul(r: _Reader) -> None:
    r.need_float()
    weights, w_scale = _weights(r, 1)
    _dense(r, weights, w_scale)


def _bias_values(r: _Reader, step: Linear, value: np.ndarray) -> np.ndarray:
    """A bias constant broadcast over the outputs: along the last axis of a dense
    output; per channel of a conv output ([C] as a Conv's own bias, [C, 1, 1] added)."""
    shape = value.shape
    if step.kind == "dense":
        ok = shape[-1:] == (step.n_out,)
    else:
        ok = shape == (step.n_out,) if r.node.op_type != "Add" else shape[-3:] == (step.n_out, 1, 1)
    if not (ok or value.size == 1):
        raise r.fail(f"a bias of shape {shape} for {step.n_out} outputs")
    return np.broadcast_to(value.reshape(-1), (step.n_out,))


def _add_bias(r: _Reader, step: Linear, value, factor: float = 1.0) -> None:
    if isinstance(value, QConst):
        if np.any(value.zero_point != 0) or value.scale.size != 1:
            raise r.fail("the bias must be quantized per tensor with zero point 0")
        step.bias.append((_bias_values(r, step, value.values).astype(np.int64),
                          float(value.scale.ravel()[0]) * factor))
    elif step.integer or value.dtype.kind in "iu":
        if not step.integer:
            raise r.fail("an integer bias added to a float tensor")
        step.bias.append((_bias_values(r, step, value).astype(np.int64), 1.0))
    else:
        step.bias.append((_bias_values(r, step, value).astype(np.float64) * factor, None))


def _add(r: _Reader) -> None:
    step = r.pending()
    other = [i for i, name in enumerate(r.node.input) if name != r.cur.name]
    if len(other) != 1:
        raise r.fail("adds a tensor to itself")
    _add_bias(r, step, r.const(other[0]))


def _conv_geometry(r: _Reader, kh: int, kw: int) -> tuple[int, int]:
    """(stride, padding) of a Conv or MaxPool: equal strides, symmetric padding."""
    strides = list(r.attr("strides", [1, 1]))
    if any(d != 1 for d in r.attr("dilations", [1, 1])):
        raise r.fail("dilations are not supported")
    if len(set(strides)) != 1:
        raise r.fail(f"strides {strides}: zskip takes equal strides")
    auto = r.attr("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    pads = list(r.attr("pads", [0, 0, 0, 0]))
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        if strides[0] != 1 or kh != kw or kh % 2 == 0:
            raise r.fail(f"auto_pad {auto} with stride {strides[0]} and a {kh}x{kw} kernel")
        pads = [(kh - 1) // 2] * 4
    elif auto == "VALID":
        pads = [0, 0, 0, 0]
    if len(set(pads)) != 1:
        raise r.fail(f"pads {pads}: zskip takes the same padding on every side")
    return strides[0], pads[0]


def _need_hwc(r: _Reader) -> tuple[int, int, int]:
    shape = r.cur.shape
    if len(shape) == 3 and not any(isinstance(step, (Linear, Pool)) for step in r.steps):
        _store_input_as_hwc(r)      # the input's IR shape is this image's, whatever came before
    if len(shape) != 3 or not np.array_equal(r.cur.order, hwc_order(shape)):
        raise r.fail(f"reads a tensor of shape {shape} that is not an image in zskip's "
                     f"layout (a [batch, C, H, W] input, a conv or a pool output)")
    return shape


def _store_input_as_hwc(r: _Reader) -> None:
    """Only layout operators since the input (an NHWC input transposed to NCHW, a flat
    one reshaped to [1, H, W]): the IR stores the input as this tensor in HWC."""
    hwc = hwc_order(r.cur.shape)
    back = np.empty_like(r.cur.order)
    back[r.cur.order] = np.arange(r.cur.order.size)      # current element -> IR position
    r.input.order = r.input.order[back[hwc]]
    r.input.ir_shape = (*r.cur.shape[1:], r.cur.shape[0])
    r.cur.order = hwc


def _spatial(r: _Reader, kh: int, kw: int, stride: int, padding: int,
             channels: int) -> None:
    _, h, w = r.cur.shape
    shape = (channels, (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1)
    if min(shape[1:]) < 1:
        raise r.fail(f"a {kh}x{kw} window on a {h}x{w} input")
    r.cur.shape, r.cur.order = shape, hwc_order(shape)


def _conv_step(r: _Reader, weights: np.ndarray, w_scale: float | None,
               integer: bool = False) -> Linear:
    """weights [C_out, C_in, kh, kw] (ONNX) -> a conv step, weights [kh, kw, C_in, C_out]."""
    channels, _, _ = _need_hwc(r)
    if r.attr("group", 1) != 1:
        raise r.fail("grouped convolutions are not supported")
    if weights.ndim != 4 or weights.shape[1] != channels:
        raise r.fail(f"weights of shape {weights.shape} for {channels} input channels")
    c_out, _, kh, kw = weights.shape
    stride, padding = _conv_geometry(r, kh, kw)
    step = Linear(r.where, "conv", weights.transpose(2, 3, 1, 0), w_scale, stride=stride,
                  padding=padding, integer=integer)
    _spatial(r, kh, kw, stride, padding, c_out)
    r.emit(step)
    return step


def _conv(r: _Reader) -> None:
    r.need_float()
    weights, w_scale = _weights(r, 1)
    step = _conv_step(r, weights, w_scale)
    bias = r.const(2, required=False)
    if bias is not None:
        _add_bias(r, step, bias)


def _batchnorm(r: _Reader) -> None:
    step = r.pending()
    if step.w_scale is not None or step.integer:
        raise r.fail("a BatchNormalization after quantized weights")
    gamma, beta, mean, var = (r.array(k).astype(np.float64) for k in range(1, 5))
    factor = gamma / np.sqrt(var + float(r.attr("epsilon", 1e-5)))
    step.weights = step.weights * factor
    step.bias = [(values * factor, None) for values, _ in step.bias] \
        + [(beta - mean * factor, None)]


def _relu(r: _Reader) -> None:
    r.need_float()
    r.emit(Clamp(r.where, 0.0, np.inf))


def _clip(r: _Reader) -> None:
    r.need_float()
    lo, hi = r.attr("min"), r.attr("max")        # opset < 11: attributes
    lo_in, hi_in = r.array(1, required=False), r.array(2, required=False)
    lo = float(lo_in) if lo_in is not None else -np.inf if lo is None else lo
    hi = float(hi_in) if hi_in is not None else np.inf if hi is None else hi
    r.emit(Clamp(r.where, lo, hi))


def _maxpool(r: _Reader) -> None:
    channels, _, _ = _need_hwc(r)
    kernel = list(r.attr("kernel_shape"))
    if len(set(kernel)) != 1 or r.attr("ceil_mode", 0) or r.attr("storage_order", 0):
        raise r.fail(f"kernel {kernel}: zskip takes square windows without ceil_mode")
    stride, padding = _conv_geometry(r, *kernel)
    if padding:
        raise r.fail("a padded MaxPool is not supported")
    _spatial(r, kernel[0], kernel[0], stride, 0, channels)
    r.emit(Pool(r.where, kernel[0], stride))


def _flatten(r: _Reader) -> None:
    if r.attr("axis", 1) != 1:
        raise r.fail("zskip flattens from axis 1 (the batch dimension stays)")
    r.cur.shape = (int(np.prod(r.cur.shape)),)


def _reshape(r: _Reader) -> None:
    target = [int(d) for d in r.array(1)]
    full = (1, *r.cur.shape)
    target = [full[k] if d == 0 and k < len(full) else d for k, d in enumerate(target)]
    try:
        shape = np.empty(full, np.int8).reshape(target).shape
    except ValueError:
        raise r.fail(f"cannot reshape {r.cur.shape} to {tuple(target)}") from None
    if target[0] not in (1, -1) or shape[0] != 1:
        raise r.fail(f"changes the batch dimension (shape {tuple(target)})")
    r.cur.shape = shape[1:]


def _squeeze(r: _Reader) -> None:
    axes = r.attr("axes")
    if axes is None and len(r.node.input) > 1 and r.node.input[1]:
        axes = [int(a) for a in r.array(1)]
    probe = np.empty((1, *r.cur.shape), np.int8)
    if r.node.op_type == "Squeeze" and axes is None:
        r.cur.shape = tuple(d for d in r.cur.shape if d != 1)
        return
    rank = probe.ndim + (len(axes) if r.node.op_type == "Unsqueeze" else 0)
    if any(a % rank == 0 for a in axes):
        raise r.fail("changes the batch dimension")
    try:
        probe = probe.squeeze(tuple(axes)) if r.node.op_type == "Squeeze" \
            else np.expand_dims(probe, tuple(axes))
    except ValueError:
        raise r.fail(f"axes {list(axes)} do not fit the shape {r.cur.shape}") from None
    r.cur.shape = probe.shape[1:]


def _transpose(r: _Reader) -> None:
    perm = list(r.attr("perm", range(len(r.cur.shape) + 1)[::-1]))
    if perm[0] != 0:
        raise r.fail(f"perm {perm} moves the batch dimension")
    index = np.arange(r.cur.order.size).reshape(1, *r.cur.shape).transpose(perm)
    inverse = np.empty_like(r.cur.order)
    inverse[index.ravel()] = np.arange(index.size)
    r.cur.shape, r.cur.order = index.shape[1:], inverse[r.cur.order]


def _identity(r: _Reader) -> None:
    if r.node.op_type == "Dropout" and len(r.node.input) > 2 and r.node.input[2] \
            and bool(np.ravel(r.array(2))[0]):
        raise r.fail("training_mode is set")


def _softmax(r: _Reader) -> None:
    r.need_float()
    r.emit(Drop(r.where, f"{r.node.op_type} {r.where} dropped: it does not change the argmax"))


def _quantize(r: _Reader) -> None:
    r.need_float()
    params = r.qparams(1, 2, "the output")
    r.emit(Quantize(r.where, params))
    r.cur.integer = params.dtype


def _dequantize(r: _Reader) -> None:
    r.need_integer()
    r.emit(ReadAs(r.where, r.qparams(1, 2, "the input", r.cur.integer)))
    r.cur.integer = None


def _qlinear(r: _Reader, conv: bool) -> None:
    r.need_integer()
    read = r.qparams(1, 2, "the input", r.cur.integer)
    r.emit(ReadAs(r.where, read))
    weights, w_scale = r.weights_q(r.array(3), r.array(4), r.array(5, required=False), 0)
    step = _conv_step(r, weights, w_scale) if conv else _dense(r, weights, w_scale)
    if conv and r.array(8, required=False) is not None:
        step.bias.append((_bias_values(r, step, r.array(8)).astype(np.int64),
                          read.scale * w_scale))
    out = r.qparams(6, 7, "the output")
    r.emit(Quantize(r.where, out))
    r.cur.integer = out.dtype


def _integer_op(r: _Reader, conv: bool) -> None:
    r.need_integer()
    zp = r.array(2, required=False)
    r.emit(ReadAs(r.where, QParams(1.0, 0 if zp is None else int(np.ravel(zp)[0]),
                                   r.cur.integer)))
    weights, _ = r.weights_q(r.array(1), np.ones(1), r.array(3, required=False), 0)
    if conv:
        _conv_step(r, weights, 1.0, integer=True)
    else:
        _dense(r, weights, 1.0, integer=True)
    r.cur.integer = "int32"


_HANDLERS: dict[str, Callable[[_Reader], None]] = {
    "Gemm": _gemm, "MatMul": _matmul, "Add": _add, "Conv": _conv,
    "BatchNormalization": _batchnorm, "Relu": _relu, "Clip": _clip, "MaxPool": _maxpool,
    "Flatten": _flatten, "Reshape": _reshape, "Squeeze": _squeeze, "Unsqueeze": _squeeze,
    "Transpose": _transpose, "Identity": _identity, "Dropout": _identity,
    "Softmax": _softmax, "LogSoftmax": _softmax,
    "QuantizeLinear": _quantize, "DequantizeLinear": _dequantize,
    "QLinearConv": lambda r: _qlinear(r, True), "QLinearMatMul": lambda r: _qlinear(r, False),
    "ConvInteger": lambda r: _integer_op(r, True), "MatMulInteger": lambda r: _integer_op(r, False),
}


def read_chain(model: onnx.ModelProto) -> Chain:
    """The model's graph as a chain of steps (OnnxImportError when it is not one)."""
    reader = _Reader(model.graph)
    steps = reader.read(model.graph)
    return Chain(reader.input, steps, model.graph.name)
