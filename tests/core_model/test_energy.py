"""Energy is action counts x the parameter table, recomputable with another table."""
from __future__ import annotations

import dataclasses
import json

import pytest

from zskip.core_model import ConfigError, Machine, Stats, load_config
from zskip.core_model.energy import ACTIONS, energy_table_from_dict, load_energy_table
from zskip.isa.assembler import assemble

# A small MAC loop with zero-detect loads, a skip-branch and a SASA entry, so every
# kind of action occurs.
SOURCE = """
.text
.globl _start
_start:
    la    a1, d
    la    t1, trig
    sasa.or t1, t4, t4, 1
    li    s0, 0
    li    t2, 4
loop:
    lw.zd t0, 0(a1)
    skz   t0, next
    mul   t3, t0, t2
    add   s0, s0, t3
next:
    addi  a1, a1, 4
    addi  t2, t2, -1
trig:
    sw    s0, 16(a1)
    addi  s0, s0, 1
    bnez  t2, loop
    div   a0, s0, t2
    li    a7, 93
    ecall
.data
d:  .word 0, 3, 0, 5, 0, 0, 0, 0, 0, 0
"""


@pytest.fixture(scope="module")
def stats():
    m = Machine(assemble(SOURCE))
    return m.run(10_000)


def test_total_is_counts_times_table(stats) -> None:
    table = load_energy_table("energy_45nm")
    sizes = {"icache": 8192, "dcache": 8192}            # the embedded preset
    assert stats.energy_table == "energy_45nm"
    for action in ACTIONS:
        assert stats.energy[action] == pytest.approx(stats.actions[action]
                                                     * table.pj(action, sizes))
    assert stats.energy_total == pytest.approx(sum(stats.energy.values()))
    assert stats.energy_total == pytest.approx(sum(stats.energy_by_component.values()))
    # the actions really come from the run
    a, c = stats.actions, stats.counters
    assert a["fetch_decode"] == stats.instructions
    assert a["load_zd"] == a["zero_detect"] == 4
    # two zero words: skz right after lw.zd decides before the bit is known (lost),
    # except in the first iteration, where skz's I-cache miss gives the load time
    assert a["skip"] == 4 and (stats.skips_taken, stats.skips_lost) == (1, 1)
    assert a["sasa"] == 1 and a["sasa_lookup"] > 0
    assert a["mul"] == 3 and a["div"] == 1         # one of four MACs skipped
    assert a["leakage"] == a["sprf_leakage"] == stats.cycles
    assert a["sasa_leakage"] == 16 * stats.cycles   # the embedded preset's 16 entries
    # every fetched slot reads the I-cache: the retired ones and the squashed ones
    assert a["icache_read"] == stats.instructions + a["wrong_path_fetch"]
    assert a["dcache_access"] == a["load"] + a["store"] + a["load_zd"]
    # 32-byte lines: a miss fills 4 64-bit words, from on-chip SRAM on this preset
    assert a["icache_fill"] == 4 * c["ICACHE_MISSES"] and a["dcache_fill"] == 4 * c["DCACHE_MISSES"]
    assert a["sram_read"] == a["icache_fill"] + a["dcache_fill"] and a["dram_read"] == 0
    assert a["rf_write"] == a["sprf_write"] > 0


def test_recompute_with_another_table(stats) -> None:
    table = load_energy_table("energy_45nm")
    doubled = dataclasses.replace(table, entries={
        a: dataclasses.replace(e, pj=e.pj * 2) for a, e in table.entries.items()})
    again = stats.energy_with(doubled)
    assert again["total"] == pytest.approx(2 * stats.energy_total)
    # price only the extension's own structures
    only_xzs = dataclasses.replace(table, entries={
        a: dataclasses.replace(e, pj=e.pj if e.component == "xzs" else 0.0)
        for a, e in table.entries.items()})
    xzs = stats.energy_with(only_xzs)
    assert xzs["total"] == pytest.approx(stats.energy_by_component["xzs"])
    assert set(xzs["by_component"]) >= {"xzs", "core"}
    # the saved JSON has everything needed to re-price later
    saved = json.loads(stats.to_json())
    assert saved["actions"] == stats.actions
    assert saved["cache_bytes"] == {"icache": 8192, "dcache": 8192}
    assert saved["energy_total_pj"] == pytest.approx(stats.energy_total)


