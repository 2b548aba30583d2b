"""`.insn`: an instruction given by format and raw fields, as GNU as takes it.

    .insn r  opcode, funct3, funct7, rd, rs1, rs2
    .insn i  opcode, funct3, rd, rs1, imm      (or rd, imm(rs1))
    .insn s  opcode, funct3, rs2, imm(rs1)
    .insn b  opcode, funct3, rs1, rs2, target  (alias sb)
    .insn u  opcode, rd, imm
    .insn j  opcode, rd, target                (alias uj)
    .insn value   /   .insn 4, value

The operands after the fixed part are read with the table format of the same
layout (FORMATS in isa/table.py), so the fields are placed by the same code as
every instruction's.
"""
from __future__ import annotations

from ..table import FORMATS, Instruction
from .errors import SyntaxProblem
from .instructions import encode_checked, format_plan, read_plan, shape_matches

# Major opcode names of the base ISA's opcode map (as GNU as spells them).
OPCODES = {"LOAD": 0x03, "LOAD_FP": 0x07, "CUSTOM_0": 0x0B, "MISC_MEM": 0x0F,
           "OP_IMM": 0x13, "AUIPC": 0x17, "OP_IMM_32": 0x1B, "STORE": 0x23,
           "STORE_FP": 0x27, "CUSTOM_1": 0x2B, "AMO": 0x2F, "OP": 0x33, "LUI": 0x37,
           "OP_32": 0x3B, "MADD": 0x43, "MSUB": 0x47, "NMSUB": 0x4B, "NMADD": 0x4F,
           "OP_FP": 0x53, "OP_V": 0x57, "CUSTOM_2": 0x5B, "BRANCH": 0x63, "JALR": 0x67,
           "JAL": 0x6F, "SYSTEM": 0x73, "CUSTOM_3": 0x7B}

# .insn type -> (fixed parts after the opcode: (name, bit position, width), formats)
_TYPES: dict[str, tuple[tuple[tuple[str, int, int], ...], tuple[str, ...]]] = {
    "r": ((("funct3", 12, 3), ("funct7", 25, 7)), ("R",)),
    "i": ((("funct3", 12, 3),), ("I", "I_MEM")),
    "s": ((("funct3", 12, 3),), ("S",)),
    "b": ((("funct3", 12, 3),), ("B",)),
    "u": ((), ("U",)),
    "j": ((), ("J",)),
}
_TYPES["sb"], _TYPES["uj"] = _TYPES["b"], _TYPES["j"]


def _fields(fmt: str) -> tuple[str, ...]:
    out: list[str] = []
    for op in FORMATS[fmt]:
        out.extend(op if isinstance(op, tuple) else (op,))
    return tuple(out)


def _number(ctx, text: str, pc: int, what: str, width: int) -> int:
    value = ctx.value(text, pc)
    if not 0 <= value < 1 << width:
        raise SyntaxProblem(f".insn: {what} {value} out of range [0, {(1 << width) - 1}]",
                            text)
    return value


def encode_insn(ctx, ops: list[str], pc: int) -> int:
    """The word `.insn` with operands `ops` stands for (ops[0] is the type or value)."""
    head = ops[0].split(None, 1)
    kind = head[0].lower()
    if kind not in _TYPES:
        if len(ops) == 2:           # .insn length, value
            if ctx.value(ops[0], pc) != 4:
                raise SyntaxProblem(".insn: only 4-byte instructions are supported", ops[0])
            ops = ops[1:]
        if len(ops) != 1:
            raise SyntaxProblem(f".insn: expected a type ({', '.join(_TYPES)}) or a value, "
                                f"got '{ops[0]}'", ops[0])
        word = ctx.value(ops[0], pc)
        if not 0 <= word < 1 << 32 or word & 3 != 3:
            raise SyntaxProblem(f".insn: {word:#x} is not a 32-bit instruction word (the low "
                                "two bits must be 11)", ops[0])
        return word
    if len(head) < 2:
        raise SyntaxProblem(f".insn {kind}: expected an opcode after the type", ops[0])
    fixed, formats = _TYPES[kind]
    operands = [head[1].strip()] + ops[1:]
    opcode_text = operands[0]
    opcode = OPCODES.get(opcode_text.upper())
    if opcode is None:
        opcode = _number(ctx, opcode_text, pc, "opcode", 7)
    if opcode & 3 != 3:
        raise SyntaxProblem(f".insn: opcode {opcode:#x} is not a 32-bit opcode (the low two "
                            "bits must be 11)", opcode_text)
    match, mask = opcode, 0x7F
    for (name, lo, width), text in zip(fixed, operands[1:]):
        match |= _number(ctx, text, pc, name, width) << lo
        mask |= ((1 << width) - 1) << lo
    rest = operands[1 + len(fixed):]
    plans = [(fmt, format_plan(fmt)) for fmt in formats]
    fmt, plan = next(((f, p) for f, p in plans if shape_matches(p, rest)), plans[-1])
    if len(rest) != len(plan):
        raise SyntaxProblem(f".insn {kind}: expected {len(fixed) + 1 + len(plan)} operands "
                            f"after the type, got {len(operands)}", ops[-1])
    row = Instruction(f".insn {kind}", fmt, _fields(fmt), match, mask, "alu", "insn")
    texts, values = read_plan(plan, rest)
    return encode_checked(row, ctx.resolve(row, texts, values, pc), pc, texts)
