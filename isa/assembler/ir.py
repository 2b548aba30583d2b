"""The assembler's IR: a source parsed into records, before layout and encoding.

    from zskip.isa.assembler import parse, assemble, print_module
    module = parse(source, "kernel.S")
    for ins in module.instructions():
        ins.row.name, ins.operands, ins.uses, ins.defs, ins.branch_target, ins.ends_block
    program = assemble(module)             # the same Program as assemble(source)
    text = print_module(module)            # assembly that re-assembles to the same words

`parse` reads every statement once (the sizing pass): a `Module` holds the sections in
the order they were created, each with its items in address order, and the items of
all sections in source order (`Module.items`). An item is one of

- `Instr`: one table row (isa/table.py `Instruction`). Pseudo-instructions are expanded
  here, as GNU as expands them (li, la, call, tail, j, ret, ...), so every record is a
  real row; each remembers the pseudo it came from (`pseudo`, shared by the records of
  one expansion). `operands` maps each of the row's fields to its expression text as
  written (a register name, `8`, `%lo(table)`, a label); `values` holds the field
  values: registers and fence sets from parsing, every field once the module has been
  assembled (a branch's field is its pc-relative offset). la/lla/call/tail become
  `auipc rd, %pcrel_hi(sym)` + `addi/jalr ..., %pcrel_lo(L)` with an internal label L on
  the auipc; li becomes addi, lui or lui+addi with literal values (or %hi/%lo of an
  expression that is not known yet).
- `Label`: a label defined at this point (also listed in `Instr.labels` of the
  instruction it marks).
- `Directive`: data (.word, .string, .zero, ...), alignment, .insn words (opaque: no
  row, no def/use), symbol definitions (.equ/.set) and .comm/.lcomm, with the text as
  written and its size.

Every item has its `section` (`Section`), `offset` in it and `loc` = (file, line,
column), column 1-based. Internal names (numeric local labels `1:`/`1b`, the pcrel
labels of expansions) contain "\\x02"; `printable_name` gives the name print_module uses.

Def/use comes from the op-class table (isa/opcodes/opclasses) through the row:
`uses` / `defs` are frozensets of `Reg` (x registers and SpRF bits; x0 is never
listed: it is constant). Every write of rd also writes SpRF[rd] (zero-detect loads
set it, every other write clears it). For a control-flow graph: `branch_target` is the
label a branch, skip-branch or jal (or call/tail) goes to when it is a plain name,
`ends_block` says whether the record ends a basic block and `falls_through` whether
control can reach the next record.

Layout is computed when parsing: a pass that changes a module prints it and parses
the text again (print_module, then parse), which lays it out afresh.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Mapping, NamedTuple, Sequence

from ..table import ABI_NAMES, FIELDS, Instruction
from .layout import TEXT, classify, is_bss_group

Loc = tuple[str, int, int]    # (file, line, 1-based column)

_FENCE_BITS = tuple(zip("iorw", (8, 4, 2, 1)))
_INTERNAL = re.compile("\x02([^\x02]*)\x02(\\d+)")


class Reg(NamedTuple):
    """A register in def/use sets: `file` is "x" (integer registers) or "sprf"."""
    file: str
    index: int

    def __str__(self) -> str:
        return f"{self.file}{self.index}" if self.file == "x" else f"sprf[x{self.index}]"


class Section:
    """One input section: its items in address order, size, alignment and (after
    layout) address. `segment` is "text", "data" or None (not loaded)."""
    __slots__ = ("name", "flags", "segment", "group", "nobits", "code", "items", "size",
                 "align", "address", "order", "pending_labels")

    def __init__(self, name: str, flags: str | None, nobits: bool, order: int):
        placed = classify(name, flags, nobits)
        self.name, self.flags, self.order = name, flags, order
        self.segment, self.group = placed if placed else (None, 0)
        self.nobits = nobits or (placed is not None and is_bss_group(self.group))
        self.code = self.segment == TEXT and self.group <= 6
        self.items: list[Item] = []
        self.size, self.address = 0, 0
        self.align = 4 if name == ".text" else 1   # GNU as records 4 for .text only
        self.pending_labels: list[str] = []

    def __repr__(self) -> str:
        return f"Section({self.name!r}, {len(self.items)} items, {self.size} bytes)"


@dataclass(frozen=True, eq=False)
class Pseudo:
    """The pseudo-instruction a group of records was expanded from, as written."""
    mnemonic: str
    operands: tuple[str, ...]


@dataclass(eq=False, slots=True)
class Label:
    """A label defined here (numeric local labels under an internal name)."""
    name: str
    section: Section
    offset: int
    loc: Loc
    size = 0


@dataclass(eq=False, slots=True)
class Directive:
    """A directive that takes space or defines something: `name` as written (".word",
    ".p2align", ".equ", ...), `text` its operands as written, `size` its bytes here."""
    name: str
    text: str
    section: Section
    offset: int
    size: int
    loc: Loc
    data: bytes | None = None   # the bytes, once known (parse or encoding)
    # (assembler, pc) -> bytes, for values known only after layout (.word label, .insn)
    emit: Callable[..., bytes] | None = None


@dataclass(eq=False, slots=True)
class Instr:
    """One instruction: a table row with its operands (see the module docstring)."""
    row: Instruction
    operands: dict[str, str]
    values: dict[str, int]
    section: Section
    offset: int
    loc: Loc
    pseudo: Pseudo | None = None
    labels: tuple[str, ...] = ()
    word: int | None = None     # the encoding, once assembled
    size = 4

    @property
    def address(self) -> int:
        """Address after layout (section address + offset)."""
        return self.section.address + self.offset

    # -- def/use, from the op-class table's operand roles ------------------------------
    @property
    def x_uses(self) -> tuple[int, ...]:
        return tuple(r for r in (self.values[f] for f in self.row.reads_x()) if r)

    @property
    def x_defs(self) -> tuple[int, ...]:
        rd = self.values["rd"] if self.row.writes_rd() else 0
        return (rd,) if rd else ()

    @property
    def sprf_uses(self) -> tuple[int, ...]:
        return tuple(r for r in (self.values[f] for f in self.row.reads_sprf()) if r)

    @property
    def uses(self) -> frozenset[Reg]:
        return frozenset([Reg("x", r) for r in self.x_uses] +
                         [Reg("sprf", r) for r in self.sprf_uses])

    @property
    def defs(self) -> frozenset[Reg]:
        """Registers written; writing rd writes SpRF[rd] too (set by a zero-detect
        load, cleared by anything else)."""
        return frozenset(Reg(file, r) for r in self.x_defs for file in ("x", "sprf"))

    # -- control flow --------------------------------------------------------------
    @property
    def ends_block(self) -> bool:
        return self.row.cls.ends_block

    @property
    def falls_through(self) -> bool:
        """Whether control can continue at the next record: not after a jump that links
        no register (j, jr, ret, tail); a call (jal/jalr writing rd) returns there."""
        return self.row.cls.flow != "jump" or bool(self.x_defs)

    @property
    def branch_target(self) -> str | None:
        """The label this record may continue at, when the target is a plain name: the
        pc-relative operand of a branch, skip-branch or jal, or the symbol of a
        call/tail expansion's jalr. None for indirect jumps and non-branches."""
        if self.row.cls.flow:
            for f in self.row.fields:
                if FIELDS[f].kind == "pcrel":
                    return _name_or_none(self.operands[f])
            if self.pseudo is not None and self.pseudo.mnemonic in ("call", "tail"):
                return _name_or_none(self.pseudo.operands[-1])
        return None

    def text(self) -> str:
        """The record as one line of assembly in the row's own syntax."""
        return f"{self.row.name} {_operands_text(self)}".rstrip()


