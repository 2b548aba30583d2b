"""The block loop (per-block timing, counts kept per block entry) against the exact
per-instruction loop: same programs, every counter, per-instruction count, register,
SpRF bit, memory byte, output and stop reason identical.

Machine(per_instruction=True) keeps every instruction in the per-instruction loop; the
default hands over between the two loops wherever the block loop can go on.
"""
from __future__ import annotations

import numpy as np
import pytest

from zskip.core_model import Machine, load_config
from zskip.core_model.config import PREDICTORS
from zskip.core_model.faults import Fault, FetchFault

from .harness import program_of
from .randprog import random_program

CONFIGS = [None, "application"]
# every predictor, on the embedded preset and (dynamic ones, small tables that alias:
# counters, history and BTB entries shared between branches) on the application one
PREDICTOR_CONFIGS = {
    f"{preset} {predictor}{' small' if small else ''}": load_config(preset).updated(
        {"pipeline": {"branch_predictor": predictor,
                      **({"predictor_entries": 8, "history_bits": 3, "btb_entries": 2}
                         if small else {})}})
    for predictor in PREDICTORS
    for preset, small in (("embedded", False), ("application", predictor in ("bimodal", "gshare")))
}


def _run(program, per_instruction: bool, functional: bool, config, max_insns: int,
         translate: bool = False):
    m = Machine(program, config, functional=functional, per_instruction=per_instruction,
                translate=translate)
    try:
        m.run(max_insns=max_insns)
        stop = m.status
    except Fault as e:
        stop = f"{type(e).__name__} at 0x{e.pc:08x}"
    return m, stop


def assert_same(program, *, functional: bool = False, config=None,
                max_insns: int = 1_000_000, translate: bool = False) -> Machine:
    """The fast run (translate: translated too) equals the per-instruction one; returns
    the fast machine."""
    fast, fast_stop = _run(program, False, functional, config, max_insns, translate)
    exact, exact_stop = _run(program, True, functional, config, max_insns)
    assert fast_stop == exact_stop
    assert dict(fast._counters_by_name()) == dict(exact._counters_by_name())
    assert np.array_equal(fast._insn_counts, exact._insn_counts)
    assert np.array_equal(fast.x, exact.x) and fast.sprf == exact.sprf
    assert fast.pc == exact.pc and fast.exit_code == exact.exit_code
    assert fast.output == exact.output
    assert np.array_equal(fast.memory, exact.memory)
    assert fast.stats.to_dict() == exact.stats.to_dict()
    return fast


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("chunk", range(4))
def test_random_programs(chunk: int, config) -> None:
    for seed in range(chunk * 100, (chunk + 1) * 100):
        for functional in (False, True):
            assert_same(program_of(random_program(seed)), functional=functional,
                        config=config)


@pytest.mark.parametrize("chunk", range(2))
def test_random_programs_stopped_by_the_limit(chunk: int) -> None:
    """The instruction limit falls anywhere inside a block."""
    for seed in range(1000 + chunk * 50, 1000 + (chunk + 1) * 50):
        program = program_of(random_program(seed))
        for limit in (1, 7, 50, 333, 2000):
            assert_same(program, max_insns=limit)


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("chunk", range(3))
def test_random_programs_repeated(chunk: int, config) -> None:
    """The body runs many times: blocks ending in skip-branches and CSR reads, and
    blocks holding SASA triggers, run on their static schedules and replay, on a
    warm and a moving I-cache."""
    for seed in range(2000 + chunk * 40, 2000 + (chunk + 1) * 40):
        source = random_program(seed, repeat=7, csr_reads=seed % 2 == 0)
        for functional in (False, True):
            assert_same(program_of(source), functional=functional, config=config)


@pytest.mark.parametrize("config", PREDICTOR_CONFIGS)
@pytest.mark.parametrize("chunk", range(2))
def test_random_programs_repeated_with_each_predictor(chunk: int, config: str) -> None:
    """A block ending in a branch runs on the schedule of its outcome and of what the
    predictor made of it (ZS_ENDS), the predictor asked in the same order by both loops."""
    for seed in range(3000 + chunk * 25, 3000 + (chunk + 1) * 25):
        source = random_program(seed, repeat=7, csr_reads=seed % 2 == 0)
        assert_same(program_of(source), config=PREDICTOR_CONFIGS[config])


