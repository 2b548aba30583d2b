"""The SNN layer's generator: baseline RV32IM code with the semantics of
kernels/snn_model.simulate, the algorithm of the hand-written kernel (kernels/snn/).

Per sample: rate-code counters = 7, membranes = 0, every hidden neuron active; per
timestep
  - encode: c -= pixel; spike = (c < 0); c += 16 where it spiked (spikes as bytes);
  - integrate the hidden layer: for each input i: s = spike[i]; for each hidden h:
    v1[h] += s * w1[i, h];
  - fire: v1 >= theta -> hidden spike, v1 -= theta;
  - integrate the outputs the same way from the hidden spikes and w2;
  - every `refresh` steps the controller: an active hidden neuron that did not fire
    since the last run and whose membrane is below v_min is deactivated: its column of
    the per-sample copy of w1 is cleared;
then the output membranes are written out.

The weight-magnitude deactivation (|w| < w_min -> 0) is a property of the weights, so
it happens here, at compile time: the data holds the pruned weights. The controller
is emitted only when it can deactivate something (v_min > INT32_MIN, refresh <= T);
without it the hidden layer reads w1 itself.

What the zero-skip pass works on: a spike is loaded four instructions before its row
loop, which writes nothing but zero products into the membranes and registers dead
after it; inside the row, each weight is loaded two instructions before its own update
(lw v; and p, w, -s; add v, v, p; sw v), which is null when the weight is zero. Rows go
two connections per iteration; odd widths are padded with zero weights and a spare
membrane that nothing reads.
"""
from __future__ import annotations

import numpy as np

from zskip.kernels.snn_model import COUNTER_RECHARGE, COUNTER_START, INT32_MIN, prune

from ..network import SNN
from .emit import CodegenError, Emitter, LayerContext


def _even(n: int) -> int:
    return n + n % 2


def _padded(w: np.ndarray, w_min: int, words: bool = False) -> np.ndarray:
    """Pruned int8 rows padded with zero columns to an even width (and, with `words`,
    with zero bytes to a whole number of words)."""
    rows = np.pad(prune(w, w_min), ((0, 0), (0, w.shape[1] % 2))).ravel()
    return np.pad(rows, (0, -len(rows) % 4)) if words else rows


def _set_bytes(e: Emitter, target: str, count: int, value: str) -> None:
    """`count` bytes at `target` = the register `value`."""
    loop = e.label("snn_set")
    e.ins(f"la    t0, {target}")
    e.add_imm("t1", "t0", count, "t1")
    e.mark(loop)
    e.ins(f"sb    {value}, 0(t0)")
    e.ins("addi  t0, t0, 1")
    e.ins(f"bne   t0, t1, {loop}")


def _clear_words(e: Emitter, target: str, count: int) -> None:
    loop = e.label("snn_clear")
    e.ins(f"la    t0, {target}")
    e.add_imm("t1", "t0", 4 * count, "t1")
    e.mark(loop)
    e.ins("sw    zero, 0(t0)")
    e.ins("addi  t0, t0, 4")
    e.ins(f"bne   t0, t1, {loop}")


def _integrate(e: Emitter, spikes: str, rows: int, weights: str, width: int,
               membranes: str) -> None:
    """For each of `rows` spikes (bytes 0/1 at `spikes`): membranes[0..width) += s * the
    spike's row of `weights` (int8, `width` even). s * w is w & -s: an `and` where the
    hand kernel's baseline multiplies (3 cycles on embedded)."""
    row, update = e.label("snn_row"), e.label("snn_update")
    e.ins(f"la    a2, {spikes}")
    e.ins(f"addi  a3, a2, {rows}")
    e.ins(f"la    a4, {weights}")
    e.ins(f"li    a5, {width}", "bytes per weight row")
    e.ins(f"la    a6, {membranes}")
    e.add_imm("a7", "a6", 4 * width, "a7", "the end of the membranes")
    e.mark(row)
    e.ins("lbu   t0, 0(a2)", "s = spike[i] (no spike: the row below is null)")
    e.ins("addi  a2, a2, 1")
    e.ins("mv    t5, a4", "this row's weights")
    e.ins("add   a4, a4, a5", "the next row")
    e.ins("mv    t6, a6")
    e.ins("neg   a0, t0", "a0: -s, all ones or zero")
    e.mark(update)
    e.ins("lb    t1, 0(t5)", "w (zero: its update below is null)")
    e.ins("lb    t3, 1(t5)")
    e.ins("addi  t5, t5, 2")
    e.ins("addi  t6, t6, 8")
    for w, v, offset in (("t1", "t2", -8), ("t3", "t4", -4)):
        e.ins(f"lw    {v}, {offset}(t6)")
        e.ins(f"and   {w}, {w}, a0")
        e.ins(f"add   {v}, {v}, {w}", "V[j] += s * w")
        e.ins(f"sw    {v}, {offset}(t6)")
    e.ins(f"bne   t6, a7, {update}")
    e.ins(f"bne   a2, a3, {row}")


