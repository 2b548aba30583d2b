"""The LSTM kernel family: the integer LSTM digit classifier (kernels/lstm_model.py) on
the core, in four ISA variants (kernels/lstm/lstm_<variant>.S), with its two run-time
approximations: timestep skipping (`time_threshold`, pixel SAD) and state reduction
(`state_threshold`, |h| in Q8). Both are computed on the core, so their cost counts;
0 turns one off. Whatever the thresholds, the core's logits equal the numpy model's.
"""
from __future__ import annotations

import numpy as np

from zskip.core_model import CoreConfig, Machine
from zskip.traces.digits import load_digits

from . import lstm_model
from .harness import fetch, load_kernel, place
from .registry import KernelError, KernelInfo, KernelRun, register

DEFAULT_TIME_THRESHOLD = 16   # pixel SAD: 16% of timesteps skipped, -0.6 points (360 images)
DEFAULT_STATE_THRESHOLD = 0   # state reduction off: it drops few cells and costs accuracy
OUTPUTS = 12                  # the head's 10 logits padded to a multiple of 4


def run_lstm(variant: str, config: CoreConfig, images: int | None,
             time_threshold: int = DEFAULT_TIME_THRESHOLD,
             state_threshold: int = DEFAULT_STATE_THRESHOLD,
             functional: bool = False, verify_skips: bool = False) -> KernelRun:
    """Classify the first `images` test digits (None: all 360) on the core."""
    if time_threshold < 0 or state_threshold < 0:
        raise KernelError("thresholds must be >= 0")
    net = lstm_model.load_lstm()
    test = load_digits("test")
    count = len(test) if images is None else min(images, len(test))
    pixels, labels = test.images[:count], test.labels[:count]
    x = lstm_model.symbols(pixels)
    defines = (("N_IMAGES", count), ("T", x.shape[1]), ("I", net.inputs),
               ("H", net.hidden), ("NOUT", OUTPUTS), ("SHIFT", net.shift))
    machine = Machine(load_kernel(f"lstm/lstm_{variant}.S", defines), config,
                      functional=functional, verify_skips=verify_skips)
    pad = OUTPUTS - net.wd.shape[1]
    place(machine, "x", x, "<i4")
    place(machine, "wx", net.wx, "<i1")
    place(machine, "wh", net.wh, "<i1")
    place(machine, "bias", net.b, "<i4")
    place(machine, "wd", np.pad(net.wd, ((0, 0), (0, pad))), "<i1")
    place(machine, "bd", np.pad(net.bd, (0, pad)), "<i4")
    place(machine, "thr_time", np.array([time_threshold * lstm_model.PIXEL_SCALE]), "<i4")
    place(machine, "thr_state", np.array([state_threshold]), "<i4")
    stats = machine.run()
    logits = fetch(machine, "logits", "<i4", (count, OUTPUTS))[:, :net.wd.shape[1]]
    evaluated = fetch(machine, "evaluated", "<i4", (count,))
    kept = fetch(machine, "kept", "<i4", (count,))

    model = lstm_model.infer(net, pixels, time_threshold, state_threshold)
    exact = lstm_model.infer(net, pixels)
    if not (np.array_equal(evaluated, model.evaluated) and np.array_equal(kept, model.active)):
        raise KernelError("lstm: the core's timestep/state decisions differ from the model's")
    steps = x.shape[0] * x.shape[1]
    return KernelRun(
        name="lstm", variant=variant,
        config=config.name if config.xzs else f"{config.name}, no Xzs",
        images=count, outputs=logits, reference=model.logits, exact=True,
        accuracy=float(np.mean(logits.argmax(1) == labels)),
        reference_accuracy=float(np.mean(exact.predictions == labels)),
        stats=stats,
        sparsity={"input pixels": model.x_operands[0] / model.x_operands[1],
                  "hidden state": model.h_operands[0] / model.h_operands[1]},
        params={"time_threshold": time_threshold, "state_threshold": state_threshold,
                "timesteps_skipped": 1 - int(evaluated.sum()) / steps,
                "cells_dropped": 1 - float(kept.mean()) / net.hidden})


register(KernelInfo(
    name="lstm", family="lstm",
    workload="LSTM 8x8 -> 16 cells -> 10 on the digits test split (traces/data/lstm.npz)",
    description="digits read column by column; timestep skipping and state reduction",
    runner=run_lstm))
