"""`zskip run FILE`: run a program (.S/.s assembly, ELF or flat binary) on the core.
`zskip run --kernel NAME --variant VARIANT`: run a kernel of the suite (kernels/) over
test images and print its accuracy against the numpy reference; `--list-kernels`.

The program's output streams to stdout (fd 1) and stderr (fd 2) as it is written, and
zskip exits with the program's exit code; zskip's own outcomes (fault, instruction
limit, ...) have statuses of their own (cli.EXIT_STATUS_HELP).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from zskip.core_model import Fault, Interrupted, Machine, Stats, load_config
from zskip.isa.errors import ZskipError
from zskip.isa.program import DEFAULT_BASE, load_any

from .cli import EXIT_STATUS_HELP
from .argtypes import address, count
from .progress import RunProgress

EXIT_BREAKPOINT = 133   # 128 + SIGTRAP: a shell's status for a process stopped by a trap


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXIT_STATUS_HELP
    parser.add_argument("file", type=Path, nargs="?",
                        help=".S/.s assembly, ELF, or flat binary (or --kernel)")
    parser.add_argument("--kernel", metavar="NAME",
                        help="run a kernel of the suite instead of a file (--list-kernels)")
    parser.add_argument("--variant", default="baseline",
                        help="the kernel's variant: baseline, branch, xzs, sasa "
                             "(default: baseline)")
    parser.add_argument("--images", type=count, default=None, metavar="N",
                        help="the kernel runs over the first N test images (default: all)")
    parser.add_argument("--list-kernels", action="store_true",
                        help="list the suite's kernels and exit")
    parser.add_argument("--config", default=None,
                        help="core preset (embedded, application) or TOML file "
                             "(default: embedded)")
    parser.add_argument("--base", type=address, default=None, metavar="ADDR",
                        help="load and entry address of a flat binary "
                             f"(default {DEFAULT_BASE:#x})")
    parser.add_argument("--max-insns", type=count, default=None,
                        help="instruction limit (default: the config's max_insns); "
                             "accepts 1e9")
    parser.add_argument("--functional", action="store_true",
                        help="no timing, caches or stalls: fastest; --stats shows only "
                             "what this mode computes")
    parser.add_argument("--translate", action="store_true",
                        help="after the first 500k instructions, compile the code they "
                             "ran into the core with the system C compiler (cached per "
                             "code and config): the same results, faster on long runs")
    parser.add_argument("--verify-skips", action="store_true",
                        help="run once more executing every skipped block, and fail if "
                             "skipping it would have changed registers or memory "
                             "(--stats shows the real run, with its skips)")
    parser.add_argument("--stats", action="store_true",
                        help="print the statistics table (on stderr, after the program "
                             "output; partial, and marked so, when the run stops early)")
    parser.add_argument("--stats-json", metavar="PATH",
                        help="write the statistics as JSON (energy in pJ; - for stdout)")


def _output_writer(progress: RunProgress) -> Callable[[int, bytes], None]:
    """Machine.run's output hook: the program's fd 1 to stdout, fd 2 to stderr, at once
    (the progress line cleared first)."""
    def write(fd: int, data: bytes) -> None:
        progress.done()
        stream = sys.stderr if fd == 2 else sys.stdout
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.flush()
    return write


def _report(args: argparse.Namespace, stats: Stats) -> None:
    if args.stats:
        from tabulate import tabulate    # only for --stats: a fifth of a tiny run's start-up
        print(tabulate(stats.table_rows(), headers=["metric", "value"], disable_numparse=True),
              file=sys.stderr)
    if args.stats_json == "-":
        print(stats.to_json())
    elif args.stats_json:
        Path(args.stats_json).write_text(stats.to_json() + "\n")


def _list_kernels() -> int:
    from zskip.kernels import kernels
    rows = [(k.name, k.family, k.workload, ", ".join(k.variants), k.description)
            for k in kernels()]
    from tabulate import tabulate
    print(tabulate(rows, headers=["kernel", "family", "workload", "variants", "description"]))
    return 0


def _run_kernel(args: argparse.Namespace) -> int:
    """Exit status 0 when an exact variant's outputs equal the reference, else 1."""
    from zskip.kernels import run as run_kernel
    result = run_kernel(args.kernel, args.variant, args.config, args.images,
                        functional=args.functional)
    if args.verify_skips:   # once more, executing every skipped block (UnsafeSkip if seen)
        run_kernel(args.kernel, args.variant, args.config, args.images,
                   functional=args.functional, verify_skips=True)
    same = result.matches_reference
    verdict = ("outputs equal the reference" if same else "OUTPUTS DIFFER FROM THE REFERENCE") \
        if result.exact else f"approximate ({'same' if same else 'other'} outputs)"
    print(f"{result.name} / {result.variant} on {result.config}: {result.images} images, "
          f"accuracy {result.accuracy:.4f} (reference {result.reference_accuracy:.4f}), "
          f"{verdict}", file=sys.stderr)
    if result.sparsity:
        print("zero fraction: " + ", ".join(f"{k} {v:.3f}" for k, v in result.sparsity.items()),
              file=sys.stderr)
    if args.verify_skips:
        print(f"zskip run: verify-skips: all {result.stats.skips_taken + result.stats.sasa_hits} "
              "skips were unobservable", file=sys.stderr)
    _report(args, result.stats)
    return 0 if same or not result.exact else 1


def run(args: argparse.Namespace) -> int:
    if args.list_kernels:
        return _list_kernels()
    if args.kernel:
        if args.file:
            raise ZskipError("give a FILE or --kernel, not both")
        return _run_kernel(args)
    if args.file is None:
        raise ZskipError("give a FILE to run, --kernel NAME or --list-kernels")
    program = load_any(args.file, args.base)
    config = load_config(args.config)
    machine = Machine(program, config, functional=args.functional, translate=args.translate)
    progress = RunProgress(f"running {args.file.name}")
    try:
        try:
            stats = machine.run(args.max_insns, progress, _output_writer(progress))
        finally:
            progress.done()
        if args.verify_skips:
            Machine(program, config, functional=args.functional,
                    verify_skips=True).run(args.max_insns)
            print(f"zskip run: verify-skips: all {stats.skips_taken + stats.sasa_hits} "
                  "skips were unobservable", file=sys.stderr)
    except (Fault, Interrupted):
        _report(args, machine.stats)   # partial (marked) when the real run stopped early
        raise
    _report(args, stats)
    if machine.status == "breakpoint":
        print(f"zskip run: stopped at ebreak (pc 0x{machine.pc - 4:08x})", file=sys.stderr)
        return EXIT_BREAKPOINT
    return (machine.exit_code or 0) & 0xFF
