"""Train the LSTM digit classifier with JAX and quantize it (regeneration only).

Each 8x8 image is read column by column: T = 8 symbols of I = 8 pixels (pixel / 16 in
float, pixel * 16 in Q8 on the core). One LSTM layer of H = 16 cells with the activations the
core computes (hard sigmoid clip(z/4 + 1/2, 0, 1), hard tanh clip(z, -1, 1)), a dense
head on the last hidden state, softmax cross-entropy, full-batch Adam, seed 0.
The integer network and its semantics are in kernels/lstm_model.py; this writes
traces/data/lstm.npz (parameters and accuracies) and traces/data/lstm_trace.npz (the
exact integer network's operand zero fractions per image and timestep).

    python -m zskip.traces.regenerate --only lstm
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from zskip.kernels import lstm_model
from zskip.traces.digits import load_digits

HIDDEN = 16
STEPS = 1500
LEARNING_RATE = 0.01
WEIGHT_DECAY = 1e-3      # L2 on the weights: smaller ranges, finer int8 steps
SEED = 0
# Approximation-aware training: each training image is seen twice, once exact and once
# with the kernel's approximations at thresholds drawn from these (pixel SAD, |h| in Q8).
TIME_THRESHOLDS = (1, 2, 4, 8, 16)
STATE_THRESHOLDS = (0, 0, 1, 2, 4)


def _hard_sigmoid(v):
    import jax.numpy as jnp

    return jnp.clip(v / 4 + 0.5, 0.0, 1.0)


def _forward(params: dict, x, time_threshold=None, state_threshold=None):
    """Logits for x [n, T, I] (floats in [0, 1]) with the kernel's approximations at
    per-sample thresholds [n] (in the same units: SAD of x, |h|); None: exact."""
    import jax.numpy as jnp

    n, hidden = x.shape[0], params["wh"].shape[0]
    time_threshold = jnp.zeros(n) if time_threshold is None else time_threshold
    state_threshold = jnp.zeros(n) if state_threshold is None else state_threshold
    h = jnp.zeros((n, hidden))
    c = jnp.zeros((n, hidden))
    active = jnp.ones((n, hidden))
    last = x[:, 0]
    for t in range(x.shape[1]):
        step = (jnp.abs(x[:, t] - last).sum(axis=1) >= time_threshold)[:, None] | (t == 0)
        z = x[:, t] @ params["wx"] + (h * active) @ params["wh"] + params["b"]
        i, f, g, o = jnp.split(z, 4, axis=1)
        c_new = _hard_sigmoid(f) * c + _hard_sigmoid(i) * jnp.clip(g, -1.0, 1.0)
        h = jnp.where(step, _hard_sigmoid(o) * jnp.clip(c_new, -1.0, 1.0), h)
        c = jnp.where(step, c_new, c)
        last = jnp.where(step, x[:, t], last)
        active = active * ~(step & (jnp.abs(h) < state_threshold[:, None]))
    return h @ params["wd"] + params["bd"]


def _adam(loss, params: dict, steps: int, lr: float) -> dict:
    import jax
    import jax.numpy as jnp

    grad = jax.jit(jax.grad(loss))
    m = jax.tree_util.tree_map(jnp.zeros_like, params)
    v = jax.tree_util.tree_map(jnp.zeros_like, params)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        g = grad(params)
        m = jax.tree_util.tree_map(lambda a, b: b1 * a + (1 - b1) * b, m, g)
        v = jax.tree_util.tree_map(lambda a, b: b2 * a + (1 - b2) * b * b, v, g)
        scale = lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step)
        params = jax.tree_util.tree_map(lambda p, a, b: p - scale * a / (jnp.sqrt(b) + eps),
                                        params, m, v)
    return params


def train_float(steps: int = STEPS, hidden: int = HIDDEN, seed: int = SEED,
                decay: float = WEIGHT_DECAY, aware: bool = True) -> dict:
    """Float parameters {wx [I,4H], wh [H,4H], b [4H], wd [H,10], bd [10]} (numpy)."""
    import jax
    import jax.numpy as jnp

    train = load_digits("train")
    x = jnp.asarray(lstm_model.symbols(train.images) / float(lstm_model.ONE))
    y = jax.nn.one_hot(train.labels, 10)
    n = len(train)
    time_thr = state_thr = jnp.zeros(n)
    if aware:
        draw = np.random.default_rng(seed)
        x, y = jnp.concatenate([x, x]), jnp.concatenate([y, y])
        time_thr = jnp.concatenate([time_thr, draw.choice(TIME_THRESHOLDS, n) / 16.0])
        state_thr = jnp.concatenate([state_thr, draw.choice(STATE_THRESHOLDS, n) / 256.0])
    k = jax.random.split(jax.random.PRNGKey(seed), 3)
    inputs = x.shape[2]
    params = {
        "wx": jax.random.normal(k[0], (inputs, 4 * hidden)) / np.sqrt(inputs),
        "wh": jax.random.normal(k[1], (hidden, 4 * hidden)) / np.sqrt(hidden),
        "b": jnp.zeros(4 * hidden).at[hidden:2 * hidden].set(1.0),   # forget-gate bias 1
        "wd": jax.random.normal(k[2], (hidden, 10)) / np.sqrt(hidden),
        "bd": jnp.zeros(10),
    }

    def loss(p: dict):
        penalty = sum(jnp.sum(p[w] ** 2) for w in ("wx", "wh", "wd"))
        return -jnp.mean(jnp.sum(y * jax.nn.log_softmax(_forward(p, x, time_thr, state_thr)),
                                 axis=1)) \
            + decay * penalty

    return {name: np.asarray(value, dtype=np.float64)
            for name, value in _adam(loss, params, steps, LEARNING_RATE).items()}


def float_accuracy(params: dict, images: np.ndarray, labels: np.ndarray) -> float:
    logits = np.asarray(_forward(params, lstm_model.symbols(images) / float(lstm_model.ONE)))
    return float(np.mean(logits.argmax(1) == labels))


def train(path: Path = lstm_model.LSTM_PATH,
          trace_path: Path = lstm_model.TRACE_PATH) -> None:
    """Train, quantize, and write lstm.npz and lstm_trace.npz."""
    params = train_float()
    test = load_digits("test")
    net = lstm_model.quantize(params)
    exact = lstm_model.infer(net, test.images)
    np.savez_compressed(
        path, wx=net.wx, wh=net.wh, b=net.b, wd=net.wd, bd=net.bd,
        shift=net.shift, head_shift=net.head_shift,
        float_accuracy=float_accuracy(params, test.images, test.labels),
        quantized_accuracy=float(np.mean(exact.predictions == test.labels)))
    np.savez_compressed(trace_path, x_zero=exact.x_zero, h_zero=exact.h_zero,
                        labels=test.labels)


if __name__ == "__main__":
    train()
    with np.load(lstm_model.LSTM_PATH) as stored:
        print({k: float(stored[k]) for k in ("float_accuracy", "quantized_accuracy")})
