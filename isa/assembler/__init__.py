"""The zskip assembler: GNU as syntax (riscv, -march=rv32im) for RV32IM, Zicsr counter
reads and the Xzs rows, derived from the instruction table in isa/table.py.

    from zskip.isa.assembler import assemble, parse, print_module, AsmError
    program = assemble(source, "kernel.S", text_base=0x10000, data_base=None)
    module = parse(source, "kernel.S")     # the IR: records with def/use (ir.py)
    program = assemble(module)             # the same Program

The result is linked as GNU ld's default script would link the one object file at
the same addresses (layout.py): text segment (rx) = code then .rodata; data segment
(rw) = .data, small data, then .sbss/.bss/COMMON as memsz beyond the bytes.
Program.symbols holds every label (not numeric local labels); the entry point is
`_start` if defined, else the start of text.

Modules: lexer (lines, comments, operands), expressions (GNU as integer
expressions and %hi/%lo/%pcrel_hi/%pcrel_lo), operands (registers, CSRs, fence sets),
instructions (table rows' operand syntax from FORMATS/FIELDS), pseudo
(pseudo-instructions expanded into rows), insn (.insn), directives, layout (ld's
section placement), ir (the records and print_module; docs/assembler_ir.md),
assembler (parse, layout, encode).
"""
from .assembler import assemble, parse
from .errors import AsmError
from .ir import Directive, Instr, Label, Module, Pseudo, Reg, Section, print_module

__all__ = ["assemble", "parse", "print_module", "AsmError", "Module", "Section", "Instr",
           "Label", "Directive", "Pseudo", "Reg"]
