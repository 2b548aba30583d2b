# SNN kernel, branch: the base ISA with the zero tests a careful software writer puts in:
# a silent input skips its whole row, a zero (deactivated) weight skips its update.
# Both tests are scheduled like the Xzs variant's (independent work after the load).
    .include "snn.inc"

    .text
setup:
    ret

integrate:
row:
    lbu   t0, 0(a0)              # s = spike[i]
    addi  a0, a0, 1
    mv    t5, a2                 # this row's weights
    add   a2, a2, a3             # the next row
    beqz  t0, next_row           # no spike: the row changes nothing
    mv    t6, a4
update:                          # two connections per iteration (n_out is even)
    lb    t1, 0(t5)              # w (zero: deactivated)
    lb    t3, 1(t5)
    addi  t5, t5, 2
    addi  t6, t6, 8
    beqz  t1, 1f
    lw    t2, -8(t6)
    add   t2, t2, t1             # V[j] += w
    sw    t2, -8(t6)
1:  beqz  t3, 2f
    lw    t2, -4(t6)
    add   t2, t2, t3
    sw    t2, -4(t6)
2:  bne   t6, a5, update
next_row:
    bne   a0, a1, row
    ret
