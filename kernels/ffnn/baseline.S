# Feed-forward layers on the base ISA (RV32IM), no zero test: the reference point of
# the four variants (branch.S, xzs.S and sasa.S are this code plus their zero tests).
# Routines: dense_os (output-stationary), dense_is (input-stationary), conv (3x3 conv
# of the 8x8 image into 6x6x8); a pruned layer runs dense_is here (nothing to test).
    .include "driver.inc"
    .equ CONV_OUT, 6
    .equ CONV_W_BYTES, 72       # 3 x 3 taps x 8 channels, directly before the bias

    .text
no_setup:
    ret

# Output-stationary dense layer with a register tile: out[j] = requant(b[j] +
# sum_i x[i] * W[i][j]) for a tile of T = 8 outputs at a time (then tiles of 2 for
# n_out mod 8), the T accumulators in registers over the whole input loop; per x[i] the
# activation is loaded once and the T load-multiply-accumulates of the tile follow.
# W int8 laid out by tile (kernels/ffnn.py): per tile, for each i, W[i][j..j+T-1];
# n_in a multiple of 4, n_out even. ra holds the end of x (saved on the stack with the
# tile counters).
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
    lb    t0, 0(t5)
    lb    t1, 1(t5)
    lb    t2, 2(t5)
    lb    a1, 3(t5)
    addi  t5, t5, 4
    addi  a7, a7, 32
    lb    t4, -32(a7)           # acc[j+u] += x[i] * W[i][j+u]
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
os_pair:
    lw    s6, 0(a2)
    lw    s7, 4(a2)
    addi  a2, a2, 8
    mv    t5, a0
os_pmac:
    lb    t0, 0(t5)
    lb    t1, 1(t5)
    lb    t2, 2(t5)
    lb    a1, 3(t5)
    addi  t5, t5, 4
    addi  a7, a7, 8
    lb    t4, -8(a7)            # acc[j+u] += x[i] * W[i][j+u]
    lb    t6, -7(a7)
    mul   t4, t4, t0
    mul   t6, t6, t0
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -6(a7)
    lb    t6, -5(a7)
    mul   t4, t4, t1
    mul   t6, t6, t1
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -4(a7)
    lb    t6, -3(a7)
    mul   t4, t4, t2
    mul   t6, t6, t2
    add   s6, s6, t4
    add   s7, s7, t6
    lb    t4, -2(a7)
    lb    t6, -1(a7)
    mul   t4, t4, a1
    mul   t6, t6, a1
    add   s6, s6, t4
    add   s7, s7, t6
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
    jal   t3, is_init
is_row:
    lb    t0, 0(a0)             # a = x[i]
    addi  a0, a0, 1
    mv    t5, a1                # t5 = &W[i][0]
    add   a1, a1, a5            # next row
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
    bne   a0, s8, is_row
is_out:                         # out[j] = requant(acc[j])
    mv    t1, s6
1:  lw    t6, 0(t1)
    addi  t1, t1, 4
    jal   t3, requant
    bne   t1, s7, 1b
    ret

    .include "is_init.inc"

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
    lb    t0, 0(t5)
    lb    t1, 1(t5)
    lb    t2, 2(t5)
    addi  t5, t5, 8
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
setups:   .word no_setup, no_setup, no_setup, no_setup
routines: .word dense_os, dense_is, conv, dense_is
