"""The shipped feed-forward networks in the layer IR, built from kernels/ffnn_model.py
(until compiler.frontends.load_shipped lands), and digits test images as inputs."""
from __future__ import annotations

import numpy as np

from zskip.compiler.network import Conv2D, Dense, Network, Requant, TensorType
from zskip.kernels.ffnn_model import load_network
from zskip.traces.digits import load_digits


def shipped(name: str) -> Network:
    """mlp, cnn or mlp_pruned: hidden layers requantize to 0..127 (the fused ReLU), the
    last layer gives the int32 logits."""
    model = load_network(name)
    layers = []
    for k, layer in enumerate(model.layers):
        requant = None if k == len(model.layers) - 1 else Requant(layer.shift, lo=0, hi=127)
        if layer.kind == "conv":
            weights = layer.weights.reshape(3, 3, 1, -1)
            layers.append(Conv2D(weights, layer.bias, requant))
        else:
            layers.append(Dense(layer.weights, layer.bias, requant))
    return Network(name, TensorType((8, 8, 1), "int8"), tuple(layers))


def images(n: int) -> np.ndarray:
    return load_digits("test").images[:n].reshape(n, 8, 8, 1).astype(np.int64)
