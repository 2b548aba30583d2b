# The same layer with Xzs: lbu.zd records whether x[i] is zero and skz skips the
# row of multiply-accumulates (a * W[i][j] == 0 for every j). Two independent
# instructions separate the load from the skip so the SpRF bit is known in time.
    .include "dense_data.inc"
    .text
    .globl _start
_start:
    la    s0, x
    la    s1, w
    li    s2, N_IN
outer:
    lbu.zd t0, 0(s0)            # a = x[i]; SpRF[t0] = (a == 0)
    mv    t5, s1
    addi  s1, s1, N_OUT
    la    t1, y
    skz   t0, next              # a == 0: the row changes nothing
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
