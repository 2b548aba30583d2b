"""Dense layers in either loop order (CodegenOptions.loop_order):

- "os", output-stationary: register tiles of `tile` accumulators over the whole input,
  `unroll` activations loaded per group (tile.py); a zero activation skips its block of
  the tile's MACs.
- "is", input-stationary: an int32 accumulator array in memory (the output itself when
  the layer has no requantization) starts as the bias; per input x[i], a loop over j
  adds x[i] * W[i][j] to acc[j], `unroll` outputs per iteration; then the array is
  requantized into the output. The next row's pointer is computed before the loop, so
  for a zero x[i] the whole loop is a region the zero-skip pass can skip.
"""
from __future__ import annotations

from ..network import DTYPES, Dense
from .emit import LOADS, STORES, CodegenError, LayerContext
from .requant import Requantizer, accumulator_range
from .tile import Rows, output_tiles, tile_layout

# input-stationary registers besides a0 (x pointer), a1 (output) and a2..a7:
# t0 = x[i], t1 = &acc[j], t2 = the row's bytes when they do not fit an immediate
IS_TEMPS = ("t3", "t4", "t5", "t6", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10",
            "s11", "ra")


def generate(layer: Dense, ctx: LayerContext) -> None:
    n_in, n_out = layer.weights.shape
    order = ctx.options.loop_order
    ctx.emit.comment(f"layer {ctx.index}: Dense {n_in} -> {n_out}, {ctx.in_type.dtype} -> "
                     f"{ctx.out_type.dtype}, {order}")
    if order == "os":
        _output_stationary(layer, ctx)
    elif order == "is":
        _input_stationary(layer, ctx)
    else:
        raise CodegenError(f"unknown loop order {order!r} (os, is)")


def _output_stationary(layer: Dense, ctx: LayerContext) -> None:
    n_in, n_out = layer.weights.shape
    emit, tile = ctx.emit, ctx.options.tile
    weights = emit.data(f"dense{ctx.index}_w", tile_layout(layer.weights, tile), "<i1",
                        comment=f"layer {ctx.index}: per tile of {tile} outputs, for each "
                                "input i, W[i][tile]")
    bias = emit.data(f"dense{ctx.index}_b", layer.bias, "<i4")
    in_bytes = DTYPES[ctx.in_type.dtype][2]
    output_tiles(emit, rows=Rows(1, n_in, n_in * in_bytes), in_dtype=ctx.in_type.dtype,
                 n_out=n_out, tile=tile, unroll=ctx.options.unroll, weights=weights,
                 bias=bias, requant=layer.requant,
                 acc_range=accumulator_range(layer.weights, layer.bias, ctx.in_type.dtype),
                 out_dtype=ctx.out_type.dtype)


def _input_stationary(layer: Dense, ctx: LayerContext) -> None:
    n_in, n_out = layer.weights.shape
    emit, unroll = ctx.emit, ctx.options.unroll
    if not 1 <= unroll <= len(IS_TEMPS) // 2:
        raise CodegenError(f"input-stationary unroll {unroll}: 1..{len(IS_TEMPS) // 2} "
                           "(two registers per output)")
    in_bytes = DTYPES[ctx.in_type.dtype][2]
    weights = emit.data(f"dense{ctx.index}_w", layer.weights, "<i1",
                        comment=f"layer {ctx.index}: W[i][j], row by row")
    bias = emit.data(f"dense{ctx.index}_b", layer.bias, "<i4")
    emit.op("la", "a2", bias)
    if layer.requant is None:
        emit.op("mv", "a3", "a1", comment="the int32 outputs are the accumulators")
    else:
        emit.op("la", "a3", emit.space(f"dense{ctx.index}_acc", 4 * n_out))
    emit.add_imm("a4", "a3", 4 * n_out, "t0", comment="end of acc")
    emit.op("mv", "t1", "a3")
    init = emit.label("acc_init")
    emit.mark(init)
    emit.op("lw", "t0", "0(a2)", comment="acc[j] = bias[j]")
    emit.op("addi", "a2", "a2", 4)
    emit.op("sw", "t0", "0(t1)")
    emit.op("addi", "t1", "t1", 4)
    emit.op("bne", "t1", "a4", init)

    groups, rest = divmod(n_out, unroll)
    emit.op("la", "a2", weights, comment="a2 = &W[i][0]")
    if groups > 1:
        emit.add_imm("a5", "a3", 4 * groups * unroll, "t0", comment="end of the unrolled j")
    emit.add_imm("a6", "a0", n_in * in_bytes, "t0", comment="end of x")
    if n_out >= 2048:
        emit.op("li", "t2", n_out)
    row = emit.label("row")
    emit.mark(row)
    emit.op(LOADS[ctx.in_type.dtype], "t0", "0(a0)", comment="x[i]")
    emit.op("addi", "a0", "a0", in_bytes)
    emit.op("mv", "a7", "a2", comment="a7 = &W[i][0]")
    if n_out >= 2048:
        emit.op("add", "a2", "a2", "t2", comment="the next row")
    else:
        emit.op("addi", "a2", "a2", n_out, comment="the next row")
    emit.op("mv", "t1", "a3", comment="t1 = &acc[0]")
    if groups > 1:
        loop = emit.label("cols")
        emit.mark(loop)
        _columns(ctx, unroll, advance=True)
        emit.op("bne", "t1", "a5", loop)
    elif groups:
        _columns(ctx, unroll, advance=bool(rest))
    if rest:
        _columns(ctx, rest, advance=False)
    emit.op("bne", "a0", "a6", row)

    if layer.requant is not None:
        _requantize(layer, ctx)


def _columns(ctx: LayerContext, count: int, advance: bool) -> None:
    """acc[j..j+count-1] += x[i] * W[i][j..]: loads, multiplies, adds, stores."""
    emit = ctx.emit
    w, acc = IS_TEMPS[:count], IS_TEMPS[count:2 * count]
    for u in range(count):
        emit.op("lb", w[u], f"{u}(a7)")
    for u in range(count):
        emit.op("lw", acc[u], f"{4 * u}(t1)")
    for u in range(count):
        emit.op("mul", w[u], w[u], "t0")
    for u in range(count):
        emit.op("add", acc[u], acc[u], w[u])
    for u in range(count):
        emit.op("sw", acc[u], f"{4 * u}(t1)")
    if advance:
        emit.op("addi", "a7", "a7", count)
        emit.op("addi", "t1", "t1", 4 * count)


def _requantize(layer: Dense, ctx: LayerContext) -> None:
    """out[j] = requant(acc[j])."""
    emit = ctx.emit
    requantizer = Requantizer(emit, layer.requant, accumulator_range(
        layer.weights, layer.bias, ctx.in_type.dtype), list(IS_TEMPS))
    requantizer.setup()
    emit.op("mv", "t1", "a3")
    loop = emit.label("requant")
    emit.mark(loop)
    emit.op("lw", "t0", "0(t1)", comment="out[j] = requant(acc[j])")
    emit.op("addi", "t1", "t1", 4)
    requantizer.apply("t0")
    emit.op(STORES[ctx.out_type.dtype], "t0", "0(a1)")
    emit.op("addi", "a1", "a1", DTYPES[ctx.out_type.dtype][2])
    emit.op("bne", "t1", "a4", loop)
