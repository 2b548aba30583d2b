"""ONNX models as layer-IR networks (needs the `onnx` extra).

onnx_graph.py reads the graph as a chain of real-valued steps with the quantization the
model states; this module turns the chain into integer layers:
- quantized models (QDQ, as onnxruntime's quantize_static writes them, and QLinear
  operators) keep their scales and zero points: a layer's input zero point is folded
  into its bias (and is a padded conv's pad value), the real multiplier
  s_in * s_w / s_out becomes Requant(multiplier, shift), the output zero point and a
  fused ReLU/Clip become the clamp;
- float models are quantized by zskip: symmetric per-tensor int8 weights, activation
  scales from calibration data (quant.py), each layer calibrated on the outputs of the
  already quantized layers before it (reference.py), so the scales see the rounding
  the integer network really does;
- a last layer the model does not quantize gives its int32 accumulators (real value
  metadata["output_scale"] each, so the argmax is the model's).

Rounding: onnxruntime requantizes in float and rounds half to even; zskip rounds half
up in integers. With power-of-two scales both compute the same integers except on
exact ties (x.5); otherwise the 31-bit multiplier and onnxruntime's float32 product
also differ in the last bit near a tie.
"""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx

from .. import reference
from ..network import (Conv2D, Dense, Layer, MaxPool2D, Network, ReLU, Requant,
                       TensorType, output_type)
from .onnx_graph import (Chain, Clamp, Drop, Linear, OnnxImportError, Pool, Quantize,
                         ReadAs, read_chain)
from .quant import QParams, activation_params, fold_bias, requant, weight_params

__all__ = ["OnnxImportError", "load_onnx", "onnx_inputs"]


def load_onnx(model: str | Path | onnx.ModelProto, calibration: np.ndarray | None = None,
              name: str | None = None, percentile: float = 100.0) -> Network:
    """An ONNX model (a path or a loaded ModelProto) as a network. A float model needs
    `calibration`: real inputs as the model takes them, [n, *input shape without the
    batch], from which zskip chooses each activation's scale (the `percentile` of its
    magnitudes; 100 = the largest)."""
    source = "" if isinstance(model, onnx.ModelProto) else str(model)
    if not isinstance(model, onnx.ModelProto):
        try:
            model = onnx.load(str(model))
        except Exception as err:    # onnx raises protobuf's and OS errors alike
            raise OnnxImportError(f"{source}: cannot read an ONNX model: {err}") from None
    chain = read_chain(model)
    name = name or chain.name or (Path(source).stem if source else "onnx")
    return _Lowering(chain, name, source, calibration, percentile).network()


def onnx_inputs(net: Network, x: np.ndarray) -> np.ndarray:
    """Real inputs as the ONNX model took them ([n, *shape], NCHW images) -> `net`'s
    stored inputs [n, *net.input.shape] (HWC images), quantized with its input scale."""
    return net.quantize_input(_to_ir_layout(x, net.metadata["onnx_input_order"],
                                            net.input.shape))


def _to_ir_layout(x: np.ndarray, order: np.ndarray, ir_shape: tuple[int, ...]) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim < 1 or x[0].size != len(order):
        raise OnnxImportError(f"inputs of shape {x.shape[1:]}: the model takes "
                              f"{len(order)} values per sample")
    return x.reshape(len(x), -1)[:, order].reshape(len(x), *ir_shape)


