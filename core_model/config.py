"""Core configurations: TOML files in configs/, loaded into frozen dataclasses.

Every key is required and checked (type, range); an unknown key is an error, so a typo
never silently falls back to a default. A file may instead start from another config:
`extends = "embedded"` (a preset name, or a path relative to the file) takes every key
from there, and the file gives only the keys it changes (its `name` defaults to the
file's stem). An `energy_table` path is relative to the file that names it.
"""
from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zskip.isa.errors import ZskipError
from zskip.isa.table import OP_CLASSES

CONFIG_DIR = Path(__file__).resolve().parent / "configs"
DEFAULT_CONFIG = "embedded"
PREDICTORS = ("not_taken", "btfn", "bimodal", "gshare")
STATIC_PREDICTORS = ("not_taken", "btfn")      # pred_is_static (csrc/predictor.h)
DIVIDERS = ("fixed", "data")
MEMORY_KINDS = ("sram", "dram")
MULTIPLIERS = ("pipelined", "iterative")
MAX_PREDICTOR_ENTRIES = 65536    # ZS_PRED_MAX in csrc/predictor.h
MAX_BTB_ENTRIES = 4096           # ZS_BTB_MAX


class ConfigError(ZskipError):
    """A core configuration or energy table that cannot be used."""


@dataclass(frozen=True)
class PipelineConfig:
    stages: int
    decode_stage: int
    execute_stage: int
    memory_stages: int
    bypassing: bool
    branch_predictor: str
    predictor_entries: int       # 2-bit counters (bimodal, gshare)
    history_bits: int            # global history (gshare)
    btb_entries: int             # branch target buffer (bimodal, gshare)
    skip_taken_penalty: int
    skip_not_taken_penalty: int
    multiplier: str
    divider: str

    def check(self, where: str) -> None:
        if not 1 <= self.decode_stage < self.execute_stage < self.stages:
            raise ConfigError(f"{where}: need 1 <= decode_stage < execute_stage < stages")
        if self.branch_predictor not in PREDICTORS:
            raise ConfigError(f"{where}.branch_predictor: {self.branch_predictor!r} is not "
                              f"one of {', '.join(PREDICTORS)}")
        for key, limit in (("predictor_entries", MAX_PREDICTOR_ENTRIES),
                           ("btb_entries", MAX_BTB_ENTRIES)):
            value = getattr(self, key)
            if not (0 < value <= limit and value & (value - 1) == 0):
                raise ConfigError(f"{where}.{key}: {value} is not a power of two in 1..{limit}")
        if not self.history_bits <= MAX_PREDICTOR_ENTRIES.bit_length() - 1:
            raise ConfigError(f"{where}.history_bits: must be <= 16")
        if self.multiplier not in MULTIPLIERS:
            raise ConfigError(f"{where}.multiplier: {self.multiplier!r} is not one of "
                              f"{', '.join(MULTIPLIERS)}")
        if self.divider not in DIVIDERS:
            raise ConfigError(f"{where}.divider: {self.divider!r} is not one of "
                              f"{', '.join(DIVIDERS)}")


@dataclass(frozen=True)
class CacheConfig:
    size: int
    ways: int
    line: int
    hit_latency: int
    miss_penalty: int

    @property
    def sets(self) -> int:
        return self.size // (self.ways * self.line)

    def check(self, where: str) -> None:
        def pow2(v: int) -> bool:
            return v > 0 and v & (v - 1) == 0
        if not (pow2(self.line) and self.line >= 8):
            raise ConfigError(f"{where}.line: {self.line} is not a power of two >= 8")
        if self.size % (self.ways * self.line) or not pow2(self.sets):
            raise ConfigError(f"{where}: size / (ways * line) must be a power of two")
        if self.sets * self.ways > 16384:
            raise ConfigError(f"{where}: more than 16384 lines")
        if self.hit_latency < 1:
            raise ConfigError(f"{where}.hit_latency: must be >= 1")


@dataclass(frozen=True)
class MemoryConfig:
    kind: str                    # what main memory is: on-chip "sram" or "dram" (energy)
    latency: int
    stack_size: int
    heap_size: int

    def check(self, where: str) -> None:
        if self.kind not in MEMORY_KINDS:
            raise ConfigError(f"{where}.kind: {self.kind!r} is not one of "
                              f"{', '.join(MEMORY_KINDS)}")
        if self.stack_size % 16 or self.stack_size < 16:
            raise ConfigError(f"{where}.stack_size: must be a positive multiple of 16")


@dataclass(frozen=True)
class CoreConfig:
    name: str
    description: str
    max_insns: int
    energy_table: str
    sasa_entries: int
    xzs: bool
    pipeline: PipelineConfig
    latency: dict[str, int]      # cycles each op class holds EX (its occupancy)
    icache: CacheConfig
    dcache: CacheConfig
    memory: MemoryConfig

    @property
    def stack_size(self) -> int:
        return self.memory.stack_size

    @property
    def heap_size(self) -> int:
        return self.memory.heap_size

    def updated(self, overrides: dict[str, Any]) -> CoreConfig:
        """A copy with nested `overrides` ({"pipeline": {"bypassing": False}}) applied
        and validated like a file."""
        merged = _merge(self.to_dict(), overrides)
        return config_from_dict(merged, f"{self.name} (updated)")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) \
            else v
    return out


