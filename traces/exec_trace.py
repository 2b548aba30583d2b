"""Execution traces: record a run on the core (record), save and load the binary record
(.npz, fields in traces/README.md), and add a trace up into the figures Stats reports
(totals). The record layout is traces/record.py's TRACE_DTYPE.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from zskip.core_model import Fault, Interrupted, Machine, Stats, TraceError, TraceWindow

from .record import FLAGS, STALL_CAUSES, TRACE_DTYPE

FORMAT = 1                     # the .npz layout; bumped when a field changes meaning
DEFAULT_CAPACITY = 1 << 20     # records the ring keeps (80 MiB)


@dataclass
class ExecTrace:
    """The records of one run, in retire order, and what they were recorded from.

    meta: program, config, window (start, stop, pc_first, pc_last), capacity, written
    (records written; those beyond capacity overwrote the oldest), fill (the pipeline
    fill: cycles before the first instruction retires), stopped_by (None: the program
    ran to its exit or ebreak) and stats (Stats.to_dict() of the run, or None)."""
    records: np.ndarray
    symbols: dict[str, int]
    meta: dict[str, Any]
    fault: BaseException | None = field(default=None, repr=False)   # not saved

    @property
    def dropped(self) -> int:
        """Records the ring overwrote (the oldest)."""
        return self.meta["written"] - len(self.records)

    @property
    def whole(self) -> bool:
        """Every instruction of the run from reset, nothing dropped or filtered out."""
        w = self.meta["window"]
        return (not self.dropped and w["start"] == 0 and w["stop"] is None
                and (w["pc_first"], w["pc_last"]) == (0, 0xFFFFFFFF))

    def save(self, path: str | Path) -> None:
        names = sorted(self.symbols)
        np.savez_compressed(
            path, records=self.records, meta=np.array(json.dumps({"format": FORMAT, **self.meta})),
            symbol_names=np.array(names, dtype=str),
            symbol_addresses=np.array([self.symbols[n] for n in names], dtype=np.uint32))


def load(path: str | Path) -> ExecTrace:
    """A trace saved by ExecTrace.save."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            records = data["records"]
            symbols = dict(zip(data["symbol_names"].tolist(),
                               data["symbol_addresses"].tolist()))
    except (KeyError, ValueError, json.JSONDecodeError) as exc:
        raise TraceError(f"{path}: not a zskip execution trace ({exc})") from None
    if meta.pop("format", None) != FORMAT or records.dtype != TRACE_DTYPE:
        raise TraceError(f"{path}: an execution trace of another format (this zskip reads "
                         f"format {FORMAT})")
    return ExecTrace(records, symbols, meta)


def record(machine: Machine, window: TraceWindow = TraceWindow(), *,
           capacity: int = DEFAULT_CAPACITY, max_insns: int | None = None,
           progress: Callable[[int], None] | None = None,
           output: Callable[[int, bytes], None] | None = None) -> ExecTrace:
    """Run `machine` (from its current state; numbering from its last reset) and record
    what `window` selects, keeping the last `capacity` records. A fault or interrupt ends
    the run: the trace holds what retired before it, and `fault` the exception."""
    if capacity < 1:
        raise TraceError(f"the trace ring must hold at least one record, got {capacity}")
    ring = np.zeros(capacity, dtype=TRACE_DTYPE)
    machine.trace_into(ring, window)
    fault: BaseException | None = None
    stats: Stats | None = None
    try:
        stats = machine.run(max_insns, progress, output)
    except (Fault, Interrupted) as exc:
        fault = exc
    finally:
        written = machine.trace_written
        machine.stop_trace()
    pos = written % capacity
    records = ring[:written] if written <= capacity else np.concatenate((ring[pos:], ring[:pos]))
    meta = {
        "program": machine.program.source, "config": machine.config.name,
        "window": {"start": window.start, "stop": window.stop,
                   "pc_first": window.pc_first, "pc_last": window.pc_last},
        "capacity": capacity, "written": written,
        "fill": machine.config.pipeline.stages - 1,
        "stopped_by": machine.stopped_by,
        "stats": (stats or machine.stats).to_dict(),
    }
    return ExecTrace(records, dict(machine.program.symbols), meta, fault)


def cycles(records: np.ndarray) -> np.ndarray:
    """Cycles each instruction takes: one, plus the stalls charged to it."""
    return 1 + records["stalls"].sum(axis=1, dtype=np.int64)


def flag(records: np.ndarray, name: str) -> np.ndarray:
    """Whether each record has FLAGS[name]."""
    return (records["flags"] >> FLAGS[name][0] & 1).astype(bool)


def totals(records: np.ndarray) -> dict[str, Any]:
    """What the records add up to, under Stats' names (cycles without the fill; stalls by
    cause without it)."""
    return {
        "instructions": len(records),
        "cycles": int(cycles(records).sum()),
        "stalls": dict(zip(STALL_CAUSES, (int(v) for v in
                                          records["stalls"].sum(axis=0, dtype=np.int64)))),
        "skipped": int(records["skipped"].sum(dtype=np.int64)),
        "skips_lost": int(records["lost"].sum(dtype=np.int64)),
        **{name: int(flag(records, name).sum()) for name in FLAGS},
    }
