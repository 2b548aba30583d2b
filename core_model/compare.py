"""Comparing programs that compute the same thing (a kernel's software variants and its
Xzs variants): run each on the core it needs, check that they left the same results,
and tabulate instructions, cycles and energy with the ratios of each Xzs program over
each software-only one.

A program that uses Xzs instructions runs on the given configuration; a software-only
program runs on the same configuration without the Xzs hardware (`xzs = false`), so it
pays nothing for the extension (DESIGN.md, "The honest comparison").
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

from tabulate import tabulate

from zskip.isa.errors import ZskipError
from zskip.isa.program import Program, uses_extension

from .config import CoreConfig
from .faults import Fault, Interrupted
from .machine import Machine
from .stats import SCHEMA, Stats


class MismatchError(ZskipError):
    """The compared programs did not leave the same results."""
    exit_status = 1     # as cmp(1) and diff(1) report a difference


@dataclass
class Outcome:
    """One program's run: `label` names it in tables and messages."""
    label: str
    program: Program
    machine: Machine
    stats: Stats

    @property
    def xzs(self) -> bool:
        """It ran on a core with the Xzs hardware (config_for: it uses Xzs instructions)."""
        return self.machine.config.xzs

    @property
    def config_label(self) -> str:
        """The configuration it ran on, e.g. "embedded" or "embedded, no Xzs"."""
        cfg = self.machine.config
        return cfg.name + ("" if cfg.xzs else ", no Xzs") + \
            (", functional" if self.machine.functional else "")


def config_for(program: Program, config: CoreConfig) -> CoreConfig:
    """`config` for a program that uses Xzs instructions; for a software-only program
    the same core without the Xzs hardware."""
    if uses_extension(program) or not config.xzs:
        return config
    return config.updated({"xzs": False})


def run_program(label: str, program: Program, config: CoreConfig, *,
                functional: bool = False, verify_skips: bool = False,
                max_insns: int | None = None, translate: bool = False,
                progress: Callable[[int], None] | None = None) -> Outcome:
    """Run `program` on config_for(program, config); a Fault or an interrupt names it."""
    machine = Machine(program, config_for(program, config), functional=functional,
                      verify_skips=verify_skips, translate=translate)
    try:
        stats = machine.run(max_insns, progress)
    except (Fault, Interrupted) as stop:
        stop.program = label
        raise
    return Outcome(label, program, machine, stats)


def labels(paths: list[str | Path]) -> list[str]:
    """Short names for programs: the file names, or the paths where names repeat."""
    names = [Path(p).name for p in paths]
    return names if len(set(names)) == len(names) else [str(p) for p in paths]


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


def _first_difference(a: bytes, b: bytes) -> tuple[int, str, str] | None:
    """(byte offset, value in a, value in b) of the first differing byte over the
    common length, values as the aligned 32-bit word holding it when both have it."""
    n = min(len(a), len(b))
    off = next((i for i in range(n) if a[i] != b[i]), None)
    if off is None:
        return None
    word = off & ~3
    if word + 4 <= n:
        return off, *(f"0x{int.from_bytes(x[word:word + 4], 'little'):08x} (word at "
                      f"+{word})" for x in (a, b))
    return off, f"0x{a[off]:02x}", f"0x{b[off]:02x}"


@dataclass
class Agreement:
    """What check_same_results compared, and the data symbols not in every program."""
    objects: int
    one_sided: dict[str, list[str]]   # symbol -> labels of the programs that have it


def check_same_results(outcomes: list[Outcome]) -> Agreement:
    """Raise MismatchError unless every program left the first one's exit code, output
    and data objects (symbols in writable segments present in both, compared over the
    shorter's size)."""
    first = outcomes[0]
    objects = [data_objects(o) for o in outcomes]
    for other, theirs in zip(outcomes[1:], objects[1:]):
        if (first.machine.exit_code, first.machine.output) != (other.machine.exit_code,
                                                               other.machine.output):
            raise MismatchError(
                f"exit code or output differ: {first.label} {first.machine.exit_code} "
                f"{first.machine.output[:60]!r}, {other.label} {other.machine.exit_code} "
                f"{other.machine.output[:60]!r}")
        for name in sorted(set(objects[0]) & set(theirs)):
            diff = _first_difference(objects[0][name], theirs[name])
            if diff:
                off, mine, yours = diff
                raise MismatchError(f"results differ in {name} at byte offset {off}: "
                                    f"{mine} in {first.label}, {yours} in {other.label}")
    every = set.intersection(*(set(o) for o in objects))
    one_sided = {name: [o.label for o, objs in zip(outcomes, objects) if name in objs]
                 for name in sorted(set().union(*objects) - every)}
    return Agreement(len(every), one_sided)


