# Feed-forward layers with the skip-address table (SparCE's SASA): a setup routine per
# layer kind writes one entry per skippable block before any loop runs. An entry's
# trigger is the instruction just before its block, its condition the SpRF bit of the
# fixed register the block multiplies by (loaded with `lb.zd`). No test instruction
# runs: on the fetch of a trigger whose register is zero the block is not fetched.
# The table decides at fetch, so a `lb.zd` must come three fetched instructions before
# its trigger on embedded, five on application. The loops therefore load each next
# operand in the trigger slots between blocks, as soon as its register is free, and an
# input-stationary row's activation at the end of the row before; loads after the last
# element read past the array (in memory, unused). One slot per pruned-weight pair has
# nothing useful to hold and is a `nop`.
    .include "driver.inc"
    .equ CONV_OUT, 6
    .equ CONV_W_BYTES, 72       # 3 x 3 taps x 8 channels, directly before the bias

    .text
# Each routine's table entries (trigger, condition register as rs1 and rs2 of sasa.or,
# block length in instructions), written once per layer before the image loop. The
# triggers of the routines that one network uses fall in distinct sets of the table
# (kernels/ffnn.py checks).
setup_dense_os:
    la    t6, sasa_dense_os_0
    sasa.or t6, t0, t0, 24
    la    t6, sasa_dense_os_1
    sasa.or t6, t1, t1, 24
    la    t6, sasa_dense_os_2
    sasa.or t6, t2, t2, 24
    la    t6, sasa_dense_os_3
    sasa.or t6, a1, a1, 24
    la    t6, sasa_dense_os_4
    sasa.or t6, t0, t0, 6
    la    t6, sasa_dense_os_5
    sasa.or t6, t1, t1, 6
    la    t6, sasa_dense_os_6
    sasa.or t6, t2, t2, 6
    la    t6, sasa_dense_os_7
    sasa.or t6, a1, a1, 6
    ret
setup_dense_is:
    la    t6, sasa_dense_is_0
    sasa.or t6, t0, t0, (is_next - is_mac) / 4 + 1
    ret
setup_dense_pruned:
    la    t6, sasa_dense_pruned_0
    sasa.or t6, t0, t0, (isp_next - isp_mac) / 4 + 2
    la    t6, sasa_dense_pruned_1
    sasa.or t6, t2, t2, 4
    la    t6, sasa_dense_pruned_2
    sasa.or t6, t4, t4, 4
    ret
setup_conv:
    la    t6, sasa_conv_0
    sasa.or t6, t0, t0, 24
    la    t6, sasa_conv_1
    sasa.or t6, t1, t1, 24
    la    t6, sasa_conv_2
    sasa.or t6, t2, t2, 24
    ret

# Output-stationary dense layer with a register tile: out[j] = requant(b[j] +
# sum_i x[i] * W[i][j]) for a tile of T = 8 outputs at a time (then tiles of 2 for
# n_out mod 8), the T accumulators in registers over the whole input loop; per x[i] the
# activation is loaded once and the T load-multiply-accumulates of the tile follow.
# W int8 laid out by tile (kernels/ffnn.py): per tile, for each i, W[i][j..j+T-1];
# n_in a multiple of 4, n_out even. ra holds the end of x (saved on the stack with the
# tile counters). A zero x[i] skips the tile's T MACs; entries:
# setup_dense_os.
dense_os:
    addi  sp, sp, -12
    sw    ra, 0(sp)
    andi  t0, a5, 6             # outputs in the last tiles of 2
    sw    t0, 4(sp)
    srli  t0, a5, 3             # full tiles of 8 outputs left
    sw    t0, 8(sp)
    mv    a7, a1                # a7 = &W[i][j] in the tile
    add   ra, a0, a4            # ra = end of x
    beqz  t0, os_pairs
os_tile:
    lb.zd t0, 0(a0)             # x[0..3]; the loop loads each next four in the
    lb.zd t1, 1(a0)             # trigger slots, as early as the registers are free
    lb.zd t2, 2(a0)
    lb.zd a1, 3(a0)
    lw    s6, 0(a2)             # the 8 accumulators = bias
    lw    s7, 4(a2)
    lw    s8, 8(a2)
    lw    s9, 12(a2)
    lw    s10, 16(a2)
    lw    s11, 20(a2)
    lw    a4, 24(a2)
    lw    a5, 28(a2)
    addi  a2, a2, 32
    mv    t5, a0                # t5 = &x[i]
