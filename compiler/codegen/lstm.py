"""The LSTM layer's generator: baseline RV32IM code with the semantics of
kernels/lstm_model.recur, the algorithm of the hand-written kernel (kernels/lstm/).

Per sample: h = c = 0 (and every cell in the recurrent product); per timestep
  - timestep skipping (time_threshold > 0): from the second symbol on, the sum of
    absolute differences from the last evaluated symbol; below the threshold the step
    is not computed (h, c carry over);
  - acc = bias; acc += x_t . wx; acc += h . wh (input-stationary: one operand, then its
    4H-wide row of multiply-accumulates into acc in memory, 4 per iteration);
  - the gates, c and h, cell by cell;
  - state reduction (state_threshold > 0): the cells with |h| below the threshold leave
    the list of cells the recurrent product reads, for the rest of the sequence;
then h is written out as int16.

What the zero-skip pass works on: each operand (x_t[i], h[k]) is loaded four
instructions before its row loop, and the row loop writes nothing but acc (zero
products when the operand is zero) and registers dead after it, so a zero operand's
whole row is one region after its load. A criterion whose threshold is 0 emits no code.

The gate pre-activations are interleaved per cell (acc[4k + gate], gates i, f, g, o;
the columns of wx, wh and the bias are permuted to match), so the gate loop reads a
cell's four gates at offsets 0..12 whatever H is.
"""
from __future__ import annotations

import numpy as np

from ..network import LSTM
from .emit import Emitter, LayerContext

ONE = 256               # 1.0 in Q8
GATES = 4
UNROLL = 4              # multiply-accumulates per row-loop iteration (4H % 4 == 0)


def _interleave(columns: np.ndarray, hidden: int) -> np.ndarray:
    """[..., 4H] in gate-major order (i, f, g, o blocks of H) -> cell-major (4k + gate)."""
    shape = columns.shape[:-1]
    return columns.reshape(*shape, GATES, hidden).swapaxes(-1, -2).reshape(*shape, GATES * hidden)


def _row_loop(e: Emitter) -> None:
    """acc[0..4H) += t2 * w[0..4H) with t5 = the row of int8 weights, t1 = acc, t6 = the
    end of acc. Writes acc, t0, t1, t5 and the weight temporaries t3, t4, a5, a6 (what
    follows the products writes a5 and a6 before reading them, so a row is a region
    whose registers are dead after it, also before the program's exit ecall)."""
    inner = e.label("lstm_mac")
    w = ("t3", "t4", "a5", "a6")
    e.mark(inner)
    for j, reg in enumerate(w):
        e.ins(f"lb    {reg}, {j}(t5)", "w" if j == 0 else "")
    # the hand kernel's schedule: each product two instructions before its add
    e.ins("lw    t0, 0(t1)", "acc[j]")
    e.ins(f"mul   {w[0]}, {w[0]}, t2")
    e.ins(f"mul   {w[1]}, {w[1]}, t2")
    e.ins(f"add   t0, t0, {w[0]}")
    e.ins("sw    t0, 0(t1)")
    for j in (1, 2, 3):
        e.ins(f"lw    t0, {4 * j}(t1)")
        if j < 3:
            e.ins(f"mul   {w[j + 1]}, {w[j + 1]}, t2")
        else:
            e.ins(f"addi  t5, t5, {UNROLL}")
        e.ins(f"add   t0, t0, {w[j]}")
        e.ins(f"sw    t0, {4 * j}(t1)")
    e.ins(f"addi  t1, t1, {4 * UNROLL}")
    e.ins(f"bne   t1, t6, {inner}")


def _sequential_product(e: Emitter, load: str, stride: int, weights: str) -> None:
    """acc += operand . weights over a2 = the first operand .. a4 = the end, operands
    `stride` bytes apart read by `load`, rows in order. a0 = acc, a1 = bytes per row."""
    row = e.label("lstm_row")
    e.ins(f"la    a3, {weights}")
    e.mark(row)
    e.ins(f"{load:<5} t2, 0(a2)", "a = operand (a zero operand: the row below is null)")
    e.ins(f"addi  a2, a2, {stride}")
    e.ins("mv    t5, a3", "this row's weights")
    e.ins("add   a3, a3, a1", "the next row")
    e.ins("mv    t1, a0")
    _row_loop(e)
    e.ins(f"bne   a2, a4, {row}")


def _active_product(e: Emitter, h: str, active: str, weights: str, hidden: int) -> None:
    """acc += h . wh over the cells in the active list (the addresses of their h) up to
    s6. a0 = acc."""
    row, done = e.label("lstm_hrow"), e.label("lstm_hdone")
    e.ins(f"la    a2, {active}")
    e.ins(f"beq   a2, s6, {done}", "every cell dropped")
    e.ins(f"li    a1, {hidden}")
    e.ins(f"la    t0, {h}")
    e.ins("mul   t0, t0, a1")
    e.ins(f"la    a3, {weights}")
    e.ins("sub   a3, a3, t0", "a3: wh - 4H * (h / 4), so row k is at a3 + H * &h[k]")
    e.mark(row)
    e.ins("lw    t0, 0(a2)", "&h[k]")
    e.ins("addi  a2, a2, 4")
    e.ins("lw    t2, 0(t0)", "a = h[k] (a zero operand: the row below is null)")
    e.ins("mul   t5, t0, a1")
    e.ins("add   t5, a3, t5", "row k of wh")
    e.ins("mv    t1, a0")
    _row_loop(e)
    e.ins(f"bne   a2, s6, {row}")
    e.mark(done)