def _control(e: Emitter, v1: str, fired: str, active: str, w1a: str, hidden: int,
             width: int, n_in: int, v_min: int) -> None:
    """Deactivate the active hidden neurons that did not fire since the last run and
    whose membrane is below v_min (clear their column of w1a); clear `fired`."""
    neuron, clear, next_neuron = (e.label(n) for n in
                                  ("snn_control", "snn_column", "snn_control_next"))
    e.ins(f"la    t0, {v1}")
    e.ins(f"la    t1, {fired}")
    e.ins(f"la    t2, {active}")
    e.ins(f"la    t3, {w1a}", "column h of w1a")
    e.ins(f"addi  t4, t2, {hidden}")
    e.ins(f"li    t5, {v_min}")
    e.mark(neuron)
    e.ins("lbu   t6, 0(t2)")
    e.ins("lbu   a6, 0(t1)")
    e.ins("sb    zero, 0(t1)")
    e.ins(f"beqz  t6, {next_neuron}", "deactivated already")
    e.ins(f"bnez  a6, {next_neuron}", "fired since the last run")
    e.ins("lw    a6, 0(t0)")
    e.ins(f"bge   a6, t5, {next_neuron}", "membrane not below v_min")
    e.ins("sb    zero, 0(t2)")
    e.ins("mv    a6, t3")
    e.ins(f"li    a7, {n_in}")
    e.mark(clear)
    e.ins("sb    zero, 0(a6)")
    e.ins(f"addi  a6, a6, {width}")
    e.ins("addi  a7, a7, -1")
    e.ins(f"bnez  a7, {clear}")
    e.mark(next_neuron)
    e.ins("addi  t0, t0, 4")
    e.ins("addi  t1, t1, 1")
    e.ins("addi  t2, t2, 1")
    e.ins("addi  t3, t3, 1")
    e.ins(f"bne   t2, t4, {neuron}")


