"""Self-checking assembly per instruction, in the style of riscv-tests.

Python functions play the role of riscv-tests' TEST_RR_OP, TEST_IMM_OP, TEST_LD_OP,
TEST_ST_OP and TEST_BR2_OP macros: each emits a test body that computes a value and
branches to `fail` with the test number in gp when it differs from the expected
constant. The expected values are hand-written constants (as in riscv-tests), never
computed by a model. Each program exits 0 when every test passes, or with the number
of the first failing test; each runs on zskip (timing and functional) and on the
unicorn reference model.

Xzs tests observe the SpRF through skip-branches: a marker register is written inside
a block that a skip would jump over. Every skip is placed well after the load that
sets its condition (and every SASA entry well before its trigger), so no skip is lost
to timing and the timing mode must give the same result.
"""
from __future__ import annotations

import pytest

from .harness import run_reference, run_zskip

SETTLE = ["nop"] * 6    # lets a zero-detect load (or a SASA write) complete in any pipeline


class Suite:
    """Collects test bodies; `source()` wraps them into a program with pass/fail exits."""

    def __init__(self, data: str = ""):
        self.bodies: list[str] = []
        self.data = data

    def test(self, *lines: str) -> None:
        n = len(self.bodies) + 1
        self.bodies.append("\n".join([f"test_{n}:", f"    li gp, {n}"]
                                     + [f"    {line}" for line in lines]))

    def source(self) -> str:
        return "\n".join([
            ".text", ".globl _start", "_start:", "    la s11, tdat", *self.bodies,
            "pass:", "    li a0, 0", "    li a7, 93", "    ecall",
            "fail:", "    mv a0, gp", "    li a7, 93", "    ecall",
            ".data", ".p2align 6", "tdat:", self.data, ""])


def rr(s: Suite, op: str, result: int, v1: int, v2: int) -> None:
    """TEST_RR_OP, plus the variants writing the result over each source."""
    s.test(f"li x1, {v1}", f"li x2, {v2}", f"{op} x14, x1, x2",
           f"li x7, {result}", "bne x14, x7, fail")
    s.test(f"li x1, {v1}", f"li x2, {v2}", f"{op} x1, x1, x2",
           f"li x7, {result}", "bne x1, x7, fail")
    s.test(f"li x1, {v1}", f"li x2, {v2}", f"{op} x2, x1, x2",
           f"li x7, {result}", "bne x2, x7, fail")


def imm(s: Suite, op: str, result: int, v1: int, immediate: int) -> None:
    """TEST_IMM_OP."""
    s.test(f"li x1, {v1}", f"{op} x14, x1, {immediate}", f"li x7, {result}",
           "bne x14, x7, fail")


def ld(s: Suite, op: str, result: int, offset: int) -> None:
    """TEST_LD_OP: load from tdat+offset."""
    s.test(f"{op} x14, {offset}(s11)", f"li x7, {result}", "bne x14, x7, fail")


def st(s: Suite, load: str, store: str, value: int, offset: int, result: int) -> None:
    """TEST_ST_OP: store, load back (through another base), compare."""
    s.test(f"li x2, {value}", f"{store} x2, {offset}(s11)", "addi x5, s11, 16",
           f"{load} x14, {offset - 16}(x5)", f"li x7, {result}", "bne x14, x7, fail")


def br(s: Suite, op: str, v1: int, v2: int, taken: bool) -> None:
    """TEST_BR2_OP_TAKEN / _NOTTAKEN."""
    if taken:
        s.test(f"li x1, {v1}", f"li x2, {v2}", f"{op} x1, x2, 1f", "j fail", "1:")
    else:
        s.test(f"li x1, {v1}", f"li x2, {v2}", f"{op} x1, x2, fail")


def zd(s: Suite, op: str, offset: int, result: int, zero: bool) -> None:
    """A zero-detect load: its value, and its SpRF bit seen by skz over a marker."""
    s.test("li x8, 1", f"{op} x14, {offset}(s11)", *SETTLE, "skz x14, 1f", "li x8, 0", "1:",
           f"li x7, {result}", "bne x14, x7, fail", f"li x7, {int(zero)}", "bne x8, x7, fail")


