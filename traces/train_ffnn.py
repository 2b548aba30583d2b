"""Train, quantize and ship the feed-forward networks (regeneration only; needs JAX).

    python -m zskip.traces.regenerate --only ffnn

- mlp:        64-128-64-10 ReLU MLP;
- cnn:        3x3 valid conv (8 channels) + ReLU -> dense 288-10;
- mlp_pruned: the MLP magnitude-pruned to PRUNE of its weights per layer, fine-tuned
              with the mask held.
Full-batch Adam on the training split (inputs pixels / 16), fixed seeds. A small L1
penalty on the hidden activations (L1_ACT) makes more of them exactly zero after ReLU.
Quantization (kernels/ffnn_model.py): per-layer int8 weights (scale 127 / max |w|),
int32 biases at the accumulator's scale, and per hidden layer the smallest shift that
keeps the 99.9th percentile of the training accumulators within 127.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from zskip.kernels.ffnn_model import (CONV_K, Layer, Network, forward, layer_accumulate,
                                      network_path, predict, requantize, save_network)
from zskip.traces.digits import load_digits

SEED = 0
STEPS = 1500
FINE_TUNE_STEPS = 800
LEARNING_RATE = 3e-3
L1_ACT = 1e-3
PRUNE = 0.7
CNN_CHANNELS = 8
NETWORKS = ("mlp", "cnn", "mlp_pruned")

Params = list[tuple[Any, Any]]


def _init(key: Any, kind: str) -> Params:
    import jax

    shapes = {"mlp": [(64, 128), (128, 64), (64, 10)],
              "cnn": [(CONV_K, CONV_K, CNN_CHANNELS), (36 * CNN_CHANNELS, 10)]}[kind]
    params = []
    for shape in shapes:
        key, sub = jax.random.split(key)
        fan_in = int(np.prod(shape[:-1]))
        params.append((jax.random.normal(sub, shape) * np.sqrt(2.0 / fan_in),
                       np.zeros(shape[-1], np.float32)))
    return params


def _forward(kind: str, params: Params, x: Any) -> tuple[Any, list[Any]]:
    """Logits and the hidden activations, for x [n, 64] in 0..1."""
    import jax.numpy as jnp

    hidden = []
    if kind == "cnn":
        (w, b), rest = params[0], params[1:]
        img = x.reshape(-1, 8, 8)
        out = sum(img[:, ky:ky + 6, kx:kx + 6, None] * w[ky, kx]
                  for ky in range(CONV_K) for kx in range(CONV_K))
        x = jnp.maximum(out + b, 0).reshape(len(img), -1)
        hidden.append(x)
    else:
        rest = params
    for k, (w, b) in enumerate(rest):
        x = x @ w + b
        if k < len(rest) - 1:
            x = jnp.maximum(x, 0)
            hidden.append(x)
    return x, hidden


def _train(kind: str, params: Params, x: Any, y: Any, steps: int,
           masks: list[Any] | None = None) -> Params:
    """Full-batch Adam on cross-entropy + L1_ACT * mean |hidden|; `masks` hold pruned
    weights at zero."""
    import jax
    import jax.numpy as jnp

    def loss(p: Params) -> Any:
        logits, hidden = _forward(kind, p, x)
        ce = -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], 1))
        return ce + L1_ACT * sum(jnp.mean(jnp.abs(h)) for h in hidden)

    def apply_mask(p: Params) -> Params:
        return p if masks is None else [(w * m, b) for (w, b), m in zip(p, masks)]

    b1, b2, eps = 0.9, 0.999, 1e-8

    @jax.jit
    def step(p: Params, m: Params, v: Params, t: Any) -> tuple[Params, Params, Params]:
        g = jax.grad(loss)(p)
        m = jax.tree_util.tree_map(lambda m_, g_: b1 * m_ + (1 - b1) * g_, m, g)
        v = jax.tree_util.tree_map(lambda v_, g_: b2 * v_ + (1 - b2) * g_ * g_, v, g)
        p = jax.tree_util.tree_map(
            lambda p_, m_, v_: p_ - LEARNING_RATE * (m_ / (1 - b1 ** t))
            / (jnp.sqrt(v_ / (1 - b2 ** t)) + eps), p, m, v)
        return apply_mask(p), m, v

    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    m, v = zeros, zeros
    params = apply_mask(params)
    for t in range(1, steps + 1):
        params, m, v = step(params, m, v, jnp.float32(t))
    return params


def _float_accuracy(kind: str, params: Params, images: np.ndarray, labels: np.ndarray) -> float:
    logits, _ = _forward(kind, params, images.reshape(len(images), -1) / 16.0)
    return float(np.mean(np.argmax(np.asarray(logits), 1) == labels))


def _quantize(kind: str, params: Params, train: np.ndarray) -> list[Layer]:
    """Integer layers; activation scales calibrated on the training images."""
    layers: list[Layer] = []
    scale = 16.0                         # pixels 0..16 stand for 0..1
    x = train.reshape(len(train), -1).astype(np.int8)
    for k, (w, b) in enumerate(params):
        w, b = np.asarray(w, np.float64), np.asarray(b, np.float64)
        w_scale = 127.0 / np.abs(w).max()
        acc_scale = scale * w_scale
        layer = Layer("conv" if kind == "cnn" and k == 0 else "dense",
                      np.round(w * w_scale).astype(np.int8),
                      np.round(b * acc_scale).astype(np.int32), 0)
        if k < len(params) - 1:
            acc = layer_accumulate(layer, x)
            top = max(float(np.percentile(acc, 99.9)), 1.0)
            shift = max(0, int(np.ceil(np.log2(top / 127.0))))
            layer = Layer(layer.kind, layer.weights, layer.bias, shift)
            x = requantize(acc, shift)
            scale = acc_scale / 2 ** shift
        layers.append(layer)
    return layers


def _zero_traces(net: Network, images: np.ndarray) -> dict[str, np.ndarray]:
    """Zero fraction of every operand: per layer and test image for the activations
    (layer k's input; k = 0 is the pixels), per layer for the weights."""
    _, inputs = forward(net, images)
    return {"zero_activations": np.stack([np.mean(a == 0, axis=1) for a in inputs]),
            "zero_weights": np.array(net.weight_zero_fraction)}


def train_network(name: str, steps: int = STEPS, fine_tune_steps: int = FINE_TUNE_STEPS,
                  seed: int = SEED) -> tuple[Network, dict[str, np.ndarray]]:
    """Train and quantize network `name`; returns it with its zero-fraction traces."""
    import jax
    import jax.numpy as jnp

    kind = "cnn" if name == "cnn" else "mlp"
    train, test = load_digits("train"), load_digits("test")
    x = jnp.asarray(train.images.reshape(len(train), -1) / 16.0, jnp.float32)
    y = jnp.asarray(train.labels.astype(np.int32))
    params = _train(kind, _init(jax.random.PRNGKey(seed), kind), x, y, steps)
    if name == "mlp_pruned":
        masks = [jnp.abs(w) > jnp.quantile(jnp.abs(w), PRUNE) for w, _ in params]
        params = _train(kind, params, x, y, fine_tune_steps, masks)
    layers = _quantize(kind, params, train.images)
    probe = Network(name, tuple(layers), 0.0, 0.0)
    logits, _ = forward(probe, test.images)
    net = Network(name, tuple(layers), _float_accuracy(kind, params, test.images, test.labels),
                  float(np.mean(predict(logits) == test.labels)))
    return net, _zero_traces(net, test.images)


def train_all(names: tuple[str, ...] = NETWORKS, report: Callable[[str], None] = print) -> None:
    """Regenerate traces/data/<name>.npz for every feed-forward network."""
    for name in names:
        net, traces = train_network(name)
        save_network(net, network_path(name), **traces)
        report(f"  {name}: float {net.float_accuracy:.4f}, int8 {net.quantized_accuracy:.4f}, "
               f"zero activations per layer "
               f"{np.round(traces['zero_activations'].mean(axis=1), 3).tolist()}, "
               f"zero weights {np.round(traces['zero_weights'], 3).tolist()}")


if __name__ == "__main__":
    train_all()