@dataclass(frozen=True)
class Ratio:
    """How `program` does against `over`: over's figure / program's (> 1: better)."""
    program: str
    over: str
    instructions: float | None
    cycles: float | None          # the speedup; None in functional mode
    energy: float | None


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


class Figures(Protocol):
    """What a ratio reads of a run: Stats, or a record of one (suite/tasks.py)."""
    instructions: int
    cycles: int
    energy_total: float
    functional: bool


def ratio(program: str, over: str, p: Figures, q: Figures) -> Ratio:
    """How run `p` (labelled `program`) does against run `q` (`over`)."""
    return Ratio(program, over, _ratio(q.instructions, p.instructions),
                 None if p.functional or q.functional else _ratio(q.cycles, p.cycles),
                 _ratio(q.energy_total, p.energy_total))


def ratios(outcomes: list[Outcome]) -> list[Ratio]:
    """Each Xzs program over each software-only one; when there are not both kinds,
    each program over the first."""
    xzs = [o for o in outcomes if o.xzs]
    software = [o for o in outcomes if not o.xzs]
    pairs = [(x, s) for x in xzs for s in software] if xzs and software else \
        [(o, outcomes[0]) for o in outcomes[1:]]
    return [ratio(p.label, q.label, p.stats, q.stats) for p, q in pairs]


def table(outcomes: list[Outcome]) -> str:
    """One column per program; rows a mode did not compute are left out."""
    functional = all(o.stats.functional for o in outcomes)

    def row(name: str, value: Callable[[Stats], Any], xzs_only: bool = False) -> list[Any]:
        return [name] + [value(o.stats) if o.xzs or not xzs_only else "-" for o in outcomes]

    rows = [["configuration"] + [o.config_label for o in outcomes],
            row("instructions retired", lambda s: s.instructions)]
    if not functional:
        rows += [row("cycles", lambda s: s.cycles), row("CPI", lambda s: f"{s.cpi:.3f}")]
    rows += [row("energy, without the timing model's terms (nJ)" if functional
                 else "energy (nJ)", lambda s: f"{s.energy_total / 1e3:.2f}"),
             row("skip-branches seen / taken",
                 lambda s: f"{s.skip_branches} / {s.skips_taken}", True),
             row("instructions skipped", lambda s: s.skipped, True)]
    if not functional:
        rows.append(row("skips lost to timing", lambda s: s.skips_lost, True))
    rows.append(row("SASA hits", lambda s: s.sasa_hits, True))
    return tabulate(rows, headers=[""] + [o.label for o in outcomes], tablefmt="github",
                    disable_numparse=True)


def ratio_table(pairs: list[Ratio]) -> str:
    """Instructions, speedup (cycles) and energy ratios, one row per pair."""
    def fmt(r: float | None) -> str:
        return "-" if r is None else f"{r:.3f}x"
    rows = [(f"{r.program} over {r.over}", fmt(r.instructions), fmt(r.cycles), fmt(r.energy))
            for r in pairs]
    return tabulate(rows, headers=("", "instructions", "speedup (cycles)", "energy"),
                    tablefmt="github", disable_numparse=True)


def to_dict(outcomes: list[Outcome]) -> dict[str, Any]:
    """Every run's statistics (Stats schema) and the ratios, as plain data."""
    return {
        "schema": SCHEMA,
        "programs": [{"label": o.label, "source": o.program.source,
                      "configuration": o.config_label, "xzs": o.xzs,
                      "stats": o.stats.to_dict()} for o in outcomes],
        "ratios": [vars(r) for r in ratios(outcomes)],
    }
