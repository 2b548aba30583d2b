"""Symbolic execution of a candidate region under Z = "these registers hold 0 on entry".

Values are terms, numbered by structure (equal terms are equal values):
  ("c", n)               a constant (n as an unsigned 32-bit number; 0 is Zero)
  ("in", r)              register r's value at the region's entry
  ("+", v, n)            v + n (addi chains fold, so addresses compare by base + offset)
  ("ld", b, off, width, signed)   the memory at b + off; memory never changes inside a
                         null region (every store in it is checked to write back what is
                         already there), so two loads of one address give one value
  ("phi", k, r)          register r where paths meet at record k (a loop header)
  (op, ...)              anything else, by operation and operands

A region is null under Z when every store writes back a value loaded from the same
address with the same width, and every register live after it holds its entry value.
Paths are merged (a value that differs between paths becomes a phi), so the verdict
holds for every path and every number of loop iterations; loops are assumed to end.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from zskip.isa.table import ABI_NAMES

from .flow import Flow

M32 = 0xFFFFFFFF
ZERO = ("c", 0)
WIDTH = {"b": 1, "h": 2, "w": 4}
# constant folding, and what an operation gives when one operand is Zero:
# "other" -> the other operand, "zero" -> Zero, "left" -> the left operand if the right is Zero
_FOLD = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "xor": lambda a, b: a ^ b,
    "or": lambda a, b: a | b, "and": lambda a, b: a & b, "mul": lambda a, b: a * b,
    "sll": lambda a, b: a << (b & 31), "srl": lambda a, b: a >> (b & 31),
}
# ("left": x op 0 = x; shifts of 0 give 0 too, 0 - x does not)
_ZERO_RULE = {"add": "other", "or": "other", "xor": "other", "sub": "left",
              "sll": "left", "srl": "left", "sra": "left",
              "and": "zero", "mul": "zero", "mulh": "zero", "mulhu": "zero",
              "mulhsu": "zero"}
_IMM = {"addi": "add", "xori": "xor", "ori": "or", "andi": "and", "slli": "sll",
        "srli": "srl", "srai": "sra"}
# records a null region may not hold (they act outside the register file and memory)
FORBIDDEN = {"system": "a system instruction (ecall/ebreak/fence)", "csr": "a CSR access",
             "sasa": "a SASA table write", "load_zd": "an Xzs zero-detect load",
             "skip": "an Xzs skip-branch"}


def mem_shape(name: str) -> tuple[int, bool]:
    """(width in bytes, sign-extending) of a load or store mnemonic (lbu, sw, lh.zd)."""
    base = name.split(".")[0]
    return WIDTH[base[1]], not base.endswith("u")


def reg_name(r: int) -> str:
    return ABI_NAMES[r]


def _binary(op: str, a, b):
    if a[0] == "c" and b[0] == "c" and op in _FOLD:
        return ("c", _FOLD[op](a[1], b[1]) & M32)
    rule = _ZERO_RULE.get(op)
    if rule == "other" and ZERO in (a, b):
        return b if a == ZERO else a
    if rule == "left" and b == ZERO:
        return a
    if (rule == "zero" and ZERO in (a, b)) or (rule == "left" and op != "sub" and a == ZERO):
        return ZERO
    if op == "add" and "c" in (a[0], b[0]):
        return _plus(a, b[1]) if b[0] == "c" else _plus(b, a[1])
    return (op, a, b)


def _plus(v, n: int):
    n &= M32
    if v[0] == "c":
        return ("c", (v[1] + n) & M32)
    if v[0] == "+":
        v, n = v[1], (v[2] + n) & M32
    return v if n == 0 else ("+", v, n)


def address(base, offset: int):
    """(base term, offset) of base + offset, addi chains folded."""
    v = _plus(base, offset)
    return (v[1], v[2]) if v[0] == "+" else (v, 0)


@dataclass
class Verdict:
    """What the symbolic run of [s, e_max) says about the regions [s, e), e <= e_max."""
    s: int
    e_max: int                       # no region starting at s reaches past this record
    stop: str                        # why not (the record at e_max, or the length cap)
    states: dict[int, list] = field(default_factory=dict)   # record -> state after it
    valid_ends: list[int] = field(default_factory=list)     # structurally closed regions
    bad_store: tuple[int, str] | None = None
    entry: list = field(default_factory=list)                # the state at s


def transfer(ins, k: int, state: list) -> tuple[list, str | None]:
    """The state after record k (index `k`), and a complaint if it is a store that
    may change memory."""
    name, v = ins.row.name, ins.values
    cls = ins.row.cls
    if cls.memory == "store":
        width, _ = mem_shape(name)
        where = address(state[v["rs1"]], v["simm12"])
        val = state[v["rs2"]]
        if not (val[0] == "ld" and (val[1], val[2]) == where and val[3] == width):
            return state, (f"the store `{ins.text()}` may change memory (it does not write "
                           f"back a value loaded from the same address)")
        return state, None
    rd = v.get("rd", 0) if ins.x_defs else 0
    if not rd:
        return state, None
    a = state[v["rs1"]] if "rs1" in v else None
    b = state[v["rs2"]] if "rs2" in v else None
    if cls.memory == "load":
        width, signed = mem_shape(name)
        base, off = address(a, v["imm12"])
        val = ("ld", base, off, width, signed)
    elif name in _IMM:
        val = _binary(_IMM[name], a, ("c", v.get("imm12", v.get("shamt")) & M32))
    elif name == "auipc":
        val = ("auipc", k)
    elif name == "lui":
        val = ("c", (v["imm20"] << 12) & M32)
    elif b is not None:
        val = _binary(name, a, b)
    else:
        val = (name, a, tuple(sorted(v.items())))
    out = list(state)
    out[rd] = val
    return out, None


def run(flow: Flow, s: int, zero_regs: tuple[int, ...], cap: int,
        prefix: int | None = None) -> Verdict:
    """Symbolically execute from record s under Z (zero_regs hold 0), as far as a region
    starting at s could reach (at most `cap` records). `prefix`: the first record of
    the straight-line run that always precedes s (after the zero operand's load): the
    entry values are what it computes (`lw acc` before the region: the region's
    `sw acc` writes back what was loaded); a store in it forgets loaded values."""
    nodes, preds = flow.nodes, flow.preds
    e_max, stop = min(s + cap, len(nodes)), "the length limit"
    for q in range(s, e_max):
        ins = nodes[q].ins
        why = FORBIDDEN.get(ins.row.cls.name)
        if why is None and ins.row.cls.flow == "jump" and ins.x_defs:
            why = "a call"
        if why is None and nodes[q].unknown_exit:
            why = "a jump to an unknown place"
        if why is None and any(p < s for p in nodes[q].succs):
            why = "a branch back before the region"
        if q > s and why is None and _outside_entry(flow, s, q):
            why = "a label entered from outside"
        if why is not None:
            e_max, stop = q, f"{why} at line {ins.loc[1]}"
            break
    entry = [("in", r) for r in range(32)]
    entry[0] = ZERO
    for r in zero_regs:
        entry[r] = ZERO
    for k in range(s if prefix is None else prefix, s):
        ins = nodes[k].ins
        if ins.row.cls.memory == "store":
            entry = [("in", r) if _loaded(v) else v for r, v in enumerate(entry)]
        else:
            entry, _ = transfer(ins, k, entry)
    verdict = Verdict(s, e_max, stop, entry=entry)
    outs: dict[int, list] = {}
    phis: dict[int, set[int]] = {}     # record -> registers that are phis there
    for _ in range(64):
        changed = False
        bad = None
        for k in range(s, e_max):
            ins_states = [outs[p] for p in preds[k] if s <= p < e_max and p in outs]
            if k == s:
                ins_states.append(entry)
            if not ins_states:
                continue     # not reached from s (dead code): no state
            state = _join(k, ins_states, phis)
            out, complaint = transfer(nodes[k].ins, k, state)
            if complaint and bad is None:
                bad = (k, complaint)
            if outs.get(k) != out:
                outs[k], changed = out, True
        if not changed:
            break
    else:
        verdict.e_max, verdict.stop = s, "no fixpoint"
        return verdict
    verdict.states = outs
    if bad is not None:
        verdict.bad_store = bad
        verdict.e_max = min(verdict.e_max, bad[0])
    # regions [s, e) closed under control flow: nothing enters (s, e) from outside and
    # every edge out of [s, e) goes to e
    # and something leaves to e (an instruction: the end label goes on it)
    max_pred = max_succ = s
    exits: set[int] = set()
    for e in range(s + 1, min(verdict.e_max + 1, len(nodes))):
        k = e - 1
        if k > s:
            max_pred = max([max_pred] + preds[k])
        max_succ = max([max_succ] + nodes[k].succs)
        exits.update(nodes[k].succs)
        if max_pred < e and max_succ <= e and k in outs and e in exits:
            verdict.valid_ends.append(e)
    return verdict


def _loaded(v) -> bool:
    """The term holds a value loaded from memory."""
    return v[0] == "ld" or any(type(x) is tuple and _loaded(x) for x in v[1:])


def _outside_entry(flow: Flow, s: int, q: int) -> bool:
    """Record q (inside a region starting at s) can be entered other than from the
    records after s: a predecessor before s, or its label named by data or an `la`."""
    if any(p < s for p in flow.preds[q]):
        return True
    for name in flow.nodes[q].ins.labels:
        for ref in flow.refs.get(name, ()):
            if ref is None or ref < s or flow.targets[ref] != name:
                return True
    return False


def _join(k: int, states: list[list], phis: dict[int, set[int]]) -> list:
    """Merge the states reaching record k; a register that ever differed there stays a
    phi (so the iteration converges)."""
    here = phis.get(k)
    if len(states) == 1 and not here:
        return states[0]
    here = phis.setdefault(k, set())
    out = list(states[0])
    for r in range(1, 32):
        if r in here or any(st[r] != out[r] for st in states[1:]):
            here.add(r)
            out[r] = ("phi", k, r)
    return out


def exit_problems(flow: Flow, verdict: Verdict, e: int) -> tuple[list[int], int]:
    """Registers live after the region [verdict.s, e) that do not hold their entry
    value on some exit, and (as a mask) live registers the region writes even though
    it leaves their value unchanged."""
    live = flow.live_before(e)
    bad: set[int] = set()
    for k in range(verdict.s, e):
        if e in flow.nodes[k].succs and k in verdict.states:
            st = verdict.states[k]
            for r in range(1, 32):
                if live >> r & 1 and st[r] != verdict.entry[r]:
                    bad.add(r)
    written = 0
    for k in range(verdict.s, e):
        written |= flow.nodes[k].defs
    return sorted(bad), written & live
