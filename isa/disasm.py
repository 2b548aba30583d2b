"""Disassemble RV32IM + Xzs code: base instructions through capstone, Xzs from the table.

Capstone stops silently at the first word it cannot decode (the custom opcodes Xzs
lives in); such a word is decoded from the instruction table and capstone resumes
after it. Words that neither decodes become `.word` lines, so a listing never stops
early. Branch and jump targets are printed as absolute addresses (capstone prints
offsets), with `<symbol+0xoff>` when symbols are given, as `objdump -d` does. The
text of each instruction (without that annotation) re-assembles to the same word.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

import capstone

from .encoding import decode, lookup
from .table import ABI_NAMES, CSRS, FIELDS, Instruction

NOT_AN_INSTRUCTION = "# not an RV32IM/Xzs instruction"
_CSR_NAMES = {number: name for name, number in CSRS.items()}


def _table_syntax(row: Instruction) -> bool:
    """Rows printed in the table's syntax although capstone decodes them, because
    capstone's text does not assemble: it names CSRs that GNU as and zskip do not know
    (and prints pseudo forms such as `frcsr`), writes `jalr rd, rs1, imm`, and prints an
    empty fence set as `unknown`. For CSR rows capstone's text stays as a note."""
    return row.opclass == "csr" or row.name in ("jalr", "fence")


@dataclass(frozen=True)
class Line:
    """One disassembled word. `text` re-assembles to `word`; `note` is the listing's
    annotation (`<symbol+0xoff>` of a target, or why a word is shown as data)."""
    address: int
    word: int
    mnemonic: str
    operands: str
    note: str = ""

    @property
    def text(self) -> str:
        return f"{self.mnemonic} {self.operands}" if self.operands else self.mnemonic

    @property
    def annotated(self) -> str:
        return f"{self.text} {self.note}" if self.note else self.text


@functools.cache
def _capstone() -> capstone.Cs:
    # RV32 without the compressed extension: every instruction is one 32-bit word
    return capstone.Cs(capstone.CS_ARCH_RISCV, capstone.CS_MODE_RISCV32)


class SymbolIndex:
    """Nearest-symbol lookup for `<symbol+0xoff>` annotations and listing headers."""

    def __init__(self, symbols: dict[str, int] | None):
        best: dict[int, str] = {}
        # one name per address: prefer names without a leading '_' or '.', then shortest
        for name, addr in sorted((symbols or {}).items(),
                                 key=lambda kv: (kv[0][:1] in "_.", len(kv[0]), kv[0])):
            best.setdefault(addr, name)
        self.addresses = sorted(best)
        self.names = [best[a] for a in self.addresses]

    def at(self, addr: int) -> str | None:
        i = bisect.bisect_left(self.addresses, addr)
        return self.names[i] if i < len(self.addresses) and self.addresses[i] == addr else None

    def describe(self, addr: int) -> str:
        """`<name>` or `<name+0xoff>` for the nearest symbol at or below addr, or ''."""
        i = bisect.bisect_right(self.addresses, addr) - 1
        if i < 0:
            return ""
        off = addr - self.addresses[i]
        return f"<{self.names[i]}+{off:#x}>" if off else f"<{self.names[i]}>"


def _pcrel_field(row: Instruction | None) -> str | None:
    if row is None:
        return None
    return next((f for f in row.fields if FIELDS[f].kind == "pcrel"), None)


def _target(field: str, word: int, pc: int) -> int:
    return (pc + FIELDS[field].extract(word)) & 0xFFFFFFFF


def _format_field(name: str, value: int, pc: int) -> str:
    kind = FIELDS[name].kind
    if kind == "reg":
        return ABI_NAMES[value]
    if kind == "pcrel":
        return f"{(pc + value) & 0xFFFFFFFF:#x}"
    if kind == "csr":   # by name when the CSR table knows it (the assembler reads both)
        return _CSR_NAMES.get(value, f"{value:#x}")
    if kind == "fence":
        return "".join(c for c, bit in zip("iorw", (8, 4, 2, 1)) if value & bit) or "0"
    return str(value)