def skip(s: Suite, setup: list[str], branch: str, taken: bool) -> None:
    """Skip-branch `branch` (target 1f) after `setup`; checks whether it skipped."""
    s.test("li x8, 1", *setup, *SETTLE, f"{branch}, 1f", "li x8, 0", "1:",
           f"li x7, {int(taken)}", "bne x8, x7, fail")


def sasa(s: Suite, setup: list[str], expected: int, after: list[str] = ()) -> None:
    """A SASA entry on a trigger followed by +1, +10, +100, +1000 into x8; `setup` sets
    the entry (x6 = trigger) and the condition registers, `after` runs before it."""
    s.test("la x6, 2f", *setup, "li x8, 0", *after, *SETTLE,
           "2: addi x8, x8, 1", "addi x8, x8, 10", "addi x8, x8, 100", "addi x8, x8, 1000",
           f"li x7, {expected}", "bne x8, x7, fail")


ZERO_WORD, NONZERO_WORD = 0, 4       # tdat offsets of 0x00000000 and 0x00ff0000
XZS_DATA = ".word 0x00000000, 0x00ff0000, 0xff00ff00, 0x00000001"


def suite_alu() -> Suite:
    s = Suite()
    for result, a, b in [(0, 0, 0), (2, 1, 1), (10, 3, 7), (0xFFFF8000, 0, 0xFFFF8000),
                         (0x7FFF8000, 0x80000000, 0xFFFF8000), (0x80007FFF, 0x7FFFFFFF, 0x8000),
                         (0, 0xFFFFFFFF, 1), (0x80000000, 1, 0x7FFFFFFF)]:
        rr(s, "add", result, a, b)
    for result, a, b in [(0, 1, 1), (0xFFFFFFFC, 3, 7), (0x8000, 0, 0xFFFF8000),
                         (0x80008000, 0x80000000, 0xFFFF8000), (0x7FFF7FFF, 0x7FFFFFFF, 0x8000),
                         (0x7FFFFFFF, 0x80000000, 1)]:
        rr(s, "sub", result, a, b)
    for op, cases in {
        "sll": [(1, 1, 0), (0x80, 1, 7), (0x80000000, 1, 31), (0xFFFFFFFE, 0xFFFFFFFF, 1),
                (0x42424242, 0x21212121, 0xFFFFFFE1)],          # shift amount is rs2[4:0]
        "srl": [(0x40000000, 0x80000000, 1), (1, 0x80000000, 31), (1, 0xFFFFFFFF, 31),
                (0x40C0C0C0, 0x81818181, 0xFFFFFFE1)],
        "sra": [(0xC0000000, 0x80000000, 1), (0xFFFFFFFF, 0x80000000, 31),
                (0, 0x7FFFFFFF, 31), (0xC0C0C0C0, 0x81818181, 0xFFFFFFE1)],
        "slt": [(0, 1, 1), (1, 3, 7), (0, 7, 3), (1, 0x80000000, 0), (0, 0x7FFFFFFF, 0x80000000),
                (1, 0xFFFFFFFF, 0)],
        "sltu": [(0, 0xFFFFFFFF, 1), (1, 1, 0xFFFFFFFF), (1, 0x7FFFFFFF, 0x80000000), (0, 0, 0)],
        "xor": [(0xF00FF00F, 0xFF00FF00, 0x0F0F0F0F), (0xFFFFFFFF, 0xFFFFFFFF, 0)],
        "or": [(0xFF0FFF0F, 0xFF00FF00, 0x0F0F0F0F), (0xFFFFFFFF, 0x0000FFFF, 0xFFFF0000)],
        "and": [(0x0F000F00, 0xFF00FF00, 0x0F0F0F0F), (0, 0x0000FFFF, 0xFFFF0000)],
    }.items():
        for result, a, b in cases:
            rr(s, op, result, a, b)
    for op, cases in {
        "addi": [(0x7FF, 0, 2047), (0xFFFFF800, 0, -2048), (0x80000000, 0x7FFFFFFF, 1),
                 (0x7FFFFFFF, 0x80000000, -1)],
        "slti": [(1, 0x80000000, 0), (0, 0, -2048), (1, -2049, -2048)],
        "sltiu": [(1, 0, -2048), (0, 0xFFFFFFFF, -1), (1, 0xFFFFFFFE, -1)],
        "xori": [(0xFF00F00F, 0x00FF0F00, -241), (0xFFFFFFFF, 0, -1)],
        "ori": [(0xFFFFFF0F, 0x00FF0F00, -241), (0x00FF07FF, 0x00FF0000, 2047)],
        "andi": [(0x00FF0F00, 0x00FF0F00, -241), (0x00000700, 0x00FF0F00, 0x7F0)],
        "slli": [(0x80000000, 1, 31), (0xFFFFFFFE, 0xFFFFFFFF, 1), (0x21212121, 0x21212121, 0)],
        "srli": [(1, 0x80000000, 31), (0x7FFFFFFF, 0xFFFFFFFF, 1)],
        "srai": [(0xFFFFFFFF, 0x80000000, 31), (0xC0000000, 0x80000000, 1), (0, 0x7FFFFFFF, 31)],
    }.items():
        for result, a, b in cases:
            imm(s, op, result, a, b)
    # writes to x0 are discarded; x0 reads zero as a source
    s.test("li x1, 5", "add x0, x1, x1", "addi x0, x0, 7", "lui x0, 0x12345",
           "bnez x0, fail")
    s.test("li x1, 11", "add x14, x0, x1", "li x7, 11", "bne x14, x7, fail")
    s.test("lui x14, 0x80000", "li x7, 0x80000000", "bne x14, x7, fail")
    s.test("lui x14, 0xfffff", "srai x14, x14, 12", "li x7, -1", "bne x14, x7, fail")
    s.test("1: auipc x14, 0x1", "la x7, 1b", "sub x14, x14, x7", "li x7, 0x1000",
           "bne x14, x7, fail")
    return s


