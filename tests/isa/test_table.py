"""The instruction table: it loads, its validation catches broken tables, and the
generated C header committed to the repository is fresh."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zskip.isa import cheader
from zskip.isa.table import BY_NAME, INSTRUCTIONS, OP_CLASSES, TableError, load_table
from tests.conftest import require_tool

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


# -- the op-class table and the number tables -------------------------------------------

from zskip.isa.table import (CORE_CSRS, CSRS, OPCLASS_TABLE, SYSCALLS,  # noqa: E402
                             load_numbers, load_opclasses)

ALU_ROW = "alu - - - none STALL_RAW rs1,rs2 rd - - alu"
BAD_OPCLASSES = {
    "columns": ("alu - - - none STALL_RAW rs1,rs2 rd - alu", r"expected 11 columns"),
    "memory": ("alu rom - - none STALL_RAW rs1,rs2 rd - - alu", r"memory is 'rom'"),
    "redirect": ("alu - - - commit STALL_RAW rs1,rs2 rd - - alu", r"redirect is 'commit'"),
    "field": ("alu - - - none STALL_RAW rs1,rs3 rd - - alu", r"x_reads names 'rs3'"),
    "stall": ("alu - - - none RAW rs1,rs2 rd - - alu", r"not a STALL_ counter"),
    "zd without rd": ("alu - - - none STALL_RAW rs1 - - zd alu", r"zd needs x_write rd"),
    "twice": (ALU_ROW + "\n" + ALU_ROW, r"alu is defined twice"),
}


@pytest.mark.parametrize("case", BAD_OPCLASSES)
def test_opclass_validation_rejects(tmp_path: Path, case: str) -> None:
    text, message = BAD_OPCLASSES[case]
    (tmp_path / "opclasses").write_text(text + "\n")
    with pytest.raises(TableError, match=message):
        load_opclasses(tmp_path / "opclasses")


def test_operand_roles_come_from_the_class_rows() -> None:
    assert BY_NAME["add"].reads_x() == ("rs1", "rs2") and BY_NAME["add"].writes_rd()
    assert BY_NAME["lui"].reads_x() == () and BY_NAME["csrrwi"].reads_x() == ()
    assert BY_NAME["sw"].reads_x() == ("rs1", "rs2") and not BY_NAME["sw"].writes_rd()
    assert BY_NAME["skz2"].reads_x() == () and BY_NAME["skz2"].reads_sprf() == ("rs1", "rs2")
    assert BY_NAME["skz"].reads_sprf() == ("rs1",)
    assert BY_NAME["sasa.or"].reads_x() == ("rd",) and not BY_NAME["sasa.or"].writes_rd()
    assert BY_NAME["lw.zd"].cls.sets_sprf and not BY_NAME["lw"].cls.sets_sprf
    assert [BY_NAME[n].redirect for n in ("jal", "jalr", "beq", "skz", "sasa.and", "add")] == \
        ["decode", "execute", "execute", "decode", "fetch", "none"]
    assert {c.name for c in OPCLASS_TABLE.values() if c.memory} == {"load", "store", "load_zd"}
    assert OP_CLASSES == tuple(OPCLASS_TABLE)


def test_opclass_energy_actions_are_priced() -> None:
    from zskip.core_model.energy import ACTIONS
    for c in OPCLASS_TABLE.values():
        assert c.name in c.energy and set(c.energy) <= set(ACTIONS), c


def test_generated_c_tables_compile_against_the_core_counters(tmp_path: Path) -> None:
    """Every STALL column names a counter of the core; the X-macros expand as documented
    and list the op classes in enum order."""
    csrc = cheader.HEADER_PATH.parent
    probe = tmp_path / "probe.c"
    probe.write_text(r"""
#include "zs_core.h"
#define COUNT(OPC, ...) + 1
_Static_assert(0 ZS_OPCLASS_LIST(COUNT) == OPC_COUNT, "one row per op class");
#define CHECK(OPC, name, ld, st, cond, jump, end, redir, stall) \
    enum { stall_##OPC = ZC_##stall, redir_##OPC = redir, flags_##OPC = ld + st + cond + jump + end };
ZS_OPCLASS_LIST(CHECK)
#define ROLES(ID, s1, s2, zd, redir) + (s1 + s2 + zd + redir >= 0)
_Static_assert(0 ZS_INSN_ROLES(ROLES) == ZS_NUM_INSNS, "one roles row per insn");
#define CSR(ID, r) + r
_Static_assert(0 ZS_CSR_LIST(CSR) == 6, "six counters the core reads");
_Static_assert(ZS_SYS_NR_EXIT == 93 && ZS_SYS_NR_WRITE == 64, "Linux numbers");
""")
    cc = require_tool("cc")
    result = subprocess.run([cc, "-std=gnu11", "-fsyntax-only", "-Werror", f"-I{csrc}",
                             str(probe)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert CSRS["mcycle"] == 0xB00 and CORE_CSRS == {"cycle", "time", "instret", "cycleh",
                                                     "timeh", "instreth"}
    assert SYSCALLS == {"write": 64, "exit": 93}


def test_generated_xzs_column_marks_the_extension_rows(tmp_path: Path) -> None:
    """ZS_INSN_XZS flags exactly the rows of isa/opcodes/xzs (the core rejects them
    when configured without Xzs)."""
    probe = tmp_path / "probe.c"
    probe.write_text("#include <stdint.h>\n#include \"isa_table.h\"\n"
                     "#define XZS(ID, xzs) + xzs\n"
                     f"_Static_assert(0 ZS_INSN_XZS(XZS) == {len(XZS)}, \"Xzs rows\");\n")
    cc = require_tool("cc")
    result = subprocess.run([cc, "-std=gnu11", "-fsyntax-only", "-Werror",
                             f"-I{cheader.HEADER_PATH.parent}", str(probe)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sum(i.extension == "xzs" for i in INSTRUCTIONS) == len(XZS)


def test_number_tables_reject_duplicates(tmp_path: Path) -> None:
    (tmp_path / "csrs").write_text("cycle 0xC00 r\ntime 0xC00 r\n")
    with pytest.raises(TableError, match=r"csrs:2: time or 0xC00 is defined twice"):
        load_numbers(tmp_path / "csrs")
