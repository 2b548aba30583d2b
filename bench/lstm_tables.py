"""The LSTM kernel's tables (not a test): every variant on the whole test split.

1. per core and variant, exact network and default thresholds: instructions, cycles,
   energy, speedup and energy reduction against `baseline` and against `branch`;
2. the threshold sweep on the embedded core: accuracy against speedup, per variant,
   each against its own exact run and against the exact `branch` run.

Usage: python bench/lstm_tables.py [--images N]   (markdown on stdout)
"""
from __future__ import annotations

import argparse

from tabulate import tabulate

from zskip.core_model import load_config
from zskip.kernels import VARIANTS, KernelRun, lstm, run

CORES = {"embedded": "embedded",
         "embedded, BTFN": ("embedded", {"pipeline": {"branch_predictor": "btfn"}}),
         "embedded, gshare": ("embedded", {"pipeline": {"branch_predictor": "gshare"}}),
         "application": "application",
         "application, gshare": ("application", {"pipeline": {"branch_predictor": "gshare"}})}
SWEEP = ((0, 0), (4, 0), (8, 0), (12, 0), (16, 0), (20, 0), (24, 0), (32, 0), (12, 1), (20, 2))


def _config(core: str | tuple[str, dict]):
    return load_config(core) if isinstance(core, str) else load_config(core[0]).updated(core[1])


def _gain(ref: float, value: float) -> str:
    return f"{ref / value:.3f}x"


def _saved(ref: float, value: float) -> str:
    return f"{100 * (1 - value / ref):+.1f}%"


def variant_table(images: int | None) -> str:
    rows = []
    default = {"time_threshold": lstm.DEFAULT_TIME_THRESHOLD,
               "state_threshold": lstm.DEFAULT_STATE_THRESHOLD}
    for core_name, core in CORES.items():
        for label, params in (("exact", {"time_threshold": 0, "state_threshold": 0}),
                              ("default", default)):
            runs = {v: run("lstm", v, _config(core), images, **params) for v in VARIANTS}
            base, branch = runs["baseline"].stats, runs["branch"].stats
            for v, r in runs.items():
                s = r.stats
                rows.append([core_name, label, v, s.instructions, s.cycles,
                             _gain(base.cycles, s.cycles), _gain(branch.cycles, s.cycles),
                             f"{s.energy_total / 1e6:.2f}",
                             _saved(base.energy_total, s.energy_total),
                             _saved(branch.energy_total, s.energy_total),
                             f"{s.skips_taken + s.sasa_hits} / {s.skips_lost}",
                             f"{100 * r.accuracy:.2f}"])
    return tabulate(rows, ["core", "thresholds", "variant", "instructions", "cycles",
                           "speedup vs baseline", "vs branch", "energy (uJ)",
                           "energy vs baseline", "vs branch", "skips taken / lost",
                           "accuracy %"], tablefmt="github")


def sweep_table(images: int | None) -> str:
    config = load_config("embedded")
    exact: dict[str, KernelRun] = {}
    rows = []
    for time_threshold, state_threshold in SWEEP:
        runs = {v: run("lstm", v, config, images, time_threshold=time_threshold,
                       state_threshold=state_threshold) for v in VARIANTS}
        exact = exact or runs
        first = runs["baseline"]
        rows.append([time_threshold, state_threshold, f"{100 * first.accuracy:.2f}",
                     f"{100 * (first.accuracy - first.reference_accuracy):+.2f}",
                     f"{100 * first.params['timesteps_skipped']:.1f}",
                     f"{100 * first.params['cells_dropped']:.1f}"]
                    + [_gain(exact[v].stats.cycles, runs[v].stats.cycles) for v in VARIANTS]
                    + [_gain(exact["branch"].stats.cycles, runs["xzs"].stats.cycles),
                       _saved(exact["branch"].stats.energy_total,
                              runs["xzs"].stats.energy_total)])
    return tabulate(rows, ["time thr", "state thr", "accuracy %", "vs exact (pp)",
                           "timesteps skipped %", "cells dropped %"]
                    + [f"{v} speedup" for v in VARIANTS]
                    + ["xzs vs exact branch", "xzs energy vs exact branch"],
                    tablefmt="github")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=None, help="test images (all: 360)")
    args = parser.parse_args()
    first = run("lstm", "baseline", "embedded", args.images, functional=True)
    print("operand zero fractions (default thresholds): "
          + ", ".join(f"{k} {100 * v:.1f}%" for k, v in first.sparsity.items()), end="\n\n")
    print(variant_table(args.images), end="\n\n")
    print(sweep_table(args.images))


if __name__ == "__main__":
    main()
