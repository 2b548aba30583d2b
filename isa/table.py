"""The instruction table: one row per instruction, read from the files in isa/opcodes/,
with the op-class table (opclasses), the CSR names (csrs) and the system calls (syscalls).

Every encoder, decoder, the assembler's operand syntax, the disassembler and the C
decode header derive from the rows loaded here. The loader validates the table the
way riscv-opcodes does: each of the 32 bits of a row is assigned exactly once (to a
fixed range or an operand field), fixed values fit their ranges, and no two rows can
match the same word. docs/architecture.md lists everything derived from these tables.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

OPCODE_DIR = Path(__file__).with_name("opcodes")
# Table files in load order; the extension has a file of its own.
TABLE_FILES = ("rv32i", "zifencei", "rv32m", "zicsr", "xzs")
# The zero-skip extension's file (its rows sit in the custom opcode space): a core
# configured without Xzs decodes them as illegal.
EXTENSION = "xzs"



# x0..x31 by their ABI names (psABI), shared by the assembler and the disassembler.
ABI_NAMES = ("zero ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 "
             "s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 t3 t4 t5 t6").split()


class TableError(ValueError):
    """The instruction table itself is inconsistent (a bug in isa/opcodes, not user input)."""


def _data_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, columns) of each non-comment line of a table file."""
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line:
            yield lineno, line.split()


REDIRECT_STAGES = ("none", "fetch", "decode", "execute")
_OPCLASS_COLUMNS = ("class", "memory", "flow", "block", "redirect", "stall", "x_reads",
                    "x_write", "sprf_reads", "sprf_write", "energy")
_CHOICES = {"memory": ("-", "load", "store"), "flow": ("-", "cond", "jump"),
            "block": ("-", "end"), "redirect": REDIRECT_STAGES, "x_write": ("-", "rd"),
            "sprf_write": ("-", "zd")}
_OPERAND_FIELDS = ("rd", "rs1", "rs2")


@dataclass(frozen=True)
class OpClass:
    """One row of isa/opcodes/opclasses: what every instruction of the class does beyond
    its own semantics (the file's header explains each column)."""
    name: str
    memory: str                  # "load", "store" or "" (no data memory access)
    flow: str                    # "cond", "jump" or "" (sequential)
    ends_block: bool
    redirect: str                # one of REDIRECT_STAGES
    stall: str                   # stall counter name, e.g. "STALL_LOAD_USE"
    x_reads: tuple[str, ...]     # operand fields read from the register file
    x_write: str                 # "rd" or ""
    sprf_reads: tuple[str, ...]  # operand fields whose SpRF bit is read
    sets_sprf: bool              # SpRF[rd] := (value == 0) instead of clearing it
    energy: tuple[str, ...]      # actions priced per executed instruction


def load_opclasses(path: Path) -> dict[str, OpClass]:
    """Read and validate the op-class table; raises TableError naming file and line."""
    classes: dict[str, OpClass] = {}
    for lineno, cols in _data_lines(path):
        where = f"{path.name}:{lineno}"
        if len(cols) != len(_OPCLASS_COLUMNS):
            raise TableError(f"{where}: expected {len(_OPCLASS_COLUMNS)} columns "
                             f"({' '.join(_OPCLASS_COLUMNS)}), got {len(cols)}")
        row = dict(zip(_OPCLASS_COLUMNS, cols))
        for column, choices in _CHOICES.items():
            if row[column] not in choices:
                raise TableError(f"{where}: {column} is {row[column]!r}, expected one of "
                                 f"{', '.join(choices)}")
        fields = {}
        for column in ("x_reads", "sprf_reads"):
            fields[column] = () if row[column] == "-" else tuple(row[column].split(","))
            bad = set(fields[column]) - set(_OPERAND_FIELDS)
            if bad:
                raise TableError(f"{where}: {column} names {sorted(bad)[0]!r}, expected "
                                 f"fields among {', '.join(_OPERAND_FIELDS)}")
        if not row["stall"].startswith("STALL_"):
            raise TableError(f"{where}: stall {row['stall']!r} is not a STALL_ counter")
        if row["sprf_write"] == "zd" and row["x_write"] != "rd":
            raise TableError(f"{where}: sprf_write zd needs x_write rd")
        name = row["class"]
        if name in classes:
            raise TableError(f"{where}: op class {name} is defined twice")
        strip = lambda v: "" if v == "-" else v  # noqa: E731
        classes[name] = OpClass(
            name, strip(row["memory"]), strip(row["flow"]), row["block"] == "end",
            row["redirect"], row["stall"], fields["x_reads"], strip(row["x_write"]),
            fields["sprf_reads"], row["sprf_write"] == "zd",
            tuple(row["energy"].split(",")))
    return classes


