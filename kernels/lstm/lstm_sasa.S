# LSTM classifier with SparCE's skip-address table: one table entry, written once,
# makes the fetch of `trigger` skip the row of multiply-accumulates when the operand
# loaded by lw.zd into t2 is zero; no test instruction is executed.
    .include "lstm_main.inc"
    .equ ROW_LEN, 24                # mv t1, a4 and inner: what a zero operand skips

    .text
    .globl _start
_start:
    la    t0, trigger               # skip the ROW_LEN instructions after trigger
    sasa.or t0, t2, t2, ROW_LEN     #   when SpRF[t2] (the operand is zero)
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
    lw.zd t2, 0(t1)                 # a = operand[k]
    mul   t5, t0, a5                # (the mul's 3 cycles let the load write back before
    addi  a1, a1, -1                #  the trigger is fetched, on embedded)
trigger:
    add   t5, a3, t5                # t5: row k. The trigger: the next ROW_LEN are skipped
    mv    t1, a4                    # block start (not the loop head: verify-skips takes a
inner:                              #  jump to a SASA block's first instruction for an exit)
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
