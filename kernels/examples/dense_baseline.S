# Dense layer y = x . W on the baseline ISA (RV32IM), input-stationary: each input
# activation x[i] is loaded once and multiplied into every output y[j].
    .include "dense_data.inc"

    .text
    .globl _start
_start:
    la    s0, x                 # s0 = &x[i]
    la    s1, w                 # s1 = &W[i][0]
    li    s2, N_IN              # inputs left
outer:
    lw    t0, 0(s0)             # a = x[i]
    mv    t5, s1                # t5 = &W[i][j]
    addi  s1, s1, N_OUT*4       # next row
    la    t1, y                 # t1 = &y[j]
    li    t2, N_OUT
inner:
    lw    t3, 0(t5)             # y[j] += a * W[i][j]
    mul   t3, t3, t0
    lw    t4, 0(t1)
    add   t4, t4, t3
    sw    t4, 0(t1)
    addi  t5, t5, 4
    addi  t1, t1, 4
    addi  t2, t2, -1
    bnez  t2, inner
next:
    addi  s0, s0, 4
    addi  s2, s2, -1
    bnez  s2, outer
    li    a0, 0                 # exit(0)
    li    a7, 93
    ecall
