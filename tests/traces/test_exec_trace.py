"""Execution traces: the record layout C and numpy share, a whole run's records adding
up to its Stats exactly, windows, pc filters and the ring giving the records of the
whole trace they select, a traced run changing no counter, the .npz round trip, errors."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from zskip.core_model import Machine, TraceError, TraceWindow
from zskip.core_model._core import ffi
from zskip.core_model.faults import AccessFault, InstructionLimit
from zskip.core_model.machine import COUNTER_NAMES
from zskip.isa.assembler import assemble
from zskip.traces import exec_trace, record
from zskip.traces.exec_trace import ExecTrace, cycles, totals
from zskip.traces.record import FLAGS, STALL_CAUSES, TRACE_DTYPE

from .conftest import CONFIGS, PROGRAMS


def _trace(program: str, config: str, window: TraceWindow = TraceWindow(),
           capacity: int = exec_trace.DEFAULT_CAPACITY) -> ExecTrace:
    return exec_trace.record(PROGRAMS[program](CONFIGS[config]), window, capacity=capacity)


def test_committed_header_is_fresh() -> None:
    result = subprocess.run([sys.executable, "-m", "zskip.traces.record", "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_stale_header_is_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "trace_record.h"
    copy.write_text(record.HEADER_PATH.read_text().replace("uint16_t flags", "uint32_t flags"))
    monkeypatch.setattr(record, "HEADER_PATH", copy)
    assert record.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert record.main([]) == 0 and record.main(["--check"]) == 0


def test_the_c_struct_is_the_dtype() -> None:
    assert ffi.sizeof("zs_trace_record") == TRACE_DTYPE.itemsize
    c_fields = dict(ffi.typeof("zs_trace_record").fields)
    assert list(c_fields) == list(TRACE_DTYPE.names)
    for name in TRACE_DTYPE.names:
        dtype, offset = TRACE_DTYPE.fields[name][:2]
        assert c_fields[name].offset == offset, name
        assert ffi.sizeof(c_fields[name].type) == dtype.itemsize, name


def test_stall_causes_are_the_cores_stall_counters() -> None:
    core = [n[len("STALL_"):].lower() for n in COUNTER_NAMES if n.startswith("STALL_")]
    assert [*STALL_CAUSES, "fill"] == core
    assert all(counter in COUNTER_NAMES for _, counter in FLAGS.values())


def assert_agrees(trace: ExecTrace) -> None:
    """A whole run's records add up to its Stats."""
    stats = trace.meta["stats"]
    got = totals(trace.records)
    assert trace.whole
    assert got["instructions"] == stats["instructions"]
    assert int(trace.records["cycle"][-1]) == stats["cycles"]
    assert trace.meta["fill"] + got["cycles"] == stats["cycles"]
    assert {**got["stalls"], "fill": trace.meta["fill"]} == stats["stalls"]
    assert got["skipped"] == stats["skipped"]
    assert got["skips_lost"] == stats["skips_lost"]
    assert got["skip_taken"] == stats["skips_taken"]
    assert got["sasa_hit"] == stats["sasa_hits"]
    assert got["branch_taken"] == stats["branches_taken"]
    assert got["mispredicted"] == stats["mispredictions"]
    assert got["icache_miss"] == stats["caches"]["icache"]["misses"]
    assert got["dcache_miss"] == stats["caches"]["dcache"]["misses"]
    assert np.array_equal(trace.records["index"], np.arange(len(trace.records)))
    # each record's cycle is the previous one's plus what was charged to it
    assert np.array_equal(np.diff(trace.records["cycle"].astype(np.int64)),
                          cycles(trace.records)[1:])


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("program", PROGRAMS)
def test_a_whole_trace_agrees_with_the_stats(program: str, config: str) -> None:
    trace = _trace(program, config)
    untraced = PROGRAMS[program](CONFIGS[config]).run().to_dict()
    assert trace.meta["stats"] == untraced
    assert_agrees(trace)
    assert trace.meta["stats"]["instructions"] > 2000


def test_the_kernels_exercise_every_event() -> None:
    """Between them the kernels charge every flag, skipped instructions and lost skips."""
    seen = {name: 0 for name in FLAGS} | {"skipped": 0, "skips_lost": 0}
    for program in PROGRAMS:
        for config in CONFIGS:
            got = totals(_trace(program, config).records)
            for key in seen:
                seen[key] += got[key]
    assert all(seen.values()), seen


@pytest.mark.parametrize("program,config", [("mlp_is/sasa", "embedded"),
                                            ("dense_xzs", "application"),
                                            ("mlp_is/branch", "embedded gshare")])
