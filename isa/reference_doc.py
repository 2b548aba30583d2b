"""Generate the extension's instruction reference (docs/isa_reference.md) from the table.

    python -m zskip.isa.reference_doc            # rewrite docs/isa_reference.md
    python -m zskip.isa.reference_doc --check    # exit 1 if the committed file is stale

Everything on the page comes from isa/opcodes/: the rows of the extension's file
(EXTENSION), their op classes (opclasses) and the field table, plus the extension
file's own comments, which carry the semantics. Nothing is written twice.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .generated import generator_main
from .table import (EXTENSION, FIELDS, FORMATS, INSTRUCTIONS, OPCLASS_TABLE, OPCODE_DIR,
                    Instruction, OpClass)

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "isa_reference.md"

# RISC-V major opcodes by value (bits 6..0), the names the ISA manual gives them.
_MAJOR_OPCODES = {0x0B: "custom-0", 0x2B: "custom-1", 0x5B: "custom-2", 0x7B: "custom-3"}


def _operand(op: str | tuple[str, str]) -> str:
    if isinstance(op, tuple):
        offset, base = op
        return f"{offset}({base})"
    return "target" if FIELDS[op].kind == "pcrel" else op


def syntax(insn: Instruction) -> str:
    """Assembly syntax, e.g. `lw.zd rd, imm12(rs1)` or `skz rs1, target`."""
    ops = ", ".join(_operand(op) for op in FORMATS[insn.format])
    return f"{insn.name} {ops}".rstrip()


def _bit_owner(insn: Instruction, bit: int) -> tuple[str, int]:
    """("=", value) for a fixed bit, (field, value bit) for an operand bit."""
    if insn.mask >> bit & 1:
        return "=", insn.match >> bit & 1
    for name in insn.fields:
        for hi, lo, vlo in FIELDS[name].pieces:
            if lo <= bit <= hi:
                return name, vlo + bit - lo
    raise AssertionError(f"{insn.name}: bit {bit} unassigned")   # the loader rules it out


def layout(insn: Instruction) -> list[tuple[int, int, str]]:
    """The word from bit 31 down as (hi, lo, text) segments: fixed runs as binary
    values, operand fields as `name` or `name[hi:lo]` when only part of it is there."""
    segments: list[tuple[int, int, str]] = []
    bit = 31
    while bit >= 0:
        owner, value_bit = _bit_owner(insn, bit)
        lo = bit
        while lo > 0:
            nxt, nxt_bit = _bit_owner(insn, lo - 1)
            if nxt != owner or (owner != "=" and nxt_bit != value_bit - (bit - lo) - 1):
                break
            lo -= 1
        if owner == "=":
            bits = "".join(str(insn.match >> b & 1) for b in range(bit, lo - 1, -1))
            text = bits
        else:
            field = FIELDS[owner]
            top, bottom = value_bit, value_bit - (bit - lo)
            whole = bottom == 0 and top == field.width - 1 and len(field.pieces) == 1
            text = owner if whole else (f"{owner}[{top}]" if top == bottom
                                        else f"{owner}[{top}:{bottom}]")
        segments.append((bit, lo, text))
        bit = lo - 1
    return segments


def _layout_text(insn: Instruction) -> str:
    return " ".join(f"{hi}..{lo} `{text}`" if hi != lo else f"{hi} `{text}`"
                    for hi, lo, text in layout(insn))


def _opcode_name(insn: Instruction) -> str:
    major = insn.match & 0x7F
    return f"{_MAJOR_OPCODES.get(major, 'opcode')} ({major:#04x})"


def _funct3(insn: Instruction) -> str:
    return str(insn.match >> 12 & 7) if (insn.mask >> 12 & 7) == 7 else "-"


def _list(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items) if items else "-"


def _writes(insn: Instruction) -> str:
    if not insn.writes_rd():
        return "-"
    return "x[rd], SpRF[rd] := (value == 0)" if insn.cls.sets_sprf else "x[rd] (clears SpRF[rd])"


def _sprf_write(c: OpClass) -> str:
    if c.sets_sprf:
        return "SpRF[rd] := (value == 0)"
    return "clears SpRF[rd]" if c.x_write else "-"


def _comment_blocks(path: Path) -> list[tuple[list[str], list[str]]]:
    """The file as (comment lines, names of the rows that follow them) blocks, in order."""
    blocks: list[tuple[list[str], list[str]]] = []
    comments: list[str] = []
    rows: list[str] = []
    for raw in path.read_text().splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):
            if rows:
                blocks.append((comments, rows))
                comments, rows = [], []
            text = stripped[1:]
            comments.append(text[1:] if text.startswith(" ") else text)
        elif stripped:
            rows.append(stripped.split()[0])
    if comments or rows:
        blocks.append((comments, rows))
    return blocks


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def render() -> str:
    rows = [i for i in INSTRUCTIONS if i.extension == EXTENSION]
    by_name = {i.name: i for i in rows}
    classes = list(dict.fromkeys(i.opclass for i in rows))
    source = f"isa/opcodes/{EXTENSION}"
    out = [
        "# Xzs instruction reference",
        "",
        f"<!-- Auto-generated from {source} and isa/opcodes/opclasses by "
        "isa/reference_doc.py: do not edit. -->",
        "",
        f"Generated from the instruction table (`{source}`, `isa/opcodes/opclasses`, the "
        "field table in `isa/table.py`) by `python -m zskip.isa.reference_doc`; a test "
        "fails when this page is stale. The assembler, disassembler, encoder/decoder and "
        "the C decode header derive from the same rows.",
        "",
        "## Summary",
        "",
        "| instruction | syntax | opcode | funct3 | match | mask | op class |",
        "|---|---|---|---|---|---|---|",
    ]
    for i in rows:
        out.append(f"| `{i.name}` | `{syntax(i)}` | {_opcode_name(i)} | {_funct3(i)} | "
                   f"`{i.match:#010x}` | `{i.mask:#010x}` | `{i.opclass}` |")
    out += ["", "## Instructions", ""]
    for comments, names in _comment_blocks(OPCODE_DIR / EXTENSION):
        text = _trim(comments)
        if names:
            out += [f"### {', '.join(f'`{n}`' for n in names)}", ""]
        if text:
            out += [f"From `{source}`:", "", "```text", *text, "```", ""]
        for name in names:
            i = by_name[name]
            out += [
                f"**`{syntax(i)}`**: {i.format} format, {_opcode_name(i)}, op class "
                f"`{i.opclass}`, match `{i.match:#010x}`, mask `{i.mask:#010x}`.",
                "",
                f"- encoding (bit 31 to 0): {_layout_text(i)}",
                f"- reads x: {_list(list(i.reads_x()))}; reads SpRF: "
                f"{_list(list(i.reads_sprf()))}; writes: {_writes(i)}",
                f"- redirects fetch at: {i.redirect}",
                "",
            ]
    out += [
        "## Operand fields",
        "",
        "| field | kind | bits (instruction bits -> value bits) | signed | range |",
        "|---|---|---|---|---|",
    ]
    used = list(dict.fromkeys(f for i in rows for f in i.fields))
    for name in used:
        f = FIELDS[name]
        pieces = ", ".join(f"{hi}..{lo} -> {vlo + hi - lo}..{vlo}" if hi != lo
                           else f"{hi} -> {vlo}" for hi, lo, vlo in f.pieces)
        lo, hi = f.range
        step = f", multiples of {f.align}" if f.align > 1 else ""
        out.append(f"| `{name}` | {f.kind} | {pieces} | {'yes' if f.signed else 'no'} | "
                   f"{lo}..{hi}{step} |")
    out += [
        "",
        "## Op classes",
        "",
        "What the timing and energy models do with every instruction of a class "
        "(`isa/opcodes/opclasses`, whose header explains each column). Energy actions are "
        "priced in the config's energy table (`core_model/configs/energy_45nm.toml`).",
        "",
        "| class | memory | flow | ends block | redirect | stall counter | x reads | x write "
        "| SpRF reads | SpRF write | energy actions |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in classes:
        c = OPCLASS_TABLE[name]
        out.append(
            f"| `{c.name}` | {c.memory or '-'} | {c.flow or '-'} | "
            f"{'yes' if c.ends_block else 'no'} | {c.redirect} | `{c.stall}` | "
            f"{_list(c.x_reads)} | {c.x_write or '-'} | {_list(c.sprf_reads)} | "
            f"{_sprf_write(c)} | "
            f"{', '.join(c.energy)} |")
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    return generator_main(DOC_PATH, render, "zskip.isa.reference_doc", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
