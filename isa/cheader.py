"""Generate the C decode header for the core from the instruction table.

    python -m zskip.isa.cheader            # rewrite core_model/csrc/isa_table.h
    python -m zskip.isa.cheader --check    # exit 1 if the committed file is stale
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .table import FIELDS, INSTRUCTIONS, OP_CLASSES, Field

# Operand fields read as the instruction's immediate (registers, zimm and fence sets
# are read from their own fields).
IMMEDIATE_KINDS = ("imm", "pcrel", "csr")


def _extract_expr(field: Field) -> str:
    """C expression for the field's value in word `w`, sign-extended when signed."""
    parts = [f"((((w) >> {lo}) & 0x{(1 << (hi - lo + 1)) - 1:x}u) << {vlo})"
             for hi, lo, vlo in field.pieces]
    value = " | ".join(parts)
    if field.signed:
        shift = 32 - field.width
        return f"((int32_t)(({value}) << {shift}) >> {shift})"
    return f"((int32_t)({value}))"


def _immediate(fields: tuple[str, ...]) -> str:
    imms = [f for f in fields if FIELDS[f].kind in IMMEDIATE_KINDS and f != "zimm"]
    assert len(imms) <= 1, fields
    return f"FIELD_{imms[0].upper()}" if imms else "FIELD_NONE"

HEADER_PATH = Path(__file__).resolve().parent.parent / "core_model" / "csrc" / "isa_table.h"


def render() -> str:
    width = max(len(i.ident) for i in INSTRUCTIONS)
    out = [
        "/* Auto-generated from the files in isa/opcodes by isa/cheader.py: do not edit. */",
        "#ifndef ZSKIP_ISA_TABLE_H",
        "#define ZSKIP_ISA_TABLE_H",
        "",
        "/* Op classes (gem5-style): the timing and energy models key on these. */",
        "enum zs_opclass {",
        *[f"    OPC_{c.upper()} = {n}," for n, c in enumerate(OP_CLASSES)],
        f"    OPC_COUNT = {len(OP_CLASSES)}",
        "};",
        "",
    ]
    out.append("/* Operand field extraction from a word w, from the field table. */")
    for f in FIELDS.values():
        out.append(f"#define FIELD_{f.name.upper()}(w) {_extract_expr(f)}")
    out += ["#define FIELD_NONE(w) 0", ""]
    for i in INSTRUCTIONS:
        out.append(f"#define MATCH_{i.ident:<{width}} 0x{i.match:08x}u")
        out.append(f"#define MASK_{i.ident:<{width}}  0x{i.mask:08x}u")
    out += [
        "",
        "/* X-macro, one row per instruction:",
        " * X(IDENT, \"mnemonic\", MATCH, MASK, OPC_class, reads_rs1, reads_rs2, reads_rd, writes_rd,",
        " *   IMM) -- IMM is the FIELD_ macro of the immediate operand (FIELD_NONE if none).",
        " * reads_F: x[F] is a source operand (skip-branches read the SpRF instead; a SASA",
        " * write reads its trigger PC from x[rd]). */",
        "#define ZS_INSN_LIST(X) \\",
    ]
    for i in INSTRUCTIONS:
        reads = i.reads_x()
        out.append(f"    X({i.ident:<{width}}, \"{i.name}\", MATCH_{i.ident}, MASK_{i.ident}, "
                   f"OPC_{i.opclass.upper()}, {int('rs1' in reads)}, {int('rs2' in reads)}, "
                   f"{int('rd' in reads)}, "
                   f"{int(i.writes_rd())}, {_immediate(i.fields)}) \\")
    out += ["", f"#define ZS_NUM_INSNS {len(INSTRUCTIONS)}", "", "#endif", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if the committed header differs from a fresh generation")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not HEADER_PATH.exists() or HEADER_PATH.read_text() != text:
            print(f"{HEADER_PATH} is stale: run python -m zskip.isa.cheader", file=sys.stderr)
            return 1
        return 0
    HEADER_PATH.parent.mkdir(parents=True, exist_ok=True)
    HEADER_PATH.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
