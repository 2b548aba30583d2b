"""Energy: action counts x a parameter table (Accelergy style).

The core only counts actions (stats.action_counts); this module holds the table format
and the multiplication, so another table can re-price a saved run without re-running.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zskip.isa.table import OP_CLASSES

from .config import CONFIG_DIR, ConfigError, read_toml, resolve

# Every action a table must price: per executed instruction (fetch_decode and its op
# class), register files, the extension's own structures, caches, memory and leakage.
ACTIONS: tuple[str, ...] = (
    "fetch_decode", *OP_CLASSES,
    "rf_read", "rf_write", "sprf_read", "sprf_write", "zero_detect", "sasa_lookup",
    "icache_hit", "icache_miss", "dcache_hit", "dcache_miss", "dcache_writeback",
    "memory_read", "memory_write", "leakage",
)


@dataclass(frozen=True)
class EnergyEntry:
    pj: float
    component: str
    source: str


@dataclass(frozen=True)
class EnergyTable:
    name: str
    technology: str
    entries: dict[str, EnergyEntry]

    def energy(self, actions: dict[str, int]) -> dict[str, float]:
        """pJ per action for the given action counts."""
        return {a: actions.get(a, 0) * self.entries[a].pj for a in ACTIONS}

    def by_component(self, energy: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for action, pj in energy.items():
            comp = self.entries[action].component
            out[comp] = out.get(comp, 0.0) + pj
        return out


def energy_table_from_dict(data: dict, where: str) -> EnergyTable:
    entries: dict[str, EnergyEntry] = {}
    extra = sorted(set(data) - set(ACTIONS) - {"technology"})
    if extra:
        raise ConfigError(f"{where}: unknown action {extra[0]!r} (known: {', '.join(ACTIONS)})")
    for action in ACTIONS:
        entry = data.get(action)
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: missing action {action!r}")
        if set(entry) != {"pj", "component", "source"}:
            raise ConfigError(f"{where}: {action} needs exactly pj, component, source")
        pj = entry["pj"]
        if isinstance(pj, bool) or not isinstance(pj, (int, float)) or pj < 0:
            raise ConfigError(f"{where}: {action}.pj must be a non-negative number")
        if not (isinstance(entry["source"], str) and entry["source"].strip()):
            raise ConfigError(f"{where}: {action}.source must name where the value comes from")
        entries[action] = EnergyEntry(float(pj), str(entry["component"]), entry["source"])
    return EnergyTable(Path(where).stem, str(data.get("technology", "")), entries)


def load_energy_table(name_or_path: str | Path) -> EnergyTable:
    """A table in configs/ by name ("energy_45nm") or a TOML file by path."""
    path = resolve(name_or_path, CONFIG_DIR)
    return energy_table_from_dict(read_toml(path), str(path))
