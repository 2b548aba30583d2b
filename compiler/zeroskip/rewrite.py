"""The accepted regions written into the module's text (ir.print_module with
replacements): per region the load becomes a zero-detect load (xzs, sasa) and moves up
if it must; a `skz r, end` (xzs), `beqz r, end` (branch) or a SASA entry (trigger label
on the record before the region, `la`/`sasa.or` at the program's or function's entry)
and the end label are added. Lines before a record keep this order: region ends and
skips (outermost first) before the record's labels, then the labels,
then moved loads, trigger labels and the record.
"""
from __future__ import annotations

from collections import defaultdict

from zskip.isa.assembler.ir import Label, Module, print_module, printable_name
from zskip.isa.table import ABI_NAMES

from .flow import ARGS, Flow
from .regions import Region

SCRATCH = (31, 30, 29, 28, 7, 6, 5)       # t6..t3, t2..t0: a register for `la` at entry


class Names:
    """Fresh local labels that clash with nothing in the module."""

    def __init__(self, module: Module, stem: str):
        self.taken = {name for ins in module.instructions() for name in ins.labels}
        self.taken |= set(getattr(module.state, "symbols", {}) or {})
        self.stem, self.n = stem, 0

    def __call__(self) -> str:
        while True:
            self.n += 1
            name = f".L{self.stem}{self.n}"
            if name not in self.taken:
                self.taken.add(name)
                return name


def zd(ins) -> str:
    """The record as its zero-detect load (lb -> lb.zd)."""
    name = ins.row.name
    return f"{name}.zd{ins.text()[len(name):]}"


def entry_point(flow: Flow, region: Region) -> int:
    """Where SASA entries are written: the start of the function holding the region
    (its nearest preceding `_start`, global label, called label or code label whose
    address is taken) where a scratch register is free, else `_start`. Written per
    function, the entries of each function have the whole table (a routine rewrites its
    own at every call, as the hand kernels' setup routines do); where the guess of the
    function is wrong a skip is lost, never a result: an entry is valid at any time."""
    globl = {name.strip() for item in flow.module.items
             if getattr(item, "name", None) in (".globl", ".global")
             for name in item.text.split(",")}
    starts = {k for name, k in flow.label_at.items() if name in globl or name == "_start"}
    starts |= set(flow.address_taken)
    starts |= {n.callee for n in flow.nodes if n.callee is not None}
    start = max((k for k in starts if k <= region.load), default=0)
    if _scratch(flow, start) is None and "_start" in flow.label_at:
        return flow.label_at["_start"]
    return start


def _loops(flow: Flow) -> dict[int, int]:
    """Loop header -> the last record of its loop (back edges k -> h, h <= k)."""
    loops: dict[int, int] = {}
    for k, node in enumerate(flow.nodes):
        for h in node.succs:
            if h <= k:
                loops[h] = max(loops.get(h, k), k)
    return loops


def scope_extent(flow: Flow, k: int) -> tuple[int, int]:
    """The records a scope of SASA writes (sasa_scopes) covers: a loop's, or from a
    function's entry on."""
    return (k, _loops(flow).get(k, len(flow.nodes)))


def sasa_scopes(flow: Flow, regions: list[Region], entries: int) -> dict[int, list[int]]:
    """Where each SASA region's entry may be written (by id), best first: at its
    function's entry if the function's SASA regions fit the table (written once per
    call), then before the header of each loop around it whose SASA regions fit,
    outermost first (written once per entry into the loop: each layer's loops of a
    network have the whole table; an inner loop's writes run more often but compete
    with fewer entries for the table's sets); else before the innermost loop's header.
    A loop qualifies when its header lies inside no region and starts no SASA region
    (the writes must run whenever the loop is entered) and a scratch register is free
    there."""
    sasa = [r for r in regions if r.how == "sasa"]
    loops = _loops(flow)

    def count(a: int, b: int) -> int:
        return sum(1 for o in sasa if a <= o.start and o.end <= b)

    functions = {id(r): entry_point(flow, r) for r in sasa}
    out: dict[int, list[int]] = {}
    for r in sasa:
        entry = functions[id(r)]
        around = sorted((h, last) for h, last in loops.items()
                        if entry <= h <= r.start and r.end - 1 <= last
                        and not any(o.start < h < o.end or (o.start == h and o.how == "sasa")
                                    for o in regions)
                        and _scratch(flow, h) is not None)
        fits = [h for h, last in around if count(h, last + 1) <= entries]
        if sum(1 for e in functions.values() if e == entry) <= entries:
            fits.insert(0, entry)
        out[id(r)] = fits or [around[-1][0] if around else entry]
    return out