def load_numbers(path: Path) -> tuple[dict[str, int], frozenset[str]]:
    """A `name number core` table (CSRs, system calls): the numbers by name, and the
    names the core implements (core column `r`). Names and numbers are unique."""
    out: dict[str, int] = {}
    core: set[str] = set()
    for lineno, cols in _data_lines(path):
        where = f"{path.name}:{lineno}"
        if len(cols) != 3 or not re.fullmatch(r"[a-z][a-z0-9_]*", cols[0]) \
                or cols[2] not in ("r", "-"):
            raise TableError(f"{where}: expected 'name number core' (core: r or -)")
        number = int(cols[1], 0)
        if cols[0] in out or number in out.values():
            raise TableError(f"{where}: {cols[0]} or {cols[1]} is defined twice")
        out[cols[0]] = number
        if cols[2] == "r":
            core.add(cols[0])
    return out, frozenset(core)


OPCLASS_TABLE: dict[str, OpClass] = load_opclasses(OPCODE_DIR / "opclasses")
# Class names in table order: the C enum zs_opclass numbers them in this order.
OP_CLASSES: tuple[str, ...] = tuple(OPCLASS_TABLE)
CSRS, CORE_CSRS = load_numbers(OPCODE_DIR / "csrs")    # CSR numbers; those the core reads
SYSCALLS, _ = load_numbers(OPCODE_DIR / "syscalls")     # ecall numbers (a7), all in the core


@dataclass(frozen=True)
class Field:
    """An operand field: where its bits sit in the word and how its value is read.

    `pieces` maps instruction bits to value bits: (insn_hi, insn_lo, value_lo).
    `kind` says how the assembler reads and the disassembler prints the operand:
    reg (x register), imm (integer), pcrel (branch/jump target), csr, fence (iorw set).
    """
    name: str
    pieces: tuple[tuple[int, int, int], ...]
    kind: str
    signed: bool = False
    align: int = 1   # value must be a multiple of this (branch offsets are even)

    @functools.cached_property
    def width(self) -> int:
        return max(vlo + hi - lo + 1 for hi, lo, vlo in self.pieces)

    @functools.cached_property
    def mask(self) -> int:
        m = 0
        for hi, lo, _ in self.pieces:
            m |= ((1 << (hi - lo + 1)) - 1) << lo
        return m

    @property
    def range(self) -> tuple[int, int]:
        """Inclusive bounds of the values the field can hold."""
        if self.signed:
            return -(1 << (self.width - 1)), (1 << (self.width - 1)) - self.align
        return 0, (1 << self.width) - self.align

    def fits(self, value: int) -> bool:
        lo, hi = self.range
        return lo <= value <= hi and value % self.align == 0

    def insert(self, value: int) -> int:
        """Bits of the word that encode `value` (which must fit)."""
        word = 0
        for hi, lo, vlo in self.pieces:
            n = hi - lo + 1
            word |= ((value >> vlo) & ((1 << n) - 1)) << lo
        return word

    def extract(self, word: int) -> int:
        value = 0
        for hi, lo, vlo in self.pieces:
            n = hi - lo + 1
            value |= ((word >> lo) & ((1 << n) - 1)) << vlo
        if self.signed and value >> (self.width - 1):
            value -= 1 << self.width
        return value


def _f(name: str, kind: str, *pieces: tuple[int, int, int], signed: bool = False,
       align: int = 1) -> Field:
    return Field(name, tuple(pieces), kind, signed, align)


FIELDS: dict[str, Field] = {f.name: f for f in (
    _f("rd", "reg", (11, 7, 0)),
    _f("rs1", "reg", (19, 15, 0)),
    _f("rs2", "reg", (24, 20, 0)),
    _f("imm12", "imm", (31, 20, 0), signed=True),
    _f("simm12", "imm", (31, 25, 5), (11, 7, 0), signed=True),
    _f("bimm12", "pcrel", (31, 31, 12), (30, 25, 5), (11, 8, 1), (7, 7, 11),
       signed=True, align=2),
    _f("imm20", "imm", (31, 12, 0)),
    _f("jimm20", "pcrel", (31, 31, 20), (30, 21, 1), (20, 20, 11), (19, 12, 12),
       signed=True, align=2),
    _f("shamt", "imm", (24, 20, 0)),
    _f("csr", "csr", (31, 20, 0)),
    _f("zimm", "imm", (19, 15, 0)),
    _f("pred", "fence", (27, 24, 0)),
    _f("succ", "fence", (23, 20, 0)),
    _f("len6", "imm", (31, 26, 0)),
)}

# Assembly syntax of each format: operand fields in order; "imm(base)" operands are
# written as a (offset_field, base_field) pair.
FORMATS: dict[str, tuple[str | tuple[str, str], ...]] = {
    "R": ("rd", "rs1", "rs2"),
    "I": ("rd", "rs1", "imm12"),
    "I_MEM": ("rd", ("imm12", "rs1")),
    "S": ("rs2", ("simm12", "rs1")),
    "B": ("rs1", "rs2", "bimm12"),
    "U": ("rd", "imm20"),
    "J": ("rd", "jimm20"),
    "SHIFT": ("rd", "rs1", "shamt"),
    "CSR": ("rd", "csr", "rs1"),
    "CSRI": ("rd", "csr", "zimm"),
    "FENCE": ("pred", "succ"),
    "NONE": (),
    "SKIP1": ("rs1", "bimm12"),
    "SASA": ("rd", "rs1", "rs2", "len6"),
}


