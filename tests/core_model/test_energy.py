"""Energy is action counts x the parameter table, recomputable with another table."""
from __future__ import annotations

import dataclasses
import json

import pytest

from zskip.core_model import ConfigError, Machine
from zskip.core_model.energy import ACTIONS, EnergyEntry, energy_table_from_dict, load_energy_table
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
    assert stats.energy_table == "energy_45nm"
    for action in ACTIONS:
        assert stats.energy[action] == pytest.approx(stats.actions[action] * table.entries[action].pj)
    assert stats.energy_total == pytest.approx(sum(
        stats.actions[a] * table.entries[a].pj for a in ACTIONS))
    assert stats.energy_total == pytest.approx(sum(stats.energy_by_component.values()))
    # the actions really come from the run
    a = stats.actions
    assert a["fetch_decode"] == stats.instructions
    assert a["load_zd"] == a["zero_detect"] == 4
    # two zero words: skz right after lw.zd decides before the bit is known (lost),
    # except in the first iteration, where skz's I-cache miss gives the load time
    assert a["skip"] == 4 and (stats.skips_taken, stats.skips_lost) == (1, 1)
    assert a["sasa"] == 1 and a["sasa_lookup"] > 0
    assert a["mul"] == 3 and a["div"] == 1         # one of four MACs skipped
    assert a["leakage"] == stats.cycles
    assert a["icache_hit"] + a["icache_miss"] == stats.instructions
    assert a["dcache_hit"] + a["dcache_miss"] == a["load"] + a["store"] + a["load_zd"]
    assert a["memory_read"] == 4 * (a["icache_miss"] + a["dcache_miss"])   # 32 B lines
    assert a["rf_write"] == a["sprf_write"] > 0


def test_recompute_with_another_table(stats) -> None:
    table = load_energy_table("energy_45nm")
    doubled = dataclasses.replace(table, entries={
        a: dataclasses.replace(e, pj=e.pj * 2) for a, e in table.entries.items()})
    again = stats.energy_with(doubled)
    assert again["total"] == pytest.approx(2 * stats.energy_total)
    # price only the extension's own structures
    only_xzs = dataclasses.replace(table, entries={
        a: EnergyEntry(e.pj if e.component == "xzs" else 0.0, e.component, e.source)
        for a, e in table.entries.items()})
    xzs = stats.energy_with(only_xzs)
    assert xzs["total"] == pytest.approx(stats.energy_by_component["xzs"])
    assert set(xzs["by_component"]) >= {"xzs", "core"}
    # the saved JSON has everything needed to re-price later
    saved = json.loads(stats.to_json())
    assert saved["actions"] == stats.actions
    assert saved["energy_total_pj"] == pytest.approx(stats.energy_total)


def test_every_default_names_its_source() -> None:
    table = load_energy_table("energy_45nm")
    assert set(table.entries) == set(ACTIONS)
    assert all(e.source.strip() and e.pj >= 0 for e in table.entries.values())
    # Horowitz ISSCC 2014 anchor values
    assert table.entries["alu"].pj == 0.1 and table.entries["mul"].pj == 3.1


@pytest.mark.parametrize("change, message", [
    ({"alu": None}, "missing action 'alu'"),
    ({"teleport": {"pj": 1.0, "component": "x", "source": "y"}}, "unknown action"),
    ({"mul": {"pj": -1, "component": "core", "source": "s"}}, "non-negative"),
    ({"mul": {"pj": 3.1, "component": "core", "source": ""}}, "source"),
    ({"mul": {"pj": 3.1, "component": "core"}}, "needs exactly"),
])
def test_bad_energy_table_is_a_clear_error(change: dict, message: str) -> None:
    data = {a: {"pj": 1.0, "component": "c", "source": "s"} for a in ACTIONS}
    for k, v in change.items():
        if v is None:
            del data[k]
        else:
            data[k] = v
    with pytest.raises(ConfigError, match=message):
        energy_table_from_dict(data, "bad.toml")