def _clip(e: Emitter, reg: str, low: str, high: str) -> None:
    """reg = clip(reg, low, high) (registers; low "zero" for 0)."""
    above, below = e.label("lstm_lo"), e.label("lstm_hi")
    e.ins(f"bge   {reg}, {low}, {above}")
    e.ins(f"mv    {reg}, {low}")
    e.mark(above)
    e.ins(f"ble   {reg}, {high}, {below}")
    e.ins(f"mv    {reg}, {high}")
    e.mark(below)


def _gates(e: Emitter, shift: int, c: str, h: str, hidden: int) -> None:
    """The gates, c and h of every cell from acc (a0). s8 = 256, s9 = -256."""
    cell = e.label("lstm_cell")
    e.ins("mv    t0, a0")
    e.ins(f"la    t1, {c}")
    e.ins(f"la    t2, {h}")
    e.add_imm("t6", "t0", GATES * 4 * hidden, "t6")
    e.mark(cell)
    for k, reg in enumerate(("a0", "a1", "a2", "a3")):
        e.ins(f"lw    {reg}, {4 * k}({'t0'})", "i, f, g, o pre-activations" if k == 0 else "")
    for reg, what in (("a0", "i"), ("a1", "f"), ("a3", "o")):
        e.ins(f"srai  {reg}, {reg}, {shift + 2}", f"{what} = clip(z/4 + 128, 0, 256)")
        e.ins(f"addi  {reg}, {reg}, {ONE // 2}")
        _clip(e, reg, "zero", "s8")
    e.ins(f"srai  a2, a2, {shift}", "g = clip(z, -256, 256)")
    _clip(e, "a2", "s9", "s8")
    e.ins("lw    a4, 0(t1)")
    e.ins("mul   a5, a1, a4", "c = (f*c + i*g) >> 8")
    e.ins("mul   a6, a0, a2")
    e.ins("add   a4, a5, a6")
    e.ins("srai  a4, a4, 8")
    e.ins("sw    a4, 0(t1)")
    _clip(e, "a4", "s9", "s8")
    e.ins("mul   a4, a3, a4", "h = (o * clip(c, -256, 256)) >> 8")
    e.ins("srai  a4, a4, 8")
    e.ins("sw    a4, 0(t2)")
    e.ins(f"addi  t0, t0, {4 * GATES}")
    e.ins("addi  t1, t1, 4")
    e.ins("addi  t2, t2, 4")
    e.ins(f"bne   t0, t6, {cell}")


def _reduce_state(e: Emitter, active: str) -> None:
    """Drop from the active list (up to s6) the cells with |h| < s11; s6 = its new end."""
    loop, positive, dropped, done = (e.label(n) for n in
                                     ("lstm_keep", "lstm_abs", "lstm_drop", "lstm_kept"))
    e.ins(f"la    t0, {active}")
    e.ins(f"beq   t0, s6, {done}")
    e.ins("mv    t1, t0", "where the next kept cell goes")
    e.mark(loop)
    e.ins("lw    t4, 0(t0)", "&h[k]")
    e.ins("lw    t5, 0(t4)", "h[k]")
    e.ins(f"bgez  t5, {positive}")
    e.ins("neg   t5, t5")
    e.mark(positive)
    e.ins(f"blt   t5, s11, {dropped}")
    e.ins("sw    t4, 0(t1)", "kept")
    e.ins("addi  t1, t1, 4")
    e.mark(dropped)
    e.ins("addi  t0, t0, 4")
    e.ins(f"bne   t0, s6, {loop}")
    e.ins("mv    s6, t1")
    e.mark(done)


def _symbol_distance(e: Emitter, n_in: int) -> None:
    """t3 = sum |x_t - x_last| over the symbol (s3 = x_t, s4 = x_last, int16)."""
    loop, positive = e.label("lstm_sad"), e.label("lstm_sad_abs")
    e.ins("mv    t0, s3")
    e.ins("mv    t1, s4")
    e.add_imm("t6", "s3", 2 * n_in, "t6")
    e.ins("li    t3, 0")
    e.mark(loop)
    e.ins("lh    t4, 0(t0)")
    e.ins("lh    t5, 0(t1)")
    e.ins("addi  t0, t0, 2")
    e.ins("addi  t1, t1, 2")
    e.ins("sub   t4, t4, t5")
    e.ins(f"bgez  t4, {positive}")
    e.ins("neg   t4, t4")
    e.mark(positive)
    e.ins("add   t3, t3, t4")
    e.ins(f"bne   t0, t6, {loop}")


