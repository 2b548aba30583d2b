"""The assembler IR (zskip.isa.assembler.ir): records carry rows, operands, locations
and def/use from the ISA table; printing a module gives assembly that re-assembles to
the same bytes, for hand-written kernels, GCC output and random programs."""
from __future__ import annotations

from pathlib import Path

import pytest

from zskip.isa.assembler import (AsmError, Directive, Label, Reg, assemble, parse,
                                 print_module)
from zskip.isa.table import BY_NAME

from tests.core_model.randprog import random_program
from tests.gnu import MARCH, link_sections, run_tool
from tests.isa.test_asm_programs import C_PROGRAM, PROGRAM
from tests.isa.test_asm_syntax import SOURCE as SYNTAX_SOURCE

ROOT = Path(__file__).resolve().parents[2]
KERNELS = sorted((ROOT / "kernels" / "examples").glob("*.S"))
C_PROGS = sorted((ROOT / "tests" / "progs").glob("*.c"))


def assert_round_trip(source: str, filename: str) -> str:
    """print(parse(source)) assembles to the same segments, entry and symbols."""
    expected = assemble(source, filename)
    module = parse(source, filename)
    text = print_module(module)
    again = assemble(text, filename)
    assert [(s.vaddr, s.memsz, s.flags) for s in again.segments] == \
        [(s.vaddr, s.memsz, s.flags) for s in expected.segments]
    for got, want in zip(again.segments, expected.segments):
        assert got.data == want.data
    assert again.entry == expected.entry
    assert {k: v for k, v in again.symbols.items() if not k.startswith(".Lzs_")} == \
        expected.symbols
    # the module itself assembles to the same program as the text
    direct = assemble(module)
    assert [s.data for s in direct.segments] == [s.data for s in expected.segments]
    return text


@pytest.mark.parametrize("source,name", [(PROGRAM, "program.S"), (SYNTAX_SOURCE, "syntax.S")],
                         ids=["program", "syntax"])
def test_round_trip_hand_written(source, name):
    assert_round_trip(source, name)


@pytest.mark.parametrize("path", KERNELS, ids=[p.name for p in KERNELS])
def test_round_trip_kernels(path):
    text = assert_round_trip(path.read_text(), str(path))
    assert ".include" not in text        # included statements are printed inline


@pytest.mark.parametrize("c_file", C_PROGS + [None],
                         ids=[p.stem for p in C_PROGS] + ["asm_programs_c"])
@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_round_trip_gcc_output(tmp_path, c_file, opt):
    if c_file is None:
        c_file = tmp_path / "prog.c"
        c_file.write_text(C_PROGRAM)
    asm_file = tmp_path / "prog.s"
    run_tool("gcc", "-S", opt, *MARCH, "-mno-relax", "-ffreestanding", "-fno-pic",
             f"-I{ROOT / 'tests' / 'progs'}", c_file, "-o", asm_file)
    assert_round_trip(asm_file.read_text(), str(asm_file))


@pytest.mark.parametrize("seed", range(6))
def test_round_trip_random_programs(seed):
    source = random_program(seed, n_units=60, csr_reads=seed % 2 == 0)
    assert_round_trip(source, f"rand{seed}.S")


def test_round_trip_keeps_section_order_symbol_redefinition_and_common():
    source = """
        .section .text.b, "ax"
        .section .text.a, "ax"
        .set K, 1
        .text
        li a0, K
        .section .text.b
        .set K, 2
    f:  li a1, K
        .data
        .word K, later - f
        .set later, . + 8
        .comm buf, 40, 8
        .bss
        .lcomm one, 4
    z:  .zero 3
        .lcomm two, 4
        .section .mine
    m:  .word 5
        .section .note, ""
        .word 6
        .section .tail, "aw", @nobits
    t:  .zero 4
    """
    assert_round_trip(source, "order.S")


def test_records_hold_rows_operands_locations_and_labels():
    module = parse("start:\n  addi a0, a1, 5\nnext: lw.zd t0, 8(s0)\n  sw t0, %lo(x)(a0)\n"
                   "  .data\nx: .word 1, 2\n", "k.S")
    addi, lwzd, sw = module.instructions()
    assert addi.row is BY_NAME["addi"] and addi.labels == ("start",)
    assert addi.operands == {"rd": "a0", "rs1": "a1", "imm12": "5"}
    assert addi.values == {"rd": 10, "rs1": 11}           # expressions wait for layout
    assert addi.loc == ("k.S", 2, 3) and addi.section.name == ".text"
    assert lwzd.labels == ("next",) and lwzd.loc == ("k.S", 3, 7)
    assert sw.operands == {"rs2": "t0", "simm12": "%lo(x)", "rs1": "a0"}
    labels = [i.name for i in module.items if isinstance(i, Label)]
    assert labels == ["start", "next", "x"]
    (word,) = [i for i in module.items if isinstance(i, Directive)]
    assert (word.name, word.text, word.size, word.section.name) == (".word", "1, 2", 8, ".data")
    program = assemble(module)
    assert addi.values["imm12"] == 5 and addi.address == 0x10000
    assert sw.values["simm12"] == (program.symbols["x"] & 0xFFF)
    assert [i.word for i in module.instructions()] == [
        int.from_bytes(program.segments[0].data[k:k + 4], "little") for k in (0, 4, 8)]


