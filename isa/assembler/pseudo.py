"""Pseudo-instructions (RISC-V assembly manual), expanded into table rows exactly as
GNU as expands them, and the mnemonic -> forms dispatch table.

la/lla, call and tail always expand to auipc pairs (what GNU as emits under
`.option norelax`; zskip does no linker relaxation, so `.option relax` changes
nothing). li follows GNU as: addi for 12-bit values, lui alone when the low 12 bits
are zero, lui+addi otherwise; a value that is not known when li is sized (it uses a
symbol defined later) always takes lui+addi.
"""
from __future__ import annotations

from ..table import ABI_NAMES, BY_NAME, FIELDS
from .errors import NotYetKnown, SyntaxProblem
from .instructions import MEM, ROW_FORMS, Plan, read_plan, shape_matches
from .ir import Pseudo
from .operands import REGISTERS, register

# The counters with an rd<name> pseudo-instruction (unprivileged spec, chapter 10).
_RDCOUNTERS = ("cycle", "time", "instret", "cycleh", "timeh", "instreth")

# name: (operand kinds, expansion "row field=value ..."; value: $n = n-th operand,
# a register or CSR name, or an integer)
_TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "nop": [("", "addi rd=zero rs1=zero imm12=0")],
    "mv": [("reg reg", "addi rd=$1 rs1=$2 imm12=0")],
    "not": [("reg reg", "xori rd=$1 rs1=$2 imm12=-1")],
    "neg": [("reg reg", "sub rd=$1 rs1=zero rs2=$2")],
    "seqz": [("reg reg", "sltiu rd=$1 rs1=$2 imm12=1")],
    "snez": [("reg reg", "sltu rd=$1 rs1=zero rs2=$2")],
    "sltz": [("reg reg", "slt rd=$1 rs1=$2 rs2=zero")],
    "sgtz": [("reg reg", "slt rd=$1 rs1=zero rs2=$2")],
    "beqz": [("reg pcrel", "beq rs1=$1 rs2=zero bimm12=$2")],
    "bnez": [("reg pcrel", "bne rs1=$1 rs2=zero bimm12=$2")],
    "blez": [("reg pcrel", "bge rs1=zero rs2=$1 bimm12=$2")],
    "bgez": [("reg pcrel", "bge rs1=$1 rs2=zero bimm12=$2")],
    "bltz": [("reg pcrel", "blt rs1=$1 rs2=zero bimm12=$2")],
    "bgtz": [("reg pcrel", "blt rs1=zero rs2=$1 bimm12=$2")],
    "bgt": [("reg reg pcrel", "blt rs1=$2 rs2=$1 bimm12=$3")],
    "ble": [("reg reg pcrel", "bge rs1=$2 rs2=$1 bimm12=$3")],
    "bgtu": [("reg reg pcrel", "bltu rs1=$2 rs2=$1 bimm12=$3")],
    "bleu": [("reg reg pcrel", "bgeu rs1=$2 rs2=$1 bimm12=$3")],
    "j": [("pcrel", "jal rd=zero jimm20=$1")],
    "jal": [("pcrel", "jal rd=ra jimm20=$1")],
    "jr": [("reg", "jalr rd=zero rs1=$1 imm12=0")],
    "ret": [("", "jalr rd=zero rs1=ra imm12=0")],
    "jalr": [("reg", "jalr rd=ra rs1=$1 imm12=0"),
             ("mem", "jalr rd=ra imm12,rs1=$1"),
             ("reg reg", "jalr rd=$1 rs1=$2 imm12=0"),
             ("reg reg imm", "jalr rd=$1 rs1=$2 imm12=$3")],
    "fence": [("", "fence pred=15 succ=15")],
    "csrr": [("reg csr", "csrrs rd=$1 csr=$2 rs1=zero")],
    "csrw": [("csr reg", "csrrw rd=zero csr=$1 rs1=$2")],
    "csrs": [("csr reg", "csrrs rd=zero csr=$1 rs1=$2")],
    "csrc": [("csr reg", "csrrc rd=zero csr=$1 rs1=$2")],
    "csrwi": [("csr imm", "csrrwi rd=zero csr=$1 zimm=$2")],
    "csrsi": [("csr imm", "csrrsi rd=zero csr=$1 zimm=$2")],
    "csrci": [("csr imm", "csrrci rd=zero csr=$1 zimm=$2")],
    **{f"rd{name}": [("reg", f"csrrs rd=$1 csr={name} rs1=zero")] for name in _RDCOUNTERS},
}


class TemplateForm:
    """A one-instruction pseudo: operands read like a row's, then mapped onto a row."""

    def __init__(self, name: str, kinds: str, expansion: str):
        row_name, *assignments = expansion.split()
        self.row = BY_NAME[row_name]
        self.plan: Plan = tuple(
            (kind, f"${n}", f"${n}.base") for n, kind in enumerate(kinds.split(), 1))
        self.arity = len(self.plan)
        self.syntax = (name + " " + ", ".join(
            "offset(reg)" if k == MEM else k for k, _, _ in self.plan)).strip()
        self.name = name
        self.fixed: dict[str, str] = {}         # row field -> operand text
        self.moved: list[tuple[str, str]] = []   # (row field, operand key)
        for assignment in assignments:
            fields, value = assignment.split("=")
            if value.startswith("$"):
                keys = (value, value + ".base") if "," in fields else (value,)
                self.moved += zip(fields.split(","), keys)
            else:
                self.fixed[fields] = value
        texts, self.fixed_values = read_plan(
            tuple((FIELDS[f].kind, f, "") for f in self.fixed), list(self.fixed.values()))
        self.fixed = texts

    def matches(self, ops: list[str]) -> bool:
        return shape_matches(self.plan, ops)

    def expand(self, ctx, ops: list[str]) -> None:
        texts, values = read_plan(self.plan, ops)
        fields = dict(self.fixed)
        field_values = dict(self.fixed_values)
        for field, key in self.moved:
            fields[field] = texts[key]
            if key in values:
                field_values[field] = values[key]
        ctx.add_instruction(self.row, fields, field_values, Pseudo(self.name, tuple(ops)))


