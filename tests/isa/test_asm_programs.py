"""Whole programs through `zskip.isa.assembler` against GNU as + ld at the same
addresses: hand-written source with data, relocations and every section kind, and
GCC -S -O2 output of a small C program."""
from __future__ import annotations

import pytest

from zskip.isa.assembler import assemble

from tests.gnu import MARCH, link_sections, run_tool

PROGRAM = r"""
    .option norelax
    .equ COUNT, 4
    .equ STRIDE, COUNT * 4
    .section .text.startup,"ax",@progbits
    .globl _start
_start:
    la    sp, stack_top
    call  main
    tail  done

    .text
    .align 2
main:
    lui   a0, %hi(table)
    addi  a0, a0, %lo(table)
    lw    a1, %lo(counter)(a0)
    li    t0, COUNT
1:  lw    t1, 0(a0)
    jalr  t1
    addi  a0, a0, 4
    addi  t0, t0, -1
    bnez  t0, 1b
    la    a2, message
    lbu   a3, 0(a2)
    la    a4, small
    sw    a3, 0(a4)
    la    a5, buffer + STRIDE
    sb    a3, -1(a5)
    li    a6, 0x12345678
    li    a7, -2049
    mul   a0, a1, a6
    div   a0, a0, a7
    ret
f0: ret
f1: nop
    ret
f2: j 2f
2:  ret
f3: beqz zero, f0
done:
    li    a7, 93
    ecall
    .p2align 4
aligned_code:
    ret

    .section .rodata
message:
    .string "zero skip\n"
    .ascii "ab", "c"
    .asciz "\x41\102\t"
    .balign 4
    .section .srodata.cst4,"aM",@progbits,4
magic:
    .word 0xdeadbeef

    .data
table:
    .word f0, f1, f2, f3
counter:
    .word table + 16, . - table, STRIDE, -1
halves:
    .half 0x1234, -2, 'x'
bytes:
    .byte 1, 2, 255, -128
    .p2align 3
dword:
    .dword 0x0123456789abcdef
    .section .sdata,"aw"
small:
    .word 7
    .section .sbss,"aw",@nobits
tiny:
    .zero 4
    .bss
    .align 4
buffer:
    .space 64
stack:
    .zero 256
stack_top:
    .comm shared, 40, 8
    .lcomm hidden, 12
    .lcomm odd, 3
"""


@pytest.mark.parametrize("data_base", [None, 0x20000])
def test_whole_program_equals_gnu_as_and_ld(tmp_path, data_base):
    ref = link_sections(PROGRAM, tmp_path, 0x10000, data_base)
    program = assemble(PROGRAM, "program.S", data_base=data_base)
    text, data = program.segments
    assert (text.vaddr, text.flags) == (0x10000, "rx")
    assert text.data == ref["text"]
    assert data.flags == "rw"
    assert data.data == ref["data"]
    for name in ("_start", "main", "f0", "f3", "done", "aligned_code", "message", "magic",
                 "table", "counter", "halves", "dword", "small", "tiny", "buffer",
                 "stack_top", "shared", "hidden", "odd"):
        assert program.symbols[name] == ref["symbols"][name], name
    assert data.vaddr == ref["symbols"]["table"]
    assert data.end == ref["symbols"]["_end"]
    assert program.entry == ref["symbols"]["_start"]
    assert "1" not in program.symbols and not any("\x02" in s for s in program.symbols)


def test_global_pointer_as_gnu_ld_defines_it(tmp_path):
    source = PROGRAM + "\n    .text\n    la gp, __global_pointer$\n"
    ref = link_sections(source, tmp_path)
    program = assemble(source)
    assert program.symbols["__global_pointer$"] == ref["symbols"]["__global_pointer$"]
    assert program.segments[0].data == ref["text"]


C_PROGRAM = r"""
#include <stdint.h>
int32_t weights[16] = {3, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, 8, 9, -7, 9, 3};
int32_t acts[16];
static const char banner[] = "dense layer";
volatile int32_t sink;

static int32_t classify(int32_t v) {
    switch (v & 7) {
    case 0: return v * 3;
    case 1: return v / 7;
    case 2: return v % 5;
    case 3: return v << 2;
    case 4: return -v;
    case 5: return v ^ 0x5a5a;
    default: return 1;
    }
}

int32_t dot(const int32_t *a, const int32_t *w, int n) {
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        if (a[i] != 0)
            s += a[i] * w[i];
    return s;
}

int main(void) {
    for (int i = 0; i < 16; i++)
        acts[i] = (i % 3 == 0) ? 0 : classify(i * 37 + banner[i % 11]);
    sink = dot(acts, weights, 16);
    return sink > 0x12345 ? 1 : 0;
}

void _start(void) {
    int r = main();
    register int a0 __asm__("a0") = r;
    register int a7 __asm__("a7") = 93;
    __asm__ volatile ("ecall" : : "r"(a0), "r"(a7));
    for (;;) {}
}
"""


def test_gcc_O2_output_assembles_like_gnu_as(tmp_path):
    c_file = tmp_path / "prog.c"
    c_file.write_text(C_PROGRAM)
    asm_file = tmp_path / "prog.s"
    run_tool("gcc", "-S", "-O2", *MARCH, "-mno-relax", "-ffreestanding", "-fno-pic", c_file,
             "-o", asm_file)
    source = asm_file.read_text()
    assert ".section\t.text.startup" in source and ".rodata" in source
    ref = link_sections(source, tmp_path)
    program = assemble(source, str(asm_file))
    text = program.segments[0]
    assert text.data == ref["text"]
    assert program.segments[1].data == ref["data"]
    for name in ("main", "dot", "_start", "weights", "acts", "sink"):
        assert program.symbols[name] == ref["symbols"][name], name
