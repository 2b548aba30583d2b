"""The zero-skip pass: baseline RV32IM assembly in, the same program with zero skips out.

    from zskip.compiler.zeroskip import zero_skip
    result = zero_skip(source, "xzs", load_config("embedded"), filename="k.S")
    result.text        # assembly (the source itself when nothing changed)
    result.regions     # every candidate load, accepted or not, with reason and estimate
    print(result.explain())

Targets: "branch" (an ordinary load and `beqz r, end`: the base ISA), "xzs" (`lb.zd`
and `skz r, end`), "sasa" (`lb.zd` and a skip-address-table entry written at the entry;
a region whose trigger cannot be placed falls back to `skz`). docs/zero_skip_pass.md
describes the analysis; flow.py (CFG, liveness), symbolic.py (nullness under Z),
regions.py (candidates, choice), cost.py (timing from the config), rewrite.py (text).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from zskip.core_model.config import CoreConfig, load_config
from zskip.isa.assembler import assemble, parse
from zskip.isa.assembler.ir import Module, print_module
from zskip.isa.program import Program

from . import regions as _regions
from .flow import Flow
from .profile import ProfileError, Site, profile_zero_rates, site_of
from .regions import Region
from .rewrite import apply, sasa_scopes, scope_extent
from .schedule import Regroup, regroup
from .symbolic import reg_name

TARGETS = {"branch": "beqz", "xzs": "skz", "sasa": "sasa"}

DEFAULT_ZERO_RATE = 0.5

__all__ = ["zero_skip", "zero_skip_assembly", "SkipResult", "Region", "Site", "profile_zero_rates", "ProfileError",
           "TARGETS"]


@dataclass
class SkipResult:
    """The pass's output: `text`, and every candidate load in `regions`."""
    text: str
    regions: list[Region]
    target: str
    config: str
    flow: Flow
    notes: list[str] = field(default_factory=list)   # where the zero rates came from

    @property
    def changed(self) -> bool:
        return any(r.accepted for r in self.regions)

    def explain(self) -> str:
        """One entry per candidate load: where, the region, why it is null, whether it
        was kept and the estimated benefit."""
        out = [f"zero-skip pass, target {self.target}, config {self.config}: "
               f"{sum(r.accepted for r in self.regions)} of {len(self.regions)} "
               "candidate loads kept"]
        out += [f"- {note}" for note in self.notes]
        nodes = self.flow.nodes
        for r in self.regions:
            ins = nodes[r.load].ins
            head = f"{ins.loc[0]}:{ins.loc[1]}: `{ins.text()}`"
            if r.start < 0:
                out.append(f"- {head}: no region: {r.reason}")
                continue
            lines = f"lines {nodes[r.start].ins.loc[1]}-{nodes[r.end - 1].ins.loc[1]}"
            verdict = "kept" if r.accepted else "not kept"
            out.append(
                f"- {head}: {verdict}, {r.how} over {lines} ({r.end - r.start} "
                f"instructions{', ' + str(r.loops) + ' loop(s)' if r.loops else ''}); "
                f"null when {reg_name(r.reg)} == 0"
                f"{f' or {reg_name(r.reg2)} == 0' if r.how == 'skz2' else ''}: "
                f"{r.reason}. Estimate: "
                f"{r.cycles:.1f} cycles per pass, p(zero) {r.p_zero:.2f}, "
                f"{r.gap} instructions before the decision"
                f"{f' (load moved up {r.hoist})' if r.hoist else ''}, "
                f"benefit {r.benefit:+.2f} cycles per execution")
        if not self.changed:
            out.append("no region is both safe and profitable: the program is unchanged")
        return "\n".join(out)


def zero_skip(source: str | Module, target: str = "xzs", config: CoreConfig | None = None,
              *, filename: str = "<input>", zero_rates: Mapping[Site, float] | None = None,
              default_zero_rate: float = DEFAULT_ZERO_RATE) -> SkipResult:
    """Find the regions that are null when a loaded value is zero and add skips over
    the profitable ones. `zero_rates` (site (file, line) of a load -> fraction of zero
    values, e.g. from profile_zero_rates) refines `default_zero_rate`."""
    if target not in TARGETS:
        raise ValueError(f"target {target!r} is not one of {', '.join(TARGETS)}")
    config = config or load_config("embedded")
    module = parse(source, filename) if isinstance(source, str) else source
    original = print_module(module)
    assemble(module)                      # every field gets its value
    flow = Flow(module)
    found = _find(flow, config, target, zero_rates or {}, default_zero_rate)
    notes = []
    flow, found, groups = _regroup(flow, found, config, target, zero_rates or {},
                                   default_zero_rate)
    if groups:
        lines = ", ".join(str(flow.nodes[g.block[0]].ins.loc[1]) for g in groups)
        notes.append(f"{len(groups)} block(s) regrouped so that each operand's work is "
                     f"contiguous (starting at line {lines})")
    if any(r.accepted for r in found):
        text = _write(flow, config, found)
    else:                                 # unchanged: the input itself, byte for byte
        text = source if isinstance(source, str) else original
    return SkipResult(text, found, target, config.name, flow, notes)


def _regroup(flow: Flow, found: list[Region], config: CoreConfig, target: str,
             rates: Mapping[Site, float], default_rate: float
             ) -> tuple[Flow, list[Region], list[Regroup]]:
    """Interleaved work regrouped (schedule.py) in the blocks where it pays: the flow,
    its regions and the blocks regrouped (none: the original flow and regions)."""
    groups = regroup(flow, config)
    while groups:
        moved = _regrouped(flow, {at: k for g in groups for at, k in g.perm.items()})
        if moved is None:
            break
        again = _find(moved, config, target, rates, default_rate)
        kept = {r.load for r in again if r.accepted}

        def gain(regions: list[Region], block: list[int]) -> float:
            return sum(r.benefit for r in regions if r.accepted and r.load in block)

        # never a slower schedule: the benefits rest on zero rates that may be a guess
        used = [g for g in groups if g.loads & kept and g.extra <= 0
                and gain(again, g.block) > gain(found, g.block)]
        if used == groups:
            if _worth(again) > _worth(found):
                return moved, again, groups
            break
        groups = used
    return flow, found, []


