# dense_xzs.S scheduled for a deeper pipeline (the application preset: skip-branches
# decide in stage 3, load data arrives two stages after EX): `la t1, y` moves above the
# skip, so four independent instructions separate the zero-detect load from it. The
# two instructions of `la` now run for every input, skipped row or not.
    .include "dense_data.inc"

    .text
    .globl _start
_start:
    la    s0, x
    la    s1, w
    li    s2, N_IN
outer:
    lw.zd t0, 0(s0)             # a = x[i]; SpRF[t0] = (a == 0)
    mv    t5, s1
    addi  s1, s1, N_OUT*4
    la    t1, y                 # (auipc + addi: four instructions before the skip)
    skz   t0, next              # a == 0: the row changes nothing, skip it
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