def suite_m() -> Suite:
    s = Suite()
    for op, cases in {
        "mul": [(21, 3, 7), (1, -1, -1), (0x80000000, 0x80000000, -1), (0, 0x10000, 0x10000),
                (0xFFFFFFFE, 0x7FFFFFFF, 2)],
        "mulh": [(0, -1, -1), (0x40000000, 0x80000000, 0x80000000),
                 (0xC0000000, 0x80000000, 0x7FFFFFFF), (0xFFFFFFFF, -1, 1)],
        "mulhu": [(0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF), (1, 0x80000000, 2), (0, -1, 1)],
        "mulhsu": [(0xFFFFFFFF, -1, 0xFFFFFFFF), (0x80000000, 0x80000000, 0xFFFFFFFF),
                   (1, 2, 0xFFFFFFFF), (0xFFFFFFFF, -1, 1)],
        "div": [(3, 20, 6), (-3, -20, 6), (-3, 20, -6), (3, -20, -6),
                (0x80000000, 0x80000000, -1),   # overflow: INT_MIN / -1 = INT_MIN
                (-1, 20, 0), (-1, 0x80000000, 0)],   # division by zero: all ones
        "divu": [(3, 20, 6), (715827879, -20, 6), (0xFFFFFFFF, 20, 0), (0, 0x7FFFFFFF, 0x80000000)],
        "rem": [(2, 20, 6), (-2, -20, 6), (2, 20, -6), (-2, -20, -6),
                (0, 0x80000000, -1),            # overflow: remainder 0
                (20, 20, 0), (0x80000000, 0x80000000, 0)],   # by zero: the dividend
        "remu": [(2, 20, 6), (2, -20, 6), (20, 20, 0), (0xFFFFFFFF, 0xFFFFFFFF, 0)],
    }.items():
        for result, a, b in cases:
            rr(s, op, result, a, b)
    return s


