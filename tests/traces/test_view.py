"""Views of a trace: the table's rows, the profile adding up to the trace's totals, and
the Chrome export's shape (Trace Event Format: the keys each phase needs, complete
events tiling the run)."""
from __future__ import annotations

import json

import numpy as np

from zskip.core_model import TraceWindow
from zskip.traces import exec_trace, view
from zskip.traces.exec_trace import totals
from zskip.traces.record import STALL_CAUSES

from .conftest import CONFIGS, PROGRAMS


def _trace(window: TraceWindow = TraceWindow()) -> exec_trace.ExecTrace:
    return exec_trace.record(PROGRAMS["dense_xzs"](CONFIGS["embedded"]), window)


def test_table_rows() -> None:
    trace = _trace()
    rows = view.table_rows(trace, limit=15)
    assert len(rows) == 15 and len(rows[0]) == len(view.TABLE_HEADERS)
    first = rows[0]
    assert first[:5] == (int(trace.records["cycle"][0]), 0, "00010000", "_start", "auipc s0, 1")
    assert first[5] == "x8=0x11000" and "I$ miss" in first[6] and "icache +" in first[6]
    skz = next(r for r in view.table_rows(trace) if r[4].startswith("skz") and "skipped" in r[6])
    assert skz[3].startswith("outer+") and "<next>" in skz[4]
    assert view.table_rows(trace, limit=2, tail=True)[-1][4] == "ecall"


def test_summary_adds_up_to_the_totals() -> None:
    trace = _trace()
    got = totals(trace.records)
    (pc_headers, by_pc), (fn_headers, by_fn) = view.summary(trace)
    for headers, rows in ((pc_headers, by_pc), (fn_headers, by_fn)):
        column = {h: i for i, h in enumerate(headers)}
        assert sum(r[column["count"]] for r in rows) == got["instructions"]
        assert sum(r[column["cycles"]] for r in rows) == got["cycles"]
        assert sum(r[column["skipped"]] for r in rows) == got["skipped"]
        for cause in STALL_CAUSES:
            if got["stalls"][cause]:
                assert sum(r[column[f"stall {cause}"]] for r in rows) == got["stalls"][cause]
            else:
                assert f"stall {cause}" not in column
        cycles = [r[column["cycles"]] for r in rows]
        assert cycles == sorted(cycles, reverse=True)
    assert by_fn[0][0] == "inner" and {r[0] for r in by_fn} == {"_start", "outer", "inner", "next"}
    assert dict((r[0], r[-1]) for r in by_fn)["outer"] == got["skipped"]   # skz is in outer


def test_chrome_trace_event_format() -> None:
    trace = _trace()
    data = json.loads(json.dumps(view.chrome(trace)))
    events = data["traceEvents"]
    for e in events:
        assert {"ph", "pid", "tid", "name"} <= e.keys()
        assert e["ph"] in ("X", "i", "M")
        if e["ph"] != "M":
            assert isinstance(e["ts"], int) and e["ts"] >= 0
        if e["ph"] == "X":
            assert isinstance(e["dur"], int) and e["dur"] >= 1
        if e["ph"] == "i":
            assert e["s"] in ("g", "p", "t")
    names = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert names == set(view.TRACKS.values())
    retire = [e for e in events if e["ph"] == "X" and e["tid"] == 1]
    assert len(retire) == len(trace.records)
    # the retire track tiles the run: from the fill to the last cycle
    assert retire[0]["ts"] == trace.meta["fill"]
    assert all(a["ts"] + a["dur"] == b["ts"] for a, b in zip(retire, retire[1:]))
    assert retire[-1]["ts"] + retire[-1]["dur"] == trace.meta["stats"]["cycles"]
    ex = [e for e in events if e["ph"] == "X" and e["tid"] == 2]
    assert all(a["ts"] < b["ts"] for a, b in zip(ex, ex[1:]))
    instants = [e for e in events if e["ph"] == "i"]
    skips = [e for e in instants if e["cat"] == "skip_taken"]
    assert len(skips) == trace.meta["stats"]["skips_taken"] and skips[0]["name"].startswith("skipped ")


def test_views_of_a_filtered_trace() -> None:
    trace = _trace(TraceWindow(100, 200, pc_first=0x10030, pc_last=0x10050))
    assert set(np.unique(trace.records["pc"])) <= set(range(0x10030, 0x10054, 4))
    assert len(view.table_rows(trace)) == len(trace.records)
    (_, by_pc), (_, by_fn) = view.summary(trace)
    assert [r[0] for r in by_fn] == ["inner"]
    ex = [e for e in view.chrome(trace)["traceEvents"] if e["ph"] == "X" and e["tid"] == 2]
    assert len(ex) == len(trace.records)
