"""The control-flow graph of a module's code and register liveness over it.

Nodes are the instruction records of the module (`Instr`, source order), numbered;
an edge goes to the next record when control falls through (same section, adjacent)
and to a branch's or jump's label. A call to a local label (`jal rd, L`, `call L`, or
the `auipc`/`jalr` pair a printed `call` becomes) falls through to its return site; an
indirect jump `jr rs` through a link register (one some call writes) returns.

Liveness matches returns to call sites (interprocedural, valid paths only). First,
per record, a summary relative to the innermost active call: live-in = gen | (L & thru)
where L is what is live after that call (a return passes L through; a call composes
its callee's summary with its return site's). A call's live-in is thus exact for its
own site: a value live after one `jal t3, requant` is not live before another. Then
the context L of every record, a forward fixpoint: a callee's entry gets what is live
after each of its call sites; inside a routine the registers any caller needs stay
live (so a region in a callee keeps what every caller reads).

Where the targets are unknown the pass assumes the worst or the ABI:
- an indirect jump whose register is no link register goes to any code label whose
  address the program takes (a jump table: `.word routine`, `la t1, L`); a routine
  reached that way runs in the context of the code that jumped (the driver's
  `call dispatch`). Without such labels, or for a call or branch to a label outside
  the module or a fall-through into data: every register live;
- an entry from outside (a `.globl` label, or code no edge reaches): its returns go
  to a caller that needs the ABI's return set (ra, sp, gp, tp, s0-s11, a0, a1), or
  everything when such code returns through another register or the module makes an
  indirect call (then any address-taken label may be a callee too); `ret` (jr ra) in
  a module with no call through ra (a lone function): the ABI's return set;
- a call whose callee may return through a register other than the call's link
  (returning from an outer frame): every register live before it and in the callee;
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
_PCREL = re.compile(r"%pcrel_(hi|lo)\(([^)]*)\)")


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
    link: int = 0                   # a return: its link register
    use: int = 0
    defs: int = 0
    gen: int = 0                    # summary: live_in = gen | (context & thru), the
    thru: int = 0                   # context being what is live after the innermost call
    context: int = 0
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
        self.targets = [self._target(k) for k in range(len(self.insns))]
        self.refs = self._references()
        # the registers calls link through (an indirect call's included)
        self.links = {ins.x_defs[0] for ins in self.insns
                      if ins.row.cls.flow == "jump" and ins.x_defs}
        # code labels whose address the program takes (`.word routine`, `la t0, L`):
        # where an indirect jump that is no return may go
        self.address_taken = sorted({self.label_at[name] for name, refs in self.refs.items()
                                     if name in self.label_at and any(
                                         r is None or self.targets[r] != name
                                         for r in refs)})
        self.nodes = [self._node(k) for k in range(len(self.insns))]
        self.preds: list[list[int]] = [[] for _ in self.insns]
        for k, node in enumerate(self.nodes):
            for s in node.succs:
                self.preds[s].append(k)
        rets = self._returns()
        self._summaries(rets)
        self._contexts(rets)
        for node in self.nodes:
            node.live_in = node.gen | (node.context & node.thru)
        for node in self.nodes:
            node.live_out = node.exit_live | (node.context if node.link else 0)
            for s in node.succs:
                node.live_out |= self.nodes[s].live_in

    # -- graph ------------------------------------------------------------------------
    def next_of(self, k: int) -> int | None:
        """The record control falls through to, if it is an instruction."""
        ins = self.insns[k]
        if k + 1 < len(self.insns):
            nxt = self.insns[k + 1]
            if nxt.section is ins.section and nxt.offset == ins.offset + 4:
                return k + 1
        return None

    def _target(self, k: int) -> str | None:
        """The label record k jumps or branches to: its branch_target, or for `jalr`
        completing an `auipc rs, %pcrel_hi(L)` anchored by its `%pcrel_lo`, L."""
        ins = self.insns[k]
        if ins.branch_target is not None or ins.row.name != "jalr":
            return ins.branch_target
        lo = _PCREL.fullmatch(ins.operands.get("imm12", ""))
        if lo is None or lo[1] != "lo" or self.label_at.get(lo[2]) != k - 1 \
                or self.next_of(k - 1) != k:
            return None
        hi_ins = self.insns[k - 1]
        hi = _PCREL.fullmatch(hi_ins.operands.get("imm20", ""))
        if hi_ins.row.name != "auipc" or hi is None or hi[1] != "hi" \
                or hi_ins.values["rd"] != ins.values["rs1"]:
            return None
        return hi[2] if _NAME.fullmatch(hi[2]) else None

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
                        # the auipc half of a printed `call L` names L as its jalr does
                        by = k + 1 if (item.row.name == "auipc" and k + 1 < len(self.insns)
                                       and self.targets[k + 1] is not None
                                       and self.insns[k + 1].branch_target is None) else k
                        for name in _NAME.findall(text):
                            refs.setdefault(name, []).append(by)
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
            target = self.targets[k]
            call = flow_kind == "jump" and bool(ins.x_defs)
            if target is not None and target in self.label_at:
                if call:
                    node.callee = self.label_at[target]
                    nxt = self.next_of(k)
                    if nxt is not None:
                        node.succs.append(nxt)
                    else:               # returns into data
                        node.unknown_exit, node.exit_live = True, ALL
                else:
                    node.succs.append(self.label_at[target])
            elif target is not None or call:   # outside the module, or an indirect call
                node.unknown_exit, node.exit_live = True, ALL
            elif flow_kind == "jump":   # indirect: jr rs / ret
                link = ins.values["rs1"]
                if link in self.links:
                    node.link = link
                elif link != RA and self.address_taken:
                    node.succs.extend(self.address_taken)   # a jump through a table
                else:
                    node.unknown_exit = True
                    node.exit_live = ABI_RETURN if link == RA else ALL
        return node

    # -- liveness -----------------------------------------------------------------------
    def _returns(self) -> list[int]:
        """Per record, the link registers (bit mask) of the returns control reaches
        from it before any return (calls passed over)."""
        nodes = self.nodes
        rets = [n.link and 1 << n.link for n in nodes]
        work = list(range(len(nodes)))
        while work:
            k = work.pop()
            got = rets[k]
            for s in nodes[k].succs:
                got |= rets[s]
            if got != rets[k]:
                rets[k] = got
                work.extend(self.preds[k])
        return rets

    def _summaries(self, rets: list[int]) -> None:
        """Backward fixpoint of (gen, thru) per record: a return passes its context
        through; a call composes its callee's summary with its return site's (a
        callee that may return through another register makes everything live)."""
        nodes = self.nodes
        self.mismatched = {k for k, n in enumerate(nodes) if n.callee is not None
                           and rets[n.callee] & ~(1 << n.ins.x_defs[0])}
        back = [list(p) for p in self.preds]
        for k, node in enumerate(nodes):
            if node.callee is not None:
                back[node.callee].append(k)
        work = list(range(len(nodes)))
        queued = [True] * len(nodes)
        while work:
            k = work.pop()
            queued[k] = False
            node = nodes[k]
            gen, thru = node.exit_live, ALL if node.link else 0
            for s in node.succs:
                gen |= nodes[s].gen
                thru |= nodes[s].thru
            if k in self.mismatched:
                gen, thru = ALL, 0
            elif node.callee is not None:
                entry = nodes[node.callee]
                gen, thru = entry.gen | (gen & entry.thru), thru & entry.thru
            gen = node.use | (gen & ~node.defs)
            thru &= ~node.defs
            if (gen, thru) != (node.gen, node.thru):
                node.gen, node.thru = gen, thru
                for p in back[k]:
                    if not queued[p]:
                        queued[p] = True
                        work.append(p)

    def _contexts(self, rets: list[int]) -> None:
        """Forward fixpoint of each record's context: what is live after the calls that
        may be active there (a callee's entry gets each call site's live-in; the other
        edges pass the context on; an entry from outside gets the ABI's or all)."""
        nodes = self.nodes
        called = {n.callee for n in nodes if n.callee is not None}
        globl = {name.strip() for item in self.module.items
                 if getattr(item, "name", None) in (".globl", ".global")
                 for name in item.text.split(",")}
        outside = {k for k in range(len(nodes)) if not self.preds[k] and k not in called}
        outside |= {self.label_at[name] for name in globl if name in self.label_at}
        if any(n.unknown_exit and n.ins.row.cls.flow == "jump" and n.ins.x_defs
               and self.targets[k] is None for k, n in enumerate(nodes)):
            outside |= set(self.address_taken)   # an indirect call may reach them
            entry_context = ALL
        else:
            entry_context = ABI_RETURN if all(
                (rets[k] & ~(1 << RA)) == 0 for k in outside) else ALL
        sites: dict[int, list[int]] = {}
        for k, node in enumerate(nodes):
            if node.callee is not None and node.succs:
                sites.setdefault(node.succs[0], []).append(k)
        for k in outside:
            nodes[k].context = entry_context
        for k in self.mismatched:
            nodes[nodes[k].callee].context = ALL
        work = [k for k, n in enumerate(nodes) if n.context]
        while work:
            k = work.pop()
            node = nodes[k]
            passed = [(s, node.context) for s in node.succs]
            live = node.gen | (node.context & node.thru)
            passed += [(nodes[c].callee, live) for c in sites.get(k, ())]
            for s, context in passed:
                if context & ~nodes[s].context:
                    nodes[s].context |= context
                    work.append(s)

    def live_before(self, k: int) -> int:
        """Registers live on entry to record k (ALL past the last record)."""
        return self.nodes[k].live_in if k < len(self.nodes) else ALL