def suite_mem() -> Suite:
    s = Suite(".byte 0xff, 0x00, 0xf0, 0x0f\n.half 0x00ff, 0xff00, 0x0ff0, 0xf00f\n"
              ".word 0x00ff00ff, 0xff00ff00\n.zero 48")
    for op, result, off in [("lb", 0xFFFFFFFF, 0), ("lb", 0, 1), ("lb", 0xFFFFFFF0, 2),
                            ("lb", 0x0F, 3), ("lbu", 0xFF, 0), ("lbu", 0xF0, 2),
                            ("lh", 0xFF, 4), ("lh", 0xFFFFFF00, 6), ("lh", 0xFFFFF00F, 10),
                            ("lhu", 0xFF00, 6), ("lhu", 0xF00F, 10),
                            ("lw", 0x00FF00FF, 12), ("lw", 0xFF00FF00, 16)]:
        ld(s, op, result, off)
    s.test("addi x5, s11, 20", "lw x14, -4(x5)", "li x7, 0xff00ff00", "bne x14, x7, fail")
    s.test("lw x0, 12(s11)", "bnez x0, fail")
    for load, store, value, off, result in [
            ("lw", "sw", 0xAABBCCDD, 24, 0xAABBCCDD), ("lw", "sw", 0x80000000, 28, 0x80000000),
            ("lh", "sh", 0x0000AA55, 32, 0xFFFFAA55), ("lhu", "sh", 0x1234BEEF, 34, 0xBEEF),
            ("lb", "sb", 0xFFFFFF80, 36, 0xFFFFFF80), ("lbu", "sb", 0x12345678, 37, 0x78),
            ("lw", "sb", 0x000000EF, 40, 0x000000EF)]:
        st(s, load, store, value, off, result)
    s.test("li x2, 0x11223344", "sw x2, 44(s11)", "li x2, 0xAB", "sb x2, 45(s11)",
           "lw x14, 44(s11)", "li x7, 0x1122AB44", "bne x14, x7, fail")
    return s


def suite_control() -> Suite:
    s = Suite()
    for op, taken, not_taken in [
            ("beq", [(0, 0), (1, 1), (-1, -1)], [(0, 1), (1, 0), (-1, 1)]),
            ("bne", [(0, 1), (1, 0), (-1, 1)], [(0, 0), (1, 1), (-1, -1)]),
            ("blt", [(0, 1), (-1, 1), (-2, -1), (0x80000000, 0x7FFFFFFF)],
             [(1, 0), (1, -1), (-1, -2), (0, 0)]),
            ("bge", [(0, 0), (1, 0), (1, -1), (-1, -2), (0x7FFFFFFF, 0x80000000)],
             [(0, 1), (-1, 1), (-2, -1)]),
            ("bltu", [(0, 1), (0xFFFFFFFE, 0xFFFFFFFF), (0x7FFFFFFF, 0x80000000)],
             [(1, 0), (0xFFFFFFFF, 0xFFFFFFFE), (0x80000000, 0x7FFFFFFF), (0, 0)]),
            ("bgeu", [(0, 0), (0xFFFFFFFF, 0xFFFFFFFE), (0x80000000, 0x7FFFFFFF)],
             [(0, 1), (0x7FFFFFFF, 0x80000000)])]:
        for a, b in taken:
            br(s, op, a, b, True)
        for a, b in not_taken:
            br(s, op, a, b, False)
    # backward taken branch: a loop counts to 3
    s.test("li x14, 0", "li x1, 3", "1: addi x14, x14, 1", "blt x14, x1, 1b",
           "li x7, 3", "bne x14, x7, fail")
    # jal/jalr link values are the address after the jump; jalr clears bit 0 of the target
    s.test("jal x14, 1f", "2: j fail", "1: la x7, 2b", "bne x14, x7, fail")
    s.test("la x6, 1f", "jalr x14, 0(x6)", "2: j fail", "1: la x7, 2b", "bne x14, x7, fail")
    s.test("la x6, 1f", "jalr x14, 1(x6)", "2: j fail", "1: la x7, 2b", "bne x14, x7, fail")
    s.test("la x6, 1f - 4", "jalr x6, 4(x6)", "2: j fail", "1: la x7, 2b", "bne x6, x7, fail")
    s.test("jal x0, 1f", "j fail", "1: bnez x0, fail")
    return s


