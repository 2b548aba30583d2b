# SNN kernel, sasa: the skip-address table skips the row of a silent input and the update
# of a zero (deactivated) weight at fetch, with no test instruction. The update loop is
# unrolled by two and loads each weight an iteration ahead, so that its zero-detect load
# has written back when the trigger before its update is fetched. A lost row skip runs
# the row over the zero row (a6), adding nothing.
    .include "snn.inc"

    .text
setup:
    la    t0, row_trigger
    sasa.or t0, t0, t0, ROW_LEN
    la    t0, first_trigger
    sasa.or t0, t1, t1, 3
    la    t0, second_trigger
    sasa.or t0, t3, t3, 3
    ret

integrate:
row:
    lbu.zd t0, 0(a0)             # s = spike[i]; SpRF[t0] = (s == 0)
    addi  a0, a0, 1
    mv    t5, a2                 # this row's weights
    add   a2, a2, a3             # the next row
row_trigger:
    mv    t6, a4                 # no spike: the row below is not fetched
row_block:
    sub   t4, zero, t0           # a lost skip must leave the row redundant: with no
    addi  a7, t0, -1             #  spike, read the zero row instead of this one
    and   t5, t5, t4
    and   a7, a6, a7
    or    t5, t5, a7
    lb.zd t1, 0(t5)              # the first pair of weights; SpRF = (w == 0)
    lb.zd t3, 1(t5)
    addi  t5, t5, 2
update:
first_trigger:
    addi  t6, t6, 8              # w0 == 0: its update is not fetched
    lw    t2, -8(t6)
    add   t2, t2, t1             # V[j] += w0
    sw    t2, -8(t6)
second_trigger:
    lb.zd t1, 0(t5)              # the next pair's w0; w1 == 0: its update is not fetched
    lw    t2, -4(t6)
    add   t2, t2, t3             # V[j+1] += w1
    sw    t2, -4(t6)
    lb.zd t3, 1(t5)              # (reads up to 2 bytes past the last row: padding)
    addi  t5, t5, 2
    bne   t6, a5, update
next_row:
    .equ  ROW_LEN, (next_row - row_block) / 4
    bne   a0, a1, row
    ret
