# Start file for the GCC-built test programs: the loader sets sp; main's return
# value becomes the exit code (Linux/zskip ecall 93), as qemu-riscv32 expects too.
    .text
    .globl _start
_start:
    call  main
    li    a7, 93
    ecall
