"""`zskip sweep AXIS`: a kernel's speedup and energy against operand sparsity or a core
config parameter, with the ideal bound; the work is suite.sweep's, this module parses,
prints and writes."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tabulate import tabulate

from zskip.core_model import load_config
from zskip.isa.errors import ZskipError
from zskip.suite import sweep
from zskip.suite.cache import ResultCache, default_directory
from zskip.suite.executor import executor_for

from .argtypes import count
from .progress import TaskProgress

EPILOG = f"""\
axes:
  activations     input pixels below a threshold read as zero, per target zero fraction
  weights         the network's weights magnitude-pruned to each target fraction
{chr(10).join(f"  {name:<15} {p.label}" for name, p in sweep.CONFIG_PARAMS.items())}

Sparsity axes take targets in 0..0.99 (default {','.join(map(str, sweep.SPARSITY_TARGETS))})
and run the feed-forward kernels; x is the zero fraction measured. Every point runs each
variant, and for xzs and sasa of mlp_os, mlp_is and cnn the runs of the ideal bound
(kernels/bound.py): the baseline with the work the variant skips removed for free.

Results are cached by (programs, config, inputs, version) in --cache (default
{default_directory()}): a re-run computes only what changed. --executor sends the runs
to a dask.distributed scheduler (dask://HOST:PORT) or a Ray cluster (ray://HOST:PORT);
every worker needs zskip installed."""

SHOWN = (("x", None), ("variant", "{}"), ("cycles", "{}"), ("speedup", "{:.3f}"),
         ("bound_speedup", "{:.3f}"), ("speedup_vs_branch", "{:.3f}"),
         ("energy_ratio", "{:.3f}"), ("bound_energy_ratio", "{:.3f}"), ("skips_lost", "{}"),
         ("accuracy", "{:.1%}"))


def _shown(value: object, form: str | None) -> str:
    if value is None:
        return "-"
    if form is None:                  # x: a measured fraction, or the parameter's value
        form = "{:.3f}" if isinstance(value, float) else "{}"
    return form.format(value)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("axis", choices=sweep.AXES, metavar="AXIS",
                        help="what to sweep: activations, weights or a config parameter")
    parser.add_argument("--kernel", default="mlp_os", help="kernel (default: mlp_os)")
    parser.add_argument("--values", type=lambda t: [v for v in t.split(",") if v],
                        metavar="V,V,...", help="sparsity targets or the parameter's values "
                        "(default: the axis's)")
    parser.add_argument("--config", help="base core config: preset name or TOML path "
                        "(default: embedded)")
    parser.add_argument("--images", type=count, help="test images per run (default: all 360)")
    parser.add_argument("--jobs", type=count,
                        help="local processes (default: every core; 1: this process)")
    parser.add_argument("--executor", metavar="URL",
                        help="dask://HOST:PORT or ray://HOST:PORT (default: local processes)")
    parser.add_argument("-o", "--output", type=Path, metavar="DIR",
                        help="write <kernel>_<axis>.csv, .json (manifest) and .png here")
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--cache", type=Path, metavar="DIR", help="result cache directory")
    cache.add_argument("--no-cache", action="store_true", help="compute every point")


def _values(args: argparse.Namespace) -> list[object] | None:
    if args.values is None:
        return None
    parse = float if args.axis in sweep.SPARSITY_AXES else sweep.CONFIG_PARAMS[args.axis].parse
    try:
        return [parse(v) for v in args.values]
    except ValueError as error:
        raise ZskipError(f"--values: {error}") from None


def run(args: argparse.Namespace) -> int:
    plan = sweep.plan(args.kernel, args.axis, load_config(args.config), args.images,
                      _values(args))
    cache = None if args.no_cache else ResultCache(args.cache)
    progress = TaskProgress(f"zskip sweep: {plan.stem}")
    try:
        with executor_for(args.executor, args.jobs) as executor:
            result = sweep.run_sweep(plan, executor, cache, on_done=progress)
    finally:
        progress.done()
    print(tabulate([[_shown(row[k], f) for k, f in SHOWN] for row in result.rows],
                   headers=[k for k, _ in SHOWN],
                   disable_numparse=True, stralign="right"))
    print(f"\n{result.computed} of {result.total} runs computed, "
          f"{result.total - result.computed} from the cache", file=sys.stderr)
    for message in result.failures:
        print(f"zskip sweep: warning: left out: {message}", file=sys.stderr)
    if args.output:
        for path in sweep.write(result, args.output):
            print(f"wrote {path}", file=sys.stderr)
    return 0
