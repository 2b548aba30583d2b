"""The compiled LSTM and SNN networks against the hand-written kernels (not a test).

For each network (the shipped lstm with its Dense head, the shipped snn), approximation
setting (exact; the kernels' defaults), core and variant: cycles of the compiled
program (compiler.codegen: baseline code, the variants made by the zero-skip pass, with
zero rates profiled on training images if asked) and of the hand-written kernel
(kernels.registry) over the same test images, the compiled program's gain over the hand
kernel, and each one's speedup over its own baseline. Every run is checked against its
reference (the compiled one against compiler/reference.py, the hand one against its
numpy model).

Usage: python bench/compiled_rnn_tables.py [--images N] [--calibration N]
"""
from __future__ import annotations

import argparse
import dataclasses

import numpy as np
from tabulate import tabulate

from zskip.compiler import reference
from zskip.compiler.codegen import compile_network, run_compiled
from zskip.compiler.frontends.shipped import digits_inputs, load_shipped
from zskip.compiler.network import Network
from zskip.core_model import load_config
from zskip.kernels import VARIANTS, lstm, lstm_model, run, snn, snn_model
from zskip.traces.digits import load_digits

CORES = ("embedded", "application")
# network -> setting -> (the layer's fields, the hand kernel's parameters)
SETTINGS = {
    "lstm": {
        "exact": ({"time_threshold": 0, "state_threshold": 0},
                  {"time_threshold": 0, "state_threshold": 0}),
        "default": ({"time_threshold": lstm.DEFAULT_TIME_THRESHOLD * lstm_model.PIXEL_SCALE,
                     "state_threshold": lstm.DEFAULT_STATE_THRESHOLD},
                    {"time_threshold": lstm.DEFAULT_TIME_THRESHOLD,
                     "state_threshold": lstm.DEFAULT_STATE_THRESHOLD}),
    },
    "snn": {name: (dataclasses.asdict(setting), dataclasses.asdict(setting))
            for name, setting in (("exact", snn_model.EXACT), ("default", snn.DEFAULT))},
}


def _network(name: str, fields: dict) -> Network:
    net = load_shipped(name)
    first = dataclasses.replace(net.layers[0], **fields)
    return dataclasses.replace(net, layers=(first, *net.layers[1:]))


def table(images: int, calibration: int) -> str:
    test, train = load_digits("test"), load_digits("train")
    rows = []
    for name, settings in SETTINGS.items():
        for setting, (fields, params) in settings.items():
            net = _network(name, fields)
            inputs = digits_inputs(net, test.images[:images])
            samples = digits_inputs(net, train.images[:calibration]) if calibration else None
            expected = reference.outputs(net, inputs)
            for core in CORES:
                config = load_config(core)
                compiled, hand = {}, {}
                for variant in VARIANTS:
                    program = compile_network(net, variant, config, calibration=samples)
                    outputs, stats = run_compiled(program, inputs, config)
                    hand_run = run(name, variant, config, images, **params)
                    if not (np.array_equal(outputs, expected) and hand_run.matches_reference):
                        raise AssertionError(f"{name} {setting} {core} {variant}: outputs "
                                             "differ from the reference")
                    compiled[variant], hand[variant] = stats, hand_run.stats
                for variant in VARIANTS:
                    c, h = compiled[variant], hand[variant]
                    rows.append([name, setting, core, variant, c.instructions, h.instructions,
                                 c.cycles, h.cycles, f"{h.cycles / c.cycles:.3f}x",
                                 f"{compiled['baseline'].cycles / c.cycles:.3f}x",
                                 f"{hand['baseline'].cycles / h.cycles:.3f}x",
                                 f"{c.skips_taken + c.sasa_hits} / {c.skips_lost}",
                                 f"{h.skips_taken + h.sasa_hits} / {h.skips_lost}"])
    return tabulate(rows, ["network", "setting", "core", "variant", "instructions compiled",
                           "hand", "cycles compiled", "hand", "compiled vs hand",
                           "compiled vs its baseline", "hand vs its baseline",
                           "skips compiled (taken / lost)", "hand"], tablefmt="github")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100, help="test images (default 100)")
    parser.add_argument("--calibration", type=int, default=0,
                        help="training images the pass profiles zero rates on (default 0: "
                             "none, the pass assumes its default rate)")
    args = parser.parse_args()
    print(table(args.images, args.calibration))


if __name__ == "__main__":
    main()