# A loop over 48 words (every other one zero) that decides skips at every distance from
# the zero-detect load (lost to timing at distance 0 and 1, known from 2 on), at a
# block's start (the load in the block before), on two operands and the opposite
# condition; a SASA trigger in mid-block that hits on zeros; counter CSR reads; every
# eighth pass rewrites the SASA entry. {last} is in the loop, t5 = 1 in its last pass
# only: the blocks it ends or faults in have run before (in the block loop).
XZS_LOOP = """
.text
.globl _start
_start:
    la    s11, d
    li    s10, 48
    la    t6, trig
    sasa.or t6, s4, s4, 2
loop:
    lw.zd s4, 4(s11)
    lw.zd s0, 0(s11)
    skz   s0, 1f
    addi  a0, a0, 1
1:  lw.zd s1, 4(s11)
    addi  a1, a1, 1
    sknz  s1, 2f
    addi  a1, a1, 3
2:  lw.zd s2, 0(s11)
    addi  a2, a2, 1
    addi  a3, a3, 2
    skz2  s2, s1, 3f
    addi  a2, a2, 5
3:  lw.zd s3, 0(s11)
    mv    t0, s10
    andi  t0, t0, 3
    beqz  t0, 4f
    addi  a4, a4, 1
4:  skz   s3, 5f
    addi  a4, a4, 7
5:  addi  a5, a5, 1
    addi  a6, a6, 1
    addi  s9, s9, 1
trig:
    addi  a5, a5, 2
    addi  a5, a5, 4
    addi  a6, a6, 8
    csrr  t1, cycle
    sw    t1, 200(s11)
    csrr  t2, instret
    sw    t2, 204(s11)
    andi  t0, s10, 7
    bnez  t0, 6f
    la    t6, trig
    andi  t3, s10, 8
    sasa.and t6, s4, s0, 1
    beqz  t3, 6f
    sasa.or t6, s4, s4, 3
6:  addi  t5, s10, -1
    seqz  t5, t5
{last}
    addi  s11, s11, 4
    addi  s10, s10, -1
    bnez  s10, loop
    mv    a0, a5
    li    a7, 93
    ecall
.data
.p2align 2
one_zero: .word 1, 0
d:  .word 0, 5, 0, 0, 7, 0, 1, 0, 0, 0, 3, 3, 0, 9, 0, 0
    .word 0, 5, 0, 0, 7, 0, 1, 0, 0, 0, 3, 3, 0, 9, 0, 0
    .word 0, 5, 0, 0, 7, 0, 1, 0, 0, 0, 3, 3, 0, 9, 0, 0
    .word 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    .word 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    .word 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
"""
LAST_PASS = {
    "exit": "",
    "load fault": "add t4, s11, t5\n    add t4, t4, t5\n    lw t4, 0(t4)",   # misaligned
    # a write of 0 bytes, then (a7 = 1) an unsupported system call
    "ecall fault": "li a0, 1\n    mv a1, s11\n    li a2, 0\n    li a7, 64\n"
                   "    sub a7, a7, t5\n    ecall",
    # a skip-branch whose target is outside memory, taken in the last pass only
    "skip out of memory": "la t3, one_zero\n    slli t4, t5, 2\n    add t3, t3, t4\n"
                          "    lw.zd t4, 0(t3)\n" + "    nop\n" * 6 +
                          "    .insn b 0x2b, 0, t4, x0, 0xfff0",
}


def assert_same_at_limits(program, functional: bool, config, limits) -> Machine:
    """assert_same to the end and stopped at each limit; returns a machine run to the
    end (a fault or not)."""
    assert_same(program, functional=functional, config=config)
    for limit in limits:
        assert_same(program, functional=functional, config=config, max_insns=limit)
    m = Machine(program, config, functional=functional)
    try:
        m.run()
    except Fault:
        pass
    return m