def format_operands(row: Instruction, operands: dict[str, int], pc: int) -> str:
    """Operand text in the table's syntax for `row` (FORMATS), as the assembler reads it."""
    parts = []
    for op in row.syntax:
        if isinstance(op, tuple):
            offset, base = op
            parts.append(f"{_format_field(offset, operands[offset], pc)}"
                         f"({_format_field(base, operands[base], pc)})")
        else:
            parts.append(_format_field(op, operands[op], pc))
    return ", ".join(parts)


def _from_capstone(pc: int, word: int, mnemonic: str, op_str: str,
                   symbols: SymbolIndex) -> Line:
    row = lookup(word)
    field = _pcrel_field(row)
    note = ""
    if row is None:   # capstone knows it (e.g. F/D, privileged), zskip's core does not
        note = NOT_AN_INSTRUCTION
    elif _table_syntax(row):
        line = _from_table(pc, word, symbols)
        note = f"# {mnemonic} {op_str}".rstrip() if row.opclass == "csr" else ""
        return Line(pc, word, line.mnemonic, line.operands, note)
    elif field:
        # capstone prints the offset as the last operand; print the absolute target
        target = _target(field, word, pc)
        ops = op_str.split(", ")
        ops[-1] = f"{target:#x}"
        op_str = ", ".join(ops)
        note = symbols.describe(target)
    return Line(pc, word, mnemonic, op_str, note)


def _from_table(pc: int, word: int, symbols: SymbolIndex) -> Line:
    decoded = decode(word)
    if decoded is None:
        return Line(pc, word, ".word", f"{word:#010x}", NOT_AN_INSTRUCTION)
    row = decoded.insn
    field = _pcrel_field(row)
    note = symbols.describe(_target(field, word, pc)) if field else ""
    return Line(pc, word, row.name, format_operands(row, decoded.operands, pc), note)


def _disassemble(code: bytes, address: int, symbols: SymbolIndex) -> list[Line]:
    buf = bytearray(code)   # writable, so capstone reads slices of it without copies
    view = memoryview(buf)
    whole = len(buf) - len(buf) % 4
    lines: list[Line] = []
    pos = 0
    while pos < whole:
        for pc, size, mnemonic, op_str in _capstone().disasm_lite(view[pos:whole],
                                                                address + pos):
            word = int.from_bytes(buf[pos:pos + size], "little")
            lines.append(_from_capstone(pc, word, mnemonic, op_str, symbols))
            pos += size
        if pos < whole:   # capstone stopped here: a custom opcode or not an instruction
            lines.append(_from_table(address + pos, int.from_bytes(buf[pos:pos + 4], "little"),
                                     symbols))
            pos += 4
    if whole < len(buf):
        tail = buf[whole:]
        lines.append(Line(address + whole, int.from_bytes(tail, "little"), ".byte",
                          ", ".join(f"{b:#04x}" for b in tail), "# trailing bytes"))
    return lines


def disassemble(code: bytes, address: int, symbols: dict[str, int] | None = None
                ) -> list[Line]:
    """One Line per 32-bit word of `code` (loaded at `address`), plus a `.byte` line for
    a trailing partial word."""
    return _disassemble(code, address, SymbolIndex(symbols))


def disassemble_word(word: int, pc: int, symbols: dict[str, int] | None = None) -> str:
    """Text of one instruction word at `pc` (with its annotation, if any)."""
    return _disassemble((word & 0xFFFFFFFF).to_bytes(4, "little"), pc,
                        SymbolIndex(symbols))[0].annotated


def listing(code: bytes, address: int, symbols: dict[str, int] | None = None) -> list[str]:
    """An objdump-like listing: `<symbol>:` headers, then `addr: word  text  note`."""
    index = SymbolIndex(symbols)
    out = []
    for line in _disassemble(code, address, index):
        name = index.at(line.address)
        if name is not None:
            out += ["", f"{line.address:08x} <{name}>:"]
        out.append(f"{line.address:8x}:\t{line.word:08x}\t{line.annotated}")
    return out
