"""Exact cycle counts of small sequences, worked out by hand from the embedded preset.

Embedded preset: 5 stages (IF ID EX MEM WB), branches/jalr resolve in EX (penalty 2),
jal and skip-branches in ID (penalty 1), full bypassing, load data one stage after EX
(load-use stall 1), mul holds EX 3 cycles, div 34; 8 KiB 2-way caches with 32-byte
lines, hit latency 1, miss = miss_penalty 2 + memory latency 20 = 22 stall cycles,
a dirty victim adds one more memory latency (20).

Every run: cycles = instructions + pipeline fill (stages - 1 = 4) + the stalls. Code
starts at 0x10000 at the start of an I-cache line; each 32-byte line of code that runs
misses once (22 cycles). The first access to the data line misses in the D-cache (22).
"""
from __future__ import annotations

import pytest

from zskip.core_model import Machine, Stats, load_config
from zskip.isa.assembler import assemble

MISS = 22          # miss_penalty 2 + memory latency 20
FILL = 4           # stages - 1
EXIT = "    li a7, 93\n    ecall\n"


def run(body: str, data: str = "d: .word 0, 5", overrides: dict | None = None,
        functional: bool = False) -> tuple[Stats, Machine]:
    source = f".text\n.globl _start\n_start:\n{body}{EXIT}.data\n.p2align 5\n{data}\n"
    cfg = load_config()
    if overrides:
        cfg = cfg.updated(overrides)
    m = Machine(assemble(source), cfg, functional=functional)
    stats = m.run(10_000)
    assert m.status == "exit"
    return stats, m


def nonzero_stalls(stats: Stats) -> dict[str, int]:
    return {k: v for k, v in stats.stalls.items() if v}


def test_cycles_add_up() -> None:
    stats, _ = run("    li a0, 0\n")
    # li, li, ecall: 3 instructions in one line
    assert stats.instructions == 3
    assert stats.cycles == 3 + FILL + MISS
    assert stats.cycles == stats.instructions + sum(stats.stalls.values())


def test_load_use_stall() -> None:
    # la (auipc, addi), lw, addi using the load, li, ecall = 6 insns, one code line.
    # lw misses in the D-cache (22); its data reaches EX one cycle after the next
    # instruction wants it: 1 load-use stall.
    body = "    la a1, d\n    lw a0, 0(a1)\n    addi a0, a0, 1\n"
    stats, m = run(body)
    assert stats.instructions == 6
    assert nonzero_stalls(stats) == {"load_use": 1, "icache": MISS, "dcache": MISS, "fill": FILL}
    assert stats.cycles == 6 + FILL + MISS + MISS + 1 == 55
    # an independent instruction in between hides the stall: 7 insns, same cycles
    stats, _ = run("    la a1, d\n    lw a0, 0(a1)\n    nop\n    addi a0, a0, 1\n")
    assert stats.stalls["load_use"] == 0
    assert stats.cycles == 7 + FILL + MISS + MISS == 55


def test_branch_taken_and_not_taken() -> None:
    # li, beq (not taken: predicted right, 0), bne (taken: mispredicted, resolves in
    # EX: 2), [nop skipped], li, ecall = 5 insns, 6 words in one line.
    body = "    li t0, 1\n    beq t0, zero, 1f\n    bne t0, zero, 1f\n    nop\n1:\n"
    stats, _ = run(body)
    assert stats.instructions == 5
    assert (stats.branches, stats.branches_taken, stats.mispredictions) == (2, 1, 1)
    assert nonzero_stalls(stats) == {"branch_mispredict": 2, "icache": MISS, "fill": FILL}
    assert stats.cycles == 5 + FILL + MISS + 2 == 33


@pytest.mark.parametrize("predictor, mispredicts, stalls, cycles", [
    # loop of 5: bnez taken 4 times, then falls through. 1 + 5*2 + 2 = 13 insns.
    # not_taken: the 4 taken branches mispredict (4 x 2 = 8).
    ("not_taken", 4, {"branch_mispredict": 8}, 13 + FILL + MISS + 8),
    # btfn: backward branch predicted taken: 4 correct taken (1-cycle redirect in ID
    # each = 4), the final fall-through mispredicts (2).
    ("btfn", 1, {"taken_branch": 4, "branch_mispredict": 2}, 13 + FILL + MISS + 6),
])
def test_static_predictors(predictor: str, mispredicts: int, stalls: dict, cycles: int) -> None:
    body = "    li t0, 5\n1:  addi t0, t0, -1\n    bnez t0, 1b\n"
    stats, _ = run(body, overrides={"pipeline": {"branch_predictor": predictor}})
    assert stats.instructions == 13
    assert stats.mispredictions == mispredicts
    assert nonzero_stalls(stats) == {**stalls, "icache": MISS, "fill": FILL}
    assert stats.cycles == cycles


