"""`zskip trace`: the table, --summary, --format chrome, saving and viewing a record,
the filters, and the errors (exit 125) and faults (126) it reports."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from zskip.cli import main
from zskip.traces import exec_trace

EXAMPLE = str(Path(__file__).resolve().parents[2] / "kernels" / "examples" / "dense_xzs.S")


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", EXAMPLE, "--limit", "5"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["cycle", "#", "pc", "where", "instruction"]
    assert len(lines) == 2 + 5 and "auipc s0, 1" in lines[2] and "x8=0x11000" in lines[2]
    assert "2731 records (instructions 0..2730)" in err and "2726 more records" in err


def test_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", EXAMPLE, "--summary", "--config", "application"]) == 0
    out = capsys.readouterr().out
    assert "per pc:" in out and "per function:" in out
    fn_table = out.split("per function:")[1].splitlines()
    assert fn_table[1].split()[:2] == ["function", "count"] and fn_table[3].split()[0] == "inner"


def test_chrome(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    assert main(["trace", EXAMPLE, "--format", "chrome", "-o", str(out), "--to", "300"]) == 0
    events = json.loads(out.read_text())["traceEvents"]
    assert sum(e["ph"] == "X" and e["tid"] == 1 for e in events) == 300


def test_save_and_view_a_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "t.npz"
    assert main(["trace", EXAMPLE, "--from", "100", "--to", "400", "--pc", "inner",
                 "--ring", "50", "-o", str(saved), "--limit", "3"]) == 0
    first = capsys.readouterr()
    trace = exec_trace.load(saved)
    assert len(trace.records) == 50 and trace.dropped > 0
    assert np.all((trace.records["pc"] >= 0x10030) & (trace.records["pc"] < 0x10054))
    assert np.all((trace.records["index"] >= 100) & (trace.records["index"] < 400))
    assert main(["trace", str(saved), "--limit", "3"]) == 0
    again = capsys.readouterr()
    assert again.out == first.out and "dropped by the 50-record ring" in again.err


@pytest.mark.parametrize("args,message", [
    (["--pc", "0x20:0x10"], "is empty"),
    (["--pc", "nowhere"], "neither an address nor a symbol"),
    (["--from", "10", "--to", "5"], "is empty"),
])
def test_bad_filters(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", EXAMPLE, *args]) == 125
    assert message in capsys.readouterr().err


def test_bad_ring(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["trace", EXAMPLE, "--ring", "0"])
    assert exit_info.value.code == 125 and "must be >= 1" in capsys.readouterr().err


def test_recording_options_on_a_saved_trace(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "t.npz"
    assert main(["trace", EXAMPLE, "-o", str(saved), "--limit", "1"]) == 0
    assert main(["trace", str(saved), "--from", "3"]) == 125
    assert "--from: options of a recording" in capsys.readouterr().err


def test_a_fault_shows_the_trace_then_the_fault(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    prog = tmp_path / "bad.S"
    prog.write_text(".text\n.globl _start\n_start:\n li t0, 3\n lw t1, 1(t0)\n")
    assert main(["trace", str(prog)]) == 126
    out, err = capsys.readouterr()
    assert "li t0, 3" in out or "addi t0, zero, 3" in out
    assert "stopped by a fault" in err and "access fault at pc 0x00010004" in err
