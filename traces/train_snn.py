"""Train the float ReLU MLP 64-H-10 (no biases) with JAX, convert it to the integer SNN
of kernels/snn_model.py and write traces/data/snn.npz (fields: traces/README.md).

Conversion (rate-based, data-based weight normalization, Diehl et al. 2015): the input
x = pixel / 16 is the input neurons' spike rate; the hidden layer's weights are divided
by its largest ReLU activation over the training set (lambda), so the hidden rates are
h / lambda <= 1 with a firing threshold of 1. Integers: W1 is scaled to int8 (largest
magnitude 127) and the threshold with it (theta = round(lambda * 127 / max|W1|)); the
output layer does not fire (its membranes are read out and argmax is scale-free), so W2
is scaled to int8 on its own. Reset by subtraction keeps the residue of each spike.

    python -m zskip.traces.regenerate --only snn
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from zskip.kernels.snn_model import SNN_PATH, SnnNetwork, classify, simulate

from .digits import load_digits

HIDDEN = 64
TIMESTEPS = 16
SEED = 0
STEPS = 3000
LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-4


def _inputs(images: np.ndarray) -> np.ndarray:
    return images.reshape(len(images), -1).astype(np.float32) / 16.0


def train_mlp(hidden: int = HIDDEN, steps: int = STEPS,
              seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Float weights (W1 [64, hidden], W2 [hidden, 10]) of the ReLU MLP, trained by
    full-batch Adam on cross-entropy (JAX computes the gradients)."""
    import jax
    import jax.numpy as jnp

    train = load_digits("train")
    x, y = jnp.asarray(_inputs(train.images)), jnp.asarray(train.labels.astype(np.int32))
    k1, k2 = jax.random.split(jax.random.PRNGKey(seed))
    params = [jax.random.normal(k1, (64, hidden)) * np.sqrt(2 / 64),
              jax.random.normal(k2, (hidden, 10)) * np.sqrt(1 / hidden)]

    def loss(p: list) -> jax.Array:
        logits = jnp.maximum(x @ p[0], 0) @ p[1]
        ce = -jnp.mean(jax.nn.log_softmax(logits)[jnp.arange(len(y)), y])
        return ce + WEIGHT_DECAY * sum(jnp.sum(w * w) for w in p)

    @jax.jit
    def step(p: list, m: list, v: list, t: int) -> tuple[list, list, list]:
        g = jax.grad(loss)(p)
        m = [0.9 * mi + 0.1 * gi for mi, gi in zip(m, g)]
        v = [0.999 * vi + 0.001 * gi * gi for vi, gi in zip(v, g)]
        p = [pi - LEARNING_RATE * (mi / (1 - 0.9 ** t)) / (jnp.sqrt(vi / (1 - 0.999 ** t)) + 1e-8)
             for pi, mi, vi in zip(p, m, v)]
        return p, m, v

    m = [jnp.zeros_like(w) for w in params]
    v = [jnp.zeros_like(w) for w in params]
    for t in range(1, steps + 1):
        params, m, v = step(params, m, v, t)
    return np.asarray(params[0]), np.asarray(params[1])


def mlp_accuracy(w1: np.ndarray, w2: np.ndarray, split: str = "test") -> float:
    data = load_digits(split)
    logits = np.maximum(_inputs(data.images) @ w1, 0) @ w2
    return float(np.mean(np.argmax(logits, axis=1) == data.labels))


def convert(w1: np.ndarray, w2: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, float]:
    """int8 W1, int8 W2, the hidden threshold and lambda (the normalization)."""
    lam = float(np.max(np.maximum(_inputs(load_digits("train").images) @ w1, 0)))
    s1 = 127.0 / np.max(np.abs(w1))
    w1q = np.round(w1 * s1).astype(np.int8)
    w2q = np.round(w2 * 127.0 / np.max(np.abs(w2))).astype(np.int8)
    return w1q, w2q, int(round(lam * s1)), lam


def train(path: Path = SNN_PATH) -> None:
    """Regenerate snn.npz (regeneration step "snn")."""
    w1, w2 = train_mlp()
    w1q, w2q, theta, lam = convert(w1, w2)
    net = SnnNetwork(w1q, w2q, theta, TIMESTEPS)
    test = load_digits("test")
    result = simulate(net, test.images)
    np.savez_compressed(
        path, w1=w1q, w2=w2q, theta=np.int32(theta), timesteps=np.int32(TIMESTEPS),
        lam=np.float32(lam), mlp_w1=w1.astype(np.float32), mlp_w2=w2.astype(np.float32),
        mlp_accuracy=np.float32(mlp_accuracy(w1, w2)),
        snn_accuracy=np.float32(np.mean(classify(result.outputs) == test.labels)),
        trace_input_spikes=result.input_spikes.astype(np.uint8),
        trace_hidden_spikes=result.hidden_spikes.astype(np.uint8),
        trace_ops=result.ops)


if __name__ == "__main__":
    train()