# Two branches per pass, 5 passes: A (beqz zero, always taken, to the next word) and
# B (the loop's bnez: taken 4 times, then not). 1 + 5 * 3 + 2 = 18 insns, one code line.
TWO_BRANCHES = "    li t0, 5\n1:  beqz zero, 2f\n2:  addi t0, t0, -1\n    bnez t0, 1b\n"


@pytest.mark.parametrize("btb_entries, taken_branch", [
    # 16 entries: A (0x10004) and B (0x1000c) sit in BTB entries 1 and 3. Counters
    # start weakly not taken: A1 and B1 mispredict (counters -> 2, both enter the
    # BTB), A2..A5 and B2..B4 are predicted taken and hit the BTB: redirected in IF at
    # no cost; B5 falls through against a prediction of taken: 3 x 2 cycles.
    (16, 0),
    # 1 entry: A and B evict each other, so the 7 predicted-taken branches (A2..A5,
    # B2..B4) find the other's pc there: redirected in ID, 1 cycle each.
    (1, 7),
])
def test_bimodal_warms_up_and_its_btb_redirects_in_fetch(btb_entries, taken_branch) -> None:
    stats, _ = run(TWO_BRANCHES, overrides={"pipeline": {"branch_predictor": "bimodal",
                                                         "btb_entries": btb_entries}})
    assert stats.instructions == 18
    assert (stats.branches_taken, stats.mispredictions) == (9, 3)
    assert nonzero_stalls(stats) == {"branch_mispredict": 6, "icache": MISS, "fill": FILL,
                                     **({"taken_branch": taken_branch} if taken_branch else {})}
    assert stats.cycles == 18 + FILL + MISS + 6 + taken_branch


# 16 passes; C (beqz t1) alternates: not taken in odd passes, taken in even ones; D
# (the loop's bnez) is taken 15 times, then not. 2 + 16 * 4 + 8 (the addi C skips in
# odd passes only) + 2 = 76 insns; li a7 / ecall sit in the second code line.
ALTERNATING = ("    li t0, 16\n    li t1, 0\n1:  xori t1, t1, 1\n    beqz t1, 2f\n"
               "    addi a0, a0, 1\n2:  addi t0, t0, -1\n    bnez t0, 1b\n")


@pytest.mark.parametrize("predictor, mispredicts", [
    # bimodal: C's counter (index 3) swings between 0 and 1 and never predicts taken:
    # its 8 taken passes mispredict; D mispredicts in pass 1 (counter 1) and pass 16.
    ("bimodal", 8 + 2),
    # gshare, 2 history bits (newest outcome in bit 0), index = (pc >> 2) ^ history in
    # 256 entries: C at index 3 ^ h, D at 6 ^ h. Pass 1: C (h=0, idx 3) predicted not
    # taken, right; D (h=0, idx 6) mispredicts. Pass 2: C (h=01, idx 2) mispredicts, D
    # (h=11, idx 5) mispredicts. Pass 3: C (h=11, idx 0) right; D (h=10, idx 4)
    # mispredicts. From then on C sees h=11 before its not-taken passes (idx 0, counter
    # 0) and h=01 before its taken ones (idx 2, counter >= 2), D sees h=10 (idx 4) and
    # h=11 (idx 5), both counters >= 2: all right (BTB hits) until D falls through in
    # pass 16 (idx 5, counter 3).
    ("gshare", 5),
])
def test_gshare_learns_an_alternating_branch_bimodal_does_not(predictor, mispredicts) -> None:
    stats, _ = run(ALTERNATING, overrides={"pipeline": {"branch_predictor": predictor,
                                                        "predictor_entries": 256,
                                                        "history_bits": 2}})
    assert stats.instructions == 76
    assert (stats.branches_taken, stats.mispredictions) == (8 + 15, mispredicts)
    assert nonzero_stalls(stats) == {"branch_mispredict": 2 * mispredicts,
                                     "icache": 2 * MISS, "fill": FILL}
    assert stats.cycles == 76 + FILL + 2 * MISS + 2 * mispredicts


def test_jal_and_jalr_redirects() -> None:
    # jal (redirect from ID: 1), ret = jalr (from EX: 2), li, ecall: 4 insns, one line.
    body = "    jal ra, f\n" + EXIT + "f:  ret\n"
    stats, _ = run(body)
    assert stats.instructions == 4
    assert nonzero_stalls(stats) == {"jump": 3, "icache": MISS, "fill": FILL}
    assert stats.cycles == 4 + FILL + MISS + 3 == 33


