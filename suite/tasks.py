"""The built-in suite: every workload of every source in every ISA variant, as picklable
tasks that any executor (suite/executor.py) runs into records, and the per-workload
tables `zskip compare` prints without program arguments.

A *source* provides workloads and runs them: the hand-written kernels of the registry
(KernelSource) and the networks zskip's compiler builds (compiled.py: CompiledSource).
A Task names its source, workload, variant, the config, the image count and the
kernel's parameters, so it can cross a process or a machine; a Record keeps the
figures tables, sweeps and the cache need, as plain data.
"""
from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import importlib.metadata
import io
import json
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

from tabulate import tabulate

from zskip.core_model import CoreConfig, compare
from zskip.isa.errors import ZskipError
from zskip.kernels import registry

from .executor import Executor

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Workload:
    source: str
    name: str
    description: str               # one line: what it computes, on which data
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Task:
    """One run: picklable, and its key() names its result in the cache."""
    source: str
    workload: str
    variant: str
    config: CoreConfig             # as given: the source fits it to the variant
    images: int | None             # None: the whole test split
    params: tuple[tuple[str, Any], ...] = ()
    functional: bool = False
    verify_skips: bool = False

    def key(self) -> str:
        """A digest of everything the result depends on: zskip's version, the source's
        fingerprint of the workload (programs, harness, data, core), the config's keys
        (not its name), the inputs and parameters, the mode."""
        cfg = self.config.to_dict()
        del cfg["name"], cfg["description"]
        table = Path(cfg["energy_table"])
        if table.is_file():
            cfg["energy_table"] = hashlib.sha256(table.read_bytes()).hexdigest()
        data = {"zskip": importlib.metadata.version("zskip"),
                "code": sources()[self.source].fingerprint(self.workload),
                **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)},
                "config": cfg, "params": dict(self.params)}
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Record:
    """What one run gave; energy in pJ. Reads like Stats where compare.ratio and
    bound.skipped_work read it."""
    source: str
    workload: str
    variant: str
    config: str                    # the config it ran on, ", no Xzs" without the hardware
    images: int
    functional: bool
    verify_skips: bool
    instructions: int
    cycles: int
    cpi: float
    energy_total: float
    skips_taken: int               # by skip-branches
    sasa_hits: int
    skipped: int                   # instructions skipped
    skips_lost: int                # to timing: the SpRF bit was late
    stalls: dict[str, int]
    accuracy: float
    reference_accuracy: float
    exact: bool                    # meant to equal the reference bit for bit
    matches_reference: bool
    sparsity: dict[str, float] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        if self.exact and not self.matches_reference:
            raise compare.MismatchError(f"{self.workload}/{self.variant} on {self.config}: "
                                        "outputs differ from the reference")


@dataclass(frozen=True)
class Failure:
    """A task the source refused (e.g. a config the kernel does not fit); a sweep
    leaves the point out, the suite reports it."""
    message: str


class Source(Protocol):
    name: str

    def workloads(self) -> list[Workload]: ...

    def fingerprint(self, workload: str) -> str:
        """Digest of what determines the workload's programs and inputs."""

    def run(self, task: Task) -> Record: ...


