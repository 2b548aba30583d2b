"""What a skip costs and saves under a core config, in cycles, from the config alone.

Decision distances (instructions strictly between the producing load and the record
that decides): a zero-detect load's SpRF bit is known at its write-back, the last stage
(`stages`); an instruction n records after the load reaches stage j n cycles later.
- skz decides in ID (`decode_stage`): n + decode_stage >= stages, so
  stages - decode_stage - 1 instructions between (embedded 2, application 3);
- a SASA trigger decides at its fetch (stage 1): stages - 2 between (embedded 3,
  application 5);
- an ordinary `beqz` reads the value in EX with bypassing: `memory_stages`
  instructions between avoid the load-use stall.
tests/compiler/test_zeroskip_timing.py measures on the core that one fewer loses the
skip (or stalls).
"""
from __future__ import annotations

from zskip.core_model.config import CoreConfig

TRIP_COUNT = 8        # iterations assumed for a loop inside a region (no profile)


def gap_needed(config: CoreConfig, how: str) -> int:
    """Instructions needed between the load and its skz ("skz", "skz2": the later of its
    loads), SASA trigger ("sasa") or beqz ("beqz")."""
    p = config.pipeline
    skz = p.stages - p.decode_stage - 1
    return {"skz": skz, "skz2": skz, "sasa": p.stages - 2,
            "beqz": p.memory_stages}[how]


def insn_cycles(config: CoreConfig, ins, next_ins) -> float:
    """Cycles one record holds the pipeline: its class's EX occupancy, plus the stall
    the next record takes if it reads the result early (load-use, pipelined multiply)."""
    cls = ins.row.cls.name
    p = config.pipeline
    cycles = float(config.latency.get(cls, 1))
    ready = 0
    if cls in ("load", "load_zd"):
        cycles, ready = 1.0, p.memory_stages
    elif cls == "mul" and p.multiplier == "pipelined":
        cycles, ready = 1.0, config.latency["mul"] - 1
    if ready and next_ins is not None and set(ins.x_defs) & set(next_ins.x_uses):
        cycles += ready
    if ins.row.cls.flow == "cond":     # a loop's back edge, taken: refetch after EX
        cycles += 0.5 * (p.execute_stage - 1)
    return cycles


def region_cycles(config: CoreConfig, flow, s: int, e: int) -> float:
    """Estimated cycles of one pass through [s, e): loops (back edges inside) count
    TRIP_COUNT times per level of nesting."""
    weight = [1.0] * (e - s)
    for k in range(s, e):
        for h in flow.nodes[k].succs:
            if s <= h <= k:            # back edge k -> h: the loop h..k
                for j in range(h, k + 1):
                    weight[j - s] *= TRIP_COUNT
    nodes = flow.nodes
    return sum(weight[k - s] * insn_cycles(config, nodes[k].ins,
                                           nodes[k + 1].ins if k + 1 < e else None)
               for k in range(s, e))


def skip_cost(config: CoreConfig, how: str, p_zero: float, gap: int) -> float:
    """Cycles the test itself adds per execution of the region (not counting what it
    saves): the test instruction, its penalties, and a stall if the load is too close."""
    p = config.pipeline
    if how in ("skz", "skz2"):
        return (1 + p_zero * p.skip_taken_penalty
                + (1 - p_zero) * p.skip_not_taken_penalty)
    if how == "sasa":
        return 0.0
    stall = max(0, gap_needed(config, "beqz") - gap)
    penalty = p.execute_stage - 1
    if p.branch_predictor in ("not_taken", "btfn"):   # a forward beqz: predicted not taken
        miss = p_zero
    else:                        # a 2-bit counter on independent outcomes
        miss = 2 * p_zero * (1 - p_zero)
    return 1 + stall + miss * penalty


def benefit(config: CoreConfig, how: str, p_zero: float, cycles: float, gap: int) -> float:
    """Expected cycles saved per execution: the region's cycles when the skip is taken
    (never, if the load is too close for the decision stage), minus the test's cost."""
    in_time = gap >= gap_needed(config, how) or how == "beqz"
    return (p_zero * cycles if in_time else 0.0) - skip_cost(config, how, p_zero, gap)
