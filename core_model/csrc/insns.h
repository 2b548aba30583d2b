/* Semantics of every instruction in the table, one body each, read like the ISA manual.
 *
 * BODY_<IDENT> is used by the dispatch generated from ZS_INSN_LIST (isa_table.h): a row
 * without a body here fails the build with "BODY_<IDENT> undeclared".
 *
 * Operand macros (defined by run_loop.h): RS1/RS2 (uint32 values), SRS1/SRS2 (int32),
 * RS1_NUM/RS2_NUM (the register numbers),
 * RD_VAL (x[rd] read as a source), IMM (the row's immediate field, sign-extended where the
 * field is signed), PC; effects: WRITE_RD, WRITE_RD_ZD (also records value == 0 in the
 * SpRF), BRANCH(cond) (to the static target), JUMP() (jal), SET_PC(addr) (jalr),
 * LOADn/STOREn (bounds-checked, misaligned accesses fault), SKIP_IF(cond) with ZERO(r) /
 * NONZERO(r) (SpRF as seen at the decision stage), SASA_WRITE(is_and), CSR_READ(csr),
 * ECALL(), STOP(status), FLUSH_DECODED(). Timing observes these; it never lives here. */
#ifndef ZSKIP_INSNS_H
#define ZSKIP_INSNS_H

/* RV32I */
#define BODY_LUI      WRITE_RD((uint32_t)IMM << 12)
#define BODY_AUIPC    WRITE_RD(PC + ((uint32_t)IMM << 12))
#define BODY_JAL      { WRITE_RD(PC + 4); JUMP(); }
#define BODY_JALR     { uint32_t target_ = (RS1 + IMM) & ~1u; WRITE_RD(PC + 4); SET_PC(target_); }
#define BODY_BEQ      BRANCH(RS1 == RS2)
#define BODY_BNE      BRANCH(RS1 != RS2)
#define BODY_BLT      BRANCH(SRS1 < SRS2)
#define BODY_BGE      BRANCH(SRS1 >= SRS2)
#define BODY_BLTU     BRANCH(RS1 < RS2)
#define BODY_BGEU     BRANCH(RS1 >= RS2)
#define BODY_LB       WRITE_RD((uint32_t)(int32_t)(int8_t)LOAD8(RS1 + IMM))
#define BODY_LH       WRITE_RD((uint32_t)(int32_t)(int16_t)LOAD16(RS1 + IMM))
#define BODY_LW       WRITE_RD(LOAD32(RS1 + IMM))
#define BODY_LBU      WRITE_RD(LOAD8(RS1 + IMM))
#define BODY_LHU      WRITE_RD(LOAD16(RS1 + IMM))
#define BODY_SB       STORE8(RS1 + IMM, RS2)
#define BODY_SH       STORE16(RS1 + IMM, RS2)
#define BODY_SW       STORE32(RS1 + IMM, RS2)
#define BODY_ADDI     WRITE_RD(RS1 + IMM)
#define BODY_SLTI     WRITE_RD(SRS1 < IMM)
#define BODY_SLTIU    WRITE_RD(RS1 < (uint32_t)IMM)
#define BODY_XORI     WRITE_RD(RS1 ^ IMM)
#define BODY_ORI      WRITE_RD(RS1 | IMM)
#define BODY_ANDI     WRITE_RD(RS1 & IMM)
#define BODY_SLLI     WRITE_RD(RS1 << IMM)
#define BODY_SRLI     WRITE_RD(RS1 >> IMM)
#define BODY_SRAI     WRITE_RD((uint32_t)(SRS1 >> IMM))
#define BODY_ADD      WRITE_RD(RS1 + RS2)
#define BODY_SUB      WRITE_RD(RS1 - RS2)
#define BODY_SLL      WRITE_RD(RS1 << (RS2 & 31))
#define BODY_SLT      WRITE_RD(SRS1 < SRS2)
#define BODY_SLTU     WRITE_RD(RS1 < RS2)
#define BODY_XOR      WRITE_RD(RS1 ^ RS2)
#define BODY_SRL      WRITE_RD(RS1 >> (RS2 & 31))
#define BODY_SRA      WRITE_RD((uint32_t)(SRS1 >> (RS2 & 31)))
#define BODY_OR       WRITE_RD(RS1 | RS2)
#define BODY_AND      WRITE_RD(RS1 & RS2)
#define BODY_FENCE    (void)0                      /* one hart, in-order memory: a no-op */
#define BODY_ECALL    ECALL()
#define BODY_EBREAK   STOP(ZS_BREAKPOINT)

