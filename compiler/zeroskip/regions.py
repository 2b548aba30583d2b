"""Candidate regions: for each load, the longest null region after it, its timing and
its estimated benefit; then the choice of the regions that are kept.

A candidate is a load of register r (record k) and a region [s, e) of records with
- a straight-line prefix (k, s) that does not write r (a write would clear SpRF[r]) and
  holds no label or branch: it stays, and its records space the load from the test;
- r live at s (the region reads the loaded value: Z makes the difference);
- [s, e) null under Z = {r == 0} (symbolic.run) and closed: nothing enters (s, e) from
  outside, every way out goes to e.
When the prefix is too short for the decision stage, the load may move up its basic
block (`hoist_room`) past records it does not depend on.

xzs: where the first record that reads r is a product of r and a value another load
put in the straight-line run before (x * w), the region may instead be null under
either zero, {r == 0} and {r2 == 0} each, and tested by `skz2 r, r2`: it pays when the
chance that either is zero (taken as independent) outweighs r's alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from zskip.core_model.config import CoreConfig

from . import cost, symbolic
from .flow import Flow

MAX_PREFIX = 128       # records between a load and its region
NEAR = 6               # starts tried after the load and before the first use
MAX_REGION = 400       # records in a region (SASA: 63)
SASA_MAX = 63


@dataclass
class Region:
    """One candidate: a load and the region it could skip, accepted or not."""
    load: int                 # record index of the load
    reg: int                  # the loaded register
    start: int = -1           # region [start, end) of record indices (-1: none found)
    end: int = -1
    how: str = ""             # "skz", "sasa" or "beqz"
    loops: int = 0            # back edges inside the region
    cycles: float = 0.0       # estimated cycles of one pass through the region
    p_zero: float = 0.0
    gap: int = 0              # instructions between the load and the decision
    hoist: int = 0            # records the load moves up to make that gap
    benefit: float = 0.0      # estimated cycles saved per execution of the load
    accepted: bool = False
    reason: str = ""          # why null / why not, for explain()
    written_live: int = 0     # live registers the region writes with their own value
    # SASA: every in-time entry found (gain, start, end, cycles, gap, hoist, written,
    # loops, "sasa"): a later start makes its first records the trigger
    options: list[tuple] = field(default_factory=list)
    skz_option: tuple | None = None   # target sasa: the best skz region, the fallback
    reg2: int = 0             # skz2: the other operand's register and load
    load2: int = -1
    alone: tuple | None = None    # skz2: (option, p_zero) of the load's own best skz

    @property
    def trigger(self) -> int:
        """SASA: the record just before the region once the load has moved."""
        return self.start - 1 if self.start - 1 > self.load else self.load - 1


def hoist_room(flow: Flow, k: int) -> int:
    """How many records load k can move up: within its basic block, past records that
    neither write its base register nor read or write its destination, and past stores
    only to provably other bytes (same base register, disjoint offsets)."""
    nodes = flow.nodes
    ins = nodes[k].ins
    if ins.labels:
        return 0
    base, rd = ins.values["rs1"], ins.values["rd"]
    width, _ = symbolic.mem_shape(ins.row.name)
    lo = ins.values["imm12"]
    room, j = 0, k - 1
    while j >= 0 and flow.next_of(j) == j + 1:
        other = nodes[j].ins
        cls = other.row.cls
        if cls.flow or cls.ends_block or cls.name in symbolic.FORBIDDEN:
            break
        if nodes[j].defs & (1 << base) or (nodes[j].defs | nodes[j].use) & (1 << rd):
            break
        if cls.memory == "store":
            owidth, _ = symbolic.mem_shape(other.row.name)
            olo = other.values["simm12"]
            if other.values["rs1"] != base or not (olo + owidth <= lo or lo + width <= olo):
                break
        room += 1
        if other.labels:
            break
        j -= 1
    return room


def candidates(flow: Flow, config: CoreConfig, how: str, rates, default_rate: float,
               site) -> list[Region]:
    """The best region of every load that feeds something (one Region per load)."""
    out = []
    for k, node in enumerate(flow.nodes):
        ins = node.ins
        if ins.row.cls.name != "load" or not ins.x_defs:
            continue
        r = ins.x_defs[0]
        if not node.live_out >> r & 1:
            continue
        region = Region(k, r, p_zero=rates.get(site(ins), default_rate))
        _best_region(flow, config, how, region)
        if how == "skz":
            _best_pair(flow, config, region,
                       lambda j: rates.get(site(flow.nodes[j].ins), default_rate))
        out.append(region)
    return out


def _follows(flow: Flow, k: int, q: int) -> bool:
    """Record q follows k, and only k, in a straight line."""
    return q == k + 1 and flow.next_of(k) == q and flow.preds[q] == [k]


def _partner(flow: Flow, k: int, r: int) -> tuple[int, int] | None:
    """(record, register) of the load of the other operand of the first product that
    reads r after load k, when that load lies in the straight-line run before it."""
    q = k + 1
    while q < len(flow.nodes) and q - k <= MAX_PREFIX and _follows(flow, q - 1, q):
        node = flow.nodes[q]
        if node.use >> r & 1:
            if node.ins.row.name != "mul":
                return None
            others = [x for x in node.ins.x_uses if x != r]
            if len(others) != 1:
                return None
            r2 = others[0]
            j = q - 1
            while q - j <= MAX_PREFIX:
                if flow.nodes[j].defs >> r2 & 1:
                    ok = j < k and flow.nodes[j].ins.row.cls.name == "load"
                    return (j, r2) if ok else None
                if j == 0 or not _follows(flow, j - 1, j) or flow.nodes[j - 1].ins.row.cls.flow:
                    return None
                j -= 1
            return None
        if node.defs >> r & 1 or node.ins.row.cls.flow:
            return None
        q += 1
    return None


def _best_pair(flow: Flow, config: CoreConfig, region: Region, p_of) -> None:
    """skz2 over a region null when either factor of a product is zero, if that beats
    the load's own region (the later load of the two decides the gap)."""
    k, r = region.load, region.reg
    partner = _partner(flow, k, r)
    if partner is None:
        return
    k2, r2 = partner
    p_either = 1 - (1 - region.p_zero) * (1 - p_of(k2))
    room = hoist_room(flow, k)
    best = None
    for s in _starts(flow, k, r):
        if any(flow.nodes[j].defs >> r2 & 1 for j in range(k2 + 1, s)):
            break
        own = symbolic.run(flow, s, (r,), MAX_REGION, prefix=k + 1)
        other = symbolic.run(flow, s, (r2,), MAX_REGION, prefix=k2 + 1)
        for e in sorted(set(own.valid_ends) & set(other.valid_ends)):
            bad, written = symbolic.exit_problems(flow, own, e)
            bad2, written2 = symbolic.exit_problems(flow, other, e)
            written |= written2
            if bad or bad2 or written & ((1 << r) | (1 << r2)):
                continue        # a write of either clears its SpRF bit
            cycles = cost.region_cycles(config, flow, s, e)
            loops = sum(1 for q in range(s, e) for h in flow.nodes[q].succs if s <= h <= q)
            prefix = s - k - 1
            extra = max(0, min(room, cost.gap_needed(config, "skz2") - prefix))
            gain = cost.benefit(config, "skz2", p_either, cycles, prefix + extra)
            if best is None or gain > best[0]:
                best = (gain, s, e, cycles, prefix + extra, extra, written, loops, "skz2")
    if best is None or best[0] <= max(region.benefit, 0.0):
        return
    if region.start >= 0:
        region.alone = ((region.benefit, region.start, region.end, region.cycles,
                         region.gap, region.hoist, region.written_live, region.loops,
                         region.how), region.p_zero)
    _take(region, best)
    region.reg2, region.load2, region.p_zero = r2, k2, p_either
    region.reason = _why_null(flow, region)


