"""The instruction table: it loads, its validation catches broken tables, and the
generated C header committed to the repository is fresh."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zskip.isa import cheader
from zskip.isa.table import BY_NAME, INSTRUCTIONS, OP_CLASSES, TableError, load_table

RV32I = ("lui auipc jal jalr beq bne blt bge bltu bgeu lb lh lw lbu lhu sb sh sw addi slti "
         "sltiu xori ori andi slli srli srai add sub sll slt sltu xor srl sra or and fence "
         "ecall ebreak").split()
RV32M = "mul mulh mulhsu mulhu div divu rem remu".split()
XZS = "lw.zd lh.zd lhu.zd lb.zd lbu.zd skz skz2 sknz sasa.or sasa.and".split()


def test_table_holds_every_instruction_once() -> None:
    names = [i.name for i in INSTRUCTIONS]
    assert len(names) == len(set(names))
    assert set(RV32I + RV32M + XZS + ["csrrs", "fence.i"]) <= set(names)
    assert all(BY_NAME[n].extension == "xzs" for n in XZS)
    assert {BY_NAME[n].match & 0x7F for n in XZS} == {0x0B, 0x2B}   # custom-0/custom-1
    assert all(i.opclass in OP_CLASSES for i in INSTRUCTIONS)
    for i in INSTRUCTIONS:
        assert i.match & ~i.mask == 0, i.name


GOOD = "addi I rd rs1 imm12 14..12=0 6..0=0x13 alu"
BAD_TABLES = {
    "unassigned bit": ("add R rd rs1 rs2 14..12=0 6..0=0x33 alu", r"bits 0xfe000000 are unassigned"),
    "bit assigned twice": ("addi I rd rs1 imm12 14..12=0 24..20=0 6..0=0x13 alu",
                           r"24\.\.20=0 assigns a bit twice"),
    "value too wide": ("addi I rd rs1 imm12 14..12=8 6..0=0x13 alu", r"value of 14\.\.12=8 does not fit"),
    "overlapping rows": (GOOD + "\nslti I rd rs1 imm12 14..12=0 6..0=0x13 alu", r"slti overlaps addi"),
    "unknown field": ("addi I rd rs1 imm13 14..12=0 6..0=0x13 alu", r"unknown field 'imm13'"),
    "unknown format": ("addi Q rd rs1 imm12 14..12=0 6..0=0x13 alu", r"unknown format 'Q'"),
    "unknown class": ("addi I rd rs1 imm12 14..12=0 6..0=0x13 fpu", r"unknown op class 'fpu'"),
    "fields against format": ("addi R rd rs1 imm12 14..12=0 6..0=0x13 alu", r"do not match format R"),
    "defined twice": (GOOD + "\n" + GOOD, r"addi is defined twice"),
    "bad bit range": ("addi I rd rs1 imm12 12..14=0 6..0=0x13 alu", r"bad bit range"),
}


@pytest.mark.parametrize("case", BAD_TABLES)
def test_validation_rejects(tmp_path: Path, case: str) -> None:
    text, message = BAD_TABLES[case]
    (tmp_path / "ext").write_text("# a broken table\n" + text + "\n")
    with pytest.raises(TableError, match=message) as info:
        load_table(tmp_path, ("ext",))
    assert str(info.value).startswith("ext")   # names the file


def test_validation_accepts_a_good_table(tmp_path: Path) -> None:
    (tmp_path / "ext").write_text(GOOD + "  # trailing comment\n\n")
    (row,) = load_table(tmp_path, ("ext",))
    assert (row.name, row.match, row.mask, row.fields) == ("addi", 0x13, 0x707F,
                                                          ("rd", "rs1", "imm12"))


def test_committed_header_is_fresh() -> None:
    result = subprocess.run([sys.executable, "-m", "zskip.isa.cheader", "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_stale_header_is_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "isa_table.h"
    copy.write_text(cheader.HEADER_PATH.read_text().replace("0x", "0X", 1))
    monkeypatch.setattr(cheader, "HEADER_PATH", copy)
    assert cheader.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert cheader.main([]) == 0 and cheader.main(["--check"]) == 0   # regeneration fixes it
