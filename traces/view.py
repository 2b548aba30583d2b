"""Views of an execution trace: the per-instruction table, the per-pc and per-function
profile, and Chrome/Perfetto trace-event JSON (the "JSON Object Format" of the Trace Event
Format: complete events "X", instant events "i", metadata events "M").
"""
from __future__ import annotations

from typing import Any

import numpy as np

from zskip.isa.disasm import SymbolIndex, disassemble_word

from .exec_trace import ExecTrace, cycles
from .record import FLAGS, STALL_CAUSES

# what each flag reads as in the table and as an instant event's name
FLAG_TEXT = {"branch_taken": "taken", "mispredicted": "mispredicted",
             "skip_taken": "skip", "sasa_hit": "SASA hit", "icache_miss": "I$ miss",
             "dcache_miss": "D$ miss"}
assert FLAG_TEXT.keys() == FLAGS.keys()
# flags a pipeline view marks as instant events (a taken branch is the common case)
CHROME_INSTANTS = ("mispredicted", "skip_taken", "sasa_hit", "icache_miss", "dcache_miss")


class Symbolizer:
    """Symbol+offset and disassembly of the pcs of a trace (each pc disassembled once)."""

    def __init__(self, symbols: dict[str, int]):
        self.symbols = symbols
        self.index = SymbolIndex(symbols)
        self._text: dict[tuple[int, int], str] = {}

    def where(self, pc: int) -> str:
        return self.index.describe(pc).strip("<>")

    def function(self, pc: int) -> str:
        """The nearest symbol at or below pc ('?' when none)."""
        return self.where(pc).split("+")[0] or "?"

    def text(self, pc: int, word: int) -> str:
        key = (pc, word)
        if key not in self._text:
            self._text[key] = disassemble_word(word, pc, self.symbols)
        return self._text[key]


def _events(r: np.void) -> str:
    """Flags, skips and stalls of one record, as the table shows them."""
    bits = int(r["flags"])
    out = [text for name, text in FLAG_TEXT.items()
           if bits >> FLAGS[name][0] & 1 and name != "skip_taken"]
    if r["skipped"]:
        out.append(f"skipped {r['skipped']}")
    elif bits >> FLAGS["skip_taken"][0] & 1:
        out.append(FLAG_TEXT["skip_taken"])
    if r["lost"]:
        lost = int(r["lost"])
        out.append("skip lost" + (f" x{lost}" if lost > 1 else ""))
    out += [f"{cause} +{n}" for cause, n in zip(STALL_CAUSES, r["stalls"].tolist()) if n]
    return ", ".join(out)


TABLE_HEADERS = ("cycle", "#", "pc", "where", "instruction", "writes", "events / stalls")


def table_rows(trace: ExecTrace, limit: int | None = None, tail: bool = False
               ) -> list[tuple[Any, ...]]:
    """One row per record (the first or, with tail, the last `limit`)."""
    sym = Symbolizer(trace.symbols)
    records = trace.records if limit is None else \
        trace.records[-limit:] if tail else trace.records[:limit]
    return [(int(r["cycle"]), int(r["index"]), f"{r['pc']:08x}", sym.where(int(r["pc"])),
             sym.text(int(r["pc"]), int(r["word"])),
             f"x{r['rd']}={r['value']:#x}" if r["rd"] else "", _events(r))
            for r in records]


def _stall_columns(records: np.ndarray) -> list[int]:
    """The stall causes the trace has (the others would be columns of zeros)."""
    return [i for i in range(len(STALL_CAUSES)) if records["stalls"][:, i].any()]


