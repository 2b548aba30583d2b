"""`zskip run FILE`: run a program (.S/.s assembly, ELF or flat binary) on the core.

The program's output goes to stdout and zskip exits with the program's exit code; a
fault is one message (pc, disassembly, address) and exit status 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tabulate import tabulate

from zskip.core_model import Machine, load_config
from zskip.isa.errors import ZskipError

from .programs import load_any
from .progress import RunProgress


def _count(text: str) -> int:
    try:
        value = int(float(text)) if any(c in text for c in "eE.") and "x" not in text \
            else int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a count: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help=".S/.s assembly, ELF, or flat binary")
    parser.add_argument("--config", default=None,
                        help="core preset (embedded, application) or TOML file "
                             "(default: embedded)")
    parser.add_argument("--max-insns", type=_count, default=None,
                        help="instruction limit (default: the config's max_insns); "
                             "accepts 1e9")
    parser.add_argument("--functional", action="store_true",
                        help="no timing, caches or stalls: fastest")
    parser.add_argument("--verify-skips", action="store_true",
                        help="execute every skipped block and fail if skipping it would "
                             "have changed registers or memory")
    parser.add_argument("--stats", action="store_true", help="print the statistics table (on stderr, after the program output)")
    parser.add_argument("--stats-json", type=Path, metavar="PATH",
                        help="write the statistics as JSON")


def run(args: argparse.Namespace) -> int:
    program = load_any(args.file)
    machine = Machine(program, load_config(args.config), functional=args.functional,
                      verify_skips=args.verify_skips)
    progress = RunProgress(f"running {args.file.name}")
    try:
        stats = machine.run(args.max_insns, progress)
    finally:
        progress.done()
        sys.stdout.buffer.write(machine.output)
        sys.stdout.flush()
    if args.stats:
        print(tabulate(stats.table_rows(), headers=["metric", "value"]), file=sys.stderr)
    if args.stats_json:
        try:
            args.stats_json.write_text(stats.to_json() + "\n")
        except OSError as exc:
            raise ZskipError(f"{args.stats_json}: cannot write: {exc.strerror}") from None
    if machine.status == "breakpoint":
        print(f"zskip run: stopped at ebreak (pc 0x{machine.pc - 4:08x})", file=sys.stderr)
        return 0
    return (machine.exit_code or 0) & 0xFF
