"""The disassembler against capstone, GNU as, objdump and the zskip assembler."""
from __future__ import annotations

import random
import re
import struct
from pathlib import Path

import capstone
import pytest

from tests.gnu import MARCH_ALL, assemble_and_link, compile_c, run_tool
from zskip.cli import main as zskip_main
from zskip.isa.disasm import NOT_AN_INSTRUCTION, disassemble, disassemble_word
from zskip.isa.elf import executable_sections, read_elf
from zskip.isa.encoding import encode
from zskip.isa.program import load_program
from zskip.isa.table import FIELDS, INSTRUCTIONS, Instruction

BASE = 0x0040_0000   # far enough from 0 that no jal target wraps around
BASE_ROWS = [i for i in INSTRUCTIONS if i.extension != "xzs"]


def random_operands(row: Instruction, rng: random.Random) -> dict[str, int]:
    ops = {}
    for name in row.fields:
        f = FIELDS[name]
        lo, hi = f.range
        ops[name] = rng.randrange(lo, hi + 1, f.align)
    return ops


def random_words(rows: list[Instruction], per_row: int, seed: int,
                 keep=lambda row, ops: True) -> list[int]:
    rng = random.Random(seed)
    words = []
    for row in rows:
        for _ in range(per_row):
            ops = random_operands(row, rng)
            if keep(row, ops):
                words.append(encode(row, ops))
    return words


def code_of(words: list[int]) -> bytes:
    return struct.pack(f"<{len(words)}I", *words)


def test_base_text_agrees_with_capstone() -> None:
    words = random_words(BASE_ROWS, 100, seed=1)
    lines = disassemble(code_of(words), BASE)
    md = capstone.Cs(capstone.CS_ARCH_RISCV, capstone.CS_MODE_RISCV32)
    assert [line.word for line in lines] == words
    for line in lines:
        (_, _, mnemonic, op_str), = md.disasm_lite(struct.pack("<I", line.word), line.address)
        row = next(r for r in BASE_ROWS if line.word & r.mask == r.match)
        pcrel = [f for f in row.fields if FIELDS[f].kind == "pcrel"]
        if row.opclass == "csr":     # the table's CSR syntax, capstone's text in the note
            assert (line.mnemonic, line.note) == (row.name, f"# {mnemonic} {op_str}".rstrip())
        elif row.name in ("jalr", "fence"):   # printed in GNU as syntax
            assert line.mnemonic == row.name
        elif pcrel:
            ours, theirs = line.operands.split(", "), op_str.split(", ")
            assert (line.mnemonic, ours[:-1]) == (mnemonic, theirs[:-1])
            assert int(ours[-1], 16) == (line.address + int(theirs[-1], 0)) & 0xFFFFFFFF
            assert int(ours[-1], 16) == line.address + FIELDS[pcrel[0]].extract(line.word)
        else:
            assert (line.mnemonic, line.operands) == (mnemonic, op_str)


def test_gnu_as_reassembles_base_text(tmp_path: Path) -> None:
    """GNU as takes the text back, except for what it cannot express (an empty fence set)
    or rewrites (a branch to a numeric address becomes a branch around a jump)."""
    words = random_words([r for r in BASE_ROWS if r.opclass != "branch"], 60, seed=2,
                         keep=lambda row, ops: row.name != "fence" or 0 not in ops.values())
    lines = disassemble(code_of(words), BASE)
    source = ".option norvc\n.globl _start\n_start:\n" + "".join(f"\t{l.text}\n" for l in lines)
    exe = assemble_and_link(source, tmp_path, ld_args=(f"-Ttext={BASE:#x}",), march=MARCH_ALL)
    text = read_elf(exe.read_bytes())
    assert text.read(BASE, 4 * len(words)) == code_of(words)


def test_xzs_inside_base_code() -> None:
    words = [encode("addi", dict(rd=10, rs1=0, imm12=5)),
             encode("lw.zd", dict(rd=10, rs1=2, imm12=-8)),
             encode("add", dict(rd=11, rs1=10, rs2=10)),
             encode("skz", dict(rs1=10, bimm12=12)),
             encode("skz2", dict(rs1=10, rs2=11, bimm12=-12)),
             encode("sasa.and", dict(rd=5, rs1=10, rs2=11, len6=3)),
             encode("beq", dict(rs1=10, rs2=11, bimm12=-24)),
             encode("sknz", dict(rs1=31, bimm12=-4094))]
    lines = disassemble(code_of(words), 0x10000, {"_start": 0x10000, "loop": 0x10008})
    assert [(l.address, l.text, l.note) for l in lines] == [
        (0x10000, "addi a0, zero, 5", ""),
        (0x10004, "lw.zd a0, -8(sp)", ""),
        (0x10008, "add a1, a0, a0", ""),                      # capstone resumed
        (0x1000C, "skz a0, 0x10018", "<loop+0x10>"),
        (0x10010, "skz2 a0, a1, 0x10004", "<_start+0x4>"),
        (0x10014, "sasa.and t0, a0, a1, 3", ""),
        (0x10018, "beq a0, a1, 0x10000", "<_start>"),         # and again
        (0x1001C, "sknz t6, 0xf01e", ""),                     # below every symbol
    ]
    assert [l.word for l in lines] == words


def test_undecodable_words_do_not_stop_the_listing() -> None:
    words = [0xFFFFFFFF, encode("ecall", {}), 0x00000000, 0x0000707F,
             0x00052007]                      # flw: capstone knows it, the core does not
    lines = disassemble(code_of(words) + b"\x01\x02", 0x100)
    assert [(l.text, l.note) for l in lines] == [
        (".word 0xffffffff", NOT_AN_INSTRUCTION), ("ecall", ""),
        (".word 0x00000000", NOT_AN_INSTRUCTION), (".word 0x0000707f", NOT_AN_INSTRUCTION),
        ("flw ft0, 0(a0)", NOT_AN_INSTRUCTION), (".byte 0x01, 0x02", "# trailing bytes")]
    assert disassemble_word(0xFFFFFFFF, 0) == ".word 0xffffffff " + NOT_AN_INSTRUCTION