def apply(flow: Flow, regions: list[Region], scopes: dict[int, int]
          ) -> tuple[str, dict[int, str]]:
    """The module's text with `regions` (accepted, compatible) written in, and the
    trigger label of each SASA region (by id); `scopes`: the record before which each
    SASA region's entry is written (sasa_scopes)."""
    triggers_of: dict[int, str] = {}
    names = Names(flow.module, "zs")
    nodes = flow.nodes
    # per record: region end labels, SASA writes before a loop header, moved loads and
    # SASA writes at a function's entry, skips, trigger labels
    before: dict[int, list[list[str]]] = defaultdict(lambda: [[], [], [], [], []])
    replace: dict = {}
    setups: dict[int, list[str]] = defaultdict(list)
    loop_headers = _loops(flow)
    for region in sorted(regions, key=lambda r: (r.start, -r.end)):
        load = nodes[region.load].ins
        reg = ABI_NAMES[region.reg]
        end = names()
        before[region.end][0].append(f"{end}:")
        load_line = f"\t{load.text() if region.how == 'beqz' else zd(load)}"
        if region.hoist:
            replace[load] = []
            before[region.load - region.hoist][2].append(load_line)
        elif region.how != "beqz":
            replace[load] = [load_line]
        if region.how == "sasa":
            trigger = names()
            triggers_of[id(region)] = trigger
            before[region.trigger][4].append(f"{trigger}:")
            entry = scopes[id(region)]
            scratch = _scratch(flow, entry)
            if scratch is None:
                raise ValueError("no free register at the entry for the SASA table writes")
            # the length from the labels: tests of regions nested inside count too
            setups[entry] += [f"\tla {scratch}, {trigger}",
                              f"\tsasa.or {scratch}, {reg}, {reg}, ({end} - {trigger}) / 4 - 1"]
        elif region.how == "skz2":
            other = nodes[region.load2].ins
            replace.setdefault(other, [f"\t{zd(other)}"])
            before[region.start][3].append(
                f"\tskz2 {reg}, {ABI_NAMES[region.reg2]}, {end}")
        else:
            test = "skz" if region.how == "skz" else "beqz"
            before[region.start][3].append(f"\t{test} {reg}, {end}")
    for k, lines in setups.items():    # a loop's before its header (not on the back edge)
        before[k][1 if k in loop_headers else 2][:0] = lines
    labels = {item.name: item for item in flow.module.items if type(item) is Label}
    for k, (ends, outside, moved, skips, triggers) in before.items():
        ins = nodes[k].ins
        own = replace.get(ins, [f"\t{ins.text()}"])
        # region ends and skips go before the record's labels (a loop back to the
        # region's first record must not run the test again); moved loads, trigger
        # labels and an auipc's %pcrel_lo anchor stay with the record
        anchors = [f"{printable_name(n)}:" for n in ins.labels if n in flow.anchors]
        for name in ins.labels:
            if name in flow.anchors:
                replace[labels[name]] = []
        own_labels = [n for n in ins.labels if n not in flow.anchors]
        head = ends + outside + skips
        if own_labels and head:
            first = labels[own_labels[0]]
            replace[first] = head + [f"{printable_name(first.name)}:"]
            head = []
        replace[ins] = head + moved + triggers + anchors + own
    return print_module(flow.module, replace), triggers_of


def _scratch(flow: Flow, entry: int) -> str | None:
    live = flow.live_before(entry)
    for r in SCRATCH:
        if not live >> r & 1:
            return ABI_NAMES[r]
    for r in range(10, 18):                       # an argument register nobody reads
        if not live >> r & 1 and ARGS >> r & 1:
            return ABI_NAMES[r]
    return None