def _starts(flow: Flow, k: int, r: int) -> list[int]:
    """Where a region of load k may start: along the straight-line prefix (no entry but
    from the previous record, no branch, r not rewritten), at most MAX_PREFIX records
    on, where r is live: the first few records after the load, and the few before the
    first record that reads r (the loads that feed its multiply)."""
    live, first_use = [], None
    s = k + 1
    while s < len(flow.nodes) and s - k - 1 <= MAX_PREFIX and flow.next_of(s - 1) == s:
        node = flow.nodes[s]
        if flow.live_before(s) >> r & 1:
            live.append(s)
            if first_use is None and node.use >> r & 1:
                first_use = s
        if any(p != s - 1 for p in flow.preds[s]) or node.ins.row.cls.flow or node.defs >> r & 1:
            break                          # the prefix stays straight-line, r unchanged
        s += 1
    near = set(live[:NEAR])
    if first_use is not None:
        near |= {p for p in live if first_use - NEAR < p <= first_use}
    return sorted(near)


def _best_region(flow: Flow, config: CoreConfig, how: str, region: Region) -> None:
    k, r = region.load, region.reg
    room = hoist_room(flow, k)
    reasons = []
    best = None
    for s in _starts(flow, k, r):
        found = _region_from(flow, config, how, region, s, room)
        if isinstance(found, str):
            reasons.append(found)
            continue
        found, options, skz = found
        region.options += options
        if skz is not None and (region.skz_option is None or skz[0] > region.skz_option[0]):
            region.skz_option = skz
        if best is None or found[0] > best[0]:
            best = found
    if best is None:
        region.reason = reasons[-1] if reasons else \
            f"{symbolic.reg_name(r)} is not read before it is overwritten or control leaves"
        return
    _take(region, best)
    region.reason = _why_null(flow, region)