def test_mul_latency() -> None:
    # li, li, mul (holds EX 3 cycles: the next instruction waits 2), add reads the
    # product just as it is ready (no more stall), li, ecall: 6 insns.
    body = "    li t0, 3\n    li t1, 4\n    mul t2, t0, t1\n    add t3, t2, t2\n"
    stats, m = run(body)
    assert m.x[28] == 24
    assert nonzero_stalls(stats) == {"mul": 2, "icache": MISS, "fill": FILL}
    assert stats.cycles == 6 + FILL + MISS + 2 == 34


@pytest.mark.parametrize("multiplier, mul_stalls", [
    # iterative: each mul holds EX 3 cycles (2 extra each); add finds both products
    ("iterative", 2 + 2),
    # pipelined: mul t3 starts the cycle after mul t2; add starts next and waits for
    # t2 (ready 3 cycles after its mul: 1 cycle) then t3 (one more): 2
    ("pipelined", 2),
])
def test_multiplier_pipelined_or_iterative(multiplier: str, mul_stalls: int) -> None:
    # li, li, mul, mul, add, li, ecall: 7 insns
    body = "    li t0, 3\n    li t1, 4\n    mul t2, t0, t1\n    mul t3, t1, t1\n    add t4, t2, t3\n"
    stats, m = run(body, overrides={"pipeline": {"multiplier": multiplier}})
    assert m.x[29] == 28
    assert nonzero_stalls(stats) == {"mul": mul_stalls, "icache": MISS, "fill": FILL}
    assert stats.cycles == 7 + FILL + MISS + mul_stalls


def test_div_fixed_and_data_dependent() -> None:
    body = "    li t0, 100\n    li t1, 7\n    div t2, t0, t1\n"
    # fixed 34-cycle divider: 33 extra cycles; 5 insns
    stats, m = run(body)
    assert m.x[7] == 14
    assert stats.cycles == 5 + FILL + MISS + 33 == 64
    # data-dependent: base 3 + 7 significant bits of 100 = 10 cycles: 9 extra
    stats, _ = run(body, overrides={"pipeline": {"divider": "data"}, "latency": {"div": 3}})
    assert stats.stalls["div"] == 9
    assert stats.cycles == 5 + FILL + MISS + 9 == 40


def test_dcache_miss_then_hit() -> None:
    # d is 32-byte aligned: 0(a1) misses, 4(a1) hits the same line, 64(a1) misses
    # another line. 7 insns, one code line, no load-use (nothing reads the loads).
    body = "    la a1, d\n    lw a0, 0(a1)\n    lw a2, 4(a1)\n    lw a3, 64(a1)\n"
    stats, _ = run(body, data="d: .zero 128")
    assert stats.caches["dcache"] == {"accesses": 3, "hits": 1, "misses": 2, "writebacks": 0}
    assert stats.cycles == 7 + FILL + MISS + 2 * MISS == 77


def test_icache_miss_then_hit() -> None:
    # 9 words of straight-line code span two I-cache lines: 2 misses; the loop of the
    # predictor test runs its line 5 times but misses once.
    stats, _ = run("    nop\n" * 7)
    assert stats.instructions == 9
    assert stats.caches["icache"]["misses"] == 2
    assert stats.cycles == 9 + FILL + 2 * MISS
    stats, _ = run("    li t0, 5\n1:  addi t0, t0, -1\n    bnez t0, 1b\n")
    assert stats.caches["icache"] == {"accesses": 13, "hits": 12, "misses": 1, "writebacks": 0}


def test_dirty_writeback() -> None:
    # 128 sets x 32 B: addresses 4096 apart share a set (2 ways). sw dirties line A
    # (miss), lw A+4096 fills the second way (miss), lw A+8192 evicts A, which is dirty:
    # miss + writeback (22 + 20). 10 insns over two code lines (2 I-misses).
    body = ("    la a1, d\n    sw zero, 0(a1)\n    li t0, 4096\n    add a2, a1, t0\n"
            "    lw a3, 0(a2)\n    add a2, a2, t0\n    lw a3, 0(a2)\n")
    stats, _ = run(body)
    assert stats.instructions == 10
    assert stats.caches["dcache"] == {"accesses": 3, "hits": 0, "misses": 3, "writebacks": 1}
    assert stats.counters["MEM_WRITE_WORDS"] == 4          # one 32-byte line
    assert stats.cycles == 10 + FILL + 2 * MISS + 3 * MISS + 20 == 144


