"""`zskip compare` without programs (the built-in suite) and `zskip sweep` on the command
line: formats, options that belong to one mode only, the cache report."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from zskip.cli import main

SMALL = ["compare", "--kernels", "cnn,lstm", "--images", "2", "--jobs", "1"]


def test_the_suite_prints_a_table_per_workload_and_formats_agree(capsys) -> None:
    assert main(SMALL) == 0
    table = capsys.readouterr().out
    assert table.count("operand zero fractions") == 2
    assert table.startswith("cnn on embedded, 2 images: 3x3 conv")
    assert "\nlstm on embedded, 2 images:" in table
    assert main(SMALL + ["--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert main(SMALL + ["--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(t["workload"], r["variant"]) for t in data for r in t["rows"]] == \
        [(r["workload"], r["variant"]) for r in rows] == \
        [(w, v) for w in ("cnn", "lstm") for v in ("baseline", "branch", "xzs", "sasa")]
    xzs = data[0]["rows"][2]
    assert float(rows[2]["cycles"]) == xzs["cycles"] and f" {xzs['cycles']} " in table
    assert main(SMALL + ["--format", "markdown", "--config", "embedded",
                         "--config", "application"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.count("### ") == 4 and re.search(r"^\|\s+variant\s+\|", markdown, re.M)
    assert "### lstm on application, 2 images" in markdown


@pytest.mark.parametrize("args, message", [
    (["compare", "--json", "-"], "--json is for comparing programs"),
    (["compare", "a.S"], "give two or more programs to compare, or none for the suite"),
    (["compare", "a.S", "b.S", "--images", "2"], "--images is for the built-in suite"),
    (["compare", "--kernels", "nope"], "no workload matches 'nope'"),
    (["sweep", "weights", "--kernel", "snn"], "feed-forward kernels; snn is snn"),
    (["sweep", "predictor", "--values", "x", "--no-cache"], "is not one of"),
])
def test_misuse_is_refused(args, message, capsys) -> None:
    assert main(args) == 125
    assert message in capsys.readouterr().err


def test_sweep_writes_files_and_reports_the_cache(tmp_path, capsys) -> None:
    args = ["sweep", "memory_latency", "--values", "10,20", "--images", "2", "--jobs", "1",
            "--cache", str(tmp_path / "cache"), "-o", str(tmp_path / "out")]
    assert main(args) == 0
    first = capsys.readouterr()
    assert "20 of 20 runs computed, 0 from the cache" in first.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "mlp_os_memory_latency.csv", "mlp_os_memory_latency.json",
        "mlp_os_memory_latency.png"]
    assert main(args) == 0
    again = capsys.readouterr()
    assert "0 of 20 runs computed, 20 from the cache" in again.err
    assert again.out == first.out
