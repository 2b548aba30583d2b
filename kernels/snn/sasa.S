# SNN kernel, sasa: the skip-address table skips the row of a silent input and the update
# of a zero (deactivated) weight at fetch, with no test instruction. A SASA skip decides
# at the fetch of its trigger, so each zero-detect load is placed well before it: rows go
# in pairs (n_in is even), each spike loaded a row ahead, and the update loop (unrolled by
# two, as in every variant) loads each weight an iteration ahead. A lost row skip runs
# the row over the zero row (a6), adding nothing. The six triggers sit at distinct pcs
# modulo 16 (the table is direct-mapped on the pc; 16 entries on embedded, 32 on
# application), so no entry evicts another.
    .include "snn.inc"

    .text
setup:
    la    t0, even_trigger
    sasa.or t0, t0, t0, ROW_LEN
    la    t0, odd_trigger
    sasa.or t0, a7, a7, ROW_LEN
    la    t0, even_first
    sasa.or t0, t1, t1, 3
    la    t0, even_second
    sasa.or t0, t3, t3, 3
    la    t0, odd_first
    sasa.or t0, t1, t1, 3
    la    t0, odd_second
    sasa.or t0, t3, t3, 3
    ret

integrate:
    lbu.zd t0, 0(a0)             # the first even row's spike; SpRF[t0] = (s == 0)
row_pair:
    lbu.zd a7, 1(a0)             # the odd row's spike, a row ahead
    mv    t5, a2                 # the even row's weights
    add   a2, a2, a3
even_trigger:
    mv    t6, a4                 # no spike: the even row below is not fetched
even_row:
    sub   t4, zero, t0           # a lost skip must leave the row redundant: with no
    addi  t2, t0, -1             #  spike, read the zero row instead of this one
    and   t5, t5, t4
    and   t2, a6, t2
    or    t5, t5, t2
    lb.zd t1, 0(t5)              # the first pair of weights; SpRF = (w == 0)
    lb.zd t3, 1(t5)
    addi  t5, t5, 2
even_first:
    addi  t6, t6, 8              # w0 == 0: its update is not fetched
    lw    t2, -8(t6)
    add   t2, t2, t1             # V[j] += w0
    sw    t2, -8(t6)
even_second:
    lb.zd t1, 0(t5)              # the next pair's w0; w1 == 0: its update is not fetched
    lw    t2, -4(t6)
    add   t2, t2, t3             # V[j+1] += w1
    sw    t2, -4(t6)
    lb.zd t3, 1(t5)              # (reads up to 2 bytes past the last row: padding)
    addi  t5, t5, 2
    bne   t6, a5, even_first
even_end:
    .equ  ROW_LEN, (even_end - even_row) / 4
    lbu.zd t0, 2(a0)             # the next pair's even spike (past the end: not used)
    addi  a0, a0, 2
    mv    t5, a2                 # the odd row's weights
    add   a2, a2, a3
odd_trigger:
    mv    t6, a4                 # no spike: the odd row below is not fetched
odd_row:                         # the even row with the odd spike (a7)
    sub   t4, zero, a7
    addi  t2, a7, -1
    and   t5, t5, t4
    and   t2, a6, t2
    or    t5, t5, t2
    lb.zd t1, 0(t5)
    lb.zd t3, 1(t5)
    addi  t5, t5, 2
odd_first:
    addi  t6, t6, 8
    lw    t2, -8(t6)
    add   t2, t2, t1
    sw    t2, -8(t6)
odd_second:
    lb.zd t1, 0(t5)
    lw    t2, -4(t6)
    add   t2, t2, t3
    sw    t2, -4(t6)
    lb.zd t3, 1(t5)
    addi  t5, t5, 2
    bne   t6, a5, odd_first
    bne   a0, a1, row_pair
    ret