SKIP = ("    la a1, d\n    lw.zd t0, {off}(a1)\n{nops}    skz t0, 1f\n"
        "    addi a0, a0, 1\n    addi a0, a0, 1\n1:\n")


def test_skip_taken() -> None:
    # lw.zd at cycle T misses (22): its SpRF bit is known from T+24 on; the next
    # instructions issue at T+23, T+24, T+25 (3 nops) and skz at T+26 decides in ID at
    # T+25 >= T+24: taken, 1-cycle penalty, 2 addis skipped. Executed: la (2), lw.zd,
    # 3 nops, skz, li, ecall = 9; li/ecall sit in the second code line (2 I-misses).
    stats, m = run(SKIP.format(off=0, nops="    nop\n" * 3))
    assert (stats.skip_branches, stats.skips_taken, stats.skipped, stats.skips_lost) == (1, 1, 2, 0)
    assert m.x[10] == 0
    assert nonzero_stalls(stats) == {"skip": 1, "icache": 2 * MISS, "dcache": MISS, "fill": FILL}
    assert stats.cycles == 9 + FILL + 2 * MISS + MISS + 1 == 80


def test_skip_not_taken() -> None:
    # the loaded word (d[1] = 5) is not zero: no skip, no penalty; 11 insns
    stats, m = run(SKIP.format(off=4, nops="    nop\n" * 3))
    assert (stats.skips_taken, stats.skipped, stats.skips_lost) == (0, 0, 0)
    assert m.x[10] == 2
    assert stats.cycles == 11 + FILL + 2 * MISS + MISS == 81


def test_skip_lost_to_timing() -> None:
    # one nop: skz issues at T+24 and decides at T+23 < T+24, before the load's SpRF
    # bit is known: it falls through and executes the block (9 insns).
    stats, m = run(SKIP.format(off=0, nops="    nop\n"))
    assert (stats.skips_taken, stats.skips_lost) == (0, 1)
    assert m.x[10] == 2
    assert stats.cycles == 9 + FILL + 2 * MISS + MISS == 79
    # the ideal functional model always knows the SpRF
    stats, m = run(SKIP.format(off=0, nops="    nop\n"), functional=True)
    assert (stats.skips_taken, stats.skips_lost, m.x[10]) == (1, 0, 0)


def test_sprf_known_at_write_back_without_bypassing() -> None:
    # Without bypassing every RAW waits for WB: addi a1 (la) waits 2 for auipc, lw.zd 2
    # for a1. The SpRF bit needs no bypass: lw.zd at T misses (22), writes back at
    # T+1+1+22 = T+24, where its register value reaches a consumer only at T+25. With 2
    # nops skz issues at T+25 and decides in ID at T+24: known, taken. Executed: la (2),
    # lw.zd, 2 nops, skz, li, ecall = 8, in two code lines.
    stats, m = run(SKIP.format(off=0, nops="    nop\n" * 2),
                   overrides={"pipeline": {"bypassing": False}})
    assert (stats.skips_taken, stats.skipped, stats.skips_lost, m.x[10]) == (1, 2, 0, 0)
    assert nonzero_stalls(stats) == {"raw": 4, "skip": 1, "icache": 2 * MISS,
                                     "dcache": MISS, "fill": FILL}
    assert stats.cycles == 8 + FILL + 2 * MISS + MISS + 4 + 1
    # one nop: skz decides at T+23, before WB: lost, bypassing or not
    for bypassing in (True, False):
        stats, _ = run(SKIP.format(off=0, nops="    nop\n"),
                       overrides={"pipeline": {"bypassing": bypassing}})
        assert (stats.skips_taken, stats.skips_lost) == (0, 1)


CLEARED = ("    la a1, d\n    lw.zd t0, 0(a1)\n    nop\n    nop\n    nop\n"
           "    addi t0, t0, 0\n    {skip} t0, 1f\n    addi a0, a0, 1\n1:\n")


def test_sprf_clear_by_an_ordinary_write_is_known_in_decode() -> None:
    # lw.zd sets SpRF[t0] (d[0] = 0, known after the 3 nops); addi t0 writes t0 (still
    # 0) and clears the bit in its ID, so the skip-branch right after it sees the clear
    # in its own ID a cycle later. Executed: la (2), lw.zd, 3 nops, addi, skip, li,
    # ecall (+ the addi a0 when not skipped): 10 or 11 insns in two code lines.
    # skz: the bit is clear, known: no skip, none lost, the block runs.
    stats, m = run(CLEARED.format(skip="skz"))
    assert (stats.skips_taken, stats.skips_lost, m.x[10]) == (0, 0, 1)
    assert stats.cycles == 11 + FILL + 2 * MISS + MISS
    # sknz: the clear bit is known: taken (1-cycle penalty), no skip lost
    stats, m = run(CLEARED.format(skip="sknz"))
    assert (stats.skips_taken, stats.skips_lost, m.x[10]) == (1, 0, 0)
    assert stats.cycles == 10 + FILL + 2 * MISS + MISS + 1


