"""The numpy model of the integer SNN the kernels/snn/*.S programs compute, bit for bit.

Network (traces/data/snn.npz, traces/train_snn.py): 64 inputs -> H integrate-and-fire
hidden neurons -> 10 integrating output neurons, int8 weights, int32 membranes.

One image, T timesteps, each step in this order:
  1. input spikes (deterministic rate code): a per-pixel counter c, starting at 7, is
     decremented by the pixel value p (0..16); when it goes negative the input spikes
     and c += 16. Input i spikes floor((t*p + 8) / 16) times in t steps (rate p/16).
  2. hidden layer: V1[h] += W1a[i, h] for every spiking input i.
  3. fire: V1[h] >= theta -> hidden spike, V1[h] -= theta (reset by subtraction).
  4. output layer: V2[o] += W2a[h, o] for every spiking hidden neuron h (no threshold).
  5. every `refresh` steps, the controller (connection deactivation, below).
Output: V2 after T steps; class = argmax (first maximum).

Connection deactivation (approximate SNN): W1a, W2a are the active connections.
  - weight magnitude: once per program, connections with |w| < w_min are deactivated
    (set to zero) in both layers;
  - spiking rate and membrane potential: at each refresh, a hidden neuron that did not
    spike since the last refresh and whose membrane is below v_min (<= 0) is deactivated
    for the rest of the image: its column of W1a is cleared, so no input updates it again
    (its membrane then stays below v_min <= 0 < theta: it never fires again).
The exact setting (w_min = 0, v_min = INT32_MIN) deactivates nothing. Every image starts
from the weight-pruned W1a with all hidden neurons active.

Synaptic operations (what an event-driven core performs): one membrane update per
spiking presynaptic neuron and active, nonzero connection. A kernel without a zero test
(`baseline`) performs all n_in x n_out of them every step instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zskip.traces.digits import DATA_DIR

SNN_PATH = DATA_DIR / "snn.npz"
INT32_MIN = -(1 << 31)
INPUTS = 64              # 8x8 pixels
COUNTER_START = 7        # rate-code counter start: spikes = floor((t*p + 8) / 16)
COUNTER_RECHARGE = 16    # the largest pixel value: a pixel of 16 spikes every step


@dataclass(frozen=True)
class SnnNetwork:
    w1: np.ndarray        # int8 [64, H]
    w2: np.ndarray        # int8 [H, 10]
    theta: int            # hidden firing threshold
    timesteps: int        # T

    @property
    def hidden(self) -> int:
        return self.w1.shape[1]


@dataclass(frozen=True)
class Deactivation:
    """Connection-deactivation settings (kernel parameters of the `snn` kernel)."""
    refresh: int = 4             # the controller runs every `refresh` timesteps
    w_min: int = 0               # |w| < w_min: connection deactivated (both layers)
    v_min: int = INT32_MIN       # silent hidden neuron with V < v_min: deactivated

    def __post_init__(self) -> None:
        if self.refresh < 1:
            raise ValueError(f"refresh must be >= 1, got {self.refresh}")
        if not 0 <= self.w_min <= 128:
            raise ValueError(f"w_min must be in 0..128, got {self.w_min}")
        if not INT32_MIN <= self.v_min <= 0:
            raise ValueError(f"v_min must be in INT32_MIN..0, got {self.v_min}")


EXACT = Deactivation()


@dataclass(frozen=True)
class SnnResult:
    outputs: np.ndarray          # int32 [n, 10]: output membranes after T steps
    ops: np.ndarray              # int64 [n]: synaptic operations (event-driven)
    input_spikes: np.ndarray     # int [n, T]: spiking inputs at each timestep
    hidden_spikes: np.ndarray    # int [n, T]: spiking hidden neurons at each timestep
    active: np.ndarray           # bool [n, H]: hidden neurons still active at the end

    @property
    def input_rate(self) -> np.ndarray:
        """float [n]: fraction of the 64 inputs spiking per timestep."""
        return self.input_spikes.mean(axis=1) / INPUTS

    @property
    def hidden_rate(self) -> np.ndarray:
        """float [n]: fraction of the hidden neurons spiking per timestep."""
        return self.hidden_spikes.mean(axis=1) / self.active.shape[1]

    @property
    def deactivated(self) -> np.ndarray:
        """float [n]: fraction of the hidden neurons deactivated by the end."""
        return 1.0 - self.active.mean(axis=1)


def load_snn(path: Path = SNN_PATH) -> SnnNetwork:
    with np.load(path) as data:
        return SnnNetwork(data["w1"], data["w2"], int(data["theta"]), int(data["timesteps"]))


def prune(w: np.ndarray, w_min: int) -> np.ndarray:
    """The weights with connections of magnitude below w_min deactivated (zeroed)."""
    return np.where(np.abs(w.astype(np.int32)) >= w_min, w, 0).astype(w.dtype)


def simulate(net: SnnNetwork, images: np.ndarray,
             deactivation: Deactivation = EXACT) -> SnnResult:
    """Run the integer SNN over uint8 images [n, 8, 8] (all images at once)."""
    pixels = images.reshape(len(images), -1).astype(np.int64)
    n, n_in = pixels.shape
    w1 = prune(net.w1, deactivation.w_min).astype(np.int64)
    w2 = prune(net.w2, deactivation.w_min).astype(np.int64)
    nz1, nz2 = (w1 != 0).astype(np.int64), (w2 != 0).astype(np.int64)
    counter = np.full((n, n_in), COUNTER_START, dtype=np.int64)
    v1 = np.zeros((n, net.hidden), dtype=np.int64)
    v2 = np.zeros((n, w2.shape[1]), dtype=np.int64)
    active = np.ones((n, net.hidden), dtype=bool)
    fired = np.zeros((n, net.hidden), dtype=bool)
    ops = np.zeros(n, dtype=np.int64)
    in_spikes = np.zeros((n, net.timesteps), dtype=np.int64)
    hid_spikes = np.zeros((n, net.timesteps), dtype=np.int64)
    for t in range(net.timesteps):
        counter -= pixels
        s_in = (counter < 0).astype(np.int64)
        counter += COUNTER_RECHARGE * s_in
        v1 += (s_in @ w1) * active
        ops += ((s_in @ nz1) * active).sum(axis=1)
        s_h = v1 >= net.theta
        v1 -= net.theta * s_h
        fired |= s_h
        v2 += s_h.astype(np.int64) @ w2
        ops += (s_h.astype(np.int64) @ nz2).sum(axis=1)
        in_spikes[:, t] = s_in.sum(axis=1)
        hid_spikes[:, t] = s_h.sum(axis=1)
        if (t + 1) % deactivation.refresh == 0:
            active &= fired | (v1 >= deactivation.v_min)
            fired[:] = False
    return SnnResult(v2.astype(np.int32), ops, in_spikes, hid_spikes, active)


def dense_ops(net: SnnNetwork, images: int) -> int:
    """Synaptic operations of a kernel without a zero test: every connection, every step."""
    return images * net.timesteps * (net.w1.size + net.w2.size)


def classify(outputs: np.ndarray) -> np.ndarray:
    return np.argmax(outputs, axis=1)