Item = Instr | Label | Directive
_NAME = re.compile(r"[A-Za-z_.$\x02][\w.$\x02]*\Z")


def _name_or_none(text: str) -> str | None:
    return text if _NAME.match(text) and text != "." else None


def printable_name(text: str) -> str:
    """`text` with internal names (numeric local labels, expansion labels) spelled as
    ordinary local symbols."""
    return _INTERNAL.sub(lambda m: f".Lzs_{m[1]}_{m[2]}", text) if "\x02" in text else text


def _operand(ins: Instr, f: str) -> str:
    kind = FIELDS[f].kind
    if kind == "reg":
        return ABI_NAMES[ins.values[f]]
    if kind == "fence":
        return "".join(c for c, bit in _FENCE_BITS if ins.values[f] & bit) or "0"
    return printable_name(ins.operands[f])


def _operands_text(ins: Instr) -> str:
    parts = []
    for op in ins.row.syntax:
        if isinstance(op, tuple):
            parts.append(f"{_operand(ins, op[0])}({_operand(ins, op[1])})")
        else:
            parts.append(_operand(ins, op))
    return ", ".join(parts)


@dataclass(eq=False)
class Module:
    """A parsed source: sections in creation order, every item in source order."""
    filename: str
    sections: dict[str, Section]
    items: list[Item] = field(default_factory=list)
    state: object = field(default=None, repr=False)   # the assembler's symbol tables

    def instructions(self) -> list[Instr]:
        """Every instruction record, in source order."""
        return [i for i in self.items if type(i) is Instr]


def _section_line(sec: Section) -> str:
    kind = "@nobits" if sec.nobits else "@progbits"
    # no flags written: placed as "aw" (layout.classify); "" would mean not loaded
    flags = "aw" if sec.flags is None else sec.flags
    return f'\t.section {sec.name}, "{flags}", {kind}'


def print_module(module: Module, replace: Mapping[Item, Sequence[str]] | None = None) -> str:
    """Assembly text that assembles to the same bytes and symbols as `module`: every
    section declared in creation order, then the items in source order, instructions in
    their rows' syntax (pseudos expanded), directives and labels as written.
    `replace` maps items to the lines printed in their place (in their section): how a
    pass edits a module's text without re-parsing it."""
    out = ["\t.option norelax"]
    for sec in module.sections.values():
        if sec.name != "*COMMON*":
            out.append(_section_line(sec))
    current = None
    for item in module.items:
        sec = item.section
        if sec is not current and sec.name != "*COMMON*":
            out.append(f"\t.section {sec.name}")
            current = sec
        if replace is not None and item in replace:
            out.extend(replace[item])
        elif type(item) is Instr:
            out.append(f"\t{item.text()}")
        elif type(item) is Label:
            out.append(f"{printable_name(item.name)}:")
        else:
            out.append(f"\t{item.name} {printable_name(item.text)}".rstrip())
    return "\n".join(out) + "\n"
