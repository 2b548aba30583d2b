"""`zskip compare A B [C ...]`: run programs that compute the same thing (a kernel's
software variants and its Xzs variants), check they leave the same results, and print
the table of each and the ratios of every Xzs program over every software-only one.
`zskip compare` alone runs the built-in suite: every workload in every variant, one
table per workload. The work is core_model.compare's and suite.tasks'; this module
parses and prints."""
from __future__ import annotations

import argparse
import json
import sys

from zskip.core_model import CoreConfig, compare, load_config
from zskip.isa.errors import ZskipError
from zskip.isa.program import Program, load_any
from zskip.suite import tasks as suite
from zskip.suite.executor import executor_for

from .argtypes import count
from .progress import RunProgress, TaskProgress

EPILOG = """\
Without programs: the built-in suite, every kernel in every ISA variant (baseline,
branch, xzs, sasa) on the real workloads (the digits test split), one table per
workload: speedup (cycles) and energy saved against baseline and against branch (the
base ISA with a software zero test), skips taken and lost to timing, each operand's
zero fraction and the accuracy. Every run's outputs must equal the numpy reference.

Each program that uses Xzs instructions runs on the configuration; each software-only
program runs on the same configuration without the Xzs hardware (xzs = false), so it
pays nothing for it.

exit status:
  0    every program left the same exit code, output and data objects
  1    the results differ (the message names the symbol, byte offset and both values)
  124  a program hit the instruction limit
  125  zskip error: bad usage, unreadable or malformed input, bad config
  126  a program faulted (the message names it)
  127  --verify-skips found an unsafe skip
  130  interrupted (Ctrl-C)"""


def _config_for(text: str) -> tuple[int, str]:
    index, sep, config = text.partition("=")
    if not (sep and index.isdigit() and int(index) >= 1 and config):
        raise argparse.ArgumentTypeError(f"expected INDEX=CONFIG (INDEX from 1), got {text!r}")
    return int(index), config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("programs", nargs="*", metavar="PROGRAM",
                        help="two or more programs (.S or ELF) computing the same thing; "
                             "none: the built-in suite")
    parser.add_argument("--config", action="append", default=[],
                        help="core config: preset name or TOML path (default: embedded); "
                             "the suite takes several, one table per config and workload")
    suite = parser.add_argument_group("the built-in suite (no programs)")
    suite.add_argument("--format", choices=("table", "markdown", "csv", "json"),
                       default="table", help="output format (default: table)")
    suite.add_argument("--kernels", type=lambda t: [p for p in t.split(",") if p],
                       metavar="NAMES", help="comma-separated workload names or "
                       "patterns (mlp_*); default: all")
    suite.add_argument("--images", type=count, help="test images per run (default: all 360)")
    suite.add_argument("--jobs", type=count,
                       help="processes to run on (default: every core; 1: this process)")
    parser.add_argument("--config-for", type=_config_for, action="append", default=[],
                        metavar="INDEX=CONFIG",
                        help="config for the INDEX-th program (from 1) instead of --config; "
                             "repeatable")
    parser.add_argument("--max-insns", type=count, default=None,
                        help="instruction limit of each run (default: the config's)")
    parser.add_argument("--functional", action="store_true",
                        help="no timing: compare instructions and instruction energy only")
    parser.add_argument("--translate", action="store_true",
                        help="compile each program's code into the core after its first "
                             "500k instructions (zskip run --translate): the same "
                             "figures, faster on long runs")
    parser.add_argument("--verify-skips", action="store_true",
                        help="also run each Xzs program executing every skipped block, and "
                             "fail if skipping it was observable")
    parser.add_argument("--json", metavar="PATH",
                        help="write every run's statistics and the ratios as JSON "
                             "(energy in pJ; - for stdout)")


def _run(label: str, program: Program, config: CoreConfig, args: argparse.Namespace,
         verify_skips: bool = False) -> compare.Outcome:
    progress = RunProgress(f"running {label}")
    try:
        return compare.run_program(label, program, config, functional=args.functional,
                                   verify_skips=verify_skips, max_insns=args.max_insns,
                                   translate=args.translate and not verify_skips,
                                   progress=progress)
    finally:
        progress.done()


def run_suite(args: argparse.Namespace) -> int:
    pairwise = [opt for opt, given in (("--config-for", args.config_for),
                                       ("--max-insns", args.max_insns),
                                       ("--functional", args.functional),
                                       ("--verify-skips", args.verify_skips),
                                       ("--translate", args.translate),
                                       ("--json", args.json)) if given]
    if pairwise:
        raise ZskipError(f"{pairwise[0]} is for comparing programs; the suite prints "
                         "--format json")
    chosen = suite.workloads(args.kernels)
    configs = [load_config(c) for c in args.config or [None]]
    tasks = suite.suite_tasks(chosen, configs, args.images)
    progress = TaskProgress("zskip compare: suite")
    try:
        with executor_for(None, args.jobs) as executor:
            done = suite.run_tasks(tasks, executor, on_done=progress)
    finally:
        progress.done()
    print(suite.render(suite.tables(tasks, done.results, chosen), args.format))
    return 0


def run(args: argparse.Namespace) -> int:
    if not args.programs:
        return run_suite(args)
    if len(args.programs) < 2:
        raise ZskipError("give two or more programs to compare, or none for the suite")
    extra = [opt for opt, given in (("--format", args.format != "table"),
                                    ("--kernels", args.kernels), ("--images", args.images),
                                    ("--jobs", args.jobs)) if given]
    if extra:
        raise ZskipError(f"{extra[0]} is for the built-in suite (no programs)")
    if len(args.config) > 1:
        raise ZskipError("one --config for the programs (--config-for sets one per program)")
    overrides = dict(args.config_for)
    bad = sorted(i for i in overrides if i > len(args.programs))
    if bad:
        raise ZskipError(f"--config-for {bad[0]}: there are only "
                                 f"{len(args.programs)} programs")
    default = load_config(args.config[0] if args.config else None)
    configs = [load_config(overrides[i]) if i in overrides else default
               for i in range(1, len(args.programs) + 1)]
    labels = compare.labels(args.programs)
    outcomes = [_run(label, load_any(path), config, args)
                for label, path, config in zip(labels, args.programs, configs)]
    agreement = compare.check_same_results(outcomes)
    for name, having in agreement.one_sided.items():
        print(f"zskip compare: warning: data symbol {name!r} is only in "
              f"{', '.join(having)}; not compared", file=sys.stderr)
    out = sys.stderr if args.json == "-" else sys.stdout
    print(compare.table(outcomes), file=out)
    print("\n" + compare.ratio_table(compare.ratios(outcomes)), file=out)
    print(f"\nsame exit code, output and {agreement.objects} data objects in all runs",
          file=out)
    if args.verify_skips:
        for outcome, config in zip(outcomes, configs):
            if outcome.xzs:
                _run(outcome.label, outcome.program, config, args, verify_skips=True)
                print(f"verify-skips: every skipped block of {outcome.label} was "
                      "unobservable", file=out)
    if args.json:
        text = json.dumps(compare.to_dict(outcomes), indent=2)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w") as f:
                f.write(text + "\n")
    return 0
