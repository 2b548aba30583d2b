"""Conv2D of an HWC input, output-stationary: per output position, the channels in
register tiles (tile.py) over the window, whose kh rows are each kw * c_in contiguous
elements; a zero input element skips its block of the tile's MACs, as in the hand
kernels' conv. The loop order option does not apply (every conv runs this way).

Padding: the input is copied into the interior of a padded buffer whose border is
initialised once with pad_value in the data section, so the loops see a valid
convolution. Position counters live on the stack (the tiles use the registers).
"""
from __future__ import annotations

import numpy as np

from ..network import DTYPES, Conv2D
from .emit import LOADS, NUMPY, STORES, LayerContext
from .requant import accumulator_range
from .tile import Rows, output_tiles, tile_layout


def generate(layer: Conv2D, ctx: LayerContext) -> None:
    emit, dtype = ctx.emit, ctx.in_type.dtype
    size = DTYPES[dtype][2]
    kh, kw, c_in, c_out = layer.weights.shape
    h, w, _ = ctx.in_type.shape
    oh, ow, _ = ctx.out_type.shape
    p, s = layer.padding, layer.stride
    emit.comment(f"layer {ctx.index}: Conv2D {kh}x{kw}x{c_in} -> {c_out}, stride {s}, "
                 f"padding {p}, {h}x{w} {dtype} -> {ctx.out_type.dtype}")
    wp = w + 2 * p
    if p:
        _pad(layer, ctx)
    tile = ctx.options.tile
    flat = layer.weights.reshape(kh * kw * c_in, c_out)
    weights = emit.data(f"conv{ctx.index}_w", tile_layout(flat, tile), "<i1",
                        comment=f"layer {ctx.index}: per tile of {tile} channels, for each "
                                "(ky, kx, c), W[ky][kx][c][tile]")
    bias = emit.data(f"conv{ctx.index}_b", layer.bias, "<i4")
    emit.op("addi", "sp", "sp", -8)
    emit.op("li", "t0", oh)
    emit.op("sw", "t0", "0(sp)", comment="rows of positions left")
    rows = emit.label("conv_rows")
    emit.mark(rows)
    emit.op("li", "t0", ow)
    emit.op("sw", "t0", "4(sp)", comment="positions left in the row")
    cols = emit.label("conv_cols")
    emit.mark(cols)
    output_tiles(emit, rows=Rows(kh, kw * c_in, wp * c_in * size), in_dtype=dtype,
                 n_out=c_out, tile=tile, unroll=ctx.options.unroll, weights=weights,
                 bias=bias, requant=layer.requant,
                 acc_range=accumulator_range(flat, layer.bias, dtype),
                 out_dtype=ctx.out_type.dtype)
    emit.add_imm("a0", "a0", s * c_in * size, "t0", comment="next window")
    _count_down(ctx, "4(sp)", cols)
    emit.add_imm("a0", "a0", (s * wp - ow * s) * c_in * size, "t0",
                 comment="next row of windows")
    _count_down(ctx, "0(sp)", rows)
    emit.op("addi", "sp", "sp", 8)


def _count_down(ctx: LayerContext, counter: str, loop: str) -> None:
    emit = ctx.emit
    emit.op("lw", "t0", counter)
    emit.op("addi", "t0", "t0", -1)
    emit.op("sw", "t0", counter)
    emit.op("bnez", "t0", loop)


def _pad(layer: Conv2D, ctx: LayerContext) -> None:
    """Copy the input into the padded buffer's interior; a0 = the padded buffer."""
    emit, dtype = ctx.emit, ctx.in_type.dtype
    size = DTYPES[dtype][2]
    h, w, c = ctx.in_type.shape
    p = layer.padding
    wp = w + 2 * p
    padded = emit.data(f"conv{ctx.index}_pad",
                       np.full((h + 2 * p) * wp * c, layer.pad_value), NUMPY[dtype],
                       comment="the border keeps pad_value, the interior is each input")
    emit.op("la", "a2", padded)
    emit.add_imm("a2", "a2", (p * wp + p) * c * size, "t0", comment="first interior element")
    emit.add_imm("a3", "a0", ctx.in_type.nbytes, "t0", comment="end of x")
    rows, elements = emit.label("pad_rows"), emit.label("pad_copy")
    emit.mark(rows)
    emit.add_imm("a4", "a0", w * c * size, "t0", comment="end of the row")
    emit.mark(elements)
    emit.op(LOADS[dtype], "t1", "0(a0)")
    emit.op("addi", "a0", "a0", size)
    emit.op(STORES[dtype], "t1", "0(a2)")
    emit.op("addi", "a2", "a2", size)
    emit.op("bne", "a0", "a4", elements)
    emit.add_imm("a2", "a2", 2 * p * c * size, "t0", comment="past the side padding")
    emit.op("bne", "a0", "a3", rows)
    emit.op("la", "a0", padded)
