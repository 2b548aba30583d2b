"""Sweeps: a kernel's speedup and energy against operand sparsity, or against one core
config parameter, with the ideal bound (kernels/bound.py) beside each skipping variant.

Axes:
- `activations`: input pixels below a threshold read as zero (ffnn's pixel_threshold),
  the threshold chosen per target zero fraction of the images; x is the measured zero
  fraction of the input pixels (the shipped images start at about half zeros, so
  targets below that share the threshold 0);
- `weights`: the network's weights magnitude-pruned to each target fraction (ffnn's
  prune); x is the measured zero fraction of the weights;
- a config parameter (CONFIG_PARAMS): x is its value.

Each point runs every variant timed and, for each skipping variant, the three runs its
bound needs (verify-skips timed, functional, functional verify-skips), as suite tasks:
the cache (suite/cache.py) and the executors (suite/executor.py) apply.
"""
from __future__ import annotations

import csv
import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from zskip.core_model import CoreConfig, compare
from zskip.core_model.config import PREDICTORS
from zskip.isa.errors import ZskipError
from zskip.kernels import ffnn, registry
from zskip.kernels.bound import BOUND_KERNELS, skipped_work
from zskip.kernels.ffnn_model import load_network
from zskip.traces.digits import load_digits

from .executor import Executor
from .tasks import Failure, KernelSource, Record, Store, Task, run_tasks

SKIPPING = ("xzs", "sasa")
SPARSITY_AXES = ("activations", "weights")
SPARSITY_TARGETS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
MAX_PIXEL = 16


def _branch_penalty(c: CoreConfig, v: int) -> dict[str, Any]:
    """Branches resolve v stages after fetch (execute_stage = v + 1); the pipeline
    grows to keep its memory stages behind EX. Skips still resolve in ID."""
    ex = v + 1
    return {"pipeline": {"execute_stage": ex,
                         "stages": max(c.pipeline.stages, ex + c.pipeline.memory_stages + 1)}}


def _pipeline_depth(c: CoreConfig, v: int) -> dict[str, Any]:
    """v - stages more (or fewer) front-end stages: branch and skip resolve that much
    later, so both penalties grow with the depth."""
    p, k = c.pipeline, v - c.pipeline.stages
    return {"pipeline": {"stages": v, "decode_stage": p.decode_stage + k,
                         "execute_stage": p.execute_stage + k,
                         "skip_taken_penalty": max(p.skip_taken_penalty + k, 0)}}


@dataclass(frozen=True)
class ConfigParam:
    label: str
    overrides: Callable[[CoreConfig, Any], dict[str, Any]]
    defaults: Callable[[CoreConfig], tuple[Any, ...]]
    parse: Callable[[str], Any] = int


CONFIG_PARAMS: dict[str, ConfigParam] = {
    "skip_penalty": ConfigParam(
        "taken skip-branch penalty (cycles)",
        lambda c, v: {"pipeline": {"skip_taken_penalty": v}}, lambda c: (0, 1, 2, 3, 4)),
    "branch_penalty": ConfigParam(
        "branch resolution penalty (cycles)", _branch_penalty,
        lambda c: tuple(range(c.pipeline.decode_stage, c.pipeline.decode_stage + 6))),
    "pipeline_depth": ConfigParam(
        "pipeline stages", _pipeline_depth,
        lambda c: tuple(range(c.pipeline.stages, c.pipeline.stages + 5))),
    "predictor": ConfigParam(
        "branch predictor", lambda c, v: {"pipeline": {"branch_predictor": v}},
        lambda c: PREDICTORS, str),
    "cache_size": ConfigParam(
        "L1 I and D cache size (bytes)", lambda c, v: {"icache": {"size": v},
                                                       "dcache": {"size": v}},
        lambda c: (1024, 2048, 4096, 8192, 16384, 32768)),
    "sasa_entries": ConfigParam(
        "SASA table entries", lambda c, v: {"sasa_entries": v},
        lambda c: (8, 16, 32, 64, 128)),
    "memory_latency": ConfigParam(
        "memory latency (cycles)", lambda c, v: {"memory": {"latency": v}},
        lambda c: (5, 10, 20, 50, 100, 200)),
}
AXES = (*SPARSITY_AXES, *CONFIG_PARAMS)


