"""Regrouping interleaved work before regions are formed: in a basic block, the records
that a loaded value reaches (its slice: what reads it, what reads those, the stores of
such values, and the loads that feed only the slice) are moved together, to the place
of the slice's last record, so that a zero operand's null work is one contiguous range
(the hand baseline's dense_is, two weights' MACs interleaved in one loop body).

A record moves later only past records it does not depend on: no register read after
written, written after read or written twice, and memory only where both are loads or
the bytes are provably disjoint (the same base register, not rewritten between, and
non-overlapping offsets). Labelled records, branches, calls, system and Xzs records and
the halves of pseudo-instructions stay where they are (they bound the blocks).
"""
from __future__ import annotations

from dataclasses import dataclass

from zskip.core_model.config import CoreConfig

from . import cost, symbolic
from .flow import Flow

def _movable(ins) -> bool:
    return (ins.pseudo is None and not ins.row.cls.flow
            and ins.row.cls.name not in symbolic.FORBIDDEN)


def blocks(flow: Flow) -> list[list[int]]:
    """Runs of at least two movable records, each falling through to the next; only
    the first may have labels (it never moves: regroup)."""
    out, run = [], []
    for k, node in enumerate(flow.nodes):
        if _movable(node.ins) and run and flow.next_of(run[-1]) == k \
                and flow.preds[k] == [run[-1]] and not node.ins.labels:
            run.append(k)
        else:
            if len(run) > 1:
                out.append(run)
            run = [k] if _movable(node.ins) else []
    if len(run) > 1:
        out.append(run)
    return out


def _mem(ins):
    """(base register, first byte, width, is a store) of a memory record, else None."""
    mem = ins.row.cls.memory
    if not mem:
        return None
    width, _ = symbolic.mem_shape(ins.row.name)
    off = ins.values["simm12" if mem == "store" else "imm12"]
    return ins.values["rs1"], off, width, mem == "store"


def depends(flow: Flow, a: int, b: int) -> bool:
    """Record b (after a in the block) must stay after a."""
    na, nb = flow.nodes[a], flow.nodes[b]
    if na.defs & (nb.use | nb.defs) or na.use & nb.defs:
        return True
    ma, mb = _mem(na.ins), _mem(nb.ins)
    if ma is None or mb is None or not (ma[3] or mb[3]):
        return False
    if ma[0] != mb[0] or any(flow.nodes[k].defs >> ma[0] & 1 for k in range(a, b)):
        return True
    return not (ma[1] + ma[2] <= mb[1] or mb[1] + mb[2] <= ma[1])


def slices(flow: Flow, block: list[int]) -> list[tuple[int, list[int]]]:
    """(load, its slice) for every load in the block whose slice is not contiguous and
    may be null. The slice, with the loaded value taken as 0 (symbolic values): the
    records that read a value derived from it (a record that leaves its register
    unchanged, such as `add acc, acc, 0`, derives nothing but touches it), the stores
    of touched registers and the loads that feed only the slice. It cannot be null if
    it stores a derived value or a derived value is live after the block."""
    out = []
    for i, k in enumerate(block):
        ins = flow.nodes[k].ins
        if ins.row.cls.name != "load" or not ins.x_defs:
            continue
        state = [("in", r) for r in range(32)]
        state[0] = state[ins.x_defs[0]] = symbolic.ZERO
        derived, touched, members, null = 1 << ins.x_defs[0], 0, [], True
        for q in block[i + 1:]:
            node = flow.nodes[q]
            after, _ = symbolic.transfer(node.ins, q, state)
            store = node.ins.row.cls.memory == "store"
            if node.use & derived or (store and node.use & touched):
                members.append(q)
                null &= not (store and derived >> node.ins.values["rs2"] & 1)
                if after != state:         # a register unchanged keeps what it was
                    derived |= node.defs
                touched |= node.defs
            else:
                derived &= ~node.defs
                touched &= ~node.defs
            state = after
        members += [q for q in _feeders(flow, block, members) if q != k]
        members.sort()
        null &= not derived & ~(1 << ins.x_defs[0]) & flow.nodes[block[-1]].live_out
        if null and members and members[-1] - members[0] + 1 != len(members):
            out.append((k, members))
    return out


def _feeders(flow: Flow, block: list[int], members: list[int]) -> list[int]:
    """Loads of the block (not members) whose value only members read."""
    inside = set(members)
    out = []
    for i, k in enumerate(block):
        node = flow.nodes[k]
        if k in inside or node.ins.row.cls.name != "load" or not node.ins.x_defs:
            continue
        bit, readers, redefined = node.defs, [], False
        for q in block[i + 1:]:
            if flow.nodes[q].use & bit:
                readers.append(q)
            if flow.nodes[q].defs & bit:
                redefined = True
                break
        live_out = not redefined and flow.nodes[block[-1]].live_out & bit
        if readers and set(readers) <= inside and not live_out:
            out.append(k)
    return out


def order(flow: Flow, block: list[int], chosen: list[list[int]]) -> list[int] | None:
    """The block with each chosen slice moved to its last record, or None if a record
    would pass one it depends on."""
    last = {members[-1]: members for members in chosen}
    moved = {q for members in chosen for q in members}
    new = []
    for k in block:
        if k in last:
            new += last[k]
        elif k not in moved:
            new.append(k)
    pos = {k: i for i, k in enumerate(new)}
    for i, a in enumerate(block):
        for b in block[i + 1:]:
            if pos[b] < pos[a] and depends(flow, a, b):
                return None
    return new


@dataclass
class Regroup:
    """One block's regrouping: its records, the loads whose slices move (the loads stay
    in place), new position -> original record for the records that move, and the
    cycles one pass through the block gains (the stalls the new order adds)."""
    block: list[int]
    loads: set[int]
    perm: dict[int, int]
    extra: float


def _cycles(flow: Flow, config: CoreConfig, records: list[int]) -> float:
    insns = [flow.nodes[k].ins for k in records]
    return sum(cost.insn_cycles(config, a, b) for a, b in zip(insns, insns[1:] + [None]))


def regroup(flow: Flow, config: CoreConfig) -> list[Regroup]:
    """Every block whose slices can be made contiguous, regrouped."""
    out = []
    for block in blocks(flow):
        chosen: list[list[int]] = []
        taken: set[int] = set()
        loads: set[int] = set()
        for load, members in slices(flow, block):
            if taken & set(members) or load in taken or block[0] in members:
                continue
            if order(flow, block, chosen + [members]) is not None:
                chosen.append(members)
                taken |= set(members) | {load}
                loads.add(load)
        if chosen:
            new = order(flow, block, chosen)
            out.append(Regroup(block, loads, {at: k for at, k in zip(block, new) if at != k},
                               _cycles(flow, config, new) - _cycles(flow, config, block)))
    return out
