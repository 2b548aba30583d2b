"""The integer LSTM digit classifier: numpy reference, bit-exact with kernels/lstm/*.S.

Each 8x8 image is read column by column: T = 8 symbols of I = 8 pixels; one LSTM layer of
H = 16 cells; a dense head on the last hidden state gives 10 logits.

Integer semantics (all shifts arithmetic, i.e. rounding towards minus infinity):
- input x = pixel * 16, Q8 (0..256); hidden h, cell c and gates in Q8 (256 = 1.0);
- weights wx [I, 4H], wh [H, 4H] int8 in Q`shift` (one format for both), bias b [4H]
  int32 in Q(shift + 8); gates in the order i, f, g, o;
- acc = b + x . wx + h . wh (int32), per gate element;
- i, f, o = clip((acc >> (shift + 2)) + 128, 0, 256)     hard sigmoid clip(z/4 + 1/2, 0, 1)
- g = clip(acc >> shift, -256, 256)                       hard tanh clip(z, -1, 1)
- c = (f * c + i * g) >> 8;  h = (o * clip(c, -256, 256)) >> 8
- logits = bd + h . wd, wd [H, 10] int8 in Q`head_shift`, bd int32 in Q(head_shift + 8).

Approximations (both exact at threshold 0, where the kernel does not evaluate them):
- timestep skipping: a symbol whose sum of absolute pixel differences from the last
  evaluated symbol is below `time_threshold` is not computed at all (h and c carry
  over); the first symbol is always evaluated;
- state reduction: after each evaluated timestep, hidden elements with |h| below
  `state_threshold` (Q8) are dropped from the recurrent product wh for the rest of the
  sequence (they are still computed and still feed the head).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from zskip.traces.digits import DATA_DIR

LSTM_PATH = DATA_DIR / "lstm.npz"
TRACE_PATH = DATA_DIR / "lstm_trace.npz"
ONE = 256          # 1.0 in Q8
PIXEL_SCALE = 16   # pixel (0..16) -> Q8


@dataclass(frozen=True)
class LstmNet:
    wx: np.ndarray      # int8 [I, 4H]
    wh: np.ndarray      # int8 [H, 4H]
    b: np.ndarray       # int32 [4H]
    wd: np.ndarray      # int8 [H, 10]
    bd: np.ndarray      # int32 [10]
    shift: int          # fraction bits of wx, wh
    head_shift: int     # fraction bits of wd

    @property
    def hidden(self) -> int:
        return self.wh.shape[0]

    @property
    def inputs(self) -> int:
        return self.wx.shape[0]


@dataclass(frozen=True)
class LstmResult:
    logits: np.ndarray      # int32 [n, 10]
    hidden: np.ndarray      # int [n, H]: the last hidden state (the head's operands)
    evaluated: np.ndarray   # int [n]: timesteps computed
    active: np.ndarray      # int [n]: hidden elements still in the recurrent product at the end
    x_zero: np.ndarray      # float [n, T]: zero fraction of the symbol's pixels (nan: skipped)
    h_zero: np.ndarray      # float [n, T]: zero fraction of the recurrent operands used
    x_operands: tuple[int, int]   # (zero, total) input operands of evaluated timesteps
    h_operands: tuple[int, int]   # (zero, total) hidden operands in the recurrent products

    @property
    def predictions(self) -> np.ndarray:
        return self.logits.argmax(axis=1)


def load_lstm(path: Path = LSTM_PATH) -> LstmNet:
    with np.load(path) as data:
        return LstmNet(data["wx"], data["wh"], data["b"], data["wd"], data["bd"],
                       int(data["shift"]), int(data["head_shift"]))


def _fraction_bits(weights: np.ndarray) -> int:
    """The largest shift with every weight * 2**shift inside int8."""
    return int(np.floor(np.log2(127 / np.max(np.abs(weights)))))


def quantize(params: dict[str, np.ndarray]) -> LstmNet:
    """Float parameters (train_lstm's) -> the integer network, round to nearest."""
    shift = _fraction_bits(np.concatenate([params["wx"].ravel(), params["wh"].ravel()]))
    head = _fraction_bits(params["wd"])

    def q(value: np.ndarray, bits: int, dtype: type) -> np.ndarray:
        return np.round(value * 2.0 ** bits).astype(dtype)

    return LstmNet(q(params["wx"], shift, np.int8), q(params["wh"], shift, np.int8),
                   q(params["b"], shift + 8, np.int32), q(params["wd"], head, np.int8),
                   q(params["bd"], head + 8, np.int32), shift, head)


def symbols(images: np.ndarray) -> np.ndarray:
    """uint8 [n, 8, 8] pixels -> int64 [n, T, I] Q8 input symbols, one per column (the
    first column is blank in 98% of the digits, the last in 88%)."""
    return images.transpose(0, 2, 1).astype(np.int64) * PIXEL_SCALE


def _int32(values: np.ndarray) -> np.ndarray:
    assert np.all(np.abs(values) < 2 ** 31), "an int32 accumulator would overflow"
    return values


def _hard_sigmoid(acc: np.ndarray, shift: int) -> np.ndarray:
    """clip(z/4 + 1/2, 0, 1) in Q8 of a gate accumulator in Q(shift + 8)."""
    return np.clip((acc >> (shift + 2)) + ONE // 2, 0, ONE)


def infer(net: LstmNet, images: np.ndarray, time_threshold: int = 0,
          state_threshold: int = 0) -> LstmResult:
    """Run the integer network over `images` (uint8 [n, 8, 8])."""
    result = recur(net.wx, net.wh, net.b, net.shift, symbols(images),
                   time_threshold * PIXEL_SCALE, state_threshold)
    logits = _int32(net.bd.astype(np.int64) + result.hidden @ net.wd.astype(np.int64))
    return replace(result, logits=logits.astype(np.int32))


def recur(wx: np.ndarray, wh: np.ndarray, b: np.ndarray, shift: int, x: np.ndarray,
          time_threshold: int = 0, state_threshold: int = 0) -> LstmResult:
    """The LSTM layer alone over Q8 symbols x [n, T, I]: the last hidden state and the
    statistics (`logits` empty); `time_threshold` in the symbols' units (Q8)."""
    n, steps, _ = x.shape
    hidden = wh.shape[0]
    wx, wh, b = (a.astype(np.int64) for a in (wx, wh, b))
    h = np.zeros((n, hidden), np.int64)
    c = np.zeros((n, hidden), np.int64)
    active = np.ones((n, hidden), bool)
    last = np.zeros_like(x[:, 0])
    evaluated = np.zeros(n, np.int64)
    x_zero = np.full((n, steps), np.nan)
    h_zero = np.full((n, steps), np.nan)
    x_ops = h_ops = np.zeros(2, np.int64)
    for t in range(steps):
        sym = x[:, t]
        step = np.ones(n, bool) if time_threshold <= 0 or t == 0 else \
            np.abs(sym - last).sum(axis=1) >= time_threshold
        used = h * active
        acc = _int32(b + sym @ wx + used @ wh)
        gi, gf, gg, go = np.split(acc, 4, axis=1)
        i, f, o = (_hard_sigmoid(z, shift) for z in (gi, gf, go))
        c_new = _int32(f * c + i * np.clip(gg >> shift, -ONE, ONE)) >> 8
        h_new = (o * np.clip(c_new, -ONE, ONE)) >> 8
        c = np.where(step[:, None], c_new, c)
        h = np.where(step[:, None], h_new, h)
        last = np.where(step[:, None], sym, last)
        evaluated += step
        x_zero[step, t] = np.mean(sym[step] == 0, axis=1)
        zero_used = (used == 0) & active
        h_zero[step, t] = zero_used[step].sum(1) / np.maximum(active[step].sum(1), 1)
        x_ops = x_ops + [np.sum(sym[step] == 0), sym[step].size]
        h_ops = h_ops + [np.sum(zero_used[step]), np.sum(active[step])]
        if state_threshold > 0:
            active &= ~(step[:, None] & (np.abs(h) < state_threshold))
    return LstmResult(np.zeros((n, 0), np.int32), h, evaluated, active.sum(axis=1), x_zero, h_zero,
                      (int(x_ops[0]), int(x_ops[1])), (int(h_ops[0]), int(h_ops[1])))