def suite_xzs() -> Suite:
    s = Suite(XZS_DATA)
    for op, off, result, zero in [
            ("lw.zd", ZERO_WORD, 0, True), ("lw.zd", NONZERO_WORD, 0x00FF0000, False),
            ("lh.zd", NONZERO_WORD, 0, True), ("lh.zd", NONZERO_WORD + 2, 0xFF, False),
            ("lhu.zd", 8, 0xFF00, False), ("lh.zd", 8, 0xFFFFFF00, False),
            ("lb.zd", NONZERO_WORD + 1, 0, True), ("lb.zd", NONZERO_WORD + 2, 0xFFFFFFFF, False),
            ("lbu.zd", NONZERO_WORD + 2, 0xFF, False), ("lbu.zd", 12, 1, False),
            ("lbu.zd", 13, 0, True)]:
        zd(s, op, off, result, zero)
    z, nz = f"lw.zd x14, {ZERO_WORD}(s11)", f"lw.zd x15, {NONZERO_WORD}(s11)"
    # any other write of rd clears its SpRF bit, even when the value written is zero
    skip(s, [z, *SETTLE, "addi x14, x0, 0"], "skz x14", False)
    skip(s, [z, *SETTLE, f"lw x14, {ZERO_WORD}(s11)"], "skz x14", False)
    skip(s, [z, *SETTLE, "mul x14, x14, x14"], "skz x14", False)
    skip(s, [z, "lw.zd x14, 12(s11)"], "skz x14", False)      # a later zd load updates it
    skip(s, [f"lw.zd x0, {NONZERO_WORD}(s11)", "bnez x0, fail"], "skz x0", True)
    skip(s, [], "skz x0", True)                                # SpRF[x0] is always set
    skip(s, [], "sknz x0", False)
    skip(s, [z], "sknz x14", False)
    skip(s, [nz], "sknz x15", True)
    skip(s, [z, nz], "skz x15", False)
    skip(s, [z, nz], "skz2 x14, x15", True)
    skip(s, [z, nz], "skz2 x15, x14", True)
    skip(s, [nz, "lw.zd x16, 12(s11)"], "skz2 x15, x16", False)
    skip(s, [z, "lw.zd x16, 0(s11)"], "skz2 x14, x16", True)
    # SASA: trigger +1, then a block of +10 +100 (+1000 after it)
    sasa(s, [z, nz, "sasa.or x6, x14, x15, 2"], 1001)
    sasa(s, [z, nz, "sasa.and x6, x14, x15, 2"], 1111)
    sasa(s, [z, "lw.zd x15, 0(s11)", "sasa.and x6, x14, x15, 2"], 1001)
    sasa(s, [nz, "lw.zd x14, 12(s11)", "sasa.or x6, x14, x15, 3"], 1111)
    sasa(s, [z, "sasa.or x6, x14, x0, 1"], 1101)
    sasa(s, [z, "sasa.or x6, x14, x0, 3"], 1)
    sasa(s, ["sasa.or x6, x0, x0, 2", "sasa.or x6, x0, x0, 0"], 1111)   # len 0 removes
    sasa(s, ["sasa.or x6, x0, x0, 2", "addi x9, x6, 64", "sasa.or x9, x0, x0, 1"], 1111)
    sasa(s, ["sasa.or x6, x0, x0, 2", "addi x9, x6, 4", "sasa.or x9, x0, x0, 1"], 1001)
    sasa(s, [z, "sasa.or x6, x14, x14, 2"], 1111, after=["li x14, 0"])   # cleared by li
    # the entry stays: a loop passing the trigger twice skips both times
    s.test("la x6, 2f", "sasa.or x6, x0, x0, 1", "li x8, 0", "li x9, 2", *SETTLE,
           "2: addi x8, x8, 1", "addi x8, x8, 10", "addi x8, x8, 100", "addi x9, x9, -1",
           "bnez x9, 2b", "li x7, 202", "bne x8, x7, fail")
    return s


SUITES = {f.__name__[6:]: f for f in (suite_alu, suite_m, suite_mem, suite_control, suite_xzs)}


@pytest.mark.parametrize("name", SUITES)
def test_suite(name: str) -> None:
    source = SUITES[name]().source()
    ref = run_reference(source)
    assert (ref.status, ref.exit_code) == ("exit", 0), f"reference: test {ref.exit_code} failed"
    for functional in (True, False):
        m = run_zskip(source, functional=functional)
        assert (m.status, m.exit_code) == ("exit", 0), \
            f"zskip (functional={functional}): test {m.exit_code} failed"
