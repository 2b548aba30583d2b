# int8 dense layer on RV32IM: for each input a = x[i] (unsigned byte) and each output
# j, y[j] += a * W[i][j] (signed byte weights, int32 accumulators in memory).
    .include "dense_data.inc"
    .text
    .globl _start
_start:
    la    s0, x
    la    s1, w
    li    s2, N_IN
outer:
    lbu   t0, 0(s0)             # a = x[i]
    mv    t5, s1                # &W[i][0]
    addi  s1, s1, N_OUT
    la    t1, y
    li    t2, N_OUT
inner:
    lb    t3, 0(t5)
    mul   t3, t3, t0
    lw    t4, 0(t1)
    add   t4, t4, t3
    sw    t4, 0(t1)
    addi  t5, t5, 1
    addi  t1, t1, 4
    addi  t2, t2, -1
    bnez  t2, inner
next:
    addi  s0, s0, 1
    addi  s2, s2, -1
    bnez  s2, outer
    li    a0, 0
    li    a7, 93
    ecall