class _Lowering:
    """Walks the chain, keeping the stored tensor's quantization (`params`; None for
    int32 accumulators or a float input not quantized yet) and the Linear step still
    open (`pending`: its requantization waits for the next Quantize, or calibration)."""

    def __init__(self, chain: Chain, name: str, source: str,
                 calibration: np.ndarray | None, percentile: float) -> None:
        self.chain, self.name, self.source, self.percentile = chain, name, source, percentile
        self.input_type_shape = chain.input.ir_shape
        self.layers: list[Layer] = []
        self.types: list[TensorType] = []
        self.params: QParams | None = None
        self.input_params: QParams | None = None
        if chain.input.integer:
            self.params = QParams(1.0, 0, chain.input.integer)
        self.calibration = None if calibration is None else \
            _to_ir_layout(calibration, chain.input.order, self.input_type_shape)
        self.pending: Linear | None = None
        self.pending_in: QParams | None = None
        self.clamp = (-math.inf, math.inf)
        self.fusable = False            # the last layer's requant can take a following clamp
        self.notes: list[str] = []
        self.out_scale = 1.0

    # the network --------------------------------------------------------------------
    def network(self) -> Network:
        dropped = False
        for step in self.chain.steps:
            if dropped:                 # only (de)quantization of the probabilities may follow
                if isinstance(step, (Linear, Pool)):
                    raise OnnxImportError(f"node {step.node!r}: zskip drops a Softmax only at "
                                          f"the end of the network")
                continue
            if isinstance(step, Linear):
                self._close(None, final=False)
                self._need_stored(step.node)
                self.pending, self.pending_in, self.clamp = step, self.params, (-math.inf, math.inf)
            elif isinstance(step, Clamp):
                self._clamp(step)
            elif isinstance(step, Pool):
                self._close(None, final=False)
                self._need_stored(step.node)
                self._append(MaxPool2D(step.size, step.stride, name=step.node))
            elif isinstance(step, Quantize):
                self._quantize(step)
            elif isinstance(step, ReadAs):
                self._read_as(step)
            elif isinstance(step, Drop):
                self._close(None, final=True)
                self.notes.append(step.note)
                dropped = True
        self._close(None, final=True)
        if not self.layers:
            raise OnnxImportError(f"{self.name}: no Gemm, MatMul or Conv to import")
        out = self.params
        metadata = {"layout": "rows", "onnx_input_shape": self.chain.input.shape,
                    "onnx_input_order": self.chain.input.order,
                    "output_scale": out.scale if out else self.out_scale,
                    "output_zero_point": out.zero_point if out else 0, "notes": self.notes}
        first = self.input_params
        return Network(self.name, TensorType(self.input_type_shape, first.dtype),
                       tuple(self.layers), first.scale, first.zero_point, self.source, metadata)

    def _append(self, layer: Layer) -> None:
        in_type = self.types[-1] if self.types else \
            TensorType(self.input_type_shape, self.input_params.dtype)
        out_type = output_type(layer, in_type)
        if self.calibration is not None:
            self.calibration = reference.evaluate_layer(layer, self.calibration, in_type, out_type)
        self.layers.append(layer)
        self.types.append(out_type)
        self.fusable = getattr(layer, "requant", None) is not None

    def _need_stored(self, node: str) -> None:
        """The current tensor must be stored integers; a float input is quantized here."""
        if self.params is not None:
            if self.input_params is None:
                self.input_params = self.params
            return
        if self.layers:
            raise OnnxImportError(f"node {node!r} reads int32 accumulators: zskip needs a "
                                  f"QuantizeLinear (or a float model) between two layers")
        if self.calibration is None:
            raise OnnxImportError(
                f"node {node!r} reads the float input {self.chain.input.name!r}: a float "
                f"model needs calibration data to be quantized (load_onnx(model, "
                f"calibration=inputs), inputs [n, {', '.join(map(str, self.chain.input.shape))}])")
        self.params = self.input_params = activation_params(self.calibration, self.percentile)
        self.calibration = _stored(self.calibration, self.params)

    # steps --------------------------------------------------------------------------
    def _clamp(self, step: Clamp) -> None:
        if self.pending is not None:
            lo, hi = self.clamp
            self.clamp = (max(lo, step.lo), min(hi, step.hi))
            return
        self._need_stored(step.node)
        if self.fusable:                # a requantized layer's output: tighten its clamp
            q = self.layers[-1].requant
            tight = replace(q, lo=max(q.lo, self.params.stored(step.lo)),
                            hi=min(q.hi, self.params.stored(step.hi)))
            self.layers[-1] = replace(self.layers[-1], requant=tight)
            if self.calibration is not None:
                self.calibration = np.clip(self.calibration, tight.lo, tight.hi)
        elif step.hi == math.inf:
            self._append(ReLU(self.params.stored(step.lo), name=step.node))
        else:
            raise OnnxImportError(f"node {step.node!r}: an upper clamp zskip cannot fuse into "
                                  f"a layer's requantization")

    def _quantize(self, step: Quantize) -> None:
        if self.pending is not None:
            self._close(step.params, final=False)
        elif self.params is None and not self.layers:     # the model's input quantization
            self.params = self.input_params = step.params
            if self.calibration is not None:
                self.calibration = _stored(self.calibration, step.params)
        elif self.params is None or not self.params.same(step.params):
            raise OnnxImportError(f"node {step.node!r}: requantizes {self.params} to "
                                  f"{step.params} outside a layer (zskip requantizes only "
                                  f"the accumulators of a Gemm, MatMul or Conv)")

    def _read_as(self, step: ReadAs) -> None:
        if self.params is None:
            raise OnnxImportError(f"node {step.node!r}: dequantizes int32 accumulators")
        if step.params.dtype != self.params.dtype:
            raise OnnxImportError(f"node {step.node!r}: reads {self.params.dtype} values as "
                                  f"{step.params.dtype}")
        self.params = step.params

    def _close(self, out: QParams | None, final: bool) -> None:
        """The pending Linear step as a layer requantizing to `out` (calibrated when
        None, unless `final`: then the int32 accumulators are the outputs)."""
        step = self.pending
        if step is None:
            return
        self.pending = None
        weights, w_scale = (step.weights.astype(np.int8), step.w_scale) \
            if step.w_scale is not None else weight_params(step.weights)
        scale = self.pending_in.scale * w_scale              # the accumulator's real unit
        bias = fold_bias(_bias(step, scale), weights, self.pending_in.zero_point)
        lo, hi = self.clamp
        if out is None and not final:
            accumulators = self._layer(step, weights, bias, None)
            real = self._calibrate(accumulators, step.node) * scale
            out = activation_params(np.clip(real, lo, hi), self.percentile)
        if out is None:
            self._append(self._layer(step, weights, bias, None))
            self.params, self.out_scale = None, scale
            if lo > -math.inf or hi < math.inf:
                if (lo, hi) != (0.0, math.inf):
                    raise OnnxImportError(f"node {step.node!r}: a Clip on the unquantized "
                                          f"output")
                self._append(ReLU(0, name=step.node))
            return
        self._append(self._layer(step, weights, bias, requant(scale / out.scale, out, lo, hi)))
        self.params = out

    def _layer(self, step: Linear, weights: np.ndarray, bias: np.ndarray,
               rq: Requant | None) -> Dense | Conv2D:
        if step.kind == "dense":
            return Dense(weights, bias, rq, name=step.node)
        pad = self.pending_in.zero_point if step.padding else 0
        return Conv2D(weights, bias, rq, step.stride, step.padding, pad, name=step.node)

    def _calibrate(self, layer: Dense | Conv2D, node: str) -> np.ndarray:
        """The accumulators of `layer` (after the layers so far) on the calibration data."""
        if self.calibration is None:
            raise OnnxImportError(f"node {node!r}: its output is float and not quantized by "
                                  f"the model: zskip needs calibration data to choose a scale "
                                  f"(load_onnx(model, calibration=inputs))")
        in_type = self.types[-1] if self.types else \
            TensorType(self.input_type_shape, self.input_params.dtype)
        return reference.evaluate_layer(layer, self.calibration, in_type,
                                        output_type(layer, in_type)).astype(np.float64)


def _bias(step: Linear, scale: float) -> np.ndarray:
    """The step's bias terms in accumulator units (integers of that scale as they are,
    anything else rounded to nearest)."""
    total = np.zeros(step.n_out, np.int64)
    for values, unit in step.bias:
        if unit is not None and math.isclose(unit, scale, rel_tol=1e-6):
            total += values.astype(np.int64)
        else:
            total += np.round(values * (1.0 if unit is None else unit) / scale).astype(np.int64)
    if np.abs(total).max(initial=0) >= 1 << 31:
        raise OnnxImportError(f"node {step.node!r}: the bias overflows int32 at the "
                              f"accumulator's scale {scale:.3g}")
    return total


def _stored(real: np.ndarray, params: QParams) -> np.ndarray:
    """Calibration inputs -> stored values, as Network.quantize_input does."""
    probe = Network("calibration", TensorType(real.shape[1:], params.dtype), (),
                    params.scale, params.zero_point)
    return probe.quantize_input(real)
