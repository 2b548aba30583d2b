# SNN kernel, xzs: zero-detect loads of the spike and of the weight, skip-branches over
# the row and over the update; two or more independent instructions between each load and
# its skip, so the SpRF bit is known in ID on the embedded preset. A skip is only an
# optimisation: a lost row skip runs the row over the zero row (a6), adding nothing.
    .include "snn.inc"

    .text
setup:
    ret

integrate:
row:
    lbu.zd t0, 0(a0)             # s = spike[i]; SpRF[t0] = (s == 0)
    addi  a0, a0, 1
    mv    t5, a2                 # this row's weights
    add   a2, a2, a3             # the next row
    skz   t0, next_row           # no spike: the row changes nothing
    sub   t4, zero, t0           # a lost skip must leave the row redundant: with no
    addi  a7, t0, -1             #  spike, read the zero row instead of this one
    and   t5, t5, t4
    and   a7, a6, a7
    or    t5, t5, a7
    mv    t6, a4
update:                          # two connections per iteration (n_out is even)
    lb.zd t1, 0(t5)              # w (zero: deactivated)
    lb.zd t3, 1(t5)
    addi  t5, t5, 2
    addi  t6, t6, 8
    skz   t1, 1f
    lw    t2, -8(t6)
    add   t2, t2, t1             # V[j] += w
    sw    t2, -8(t6)
1:  skz   t3, 2f
    lw    t2, -4(t6)
    add   t2, t2, t3
    sw    t2, -4(t6)
2:  bne   t6, a5, update
next_row:
    bne   a0, a1, row
    ret