def _check_value(where: str, value: Any, expected: Any) -> None:
    ok = isinstance(value, bool) if expected is bool else \
        (isinstance(value, int) and not isinstance(value, bool) and value >= 0) \
        if expected is int else isinstance(value, expected)
    if not ok:
        kind = "a non-negative integer" if expected is int else expected.__name__
        raise ConfigError(f"{where}: expected {kind}, got {value!r}")


def _keys(where: str, table: Any, known: set[str]) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table, got {table!r}")
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    missing = sorted(known - set(table))
    if missing:
        raise ConfigError(f"{where}: missing key {missing[0]!r}")


def _section(cls: type, table: Any, where: str) -> Any:
    hints = typing.get_type_hints(cls)
    _keys(where, table, set(hints))
    for key, value in table.items():
        _check_value(f"{where}.{key}", value, hints[key])
    obj = cls(**table)
    obj.check(where)
    return obj


def config_from_dict(data: dict[str, Any], where: str) -> CoreConfig:
    hints = typing.get_type_hints(CoreConfig)
    _keys(where, data, set(hints))
    for key in ("name", "description", "energy_table"):
        _check_value(f"{where}: {key}", data[key], str)
    _check_energy_table(where, data["energy_table"])
    for key in ("max_insns", "sasa_entries"):
        _check_value(f"{where}: {key}", data[key], int)
    if not 1 <= data["max_insns"]:
        raise ConfigError(f"{where}: max_insns must be >= 1")
    if not 1 <= data["sasa_entries"] <= 256:
        raise ConfigError(f"{where}: sasa_entries must be in 1..256")
    _check_value(f"{where}: xzs", data["xzs"], bool)
    _keys(f"{where}: latency", data["latency"], set(OP_CLASSES))
    for key, value in data["latency"].items():
        _check_value(f"{where}: latency.{key}", value, int)
        if value < 1:
            raise ConfigError(f"{where}: latency.{key} must be >= 1")
    return CoreConfig(
        name=data["name"], description=data["description"], max_insns=data["max_insns"],
        energy_table=data["energy_table"], sasa_entries=data["sasa_entries"],
        xzs=data["xzs"],
        pipeline=_section(PipelineConfig, data["pipeline"], f"{where}: pipeline"),
        latency=dict(data["latency"]),
        icache=_section(CacheConfig, data["icache"], f"{where}: icache"),
        dcache=_section(CacheConfig, data["dcache"], f"{where}: dcache"),
        memory=_section(MemoryConfig, data["memory"], f"{where}: memory"),
    )


def preset_names() -> list[str]:
    return sorted(p.stem for p in CONFIG_DIR.glob("*.toml") if not p.stem.startswith("energy"))


def energy_table_names() -> list[str]:
    return sorted(p.stem for p in CONFIG_DIR.glob("energy*.toml"))


def _is_path(text: str) -> bool:
    return "/" in text or text.endswith(".toml")


def _check_energy_table(where: str, name: str) -> None:
    if _is_path(name):
        if not Path(name).is_file():
            raise ConfigError(f"{where}: energy_table: {name}: no such file")
    elif not (CONFIG_DIR / f"{name}.toml").is_file():
        raise ConfigError(f"{where}: unknown energy table {name!r} "
                          f"(tables: {', '.join(energy_table_names())})")


def resolve(name_or_path: str | Path, directory: Path = CONFIG_DIR) -> Path:
    """A preset name ("embedded") or a path to a TOML file."""
    text = str(name_or_path)
    if not _is_path(text):
        path = directory / f"{text}.toml"
        if not path.is_file():
            raise ConfigError(f"unknown preset {text!r} (presets: {', '.join(preset_names())})")
        return path
    path = Path(text)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    return path


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file") from None


def _read_config(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The keys of a config file with its `extends` chain applied and its energy table
    path made independent of the working directory."""
    data = read_toml(path)
    table = data.get("energy_table")
    if isinstance(table, str) and _is_path(table):
        data["energy_table"] = str((path.parent / table).resolve())
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ConfigError(f"{path}: extends: expected a preset name or a path, got {base!r}")
    base_path = resolve(path.parent / base if _is_path(base) else base).resolve()
    if base_path in chain:
        raise ConfigError(f"{path}: extends {base}: a cycle")
    return _merge(_read_config(base_path, (*chain, base_path)),
                  {"name": path.stem, **data})


def load_config(name_or_path: str | Path | None = None) -> CoreConfig:
    """Load a preset by name or a TOML file by path (None: the embedded default)."""
    path = resolve(name_or_path if name_or_path is not None else DEFAULT_CONFIG)
    return config_from_dict(_read_config(path, (path.resolve(),)), str(path))
