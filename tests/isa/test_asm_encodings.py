"""Encodings of `zskip.isa.assembler` against GNU as + ld, word for word: every RV32IM
(+ Zicsr, Zifencei) row with random operands, every Xzs row against its `.insn`
equivalent, and the pseudo-instruction expansions."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zskip.isa.assembler import assemble
from zskip.isa.assembler.operands import CSR_NAMES, REGISTERS
from zskip.isa.encoding import decode
from zskip.isa.table import FIELDS, INSTRUCTIONS, Instruction

from tests.gnu import gnu_words, section_words

BASE_ROWS = [r for r in INSTRUCTIONS if r.extension != "xzs"]
XZS_ROWS = [r for r in INSTRUCTIONS if r.extension == "xzs"]
REG_NAMES = sorted(REGISTERS)


def ours(lines: list[str]) -> list[int]:
    return section_words(assemble("\n".join(lines) + "\n").segments[0].data)


def _fence_set(rng: random.Random) -> str:
    return "".join(c for c in "iorw" if rng.random() < 0.5) or "rw"


def operand_text(field: str, rng: random.Random, edge: bool) -> str:
    """Assembly text for a random (or, with `edge`, an extreme) value of `field`."""
    f = FIELDS[field]
    if f.kind == "reg":
        return rng.choice(REG_NAMES)
    if f.kind == "fence":
        return _fence_set(rng)
    if f.kind == "csr" and rng.random() < 0.3:
        return rng.choice(sorted(CSR_NAMES))
    lo, hi = f.range
    value = rng.choice((lo, hi, 0)) if edge else rng.randrange(lo, hi + 1, f.align)
    if f.kind == "pcrel":
        return f".{value:+d}"
    return hex(value) if value >= 0 and rng.random() < 0.5 else str(value)


def row_line(row: Instruction, rng: random.Random, edge: bool = False) -> str:
    parts = []
    for op in row.syntax:
        if isinstance(op, tuple):
            parts.append(f"{operand_text(op[0], rng, edge)}({operand_text(op[1], rng, edge)})")
        else:
            parts.append(operand_text(op, rng, edge))
    return f"{row.name} {', '.join(parts)}".strip()


def test_every_base_row_random_operands_equal_gnu_as(tmp_path):
    rng = random.Random(20240601)
    lines = [row_line(row, rng, edge=True) for row in BASE_ROWS for _ in range(4)]
    lines += [row_line(rng.choice(BASE_ROWS), rng) for _ in range(3000)]
    expected = gnu_words(lines, tmp_path)
    got = ours(lines)
    assert len(got) == len(lines)
    mismatches = [(line, hex(g), hex(e)) for line, g, e in zip(lines, got, expected) if g != e]
    assert not mismatches, mismatches[:10]
    # and each word decodes back to the row it was written as
    names = [decode(w).insn.name for w in got]
    assert names == [line.split()[0] for line in lines]


@st.composite
def base_lines(draw) -> list[str]:
    seed = draw(st.integers(0, 2**32 - 1))
    rows = draw(st.lists(st.sampled_from(BASE_ROWS), min_size=20, max_size=60))
    rng = random.Random(seed)
    return [row_line(row, rng, edge=rng.random() < 0.1) for row in rows]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])
@given(lines=base_lines())
def test_hypothesis_batches_equal_gnu_as(lines, tmp_path):
    assert ours(lines) == gnu_words(lines, tmp_path)


def insn_equivalent(line: str, word: int, row: Instruction) -> str:
    """The `.insn` line GNU as must turn into the same word as the Xzs `line`."""
    ops = [o.strip() for o in line.split(None, 1)[1].split(",")]
    opcode = {0x0B: "CUSTOM_0", 0x2B: "CUSTOM_1"}[row.match & 0x7F]
    funct3 = (row.match >> 12) & 7
    if row.format == "I_MEM":
        return f".insn i {opcode}, {funct3}, {ops[0]}, {ops[1]}"
    if row.format == "SKIP1":
        return f".insn b {opcode}, {funct3}, {ops[0]}, x0, {ops[1]}"
    if row.format == "B":
        return f".insn b {opcode}, {funct3}, {ops[0]}, {ops[1]}, {ops[2]}"
    assert row.format == "SASA"
    return f".insn r {opcode}, {funct3}, {word >> 25}, {ops[0]}, {ops[1]}, {ops[2]}"


def test_every_xzs_row_equals_its_insn_line(tmp_path):
    rng = random.Random(7)
    lines = [row_line(row, rng, edge=k < 3) for row in XZS_ROWS for k in range(40)]
    got = ours(lines)
    rows = [next(r for r in XZS_ROWS if r.name == line.split()[0]) for line in lines]
    insn_lines = [insn_equivalent(line, w, r) for line, w, r in zip(lines, got, rows)]
    assert gnu_words(insn_lines, tmp_path) == got
    assert [decode(w).insn for w in got] == rows
    # our own .insn reads the same lines to the same words
    assert ours(insn_lines) == got


LI_VALUES = [0, 1, -1, 2047, 2048, -2048, -2049, 4095, 4096, 0x7FF, 0x800, 0x7FFFFFFF,
             0x80000000, -0x80000000, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFF800, 0x7FFFF800,
             0x12345678, 0x12345000, 0x00001000, 0xDEADBEEF, -0x12345678, 0x1000,
             0xFFF, -4096, "'a'", "(1 << 31) - 1", "0b1011", "0777"]


def test_li_expansions_equal_gnu_as(tmp_path):
    regs = REG_NAMES
    lines = [f"li {regs[k % len(regs)]}, {v}" for k, v in enumerate(LI_VALUES)]
    assert ours(lines) == gnu_words(lines, tmp_path)


def test_li_with_earlier_equ_is_sized_by_value(tmp_path):
    lines = [".equ SMALL, 100", ".equ BIG, 0x12345", ".equ ROUND, 0x5000",
             "li a0, SMALL", "li a1, BIG", "li a2, ROUND", "li a3, SMALL*3-BIG"]
    assert ours(lines) == gnu_words(lines, tmp_path)
    assert len(ours(lines)) == 1 + 2 + 1 + 2


PSEUDO_LINES = """
start: nop
mv a0, a1
not t0, s11
neg x5, fp
seqz a2, a3
snez a4, zero
sltz s1, s2
sgtz t6, t5
beqz a0, start
bnez a1, far
blez a2, start
bgez a3, far
bltz a4, start
bgtz a5, far
bgt a0, a1, start
ble a2, a3, far
bgtu a4, a5, start
bleu a6, a7, far
j start
j far
jal start
jal far
jal t0, far
jr a0
jalr a1
jalr t0, a2
jalr t1, 12(t2)
jalr ra, a3, -8
jalr 8(a0)
ret
fence
fence rw, w
fence iorw, iorw
fence.i
ecall
ebreak
csrr a0, cycle
csrr a1, cycleh
csrr a2, 0xc02
rdcycle s0
rdcycleh s1
rdinstret s2
rdinstreth s3
rdtime s4
rdtimeh s5
csrw 0x340, a0
csrs 0x340, a1
csrc 0x340, a2
csrwi 0x340, 5
csrsi 0x340, 31
csrci 0x340, 0
la a0, start
la t3, far
lla a1, far
call start
call far
call t0, far
tail start
tail far
lui a0, %hi(far)
addi a0, a0, %lo(far)
lw a1, %lo(far)(a0)
sw a1, %lo(far)(a0)
1: auipc a0, %pcrel_hi(far)
addi a0, a0, %pcrel_lo(1b)
2: auipc a1, %pcrel_hi(start)
lw a1, %pcrel_lo(2b)(a1)
beq a0, a1, 3f
bne a0, a1, .+8
3: j .
.zero 3000
far: ret
""".strip().splitlines()


def test_pseudo_instructions_equal_gnu_as_under_norelax(tmp_path):
    assert ours(PSEUDO_LINES) == gnu_words(PSEUDO_LINES, tmp_path)


def test_numeric_branch_target_is_an_absolute_address(tmp_path):
    # objdump and the disassembler print targets as addresses: `beq a0, a1, 0x10100` at
    # 0x10000 is the branch to 0x10100 (GNU as instead expands an absolute target into a
    # branch around a jal, so compare with the pc-relative spelling).
    lines = ["beq a0, a1, 0x10100", "jal ra, 0x10000", "skz t0, 0x10008", "j 65536",
             "bnez a0, 0x0fffe + 2"]
    expected_lines = ["beq a0, a1, .+0x100", "jal ra, .-4", ".insn b CUSTOM_1, 0, t0, x0, .+0",
                      "j .-12", "bnez a0, .-0x10"]
    assert ours(lines) == gnu_words(expected_lines, tmp_path)


def test_pc_relative_targets_wrap_around_the_address_space():
    program = assemble("jal ra, 0xfffffff0\nbeq a0, a1, 0x10\n", text_base=0)
    assert section_words(program.segments[0].data) == \
        section_words(assemble("jal ra, .-16\nbeq a0, a1, .+12\n").segments[0].data)


def test_every_csr_name_of_the_table_equals_gnu_as(tmp_path):
    """The CSR table (isa/opcodes/csrs) names the numbers GNU as gives them."""
    lines = [f"{op} a{k % 8}, {name}{', t0' if op != 'csrr' else ''}"
             for k, name in enumerate(CSR_NAMES) for op in ("csrr", "csrrs", "csrrw")]
    lines += [".equ MY_CSR, 0xb00", "csrr a0, MY_CSR"]   # an expression still works
    assert ours(lines) == gnu_words(lines, tmp_path)
    assert {"mcycle", "minstret", "mcycleh", "minstreth", "cycle", "instreth"} <= set(CSR_NAMES)
