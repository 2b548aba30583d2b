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


def apply(flow: Flow, regions: list[Region]) -> tuple[str, dict[int, str]]:
    """The module's text with `regions` (accepted, compatible) written in, and the
    trigger label of each SASA region (by id)."""
    triggers_of: dict[int, str] = {}
    names = Names(flow.module, "zs")
    nodes = flow.nodes
    # per record: region end labels, moved loads and SASA writes, skips, trigger labels
    before: dict[int, list[list[str]]] = defaultdict(lambda: [[], [], [], []])
    replace: dict = {}
    setups: dict[int, list[str]] = defaultdict(list)
    for region in sorted(regions, key=lambda r: (r.start, -r.end)):
        load = nodes[region.load].ins
        reg = ABI_NAMES[region.reg]
        end = names()
        before[region.end][0].append(f"{end}:")
        load_line = f"\t{load.text() if region.how == 'beqz' else zd(load)}"
        if region.hoist:
            replace[load] = []
            before[region.load - region.hoist][1].append(load_line)
        elif region.how != "beqz":
            replace[load] = [load_line]
        if region.how == "sasa":
            trigger = names()
            triggers_of[id(region)] = trigger
            before[region.trigger][3].append(f"{trigger}:")
            entry = entry_point(flow, region)
            scratch = _scratch(flow, entry)
            if scratch is None:
                raise ValueError("no free register at the entry for the SASA table writes")
            # the length from the labels: tests of regions nested inside count too
            setups[entry] += [f"\tla {scratch}, {trigger}",
                              f"\tsasa.or {scratch}, {reg}, {reg}, ({end} - {trigger}) / 4 - 1"]
        else:
            test = "skz" if region.how == "skz" else "beqz"
            before[region.start][2].append(f"\t{test} {reg}, {end}")
    for k, lines in setups.items():
        before[k][1][:0] = lines
    labels = {item.name: item for item in flow.module.items if type(item) is Label}
    for k, (ends, moved, skips, triggers) in before.items():
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
        head = ends + skips
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