def _digest(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(PACKAGE_ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def package_files(folder: str, pattern: str = "*") -> list[Path]:
    """The files of one of zskip's package folders (recursively) matching `pattern`."""
    return [p for p in (PACKAGE_ROOT / folder).rglob(pattern)
            if p.is_file() and "__pycache__" not in p.parts]


@functools.cache
def _core_digest() -> str:
    """The ISA, the core (its sources, its build, its configs) and the shipped data."""
    return _digest(package_files("isa") + package_files("core_model") +
                   package_files("traces/data") + [PACKAGE_ROOT / "traces" / "digits.py"])


def code_fingerprint(files: list[Path]) -> str:
    """What a source's workload depends on: the ISA, the core and the shipped data, and
    the source's own `files`."""
    return hashlib.sha256((_core_digest() + _digest(files)).encode()).hexdigest()


class KernelSource:
    """The hand-written kernels of kernels/registry.py."""
    name = "kernels"

    def workloads(self) -> list[Workload]:
        return [Workload(self.name, k.name, f"{k.description} ({k.workload})", k.variants)
                for k in registry.kernels()]

    @functools.cache
    def fingerprint(self, workload: str) -> str:
        family = registry.get(workload).family
        kernels = PACKAGE_ROOT / "kernels"
        files = [p for p in (kernels / family).iterdir() if p.is_file()] + [
            kernels / f"{family}.py", kernels / f"{family}_model.py",
            kernels / "harness.py", kernels / "registry.py"]
        return code_fingerprint(files)

    def run(self, task: Task) -> Record:
        r = registry.run(task.workload, task.variant, task.config, task.images,
                         functional=task.functional, verify_skips=task.verify_skips,
                         **dict(task.params))
        s = r.stats
        return Record(self.name, r.name, r.variant, r.config, r.images, s.functional,
                      task.verify_skips, s.instructions, s.cycles, s.cpi, s.energy_total,
                      s.skips_taken, s.sasa_hits, s.skipped, s.skips_lost, dict(s.stalls),
                      r.accuracy, r.reference_accuracy, r.exact, r.matches_reference,
                      dict(r.sparsity), dict(r.params))


SOURCES: dict[str, Source] = {KernelSource.name: KernelSource()}


def sources() -> dict[str, Source]:
    """SOURCES with the compiled networks, which join on first use (compiled.py imports
    this module)."""
    from .compiled import CompiledSource
    SOURCES.setdefault(CompiledSource.name, CompiledSource())
    return SOURCES


def run_task(task: Task) -> Record | Failure:
    """Run one task (in whichever process or machine the executor chose)."""
    try:
        return sources()[task.source].run(task)
    except ZskipError as error:
        return Failure(f"{task.workload}/{task.variant} on {task.config.name}: {error}")


def workloads(patterns: list[str] | None = None) -> list[Workload]:
    """Every source's workloads, or those whose names match one of the fnmatch
    `patterns`; a pattern that matches nothing is an error."""
    every = [w for source in sources().values() for w in source.workloads()]
    if not patterns:
        return every
    for pattern in patterns:
        if not any(fnmatchcase(w.name, pattern) for w in every):
            raise registry.KernelError(f"no workload matches {pattern!r} (workloads: "
                                       f"{', '.join(w.name for w in every)})")
    return [w for w in every if any(fnmatchcase(w.name, p) for p in patterns)]


def suite_tasks(chosen: list[Workload], configs: list[CoreConfig],
                images: int | None) -> list[Task]:
    return [Task(w.source, w.name, variant, config, images)
            for config in configs for w in chosen for variant in w.variants]


@dataclass
class Results:
    """Results in task order; `computed` of them ran, the rest came from the cache."""
    results: list[Record | Failure]
    computed: int


class Store(Protocol):
    def get(self, key: str) -> Record | None: ...

    def put(self, key: str, record: Record) -> None: ...


def run_tasks(tasks: list[Task], executor: Executor, cache: Store | None = None,
              on_done: Callable[[int, int], None] | None = None) -> Results:
    """Run every task whose result the cache does not hold (identical tasks once) on
    `executor`, storing what ran; `on_done(done, total)` after each computed task."""
    keys = [t.key() for t in tasks]
    found: dict[str, Record | Failure] = {}
    if cache is not None:
        found = {k: r for k in set(keys) if (r := cache.get(k)) is not None}
    todo = list({k: t for k, t in zip(keys, tasks) if k not in found}.items())
    for done, (i, result) in enumerate(executor.map_unordered(run_task,
                                                              [t for _, t in todo]), 1):
        found[todo[i][0]] = result
        if cache is not None and isinstance(result, Record):
            cache.put(todo[i][0], result)
        if on_done:
            on_done(done, len(todo))
    return Results([found[k] for k in keys], len(todo))


# The suite's table: (key, header, format); CSV and JSON carry the same keys, unrounded.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("variant", "variant", "{}"),
    ("instructions", "instructions", "{}"),
    ("cycles", "cycles", "{}"),
    ("cpi", "CPI", "{:.3f}"),
    ("speedup_vs_baseline", "speedup\nvs baseline", "{:.3f}"),
    ("speedup_vs_branch", "speedup\nvs branch", "{:.3f}"),
    ("energy_uj", "energy\n(uJ)", "{:.2f}"),
    ("energy_saved_vs_baseline", "energy saved\nvs baseline", "{:.1%}"),
    ("energy_saved_vs_branch", "energy saved\nvs branch", "{:.1%}"),
    ("skips_taken", "skips\ntaken", "{}"),
    ("instructions_skipped", "instructions\nskipped", "{}"),
    ("skips_lost", "skips lost\nto timing", "{}"),
    ("accuracy", "accuracy", "{:.1%}"),
)
FORMATS = {"table": "simple", "markdown": "github"}


@dataclass
class WorkloadTable:
    workload: Workload
    config: str                      # the config's name (software variants: without Xzs)
    images: int
    sparsity: dict[str, float]       # operand -> zero fraction (the same in every variant)
    rows: list[dict[str, Any]]       # COLUMNS' keys -> unrounded values (None: n/a)

    @property
    def title(self) -> str:
        zeros = ", ".join(f"{k} {v:.3f}" for k, v in self.sparsity.items())
        return (f"{self.workload.name} on {self.config}, {self.images} images: "
                f"{self.workload.description}\noperand zero fractions: {zeros}")


def _row(rec: Record, by_variant: dict[str, Record]) -> dict[str, Any]:
    over = {ref: compare.ratio(rec.variant, ref, rec, by_variant[ref])
            for ref in ("baseline", "branch") if ref in by_variant}

    def saved(ref: str) -> float | None:
        energy = over[ref].energy if ref in over else None
        return None if energy is None else 1 - 1 / energy
    return {"variant": rec.variant, "instructions": rec.instructions, "cycles": rec.cycles,
            "cpi": rec.cpi,
            "speedup_vs_baseline": over["baseline"].cycles if "baseline" in over else None,
            "speedup_vs_branch": over["branch"].cycles if "branch" in over else None,
            "energy_uj": rec.energy_total / 1e6,
            "energy_saved_vs_baseline": saved("baseline"),
            "energy_saved_vs_branch": saved("branch"),
            "skips_taken": rec.skips_taken + rec.sasa_hits,
            "instructions_skipped": rec.skipped, "skips_lost": rec.skips_lost,
            "accuracy": rec.accuracy}


def tables(tasks: list[Task], results: list[Record | Failure],
           chosen: list[Workload]) -> list[WorkloadTable]:
    """One table per (config, workload) of a suite run; a Failure or an output that
    differs from the reference is an error."""
    by_workload = {w.name: w for w in chosen}
    groups: dict[tuple[str, str], dict[str, Record]] = {}
    for task, result in zip(tasks, results):
        if isinstance(result, Failure):
            raise ZskipError(result.message)
        result.check()
        groups.setdefault((task.config.name, task.workload), {})[task.variant] = result
    out = []
    for (config, name), runs in groups.items():
        first = next(iter(runs.values()))
        out.append(WorkloadTable(by_workload[name], config, first.images, first.sparsity,
                                 [_row(r, runs) for r in runs.values()]))
    return out


def cell(key: str, value: Any) -> str:
    """A value as the table shows it."""
    fmt = next(f for k, _, f in COLUMNS if k == key)
    return "-" if value is None else fmt.format(value)


def render(found: list[WorkloadTable], form: str) -> str:
    """The tables as text (table, markdown), one CSV (a row per workload and variant),
    or JSON (the tables' rows, unrounded)."""
    if form == "json":
        return json.dumps([{"workload": t.workload.name, "source": t.workload.source,
                            "description": t.workload.description, "config": t.config,
                            "images": t.images, "sparsity": t.sparsity, "rows": t.rows}
                           for t in found], indent=2)
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["workload", "config", "images", *(k for k, _, _ in COLUMNS),
                         "sparsity"])
        for t in found:
            zeros = ";".join(f"{k}={v}" for k, v in t.sparsity.items())
            for row in t.rows:
                writer.writerow([t.workload.name, t.config, t.images,
                                 *("" if row[k] is None else row[k] for k, _, _ in COLUMNS),
                                 zeros])
        return out.getvalue().rstrip("\n")
    markdown = form == "markdown"      # a markdown header cell is one line
    headers = [h.replace("\n", " ") if markdown else h for _, h, _ in COLUMNS]
    return "\n\n".join(
        ("### " if markdown else "") + t.title.replace("\n", "\n\n" if markdown else "\n")
        + "\n\n" + tabulate([[cell(k, row[k]) for k, _, _ in COLUMNS] for row in t.rows],
                             headers=headers, tablefmt=FORMATS[form],
                             disable_numparse=True, stralign="right")
        for t in found)