SASA = ("    la a1, d\n    la t1, trig\n    sasa.or t1, t0, t0, 2\n    lw.zd t0, 0(a1)\n"
        "{nops}trig: nop\n    addi a0, a0, 1\n    addi a0, a0, 1\n")


def test_sasa_skip() -> None:
    # lw.zd at T (D-miss): bit known from T+24. The trigger issues at T+26 after 3 nops;
    # it is fetched two stages earlier, at T+24: condition known, the 2 addis are not
    # fetched, no penalty. Executed: la, la (4), sasa.or, lw.zd, 3 nops, trig, li,
    # ecall = 12 in two code lines. Lookups: every fetch once the entry is written,
    # when sasa.or (EX at S) leaves EX: lw.zd (fetched at S - 1) is not looked up, the
    # 3 nops, trig, li and ecall (fetched two cycles before their EX, from S + 1) are: 6.
    stats, m = run(SASA.format(nops="    nop\n" * 3))
    assert (stats.sasa_hits, stats.skipped, stats.skips_lost, m.x[10]) == (1, 2, 0, 0)
    assert stats.actions["sasa_lookup"] == 6
    assert nonzero_stalls(stats) == {"icache": 2 * MISS, "dcache": MISS, "fill": FILL}
    assert stats.cycles == 12 + FILL + 2 * MISS + MISS == 82
    # two nops: fetched at T+23, before the bit is known: lost, the block runs (13 insns)
    stats, m = run(SASA.format(nops="    nop\n" * 2))
    assert (stats.sasa_hits, stats.skips_lost, m.x[10]) == (0, 1, 2)
    assert stats.cycles == 13 + FILL + 2 * MISS + MISS


# t0 is known zero (lw.zd of d[0], 3 nops) before sasa.or makes `trig` a trigger
SASA_NEAR = ("    la a1, d\n    lw.zd t0, 0(a1)\n    nop\n    nop\n    nop\n    la t1, trig\n"
             "    sasa.or t1, t0, t0, 2\n{nops}trig: nop\n    addi a0, a0, 1\n    addi a0, a0, 1\n")


@pytest.mark.parametrize("nops, skipped", [(0, False), (1, False), (2, True)])
def test_sasa_write_is_seen_by_fetches_after_its_ex(nops: int, skipped: bool) -> None:
    # sasa.or in EX at S writes the table as it leaves EX: fetches from S + 1 on see it.
    # The instructions behind it were fetched two cycles before their EX (S + 1, S + 2
    # -> S - 1, S): trig right behind it or one later is fetched before the write and
    # runs with the block; two later it is fetched at S + 1 and skips it.
    stats, m = run(SASA_NEAR.format(nops="    nop\n" * nops))
    assert (stats.sasa_hits, m.x[10]) == ((1, 0) if skipped else (0, 2))
    assert stats.skips_lost == 0
    # the ideal functional model sees every write at once
    stats, m = run(SASA_NEAR.format(nops="    nop\n" * nops), functional=True)
    assert (stats.sasa_hits, m.x[10]) == (1, 0)


def test_bypassing_off() -> None:
    # addi t1 reads t0 written by the previous addi: without bypassing it waits for WB
    # (t + 1 + 2 = two extra cycles); 4 insns.
    body = "    li t0, 1\n    addi t1, t0, 1\n"
    on, _ = run(body)
    off, _ = run(body, overrides={"pipeline": {"bypassing": False}})
    assert on.cycles == 4 + FILL + MISS == 30
    assert off.stalls["raw"] == 2
    assert off.cycles == 4 + FILL + MISS + 2 == 32


def test_functional_mode_has_no_timing() -> None:
    stats, _ = run("    la a1, d\n    lw a0, 0(a1)\n    addi a0, a0, 1\n", functional=True)
    assert stats.instructions == 6
    assert stats.cycles == 0 and sum(stats.stalls.values()) == 0
    assert stats.caches["dcache"]["accesses"] == 0


def test_rdcycle_and_rdinstret_read_the_model() -> None:
    # rdinstret counts the instructions retired before it; rdcycle is the cycle the
    # csrr is in EX: 2 (first EX slot) + 1 + I-miss 22 = 25 for the second instruction
    stats, m = run("    rdinstret s0\n    rdcycle s1\n")
    assert (m.x[8], m.x[9]) == (0, 25)