def test_pseudos_expand_to_rows_and_remember_their_origin():
    module = parse("  li a0, 0x12345678\n  la a1, sym\n  call f\n  ret\n  nop\n"
                   "f: li a2, later\nsym: .equ later, 7\n", "p.S")
    rows = [(i.row.name, i.pseudo.mnemonic if i.pseudo else None) for i in module.instructions()]
    assert rows == [("lui", "li"), ("addi", "li"), ("auipc", "la"), ("addi", "la"),
                    ("auipc", "call"), ("jalr", "call"), ("jalr", "ret"), ("addi", "nop"),
                    ("lui", "li"), ("addi", "li")]
    li_hi, li_lo, la_hi, la_lo = module.instructions()[:4]
    assert li_hi.pseudo is li_lo.pseudo and li_hi.pseudo.operands == ("a0", "0x12345678")
    assert (li_hi.operands["imm20"], li_lo.operands["imm12"]) == ("0x12345", "1656")
    assert la_hi.operands["imm20"] == "%pcrel_hi(sym)"
    assert la_hi.labels and la_lo.operands["imm12"] == f"%pcrel_lo({la_hi.labels[0]})"
    assert module.instructions()[-2].operands["imm20"] == "%hi(later)"   # not known yet


def test_def_use_from_the_table():
    module = parse("  add a0, a1, a2\n  lw.zd t0, 0(s0)\n  skz2 t0, t1, 1f\n"
                   "  sasa.or a3, t0, t1, 4\n  sw t0, 4(sp)\n  addi zero, a0, 1\n"
                   "  csrr a4, cycle\n1: ret\n", "d.S")
    add, lwzd, skz2, sasa, sw, nop, csrr, ret = module.instructions()
    x, s = (lambda n: Reg("x", n)), (lambda n: Reg("sprf", n))
    assert add.uses == {x(11), x(12)} and add.defs == {x(10), s(10)}
    assert lwzd.uses == {x(8)} and lwzd.defs == {x(5), s(5)}
    assert skz2.uses == {s(5), s(6)} and skz2.defs == set()
    assert sasa.uses == {x(13), s(5), s(6)} and sasa.defs == set()
    assert sw.uses == {x(5), x(2)} and sw.defs == set()
    assert nop.uses == {x(10)} and nop.defs == set()     # a write of x0 is no def
    assert csrr.uses == set() and csrr.defs == {x(14), s(14)}
    assert ret.uses == {x(1)} and str(x(1)) == "x1" and str(s(5)) == "sprf[x5]"


def test_control_flow_properties():
    module = parse("top: beqz a0, out\n  skz t0, top\n  addi a0, a0, 1\n  j top\n"
                   "  call f\n  jalr a5\n  tail f\n  ecall\nout: ret\nf: jr t0\n", "c.S")
    beqz, skz, addi, j, _, call, jalr, _, tail, ecall, ret, jr = module.instructions()
    assert [beqz.branch_target, skz.branch_target, j.branch_target] == ["out", "top", "top"]
    assert [call.branch_target, tail.branch_target] == ["f", "f"]
    assert addi.branch_target is None and jalr.branch_target is None
    assert [i.ends_block for i in (beqz, skz, addi, j, call, ecall, ret)] == \
        [True, True, False, True, True, True, True]
    assert [i.falls_through for i in (beqz, skz, addi, j, call, jalr, tail, ret, jr)] == \
        [True, True, True, False, True, True, False, False, False]


def test_numeric_labels_print_as_local_symbols():
    module = parse("1: addi a0, a0, -1\n  bnez a0, 1b\n  j 1f\n1: ret\n", "n.S")
    target = module.instructions()[1].branch_target
    assert target is not None and target == module.instructions()[0].labels[0]
    text = print_module(module)
    assert "\x02" not in text and ".Lzs_1_1:" in text and "bne a0, zero, .Lzs_1_1" in text


def test_errors_point_at_the_operand_when_parsing_and_when_encoding():
    with pytest.raises(AsmError) as info:
        parse("  nop\n  lw a0, 4(x32)\n", "e.S")
    assert (info.value.line, info.value.column) == (2, 10)
    module = parse("  nop\n  beq a0, a1, far\n  .zero 8192\nfar: ret\n", "e.S")
    with pytest.raises(AsmError) as info:
        assemble(module)
    assert (info.value.line, info.value.column) == (2, 15) and "[-4096, 4094]" in str(info.value)


def test_the_documented_walk_prints_what_the_doc_says(capsys):
    """docs/assembler_ir.md: its example walk's code prints the output shown there."""
    doc = (ROOT / "docs" / "assembler_ir.md").read_text().split("## An example walk", 1)[1]
    blocks = doc.split("```")
    code, shown = blocks[1].removeprefix("python\n"), blocks[3].strip("\n")
    exec(code, {"parse": parse})
    assert capsys.readouterr().out.strip("\n") == shown


def test_gnu_as_reads_the_printed_module_to_the_same_program(tmp_path):
    """The printed text is GNU as syntax: GNU as + ld give the bytes zskip gives."""
    text = print_module(parse(PROGRAM, "program.S"))
    ref = link_sections(text, tmp_path)
    program = assemble(PROGRAM, "program.S")
    assert program.segments[0].data == ref["text"]
    assert program.segments[1].data == ref["data"]
    assert all(ref["symbols"][name] == addr for name, addr in program.symbols.items())