@dataclass(frozen=True)
class Point:
    value: Any                       # the sparsity target or the parameter's value
    config: CoreConfig
    params: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Sweep:
    kernel: str
    axis: str                        # AXES
    config: CoreConfig               # the base the points change
    images: int | None
    points: tuple[Point, ...]
    variants: tuple[str, ...]

    @property
    def bounded(self) -> bool:
        """The kernel's skipped work is the baseline's (bound.BOUND_KERNELS): the
        bound runs mean something."""
        return self.kernel in BOUND_KERNELS

    @property
    def stem(self) -> str:
        return f"{self.kernel}_{self.axis}"

    @property
    def x_label(self) -> str:
        if self.axis in CONFIG_PARAMS:
            return CONFIG_PARAMS[self.axis].label
        return "zero fraction of the " + ("input pixels" if self.axis == "activations"
                                          else "weights")

    def runs(self, point: Point) -> dict[tuple[str, bool, bool], Task]:
        """(variant, functional, verify_skips) -> task, for one point."""
        out = {}
        for variant in self.variants:
            modes = [(False, False)] + ([(False, True), (True, False), (True, True)]
                                        if self.bounded and variant in SKIPPING else [])
            for functional, verify in modes:
                out[variant, functional, verify] = Task(
                    KernelSource.name, self.kernel, variant, point.config, self.images,
                    point.params, functional, verify)
        return out


def pixel_threshold(target: float, images: int | None) -> int:
    """The smallest threshold t that makes at least `target` of the first `images` test
    images' pixels read as zero (pixels < t; t = 1 changes nothing)."""
    pixels = load_digits("test").images[:images]
    return next(t for t in range(1, MAX_PIXEL + 2) if np.mean(pixels < t) >= target)


def weight_zeros(kernel: str) -> list[float]:
    """Zero fraction of each layer's weights in the network feed-forward `kernel` runs."""
    network = next(k.network for k in ffnn.KERNELS if k.name == kernel)
    return load_network(network).weight_zero_fraction


def plan(kernel: str, axis: str, config: CoreConfig, images: int | None = None,
         values: list[Any] | None = None,
         variants: tuple[str, ...] = registry.VARIANTS) -> Sweep:
    """The sweep's points: `values` (sparsity targets, or the parameter's values) or
    the axis's defaults."""
    info = registry.get(kernel)
    if axis not in AXES:
        raise ZskipError(f"unknown sweep axis {axis!r} (axes: {', '.join(AXES)})")
    missing = [v for v in ("baseline", "branch") if v not in variants]
    if missing or not set(variants) <= set(info.variants):
        raise ZskipError(f"the variants must include baseline and branch and be "
                         f"{kernel}'s ({', '.join(info.variants)})")
    points: dict[Any, Point] = {}
    if axis in SPARSITY_AXES:
        if info.family != "ffnn":
            raise ZskipError(f"sparsity sweeps threshold pixels or prune weights of the "
                             f"feed-forward kernels; {kernel} is {info.family}")
        for target in values or SPARSITY_TARGETS:
            if not 0 <= target <= 0.99:
                raise ZskipError(f"sparsity target {target} is not in 0..0.99")
            if axis == "activations":
                params = (("pixel_threshold", pixel_threshold(target, images)),)
                effect: Any = params
            else:
                params = (("prune", float(target)),)
                # pruning below a layer's zero fraction leaves it as it is
                effect = tuple(max(target, z) for z in weight_zeros(kernel))
            points.setdefault(effect, Point(target, config, params))
    else:
        param = CONFIG_PARAMS[axis]
        for value in values or param.defaults(config):
            name = f"{config.name}, {axis}={value}"
            cfg = config.updated({**param.overrides(config, value), "name": name})
            points.setdefault(value, Point(value, cfg, ()))
    return Sweep(kernel, axis, config, images, tuple(points.values()), tuple(variants))


def _x(sweep: Sweep, point: Point, run: Record) -> Any:
    if sweep.axis == "activations":
        return run.sparsity["layer0.in"]
    if sweep.axis == "weights":
        weights = [v for k, v in run.sparsity.items() if k.endswith(".w")]
        return float(np.mean(weights))
    return point.value


def _bound(base: float, skipped: float | None) -> float | None:
    return None if skipped is None else base / (base - skipped)