def _hi_lo(value: int) -> tuple[int, int]:
    """(upper 20 bits, sign-extended low 12 bits) with hi << 12 + lo == value mod 2**32."""
    lo = ((value & 0xFFF) ^ 0x800) - 0x800
    return ((value - lo) >> 12) & 0xFFFFF, lo


def _row(name: str, texts: dict[str, str]):
    """(row, texts, values) of a row whose register operands are ABI names."""
    return BY_NAME[name], texts, {f: REGISTERS[t] for f, t in texts.items()
                                  if f in ("rd", "rs1", "rs2")}


class LoadImmediate:
    """li rd, value (any 32-bit value)."""
    arity, syntax = 2, "li rd, value"

    def matches(self, ops: list[str]) -> bool:
        return True

    def expand(self, ctx, ops: list[str]) -> None:
        rd = ABI_NAMES[register(ops[0])]
        try:
            value = _li_value(ctx.value(ops[1], None), ops[1])
        except NotYetKnown:   # a later definition: always lui+addi, as GNU as
            hi, lo = f"%hi({ops[1]})", f"%lo({ops[1]})"
            rows = [_row("lui", {"rd": rd, "imm20": hi}),
                    _row("addi", {"rd": rd, "rs1": rd, "imm12": lo})]
        else:
            hi_value, lo_value = _hi_lo(value)
            if -2048 <= value < 2048:
                rows = [_row("addi", {"rd": rd, "rs1": "zero", "imm12": str(value)})]
            else:
                rows = [_row("lui", {"rd": rd, "imm20": hex(hi_value)})]
                if lo_value:
                    rows.append(_row("addi", {"rd": rd, "rs1": rd, "imm12": str(lo_value)}))
        origin = Pseudo("li", tuple(ops))
        for row in rows:
            ctx.add_instruction(*row, origin)


def _li_value(value: int, text: str) -> int:
    if not -(1 << 31) <= value < 1 << 32:
        raise SyntaxProblem(f"li: value {value} does not fit in 32 bits "
                            f"(expected [{-(1 << 31)}, {(1 << 32) - 1}])", text)
    return value - (1 << 32) if value >= 1 << 31 else value


class AuipcPair:
    """la/lla rd, sym; call [rd,] sym; tail sym: auipc into `scratch`, then `second`
    (addi or jalr) writing `dest` from scratch + %pcrel_lo. None stands for the rd
    operand: la uses rd for both, `call rd, sym` goes through t1 as GNU as does."""

    def __init__(self, name: str, second: str, scratch: str | None, dest: str | None):
        self.name, self.second, self.scratch, self.dest = name, second, scratch, dest
        self.arity = 2 if None in (scratch, dest) else 1
        self.syntax = f"{name} {'rd, ' if self.arity == 2 else ''}symbol"

    def matches(self, ops: list[str]) -> bool:
        return True

    def expand(self, ctx, ops: list[str]) -> None:
        scratch = self.scratch or ABI_NAMES[register(ops[0])]
        dest = self.dest or ABI_NAMES[register(ops[0])]
        anchor = ctx.internal_label()   # %pcrel_lo names the auipc by a label
        origin = Pseudo(self.name, tuple(ops))
        ctx.add_instruction(*_row("auipc", {"rd": scratch, "imm20": f"%pcrel_hi({ops[-1]})"}),
                            origin)
        ctx.add_instruction(*_row(self.second, {"rd": dest, "rs1": scratch,
                                                "imm12": f"%pcrel_lo({anchor})"}), origin)


def _build_forms() -> dict[str, list]:
    forms: dict[str, list] = {}
    for name, variants in _TEMPLATES.items():
        forms[name] = [TemplateForm(name, kinds, expansion) for kinds, expansion in variants]
    forms["li"] = [LoadImmediate()]
    forms["la"] = [AuipcPair("la", "addi", None, None)]
    forms["lla"] = [AuipcPair("lla", "addi", None, None)]
    forms["call"] = [AuipcPair("call", "jalr", "ra", "ra"), AuipcPair("call", "jalr", "t1", None)]
    forms["tail"] = [AuipcPair("tail", "jalr", "t1", "zero")]
    for name, form in ROW_FORMS.items():
        forms.setdefault(name, []).append(form)
    return forms


FORMS: dict[str, list] = _build_forms()


def choose_form(mnemonic: str, ops: list[str]):
    """The form of `mnemonic` that `ops` are written in; raises SyntaxProblem."""
    candidates = [f for f in FORMS[mnemonic] if f.arity == len(ops)]
    if len(candidates) == 1:
        return candidates[0]
    for form in candidates:
        if form.matches(ops):
            return form
    if candidates:
        return candidates[-1]   # the row's own form gives the most precise complaint
    syntaxes = " or ".join(f"'{f.syntax}'" for f in FORMS[mnemonic])
    raise SyntaxProblem(f"wrong number of operands for '{mnemonic}': expected {syntaxes}, "
                        f"got {len(ops)} operand{'s' if len(ops) != 1 else ''}")
