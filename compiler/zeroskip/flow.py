"""The control-flow graph of a module's code and register liveness over it.

Nodes are the instruction records of the module (`Instr`, source order), numbered;
an edge goes to the next record when control falls through (same section, adjacent)
and to a branch's or jump's label. A call to a local label (`jal rd, L`, `call L`)
falls through to its return site; what the callee reads is added at the call: the
callee's upward-exposed registers (its liveness with returns reading nothing) plus
everything live after the call (the callee may not change it). An indirect jump
`jr rs` through a link register returns: inside the callee, whatever is live at any
return site of rs is live there (so a region in a callee keeps what callers need).

Liveness is backward dataflow over x registers (bit masks). Where the targets are
unknown the pass assumes the worst or the ABI:
- an indirect jump whose register is no link register goes to any code label whose
  address the program takes (a jump table: `.word routine`, `la t1, L`); without
  such labels, or for a call or branch to a label outside the module or a
  fall-through into data: every register live;
- `ret` (jr ra) in a module with no call through ra (a lone function): what the
  ABI promises the caller: ra, sp, gp, tp, s0-s11, a0, a1;
- `ecall`: a0-a2 and a7 read (write; exit reads a0, but verify-skips checks a0-a2 and
  a7 at every ecall), and everything
  live after it; an ecall whose a7 is set to exit just before it, or with no record
  after it, is the program's exit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from zskip.isa.assembler.ir import Directive, Instr, Module
from zskip.isa.table import SYSCALLS

ALL = (1 << 32) - 2                  # every x register but x0
RA, SP, GP, TP = 1, 2, 3, 4
ARGS = sum(1 << r for r in range(10, 18))          # a0-a7
SAVED = sum(1 << r for r in (8, 9, *range(18, 28)))  # s0-s11
SYSCALL_READS = (1 << 10) | (1 << 11) | (1 << 12) | (1 << 17)
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
    callee: int | None = None       # a call to a local label: the callee's first record
    returns_to: tuple[int, ...] = ()   # a return: the return sites of its link register
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
        # code labels whose address the program takes (`.word routine`, `la t0, L`):
        # where an indirect jump that is no return may go
        self.address_taken = sorted({self.label_at[name] for name, refs in self.refs.items()
                                     if name in self.label_at and any(
                                         r is None or self.insns[r].branch_target != name
                                         for r in refs)})
        self.nodes = [self._node(k) for k in range(len(self.insns))]
        self.preds: list[list[int]] = [[] for _ in self.insns]
        for k, node in enumerate(self.nodes):
            for s in node.succs:
                self.preds[s].append(k)
        self._liveness(summaries=None)        # callee summaries: returns read nothing
        summaries = [n.live_in for n in self.nodes]
        for node in self.nodes:
            node.live_in = 0
        self._liveness(summaries)

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

    def _is_exit(self, k: int) -> bool:
        """Record k is an ecall whose a7, set just before it in its block, is exit."""
        if self.insns[k].row.name != "ecall":
            return False
        j = k - 1
        while j >= 0 and self.next_of(j) == j + 1 and not self.insns[j].row.cls.flow:
            ins = self.insns[j]
            if 17 in ins.x_defs:
                return (ins.row.name == "addi" and ins.values["rs1"] == 0
                        and ins.values["imm12"] == SYSCALLS["exit"])
            if self.insns[j].labels:
                break
            j -= 1
        return False

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
        if ins.row.name == "ecall":    # write reads a0-a2, exit a0 (verify-skips: a0-a2)
            node.use |= SYSCALL_READS
        if cls.name == "csr":          # the core's counters: never moved or skipped
            node.use |= ALL
        flow_kind = cls.flow
        if flow_kind == "cond" or not flow_kind:
            nxt = self.next_of(k)
            if cls.name == "system" and (nxt is None or self._is_exit(k)):
                pass                    # the exit (or an ecall that ends the code)
            elif nxt is None:
                node.unknown_exit, node.exit_live = True, ALL
            else:
                node.succs.append(nxt)
        if flow_kind:
            target = ins.branch_target
            call = flow_kind == "jump" and bool(ins.x_defs)
            if target is not None and target in self.label_at:
                if call:
                    node.callee = self.label_at[target]
                    nxt = self.next_of(k)
                    if nxt is not None:
                        node.succs.append(nxt)
                else:
                    node.succs.append(self.label_at[target])
            elif target is not None or call:   # outside the module, or an indirect call
                node.unknown_exit, node.exit_live = True, ALL
            elif flow_kind == "jump":   # indirect: jr rs / ret
                link = ins.values["rs1"]
                sites = self._sites.get(link)
                if sites:
                    node.returns_to = tuple(sites)
                elif link != RA and self.address_taken:
                    node.succs.extend(self.address_taken)   # a jump through a table
                else:
                    node.unknown_exit = True
                    node.exit_live = ABI_RETURN if link == RA else ALL
        return node

    # -- liveness -----------------------------------------------------------------------
    def _liveness(self, summaries: list[int] | None) -> None:
        """Backward fixpoint. summaries None: returns read nothing and a call reads its
        callee's own live-in (the upward-exposed registers, recursion included); else a
        return reads what its return sites need and a call reads summaries[callee]."""
        nodes = self.nodes
        back = [list(p) for p in self.preds]
        for k, node in enumerate(nodes):
            if node.callee is not None:
                back[node.callee].append(k)
            if summaries is not None:
                for site in node.returns_to:
                    back[site].append(k)
        work = list(range(len(nodes)))
        queued = [True] * len(nodes)
        while work:
            k = work.pop()
            queued[k] = False
            node = nodes[k]
            out = node.exit_live
            for s in node.succs:
                out |= nodes[s].live_in
            if summaries is not None:
                for s in node.returns_to:
                    out |= nodes[s].live_in
            node.live_out = out
            live_in = node.use | (out & ~node.defs)
            if node.callee is not None:
                live_in |= (nodes[node.callee].live_in if summaries is None
                            else summaries[node.callee]) | out
            if live_in != node.live_in:
                node.live_in = live_in
                for p in back[k]:
                    if not queued[p]:
                        queued[p] = True
                        work.append(p)

    def live_before(self, k: int) -> int:
        """Registers live on entry to record k (ALL past the last record)."""
        return self.nodes[k].live_in if k < len(self.nodes) else ALL