def test_disassemble_word() -> None:
    jal = encode("jal", dict(rd=1, jimm20=-16))
    assert disassemble_word(jal, 0x10010) == "jal 0x10000"
    assert disassemble_word(jal, 0x10010, {"f": 0x10000, "g": 0x10008}) == "jal 0x10000 <f>"
    assert disassemble_word(encode("lbu.zd", dict(rd=8, rs1=9, imm12=2047)), 0) == \
        "lbu.zd s0, 2047(s1)"
    assert disassemble_word(encode("csrrs", dict(rd=10, rs1=0, csr=0xC00)), 0) == \
        "csrrs a0, cycle, zero # rdcycle a0"
    assert disassemble_word(encode("csrrs", dict(rd=10, rs1=0, csr=0xB02)), 0) == \
        "csrrs a0, minstret, zero # csrr a0, minstret"
    assert disassemble_word(encode("csrrw", dict(rd=0, rs1=5, csr=0x7C0)), 0).startswith(
        "csrrw zero, 0x7c0, t0")


def test_asm_of_disasm_is_identity() -> None:
    from zskip.isa.assembler import assemble

    words = random_words(list(INSTRUCTIONS), 60, seed=3)
    lines = disassemble(code_of(words), BASE)
    source = "".join(f"\t{l.text}\n" for l in lines)
    program = assemble(source, "<disasm>", text_base=BASE)
    got = program.read(BASE, 4 * len(words))
    wrong = [(l.text, f"{l.word:#010x}", f"{w:#010x}") for l, w in
             zip(lines, struct.unpack(f"<{len(words)}I", got)) if w != l.word]
    assert not wrong, wrong[:20]


C_SOURCE = r"""
#include <stdint.h>
static int32_t table[64];
const char message[] = "done";
__attribute__((noinline)) int32_t dot(const int32_t *a, const int32_t *b, int n) {
    int32_t s = 0;
    for (int i = 0; i < n; i++) if (a[i]) s += a[i] * b[i];
    return s;
}
__attribute__((noinline)) uint32_t classify(uint32_t x) {
    switch (x % 7) {
    case 0: return x / 3; case 1: return x * 5 + 1; case 2: return x >> 3;
    case 3: return x ^ 0x5a5a; case 4: return (int32_t)x % 11; default: return x - 9;
    }
}
int main(void) {
    for (int i = 0; i < 64; i++) table[i] = (i * 37) % 5 - 2;
    uint32_t h = 0;
    for (int i = 0; i < 64; i++) h = h * 31 + classify(table[i] + i);
    return dot(table, table + 32, 32) + (int32_t)h + message[0];
}
void _start(void) {
    register int a0 asm("a0") = main();
    register int a7 asm("a7") = 93;
    asm volatile("ecall" :: "r"(a0), "r"(a7));
    for (;;) {}
}
"""


@pytest.fixture(scope="module")
def gcc_elf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_c(C_SOURCE, tmp_path_factory.mktemp("gcc"))


def test_gcc_elf_disassembles_completely(gcc_elf: Path) -> None:
    program = load_program(gcc_elf)
    (name, addr, size), = executable_sections(gcc_elf.read_bytes())
    code = program.read(addr, size)
    lines = disassemble(code, addr, program.symbols)
    assert len(lines) == size // 4 and size % 4 == 0
    assert [l.address for l in lines] == list(range(addr, addr + size, 4))
    assert b"".join(struct.pack("<I", l.word) for l in lines) == code
    assert not [l for l in lines if l.note == NOT_AN_INSTRUCTION]
    assert {"mul", "remu", "divu", "rem"} <= {l.mnemonic for l in lines}
    # every branch and jump target (and its symbol) agrees with objdump -d
    dump = run_tool("objdump", "-d", "-M", "no-aliases", gcc_elf)
    objdump = {int(m[1], 16): (m[2], m[3]) for m in re.finditer(
        r"^\s*([0-9a-f]+):\s+[0-9a-f]{8}\s+\S+\s+\S*?([0-9a-f]+) (<[^>]+>)$", dump, re.M)}
    ours = {l.address: (l.operands.rsplit(", ", 1)[-1][2:], l.note) for l in lines if l.note}
    assert objdump and ours == objdump


def test_cli_listing(gcc_elf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert zskip_main(["disasm", str(gcc_elf)]) == 0
    out = capsys.readouterr().out
    assert "Disassembly of section .text" in out and re.search(r"^[0-9a-f]{8} <main>:$", out, re.M)
    assert ".word" not in out
    flat = tmp_path / "code.bin"
    flat.write_bytes(code_of([encode("lw.zd", dict(rd=10, rs1=11, imm12=4)),
                              encode("skz", dict(rs1=10, bimm12=-4))]))
    assert zskip_main(["disasm", str(flat), "--base", "0x2000"]) == 0
    out = capsys.readouterr().out
    assert "    2000:\t0045a50b\tlw.zd a0, 4(a1)\n    2004:\t" in out
    assert "skz a0, 0x2000" in out
    with pytest.raises(SystemExit) as info:   # argparse: usage and message, no traceback
        zskip_main(["disasm", str(flat), "--base", "nope"])
    assert info.value.code == 125 and "expected an address such as 0x10000, got 'nope'" in capsys.readouterr().err
