"""The SNN kernel: an event-driven integrate-and-fire network with connection
deactivation (kernels/snn/<variant>.S around kernels/snn/snn.inc) on the digits test
split, checked bit for bit against kernels/snn_model.py at every deactivation setting.

    zskip.kernels.run("snn", "xzs", config="embedded", images=20,
                      refresh=4, w_min=16, v_min=0)

Kernel parameters: the deactivation settings (snn_model.Deactivation; the defaults are
DEFAULT, `**EXACT_PARAMS` deactivates nothing), `verify_skips` and `functional` (the
Machine's). KernelRun.params also carries the synaptic operations counted on the core
(`ops`: every `add` of the program is in `integrate`, one per row plus one per update),
the model's count (`model_ops`), a dense kernel's (`dense_ops`), the fraction of hidden
neurons deactivated by the end of an image and the exact network's accuracy. Sparsity:
zero fractions of the input and hidden spikes (per timestep) and of the weights after
the w_min deactivation (before the controller's).
"""
from __future__ import annotations

import dataclasses
import functools

import numpy as np

from zskip.core_model import CoreConfig, Machine
from zskip.traces.digits import load_digits

from .harness import fetch, load_kernel, place
from .registry import KernelError, KernelInfo, KernelRun, register
from .snn_model import (EXACT, Deactivation, SnnNetwork, classify, dense_ops, load_snn,
                        prune, simulate)

DEFAULT = Deactivation(refresh=4, w_min=16, v_min=0)
EXACT_PARAMS = dataclasses.asdict(EXACT)
# The deactivation sweep (bench/snn_tables.py): name -> setting, from none to aggressive.
SETTINGS: dict[str, Deactivation] = {
    "exact": EXACT,
    "neurons": Deactivation(refresh=4, w_min=0, v_min=0),
    "w_min 8": Deactivation(refresh=4, w_min=8, v_min=0),
    "default": DEFAULT,
    "w_min 24": Deactivation(refresh=4, w_min=24, v_min=0),
    "w_min 32": Deactivation(refresh=4, w_min=32, v_min=0),
    "w_min 32, refresh 2": Deactivation(refresh=2, w_min=32, v_min=0),
}


@functools.lru_cache(maxsize=1)
def network() -> SnnNetwork:
    return load_snn()


def run_snn(variant: str, config: CoreConfig, images: int | None,
            refresh: int = DEFAULT.refresh, w_min: int = DEFAULT.w_min,
            v_min: int = DEFAULT.v_min, verify_skips: bool = False,
            functional: bool = False) -> KernelRun:
    """Run the SNN kernel over the first `images` test images (None: all 360)."""
    try:
        setting = Deactivation(refresh, w_min, v_min)
    except ValueError as error:
        raise KernelError(f"snn: {error}") from None
    net = network()
    test = load_digits("test")
    n = len(test) if images is None else min(images, len(test))
    pixels, labels = test.images[:n], test.labels[:n]
    program = load_kernel(f"snn/{variant}.S", (("N_IMG", n), ("N_HID", net.hidden)))
    machine = Machine(program, config, functional=functional, verify_skips=verify_skips)
    place(machine, "params", [net.timesteps, refresh, net.theta, v_min, w_min], "<i4")
    place(machine, "w1", net.w1, "<i1")
    place(machine, "w2", net.w2, "<i1")
    place(machine, "pixels", pixels, "<u1")
    stats = machine.run()
    outputs = fetch(machine, "out", "<i4", (n, net.w2.shape[1]))
    model = simulate(net, pixels, setting)
    exact = model if setting == EXACT else simulate(net, pixels, EXACT)
    rows = n * net.timesteps * (net.w1.shape[0] + net.hidden)
    return KernelRun(
        name="snn", variant=variant, config=config.name + ("" if config.xzs else ", no Xzs"),
        images=n, outputs=outputs, reference=model.outputs, exact=True,
        accuracy=float(np.mean(classify(outputs) == labels)),
        reference_accuracy=float(np.mean(classify(model.outputs) == labels)),
        stats=stats,
        sparsity={"input spikes": 1.0 - float(model.input_rate.mean()),
                  "hidden spikes": 1.0 - float(model.hidden_rate.mean()),
                  "w1": float(np.mean(prune(net.w1, w_min) == 0)),
                  "w2": float(np.mean(prune(net.w2, w_min) == 0))},
        params={**dataclasses.asdict(setting),
                "hidden deactivated": float(model.deactivated.mean()),
                "ops": stats.insn_counts.get("add", 0) - rows,
                "model_ops": int(model.ops.sum()), "dense_ops": dense_ops(net, n),
                "exact_accuracy": float(np.mean(classify(exact.outputs) == labels))})


register(KernelInfo(
    name="snn", family="snn",
    workload="digits test split; 64-64-10 integrate-and-fire SNN converted from a ReLU "
             "MLP, T=16 rate-coded steps (traces/data/snn.npz)",
    description="event-driven SNN timesteps with connection deactivation "
                "(refresh, w_min, v_min)",
    runner=run_snn))
