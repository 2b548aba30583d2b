"""Random small feed-forward networks in the layer IR (seeded): convolutions with
strides and padding, max pools, ReLUs and dense layers over int8, uint8 and int16
activations, requantizations with random multipliers, shifts and zero points."""
from __future__ import annotations

import numpy as np

from zskip.compiler.network import (DTYPES, Conv2D, Dense, MaxPool2D, Network, ReLU,
                                    Requant, TensorType, output_type)

ACTIVATIONS = ("int8", "uint8", "int16")


def _requant(rng: np.random.Generator, fan_in: int, in_dtype: str) -> Requant:
    dtype = str(rng.choice(ACTIVATIONS))
    low, high, _ = DTYPES[dtype]
    zero = int(rng.integers(low // 2, high // 2 + 1)) if rng.random() < 0.5 else 0
    lo, hi = low, high
    if rng.random() < 0.3:
        lo, hi = sorted(int(v) for v in rng.integers(low, high + 1, 2))
    if rng.random() < 0.3:
        lo, hi = max(zero, low), high                   # a fused ReLU
    # the accumulator's typical size (weights ~74 rms) scaled to a quarter of the range
    in_low, in_high, _ = DTYPES[in_dtype]
    typical = 74 * (in_high - in_low) / 3.5 * np.sqrt(fan_in) + 3000
    multiplier = 1 if rng.random() < 0.4 else int(rng.integers(1 << 29, 1 << 31))
    shift = np.log2(typical * multiplier / ((high - low + 1) / 4)) + rng.integers(0, 3)
    if rng.random() < 0.1:
        multiplier, shift = int(rng.integers(1 << 30, 1 << 31)), rng.integers(0, 6)
        # (acc * multiplier) >> shift leaves int32: the saturating path
    return Requant(int(np.clip(shift, 0, 62)), multiplier, zero, lo, hi, dtype)


def _params(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    weights = rng.integers(-128, 128, shape).astype(np.int8)
    weights[rng.random(shape) < rng.random() * 0.6] = 0
    bias = rng.integers(-5000, 5000, shape[-1]).astype(np.int32)
    return weights, bias


def random_network(seed: int) -> Network:
    rng = np.random.default_rng(seed)
    source = TensorType((int(rng.integers(3, 9)), int(rng.integers(3, 9)),
                         int(rng.integers(1, 4))), str(rng.choice(ACTIVATIONS)))
    layers: list = []
    t = source

    def add(layer: object) -> None:
        nonlocal t
        layers.append(layer)
        t = output_type(layer, t)

    if rng.random() < 0.7:
        pad = int(rng.integers(0, 2))
        k = min(int(rng.integers(1, 4)), t.shape[0] + 2 * pad, t.shape[1] + 2 * pad)
        weights, bias = _params(rng, (k, k, t.shape[2], int(rng.integers(1, 12))))
        low, high, _ = DTYPES[t.dtype]
        add(Conv2D(weights, bias, _requant(rng, k * k * t.shape[2], t.dtype),
                   int(rng.integers(1, 3)), pad, int(rng.integers(low, high + 1)) if pad else 0))
        if rng.random() < 0.5 and min(t.shape[:2]) >= 2:
            add(MaxPool2D(2, int(rng.integers(1, 3))))
    if rng.random() < 0.3:
        add(ReLU(int(rng.integers(-3, 4)) if t.dtype != "uint8" else 0))
    for depth in range(int(rng.integers(1, 3))):
        weights, bias = _params(rng, (t.size, int(rng.integers(1, 40))))
        last = depth == 1 and rng.random() < 0.5
        add(Dense(weights, bias, None if last else _requant(rng, t.size, t.dtype)))
    return Network(f"random{seed}", source, tuple(layers))


def random_inputs(net: Network, n: int, seed: int) -> np.ndarray:
    """Stored inputs with about a third zeros."""
    rng = np.random.default_rng(seed)
    low, high, _ = DTYPES[net.input.dtype]
    x = rng.integers(low, high + 1, (n, *net.input.shape))
    x[rng.random(x.shape) < 0.35] = 0
    return x