@pytest.mark.parametrize("config", CONFIGS + ["application gshare small"])
@pytest.mark.parametrize("last", LAST_PASS)
@pytest.mark.parametrize("functional", [False, True])
def test_xzs_loop(last: str, config, functional: bool) -> None:
    config = PREDICTOR_CONFIGS.get(config, config)
    program = program_of(XZS_LOOP.format(last=LAST_PASS[last]))
    m = assert_same_at_limits(program, functional, config, (1, 5, 99, 400, 1001))
    s = m.stats
    assert s.sasa_hits > 0 and s.skips_taken > 0
    assert (m.status == "exit") == (last in ("exit",)), m.status
    if not functional:
        assert s.skips_lost > 0


# SASA as the kernels use it: a trigger at a loop's head, triggers that are zero-detect
# loads of the next operand (the skip lands on the next trigger), one that is a branch
# (a terminator), one whose condition is loaded just before it (a skip lost to timing);
# skips landing in the block after the loop. {last} runs in the last pass (t5 = 1).
SASA_LOOP = """
.text
.globl _start
_start:
    la    s11, d
    li    s10, 40
    la    t6, head
    sasa.or t6, s0, s0, 3
    la    t6, t1z
    sasa.or t6, s1, s1, 2
    la    t6, t2z
    sasa.and t6, s2, s1, 4
    la    t6, br
    sasa.or t6, s3, s3, 1
    la    t6, late
    sasa.or t6, s4, s4, 2
    lw.zd s0, 0(s11)
loop:
head:
    addi  a0, a0, 1
    addi  a1, a1, 1
    addi  a2, a2, 1
    addi  a3, a3, 1
    lw.zd s1, 4(s11)
    nop
    nop
    nop
t1z:
    lw.zd s2, 8(s11)
    addi  a1, a1, 3
    addi  a2, a2, 3
    addi  a3, a3, 3
t2z:
    lw.zd s3, 12(s11)
    addi  a4, a4, 1
    addi  a5, a5, 1
    addi  a4, a4, 2
    addi  a5, a5, 2
    andi  t0, s10, 1
br:
    beqz  t0, 1f
    addi  a6, a6, 1
1:  lw.zd s4, 16(s11)
late:
    addi  a7, a7, 1
    addi  a7, a7, 2
    addi  s9, s9, 1
    addi  t5, s10, -1
    seqz  t5, t5
    lw.zd s0, 4(s11)
{last}
    addi  s11, s11, 4
    addi  s10, s10, -1
    addi  s8, s8, 1
    bnez  s10, loop
    mv    a0, a5
    li    a7, 93
    ecall
.data
.p2align 2
d:  .word 0, 5, 0, 0, 7, 0, 1, 0, 0, 0, 3, 3, 0, 9, 0, 0
    .word 0, 5, 0, 0, 7, 0, 1, 0, 0, 0, 3, 3, 0, 9, 0, 0
    .word 0, 5, 0, 0, 7, 0, 1, 0, 0, 0, 3, 3, 0, 9, 0, 0
    .word 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
"""
SASA_LAST_PASS = {
    "exit": "",
    # the trigger itself faults: a misaligned zero-detect load in the last pass
    "trigger faults": "la t6, tf\n    sasa.or t6, s0, s0, 1\n    nop\n    nop\n"
                      "    nop\n    nop\n    nop\n    add t4, s11, t5\ntf: lw.zd t4, 0(t4)\n    nop",
}


@pytest.mark.parametrize("config", CONFIGS + ["application gshare small"])
@pytest.mark.parametrize("last", SASA_LAST_PASS)
@pytest.mark.parametrize("functional", [False, True])
def test_sasa_loop(last: str, config, functional: bool) -> None:
    config = PREDICTOR_CONFIGS.get(config, config)
    program = program_of(SASA_LOOP.format(last=SASA_LAST_PASS[last]))
    m = assert_same_at_limits(program, functional, config, (1, 9, 40, 333, 700))
    assert m.stats.sasa_hits > 30 and m.stats.skipped > 40
    assert (m.status == "exit") == (last == "exit"), m.status
    if not functional and config is None:
        assert m.stats.skips_lost > 0