/* Zifencei: code written before the fence is decoded again on its next fetch. */
#define BODY_FENCE_I  FLUSH_DECODED()

/* RV32M: division by zero and INT_MIN / -1 give the results the spec tabulates. */
#define BODY_MUL      WRITE_RD(RS1 * RS2)
#define BODY_MULH     WRITE_RD((uint32_t)(((int64_t)SRS1 * (int64_t)SRS2) >> 32))
#define BODY_MULHSU   WRITE_RD((uint32_t)(((int64_t)SRS1 * (int64_t)(uint64_t)RS2) >> 32))
#define BODY_MULHU    WRITE_RD((uint32_t)(((uint64_t)RS1 * (uint64_t)RS2) >> 32))
#define BODY_DIV      WRITE_RD(RS2 == 0 ? UINT32_MAX \
                               : (SRS1 == INT32_MIN && SRS2 == -1) ? RS1 \
                               : (uint32_t)(SRS1 / SRS2))
#define BODY_DIVU     WRITE_RD(RS2 == 0 ? UINT32_MAX : RS1 / RS2)
#define BODY_REM      WRITE_RD(RS2 == 0 ? RS1 \
                               : (SRS1 == INT32_MIN && SRS2 == -1) ? 0 \
                               : (uint32_t)(SRS1 % SRS2))
#define BODY_REMU     WRITE_RD(RS2 == 0 ? RS1 : RS1 % RS2)

/* Zicsr: only reads of the user counters decode (csr_read_only() in zs_core.c); every
 * other CSR access is an illegal instruction before it gets here. */
#define BODY_CSRRW    WRITE_RD(CSR_READ(IMM))
#define BODY_CSRRS    WRITE_RD(CSR_READ(IMM))
#define BODY_CSRRC    WRITE_RD(CSR_READ(IMM))
#define BODY_CSRRWI   WRITE_RD(CSR_READ(IMM))
#define BODY_CSRRSI   WRITE_RD(CSR_READ(IMM))
#define BODY_CSRRCI   WRITE_RD(CSR_READ(IMM))

/* Xzs zero-detect loads: load as usual, SpRF[rd] := (value == 0). */
#define BODY_LB_ZD    WRITE_RD_ZD((uint32_t)(int32_t)(int8_t)LOAD8(RS1 + IMM))
#define BODY_LH_ZD    WRITE_RD_ZD((uint32_t)(int32_t)(int16_t)LOAD16(RS1 + IMM))
#define BODY_LW_ZD    WRITE_RD_ZD(LOAD32(RS1 + IMM))
#define BODY_LBU_ZD   WRITE_RD_ZD(LOAD8(RS1 + IMM))
#define BODY_LHU_ZD   WRITE_RD_ZD(LOAD16(RS1 + IMM))

/* Xzs skip-branches, decided in decode from the SpRF. */
#define BODY_SKZ      SKIP_IF(ZERO(RS1_NUM))
#define BODY_SKZ2     SKIP_IF(ZERO(RS1_NUM) || ZERO(RS2_NUM))
#define BODY_SKNZ     SKIP_IF(NONZERO(RS1_NUM))

/* Xzs skip-address table: entry {trigger = x[rd], rs1, rs2, and/or, len = IMM}. */
#define BODY_SASA_OR  SASA_WRITE(0)
#define BODY_SASA_AND SASA_WRITE(1)

#endif