def _fill(e: Emitter, target: str, words: int, value: str, step: int = 0) -> None:
    """`words` words at `target` = value, value + step, ... (value: a register, clobbered)."""
    loop = e.label("lstm_init")
    e.ins(f"la    t0, {target}")
    e.add_imm("t1", "t0", 4 * words, "t1")
    e.mark(loop)
    e.ins(f"sw    {value}, 0(t0)")
    e.ins("addi  t0, t0, 4")
    if step:
        e.ins(f"addi  {value}, {value}, {step}")
    e.ins(f"bne   t0, t1, {loop}")


def generate(layer: LSTM, ctx: LayerContext) -> None:
    e = ctx.emit
    steps, n_in = ctx.in_type.shape
    hidden = layer.wh.shape[0]
    gates = GATES * hidden
    name = f"layer {ctx.index} LSTM {layer.name}".rstrip()
    skip_time, reduce_state = layer.time_threshold > 0, layer.state_threshold > 0
    wx = e.data("lstm_wx", _interleave(layer.wx, hidden), "<i1",
                f"{name}: wx [{n_in}][{gates}], columns per cell (i, f, g, o)")
    wh = e.data("lstm_wh", _interleave(layer.wh, hidden), "<i1",
                f"{name}: wh [{hidden}][{gates}], columns as wx's")
    bias = e.data("lstm_bias", _interleave(layer.bias, hidden), "<i4", f"{name}: bias")
    acc = e.space("lstm_acc", 4 * gates, f"{name}: gate pre-activations")
    h = e.space("lstm_h", 4 * hidden, f"{name}: hidden state, int32")
    c = e.space("lstm_c", 4 * hidden, f"{name}: cell state, int32")
    active = e.space("lstm_active", 4 * hidden,
                     f"{name}: &h[k] of the cells in the recurrent product") if reduce_state else ""
    step, evaluate, next_step, out = (e.label(n) for n in
                                      ("lstm_step", "lstm_eval", "lstm_next", "lstm_out"))

    e.comment(f"{name}: [{steps}][{n_in}] int16 -> h [{hidden}] int16; thresholds: "
              f"time {layer.time_threshold}, state {layer.state_threshold}")
    e.ins("mv    s3, a0", "s3: this timestep's symbol")
    e.ins("mv    s7, a1", "s7: the output")
    e.ins(f"li    s5, {steps}", "s5: timesteps left")
    e.ins(f"li    s8, {ONE}")
    e.ins(f"li    s9, {-ONE}")
    e.ins("li    t2, 0")
    _fill(e, h, hidden, "t2")
    _fill(e, c, hidden, "t2")
    if reduce_state:
        e.ins(f"li    s11, {layer.state_threshold}")
        e.ins(f"la    t2, {h}")
        _fill(e, active, hidden, "t2", 4)
        e.ins("mv    s6, t0", "s6: the end of the active list")
    if skip_time:
        e.ins(f"li    s10, {layer.time_threshold}")
        e.ins(f"j     {evaluate}", "the first symbol is always computed")
        e.mark(step)
        _symbol_distance(e, n_in)
        e.ins(f"blt   t3, s10, {next_step}", "close to the last one: skip the timestep")
    else:
        e.mark(step)
    e.mark(evaluate)
    if skip_time:
        e.ins("mv    s4, s3", "s4: the last evaluated symbol")
    copy = e.label("lstm_copy")
    e.ins(f"la    a0, {acc}", "acc = bias")
    e.ins(f"la    t0, {bias}")
    e.ins("mv    t1, a0")
    e.add_imm("t6", "a0", 4 * gates, "t6")
    e.mark(copy)
    e.ins("lw    t2, 0(t0)")
    e.ins("addi  t0, t0, 4")
    e.ins("sw    t2, 0(t1)")
    e.ins("addi  t1, t1, 4")
    e.ins(f"bne   t1, t6, {copy}")
    e.ins(f"li    a1, {gates}", "a1: bytes per weight row")
    e.ins("mv    a2, s3", "acc += x_t . wx")
    e.add_imm("a4", "s3", 2 * n_in, "a4")
    _sequential_product(e, "lh", 2, wx)
    if reduce_state:
        _active_product(e, h, active, wh, hidden)
    else:
        e.ins(f"la    a2, {h}", "acc += h . wh")
        e.add_imm("a4", "a2", 4 * hidden, "a4")
        _sequential_product(e, "lw", 4, wh)
    _gates(e, layer.shift, c, h, hidden)
    if reduce_state:
        _reduce_state(e, active)
    e.mark(next_step)
    e.add_imm("s3", "s3", 2 * n_in, "t0")
    e.ins("addi  s5, s5, -1")
    e.ins(f"bnez  s5, {step}")

    e.store_words(out, h, hidden, "s7", "sh", "the output: h as int16")