def _take(region: Region, option: tuple) -> None:
    region.benefit, region.start, region.end, region.cycles, region.gap, region.hoist, \
        region.written_live, region.loops, region.how = option


def _region_from(flow: Flow, config: CoreConfig, how: str, region: Region, s: int,
                 room: int):
    """The most beneficial region [s, e) and every SASA entry from s that decides in
    time, or a sentence saying why there is none."""
    k, r = region.load, region.reg
    verdict = symbolic.run(flow, s, (r,), SASA_MAX if how == "sasa" else MAX_REGION,
                           prefix=k + 1)
    line = flow.nodes[s].ins.loc[1]
    best, last_problem, options, skz = None, None, [], None
    for e in verdict.valid_ends:
        bad, written = symbolic.exit_problems(flow, verdict, e)
        if how != "beqz" and written >> r & 1:
            # writing r clears SpRF[r]: skipping would leave the bit set, a state the
            # full run never has (verify-skips rejects it)
            bad = bad + [r]
        if bad:
            last_problem = (e, bad)
            continue
        cycles = cost.region_cycles(config, flow, s, e)
        loops = sum(1 for q in range(s, e) for h in flow.nodes[q].succs if s <= h <= q)
        # target sasa: a SASA entry, or a skz where the trigger would decide too late
        for test in (how, "skz") if how == "sasa" else (how,):
            prefix = s - k - 1
            need = cost.gap_needed(config, test)
            extra = 0 if test == "beqz" else max(0, min(room, need - prefix + (test == "sasa")))
            gap = prefix + extra - (test == "sasa")
            if test == "sasa" and prefix + extra == 0:
                continue                   # no instruction to trigger on
            gain = cost.benefit(config, test, region.p_zero, cycles, gap)
            option = (gain, s, e, cycles, gap, extra, written, loops, test)
            if test == "sasa" and gap >= cost.gap_needed(config, "sasa") and gain > 0:
                options.append(option)
            if how == "sasa" and test == "skz" and (skz is None or gain > skz[0]):
                skz = option
            if best is None or gain > best[0]:
                best = option
    if best is not None:
        return best, options, skz
    if verdict.bad_store is not None and verdict.bad_store[0] - s < 3:
        return f"from line {line}: {verdict.bad_store[1]}"
    if last_problem is not None:
        e, bad = last_problem
        names = ", ".join(dict.fromkeys(symbolic.reg_name(b) for b in bad))
        verb = "is" if len(set(bad)) == 1 else "are"
        return (f"from line {line}: {names} would change and {verb} read after line "
                f"{flow.nodes[e - 1].ins.loc[1]}")
    return f"from line {line}: no closed region ({verdict.stop})"


def _why_null(flow: Flow, region: Region) -> str:
    """A sentence on why the region changes nothing when the loaded value is 0."""
    names = {flow.nodes[q].ins.row.name for q in range(region.start, region.end)}
    parts = []
    if names & {"mul", "mulh", "mulhu", "mulhsu"}:
        parts.append("its products are 0")
    if names & {"add", "sub", "or", "xor"}:
        parts.append("adding 0 leaves the accumulators unchanged")
    if any(flow.nodes[q].ins.row.cls.memory == "store" for q in range(region.start, region.end)):
        parts.append("its stores write back the loaded values")
    if region.loops:
        parts.append(f"every iteration of its loop{'s' if region.loops > 1 else ''} "
                     "is such (the loop is assumed to end)")
    parts.append("what it leaves in other registers is dead after it")
    return "; ".join(parts)