@dataclass(frozen=True)
class Instruction:
    """One row of the table."""
    name: str
    format: str
    fields: tuple[str, ...]
    match: int
    mask: int
    opclass: str
    extension: str

    @property
    def syntax(self) -> tuple[str | tuple[str, str], ...]:
        return FORMATS[self.format]

    @property
    def ident(self) -> str:
        """C identifier: `lw.zd` -> `LW_ZD`."""
        return self.name.replace(".", "_").upper()

    @property
    def cls(self) -> OpClass:
        return OPCLASS_TABLE[self.opclass]

    # Operand roles: the class's roles restricted to the fields this row has.
    def reads_x(self) -> tuple[str, ...]:
        """Integer-register source fields. Skip-branches read rs1/rs2 from the SpRF, not
        the register file; a SASA write reads the trigger PC from the register in rd."""
        return tuple(f for f in self.cls.x_reads if f in self.fields)

    def reads_sprf(self) -> tuple[str, ...]:
        return tuple(f for f in self.cls.sprf_reads if f in self.fields)

    def writes_rd(self) -> bool:
        return self.cls.x_write == "rd" and "rd" in self.fields

    @property
    def redirect(self) -> str:
        """The stage that redirects fetch: a decode-stage jump whose target needs a
        register (jalr) waits for execute."""
        stage = self.cls.redirect
        return "execute" if stage == "decode" and self.reads_x() and self.cls.flow == "jump" \
            else stage


_FIXED = re.compile(r"^(\d+)\.\.(\d+)=(0x[0-9a-fA-F]+|\d+)$")


def _parse_row(path: Path, lineno: int, line: str) -> Instruction:
    where = f"{path.name}:{lineno}"
    tokens = line.split()
    if len(tokens) < 3:
        raise TableError(f"{where}: expected 'name format fields... fixed... class'")
    name, fmt, opclass = tokens[0], tokens[1], tokens[-1]
    if fmt not in FORMATS:
        raise TableError(f"{where}: unknown format {fmt!r}")
    if opclass not in OP_CLASSES:
        raise TableError(f"{where}: unknown op class {opclass!r}")
    fields: list[str] = []
    match = mask = 0
    assigned = 0
    for tok in tokens[2:-1]:
        m = _FIXED.match(tok)
        if m:
            hi, lo, value = int(m[1]), int(m[2]), int(m[3], 0)
            if not 31 >= hi >= lo >= 0:
                raise TableError(f"{where}: bad bit range {tok}")
            if value >> (hi - lo + 1):
                raise TableError(f"{where}: value of {tok} does not fit in its bits")
            bits = ((1 << (hi - lo + 1)) - 1) << lo
            match |= value << lo
            mask |= bits
        elif tok in FIELDS:
            fields.append(tok)
            bits = FIELDS[tok].mask
        else:
            raise TableError(f"{where}: unknown field {tok!r}")
        if assigned & bits:
            raise TableError(f"{where}: {tok} assigns a bit twice")
        assigned |= bits
    if assigned != 0xFFFFFFFF:
        raise TableError(f"{where}: bits {0xFFFFFFFF & ~assigned:#010x} are unassigned")
    used: set[str] = set()
    for op in FORMATS[fmt]:
        used.update((op,) if isinstance(op, str) else op)
    if used != set(fields):
        raise TableError(f"{where}: fields {sorted(fields)} do not match format {fmt} "
                         f"{sorted(used)}")
    return Instruction(name, fmt, tuple(fields), match, mask, opclass, path.name)


def load_table(directory: Path = OPCODE_DIR,
               files: tuple[str, ...] = TABLE_FILES) -> tuple[Instruction, ...]:
    """Read and validate the table files; raises TableError naming file and line."""
    rows: list[Instruction] = []
    for fname in files:
        path = directory / fname
        for lineno, cols in _data_lines(path):
            rows.append(_parse_row(path, lineno, " ".join(cols)))
    seen: dict[str, Instruction] = {}
    for row in rows:
        if row.name in seen:
            raise TableError(f"{row.extension}: {row.name} is defined twice")
        for other in seen.values():
            if (row.match ^ other.match) & row.mask & other.mask == 0:
                raise TableError(f"{row.extension}: {row.name} overlaps {other.name} "
                                 f"({other.extension})")
        seen[row.name] = row
    return tuple(rows)


INSTRUCTIONS: tuple[Instruction, ...] = load_table()
BY_NAME: dict[str, Instruction] = {i.name: i for i in INSTRUCTIONS}