# A zero-detect load ends its block just before a skip-branch on its result, with `pad`
# instructions between: where the zero flag reaches decode a cycle too late the skip is
# lost. The block loop may leave a block's ready times unwritten once none is later
# than the next block's entry, but not after a zero-detect load: a SpRF question reads
# them.
ZD_BEFORE_SKIP = """
.text
.globl _start
_start:
    la    a0, d
    li    s2, 64
loop:
    lw.zd s1, 0(a0)
{pad}
    beqz  s2, next
next:
    skz   s1, 1f
    addi  a1, a1, 1
1:  addi  a0, a0, 4
    addi  s2, s2, -1
    bnez  s2, loop
    li    a7, 93
    ecall
.data
d:  .word 0, 0, 3, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    .word 0, 0, 3, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    .word 0, 0, 3, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    .word 0, 0, 3, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
"""


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("pad", range(3))
def test_zero_flag_late_after_a_block(pad: int, config) -> None:
    m = assert_same(program_of(ZD_BEFORE_SKIP.format(pad="    nop\n" * pad)), config=config)
    assert m.stats.skips_taken + m.stats.skips_lost == 56


# A trigger in the last word of memory (code written to the stack) whose skip would
# land past memory's end: the fetch there faults, in both loops alike.
SKIP_OUT = """
.text
.globl _start
_start:
    la    t0, zero
    lw.zd t0, 0(t0)
    la    t1, body
    lw    t2, 0(t1)
    addi  t3, sp, -4
    sw    t2, 0(t3)
    fence.i
    sasa.or t3, t0, t0, {length}
    nop
    nop
    nop
    nop
    nop
    nop
    jalr  ra, 0(t3)
body:
    addi  a0, a0, 1
.data
zero: .word 0
"""


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("functional", [False, True])
@pytest.mark.parametrize("length", [1, 2, 63])
def test_sasa_skip_out_of_memory(length: int, config, functional: bool) -> None:
    program = program_of(SKIP_OUT.format(length=length))
    assert_same(program, functional=functional, config=config)
    m = Machine(program, config, functional=functional)
    with pytest.raises(FetchFault) as e:
        m.run()
    assert m.stats.sasa_hits == 1 and m.stats.skipped == length
    assert e.value.pc == m.x[2] + 4 * length       # sp: the trigger at sp - 4


# Strided accesses over 64 KiB: blocks that miss the data cache on most runs (dirty
# victims written back), with the loaded value used at once, later, in the next block
# and not at all, and a call per element.
MISSES = """
.text
.globl _start
_start:
    la    s1, buf
    li    s4, 0xfffc
    li    s5, {stride}
    li    s0, 0
    li    s2, 300
loop:
    add   a0, s0, s1
    mv    a1, s2
    call  bump
    lw    t1, 64(a0)
    bltz  s2, out             # never taken: t1 is used at the next block's start
    add   s6, s6, t1
    lw    t2, 128(a0)
    sw    s2, 132(a0)
    add   s0, s0, s5
    and   s0, s0, s4
    addi  s2, s2, -1
    add   s7, s7, t2
    bnez  s2, loop
out:
    mv    a0, s6
    li    a7, 93
    ecall
bump:
    {pre}
    lw    t0, 0(a0)
    {post}
    addi  sp, sp, -16
    sw    ra, 12(sp)
    call  twice
    add   t0, t0, a1
    sw    t0, 0(a0)
    lw    ra, 12(sp)
    addi  sp, sp, 16
    ret
twice:
    slli  a1, a1, 1
    ret
.bss
buf: .zero 65792
"""


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("stride", [4, 36, 4160])
@pytest.mark.parametrize("pre, post", [("nop", "nop"), ("nop", "addi t3, t0, 1"),
                                       ("mul t3, a1, a1", "add t4, t3, t3"),
                                       ("lw t3, 0(s1)", "add t4, t3, t3")])