def choose(flow: Flow, config: CoreConfig, regions: list[Region]) -> None:
    """Accept regions best first: no partial overlap (nesting is fine for skip-branches),
    a SASA trigger outside every other accepted region, positive benefit with the gap
    that remains when regions inside a prefix are skipped."""
    accepted: list[Region] = []
    found = [r for r in regions if r.start >= 0 and r.benefit > 0]
    for region in found:     # a trigger inside another region fires only when it runs
        if region.how == "sasa" and _inside_other(region, region.trigger, found):
            _retrigger(flow, config, region, found)
    for region in sorted((r for r in regions if r.start >= 0), key=lambda r: -r.benefit):
        if region.how == "skz2" and any(o.load == region.load2 and o.start <= region.start
                                        and region.end <= o.end for o in accepted):
            _alone(flow, region)     # inside the other load's region: its zero is skipped
            if region.start < 0:
                continue
        if any(o.how == "skz2" and o.load2 == region.load
               and (o.start, o.end) == (region.start, region.end) for o in accepted):
            region.reason += "; rejected: a skz2 over the same records tests it already"
            continue
        clash = _clash(flow, region, accepted)
        if clash and region.how == "sasa":
            _as_skz(flow, config, region)            # SASA cannot nest; skz can
            clash = _clash(flow, region, accepted)
        if clash:
            region.reason += f"; rejected: {clash}"
            continue
        region.benefit = _benefit(config, region, accepted)
        if region.how == "sasa" and region.benefit <= 0:
            _as_skz(flow, config, region)
            region.benefit = _benefit(config, region, accepted)
        if region.benefit <= 0:
            region.reason += (f"; rejected: the skip does not pay ({region.benefit:+.1f} "
                              "cycles per execution)")
            continue
        region.accepted = True
        accepted.append(region)


def _alone(flow: Flow, region: Region) -> None:
    """A skz2 region back to its load's own skz region (or none)."""
    option = region.alone
    region.reg2, region.load2, region.alone = 0, -1, None
    if option is None:
        region.start = region.end = -1
        region.reason = ("the product's region lies inside the other operand's region, "
                         "and the load has none of its own")
        return
    _take(region, option[0])
    region.p_zero = option[1]
    region.reason = _why_null(flow, region)


def _inside_other(region: Region, pc: int, regions: list[Region]) -> bool:
    """Record pc lies in a region other than `region` and those around it (a trigger
    there is fetched whenever the region runs)."""
    return any(o is not region and o.start <= pc < o.end
               and not (o.start <= region.start and region.end <= o.end) for o in regions)


def _retrigger(flow: Flow, config: CoreConfig, region: Region, found: list[Region]) -> None:
    """A SASA entry whose trigger lies in another region: the best entry that starts
    later, so that the region's own first records (outside every other region) are
    the trigger, if it beats a skz over the whole region."""
    options = [o for o in region.options if _free_trigger(region, o, found)]
    _as_skz(flow, config, region)
    region.benefit = _benefit(config, region, [])
    best = max(options, default=None, key=lambda o: o[0])
    if best is not None and best[0] > region.benefit:
        reason = region.reason.split("; a skz instead")[0]
        _take(region, best)
        region.reason = reason + (f"; the SASA trigger is the region's own record at line "
                                  f"{flow.nodes[region.trigger].ins.loc[1]} (the record "
                                  "before it lies in another region)")


def _trigger_of(region: Region, option: tuple) -> int:
    start, hoist = option[1], option[5]
    return start - 1 if start - 1 > region.load else region.load - hoist - 1


def _free_trigger(region: Region, option: tuple, regions: list[Region]) -> bool:
    """The option's trigger (and moved load) lie outside every other region."""
    hoist = option[5]
    return not _inside_other(region, _trigger_of(region, option), regions) and not (
        hoist and _inside_other(region, region.load - hoist, regions))


def move_trigger(flow: Flow, region: Region, accepted: list[Region], address: int,
                 entries: int, taken: set[int], tried: set[tuple]) -> bool:
    """A SASA region whose table set (pc >> 2 mod entries, its trigger at `address`) is
    taken: the best other entry of it whose trigger falls in a free set (estimated from
    the distance in records; the caller lays the text out again and checks), that
    clashes with no accepted region. False if there is none."""
    others = [o for o in accepted if o is not region]
    for option in sorted(region.options, key=lambda o: -o[0]):
        if option in tried or option[0] <= 0:
            continue
        trigger = _trigger_of(region, option)
        where = (address >> 2) + trigger - region.trigger
        if where % entries in taken or not _free_trigger(region, option, others):
            continue
        moved = replace(region)
        _take(moved, option)
        if _clash(flow, moved, others):
            continue
        tried.add(option)
        taken.add(where % entries)
        _take(region, option)
        return True
    return False


