# Dense layer y = x . W on the baseline ISA (RV32IM) with a software zero test: the
# careful programmer's answer to the Xzs version. An ordinary load of x[i] and a beqz
# over the row it would feed, hand-scheduled like dense_xzs.S (the same two
# independent instructions between the load and the test).
    .include "dense_data.inc"

    .text
    .globl _start
_start:
    la    s0, x
    la    s1, w
    li    s2, N_IN
outer:
    lw    t0, 0(s0)             # a = x[i]
    mv    t5, s1                # (two independent instructions hide the
    addi  s1, s1, N_OUT*4       #  load-use delay before the test)
    beqz  t0, next              # a == 0: the row changes nothing, branch over it
    la    t1, y
    li    t2, N_OUT
inner:
    lw    t3, 0(t5)
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
    li    a0, 0
    li    a7, 93
    ecall