def test_data_cache_misses(stride: int, pre: str, post: str, config) -> None:
    """(A miss between a load and its use absorbs the wait for its result.)"""
    program = program_of(MISSES.format(stride=stride, pre=pre, post=post))
    assert_same(program, config=config)
    m = Machine(program, config)
    m.run()
    assert m.status == "exit"
    assert stride < 4096 or m.stats.caches["dcache"]["misses"] > 250
    assert_same(program, config=config, max_insns=1234)


# A block that loops onto itself (the inner loop; run_static_again while its schedule
# holds), in a program that rewrites one of its instructions between passes (sw +
# fence.i: the blocks are learned again, pending ready times settled first).
SELF_LOOP = """
.text
.globl _start
_start:
    la    s1, buf
    la    s2, patch
    lw    s3, 0(s2)
    la    s4, alt
    lw    s4, 0(s4)
    li    s5, 5
outer:
    li    t0, {inner}
inner:
{body}
patch:
    addi  a1, a1, 1
    addi  t0, t0, -1
    bnez  t0, inner
    andi  t1, s5, 1
    beqz  t1, 1f
    sw    s4, 0(s2)
    j     2f
1:  sw    s3, 0(s2)
2:  fence.i
    addi  s5, s5, -1
    bnez  s5, outer
    add   a0, a1, a2
    li    a7, 93
    ecall
alt:
    addi  a1, a1, 3
.data
.p2align 2
buf: .zero 4096
"""
SELF_LOOP_BODIES = {
    "alu": "    add a2, a2, a1\n    xor a3, a2, t0",
    "load used": "    lw a3, 0(s1)\n    add a2, a2, a3",
    "load at the end": "    addi a2, a2, 1\n    lw a3, 4(s1)",
    "mul at the end": "    add a2, a2, a1\n    mul a3, a2, t0",
    "div": "    div a3, a2, t0\n    add a2, a2, a3",
    "two lines": "\n".join(["    addi a4, a4, 1"] * 21),
    "store misses": "    slli t2, t0, 6\n    add t2, t2, s1\n    sw t0, 0(t2)",
    "load misses": "    slli t2, t0, 6\n    add t2, t2, s1\n    lw a3, 0(t2)\n    add a2, a2, a3",
    # a block of 121 instructions over 16 fetch lines, loads missing now and then
    "many lines": "    slli t2, t0, 5\n    add t2, t2, s1\n" + "\n".join(
        f"    lw a3, {4 * (k % 8)}(t2)\n    mul a4, a3, a3\n    add a2, a2, a4" for k in range(40)),
    # a result not ready at the block's next entry: never read (the block's inputs are
    # ready: its static schedule holds), read late, read at once
    "late result unread": "    div a5, a2, t0\n    addi a2, a2, 1",
    "late result read late": "\n".join(["    addi a2, a2, 1"] * 6) + "\n    add a6, a6, a5\n"
                             "    div a5, a2, t0",
    "late result read early": "    add a6, a6, a5\n" + "\n".join(["    addi a2, a2, 1"] * 6)
                              + "\n    mul a5, a2, t0",
}


@pytest.mark.parametrize("config", CONFIGS + ["application bimodal small"])
@pytest.mark.parametrize("inner", [1, 2, 37])
@pytest.mark.parametrize("body", SELF_LOOP_BODIES)
def test_self_loops(body: str, inner: int, config) -> None:
    config = PREDICTOR_CONFIGS.get(config, config)
    program = program_of(SELF_LOOP.format(body=SELF_LOOP_BODIES[body], inner=inner))
    for functional in (False, True):
        assert_same(program, functional=functional, config=config)
    m = Machine(program, config)
    m.run()
    assert m.status == "exit"
    assert m.x[11] == inner * (3 * 1 + 2 * 3)      # passes 2 and 4 ran the rewritten addi
    for limit in (*range(1, 40, 3), 100, 301, 333, 1000):
        assert_same(program, config=config, max_insns=limit)