def summary(trace: ExecTrace) -> tuple[tuple[list[str], list[tuple[Any, ...]]],
                                       tuple[list[str], list[tuple[Any, ...]]]]:
    """(headers, rows) per pc and per function (nearest preceding symbol), each by cycles
    spent, most first: executions, cycles, share of the trace's cycles, stall cycles by
    cause, instructions skipped."""
    records = trace.records
    sym = Symbolizer(trace.symbols)
    causes = _stall_columns(records)
    per_insn = cycles(records)
    total = max(1, int(per_insn.sum()))
    pcs, inverse = np.unique(records["pc"], return_inverse=True)
    groups = {
        "count": np.bincount(inverse, minlength=len(pcs)),
        "cycles": np.bincount(inverse, per_insn, minlength=len(pcs)),
        "skipped": np.bincount(inverse, records["skipped"], minlength=len(pcs)),
        **{f"s{i}": np.bincount(inverse, records["stalls"][:, i], minlength=len(pcs))
           for i in causes},
    }
    words = np.zeros(len(pcs), dtype=np.uint32)
    words[inverse] = records["word"]           # the last word seen at each pc
    functions = [sym.function(int(pc)) for pc in pcs]

    def row(values: dict[str, Any]) -> list[Any]:
        return [int(values["count"]), int(values["cycles"]),
                f"{100 * values['cycles'] / total:.1f}",
                *[int(values[f"s{i}"]) for i in causes], int(values["skipped"])]

    tail = ["count", "cycles", "% cycles", *[f"stall {STALL_CAUSES[i]}" for i in causes],
            "skipped"]
    by_pc = sorted(((f"{pc:08x}", sym.where(int(pc)), sym.text(int(pc), int(w)),
                     *row({k: v[j] for k, v in groups.items()}))
                    for j, (pc, w) in enumerate(zip(pcs, words))),
                   key=lambda r: -r[4])
    by_fn: dict[str, dict[str, Any]] = {}
    for j, name in enumerate(functions):
        acc = by_fn.setdefault(name, dict.fromkeys(groups, 0))
        for k, v in groups.items():
            acc[k] += v[j]
    fn_rows = sorted(((name, *row(v)) for name, v in by_fn.items()), key=lambda r: -r[2])
    return ((["pc", "where", "instruction", *tail], by_pc), (["function", *tail], fn_rows))


# thread ids of the Chrome trace's tracks
TRACKS = {1: "retire (cycles charged)", 2: "EX", 3: "events"}


def chrome(trace: ExecTrace) -> dict[str, Any]:
    """The trace as Trace Event Format JSON (one cycle = one microsecond): per instruction
    a complete event on the retire track (the cycles charged to it, ending at its retire:
    the events tile the run) and one on the EX track (from its EX start to the next
    instruction's), instant events for mispredictions, skips, SASA hits and cache
    misses, and the run's metadata."""
    sym = Symbolizer(trace.symbols)
    records = trace.records
    per_insn = cycles(records)
    ex = records["cycle"].astype(np.int64) - records["ex_to_retire"]
    consecutive = np.append(np.diff(records["index"].astype(np.int64)) == 1, False)
    ex_end = np.where(consecutive, np.append(ex[1:], 0), ex + 1)
    events: list[dict[str, Any]] = [
        {"ph": "M", "pid": 1, "tid": 0, "name": "process_name",
         "args": {"name": f"zskip {trace.meta['program']} ({trace.meta['config']})"}},
        *({"ph": "M", "pid": 1, "tid": tid, "name": "thread_name", "args": {"name": name}}
          for tid, name in TRACKS.items()),
    ]
    for j, r in enumerate(records):
        pc = int(r["pc"])
        name = sym.text(pc, int(r["word"]))
        args = {"pc": f"0x{pc:08x}", "where": sym.where(pc), "index": int(r["index"]),
                **{f"stall {c}": n for c, n in zip(STALL_CAUSES, r["stalls"].tolist()) if n}}
        if r["rd"]:
            args[f"x{r['rd']}"] = f"{r['value']:#x}"
        events.append({"ph": "X", "pid": 1, "tid": 1, "name": name, "cat": "insn",
                       "ts": int(r["cycle"]) - int(per_insn[j]), "dur": int(per_insn[j]),
                       "args": args})
        events.append({"ph": "X", "pid": 1, "tid": 2, "name": name, "cat": "insn",
                       "ts": int(ex[j]), "dur": max(1, int(ex_end[j] - ex[j])),
                       "args": {"pc": args["pc"]}})
        for fl in CHROME_INSTANTS:
            if r["flags"] >> FLAGS[fl][0] & 1:
                label = f"skipped {r['skipped']}" if r["skipped"] and fl in (
                    "skip_taken", "sasa_hit") else FLAG_TEXT[fl]
                events.append({"ph": "i", "s": "t", "pid": 1, "tid": 3, "name": label,
                               "cat": fl, "ts": int(ex[j]), "args": {"pc": args["pc"]}})
        if r["lost"]:
            events.append({"ph": "i", "s": "t", "pid": 1, "tid": 3, "name": "skip lost",
                           "cat": "skip_lost", "ts": int(ex[j]), "args": {"pc": args["pc"]}})
    meta = {k: v for k, v in trace.meta.items() if k != "stats"}
    return {"traceEvents": events, "displayTimeUnit": "ns",
            "otherData": {"time unit": "1 us = 1 core cycle", **{k: str(v) for k, v in meta.items()}}}

