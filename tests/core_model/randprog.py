"""Seeded random RV32IM + Xzs programs for differential tests, as assembly text.

A program is a prologue (data base register, random register values, SASA entries),
a sequence of units (ALU/M ops with edge values, aligned loads and stores in a data
region, zero-detect loads, skip-branches over blocks, SASA trigger sites, forward
branches and jumps, bounded loops) and an epilogue that writes the first bytes of
the data region to fd 1 and exits with a register's value.

Instruction choices come from the ISA table's op classes, never from a list here.
`repeat` runs the body that many times (a counter in memory: nested in the body's own
loops it changes no register the body keeps); `csr_reads` adds reads of the counter
CSRs (their values depend on the timing model: not for the unicorn reference).
`safe_skips` keeps every skip decision (skip-branch or SASA trigger) at least
SAFE_DISTANCE instructions after anything that writes its condition registers, and
SASA entries far ahead of their triggers, so zskip's timing mode can never lose a
skip and must match the ideal reference model exactly.
"""
from __future__ import annotations

import random

from zskip.core_model.reference import access_width
from zskip.isa.table import CORE_CSRS, INSTRUCTIONS, SYSCALLS, Instruction

BASE = "s11"            # data region base: never written by generated code
LOOP = "s10"            # loop counter: written only by loop units
POOL = [f"x{i}" for i in range(1, 32) if i not in (26, 27)]
DATA_WORDS = 256
OUT_BYTES = 64
SAFE_DISTANCE = 3
EDGES = [0, 1, -1, 2, -2, 31, 32, 0x7FFFFFFF, -0x80000000, 0x55555555, -0x1234568]


def _rows(*classes: str, formats: tuple[str, ...] | None = None) -> list[Instruction]:
    return [i for i in INSTRUCTIONS if i.opclass in classes
            and (formats is None or i.format in formats)]


ALU_R = _rows("alu", "mul", "div", formats=("R",))
ALU_I = _rows("alu", formats=("I", "SHIFT", "U"))
LOADS = _rows("load")
STORES = _rows("store")
ZD_LOADS = _rows("load_zd")
SKIPS = _rows("skip")
SASAS = _rows("sasa")
BRANCHES = _rows("branch")
MULDIV = _rows("mul", "div")


