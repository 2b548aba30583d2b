"""`zskip trace FILE`: run a program (.S/.s, ELF, flat binary) on the timing model,
record an execution trace and show it: a table per retired instruction (cycle, pc,
symbol+offset, disassembly, register written, skip events and stalls), `--summary` (the
profile per pc and per function), or `--format chrome` (Trace Event JSON for
chrome://tracing or ui.perfetto.dev). `-o FILE.npz` saves the record; `zskip trace
FILE.npz` views a saved one. Recording is bounded by a ring (`--ring`, the last K
records) and by the filters `--from`/`--to` (instruction numbers) and `--pc`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tabulate import tabulate

from zskip.core_model import Machine, TraceError, TraceWindow, load_config
from zskip.isa.program import DEFAULT_BASE, Program, load_any
from zskip.traces import exec_trace, view
from zskip.traces.exec_trace import ExecTrace

from .argtypes import address, count
from .cli import EXIT_STATUS_HELP
from .progress import RunProgress

# options that shape a recording (dest -> flag): meaningless for a saved trace
RECORDING_OPTIONS = {"config": "--config", "base": "--base", "max_insns": "--max-insns",
                     "start": "--from", "stop": "--to", "pc": "--pc", "ring": "--ring"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # trace has no --verify-skips: its status (127) cannot happen here
    parser.epilog = "\n".join(line for line in EXIT_STATUS_HELP.splitlines()
                               if "--verify-skips" not in line)
    parser.add_argument("file", type=Path,
                        help=".S/.s assembly, ELF or flat binary to run, or a saved trace (.npz)")
    parser.add_argument("--config", default=None,
                        help="core preset (embedded, application) or TOML file "
                             "(default: embedded)")
    parser.add_argument("--base", type=address, default=None, metavar="ADDR",
                        help=f"load and entry address of a flat binary (default {DEFAULT_BASE:#x})")
    parser.add_argument("--max-insns", type=count, default=None,
                        help="instruction limit (default: the config's max_insns)")
    parser.add_argument("--from", dest="start", type=count, default=None, metavar="N",
                        help="record from instruction N on (the first N retire untraced, "
                             "on the fast path)")
    parser.add_argument("--to", dest="stop", type=count, default=None, metavar="M",
                        help="record until instruction M has retired (the rest run untraced)")
    parser.add_argument("--pc", default=None, metavar="RANGE",
                        help="record only pcs in START:END (addresses or symbols, END "
                             "excluded) or in SYMBOL (up to the next symbol)")
    parser.add_argument("--ring", type=count, default=exec_trace.DEFAULT_CAPACITY, metavar="K",
                        help="keep the last K records (default %(default)s)")
    parser.add_argument("--summary", action="store_true",
                        help="the profile per pc and per function instead of the table")
    parser.add_argument("--format", choices=("table", "chrome"), default="table",
                        help="table (or --summary), or chrome: Trace Event JSON "
                             "(to -o, else stdout)")
    parser.add_argument("-o", "--output", type=Path, default=None, metavar="PATH",
                        help="table format: save the record (.npz); chrome: write the JSON")
    parser.add_argument("--limit", type=count, default=50, metavar="N",
                        help="table rows to print (default %(default)s)")
    parser.add_argument("--tail", action="store_true", help="print the last rows, not the first")


def _pc_bound(text: str, program: Program) -> int:
    if text in program.symbols:
        return program.symbols[text]
    try:
        return address(text)
    except argparse.ArgumentTypeError:
        raise TraceError(f"--pc: {text!r} is neither an address nor a symbol of "
                         f"{program.source}") from None


def pc_range(text: str, program: Program) -> tuple[int, int]:
    """--pc START:END (END excluded) or SYMBOL (up to the next symbol's address) as
    (first, last) pcs."""
    if ":" in text:
        start_text, end_text = text.split(":", 1)
        first, end = _pc_bound(start_text, program), _pc_bound(end_text, program)
    else:
        first = _pc_bound(text, program)
        later = [a for a in program.symbols.values() if a > first]
        end = min(later, default=1 << 32)
    if end <= first:
        raise TraceError(f"--pc {text}: the range 0x{first:x}..0x{end:x} is empty")
    return first, end - 1


def _record(args: argparse.Namespace) -> ExecTrace:
    program = load_any(args.file, args.base)
    machine = Machine(program, load_config(args.config))
    first, last = pc_range(args.pc, program) if args.pc else (0, 0xFFFFFFFF)
    window = TraceWindow(args.start or 0, args.stop, first, last)
    progress = RunProgress(f"tracing {args.file.name}")

    def output(fd: int, data: bytes) -> None:   # stdout is the trace's: program output to stderr
        progress.done()
        sys.stderr.buffer.write(data)
        sys.stderr.flush()
    try:
        return exec_trace.record(machine, window, capacity=args.ring, max_insns=args.max_insns,
                                 progress=progress, output=output)
    finally:
        progress.done()


def _describe(trace: ExecTrace) -> str:
    m, n = trace.meta, len(trace.records)
    span = f" (instructions {trace.records['index'][0]}..{trace.records['index'][-1]})" if n else ""
    notes = [f"{m['written'] - n} older records dropped by the {m['capacity']}-record ring"
             if trace.dropped else "", f"stopped by {m['stopped_by']}" if m["stopped_by"] else ""]
    return "; ".join([f"{m['program']} on {m['config']}: {n} records{span}",
                      *filter(None, notes)])


def _print_view(args: argparse.Namespace, trace: ExecTrace) -> None:
    if args.summary:
        for title, (headers, rows) in zip(("per pc", "per function"), view.summary(trace)):
            print(f"{title}:")
            print(tabulate(rows, headers=headers, disable_numparse=True))
            print()
        return
    rows = view.table_rows(trace, args.limit, args.tail)
    print(tabulate(rows, headers=view.TABLE_HEADERS, disable_numparse=True))
    if len(trace.records) > len(rows):
        print(f"({len(trace.records) - len(rows)} more records: --limit, --tail, --summary)",
              file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    if args.file.suffix == ".npz":
        given = [flag for dest, flag in RECORDING_OPTIONS.items()
                 if getattr(args, dest) not in (None, exec_trace.DEFAULT_CAPACITY)]
        if given:
            raise TraceError(f"{', '.join(given)}: options of a recording, not of a saved trace")
        trace = exec_trace.load(args.file)
    else:
        trace = _record(args)
    print(_describe(trace), file=sys.stderr)
    if args.format == "chrome":
        text = json.dumps(view.chrome(trace))
        if args.output is None or str(args.output) == "-":
            print(text)
        else:
            args.output.write_text(text + "\n")
    else:
        _print_view(args, trace)
        if args.output is not None:
            trace.save(args.output)
    if trace.fault is not None:
        raise trace.fault
    return 0