def test_every_default_names_its_source() -> None:
    table = load_energy_table("energy_45nm")
    assert set(table.entries) == set(ACTIONS)
    assert all(e.source.strip() and e.pj >= 0 for e in table.entries.values())
    assert table.size_rule.source.strip()
    # Horowitz ISSCC 2014 anchor values
    assert table.entries["alu"].pj == 0.1 and table.entries["mul"].pj == 3.1


def _table_data() -> dict:
    data: dict = {a: {"pj": 1.0, "component": "c", "source": "s"} for a in ACTIONS}
    data["cache_size_rule"] = {"reference_bytes": 8192, "exponent": 0.5, "source": "s"}
    return data


@pytest.mark.parametrize("change, message", [
    ({"alu": None}, "missing action 'alu'"),
    ({"teleport": {"pj": 1.0, "component": "x", "source": "y"}}, "unknown action"),
    ({"mul": {"pj": -1, "component": "core", "source": "s"}}, "non-negative"),
    ({"mul": {"pj": 3.1, "component": "core", "source": ""}}, "source"),
    ({"mul": {"pj": 3.1, "component": "core"}}, "needs exactly"),
    ({"icache_read": {"pj": 25, "component": "c", "source": "s", "scales_with": "l2"}},
     "'l2' is not one of icache, dcache"),
    ({"cache_size_rule": None}, "cache_size_rule needs exactly"),
    ({"cache_size_rule": {"reference_bytes": 8192, "exponent": 0.5, "source": " "}},
     "cache_size_rule.source"),
])
def test_bad_energy_table_is_a_clear_error(change: dict, message: str) -> None:
    data = _table_data()
    for k, v in change.items():
        if v is None:
            del data[k]
        else:
            data[k] = v
    with pytest.raises(ConfigError, match=message):
        energy_table_from_dict(data, "bad.toml")


def _run(source: str, config: str = "embedded", functional: bool = False,
         **overrides) -> Stats:
    cfg = load_config(config).updated(overrides)
    return Machine(assemble(source), cfg, functional=functional).run(100_000)


def _adds(n: int) -> str:
    return ".text\n.globl _start\n_start:\n" + "    add t0, t1, t2\n" * n + \
        "    li a0, 0\n    li a7, 93\n    ecall\n"


@pytest.mark.parametrize("functional", [True, False], ids=["functional", "timing"])
def test_an_add_costs_the_sources_70_pj(functional: bool) -> None:
    # [H]: ~70 pJ per 32-bit add instruction on an in-order core, of which ~25 pJ the
    # I-cache, ~6 pJ the register file and 0.1 pJ the add. Per add: fetch_decode 38.9
    # + icache_read 25 + 2 rf_read x 2 + rf_write 2 + alu 0.1 = 70.0 pJ, in both modes.
    # 64 more adds (8 more 32-byte lines) on a core without Xzs: 64 x 70 = 4480 pJ,
    # plus in timing mode what the cycles and the 8 extra I-cache misses cost.
    short, long = (_run(_adds(n), functional=functional, xzs=False) for n in (64, 128))
    extra = {k: long.energy[k] - short.energy[k] for k in long.energy}
    per_add = (sum(extra.values()) - extra["leakage"] - extra["icache_fill"]
               - extra["sram_read"]) / 64
    assert per_add == pytest.approx(70.0)
    # the extended core pays its SpRF write on every register write: 0.06 pJ more
    xzs_short, xzs_long = (_run(_adds(n), functional=True) for n in (64, 128))
    assert (xzs_long.energy_total - xzs_short.energy_total) / 64 == pytest.approx(70.06)


# a loop of 10 iterations: 9 taken backward branches and the final fall-through
LOOP = """
.text
.globl _start
_start:
    li   t0, 10
loop:
    addi t0, t0, -1
    bnez t0, loop
    li   a7, 93
    ecall
"""


