"""Core configurations: the presets load; an unknown key, a missing key or a bad value
is one clear ConfigError naming it."""
from __future__ import annotations

import re
import tomllib

import pytest

from zskip.core_model import ConfigError, Machine, load_config
from zskip.core_model.config import CONFIG_DIR, preset_names
from zskip.isa.assembler import assemble


def test_presets_load() -> None:
    assert {"embedded", "application"} <= set(preset_names())
    emb, app = load_config(), load_config("application")
    assert load_config("embedded") == emb and emb.name == "embedded"
    assert emb.icache.size == emb.dcache.size == 8192 and emb.pipeline.stages == 5
    assert app.dcache.size == 32768 and app.pipeline.stages > emb.pipeline.stages
    assert app.memory.latency > emb.memory.latency
    assert load_config(CONFIG_DIR / "application.toml") == app      # by path too


def test_every_preset_value_has_a_comment() -> None:
    for name in preset_names():
        for line in (CONFIG_DIR / f"{name}.toml").read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key = line.split("=")[0].strip()
                if key in ("name", "description"):
                    continue
                # occupancies of one cycle are documented by the section comment
                if not line.rstrip().endswith(" 1"):
                    assert "#" in line, f"{name}.toml: {key} has no comment"


@pytest.mark.parametrize("text, message", [
    ("[pipeline]\nstagez = 5\n", "unknown key 'stagez'"),
    ("bogus = 1\n", "unknown key 'bogus'"),
    ("[pipeline]\nstages = 'five'\n", "pipeline.stages: expected a non-negative integer"),
    ("[pipeline]\nbypassing = 1\n", "pipeline.bypassing: expected bool"),
    ("[pipeline]\nbranch_predictor = 'oracle'\n",
     "'oracle' is not one of not_taken, btfn, bimodal, gshare"),
    ("[pipeline]\npredictor_entries = 100\n", "predictor_entries: 100 is not a power of two"),
    ("[pipeline]\nbtb_entries = 8192\n", "btb_entries: 8192 is not a power of two in 1..4096"),
    ("[pipeline]\nhistory_bits = 17\n", "history_bits: must be <= 16"),
    ("[pipeline]\nmultiplier = 'wallace'\n", "'wallace' is not one of pipelined, iterative"),
    ("xzs = 1\n", "xzs: expected bool"),
    ("[pipeline]\ndecode_stage = 4\n", "decode_stage < execute_stage"),
    ("[latency]\nfpu = 3\n", "unknown key 'fpu'"),
    ("[latency]\nmul = 0\n", "latency.mul must be >= 1"),
    ("[dcache]\nsize = 3000\n", "power of two"),
    ("[icache]\nline = 12\n", "icache.line"),
    ("[memory]\nstack_size = 100\n", "multiple of 16"),
    ("sasa_entries = 0\n", "sasa_entries"),
])
def test_bad_config_is_a_clear_error(text: str, message: str) -> None:
    # the embedded preset with the snippet's keys replaced, validated as a file is
    change = tomllib.loads(text)
    with pytest.raises(ConfigError, match=message):
        load_config().updated(change)


def test_unknown_key_in_a_file_names_file_and_key(tmp_path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text((CONFIG_DIR / "embedded.toml").read_text()
                    .replace("[icache]", "[icache]\nassoc = 4"))
    with pytest.raises(ConfigError, match=r"mine.toml: icache: unknown key 'assoc'"):
        load_config(path)


def test_missing_key_and_unreadable_files(tmp_path) -> None:
    text = (CONFIG_DIR / "embedded.toml").read_text().replace("latency = 20", "")
    path = tmp_path / "short.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="memory: missing key 'latency'"):
        load_config(path)
    with pytest.raises(ConfigError, match="unknown preset 'nope'.*embedded"):
        load_config("nope")
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[pipeline\n")
    with pytest.raises(ConfigError, match="bad.toml"):
        load_config(bad)


def test_machine_takes_a_preset_name() -> None:
    program = assemble(".text\n.globl _start\n_start:\n    li a7, 93\n    ecall\n")
    stats = Machine(program, "application").run()
    assert stats.config == "application"
    # application: 7 stages (fill 6), I-miss = 4 + 100
    assert stats.cycles == 2 + 6 + 104


def test_extends_a_preset_with_only_the_changed_keys(tmp_path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text('extends = "embedded"\n[pipeline]\nbypassing = false\n')
    cfg = load_config(path)
    assert cfg.name == "deep"                       # its own name, not the preset's
    assert cfg.pipeline.bypassing is False
    assert cfg.updated({"pipeline": {"bypassing": True}, "name": "embedded"}) == load_config()
    named = tmp_path / "named.toml"                 # extends a file, names itself
    named.write_text('extends = "deep.toml"\nname = "mine"\nxzs = false\n')
    mine = load_config(named)
    assert (mine.name, mine.xzs, mine.pipeline.bypassing) == ("mine", False, False)
    assert Machine(assemble(".text\n.globl _start\n_start:\n li a7, 93\n ecall\n"),
                   named).run().config == "mine"    # the run reports the config's name


@pytest.mark.parametrize("text, message", [
    ('extends = "nope"\n', "unknown preset 'nope'"),
    ('extends = "loop.toml"\n', "extends loop.toml: a cycle"),
    ("extends = 3\n", "extends: expected a preset name or a path"),
    ('extends = "embedded"\n[pipeline]\nstagez = 5\n', "unknown key 'stagez'"),
    ('extends = "embedded"\nxzs = 1\n', "xzs: expected bool"),
])
def test_bad_extends(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "loop.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_without_extends_every_key_is_required(tmp_path) -> None:
    path = tmp_path / "noxzs.toml"
    path.write_text((CONFIG_DIR / "embedded.toml").read_text().replace("\nxzs = true", "\n"))
    with pytest.raises(ConfigError, match="missing key 'xzs'"):
        load_config(path)


def test_energy_table_path_is_relative_to_the_config_file(tmp_path, monkeypatch) -> None:
    (tmp_path / "tables").mkdir()
    table = tmp_path / "tables" / "cheap.toml"
    text = (CONFIG_DIR / "energy_45nm.toml").read_text()
    assert text.count("[leakage]\npj = ") == 1
    table.write_text(re.sub(r"\[leakage\]\npj = [0-9.]+", "[leakage]\npj = 0.0", text))
    path = tmp_path / "cheap_core.toml"
    path.write_text('extends = "embedded"\nenergy_table = "tables/cheap.toml"\n')
    monkeypatch.chdir(CONFIG_DIR)                   # the working directory plays no part
    cfg = load_config(path)
    assert cfg.energy_table == str(table.resolve())
    stats = Machine(assemble(".text\n.globl _start\n_start:\n li a7, 93\n ecall\n"),
                    cfg).run()
    assert stats.energy_table == "cheap" and stats.energy["leakage"] == 0


def test_bad_energy_table_has_its_own_message(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"unknown energy table 'energy_7nm' "
                                          r"\(tables: energy_45nm\)"):
        load_config().updated({"energy_table": "energy_7nm"})
    path = tmp_path / "c.toml"
    path.write_text('extends = "embedded"\nenergy_table = "absent.toml"\n')
    with pytest.raises(ConfigError, match=r"energy_table: .*absent.toml: no such file"):
        load_config(path)