def demote(flow: Flow, config: CoreConfig, region: Region, accepted: list[Region]) -> None:
    """A SASA region whose table set is taken: a skz region if that pays, else none."""
    _as_skz(flow, config, region)
    region.reason = region.reason.replace("its trigger would lie in another region, or "
                                          "decide too late", "its SASA set is taken")
    others = [o for o in accepted if o is not region]
    region.benefit = _benefit(config, region, others)
    if region.benefit <= 0 or _clash(flow, region, others):
        region.accepted = False
        region.reason += "; rejected: no SASA set free and a skz does not pay or fit"


def _benefit(config: CoreConfig, region: Region, accepted: list[Region]) -> float:
    """The estimate with the gap left when the accepted regions between the load and
    the decision are skipped (their records do not run)."""
    skipped = sum(o.end - o.start - 1 for o in accepted
                  if region.load < o.start and o.end <= region.start)
    return cost.benefit(config, region.how, region.p_zero, region.cycles,
                        region.gap - skipped)


def _as_skz(flow: Flow, config: CoreConfig, region: Region) -> None:
    """Fall back from a SASA entry to a skip-branch (the core has both): the best skz
    region of the load (the callers check it against the accepted ones)."""
    if region.skz_option is not None:
        _take(region, region.skz_option)
        region.reason += ("; a skz instead of a SASA entry (its trigger would lie in "
                          "another region, or decide too late)")
        return
    region.how = "skz"
    prefix = region.start - region.load - 1
    region.hoist = max(0, min(hoist_room(flow, region.load),
                              cost.gap_needed(config, "skz") - prefix))
    region.gap = prefix + region.hoist
    region.reason += ("; a skz instead of a SASA entry (its trigger would lie in another "
                      "region, or decide too late)")


def _clash(flow: Flow, region: Region, accepted: list[Region]) -> str:
    s, e = region.start, region.end
    zone = (region.load - region.hoist, region.load)
    for o in accepted:
        line = flow.nodes[o.load].ins.loc[1]
        inside = o.start <= s and e <= o.end
        around = s <= o.start and o.end <= e
        if not (e <= o.start or o.end <= s or inside or around):
            return f"overlaps the region of the load at line {line}"
        for a, b in ((region, o), (o, region)):
            if a.how == "sasa" and _inside_other(a, a.trigger, [b]):
                return f"a SASA trigger would lie inside the region of line {line}"
        for a, b in ((region, o), (o, region)):
            if a.hoist and any(a.load - a.hoist <= x <= a.load for x in (b.start, b.end)):
                return f"a moved load would cross a boundary of the region of line {line}"
        ozone = (o.load - o.hoist, o.load)
        if (region.hoist or o.hoist) and zone[0] <= ozone[1] and ozone[0] <= zone[1]:
            return f"its load would move across the load at line {line}"
        if region.written_live & ((1 << o.reg) | (1 << o.reg2)) & ~1 or \
                o.written_live & ((1 << region.reg) | (1 << region.reg2)) & ~1:
            return f"it rewrites the zero-detect register of line {line} (or the reverse)"
        for a, b in ((region, o), (o, region)):
            if b.start <= a.load2 < b.end and not (b.start <= a.start and a.end <= b.end):
                return (f"the other operand of a skz2 would be loaded inside the region "
                        f"of line {line}")
    # a SASA block's length counts the tests of the regions nested in it
    for outer in [region] + [o for o in accepted if o.how == "sasa" and
                             o.start <= s and e <= o.end]:
        if outer.how != "sasa":
            continue
        tests = sum(1 for o in [region, *accepted] if o is not outer and o.how != "sasa"
                    and outer.start <= o.start and o.end <= outer.end)
        if outer.end - outer.start + tests > SASA_MAX:
            return (f"the SASA block of line {flow.nodes[outer.load].ins.loc[1]} would be "
                    f"longer than {SASA_MAX} instructions with the tests nested in it")
    return ""
