"""GNU as syntax details, each checked against GNU as + ld: comments and separators,
expressions (GNU precedence, octal, characters, `.`, symbol differences), forward
.equ, numeric local labels, alignment padding, strings and every .insn form."""
from __future__ import annotations

from zskip.isa.assembler import assemble

from tests.gnu import link_sections

SOURCE = r"""
    .option norelax
    .option push
    .option norvc
    .option pop
    .attribute arch, "rv32i2p1_m2p0"
    .file "syntax.c"
    .text
_start: addi a0, a0, 1 ; addi a1, a1, 2   # two statements, then a comment
    addi a2, a2, 3
    /* a block
       comment */ addi a3, a3, 4 /* inline */ ; nop
    li a0, 1 | 2 + 3          # GNU precedence: (1|2)+3
    li a1, 1 + 2 << 3         # 1 + (2<<3)
    li a2, 010 + 0b11 + 0x10  # octal, binary, hex
    li a3, 'a' + '\n' - '\\'
    li a4, -7 / 2 + -7 % 2
    li a5, ~0 ^ 5 & 3
    li a6, (3 > 2) + (2 >= 3) + !0 + (4 == 4)
    .set early, 0x1234
    .equ LATER, 21
    li t0, LATER * 2
    li t1, early
    addi t2, t2, %lo(start_data + 0x800)
    lui t3, %hi(start_data + 0x800)
1:  addi t4, t4, 1
1:  bnez t4, 1b
    beqz t4, 1f
    j 1b
1:  jal zero, .
    .p2align 4
    .insn i OP_IMM, 0, a0, a1, -1
    .insn i LOAD, 2, a0, -4(sp)
    .insn s STORE, 1, a1, 6(a2)
    .insn u LUI, t0, 0xfffff
    .insn u 0x17, t1, 1
    .insn j JAL, ra, 1b
    .insn b BRANCH, 1, a0, a1, 1b
    .insn r OP, 0, 1, a0, a1, a2
    .insn r 0x33, 4, 0x20, s0, s1, s2
    .insn 0x00000013
    .insn 4, 0x00100073
    .balign 8
    .word 0x12345678
    .align 3
    nop
    .type _start, @function
    .size _start, .-_start
    early_copy = early + 1
    addi s0, s0, early_copy & 0x7ff
    .section .rodata.str1.4,"aMS",@progbits,1
    .align 2
.LC0:
    .string "tab\there\x41\101\"q\"", "two"
    .data
start_data:
    .ascii "no nul"
    .byte 1, 'b', -1
    .balign 4, 0xee
    .half 0x1234
    .p2align 2, 0
    .word start_data, end_data - start_data, . - start_data, 2f
    .2byte 5
    .4byte 6
    .zero 3
    .space 2, 0x7f
    .skip 1
2:  .long LATER
end_data:
    .ident "GCC"
    .section .note.GNU-stack,"",@progbits
    .byte 9
"""


def test_syntax_features_equal_gnu_as_and_ld(tmp_path):
    ref = link_sections(SOURCE, tmp_path)
    program = assemble(SOURCE, "syntax.S")
    text, data = program.segments
    assert text.data == ref["text"]
    assert data.data == ref["data"]
    for name in ("_start", "start_data", "end_data"):
        assert program.symbols[name] == ref["symbols"][name]
    assert program.symbols[".LC0"] == 0x100a0   # GNU as keeps .L labels out of its table


def test_symbols_entry_and_segments():
    program = assemble("nop\nmain: nop\n.data\nx: .word 1\n", text_base=0x1000,
                       data_base=0x8000)
    assert program.entry == 0x1000            # no _start: start of text
    assert program.symbols == {"main": 0x1004, "x": 0x8000}
    assert [(s.vaddr, s.flags, s.memsz) for s in program.segments] == \
        [(0x1000, "rx", 8), (0x8000, "rw", 4)]
    only_data = assemble(".data\n.word 5\n.bss\nbuf: .zero 8\n")
    assert [(s.flags, len(s.data), s.memsz) for s in only_data.segments] == [("rw", 4, 12)]


def test_include_is_relative_to_the_including_file(tmp_path):
    (tmp_path / "defs.inc").write_text(".equ N, 12\n")
    main = tmp_path / "main.S"
    main.write_text('.include "defs.inc"\nli a0, N\n')
    word = assemble(main.read_text(), str(main)).segments[0].data
    assert word == assemble("li a0, 12\n").segments[0].data


def test_zskip_extensions_beyond_gnu_as():
    """`//` comments, and li of a value defined later (GNU as rejects it): lui+addi."""
    program = assemble("li a0, later - here  // comment\nhere: nop\n.equ X, 5\n"
                       "later: li a1, X\n")
    assert program.segments[0].data == assemble(
        "lui a0, 0\naddi a0, a0, 4\nnop\naddi a1, zero, 5\n").segments[0].data
