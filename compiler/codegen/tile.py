"""Output-stationary register tiles: the loops of Dense (loop order "os") and of Conv2D.

Per tile of outputs the accumulators stay in registers over the whole input. The inputs
are read in groups of `unroll`: the group's activations are loaded first, then per input
the tile's weight loads, multiplies and adds, two weights at a time so that no multiply
waits for the load just before it. A zero activation leaves the tile unchanged, so each
input's block is a region the zero-skip pass can skip, and its load comes early enough
for a skip decided in ID (two to three instructions before; more in a longer group).

Weights are laid out in the order the loops read them (`tile_layout`): per tile, for
each input i, W[i][tile's outputs]. The inputs a tile reads are `Rows`: one row for a
Dense layer, the kh rows of a convolution window.

Registers: a0 = first input (kept), a1 = output (advanced past the layer's outputs),
a2 = bias, a3 = weights, a4 = input pointer, a5 = end of a row's groups, a6 = end of the
full tiles' outputs, t0 and t1 = products; accumulators and activations come from
`POOL`, minus a7 when the rows pointer needs it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network import DTYPES, Requant
from .emit import LOADS, STORES, CodegenError, Emitter
from .requant import Requantizer

POOL = ("s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "ra",
        "t2", "t3", "t4", "t5", "t6", "a7")
PRODUCTS = ("t0", "t1")


@dataclass(frozen=True)
class Rows:
    """The inputs of one tile: `count` rows of `length` contiguous elements, `stride`
    bytes from one row's start to the next."""
    count: int
    length: int
    stride: int


def tile_widths(n_out: int, tile: int) -> list[int]:
    """The tiles' widths: full tiles, then one of the remaining outputs."""
    return [tile] * (n_out // tile) + ([n_out % tile] if n_out % tile else [])


def tile_layout(weights: np.ndarray, tile: int) -> np.ndarray:
    """weights [n_in, n_out] in the order the tiles read them."""
    starts = np.cumsum([0] + tile_widths(weights.shape[1], tile))
    return np.concatenate([weights[:, a:b].ravel() for a, b in zip(starts, starts[1:])])


def _registers(tile: int, unroll: int, rows: Rows) -> tuple[list[str], list[str]]:
    pool = [r for r in POOL if not (rows.count > 1 and r == "a7")]
    if tile < 1 or unroll < 1 or tile + unroll > len(pool):
        raise CodegenError(f"a tile of {tile} accumulators and {unroll} activations needs "
                           f"{tile + unroll} registers; this loop has {len(pool)}")
    return pool[:tile], pool[tile:tile + unroll]


def output_tiles(emit: Emitter, *, rows: Rows, in_dtype: str, n_out: int, tile: int,
                 unroll: int, weights: str, bias: str, requant: Requant | None,
                 acc_range: tuple[int, int], out_dtype: str) -> None:
    """All n_out outputs of the inputs at a0 into a1 (then a1 points past them);
    `weights` and `bias` are data labels (weights laid out by `tile_layout`)."""
    unroll = min(unroll, rows.length)           # a longer group than a row needs no registers
    accs, xregs = _registers(tile, unroll, rows)
    free = list(PRODUCTS) + [r for r in POOL if r not in accs]   # after the rows
    gen = _Tiles(emit, rows, in_dtype, unroll, xregs, out_dtype,
                 requant and Requantizer(emit, requant, acc_range, free))
    emit.op("la", "a2", bias)
    emit.op("la", "a3", weights, comment="weights by tile: per input, the tile's")
    full, rest = divmod(n_out, tile)
    if full > 1:
        emit.add_imm("a6", "a1", full * tile * gen.out_bytes, "t0",
                     comment="end of the full tiles' outputs")
        loop = emit.label("tile")
        emit.mark(loop)
        gen.tile(accs)
        emit.op("bne", "a1", "a6", loop)
    elif full:
        gen.tile(accs)
    if rest:
        gen.tile(accs[:rest])


class _Tiles:
    def __init__(self, emit: Emitter, rows: Rows, in_dtype: str, unroll: int,
                 xregs: list[str], out_dtype: str, requantizer: Requantizer | None) -> None:
        self.emit, self.rows, self.unroll, self.xregs = emit, rows, unroll, xregs
        self.load = LOADS[in_dtype]
        self.in_bytes = DTYPES[in_dtype][2]
        self.store = STORES[out_dtype]
        self.out_bytes = DTYPES[out_dtype][2]
        self.requantizer = requantizer

    def tile(self, accs: list[str]) -> None:
        """One tile: accumulators = bias, every row's inputs, requantize and store."""
        emit, rows, width = self.emit, self.rows, len(accs)
        for k, acc in enumerate(accs):
            emit.op("lw", acc, f"{4 * k}(a2)", comment="accumulators = bias" if not k else "")
        emit.op("addi", "a2", "a2", 4 * width)
        emit.op("mv", "a4", "a0", comment="a4 = &x[i]")
        groups, rest = divmod(rows.length, self.unroll)
        # bytes from a row's last element to the next row's first (rows of a window)
        tail = rows.stride - rows.length * self.in_bytes if rows.count > 1 else 0
        if rows.count > 1:
            emit.add_imm("a7", "a0", rows.count * rows.stride, "t0", comment="end of the rows")
            row = emit.label("row")
            emit.mark(row)
        if groups > 1:
            emit.add_imm("a5", "a4", groups * self.unroll * self.in_bytes, "t0")
            loop = emit.label("group")
            emit.mark(loop)
            self.group(accs, self.unroll, 0)
            emit.op("bne", "a4", "a5", loop)
            if not rest:
                emit.add_imm("a4", "a4", tail, "t0", comment="next row")
        elif groups:
            self.group(accs, self.unroll, 0 if rest else tail)
        if rest:
            self.group(accs, rest, tail)
        if rows.count > 1:
            emit.op("bne", "a4", "a7", row)
        self.finish(accs)

    def group(self, accs: list[str], count: int, tail: int) -> None:
        """`count` inputs at a4: their loads, then per input the tile's MACs; a4 moves
        on by `count` elements and `tail` bytes, a3 past their weights."""
        emit, width = self.emit, len(accs)
        for u in range(count):
            emit.op(self.load, self.xregs[u], f"{u * self.in_bytes}(a4)")
        emit.add_imm("a4", "a4", count * self.in_bytes + tail, "t0")
        emit.op("addi", "a3", "a3", count * width)
        for u in range(count):
            base = -(count - u) * width
            for k in range(0, width, 2):
                pair = list(zip(PRODUCTS, accs[k:k + 2]))
                for q, (product, _) in enumerate(pair):
                    emit.op("lb", product, f"{base + k + q}(a3)",
                            comment="acc[j] += x[i] * W[i][j]" if not u + k + q else "")
                for product, _ in pair:
                    emit.op("mul", product, product, self.xregs[u])
                for product, acc in pair:
                    emit.op("add", acc, acc, product)

    def finish(self, accs: list[str]) -> None:
        emit = self.emit
        if self.requantizer:
            self.requantizer.setup()
        for k, acc in enumerate(accs):
            if self.requantizer:
                self.requantizer.apply(acc)
            emit.op(self.store, acc, f"{k * self.out_bytes}(a1)")
        emit.op("addi", "a1", "a1", len(accs) * self.out_bytes)
