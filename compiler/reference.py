"""The layer IR evaluated in numpy, bit for bit as the generated code computes it: the
reference every compiled program is checked against. LSTM and SNN layers run the
kernels' own models (kernels/lstm_model.py, kernels/snn_model.py), so their integer
semantics are written once."""
from __future__ import annotations

import numpy as np

from zskip.kernels import lstm_model, snn_model

from .network import (DTYPES, LSTM, SNN, Conv2D, Dense, Layer, MaxPool2D, Network,
                      NetworkError, ReLU, Requant, TensorType, layer_label)


def _int32(acc: np.ndarray, what: str) -> np.ndarray:
    if np.abs(acc).max(initial=0) >= 1 << 31:
        raise NetworkError(f"{what}: an int32 accumulator overflows")
    return acc


def _finish(acc: np.ndarray, requant: Requant | None, what: str) -> np.ndarray:
    acc = _int32(acc, what)
    return acc if requant is None else requant.apply(acc)


def _conv(layer: Conv2D, x: np.ndarray) -> np.ndarray:
    kh, kw, _, c_out = layer.weights.shape
    p, s = layer.padding, layer.stride
    if p:
        x = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)), constant_values=layer.pad_value)
    n, h, w, _ = x.shape
    oh, ow = (h - kh) // s + 1, (w - kw) // s + 1
    acc = np.broadcast_to(layer.bias.astype(np.int64), (n, oh, ow, c_out)).copy()
    weights = layer.weights.astype(np.int64)
    for ky in range(kh):
        for kx in range(kw):
            window = x[:, ky:ky + s * (oh - 1) + 1:s, kx:kx + s * (ow - 1) + 1:s, :]
            acc += window @ weights[ky, kx]
    return acc


def _maxpool(layer: MaxPool2D, x: np.ndarray, out: TensorType) -> np.ndarray:
    oh, ow, _ = out.shape
    s, k = layer.stride, layer.size
    windows = [x[:, ky:ky + s * (oh - 1) + 1:s, kx:kx + s * (ow - 1) + 1:s, :]
               for ky in range(k) for kx in range(k)]
    return np.maximum.reduce(windows)


def evaluate_layer(layer: Layer, x: np.ndarray, in_type: TensorType,
                   out_type: TensorType) -> np.ndarray:
    """One layer over a batch x [n, *in_type.shape] (int64) -> [n, *out_type.shape]."""
    what = layer_label(layer)
    n = len(x)
    if isinstance(layer, Dense):
        acc = x.reshape(n, -1) @ layer.weights.astype(np.int64) + layer.bias
        return _finish(acc, layer.requant, what)
    if isinstance(layer, Conv2D):
        return _finish(_conv(layer, x), layer.requant, what)
    if isinstance(layer, MaxPool2D):
        return _maxpool(layer, x, out_type)
    if isinstance(layer, ReLU):
        return np.maximum(x, layer.zero_point)
    if isinstance(layer, LSTM):
        result = lstm_model.recur(layer.wx, layer.wh, layer.bias, layer.shift, x,
                                  layer.time_threshold, layer.state_threshold)
        return result.hidden
    if isinstance(layer, SNN):
        net = snn_model.SnnNetwork(layer.w1, layer.w2, layer.theta, layer.timesteps)
        setting = snn_model.Deactivation(layer.refresh, layer.w_min, layer.v_min)
        images = x.reshape(n, -1)
        if images.min(initial=0) < 0 or images.max(initial=0) > snn_model.COUNTER_RECHARGE:
            raise NetworkError(f"{what}: the rate code takes inputs 0..16")
        return snn_model.simulate(net, images, setting).outputs.astype(np.int64)
    raise NetworkError(f"unknown layer {layer!r}")


def evaluate(net: Network, inputs: np.ndarray) -> list[np.ndarray]:
    """Every tensor of `net` over stored inputs [n, *net.input.shape]: the input, then
    each layer's output (int64 arrays of the layers' shapes; the last is the result)."""
    types = net.types()
    x = np.asarray(inputs, dtype=np.int64)
    if x.shape[1:] != net.input.shape:
        raise NetworkError(f"{net.name}: inputs of shape {x.shape[1:]}, the network takes "
                           f"{net.input.shape}")
    low, high, _ = DTYPES[net.input.dtype]
    if x.size and (x.min() < low or x.max() > high):
        raise NetworkError(f"{net.name}: inputs outside {net.input.dtype}")
    tensors = [x]
    for layer, in_type, out_type in zip(net.layers, types, types[1:]):
        tensors.append(evaluate_layer(layer, tensors[-1], in_type, out_type))
    return tensors


def outputs(net: Network, inputs: np.ndarray) -> np.ndarray:
    """The network's outputs [n, *output shape] (int64) for stored inputs."""
    return evaluate(net, inputs)[-1]