class _Gen:
    def __init__(self, seed: int, safe_skips: bool, insn_syntax: bool,
                 csr_reads: bool = False):
        self.r = random.Random(seed)
        self.safe = safe_skips
        self.csr_reads = csr_reads
        self.insn_syntax = insn_syntax
        self.labels = 0
        self.triggers: list[tuple[str, str, str, int]] = []   # (label, rs1, rs2, block length)

    def label(self) -> str:
        self.labels += 1
        return f"L{self.labels}"

    def reg(self, avoid: tuple[str, ...] = (), dest: bool = False) -> str:
        if dest and self.r.random() < 0.04:
            return "x0"                                  # writes to x0 are discarded
        return self.r.choice([x for x in POOL if x not in avoid])

    def imm12(self) -> int:
        return self.r.choice([0, 1, -1, 2047, -2048, self.r.randint(-2048, 2047)])

    # -- Xzs: mnemonic syntax, or the equivalent GNU `.insn` line -------------------
    def xzs(self, row: Instruction, rd: str = "", rs1: str = "", rs2: str = "x0",
            imm: int | str = 0, length: int = 0) -> str:
        opcode, funct3 = row.match & 0x7F, (row.match >> 12) & 7
        if row.cls.sets_sprf:
            return (f".insn i {opcode:#x}, {funct3}, {rd}, {imm}({rs1})" if self.insn_syntax
                    else f"{row.name} {rd}, {imm}({rs1})")
        if row.opclass == "skip":
            if self.insn_syntax:
                return f".insn b {opcode:#x}, {funct3}, {rs1}, {rs2}, {imm}"
            return f"{row.name} {rs1}, {rs2}, {imm}" if "rs2" in row.fields \
                else f"{row.name} {rs1}, {imm}"
        funct7 = (row.match >> 25) & 0x7F | length << 1      # sasa: len6 over funct7[6:1]
        return (f".insn r {opcode:#x}, {funct3}, {funct7:#x}, {rd}, {rs1}, {rs2}"
                if self.insn_syntax else f"{row.name} {rd}, {rs1}, {rs2}, {length}")

    # -- single instructions ---------------------------------------------------------
    def simple(self, avoid: tuple[str, ...] = ()) -> str:
        """One straight-line instruction that writes no register in `avoid`."""
        kind = self.r.random()
        rd = self.reg(avoid, dest=True)
        if kind < 0.35:
            row = self.r.choice(ALU_R)
            return f"{row.name} {rd}, {self.reg()}, {self.reg()}"
        if kind < 0.6:
            row = self.r.choice(ALU_I)
            if row.format == "U":
                return f"{row.name} {rd}, {self.r.randrange(1 << 20)}"
            if row.format == "SHIFT":
                return f"{row.name} {rd}, {self.reg()}, {self.r.choice([0, 1, 31, self.r.randrange(32)])}"
            return f"{row.name} {rd}, {self.reg()}, {self.imm12()}"
        if kind < 0.7:
            return f"li {rd}, {self.r.choice(EDGES + [self.r.randrange(-2**31, 2**31)])}"
        if kind < 0.8:
            row = self.r.choice(LOADS)
            return f"{row.name} {rd}, {self.offset(row)}({BASE})"
        if kind < 0.9:
            row = self.r.choice(STORES)
            return f"{row.name} {self.reg()}, {self.offset(row)}({BASE})"
        row = self.r.choice(ZD_LOADS)
        return self.xzs(row, rd=rd, rs1=BASE, imm=self.offset(row))

    def offset(self, row: Instruction) -> int:
        return self.r.randrange(0, DATA_WORDS * 4, access_width(row.match)[0])

    def zd_load(self, rd: str) -> str:
        row = self.r.choice(ZD_LOADS)
        return self.xzs(row, rd=rd, rs1=BASE, imm=self.offset(row))

    def filler(self, avoid: tuple[str, ...]) -> list[str]:
        n = self.r.randint(SAFE_DISTANCE, SAFE_DISTANCE + 2) if self.safe \
            else self.r.randint(0, SAFE_DISTANCE)
        return [self.simple(avoid) for _ in range(n)]

    # -- units ---------------------------------------------------------------------------
    def muldiv_edge(self) -> list[str]:
        a, b = self.reg(), self.reg()
        row = self.r.choice(MULDIV)
        return [f"li {a}, {self.r.choice(EDGES)}", f"li {b}, {self.r.choice(EDGES)}",
                f"{row.name} {self.reg(dest=True)}, {a}, {b}"]

    def skip_block(self) -> list[str]:
        row = self.r.choice(SKIPS)
        r1 = self.reg()
        r2 = self.reg((r1,)) if "rs2" in row.fields else "x0"
        cond = (r1, r2)
        lines = [self.zd_load(r) for r in cond if r != "x0" and self.r.random() < 0.85]
        lines += self.filler(cond)
        end = self.label()
        lines.append(self.xzs(row, rs1=r1, rs2=r2, imm=end))
        lines += [self.simple() for _ in range(self.r.randint(1, 6))]
        return lines + [f"{end}:"]

    def sasa_site(self) -> list[str]:
        """A trigger instruction followed by its block; the entry is set in the prologue."""
        r1, r2 = self.reg(), self.reg()
        cond = (r1, r2)
        trig, block = self.label(), self.r.randint(1, 6)
        self.triggers.append((trig, r1, r2, block))
        lines = [self.zd_load(r) for r in dict.fromkeys(cond) if self.r.random() < 0.85]
        lines += self.filler(cond)
        lines.append(f"{trig}: {self.simple(cond)}")
        return lines + [self.simple() for _ in range(block)]

    def forward_branch(self, depth: int, in_loop: bool) -> list[str]:
        row, end = self.r.choice(BRANCHES), self.label()
        lines = [f"{row.name} {self.reg()}, {self.reg()}, {end}"]
        return lines + self.units(self.r.randint(1, 3), depth + 1, in_loop) + [f"{end}:"]

    def forward_jump(self, depth: int, in_loop: bool) -> list[str]:
        end = self.label()
        if self.r.random() < 0.5:
            lines = [f"jal {self.reg(dest=True)}, {end}"]
        else:
            base = self.reg()
            lines = [f"la {base}, {end}", f"jalr {self.reg(dest=True)}, 0({base})"]
        return lines + self.units(self.r.randint(1, 2), depth + 1, in_loop) + [f"{end}:"]

    def loop(self, depth: int) -> list[str]:
        top = self.label()
        return ([f"li {LOOP}, {self.r.randint(1, 6)}", f"{top}:"]
                + self.units(self.r.randint(2, 5), depth + 1, in_loop=True)
                + [f"addi {LOOP}, {LOOP}, -1", f"bnez {LOOP}, {top}"])

    def units(self, n: int, depth: int = 0, in_loop: bool = False) -> list[str]:
        lines: list[str] = []
        for _ in range(n):
            if self.csr_reads and self.r.random() < 0.15:
                csr = self.r.choice(sorted(CORE_CSRS))
                lines.append(f"csrr {self.reg(dest=True)}, {csr}")
            k = self.r.random()
            if k < 0.3:
                lines += [self.simple() for _ in range(self.r.randint(1, 4))]
            elif k < 0.4:
                lines += self.muldiv_edge()
            elif k < 0.62:
                lines += self.skip_block()
            elif k < 0.74:
                lines += self.sasa_site()
            elif k < 0.84 and depth < 2:
                lines += self.forward_branch(depth, in_loop)
            elif k < 0.9 and depth < 2:
                lines += self.forward_jump(depth, in_loop)
            elif not in_loop and depth < 2:
                lines += self.loop(depth)
            else:
                lines.append(self.simple())
        return lines

    def data_word(self) -> int:
        if self.r.random() < 0.5:
            return 0
        return self.r.choice([self.r.randint(1, 255), self.r.randrange(1 << 32),
                              0x80000000, 0xFFFFFFFF, 0x100, 0x10000, 0xFF00])

    def program(self, n_units: int, repeat: int = 1) -> str:
        body = self.units(n_units)
        if repeat > 1:
            body = (["la t6, repeat", f"li t5, {repeat}", "sw t5, 0(t6)", "again:"] + body
                    + ["la t6, repeat", "lw t5, 0(t6)", "addi t5, t5, -1", "sw t5, 0(t6)",
                       "bnez t5, again"])
        prologue = [f"la {BASE}, data"]
        prologue += [f"li x{i}, {self.r.choice(EDGES + [self.r.randrange(1 << 32)])}"
                     for i in range(1, 32) if f"x{i}" in POOL and self.r.random() < 0.5]
        sasa_reg = self.reg()
        for trig, r1, r2, block in self.triggers:
            if self.r.random() < 0.85:
                # never longer than the block: a skip into loop control could hang
                length = self.r.choice([0, block, self.r.randint(1, block)])
                prologue += [f"la {sasa_reg}, {trig}",
                             self.xzs(self.r.choice(SASAS), rd=sasa_reg, rs1=r1, rs2=r2,
                                      length=length)]
        epilogue = ["li a0, 1", f"mv a1, {BASE}", f"li a2, {OUT_BYTES}", f"li a7, {SYSCALLS['write']}", "ecall",
                    f"mv a0, {self.reg()}", f"li a7, {SYSCALLS['exit']}", "ecall"]
        data = [f"    .word {', '.join(str(self.data_word()) for _ in range(8))}"
                for _ in range(DATA_WORDS // 8)]
        code = [line if line.endswith(":") else "    " + line
                for line in prologue + body + epilogue]
        return "\n".join([".text", ".globl _start", "_start:", *code, ".data", ".p2align 2",
                          "data:", *data, "repeat: .word 0"]) + "\n"


def random_program(seed: int, *, n_units: int = 40, safe_skips: bool = False,
                   insn_syntax: bool = False, repeat: int = 1,
                   csr_reads: bool = False) -> str:
    """Assembly text of a random program (deterministic in `seed`). `insn_syntax`
    writes Xzs instructions as GNU `.insn` lines, so GNU as can assemble it too."""
    return _Gen(seed, safe_skips, insn_syntax, csr_reads).program(n_units, repeat)
