# SNN kernel, baseline: every input's row is added, weight x spike, with no zero test
# (a spike is 0 or 1; deactivated connections are zero weights).
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
    mv    t6, a4
update:                          # two connections per iteration (n_out is even)
    lb    t1, 0(t5)              # w
    lb    t3, 1(t5)
    lw    t2, 0(t6)              # V[j]
    lw    t4, 4(t6)
    mul   t1, t1, t0             # w x s
    mul   t3, t3, t0
    addi  t5, t5, 2
    add   t2, t2, t1
    add   t4, t4, t3
    sw    t2, 0(t6)
    sw    t4, 4(t6)
    addi  t6, t6, 8
    bne   t6, a5, update
    bne   a0, a1, row
    ret