def generate(layer: SNN, ctx: LayerContext) -> None:
    e = ctx.emit
    n_in, hidden = layer.w1.shape
    n_out = layer.w2.shape[1]
    width1, width2 = _even(hidden), _even(n_out)
    if max(n_in, width1, width2) > 2047:
        raise CodegenError(f"SNN: layers of up to 2047 neurons, got {n_in}-{hidden}-{n_out}")
    name = f"layer {ctx.index} SNN {layer.name}".rstrip()
    controller = layer.v_min > INT32_MIN and layer.refresh <= layer.timesteps
    w1_rows = _padded(layer.w1, layer.w_min, words=controller)
    w1 = e.data("snn_w1", w1_rows, "<i1",
                f"{name}: w1 [{n_in}][{width1}], |w| < {layer.w_min} pruned")
    w2 = e.data("snn_w2", _padded(layer.w2, layer.w_min), "<i1",
                f"{name}: w2 [{hidden}][{width2}], |w| < {layer.w_min} pruned")
    counter = e.space("snn_counter", n_in, f"{name}: rate-code counters, int8")
    s_in = e.space("snn_s_in", n_in, f"{name}: input spikes, bytes 0/1")
    s_h = e.space("snn_s_h", hidden, f"{name}: hidden spikes, bytes 0/1")
    v1 = e.space("snn_v1", 4 * width1, f"{name}: hidden membranes, int32")
    v2 = e.space("snn_v2", 4 * width2, f"{name}: output membranes, int32")
    fired = e.space("snn_fired", hidden, f"{name}: fired since the last controller run") \
        if controller else ""
    step, encode, fire, out, next_step = (e.label(n) for n in (
        "snn_step", "snn_encode", "snn_fire", "snn_out", "snn_next"))

    e.comment(f"{name}: {n_in}-{hidden}-{n_out}, {layer.timesteps} timesteps, theta "
              f"{layer.theta}; deactivation: refresh {layer.refresh}, w_min "
              f"{layer.w_min}, v_min {layer.v_min}")
    e.ins("mv    s3, a0", "s3: the pixels")
    e.ins("mv    s4, a1", "s4: the output")
    hidden_weights = w1
    if controller:
        active = e.space("snn_active", hidden, f"{name}: hidden neurons active")
        hidden_weights = e.space("snn_w1a", len(w1_rows),
                                 f"{name}: this sample's active hidden connections")
        copy = e.label("snn_copy")
        e.ins(f"la    t0, {w1}", "w1a = w1: every hidden neuron active")
        e.ins(f"la    t1, {hidden_weights}")
        e.add_imm("t2", "t1", len(w1_rows), "t2")
        e.mark(copy)
        e.ins("lw    t3, 0(t0)")
        e.ins("addi  t0, t0, 4")
        e.ins("sw    t3, 0(t1)")
        e.ins("addi  t1, t1, 4")
        e.ins(f"bne   t1, t2, {copy}")
        e.ins("li    t2, 0")
        _set_bytes(e, fired, hidden, "t2")
        e.ins("li    t2, 1")
        _set_bytes(e, active, hidden, "t2")
        e.ins(f"li    s6, {layer.refresh}", "s6: timesteps to the next controller run")
    e.ins(f"li    t2, {COUNTER_START}")
    _set_bytes(e, counter, n_in, "t2")
    _clear_words(e, v1, width1)
    _clear_words(e, v2, width2)
    e.ins(f"li    s5, {layer.timesteps}", "s5: timesteps left")

    e.mark(step)
    e.ins(f"la    t0, {counter}", "input spikes: c -= p; spike = c < 0; c += 16 then")
    e.ins(f"la    t1, {s_in}")
    e.ins("mv    t2, s3")
    e.ins(f"addi  t3, t0, {n_in}")
    e.mark(encode)
    e.ins("lb    t4, 0(t0)")
    e.ins("lbu   t5, 0(t2)")
    e.ins("addi  t2, t2, 1")
    e.ins("sub   t4, t4, t5")
    e.ins("srli  t6, t4, 31", "spike")
    e.ins("srai  t5, t4, 31")
    e.ins(f"andi  t5, t5, {-COUNTER_RECHARGE}")
    e.ins("sub   t4, t4, t5", "recharge")
    e.ins("sb    t4, 0(t0)")
    e.ins("sb    t6, 0(t1)")
    e.ins("addi  t0, t0, 1")
    e.ins("addi  t1, t1, 1")
    e.ins(f"bne   t0, t3, {encode}")

    _integrate(e, s_in, n_in, hidden_weights, width1, v1)

    e.ins(f"la    t0, {v1}", "fire: V >= theta -> spike, V -= theta")
    e.ins(f"la    t1, {s_h}")
    e.ins(f"addi  t3, t1, {hidden}")
    e.ins(f"li    t4, {layer.theta}")
    if controller:
        e.ins(f"la    t2, {fired}")
    e.mark(fire)
    e.ins("lw    t5, 0(t0)")
    e.ins("slt   t6, t5, t4")
    e.ins("xori  t6, t6, 1", "spike")
    e.ins("sub   a7, zero, t6")
    e.ins("and   a7, a7, t4")
    e.ins("sub   t5, t5, a7")
    e.ins("sw    t5, 0(t0)")
    e.ins("sb    t6, 0(t1)")
    if controller:
        e.ins("lbu   a6, 0(t2)")
        e.ins("or    a6, a6, t6", "fired since the last controller run")
        e.ins("sb    a6, 0(t2)")
        e.ins("addi  t2, t2, 1")
    e.ins("addi  t0, t0, 4")
    e.ins("addi  t1, t1, 1")
    e.ins(f"bne   t1, t3, {fire}")

    _integrate(e, s_h, hidden, w2, width2, v2)

    if controller:
        e.ins("addi  s6, s6, -1")
        e.ins(f"bnez  s6, {next_step}")
        e.ins(f"li    s6, {layer.refresh}")
        _control(e, v1, fired, active, hidden_weights, hidden, width1, n_in, layer.v_min)
    e.mark(next_step)
    e.ins("addi  s5, s5, -1")
    e.ins(f"bnez  s5, {step}")

    e.store_words(out, v2, n_out, "s4", "sw", "the output membranes")
