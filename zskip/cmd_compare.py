"""`zskip compare BASELINE EXTENDED`: run a baseline kernel and its zero-skip version on
the same core, check they compute the same thing, and print the speedup and energy table."""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

from tabulate import tabulate

from zskip.core_model import Machine, Stats, load_config
from zskip.isa.errors import ZskipError
from zskip.isa.program import Program

from .programs import load_any
from .progress import RunProgress


class MismatchError(ZskipError):
    """The two versions of a kernel did not leave the same results."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("baseline", help="baseline program (.S or ELF)")
    parser.add_argument("extended", help="zero-skip version of the same program (.S or ELF)")
    parser.add_argument("--config", help="core config: preset name or TOML path "
                        "(default: embedded)")
    parser.add_argument("--verify-skips", action="store_true",
                        help="also run the extended program executing every skipped block, "
                             "and fail if skipping it was observable")
    parser.add_argument("--json", metavar="PATH", help="write both runs' stats as JSON")


@dataclass
class Outcome:
    program: Program
    machine: Machine
    stats: Stats


def _run(path: str, config, **kwargs) -> Outcome:
    program = load_any(path)
    machine = Machine(program, config, **kwargs)
    progress = RunProgress(f"running {path}")
    try:
        return Outcome(program, machine, machine.run(progress=progress))
    finally:
        progress.done()


def data_objects(outcome: Outcome) -> dict[str, bytes]:
    """Final bytes of every symbol in a writable segment, each up to the next symbol."""
    objects = {}
    for seg in outcome.program.segments:
        if "w" not in seg.flags:
            continue
        inside = sorted((addr, name) for name, addr in outcome.program.symbols.items()
                        if seg.vaddr <= addr < seg.end)
        ends = [addr for addr, _ in inside[1:]] + [seg.end]
        for (addr, name), end in zip(inside, ends):
            objects[name] = outcome.machine.read(addr, end - addr)
    return objects


def check_same_results(base: Outcome, ext: Outcome) -> int:
    """Raise MismatchError unless exit code, output and every shared data object agree;
    returns how many data objects were compared."""
    if (base.machine.exit_code, base.machine.output) != (ext.machine.exit_code,
                                                         ext.machine.output):
        raise MismatchError("exit code or output differ: baseline "
                            f"{base.machine.exit_code} {base.machine.output[:60]!r}, extended "
                            f"{ext.machine.exit_code} {ext.machine.output[:60]!r}")
    a, b = data_objects(base), data_objects(ext)
    shared = sorted(set(a) & set(b))
    differing = [name for name in shared if a[name] != b[name]]
    if differing:
        raise MismatchError(f"results differ in {', '.join(differing)}")
    return len(shared)


def table(base: Stats, ext: Stats) -> str:
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.3f}x" if b else "-"
    rows = [
        ("instructions retired", base.instructions, ext.instructions,
         ratio(base.instructions, ext.instructions)),
        ("cycles", base.cycles, ext.cycles, ratio(base.cycles, ext.cycles)),
        ("CPI", f"{base.cpi:.3f}", f"{ext.cpi:.3f}", ""),
        ("energy (nJ)", f"{base.energy_total / 1e3:.2f}", f"{ext.energy_total / 1e3:.2f}",
         ratio(base.energy_total, ext.energy_total)),
        ("skip-branches seen / taken", "-", f"{ext.skip_branches} / {ext.skips_taken}", ""),
        ("instructions skipped", "-", ext.skipped, ""),
        ("skips lost to timing", "-", ext.skips_lost, ""),
        ("SASA hits", "-", ext.sasa_hits, ""),
    ]
    return tabulate(rows, headers=("", "baseline", "extended", "baseline/extended"),
                    tablefmt="github")


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    base = _run(args.baseline, config)
    ext = _run(args.extended, config)
    compared = check_same_results(base, ext)
    print(table(base.stats, ext.stats))
    print(f"\nsame exit code, output and {compared} data objects in both runs")
    if args.verify_skips:
        _run(args.extended, config, verify_skips=True)
        print("verify-skips: every skipped block was unobservable")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"baseline": base.stats.to_dict(), "extended": ext.stats.to_dict()}, f,
                      indent=2)
    return 0
