"""`zskip compare A B [C ...]`: configurations per program, the ratio of every Xzs
program over every software-only one, options, warnings and error messages."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from zskip.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "kernels" / "examples"


@pytest.fixture
def kernels(tmp_path: Path) -> dict[str, str]:
    """The example kernels, and a `branch` variant: the Xzs kernel with an ordinary
    load and a beqz (the base-ISA zero test a software writer would put there)."""
    for name in ("dense_baseline.S", "dense_xzs.S", "dense_data.inc"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    xzs = (EXAMPLES / "dense_xzs.S").read_text()
    branch = xzs.replace("lw.zd t0, 0(s0)", "lw    t0, 0(s0)").replace("skz   t0, next",
                                                                         "beqz  t0, next")
    assert branch.count("beqz") == 1 and "lw.zd" not in branch
    (tmp_path / "dense_branch.S").write_text(branch)
    return {k: str(tmp_path / f"dense_{k}.S") for k in ("baseline", "branch", "xzs")}


def rows(table: str) -> dict[str, list[str]]:
    """The rows of github tables by their first cell (the first table's header: "")."""
    out: dict[str, list[str]] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 1 and not all(c and set(c) <= {"-"} for c in cells):
            out.setdefault(cells[0], cells[1:])
    return out


def test_three_programs_xzs_over_each_software_variant(kernels, capfd) -> None:
    assert main(["compare", kernels["baseline"], kernels["branch"], kernels["xzs"],
                 "--json", "-"]) == 0
    captured = capfd.readouterr()
    data = json.loads(captured.out)                  # stdout: only the JSON with "-"
    table = rows(captured.err)
    assert table[""] == ["dense_baseline.S", "dense_branch.S", "dense_xzs.S"]
    assert table["configuration"] == ["embedded, no Xzs", "embedded, no Xzs", "embedded"]
    assert table["skip-branches seen / taken"] == ["-", "-", "32 / 15"]
    assert [p["xzs"] for p in data["programs"]] == [False, False, True]
    stats = {p["label"]: p["stats"] for p in data["programs"]}
    assert [(r["program"], r["over"]) for r in data["ratios"]] == [
        ("dense_xzs.S", "dense_baseline.S"), ("dense_xzs.S", "dense_branch.S")]
    over_branch = data["ratios"][1]
    assert over_branch["cycles"] == pytest.approx(
        stats["dense_branch.S"]["cycles"] / stats["dense_xzs.S"]["cycles"])
    assert over_branch["energy"] == pytest.approx(
        stats["dense_branch.S"]["energy_total_pj"] / stats["dense_xzs.S"]["energy_total_pj"])
    shown = table["dense_xzs.S over dense_branch.S"]
    assert shown[1] == f"{over_branch['cycles']:.3f}x"
    assert "same exit code, output and 3 data objects in all runs" in captured.err


def test_config_for_one_program_and_max_insns(kernels, capfd) -> None:
    assert main(["compare", kernels["baseline"], kernels["xzs"], "--config-for",
                 "2=application"]) == 0
    table = rows(capfd.readouterr().out)
    assert table["configuration"] == ["embedded, no Xzs", "application"]
    assert main(["compare", kernels["baseline"], kernels["xzs"], "--max-insns", "1000"]) == 124
    assert re.search(r"error: dense_baseline.S: instruction limit reached at pc 0x",
                     capfd.readouterr().err)
    assert main(["compare", kernels["baseline"], kernels["xzs"], "--config-for",
                 "3=application"]) == 125
    assert "--config-for 3: there are only 2 programs" in capfd.readouterr().err
    assert main(["compare", kernels["baseline"]]) == 125


def test_functional_compares_instructions_and_energy_only(kernels, capfd) -> None:
    assert main(["compare", kernels["baseline"], kernels["xzs"], "--functional"]) == 0
    out = capfd.readouterr().out
    table = rows(out)
    assert table["configuration"] == ["embedded, no Xzs, functional", "embedded, functional"]
    assert "cycles" not in table and "CPI" not in table
    instructions, speedup, _ = table["dense_xzs.S over dense_baseline.S"]
    assert instructions == "1.796x" and speedup == "-"


def test_results_differ_names_symbol_offset_and_values(kernels, tmp_path, capfd) -> None:
    wrong = Path(kernels["xzs"]).read_text().replace("add   t4, t4, t3", "sub   t4, t4, t3")
    (tmp_path / "wrong.S").write_text(wrong)
    assert main(["compare", kernels["baseline"], str(tmp_path / "wrong.S")]) == 1
    err = capfd.readouterr().err
    assert re.fullmatch(r"zskip compare: error: results differ in y at byte offset 0: "
                        r"0x[0-9a-f]{8} \(word at \+0\) in dense_baseline.S, "
                        r"0x[0-9a-f]{8} \(word at \+0\) in wrong.S\n", err), err


def test_one_sided_data_symbols_are_warned_about(kernels, tmp_path, capfd) -> None:
    extra = Path(kernels["xzs"]).read_text() + "\n    .data\nscratch: .word 0\n"
    (tmp_path / "extra.S").write_text(extra)
    assert main(["compare", kernels["baseline"], str(tmp_path / "extra.S")]) == 0
    assert "zskip compare: warning: data symbol 'scratch' is only in extra.S; not compared" \
        in capfd.readouterr().err


def test_a_fault_names_the_program(kernels, tmp_path, capfd) -> None:
    bad = tmp_path / "bad.S"
    bad.write_text("    .text\n    .globl _start\n_start:\n    .word 0x0000707b\n")
    assert main(["compare", kernels["baseline"], str(bad)]) == 126
    err = capfd.readouterr().err
    assert err.startswith("zskip compare: error: bad.S: illegal instruction at pc 0x00010000")


def test_verify_skips_checks_each_xzs_program(kernels, capfd) -> None:
    assert main(["compare", kernels["baseline"], kernels["branch"], kernels["xzs"],
                 "--verify-skips"]) == 0
    out = capfd.readouterr().out
    assert out.count("verify-skips:") == 1
    assert "verify-skips: every skipped block of dense_xzs.S was unobservable" in out


def test_translate_gives_the_same_figures(kernels, tmp_path, capfd, monkeypatch) -> None:
    """--translate (here after 100 instructions): the same JSON; the suite refuses it."""
    from zskip.core_model import machine
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(machine, "TRANSLATE_AFTER", 100)
    runs = []
    for extra in ([], ["--translate"]):
        assert main(["compare", kernels["branch"], kernels["xzs"], "--json", "-",
                     *extra]) == 0
        runs.append(json.loads(capfd.readouterr().out))
    assert runs[0] == runs[1]
    assert len(list((tmp_path / "cache" / "zskip" / "translations").glob("*.so"))) == 2
    assert main(["compare", "--translate", "--kernels", "mlp_is"]) != 0
    assert "--translate is for comparing programs" in capfd.readouterr().err