def rows(sweep: Sweep, results: dict[tuple[str, bool, bool], Record | Failure],
         point: Point) -> list[dict[str, Any]]:
    """One row per variant at one point. Bounds of a skipping variant: baseline's figure
    over baseline's less the work the variant skips (bound.skipped_work); for energy the
    skipped work's energy is the verify-skips run's less the real run's (timed runs, no
    skip lost)."""
    timed = {v: results[v, False, False] for v in sweep.variants}
    if any(isinstance(timed[v], Failure) for v in ("baseline", "branch")):
        return []
    base, branch = timed["baseline"], timed["branch"]
    out = []
    for variant, run in timed.items():
        if isinstance(run, Failure):
            continue
        run.check()
        insns = cycles = energy = None
        bound_runs = [results.get((variant, f, v)) for f, v in ((False, True), (True, False),
                                                                (True, True))]
        if sweep.bounded and variant in SKIPPING and \
                all(isinstance(r, Record) for r in bound_runs):
            insns, cycles = skipped_work(run, *bound_runs)
            if cycles is not None:
                energy = bound_runs[0].energy_total - run.energy_total
        over_base = compare.ratio(variant, "baseline", run, base)
        out.append({
            "x": _x(sweep, point, run), "value": point.value, "variant": variant,
            "config": run.config, "instructions": run.instructions, "cycles": run.cycles,
            "energy_uj": run.energy_total / 1e6,
            "speedup": over_base.cycles,
            "speedup_vs_branch": compare.ratio(variant, "branch", run, branch).cycles,
            "energy_ratio": over_base.energy,
            "instruction_ratio": over_base.instructions,
            "bound_speedup": _bound(base.cycles, cycles),
            "bound_energy_ratio": _bound(base.energy_total, energy),
            "bound_instruction_ratio": _bound(base.instructions, insns),
            "skips_lost": run.skips_lost, "accuracy": run.accuracy,
            "params": dict(point.params)})
    return out


@dataclass
class SweepResult:
    sweep: Sweep
    rows: list[dict[str, Any]]
    keys: list[dict[str, str]]       # per point: "variant[, functional][, verify]" -> key
    computed: int                    # tasks run (the rest came from the cache)
    total: int
    failures: list[str]


def _run_label(variant: str, functional: bool, verify: bool) -> str:
    return variant + (", functional" if functional else "") + (", verify" if verify else "")


def run_sweep(sweep: Sweep, executor: Executor, cache: Store | None = None,
              on_done: Callable[[int, int], None] | None = None) -> SweepResult:
    per_point = [sweep.runs(p) for p in sweep.points]
    tasks = [t for runs in per_point for t in runs.values()]
    done = run_tasks(tasks, executor, cache, on_done)
    results = iter(done.results)
    out, keys, failures = [], [], []
    for point, runs in zip(sweep.points, per_point):
        found = {label: next(results) for label in runs}
        failures += [r.message for r in found.values() if isinstance(r, Failure)]
        out += rows(sweep, found, point)
        keys.append({_run_label(*label): task.key() for label, task in runs.items()})
    return SweepResult(sweep, out, keys, done.computed, len(set(t.key() for t in tasks)),
                       failures)


CSV_COLUMNS = ("x", "value", "variant", "config", "instructions", "cycles", "energy_uj",
               "speedup", "speedup_vs_branch", "energy_ratio", "instruction_ratio",
               "bound_speedup", "bound_energy_ratio", "bound_instruction_ratio",
               "skips_lost", "accuracy")


def manifest(result: SweepResult) -> dict[str, Any]:
    """What the sweep ran, exactly: every point's full config, parameters and cache
    keys, and the rows."""
    s = result.sweep
    return {"zskip": importlib.metadata.version("zskip"), "kernel": s.kernel,
            "axis": s.axis, "x": s.x_label, "bounded": s.bounded, "images": s.images, "variants": list(s.variants),
            "base_config": s.config.name,
            "points": [{"value": p.value, "params": dict(p.params), "config": p.config.to_dict(),
                        "tasks": keys} for p, keys in zip(s.points, result.keys)],
            "failures": result.failures, "rows": result.rows}


def write(result: SweepResult, directory: Path) -> list[Path]:
    """<kernel>_<axis>.csv, .json (the manifest) and .png in `directory`."""
    from .sweep_plot import plot
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / result.sweep.stem
    paths = [stem.with_suffix(".csv"), stem.with_suffix(".json"), stem.with_suffix(".png")]
    with open(paths[0], "w", newline="") as f:
        writer = csv.DictWriter(f, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(result.rows)
    paths[1].write_text(json.dumps(manifest(result), indent=2) + "\n")
    plot(result, paths[2])
    return paths
