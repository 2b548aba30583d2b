"""The control-flow graph of a module's code and register liveness over it.

Nodes are the instruction records of the module (`Instr`, source order), numbered;
an edge goes to the next record when control falls through (same section, adjacent),
to a branch's or jump's label, and from an indirect jump `jr rs` to every return site
of the link register rs (the record after each `jal rs, ...` / `jalr rs, ...`: a local
routine called with `jal t3, requant` returns to its call sites). A call to a local
label is an edge into the callee only: the callee's return edge brings control back.

Liveness is backward dataflow over x registers (bit masks). Where the targets are
unknown the pass assumes the worst or the ABI:
- an indirect jump whose register is no link register, a call or branch to a label
  outside the module, a fall-through into data: every register live;
- `ret` (jr ra) in a module with no call through ra (a lone function): what the
  ABI promises the caller: ra, sp, gp, tp, s0-s11, a0, a1;
- `ecall`: a0-a7 read, and everything live after it; an ecall with no record after
  it is the program's exit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from zskip.isa.assembler.ir import Directive, Instr, Module

ALL = (1 << 32) - 2                  # every x register but x0
RA, SP, GP, TP = 1, 2, 3, 4
ARGS = sum(1 << r for r in range(10, 18))          # a0-a7
SAVED = sum(1 << r for r in (8, 9, *range(18, 28)))  # s0-s11
ABI_RETURN = (1 << RA) | (1 << SP) | (1 << GP) | (1 << TP) | SAVED | (1 << 10) | (1 << 11)
_NAME = re.compile(r"[A-Za-z_.$\x02][\w.$\x02]*")


def mask(regs) -> int:
    m = 0
    for r in regs:
        m |= 1 << r
    return m


@dataclass
class Node:
    """One instruction: its successors (None stands for "unknown, assume the worst"),
    register masks and the dataflow results."""
    ins: Instr
    succs: list[int]
    unknown_exit: bool = False      # control may go somewhere the module does not show
    exit_live: int = 0              # registers live at that exit
    use: int = 0
    defs: int = 0
    live_in: int = 0
    live_out: int = 0


class Flow:
    """The CFG and liveness of `module` (assembled: every field has its value)."""

    def __init__(self, module: Module):
        self.module = module
        self.insns = module.instructions()
        self.index = {id(ins): k for k, ins in enumerate(self.insns)}
        self.label_at: dict[str, int] = {}
        for k, ins in enumerate(self.insns):
            for name in ins.labels:
                self.label_at[name] = k
        self.refs = self._references()
        self._sites = self._return_sites()
        self.nodes = [self._node(k) for k in range(len(self.insns))]
        self.preds: list[list[int]] = [[] for _ in self.insns]
        for k, node in enumerate(self.nodes):
            for s in node.succs:
                self.preds[s].append(k)
        self._liveness()

    # -- graph ------------------------------------------------------------------------
    def next_of(self, k: int) -> int | None:
        """The record control falls through to, if it is an instruction."""
        ins = self.insns[k]
        if k + 1 < len(self.insns):
            nxt = self.insns[k + 1]
            if nxt.section is ins.section and nxt.offset == ins.offset + 4:
                return k + 1
        return None

    def _references(self) -> dict[str, list[int | None]]:
        """Label name -> the records that name it (None: a directive, e.g. `.word label`).
        A `%pcrel_lo(L)` operand names its auipc, not a place control goes to."""
        refs: dict[str, list[int | None]] = {}
        self.anchors: set[str] = set()    # labels of auipc records named by %pcrel_lo
        for item in self.module.items:
            if type(item) is Directive:
                for name in _NAME.findall(item.text):
                    refs.setdefault(name, []).append(None)
            elif type(item) is Instr:
                k = self.index[id(item)]
                for text in item.operands.values():
                    if text.startswith("%pcrel_lo"):
                        self.anchors.update(_NAME.findall(text[len("%pcrel_lo"):]))
                    else:
                        for name in _NAME.findall(text):
                            refs.setdefault(name, []).append(k)
        return refs

    def _return_sites(self) -> dict[int, list[int]]:
        sites: dict[int, list[int]] = {}
        for k, ins in enumerate(self.insns):
            if ins.row.cls.flow == "jump" and ins.x_defs:
                nxt = self.next_of(k)
                if nxt is not None:
                    sites.setdefault(ins.x_defs[0], []).append(nxt)
        return sites

    def _node(self, k: int) -> Node:
        ins = self.insns[k]
        node = Node(ins, [], use=mask(ins.x_uses), defs=mask(ins.x_defs))
        cls = ins.row.cls
        if cls.name == "system":       # ecall reads a0-a7; ebreak stops
            node.use |= ARGS
        if cls.name == "csr":          # the core's counters: never moved or skipped
            node.use |= ALL
        flow_kind = cls.flow
        if flow_kind == "cond" or not flow_kind:
            nxt = self.next_of(k)
            if nxt is None and cls.name == "system":
                pass                    # an ecall that ends the code: the exit
            elif nxt is None:
                node.unknown_exit, node.exit_live = True, ALL
            else:
                node.succs.append(nxt)
        if flow_kind:
            target = ins.branch_target
            if target is not None:
                if target in self.label_at:
                    node.succs.append(self.label_at[target])
                else:
                    node.unknown_exit, node.exit_live = True, ALL
            elif flow_kind == "jump":   # indirect: jr rs / ret / jalr rd, rs
                if ins.x_defs:          # an indirect call: anything may be read
                    node.unknown_exit, node.exit_live = True, ALL
                else:
                    link = ins.values["rs1"]
                    sites = self._sites.get(link)
                    if sites:
                        node.succs.extend(sites)
                    else:
                        node.unknown_exit = True
                        node.exit_live = ABI_RETURN if link == RA else ALL
        return node

    # -- liveness -----------------------------------------------------------------------
    def _liveness(self) -> None:
        nodes = self.nodes
        work = list(range(len(nodes)))
        queued = [True] * len(nodes)
        while work:
            k = work.pop()
            queued[k] = False
            node = nodes[k]
            out = node.exit_live
            for s in node.succs:
                out |= nodes[s].live_in
            node.live_out = out
            live_in = node.use | (out & ~node.defs)
            if live_in != node.live_in:
                node.live_in = live_in
                for p in self.preds[k]:
                    if not queued[p]:
                        queued[p] = True
                        work.append(p)

    def live_before(self, k: int) -> int:
        """Registers live on entry to record k (ALL past the last record)."""
        return self.nodes[k].live_in if k < len(self.nodes) else ALL