os_mac:
sasa_dense_os_0:                # trigger: x[i] == 0 skips the tile's 8 MACs
    addi  a7, a7, 32
    lb    t4, -32(a7)
    lb    t6, -31(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -30(a7)
    lb    t6, -29(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   s8, s8, t4
    add   s9, s9, t6
    lb    t4, -28(a7)
    lb    t6, -27(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   s10, s10, t4
    add   s11, s11, t6
    lb    t4, -26(a7)
    lb    t6, -25(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   a4, a4, t4
    add   a5, a5, t6
sasa_dense_os_1:                # trigger: x[i+1] == 0 ...; t0 is free: x[i+4]
    lb.zd t0, 4(t5)
    lb    t4, -24(a7)
    lb    t6, -23(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -22(a7)
    lb    t6, -21(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   s8, s8, t4
    add   s9, s9, t6
    lb    t4, -20(a7)
    lb    t6, -19(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   s10, s10, t4
    add   s11, s11, t6
    lb    t4, -18(a7)
    lb    t6, -17(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   a4, a4, t4
    add   a5, a5, t6
sasa_dense_os_2:
    lb.zd t1, 5(t5)
    lb    t4, -16(a7)
    lb    t6, -15(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -14(a7)
    lb    t6, -13(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   s8, s8, t4
    add   s9, s9, t6
    lb    t4, -12(a7)
    lb    t6, -11(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   s10, s10, t4
    add   s11, s11, t6
    lb    t4, -10(a7)
    lb    t6, -9(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   a4, a4, t4
    add   a5, a5, t6
sasa_dense_os_3:
    lb.zd t2, 6(t5)
    lb    t4, -8(a7)
    lb    t6, -7(a7)
    mul   t4, t4, a1
    mul   t6, t6, a1
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -6(a7)
    lb    t6, -5(a7)
    mul   t4, t4, a1
    mul   t6, t6, a1
    add   s8, s8, t4
    add   s9, s9, t6
    lb    t4, -4(a7)
    lb    t6, -3(a7)
    mul   t4, t4, a1
    mul   t6, t6, a1
    add   s10, s10, t4
    add   s11, s11, t6
    lb    t4, -2(a7)
    lb    t6, -1(a7)
    mul   t4, t4, a1
    mul   t6, t6, a1
    add   a4, a4, t4
    add   a5, a5, t6
    lb.zd a1, 7(t5)             # (after the last four: read past x, unused)
    addi  t5, t5, 4
    bne   t5, ra, os_mac
    lw    t0, 8(sp)
    mv    t6, s6
    jal   t3, requant
    mv    t6, s7
    jal   t3, requant
    mv    t6, s8
    jal   t3, requant
    mv    t6, s9
    jal   t3, requant
    mv    t6, s10
    jal   t3, requant
    mv    t6, s11
    jal   t3, requant
    mv    t6, a4
    jal   t3, requant
    mv    t6, a5
    jal   t3, requant
    addi  t0, t0, -1
    sw    t0, 8(sp)
    bnez  t0, os_tile
os_pairs:
    lw    t0, 4(sp)
    bnez  t0, os_pair
    j     os_done
    nop                         # (never run: places the pairs' triggers in table
                                # sets apart from the tile's)
os_pair:
    lb.zd t0, 0(a0)
    lb.zd t1, 1(a0)
    lb.zd t2, 2(a0)
    lb.zd a1, 3(a0)
    lw    s6, 0(a2)
    lw    s7, 4(a2)
    addi  a2, a2, 8
    mv    t5, a0
os_pmac:
sasa_dense_os_4:                # trigger: x[i] == 0 skips the tile's 2 MACs
    addi  a7, a7, 8
    lb    t4, -8(a7)
    lb    t6, -7(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   s6, s6, t4
    add   s7, s7, t6
sasa_dense_os_5:                # trigger: x[i+1] == 0 ...; t0 is free: x[i+4]
    lb.zd t0, 4(t5)
    lb    t4, -6(a7)
    lb    t6, -5(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   s6, s6, t4
    add   s7, s7, t6
sasa_dense_os_6:
    lb.zd t1, 5(t5)
    lb    t4, -4(a7)
    lb    t6, -3(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   s6, s6, t4
    add   s7, s7, t6
sasa_dense_os_7:
    lb.zd t2, 6(t5)
    lb    t4, -2(a7)
    lb    t6, -1(a7)
    mul   t4, t4, a1
    mul   t6, t6, a1
    add   s6, s6, t4
    add   s7, s7, t6
    lb.zd a1, 7(t5)             # (after the last four: read past x, unused)
    addi  t5, t5, 4
    bne   t5, ra, os_pmac
    lw    t0, 4(sp)
    mv    t6, s6
    jal   t3, requant
    mv    t6, s7
    jal   t3, requant
    addi  t0, t0, -2
    sw    t0, 4(sp)
    bnez  t0, os_pair
os_done:
    lw    ra, 0(sp)
    addi  sp, sp, 12
    ret

# Input-stationary dense layer: acc[j] = b[j]; acc[j] += x[i] * W[i][j] row by row;
# out[j] = requant(acc[j]). W int8 [n_in][n_out], n_out even.
dense_is:
    lb.zd t0, 0(a0)             # a = x[0]; each next one is loaded at the row's end
    jal   t3, is_init
is_row:
    addi  a0, a0, 1
    mv    t5, a1                # t5 = &W[i][0]
    add   a1, a1, a5            # next row
sasa_dense_is_0:                # trigger: a == 0 skips the row (to is_next)
    mv    t1, s6                # t1 = &acc[0]
    lb    t2, 0(t5)             # W[i][0]: each pair's first weight is loaded a pair early
is_mac:                         # acc[j], acc[j+1] += a * W[i][j], a * W[i][j+1]
    lb    t4, 1(t5)
    lw    t6, 0(t1)
    lw    s9, 4(t1)
    mul   t2, t2, t0
    mul   t4, t4, t0
    addi  t5, t5, 2
    add   t6, t6, t2
    add   s9, s9, t4
    lb    t2, 0(t5)             # W[i][j+2] (after the last pair: read, unused)
    sw    t6, 0(t1)
    sw    s9, 4(t1)
    addi  t1, t1, 8
    bne   t1, s7, is_mac
is_next:
    lb.zd t0, 0(a0)             # x[i+1] (after the last row: read past x, unused)
    bne   a0, s8, is_row
is_out:                         # out[j] = requant(acc[j])
    mv    t1, s6
1:  lw    t6, 0(t1)
    addi  t1, t1, 4
    jal   t3, requant
    bne   t1, s7, 1b
    ret

# dense_is on a pruned layer: a zero activation skips its row, and within a row a zero
# weight skips its accumulator update.
dense_pruned:
    lb.zd t0, 0(a0)             # a = x[0]; each next one is loaded at the row's end
    jal   t3, is_init
isp_row:
    addi  a0, a0, 1
    mv    t5, a1
    add   a1, a1, a5
sasa_dense_pruned_0:            # trigger: a == 0 skips the row (to isp_next)
    mv    t1, s6
    lb.zd t2, 0(t5)             # W[i][0..1]; the loop loads each next pair in the
    lb.zd t4, 1(t5)             # trigger slots, as early as the registers are free
isp_mac:                        # acc[j], acc[j+1] += a * W[i][j], a * W[i][j+1]
    addi  t5, t5, 2
    addi  t1, t1, 8
sasa_dense_pruned_1:            # trigger slot: W[i][j] == 0 keeps acc[j]
    nop
    lw    t6, -8(t1)
    mul   t2, t2, t0
    add   t6, t6, t2
    sw    t6, -8(t1)
sasa_dense_pruned_2:            # trigger: W[i][j+1] == 0 keeps acc[j+1]; t2 is free
    lb.zd t2, 0(t5)
    lw    t6, -4(t1)
    mul   t4, t4, t0
    add   t6, t6, t4
    sw    t6, -4(t1)
    lb.zd t4, 1(t5)             # (after the last pair: read past the row, unused)
    bne   t1, s7, isp_mac
isp_next:
    lb.zd t0, 0(a0)             # x[i+1] (after the last row: read past x, unused)
    bne   a0, s8, isp_row
    j     is_out

    .include "is_init.inc"

    .balign 128                 # conv's triggers clear of dense_is's in the table
# 3x3 valid convolution + ReLU of the 8x8 image: out[oy][ox][c] = requant(b[c] +
# sum_{ky,kx} x[oy+ky][ox+kx] * W[ky][kx][c]), 8 channels in registers; per tap the
# pixel is loaded once and multiplied into all 8 (the weights W[ky][kx][0..7]).
conv:
    addi  sp, sp, -4
    sw    ra, 0(sp)
    li    ra, CONV_OUT          # rows left
conv_row:
    li    a1, CONV_OUT          # columns left
conv_pos:
    lb.zd t0, 0(a0)             # x[0][0..2]; the loop loads each next row's in the
    lb.zd t1, 1(a0)             # trigger slots, as early as the registers are free
    lb.zd t2, 2(a0)
    lw    s6, 0(a2)             # the 8 accumulators = bias
    lw    s7, 4(a2)
    lw    s8, 8(a2)
    lw    s9, 12(a2)
    lw    s10, 16(a2)
    lw    s11, 20(a2)
    lw    a4, 24(a2)
    lw    a5, 28(a2)
    mv    t5, a0                # t5 = &x[oy+ky][ox]
    addi  a7, a2, -CONV_W_BYTES # a7 = &W[ky][0][0]; the bias ends the taps
conv_ky:
    addi  t5, t5, 8
sasa_conv_0:                    # trigger: x[ky][0] == 0 skips its 8 MACs
    addi  a7, a7, 24
    lb    t4, -24(a7)
    lb    t6, -23(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -22(a7)
    lb    t6, -21(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   s8, s8, t4
    add   s9, s9, t6
    lb    t4, -20(a7)
    lb    t6, -19(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   s10, s10, t4
    add   s11, s11, t6
    lb    t4, -18(a7)
    lb    t6, -17(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   a4, a4, t4
    add   a5, a5, t6
sasa_conv_1:                    # trigger: x[ky][1] == 0 ...; t0 is free: x[ky+1][0]
    lb.zd t0, 0(t5)
    lb    t4, -16(a7)
    lb    t6, -15(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -14(a7)
    lb    t6, -13(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   s8, s8, t4
    add   s9, s9, t6
    lb    t4, -12(a7)
    lb    t6, -11(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   s10, s10, t4
    add   s11, s11, t6
    lb    t4, -10(a7)
    lb    t6, -9(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   a4, a4, t4
    add   a5, a5, t6
sasa_conv_2:
    lb.zd t1, 1(t5)
    lb    t4, -8(a7)
    lb    t6, -7(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -6(a7)
    lb    t6, -5(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   s8, s8, t4
    add   s9, s9, t6
    lb    t4, -4(a7)
    lb    t6, -3(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   s10, s10, t4
    add   s11, s11, t6
    lb    t4, -2(a7)
    lb    t6, -1(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   a4, a4, t4
    add   a5, a5, t6
    lb.zd t2, 2(t5)             # (after the last row: read past the window, unused)
    bne   a7, a2, conv_ky
    mv    t6, s6
    jal   t3, requant
    mv    t6, s7
    jal   t3, requant
    mv    t6, s8
    jal   t3, requant
    mv    t6, s9
    jal   t3, requant
    mv    t6, s10
    jal   t3, requant
    mv    t6, s11
    jal   t3, requant
    mv    t6, a4
    jal   t3, requant
    mv    t6, a5
    jal   t3, requant
    addi  a0, a0, 1
    addi  a1, a1, -1
    bnez  a1, conv_pos
    addi  a0, a0, 8 - CONV_OUT  # next row of windows
    addi  ra, ra, -1
    bnez  ra, conv_row
    lw    ra, 0(sp)
    addi  sp, sp, 4
    ret

    .data
    .balign 4
setups:   .word setup_dense_os, setup_dense_is, setup_conv, setup_dense_pruned
routines: .word dense_os, dense_is, conv, dense_pruned
