"""Generate the C decode header for the core from the instruction table.

    python -m zskip.isa.cheader            # rewrite core_model/csrc/isa_table.h
    python -m zskip.isa.cheader --check    # exit 1 if the committed file is stale
"""
from __future__ import annotations

import sys
from pathlib import Path

from .generated import generator_main
from .table import (CORE_CSRS, CSRS, EXTENSION, FIELDS, INSTRUCTIONS, OP_CLASSES,
                    OPCLASS_TABLE, REDIRECT_STAGES, SYSCALLS, Field, Instruction)

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


def insn_roles(i: Instruction) -> str:
    """ZS_INSN_LIST's OPC_class, reads_rs1, reads_rs2, reads_rd, writes_rd of a row (the
    translation of a program's code, core_model/translate.py, writes them too)."""
    reads = i.reads_x()
    return (f"OPC_{i.opclass.upper()}, {int('rs1' in reads)}, {int('rs2' in reads)}, "
            f"{int('rd' in reads)}, {int(i.writes_rd())}")


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
        out.append(f"    X({i.ident:<{width}}, \"{i.name}\", MATCH_{i.ident}, MASK_{i.ident}, "
                   f"{insn_roles(i)}, {_immediate(i.fields)}) \\")
    out += [
        "",
        "/* Per instruction, the roles ZS_INSN_LIST does not carry:",
        " * X(IDENT, sprf_rs1, sprf_rs2, sets_sprf, REDIRECT) -- sprf_F: SpRF[F] is read (a SASA",
        " * write reads it at the trigger's fetch); sets_sprf: SpRF[rd] := (value == 0) instead",
        " * of being cleared by the write; REDIRECT: the stage that redirects fetch. */",
        "#define ZS_INSN_ROLES(X) \\",
    ]
    for i in INSTRUCTIONS:
        sprf = i.reads_sprf()
        out.append(f"    X({i.ident:<{width}}, {int('rs1' in sprf)}, {int('rs2' in sprf)}, "
                   f"{int(i.cls.sets_sprf and i.writes_rd())}, "
                   f"ZS_REDIRECT_{i.redirect.upper()}) \\")
    out += [
        "",
        f"/* X(IDENT, xzs) -- xzs: the row is in the extension (isa/opcodes/{EXTENSION}, the custom",
        " * opcode space); a core configured without it decodes the row as illegal. */",
        "#define ZS_INSN_XZS(X) \\",
        *[f"    X({i.ident:<{width}}, {int(i.extension == EXTENSION)}) \\" for i in INSTRUCTIONS],
    ]
    out += ["", f"#define ZS_NUM_INSNS {len(INSTRUCTIONS)}", ""]
    out += _opclass_list() + _numbers("CSR numbers (isa/opcodes/csrs).", "zs_csr", "ZS_CSR_", CSRS)
    out += ["/* X(ZS_CSR_name, core_reads): core_reads = the core implements reads of it. */",
            "#define ZS_CSR_LIST(X) \\",
            *[f"    X(ZS_CSR_{name.upper()}, {int(name in CORE_CSRS)}) \\" for name in CSRS], ""]
    out += _numbers("System call numbers in a7 (isa/opcodes/syscalls).", "zs_syscall",
                    "ZS_SYS_NR_", SYSCALLS, "d")
    out += ["#endif", ""]
    return "\n".join(out)


def _opclass_list() -> list[str]:
    out = [
        "/* Where fetch is redirected (isa/opcodes/opclasses, column redirect). */",
        "enum zs_redirect {",
        *[f"    ZS_REDIRECT_{stage.upper()} = {n}," for n, stage in enumerate(REDIRECT_STAGES)],
        "};",
        "",
        "/* X-macro, one row per op class (isa/opcodes/opclasses), in enum zs_opclass order:",
        " * X(OPC_class, \"name\", is_load, is_store, cond, jump, ends_block, REDIRECT, STALL)",
        " * cond: continues at a target or falls through; jump: always at its target;",
        " * ends_block: ends a basic block; STALL: the counter (ZC_##STALL) charged while a",
        " * consumer waits for the result. */",
        "#define ZS_OPCLASS_LIST(X) \\",
    ]
    width = max(len(c) for c in OP_CLASSES) + 4
    for c in OPCLASS_TABLE.values():
        out.append(f"    X({'OPC_' + c.name.upper():<{width}}, \"{c.name}\", {int(c.memory == 'load')}, "
                   f"{int(c.memory == 'store')}, {int(c.flow == 'cond')}, "
                   f"{int(c.flow == 'jump')}, {int(c.ends_block)}, "
                   f"ZS_REDIRECT_{c.redirect.upper()}, {c.stall}) \\")
    return out + [""]


def _numbers(comment: str, enum: str, prefix: str, numbers: dict[str, int],
             form: str = "#x") -> list[str]:
    return [f"/* {comment} */", f"enum {enum} {{",
            *[f"    {prefix}{name.upper()} = {n:{form}}," for name, n in numbers.items()],
            "};", ""]


def main(argv: list[str] | None = None) -> int:
    return generator_main(HEADER_PATH, render, "zskip.isa.cheader", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