def test_windows_pc_filters_and_the_ring_select_from_the_whole_trace(program: str,
                                                                     config: str) -> None:
    whole = _trace(program, config)
    r = whole.records
    n = len(r)
    hits = np.flatnonzero(r["flags"] >> FLAGS["sasa_hit"][0] & 1)
    # edges anywhere, right after a SASA trigger included (its skip is made by the next batch)
    edges = [(1, 2), (100, 5000), (n // 3, None), (0, n // 2),
             *[(int(i) + 1, int(i) + 7) for i in hits[:3]]]
    for start, stop in edges:
        part = _trace(program, config, TraceWindow(start, stop))
        assert part.meta["stats"] == whole.meta["stats"], (start, stop)
        assert np.array_equal(part.records, r[start:stop]), (start, stop)
    first, last = int(r["pc"][n // 2]), int(r["pc"][n // 2]) + 12
    part = _trace(program, config, TraceWindow(pc_first=first, pc_last=last))
    assert np.array_equal(part.records, r[(r["pc"] >= first) & (r["pc"] <= last)])
    for capacity in (1, 7, n - 1):
        ring = _trace(program, config, capacity=capacity)
        assert ring.dropped == n - capacity and not ring.whole
        assert np.array_equal(ring.records, r[-capacity:])
    combined = _trace(program, config, TraceWindow(10, 400, first, last), capacity=3)
    sel = r[10:400]
    assert np.array_equal(combined.records, sel[(sel["pc"] >= first) & (sel["pc"] <= last)][-3:])


def test_batches_ending_after_a_sasa_trigger_keep_its_skip() -> None:
    """Machine.run in batches that stop right after a trigger whose block is skipped: the
    next batch makes the skip, so the counters are those of one run."""
    whole = _trace("mlp_is/sasa", "embedded")
    stop_after = [int(i) + 1 for i in np.flatnonzero(whole.records["skipped"])][:20]
    assert stop_after
    for functional in (False, True):
        machine = PROGRAMS["mlp_is/sasa"](CONFIGS["embedded"], functional)
        done = 0
        for at in stop_after:
            with pytest.raises(InstructionLimit):
                machine.run(at - done)
            done = at
        one = PROGRAMS["mlp_is/sasa"](CONFIGS["embedded"], functional).run()
        assert machine.run().to_dict() == one.to_dict()


def test_save_and_load(tmp_path: Path) -> None:
    trace = _trace("dense_xzs", "embedded", TraceWindow(5, 900, 0x10000, 0x10100), capacity=300)
    trace.save(tmp_path / "t.npz")
    back = exec_trace.load(tmp_path / "t.npz")
    assert np.array_equal(back.records, trace.records) and back.records.dtype == TRACE_DTYPE
    assert back.meta == trace.meta and back.symbols == trace.symbols
    assert back.dropped == trace.dropped > 0
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(TraceError, match="not a zskip execution trace"):
        exec_trace.load(tmp_path / "other.npz")


def test_a_fault_ends_the_trace_where_it_happened() -> None:
    program = assemble("""
        .text
        .globl _start
    _start:
        li   t0, 3
        li   t1, 0x7ffffff0
        lw   t2, 0(t1)
    """)
    trace = exec_trace.record(Machine(program))
    assert isinstance(trace.fault, AccessFault)
    assert len(trace.records) == 3 and trace.meta["stopped_by"].startswith("a fault")
    assert trace.records["rd"].tolist() == [5, 6, 6] and trace.records["value"][0] == 3


def test_errors() -> None:
    program = assemble(".text\n.globl _start\n_start:\n li a7, 93\n ecall\n")
    with pytest.raises(TraceError, match="empty"):
        TraceWindow(10, 5)
    with pytest.raises(TraceError, match="pc range"):
        TraceWindow(pc_first=8, pc_last=4)
    with pytest.raises(TraceError, match=">= 0"):
        TraceWindow(-1)
    with pytest.raises(TraceError, match="timing model"):
        Machine(program, functional=True).trace_into(np.zeros(4, TRACE_DTYPE))
    with pytest.raises(TraceError, match="timing model"):
        Machine(program, verify_skips=True).trace_into(np.zeros(4, TRACE_DTYPE))
    with pytest.raises(TraceError, match="records"):
        Machine(program).trace_into(np.zeros(4, np.uint64))
    with pytest.raises(TraceError, match="records"):
        Machine(program).trace_into(np.zeros(0, TRACE_DTYPE))
    with pytest.raises(TraceError, match="at least one"):
        exec_trace.record(Machine(program), capacity=0)
    assert TraceError.exit_status == 125