def test_core_without_xzs_pays_nothing_for_it() -> None:
    base, ext = _run(LOOP, xzs=False), _run(LOOP)
    assert base.cycles == ext.cycles and base.instructions == ext.instructions
    for action in ("sprf_read", "sprf_write", "zero_detect", "sasa_lookup",
                   "sprf_leakage", "sasa_leakage"):
        assert base.actions[action] == 0
    assert base.energy_by_component["xzs"] == 0
    # the extended core: 0.06 pJ per register write (li + 10 addi + li = 12 writes)
    # and per cycle the SpRF's 0.00625 pJ + 16 SASA entries x 0.0098 pJ = 0.16305 pJ
    assert ext.actions["sprf_write"] == ext.counters["RF_WRITES"] == 12
    assert ext.energy_total - base.energy_total == pytest.approx(
        12 * 0.06 + ext.cycles * (0.00625 + 16 * 0.0098))


def test_wrong_path_fetches_are_charged() -> None:
    # embedded (predict not-taken, branches resolve in EX = stage 3): each of the 9
    # taken bnez squashes the 2 slots fetched behind it: 18 wrong-path fetches, each
    # 15.56 pJ (2/5 of fetch_decode) + an I-cache read of 25 pJ
    emb = _run(LOOP)
    assert emb.actions["wrong_path_fetch"] == 18 == emb.stalls["branch_mispredict"]
    assert emb.actions["icache_read"] == emb.instructions + 18
    assert emb.energy["wrong_path_fetch"] == pytest.approx(18 * 15.56)
    # application (BTFN, ID = stage 3, EX = stage 4): the 9 taken bnez are predicted
    # and redirect in ID (2 slots each); the final fall-through is mispredicted (3)
    app = _run(LOOP, "application")
    assert (app.stalls["taken_branch"], app.stalls["branch_mispredict"]) == (18, 3)
    assert app.actions["wrong_path_fetch"] == 21
    # functional runs model no pipeline: no wrong path
    assert _run(LOOP, functional=True).actions["wrong_path_fetch"] == 0


def test_cache_energy_scales_with_the_cache_size() -> None:
    table = load_energy_table("energy_45nm")
    assert (table.size_rule.reference_bytes, table.size_rule.exponent) == (8192, 0.5)
    app = _run(LOOP, "application")
    assert app.cache_bytes == {"icache": 32768, "dcache": 32768}
    # 32 KiB = 4 x the 8 KiB reference: 25 pJ x sqrt(4) = 50 pJ per I-cache read,
    # and a 64-bit fill write 10 x 2 = 20 pJ, [H]'s own 32 KB SRAM figure
    assert app.energy["icache_read"] == pytest.approx(50.0 * app.actions["icache_read"])
    assert table.pj("dcache_fill", {"dcache": 32768}) == pytest.approx(20.0)
    # 64-byte lines: a miss fills 8 64-bit words
    assert app.actions["icache_fill"] == 8 * app.counters["ICACHE_MISSES"] > 0
    # re-pricing a saved run keeps its cache sizes
    assert app.energy_with(table)["total"] == pytest.approx(app.energy_total)


def test_main_memory_is_priced_as_the_preset_says() -> None:
    # embedded: on-chip SRAM, [H] 1 MB SRAM 100 pJ per 64-bit word; application: DRAM,
    # [H] 1.3-2.6 nJ -> 1950 pJ per 64-bit word. One 32-byte (embedded) or 64-byte
    # (application) line of code is fetched: 4 or 8 words.
    emb, app = _run(LOOP), _run(LOOP, "application")
    assert load_config().memory.kind == "sram" and load_config("application").memory.kind == "dram"
    assert (emb.actions["sram_read"], emb.actions["dram_read"]) == (4, 0)
    assert emb.energy_by_component["memory"] == pytest.approx(4 * 100.0)
    assert (app.actions["sram_read"], app.actions["dram_read"]) == (0, 8)
    assert app.energy_by_component["memory"] == pytest.approx(8 * 1950.0)


@pytest.mark.parametrize("change, message", [
    ({"memory": {"kind": "flash"}}, "memory.kind: 'flash' is not one of sram, dram"),
    ({"xzs": 1}, "xzs: expected bool"),
])
def test_energy_config_keys_are_checked(change: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config().updated(change)
