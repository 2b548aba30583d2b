"""MaxPool2D of an HWC input: per output position and channel, the window's elements
are loaded and the greatest kept; positions in two counted loops (a6 rows, a7 columns),
channels in an inner loop."""
from __future__ import annotations

from ..network import DTYPES, MaxPool2D
from .emit import LOADS, STORES, Emitter, LayerContext


def generate(layer: MaxPool2D, ctx: LayerContext) -> None:
    emit, dtype = ctx.emit, ctx.in_type.dtype
    size = DTYPES[dtype][2]
    h, w, c = ctx.in_type.shape
    oh, ow, _ = ctx.out_type.shape
    k, s = layer.size, layer.stride
    load = LOADS[dtype]
    emit.comment(f"layer {ctx.index}: MaxPool2D {k}x{k}, stride {s}, {h}x{w}x{c} {dtype}")
    emit.op("li", "a6", oh, comment="rows of windows left")
    rows = emit.label("pool_rows")
    emit.mark(rows)
    emit.op("li", "a7", ow, comment="windows left in the row")
    cols = emit.label("pool_cols")
    emit.mark(cols)
    emit.op("mv", "a2", "a0", comment="a2 = &x[window][channel]")
    emit.add_imm("a3", "a0", c * size, "t0")
    chans = emit.label("pool_chans")
    emit.mark(chans)
    emit.op(load, "t0", "0(a2)", comment="the window's maximum")
    for ky in range(k):
        for kx in range(k):
            if ky or kx:
                keep = emit.label("pool_keep")
                emit.op(load, "t1", _address(emit, (ky * w + kx) * c * size))
                emit.op("bge", "t0", "t1", keep)
                emit.op("mv", "t0", "t1")
                emit.mark(keep)
    emit.op(STORES[dtype], "t0", "0(a1)")
    emit.op("addi", "a1", "a1", size)
    emit.op("addi", "a2", "a2", size)
    emit.op("bne", "a2", "a3", chans)
    emit.add_imm("a0", "a0", s * c * size, "t0", comment="next window")
    emit.op("addi", "a7", "a7", -1)
    emit.op("bnez", "a7", cols)
    emit.add_imm("a0", "a0", (s * w - ow * s) * c * size, "t0", comment="next row of windows")
    emit.op("addi", "a6", "a6", -1)
    emit.op("bnez", "a6", rows)


def _address(emit: Emitter, offset: int) -> str:
    """offset(a2), through a4 when the offset does not fit an immediate."""
    if offset < 2048:
        return f"{offset}(a2)"
    emit.add_imm("a4", "a2", offset, "t2")
    return "0(a4)"
