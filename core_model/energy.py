"""Energy: action counts x a parameter table (Accelergy style).

The core only counts actions (stats.action_counts); this module holds the table format
and the multiplication, so another table can re-price a saved run without re-running.
A cache action's entry may scale with the size of the cache it names (`scales_with`):
its pJ is given at the table's reference size and multiplied by
(size / reference_bytes) ** exponent, the rule the table's [cache_size_rule] states.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zskip.isa.table import OP_CLASSES

from .config import CONFIG_DIR, ConfigError, read_toml, resolve

CACHES: tuple[str, ...] = ("icache", "dcache")

# Every action a table must price: per retired instruction (fetch_decode and its op
# class), per squashed wrong-path slot, register files, the extension's own structures,
# caches, main memory by kind (on-chip SRAM or DRAM) and leakage.
ACTIONS: tuple[str, ...] = (
    "fetch_decode", "wrong_path_fetch", *OP_CLASSES,
    "rf_read", "rf_write", "sprf_read", "sprf_write", "zero_detect", "sasa_lookup",
    "icache_read", "icache_fill", "dcache_access", "dcache_fill", "dcache_writeback",
    "sram_read", "sram_write", "dram_read", "dram_write",
    "leakage", "sprf_leakage", "sasa_leakage",
)


@dataclass(frozen=True)
class EnergyEntry:
    pj: float                # at the reference cache size if scales_with is set
    component: str
    source: str
    scales_with: str = ""    # "icache" / "dcache": scaled by that cache's size


@dataclass(frozen=True)
class SizeRule:
    reference_bytes: int
    exponent: float
    source: str

    def factor(self, size: int) -> float:
        return (size / self.reference_bytes) ** self.exponent


@dataclass(frozen=True)
class EnergyTable:
    name: str
    technology: str
    entries: dict[str, EnergyEntry]
    size_rule: SizeRule

    def pj(self, action: str, cache_bytes: dict[str, int]) -> float:
        """pJ of one `action` on a core whose caches have these sizes in bytes."""
        entry = self.entries[action]
        if not entry.scales_with:
            return entry.pj
        return entry.pj * self.size_rule.factor(cache_bytes[entry.scales_with])

    def energy(self, actions: dict[str, int], cache_bytes: dict[str, int]) -> dict[str, float]:
        """pJ per action for the given action counts and cache sizes."""
        return {a: actions.get(a, 0) * self.pj(a, cache_bytes) for a in ACTIONS}

    def by_component(self, energy: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for action, pj in energy.items():
            comp = self.entries[action].component
            out[comp] = out.get(comp, 0.0) + pj
        return out


def _source(where: str, value: object) -> str:
    if not (isinstance(value, str) and value.strip()):
        raise ConfigError(f"{where}.source must name where the value comes from")
    return value


def _size_rule(data: object, where: str) -> SizeRule:
    if not isinstance(data, dict) or set(data) != {"reference_bytes", "exponent", "source"}:
        raise ConfigError(f"{where}: cache_size_rule needs exactly reference_bytes, "
                          "exponent, source")
    ref, exp = data["reference_bytes"], data["exponent"]
    if isinstance(ref, bool) or not isinstance(ref, int) or ref < 1:
        raise ConfigError(f"{where}: cache_size_rule.reference_bytes must be a positive integer")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)) or exp < 0:
        raise ConfigError(f"{where}: cache_size_rule.exponent must be a non-negative number")
    return SizeRule(ref, float(exp), _source(f"{where}: cache_size_rule", data["source"]))


def energy_table_from_dict(data: dict, where: str) -> EnergyTable:
    entries: dict[str, EnergyEntry] = {}
    extra = sorted(set(data) - set(ACTIONS) - {"technology", "cache_size_rule"})
    if extra:
        raise ConfigError(f"{where}: unknown action {extra[0]!r} (known: {', '.join(ACTIONS)})")
    for action in ACTIONS:
        entry = data.get(action)
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: missing action {action!r}")
        if not {"pj", "component", "source"} <= set(entry) <= {"pj", "component", "source",
                                                                "scales_with"}:
            raise ConfigError(f"{where}: {action} needs exactly pj, component, source "
                              "(and optionally scales_with)")
        pj = entry["pj"]
        if isinstance(pj, bool) or not isinstance(pj, (int, float)) or pj < 0:
            raise ConfigError(f"{where}: {action}.pj must be a non-negative number")
        scales_with = entry.get("scales_with", "")
        if scales_with and scales_with not in CACHES:
            raise ConfigError(f"{where}: {action}.scales_with: {scales_with!r} is not one of "
                              f"{', '.join(CACHES)}")
        entries[action] = EnergyEntry(float(pj), str(entry["component"]),
                                      _source(f"{where}: {action}", entry["source"]),
                                      scales_with)
    return EnergyTable(Path(where).stem, str(data.get("technology", "")), entries,
                       _size_rule(data.get("cache_size_rule"), where))


def load_energy_table(name_or_path: str | Path) -> EnergyTable:
    """A table in configs/ by name ("energy_45nm") or a TOML file by path."""
    path = resolve(name_or_path, CONFIG_DIR)
    return energy_table_from_dict(read_toml(path), str(path))