def _find(flow: Flow, config: CoreConfig, target: str, rates: Mapping[Site, float],
          default_rate: float) -> list[Region]:
    found = _regions.candidates(flow, config, TARGETS[target], rates, default_rate, site_of)
    _regions.choose(flow, config, found)
    return found


def _worth(found: list[Region]) -> float:
    return sum(r.benefit for r in found if r.accepted)


def _regrouped(flow: Flow, perm: dict[int, int]) -> Flow | None:
    """The module with record perm[k] in place k (schedule.regroup), re-parsed; every
    record keeps its source location (sites, explain)."""
    insns = flow.insns
    text = print_module(flow.module, {insns[at]: [f"\t{insns[k].text()}"]
                                      for at, k in perm.items()})
    module = parse(text, flow.module.filename)
    new = module.instructions()
    if len(new) != len(insns):
        return None
    for at, ins in enumerate(new):
        ins.loc = insns[perm.get(at, at)].loc
    assemble(module)
    return Flow(module)


def zero_skip_assembly(text: str, target: str, config: CoreConfig, *, filename: str,
                       zero_rate: float | None = None) -> SkipResult:
    """The pass on a user's assembly program (`zskip compile prog.S`): with `zero_rate`
    None, the zero rate of every load is profiled on a run of the program as it is
    (on `config`'s core, within its max_insns); a program that faults or does not exit
    in time gets DEFAULT_ZERO_RATE for every load, and explain() says why. A changed
    program that runs is checked: run with verify-skips, it must leave the original's
    exit code, output and data (compare.MismatchError, or the unsafe skip's fault)."""
    if zero_rate is not None and not 0.0 <= zero_rate <= 1.0:
        raise ProfileError(f"the zero rate must be in [0, 1], got {zero_rate}")
    module = parse(text, filename)
    program = assemble(module)
    rates, default, runs = None, DEFAULT_ZERO_RATE, True
    if zero_rate is not None:
        default = zero_rate
        note = f"every load assumed to read zero with probability {zero_rate:g} (given)"
    else:
        loads = [ins for ins in module.instructions() if ins.row.cls.name == "load"]
        try:
            rates = profile_zero_rates(program, loads, config, config.max_insns)
            note = (f"zero rates profiled on a run of the program as it is "
                    f"({len(rates)} of {len(loads)} loads executed"
                    f"{f'; the others assumed {default:g}' if len(rates) < len(loads) else ''})")
        except ProfileError as exc:
            runs = False
            note = (f"the program could not be profiled ({exc}): every load assumed to "
                    f"read zero with probability {default:g}")
    result = zero_skip(text, target, config, filename=filename, zero_rates=rates,
                       default_zero_rate=default)
    result.notes.append(note)
    if result.changed and runs:
        _check_same_run(program, assemble(result.text, filename), config)
        result.notes.append("checked: run with verify-skips, the transformed program left "
                            "the original's exit code, output and data")
    return result


def _check_same_run(original: Program, transformed: Program, config: CoreConfig) -> None:
    from zskip.core_model import compare
    compare.check_same_results([
        compare.run_program("the original", original, config, functional=True),
        compare.run_program("the transformed program", transformed, config, functional=True,
                            verify_skips=True)])


def _write(flow: Flow, config: CoreConfig, found: list[Region]) -> str:
    """The text; SASA entries whose triggers share a set of the direct-mapped table
    (pc >> 2 mod sasa_entries, known once laid out) would evict each other: all but the
    most beneficial of a set are written in a narrower scope (an inner loop), or take
    another of their entries whose trigger falls in a free set, or become skz regions
    (or go), and the text is written again."""
    tried: dict[int, set[tuple]] = {}
    # where the SASA writes may go, from the first choice (a region only ever moves
    # its trigger, narrows its scope or becomes a skz)
    choices = sasa_scopes(flow, [r for r in found if r.accepted], config.sasa_entries)
    while True:
        kept = [r for r in found if r.accepted]
        scopes = {key: where[0] for key, where in choices.items()}
        text, triggers = apply(flow, kept, scopes)
        sasa = [r for r in kept if r.how == "sasa"]
        if not sasa:
            return text
        symbols = assemble(text, flow.module.filename).symbols
        sets = {id(r): (symbols[triggers[id(r)]] >> 2) % config.sasa_entries for r in sasa}
        extent = {id(r): scope_extent(flow, scopes[id(r)]) for r in sasa}

        def related(a: Region, b: Region) -> bool:
            """Their writes can evict each other: one scope holds the other."""
            (a0, a1), (b0, b1) = extent[id(a)], extent[id(b)]
            return a0 <= b1 and b0 <= a1

        ranked = sorted(sasa, key=lambda r: -r.benefit)
        clashes = [r for i, r in enumerate(ranked) if any(
            sets[id(o)] == sets[id(r)] and related(o, r) for o in ranked[:i])]
        if not clashes:
            return text
        for r in clashes:
            taken = {sets[id(o)] for o in sasa if o is not r and related(o, r)}
            if len(choices[id(r)]) > 1:
                choices[id(r)].pop(0)
            elif not _regions.move_trigger(flow, r, kept, symbols[triggers[id(r)]],
                                           config.sasa_entries, taken,
                                           tried.setdefault(id(r), set())):
                _regions.demote(flow, config, r, kept)
