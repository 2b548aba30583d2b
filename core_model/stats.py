"""Run statistics: the raw counters of the core, what derives from them, and energy.

Everything here is computed from two saved arrays (the C counters by name and the
per-instruction execution counts), so a Stats can be re-priced with another energy
table (energy_with) without re-running.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from zskip.isa.table import BY_NAME, OPCLASS_TABLE

from .config import MEMORY_KINDS, CoreConfig
from .energy import CACHES, EnergyTable

STALL_PREFIX = "STALL_"
# Actions an executed instruction prices through its op class (its own, zero_detect, ...)
INSN_ACTIONS = tuple(dict.fromkeys(a for c in OPCLASS_TABLE.values() for a in c.energy))
# Redirect stalls, one cycle per slot fetched on the wrong path and squashed:
# pipe_redirect (zs_core.c) charges stage - 1 cycles for a branch, jump or mispredict
# resolved in that stage (the stage - 1 younger slots), SKIP_PENALTY (run_loop.h) the
# configured skip_taken_penalty per taken skip (= decode_stage - 1 in both presets) and
# skip_not_taken_penalty per fall-through (0 in both presets; a config that sets it is
# taken to refetch that many slots too). SASA skips at fetch: no wrong path.
WRONG_PATH_STALLS = ("STALL_BRANCH_MISPREDICT", "STALL_TAKEN_BRANCH", "STALL_JUMP",
                     "STALL_SKIP")


def action_counts(counters: dict[str, int], insn_counts: dict[str, int],
                  config: CoreConfig) -> dict[str, int]:
    """The energy model's actions, from the core's counters and per-instruction counts,
    on a core built as `config` says (Xzs hardware or not, cache lines, memory kind).
    Functional runs have no stalls, caches or cycles: their actions are those of the
    retired instructions alone, every fetch an I-cache read and every memory op a
    D-cache access."""
    # what each executed instruction's class prices (isa/opcodes/opclasses)
    per_insn = dict.fromkeys(INSN_ACTIONS, 0)
    rf_reads = sprf_reads = 0
    for name, count in insn_counts.items():
        row = BY_NAME[name]
        for action in row.cls.energy:
            per_insn[action] += count
        rf_reads += count * len(row.reads_x())
        if row.cls.flow:            # a skip-branch reads its bits (a SASA write stores them)
            sprf_reads += count * len(row.reads_sprf())
    instret, cycles = counters["INSTRET"], counters["CYCLES"]
    wrong_path = sum(counters[k] for k in WRONG_PATH_STALLS)
    xzs = int(config.xzs)           # a core without Xzs has none of its structures
    mem_words = {"read": counters["MEM_READ_WORDS"], "write": counters["MEM_WRITE_WORDS"]}
    return {
        "fetch_decode": instret,
        "wrong_path_fetch": wrong_path,
        **per_insn,
        "rf_read": rf_reads,
        "rf_write": counters["RF_WRITES"],
        # a SASA trigger match reads both condition bits
        "sprf_read": xzs * (sprf_reads + 2 * counters["SASA_CHECKS"]),
        # every register write sets or clears its SpRF bit
        "sprf_write": xzs * counters["RF_WRITES"],
        "zero_detect": xzs * per_insn["zero_detect"],
        "sasa_lookup": xzs * counters["SASA_LOOKUPS"],
        "icache_read": instret + wrong_path,
        "icache_fill": counters["ICACHE_MISSES"] * (config.icache.line // 8),
        "dcache_fill": counters["DCACHE_MISSES"] * (config.dcache.line // 8),
        "dcache_writeback": counters["DCACHE_WRITEBACKS"] * (config.dcache.line // 8),
        **{f"{kind}_{op}": words if kind == config.memory.kind else 0
           for kind in MEMORY_KINDS for op, words in mem_words.items()},
        "leakage": cycles,
        "sprf_leakage": xzs * cycles,
        "sasa_leakage": xzs * cycles * config.sasa_entries,
    }


SCHEMA = 1
# Stats fields only the timing model computes: null in functional mode's JSON.
TIMED_FIELDS = ("cycles", "cpi", "stalls", "branches_taken", "mispredictions", "skips_lost",
                "caches")
# Fields renamed in to_dict to carry their unit.
UNIT_KEYS = {"energy": "energy_pj", "energy_by_component": "energy_by_component_pj",
             "energy_total": "energy_total_pj"}


@dataclass
class Stats:
    """What one run did. Counts are dynamic; energy is in pJ.

    `partial` says why the figures stop early (a fault, the instruction limit, an
    interrupt); None when the program ran to its exit or ebreak.

    to_dict() / to_json() schema 1 (the keys are the fields, except):
      "schema": 1                       this layout; bumped when a key changes meaning
      "energy_pj": {action: pJ}         (field `energy`)
      "energy_by_component_pj": {component: pJ}
      "energy_total_pj": pJ
      instructions, cycles, stalls, branches, skips, caches, actions, counters and
      insn_counts are counts (stalls in cycles); cpi is cycles per instruction;
      in functional mode the timing-only keys (TIMED_FIELDS) are null.
    """
    config: str
    functional: bool
    instructions: int
    cycles: int                      # 0 in functional mode (no timing)
    cpi: float
    stalls: dict[str, int]           # cycles by cause ("fill" is the pipeline fill)
    branches: int
    branches_taken: int
    mispredictions: int
    skip_branches: int               # skip-branches executed
    skips_taken: int                 # by skip-branches
    sasa_hits: int                   # SASA triggers whose block was skipped
    skipped: int                     # instructions skipped (skip-branches and SASA)
    skips_lost: int                  # skips not taken because the SpRF bit was late
    caches: dict[str, dict[str, int]]
    actions: dict[str, int]
    energy: dict[str, float]         # pJ by action
    energy_by_component: dict[str, float]
    energy_total: float
    energy_table: str
    cache_bytes: dict[str, int]      # cache sizes, which the cache energies scale with
    counters: dict[str, int] = field(repr=False)
    insn_counts: dict[str, int] = field(repr=False)
    partial: str | None = None

    @classmethod
    def from_counters(cls, counters: dict[str, int], insn_counts: dict[str, int],
                      table: EnergyTable, config: CoreConfig, functional: bool,
                      partial: str | None = None) -> Stats:
        actions = action_counts(counters, insn_counts, config)   # per op class too
        cache_bytes = {name: getattr(config, name).size for name in CACHES}
        energy = table.energy(actions, cache_bytes)
        instructions, cycles = counters["INSTRET"], counters["CYCLES"]
        # caches are looked up only in the timing model
        i_acc, d_acc = (0, 0) if functional else (instructions, actions["dcache_access"])
        i_miss, d_miss = counters["ICACHE_MISSES"], counters["DCACHE_MISSES"]
        return cls(
            config=config.name, functional=functional,
            instructions=instructions, cycles=cycles,
            cpi=cycles / instructions if instructions and cycles else 0.0,
            stalls={k[len(STALL_PREFIX):].lower(): v for k, v in counters.items()
                    if k.startswith(STALL_PREFIX)},
            branches=actions["branch"], branches_taken=counters["BRANCHES_TAKEN"],
            mispredictions=counters["MISPREDICTIONS"], partial=partial,
            skip_branches=actions["skip"], skips_taken=counters["SKIPS_TAKEN"],
            sasa_hits=counters["SASA_HITS"], skipped=counters["SKIPPED_INSNS"],
            skips_lost=counters["SKIPS_LOST"],
            caches={
                "icache": {"accesses": i_acc, "hits": i_acc - i_miss, "misses": i_miss,
                           "writebacks": 0},
                "dcache": {"accesses": d_acc, "hits": d_acc - d_miss, "misses": d_miss,
                           "writebacks": counters["DCACHE_WRITEBACKS"]},
            },
            actions=actions, energy=energy,
            energy_by_component=table.by_component(energy),
            energy_total=sum(energy.values()), energy_table=table.name, cache_bytes=cache_bytes,
            counters=dict(counters), insn_counts=dict(insn_counts),
        )

    def energy_with(self, table: EnergyTable) -> dict[str, Any]:
        """Energy of this run priced with another table: by action, component, total."""
        energy = table.energy(self.actions, self.cache_bytes)
        return {"by_action": energy, "by_component": table.by_component(energy),
                "total": sum(energy.values())}

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain data, in the schema of the class docstring."""
        data = {UNIT_KEYS.get(k, k): v for k, v in asdict(self).items()}
        if self.functional:
            data.update(dict.fromkeys(TIMED_FIELDS))
        return {"schema": SCHEMA, **data}

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), indent=kwargs.pop("indent", 2), **kwargs)

    def table_rows(self) -> list[tuple[str, Any]]:
        """(metric, value) rows for printing: only what the run's mode computed."""
        mode = "functional" if self.functional else "timing"
        rows: list[tuple[str, Any]] = [("config", f"{self.config} ({mode})")]
        if self.partial:
            rows.append(("partial", f"stopped by {self.partial}"))
        rows.append(("instructions", self.instructions))
        if self.functional:
            rows.append(("branches", self.branches))
        else:
            rows += [("cycles", self.cycles), ("CPI", round(self.cpi, 4)),
                     ("branches / taken / mispredicted",
                      f"{self.branches} / {self.branches_taken} / {self.mispredictions}")]
        rows += [("skip-branches / taken", f"{self.skip_branches} / {self.skips_taken}"),
                 ("SASA hits", self.sasa_hits), ("instructions skipped", self.skipped)]
        if not self.functional:
            rows.append(("skips lost to timing", self.skips_lost))
            rows += [(f"stall: {k} (cycles)", v) for k, v in self.stalls.items() if v]
            for name, c in self.caches.items():
                rows.append((name, f"{c['hits']} hits, {c['misses']} misses, "
                                   f"{c['writebacks']} writebacks"))
        # functional mode: the caches, memory and leakage components stay zero
        rows += [(f"energy: {k} (nJ)", round(v / 1000, 3))
                 for k, v in self.energy_by_component.items() if v or not self.functional]
        total = "energy total (nJ)" if not self.functional else \
            "energy total, without the timing model's terms (nJ)"
        rows.append((total, round(self.energy_total / 1000, 3)))
        return rows
