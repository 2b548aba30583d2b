"""The layer generators, one module per layer type, dispatched through one table. Each
is `generate(layer, ctx: LayerContext)` and keeps the contract of emit.LayerContext."""
from __future__ import annotations

from typing import Callable

from ..network import LSTM, SNN, Conv2D, Dense, Layer, MaxPool2D, ReLU, layer_label
from . import conv, dense, lstm, pool, relu, snn
from .emit import CodegenError, LayerContext

GENERATORS: dict[type, Callable[..., None]] = {
    Dense: dense.generate,
    Conv2D: conv.generate,
    MaxPool2D: pool.generate,
    ReLU: relu.generate,
    LSTM: lstm.generate,
    SNN: snn.generate,
}


def generate_layer(layer: Layer, ctx: LayerContext) -> None:
    generator = GENERATORS.get(type(layer))
    if generator is None:
        raise CodegenError(f"layer {ctx.index} ({layer_label(layer)}): no code generator")
    generator(layer, ctx)
