"""Quantization arithmetic shared by the frontends: the parameters of a quantized tensor,
a real requantization multiplier as the IR's fixed-point pair, zskip's own choice of
scales for float models (symmetric per-tensor int8 weights, activation scales from
calibration data) and the zero-point folding every imported layer needs."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..network import DTYPES, NetworkError, Requant

MULTIPLIER_BITS = 31        # Requant.multiplier < 2^31
MAX_SHIFT = 62              # Requant.shift <= 62


@dataclass(frozen=True)
class QParams:
    """A quantized tensor: real = scale * (q - zero_point), q of `dtype`."""
    scale: float
    zero_point: int
    dtype: str

    def __post_init__(self) -> None:
        low, high, _ = DTYPES[self.dtype]
        if not self.scale > 0 or not math.isfinite(self.scale):
            raise NetworkError(f"quantization scale {self.scale} is not positive")
        if not low <= self.zero_point <= high:
            raise NetworkError(f"zero point {self.zero_point} outside {self.dtype}")

    def same(self, other: QParams) -> bool:
        return (self.dtype, self.zero_point) == (other.dtype, other.zero_point) \
            and math.isclose(self.scale, other.scale, rel_tol=1e-6)

    def stored(self, real: float) -> int:
        """The stored value of a real bound (a clamp), saturated to the type."""
        low, high, _ = DTYPES[self.dtype]
        if math.isinf(real):
            return low if real < 0 else high
        return int(np.clip(round(real / self.scale) + self.zero_point, low, high))


def fixed_point(m: float) -> tuple[int, int]:
    """A positive real multiplier as (multiplier, shift), m ~ multiplier / 2^shift with
    multiplier < 2^31 holding as many significant bits as fit (relative error < 2^-30),
    trailing zero bits dropped: a power of two 2^-k gives (1, k), a plain shift."""
    if not m > 0 or not math.isfinite(m):
        raise NetworkError(f"requantization multiplier {m} is not positive")
    mantissa, exponent = math.frexp(m)             # m = mantissa * 2^exponent, 0.5 <= mantissa < 1
    shift = MULTIPLIER_BITS - exponent
    multiplier = round(mantissa * (1 << MULTIPLIER_BITS))
    if multiplier == 1 << MULTIPLIER_BITS:
        multiplier, shift = multiplier >> 1, shift - 1
    if shift > MAX_SHIFT:
        multiplier, shift = round(m * 2.0 ** MAX_SHIFT), MAX_SHIFT
    if shift < 0 or multiplier == 0:
        raise NetworkError(f"requantization multiplier {m:.3g} outside what a 31-bit "
                           f"multiplier and a shift of 0..{MAX_SHIFT} express")
    while multiplier % 2 == 0 and shift > 0:
        multiplier, shift = multiplier >> 1, shift - 1
    return multiplier, shift


def requant(m: float, out: QParams, lo: float = -math.inf, hi: float = math.inf) -> Requant:
    """Accumulators of real value m * acc -> `out`, clamped to the real range lo..hi (a
    fused ReLU is lo = 0: the clamp starts at the zero point)."""
    multiplier, shift = fixed_point(m)
    return Requant(shift, multiplier, out.zero_point, out.stored(lo), out.stored(hi), out.dtype)


def weight_params(weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Float weights -> symmetric per-tensor int8 (largest magnitude 127) and the scale."""
    largest = float(np.max(np.abs(weights), initial=0.0))
    scale = largest / 127 if largest > 0 else 1.0
    return np.round(weights / scale).astype(np.int8), scale


def activation_params(values: np.ndarray, percentile: float = 100.0) -> QParams:
    """zskip's scale for a real activation tensor seen on calibration data: symmetric,
    zero point 0 (a real zero is a stored zero, which zero-skipping needs), uint8 when
    the values are never negative (after a ReLU) and int8 otherwise; the range is the
    given percentile of the magnitudes (100: the largest)."""
    magnitude = float(np.percentile(np.abs(values), percentile)) if values.size else 0.0
    dtype, top = ("uint8", 255) if values.size == 0 or values.min() >= 0 else ("int8", 127)
    return QParams(magnitude / top if magnitude > 0 else 1.0, 0, dtype)


def fold_bias(bias: np.ndarray, weights: np.ndarray, zero_point: int) -> np.ndarray:
    """The int32 bias of a layer whose stored inputs have `zero_point`:
    sum((q - z) * w) + b = sum(q * w) + (b - z * sum(w)), summed over every axis of
    the weights but the last (the outputs)."""
    folded = bias.astype(np.int64)
    if zero_point:
        axes = tuple(range(weights.ndim - 1))
        folded = folded - zero_point * weights.astype(np.int64).sum(axis=axes)
    if np.abs(folded).max(initial=0) >= 1 << 31:
        raise NetworkError("a bias with the input zero point folded in overflows int32")
    return folded.astype(np.int32)
