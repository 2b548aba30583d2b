"""Requantization (network.Requant) of an int32 accumulator held in a register, bit for
bit as Requant.apply computes it in 64 bits, specialised at generation time from the
range the accumulator can take: the 32-bit rounding shift of the hand kernels when
nothing can overflow, the 64-bit mul/mulh product otherwise, a saturation only when the
shifted value can leave int32, and each clamp only where the range can reach it."""
from __future__ import annotations

import numpy as np

from ..network import DTYPES, Requant
from .emit import Emitter

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def accumulator_range(weights: np.ndarray, bias: np.ndarray, in_dtype: str) -> tuple[int, int]:
    """The least and greatest accumulator bias[j] + sum_i x[i] * weights[i, j] over every
    output j and every input of `in_dtype` (weights [n_in, n_out]), within int32 (the
    reference rejects an accumulator that overflows)."""
    low, high, _ = DTYPES[in_dtype]
    w = weights.astype(np.int64)
    top = np.maximum(w * low, w * high).sum(axis=0) + bias
    bottom = np.minimum(w * low, w * high).sum(axis=0) + bias
    return max(int(bottom.min()), INT32_MIN), min(int(top.max()), INT32_MAX)


def _fits12(value: int) -> bool:
    return -2048 <= value < 2048


class Requantizer:
    """Emits `requant` of one register at a time. `temps` are registers free while the
    outputs are requantized: the first (three on the 64-bit path) are working registers,
    the rest hold constants loaded once by `setup` instead of once per output."""

    def __init__(self, emit: Emitter, requant: Requant, acc_range: tuple[int, int],
                 temps: list[str]) -> None:
        self.emit, self.rq = emit, requant
        m, s = requant.multiplier, requant.shift
        self.rounding = (1 << (s - 1)) if s else 0
        amin, amax = acc_range
        scaled = ((amin * m + self.rounding) >> s, (amax * m + self.rounding) >> s)
        self.wide = m != 1 or amax + self.rounding > INT32_MAX
        self.saturate = scaled[0] < INT32_MIN or scaled[1] > INT32_MAX
        # clamp to lo - zp .. hi - zp, then add zp: no int32 overflow on the way
        zp = requant.zero_point
        self.low = requant.lo - zp if scaled[0] < requant.lo - zp else None
        self.high = requant.hi - zp if scaled[1] > requant.hi - zp else None
        working = 3 if self.wide else 1
        if len(temps) < working:
            raise ValueError(f"requantization needs {working} free registers, got {temps}")
        self.work = temps[:working]
        wanted = [v for v in (self.low, self.high) if v]
        if self.wide and m != 1:
            wanted.append(m)
        if self.rounding and not _fits12(self.rounding) and (not self.wide or s <= 32):
            wanted.append(self.rounding)
        if not _fits12(zp):
            wanted.append(zp)
        self.held = dict(zip(wanted, temps[working:]))

    def setup(self) -> None:
        """Load the constants that have a register; before a run of `apply`s."""
        for value, reg in self.held.items():
            self.emit.op("li", reg, _signed32(value))

    def _const(self, value: int) -> str:
        """A register holding `value`: x0, a held one or the scratch register."""
        if value == 0:
            return "zero"
        if value in self.held:
            return self.held[value]
        self.emit.op("li", self.work[0], _signed32(value))
        return self.work[0]

    def apply(self, reg: str) -> None:
        """reg = requant(reg); clobbers the working registers."""
        emit, rq = self.emit, self.rq
        if self.wide:
            self._wide(reg)
        elif self.rounding:
            if _fits12(self.rounding):
                emit.op("addi", reg, reg, self.rounding, comment="round half up")
            else:
                emit.op("add", reg, reg, self._const(self.rounding), comment="round half up")
            emit.op("srai", reg, reg, rq.shift)
        for limit, within in ((self.low, "bge"), (self.high, "ble")):
            if limit is not None:
                done = emit.label("clamp")
                bound = self._const(limit)
                emit.op(within, reg, bound, done)
                emit.op("mv", reg, bound)
                emit.mark(done)
        if rq.zero_point:
            if _fits12(rq.zero_point):
                emit.op("addi", reg, reg, rq.zero_point)
            else:
                emit.op("add", reg, reg, self._const(rq.zero_point))

    def _wide(self, reg: str) -> None:
        """reg = low word of (reg * multiplier + rounding) >> shift in 64 bits (hi:lo),
        saturated to int32 where the range says it can overflow."""
        emit, m, s = self.emit, self.rq.multiplier, self.rq.shift
        scratch, lo, hi = self.work
        if m == 1:
            lo = reg
            emit.op("srai", hi, reg, 31, comment="64-bit accumulator")
        else:
            factor = self._const(m)
            emit.op("mul", lo, reg, factor, comment="64-bit product")
            emit.op("mulh", hi, reg, factor)
        if s and s <= 32:
            emit.op("add", lo, lo, self._const(self.rounding), comment="round half up")
            emit.op("sltu", scratch, lo, self._const(self.rounding))
            emit.op("add", hi, hi, scratch)
        elif s:
            emit.add_imm(hi, hi, 1 << (s - 33), scratch, comment="round half up")
        if s == 0:
            emit.op("mv", reg, lo)
        elif s < 32:
            emit.op("srli", lo, lo, s, comment=f"64-bit >> {s}")
            emit.op("slli", scratch, hi, 32 - s)
            emit.op("or", reg, lo, scratch)
            if self.saturate:
                emit.op("srai", hi, hi, s)
        else:
            emit.op("srai", reg, hi, s - 32, comment=f"64-bit >> {s}")
            if self.saturate:
                emit.op("srai", hi, hi, 31)
        if self.saturate:               # the high word is not the low word's sign: saturate
            done = emit.label("sat")
            emit.op("srai", scratch, reg, 31)
            emit.op("beq", scratch, hi, done)
            emit.op("srai", reg, hi, 31)
            emit.op("li", scratch, INT32_MAX)
            emit.op("xor", reg, reg, scratch)
            emit.mark(done)


def _signed32(value: int) -> int:
    return value - (1 << 32) if value > INT32_MAX else value
