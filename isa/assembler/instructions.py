"""Instruction forms: how a mnemonic's operands are read into table rows.

Each table row's syntax comes from FORMATS/FIELDS in isa/table.py: a row is one
`RowForm`. Pseudo-instructions (pseudo.py) add forms that expand into rows. A form's
`expand(ctx, ops)` adds the instruction records (ir.Instr) for its rows to the
current section while parsing; the assembler encodes them once addresses are known.
"""
from __future__ import annotations

from typing import Callable

from ..encoding import EncodingError, encode
from ..table import FIELDS, FORMATS, INSTRUCTIONS, Instruction
from .errors import SyntaxProblem
from .operands import REGISTERS, fence_set, is_memory, memory, register

# operand kinds of a plan entry
REG, IMM, PCREL, CSR, FENCE, MEM = "reg", "imm", "pcrel", "csr", "fence", "mem"

Plan = tuple[tuple[str, str, str], ...]   # (kind, field, base field of a MEM operand)


def format_plan(fmt: str) -> Plan:
    """How the operands of format `fmt` are read, in assembly order."""
    plan = []
    for op in FORMATS[fmt]:
        if isinstance(op, tuple):
            plan.append((MEM, op[0], op[1]))
        else:
            plan.append((FIELDS[op].kind, op, ""))
    return tuple(plan)


def plan_syntax(name: str, plan: Plan) -> str:
    return (name + " " + ", ".join(f"{f}({b})" if k == MEM else f for k, f, b in plan)).strip()


def shape_matches(plan: Plan, ops: list[str]) -> bool:
    """Whether `ops` look like `plan` where shape can tell (registers, offset(base))."""
    for (kind, _, _), text in zip(plan, ops):
        if kind == REG and text not in REGISTERS:
            return False
        if kind == MEM and not is_memory(text):
            return False
    return len(plan) == len(ops)


def read_plan(plan: Plan, ops: list[str]) -> tuple[dict[str, str], dict[str, int]]:
    """(texts, values) of `ops` read according to `plan`, keyed by the plan's field
    names: registers and fence sets get their values now, expressions only their text
    (an empty `offset(base)` offset reads as 0)."""
    texts: dict[str, str] = {}
    values: dict[str, int] = {}
    for (kind, field, base), text in zip(plan, ops):
        if kind == REG:
            texts[field] = text
            values[field] = register(text)
        elif kind == MEM:
            offset, reg = memory(text)
            texts[field] = offset or "0"
            texts[base] = reg
            values[base] = REGISTERS[reg]
        elif kind == FENCE:
            texts[field] = text
            values[field] = fence_set(text)
        else:
            texts[field] = text
    return texts, values


def plan_reader(plan: Plan) -> Callable[[list[str]], tuple[dict[str, str], dict[str, int]]]:
    """read_plan for one plan, with a fast path for plans without fence sets (every row
    but fence): the parsing pass runs this once per instruction."""
    if any(kind == FENCE for kind, _, _ in plan):
        return lambda ops: read_plan(plan, ops)
    fields = tuple(field for _, field, _ in plan)
    regs = tuple((i, field) for i, (kind, field, _) in enumerate(plan) if kind == REG)
    mems = tuple((i, field, base) for i, (kind, field, base) in enumerate(plan) if kind == MEM)

    def read(ops: list[str]) -> tuple[dict[str, str], dict[str, int]]:
        values = {}
        try:
            for i, field in regs:
                values[field] = REGISTERS[ops[i]]
        except KeyError:
            return read_plan(plan, ops)   # raises the precise error
        texts = dict(zip(fields, ops))
        for i, field, base in mems:
            offset, reg = memory(ops[i])
            texts[field] = offset or "0"
            texts[base] = reg
            values[base] = REGISTERS[reg]
        return texts, values
    return read


def encode_checked(row: Instruction, fields: dict[str, int], pc: int,
                   texts: dict[str, str] | None = None) -> int:
    """encode() with a range error phrased for the user (`texts`: field -> operand)."""
    try:
        return encode(row, fields)
    except EncodingError as exc:
        f = FIELDS[exc.field]
        lo, hi = exc.range
        fragment = (texts or {}).get(exc.field, "")
        if f.kind == "pcrel":
            raise SyntaxProblem(
                f"{row.name}: target {pc + exc.value:#x} is {exc.value:+d} bytes away; "
                f"the offset must be even and within [{lo}, {hi}]", fragment) from None
        what = {"reg": "register", "csr": "CSR number", "fence": "fence set"}.get(
            f.kind, "immediate")
        extra = f" and a multiple of {f.align}" if f.align > 1 else ""
        raise SyntaxProblem(f"{row.name}: {what} {exc.value} out of range: {exc.field} "
                            f"must be within [{lo}, {hi}]{extra}", fragment) from None


class RowForm:
    """A table row written with its format's operand syntax."""

    def __init__(self, row: Instruction, plan: Plan | None = None):
        self.row = row
        self.plan = plan if plan is not None else format_plan(row.format)
        self.arity = len(self.plan)
        self.syntax = plan_syntax(row.name, self.plan)
        self.read = plan_reader(self.plan)

    def matches(self, ops: list[str]) -> bool:
        return shape_matches(self.plan, ops)

    def expand(self, ctx, ops: list[str]) -> None:
        texts, values = self.read(ops)
        ctx.add_instruction(self.row, texts, values, None)


ROW_FORMS: dict[str, RowForm] = {row.name: RowForm(row) for row in INSTRUCTIONS}
