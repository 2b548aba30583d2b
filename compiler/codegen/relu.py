"""ReLU: out = max(x, zero_point), element by element."""
from __future__ import annotations

from ..network import DTYPES, ReLU
from .emit import LOADS, STORES, LayerContext


def generate(layer: ReLU, ctx: LayerContext) -> None:
    emit, dtype = ctx.emit, ctx.in_type.dtype
    size = DTYPES[dtype][2]
    emit.comment(f"layer {ctx.index}: ReLU of {ctx.in_type.size} {dtype}")
    floor = "zero"
    if layer.zero_point:
        floor = "t2"
        emit.op("li", floor, layer.zero_point)
    emit.add_imm("a2", "a0", ctx.in_type.nbytes, "t0", comment="end of x")
    loop, keep = emit.label("relu"), emit.label("relu_keep")
    emit.mark(loop)
    emit.op(LOADS[dtype], "t0", "0(a0)")
    emit.op("addi", "a0", "a0", size)
    emit.op("bge", "t0", floor, keep)
    emit.op("mv", "t0", floor)
    emit.mark(keep)
    emit.op(STORES[dtype], "t0", "0(a1)")
    emit.op("addi", "a1", "a1", size)
    emit.op("bne", "a0", "a2", loop)
