# LSTM classifier on the base ISA with a software zero test: a beqz on each operand
# (input pixel, hidden element) branches over its row of multiply-accumulates,
# hand-scheduled like the Xzs version (four independent instructions before it).
    .include "lstm_main.inc"

    .text
    .globl _start
_start:
    j     lstm_main

# acc[0..a5-1] += operand[k] * w[k][0..a5-1] for each k of the list (lstm_main.inc)
matvec:
    beqz  a1, 3f
    slli  t6, a5, 2
    add   t6, a4, t6                # end of the accumulators
1:  lw    t0, 0(a0)                 # k
    addi  a0, a0, 4
    slli  t1, t0, 2
    add   t1, a2, t1
    lw    t2, 0(t1)                 # a = operand[k]
    mul   t5, t0, a5                # (four independent instructions before the test)
    addi  a1, a1, -1
    add   t5, a3, t5                # t5: row k of the weights
    mv    t1, a4
    beqz  t2, 2f                    # a == 0: the row adds nothing
inner:                              # four multiply-accumulates per iteration
    lb    t3, 0(t5)
    lb    t4, 1(t5)
    lb    a6, 2(t5)
    lb    a7, 3(t5)
    lw    t0, 0(t1)
    mul   t3, t3, t2
    mul   t4, t4, t2
    add   t0, t0, t3
    sw    t0, 0(t1)
    lw    t0, 4(t1)
    mul   a6, a6, t2
    add   t0, t0, t4
    sw    t0, 4(t1)
    lw    t0, 8(t1)
    mul   a7, a7, t2
    add   t0, t0, a6
    sw    t0, 8(t1)
    lw    t0, 12(t1)
    addi  t5, t5, 4
    add   t0, t0, a7
    sw    t0, 12(t1)
    addi  t1, t1, 16
    bne   t1, t6, inner
2:  bnez  a1, 1b
3:  ret
