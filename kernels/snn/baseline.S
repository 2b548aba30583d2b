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
update:
    lb    t1, 0(t5)              # w
    lw    t2, 0(t6)              # V[j]
    addi  t5, t5, 1
    mul   t1, t1, t0             # w x s
    addi  t6, t6, 4
    add   t2, t2, t1
    sw    t2, -4(t6)
    bne   t6, a5, update
    bne   a0, a1, row
    ret
