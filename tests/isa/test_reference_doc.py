"""The instruction reference (docs/isa_reference.md) is generated from the table, and the
committed page is fresh."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zskip.isa import reference_doc
from zskip.isa.table import BY_NAME, EXTENSION, INSTRUCTIONS


def test_committed_reference_is_fresh() -> None:
    result = subprocess.run([sys.executable, "-m", "zskip.isa.reference_doc", "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_stale_reference_is_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "isa_reference.md"
    copy.write_text(reference_doc.DOC_PATH.read_text().replace("0x0b", "0x0c", 1))
    monkeypatch.setattr(reference_doc, "DOC_PATH", copy)
    assert reference_doc.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert reference_doc.main([]) == 0 and reference_doc.main(["--check"]) == 0


def test_every_extension_row_and_only_those_are_documented() -> None:
    text = reference_doc.render()
    for insn in INSTRUCTIONS:
        row = f"| `{insn.name}` | `{reference_doc.syntax(insn)}` |"
        assert (row in text) == (insn.extension == EXTENSION), insn.name


@pytest.mark.parametrize("insn", [i for i in INSTRUCTIONS if i.extension == EXTENSION],
                         ids=lambda i: i.name)
def test_layout_covers_the_word_and_agrees_with_match(insn) -> None:
    segments = reference_doc.layout(insn)
    assert segments[0][0] == 31 and segments[-1][1] == 0
    assert all(a[1] == b[0] + 1 for a, b in zip(segments, segments[1:]))
    for hi, lo, text in segments:
        bits = ((1 << (hi - lo + 1)) - 1) << lo
        if set(text) <= {"0", "1"}:       # a fixed run: exactly the match bits there
            assert insn.mask & bits == bits and (insn.match & bits) >> lo == int(text, 2)
        else:
            assert insn.mask & bits == 0


def test_layout_names_split_fields_like_the_manual() -> None:
    texts = [t for _, _, t in reference_doc.layout(BY_NAME["skz2"])]
    assert texts == ["bimm12[12]", "bimm12[10:5]", "rs2", "rs1", "001", "bimm12[4:1]",
                     "bimm12[11]", "0101011"]
    assert reference_doc.syntax(BY_NAME["lw.zd"]) == "lw.zd rd, imm12(rs1)"
