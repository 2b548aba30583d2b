/* Auto-generated from the files in isa/opcodes by isa/cheader.py: do not edit. */
#ifndef ZSKIP_ISA_TABLE_H
#define ZSKIP_ISA_TABLE_H

/* Op classes (gem5-style): the timing and energy models key on these. */
enum zs_opclass {
    OPC_ALU = 0,
    OPC_MUL = 1,
    OPC_DIV = 2,
    OPC_LOAD = 3,
    OPC_STORE = 4,
    OPC_BRANCH = 5,
    OPC_JUMP = 6,
    OPC_SYSTEM = 7,
    OPC_CSR = 8,
    OPC_LOAD_ZD = 9,
    OPC_SKIP = 10,
    OPC_SASA = 11,
    OPC_COUNT = 12
};

/* Operand field extraction from a word w, from the field table. */
#define FIELD_RD(w) ((int32_t)(((((w) >> 7) & 0x1fu) << 0)))
#define FIELD_RS1(w) ((int32_t)(((((w) >> 15) & 0x1fu) << 0)))
#define FIELD_RS2(w) ((int32_t)(((((w) >> 20) & 0x1fu) << 0)))
#define FIELD_IMM12(w) ((int32_t)((((((w) >> 20) & 0xfffu) << 0)) << 20) >> 20)
#define FIELD_SIMM12(w) ((int32_t)((((((w) >> 25) & 0x7fu) << 5) | ((((w) >> 7) & 0x1fu) << 0)) << 20) >> 20)
#define FIELD_BIMM12(w) ((int32_t)((((((w) >> 31) & 0x1u) << 12) | ((((w) >> 25) & 0x3fu) << 5) | ((((w) >> 8) & 0xfu) << 1) | ((((w) >> 7) & 0x1u) << 11)) << 19) >> 19)
#define FIELD_IMM20(w) ((int32_t)(((((w) >> 12) & 0xfffffu) << 0)))
#define FIELD_JIMM20(w) ((int32_t)((((((w) >> 31) & 0x1u) << 20) | ((((w) >> 21) & 0x3ffu) << 1) | ((((w) >> 20) & 0x1u) << 11) | ((((w) >> 12) & 0xffu) << 12)) << 11) >> 11)
#define FIELD_SHAMT(w) ((int32_t)(((((w) >> 20) & 0x1fu) << 0)))
#define FIELD_CSR(w) ((int32_t)(((((w) >> 20) & 0xfffu) << 0)))
#define FIELD_ZIMM(w) ((int32_t)(((((w) >> 15) & 0x1fu) << 0)))
#define FIELD_PRED(w) ((int32_t)(((((w) >> 24) & 0xfu) << 0)))
#define FIELD_SUCC(w) ((int32_t)(((((w) >> 20) & 0xfu) << 0)))
#define FIELD_LEN6(w) ((int32_t)(((((w) >> 26) & 0x3fu) << 0)))
#define FIELD_NONE(w) 0

#define MATCH_LUI      0x00000037u
#define MASK_LUI       0x0000007fu
#define MATCH_AUIPC    0x00000017u
#define MASK_AUIPC     0x0000007fu
#define MATCH_JAL      0x0000006fu
#define MASK_JAL       0x0000007fu
#define MATCH_JALR     0x00000067u
#define MASK_JALR      0x0000707fu
#define MATCH_BEQ      0x00000063u
#define MASK_BEQ       0x0000707fu
#define MATCH_BNE      0x00001063u
#define MASK_BNE       0x0000707fu
#define MATCH_BLT      0x00004063u
#define MASK_BLT       0x0000707fu
#define MATCH_BGE      0x00005063u
#define MASK_BGE       0x0000707fu
#define MATCH_BLTU     0x00006063u
#define MASK_BLTU      0x0000707fu
#define MATCH_BGEU     0x00007063u
#define MASK_BGEU      0x0000707fu
#define MATCH_LB       0x00000003u
#define MASK_LB        0x0000707fu
#define MATCH_LH       0x00001003u
#define MASK_LH        0x0000707fu
#define MATCH_LW       0x00002003u
#define MASK_LW        0x0000707fu
#define MATCH_LBU      0x00004003u
#define MASK_LBU       0x0000707fu
#define MATCH_LHU      0x00005003u
#define MASK_LHU       0x0000707fu
#define MATCH_SB       0x00000023u
#define MASK_SB        0x0000707fu
#define MATCH_SH       0x00001023u
#define MASK_SH        0x0000707fu
#define MATCH_SW       0x00002023u
#define MASK_SW        0x0000707fu
#define MATCH_ADDI     0x00000013u
#define MASK_ADDI      0x0000707fu
#define MATCH_SLTI     0x00002013u
#define MASK_SLTI      0x0000707fu
#define MATCH_SLTIU    0x00003013u
#define MASK_SLTIU     0x0000707fu
#define MATCH_XORI     0x00004013u
#define MASK_XORI      0x0000707fu
#define MATCH_ORI      0x00006013u
#define MASK_ORI       0x0000707fu
#define MATCH_ANDI     0x00007013u
#define MASK_ANDI      0x0000707fu
#define MATCH_SLLI     0x00001013u
#define MASK_SLLI      0xfe00707fu
#define MATCH_SRLI     0x00005013u
#define MASK_SRLI      0xfe00707fu
#define MATCH_SRAI     0x40005013u
#define MASK_SRAI      0xfe00707fu
#define MATCH_ADD      0x00000033u
#define MASK_ADD       0xfe00707fu
#define MATCH_SUB      0x40000033u
#define MASK_SUB       0xfe00707fu
#define MATCH_SLL      0x00001033u
#define MASK_SLL       0xfe00707fu
#define MATCH_SLT      0x00002033u
#define MASK_SLT       0xfe00707fu
#define MATCH_SLTU     0x00003033u
#define MASK_SLTU      0xfe00707fu
#define MATCH_XOR      0x00004033u
#define MASK_XOR       0xfe00707fu
#define MATCH_SRL      0x00005033u
#define MASK_SRL       0xfe00707fu
#define MATCH_SRA      0x40005033u
#define MASK_SRA       0xfe00707fu
#define MATCH_OR       0x00006033u
#define MASK_OR        0xfe00707fu
#define MATCH_AND      0x00007033u
#define MASK_AND       0xfe00707fu
#define MATCH_FENCE    0x0000000fu
#define MASK_FENCE     0xf00fffffu
#define MATCH_ECALL    0x00000073u
#define MASK_ECALL     0xffffffffu
#define MATCH_EBREAK   0x00100073u
#define MASK_EBREAK    0xffffffffu
#define MATCH_FENCE_I  0x0000100fu
#define MASK_FENCE_I   0xffffffffu
#define MATCH_MUL      0x02000033u
#define MASK_MUL       0xfe00707fu
#define MATCH_MULH     0x02001033u
#define MASK_MULH      0xfe00707fu
#define MATCH_MULHSU   0x02002033u
#define MASK_MULHSU    0xfe00707fu
#define MATCH_MULHU    0x02003033u
#define MASK_MULHU     0xfe00707fu
#define MATCH_DIV      0x02004033u
#define MASK_DIV       0xfe00707fu
#define MATCH_DIVU     0x02005033u
#define MASK_DIVU      0xfe00707fu
#define MATCH_REM      0x02006033u
#define MASK_REM       0xfe00707fu
#define MATCH_REMU     0x02007033u
#define MASK_REMU      0xfe00707fu
#define MATCH_CSRRW    0x00001073u
#define MASK_CSRRW     0x0000707fu
#define MATCH_CSRRS    0x00002073u
#define MASK_CSRRS     0x0000707fu
#define MATCH_CSRRC    0x00003073u
#define MASK_CSRRC     0x0000707fu
#define MATCH_CSRRWI   0x00005073u
#define MASK_CSRRWI    0x0000707fu
#define MATCH_CSRRSI   0x00006073u
#define MASK_CSRRSI    0x0000707fu
#define MATCH_CSRRCI   0x00007073u
#define MASK_CSRRCI    0x0000707fu
#define MATCH_LB_ZD    0x0000000bu
#define MASK_LB_ZD     0x0000707fu
#define MATCH_LH_ZD    0x0000100bu
#define MASK_LH_ZD     0x0000707fu
#define MATCH_LW_ZD    0x0000200bu
#define MASK_LW_ZD     0x0000707fu
#define MATCH_LBU_ZD   0x0000400bu
#define MASK_LBU_ZD    0x0000707fu
#define MATCH_LHU_ZD   0x0000500bu
#define MASK_LHU_ZD    0x0000707fu
#define MATCH_SKZ      0x0000002bu
#define MASK_SKZ       0x01f0707fu
#define MATCH_SKZ2     0x0000102bu
#define MASK_SKZ2      0x0000707fu
#define MATCH_SKNZ     0x0000202bu
#define MASK_SKNZ      0x01f0707fu
#define MATCH_SASA_OR  0x0000302bu
#define MASK_SASA_OR   0x0200707fu
#define MATCH_SASA_AND 0x0200302bu
#define MASK_SASA_AND  0x0200707fu

/* X-macro, one row per instruction:
 * X(IDENT, "mnemonic", MATCH, MASK, OPC_class, reads_rs1, reads_rs2, reads_rd, writes_rd,
 *   IMM) -- IMM is the FIELD_ macro of the immediate operand (FIELD_NONE if none).
 * reads_F: x[F] is a source operand (skip-branches read the SpRF instead; a SASA
 * write reads its trigger PC from x[rd]). */
#define ZS_INSN_LIST(X) \
    X(LUI     , "lui", MATCH_LUI, MASK_LUI, OPC_ALU, 0, 0, 0, 1, FIELD_IMM20) \
    X(AUIPC   , "auipc", MATCH_AUIPC, MASK_AUIPC, OPC_ALU, 0, 0, 0, 1, FIELD_IMM20) \
    X(JAL     , "jal", MATCH_JAL, MASK_JAL, OPC_JUMP, 0, 0, 0, 1, FIELD_JIMM20) \
    X(JALR    , "jalr", MATCH_JALR, MASK_JALR, OPC_JUMP, 1, 0, 0, 1, FIELD_IMM12) \
    X(BEQ     , "beq", MATCH_BEQ, MASK_BEQ, OPC_BRANCH, 1, 1, 0, 0, FIELD_BIMM12) \
    X(BNE     , "bne", MATCH_BNE, MASK_BNE, OPC_BRANCH, 1, 1, 0, 0, FIELD_BIMM12) \
    X(BLT     , "blt", MATCH_BLT, MASK_BLT, OPC_BRANCH, 1, 1, 0, 0, FIELD_BIMM12) \
    X(BGE     , "bge", MATCH_BGE, MASK_BGE, OPC_BRANCH, 1, 1, 0, 0, FIELD_BIMM12) \
    X(BLTU    , "bltu", MATCH_BLTU, MASK_BLTU, OPC_BRANCH, 1, 1, 0, 0, FIELD_BIMM12) \
    X(BGEU    , "bgeu", MATCH_BGEU, MASK_BGEU, OPC_BRANCH, 1, 1, 0, 0, FIELD_BIMM12) \
    X(LB      , "lb", MATCH_LB, MASK_LB, OPC_LOAD, 1, 0, 0, 1, FIELD_IMM12) \
    X(LH      , "lh", MATCH_LH, MASK_LH, OPC_LOAD, 1, 0, 0, 1, FIELD_IMM12) \
    X(LW      , "lw", MATCH_LW, MASK_LW, OPC_LOAD, 1, 0, 0, 1, FIELD_IMM12) \
    X(LBU     , "lbu", MATCH_LBU, MASK_LBU, OPC_LOAD, 1, 0, 0, 1, FIELD_IMM12) \
    X(LHU     , "lhu", MATCH_LHU, MASK_LHU, OPC_LOAD, 1, 0, 0, 1, FIELD_IMM12) \
    X(SB      , "sb", MATCH_SB, MASK_SB, OPC_STORE, 1, 1, 0, 0, FIELD_SIMM12) \
    X(SH      , "sh", MATCH_SH, MASK_SH, OPC_STORE, 1, 1, 0, 0, FIELD_SIMM12) \
    X(SW      , "sw", MATCH_SW, MASK_SW, OPC_STORE, 1, 1, 0, 0, FIELD_SIMM12) \
    X(ADDI    , "addi", MATCH_ADDI, MASK_ADDI, OPC_ALU, 1, 0, 0, 1, FIELD_IMM12) \
    X(SLTI    , "slti", MATCH_SLTI, MASK_SLTI, OPC_ALU, 1, 0, 0, 1, FIELD_IMM12) \
    X(SLTIU   , "sltiu", MATCH_SLTIU, MASK_SLTIU, OPC_ALU, 1, 0, 0, 1, FIELD_IMM12) \
    X(XORI    , "xori", MATCH_XORI, MASK_XORI, OPC_ALU, 1, 0, 0, 1, FIELD_IMM12) \
    X(ORI     , "ori", MATCH_ORI, MASK_ORI, OPC_ALU, 1, 0, 0, 1, FIELD_IMM12) \
    X(ANDI    , "andi", MATCH_ANDI, MASK_ANDI, OPC_ALU, 1, 0, 0, 1, FIELD_IMM12) \
    X(SLLI    , "slli", MATCH_SLLI, MASK_SLLI, OPC_ALU, 1, 0, 0, 1, FIELD_SHAMT) \
    X(SRLI    , "srli", MATCH_SRLI, MASK_SRLI, OPC_ALU, 1, 0, 0, 1, FIELD_SHAMT) \
    X(SRAI    , "srai", MATCH_SRAI, MASK_SRAI, OPC_ALU, 1, 0, 0, 1, FIELD_SHAMT) \
    X(ADD     , "add", MATCH_ADD, MASK_ADD, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(SUB     , "sub", MATCH_SUB, MASK_SUB, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(SLL     , "sll", MATCH_SLL, MASK_SLL, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(SLT     , "slt", MATCH_SLT, MASK_SLT, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(SLTU    , "sltu", MATCH_SLTU, MASK_SLTU, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(XOR     , "xor", MATCH_XOR, MASK_XOR, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(SRL     , "srl", MATCH_SRL, MASK_SRL, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(SRA     , "sra", MATCH_SRA, MASK_SRA, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(OR      , "or", MATCH_OR, MASK_OR, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(AND     , "and", MATCH_AND, MASK_AND, OPC_ALU, 1, 1, 0, 1, FIELD_NONE) \
    X(FENCE   , "fence", MATCH_FENCE, MASK_FENCE, OPC_SYSTEM, 0, 0, 0, 0, FIELD_NONE) \
    X(ECALL   , "ecall", MATCH_ECALL, MASK_ECALL, OPC_SYSTEM, 0, 0, 0, 0, FIELD_NONE) \
    X(EBREAK  , "ebreak", MATCH_EBREAK, MASK_EBREAK, OPC_SYSTEM, 0, 0, 0, 0, FIELD_NONE) \
    X(FENCE_I , "fence.i", MATCH_FENCE_I, MASK_FENCE_I, OPC_SYSTEM, 0, 0, 0, 0, FIELD_NONE) \
    X(MUL     , "mul", MATCH_MUL, MASK_MUL, OPC_MUL, 1, 1, 0, 1, FIELD_NONE) \
    X(MULH    , "mulh", MATCH_MULH, MASK_MULH, OPC_MUL, 1, 1, 0, 1, FIELD_NONE) \
    X(MULHSU  , "mulhsu", MATCH_MULHSU, MASK_MULHSU, OPC_MUL, 1, 1, 0, 1, FIELD_NONE) \
    X(MULHU   , "mulhu", MATCH_MULHU, MASK_MULHU, OPC_MUL, 1, 1, 0, 1, FIELD_NONE) \
    X(DIV     , "div", MATCH_DIV, MASK_DIV, OPC_DIV, 1, 1, 0, 1, FIELD_NONE) \
    X(DIVU    , "divu", MATCH_DIVU, MASK_DIVU, OPC_DIV, 1, 1, 0, 1, FIELD_NONE) \
    X(REM     , "rem", MATCH_REM, MASK_REM, OPC_DIV, 1, 1, 0, 1, FIELD_NONE) \
    X(REMU    , "remu", MATCH_REMU, MASK_REMU, OPC_DIV, 1, 1, 0, 1, FIELD_NONE) \
    X(CSRRW   , "csrrw", MATCH_CSRRW, MASK_CSRRW, OPC_CSR, 1, 0, 0, 1, FIELD_CSR) \
    X(CSRRS   , "csrrs", MATCH_CSRRS, MASK_CSRRS, OPC_CSR, 1, 0, 0, 1, FIELD_CSR) \
    X(CSRRC   , "csrrc", MATCH_CSRRC, MASK_CSRRC, OPC_CSR, 1, 0, 0, 1, FIELD_CSR) \
    X(CSRRWI  , "csrrwi", MATCH_CSRRWI, MASK_CSRRWI, OPC_CSR, 0, 0, 0, 1, FIELD_CSR) \
    X(CSRRSI  , "csrrsi", MATCH_CSRRSI, MASK_CSRRSI, OPC_CSR, 0, 0, 0, 1, FIELD_CSR) \
    X(CSRRCI  , "csrrci", MATCH_CSRRCI, MASK_CSRRCI, OPC_CSR, 0, 0, 0, 1, FIELD_CSR) \
    X(LB_ZD   , "lb.zd", MATCH_LB_ZD, MASK_LB_ZD, OPC_LOAD_ZD, 1, 0, 0, 1, FIELD_IMM12) \
    X(LH_ZD   , "lh.zd", MATCH_LH_ZD, MASK_LH_ZD, OPC_LOAD_ZD, 1, 0, 0, 1, FIELD_IMM12) \
    X(LW_ZD   , "lw.zd", MATCH_LW_ZD, MASK_LW_ZD, OPC_LOAD_ZD, 1, 0, 0, 1, FIELD_IMM12) \
    X(LBU_ZD  , "lbu.zd", MATCH_LBU_ZD, MASK_LBU_ZD, OPC_LOAD_ZD, 1, 0, 0, 1, FIELD_IMM12) \
    X(LHU_ZD  , "lhu.zd", MATCH_LHU_ZD, MASK_LHU_ZD, OPC_LOAD_ZD, 1, 0, 0, 1, FIELD_IMM12) \
    X(SKZ     , "skz", MATCH_SKZ, MASK_SKZ, OPC_SKIP, 0, 0, 0, 0, FIELD_BIMM12) \
    X(SKZ2    , "skz2", MATCH_SKZ2, MASK_SKZ2, OPC_SKIP, 0, 0, 0, 0, FIELD_BIMM12) \
    X(SKNZ    , "sknz", MATCH_SKNZ, MASK_SKNZ, OPC_SKIP, 0, 0, 0, 0, FIELD_BIMM12) \
    X(SASA_OR , "sasa.or", MATCH_SASA_OR, MASK_SASA_OR, OPC_SASA, 0, 0, 1, 0, FIELD_LEN6) \
    X(SASA_AND, "sasa.and", MATCH_SASA_AND, MASK_SASA_AND, OPC_SASA, 0, 0, 1, 0, FIELD_LEN6) \

/* Per instruction, the roles ZS_INSN_LIST does not carry:
 * X(IDENT, sprf_rs1, sprf_rs2, sets_sprf, REDIRECT) -- sprf_F: SpRF[F] is read (a SASA
 * write reads it at the trigger's fetch); sets_sprf: SpRF[rd] := (value == 0) instead
 * of being cleared by the write; REDIRECT: the stage that redirects fetch. */
#define ZS_INSN_ROLES(X) \
    X(LUI     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(AUIPC   , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(JAL     , 0, 0, 0, ZS_REDIRECT_DECODE) \
    X(JALR    , 0, 0, 0, ZS_REDIRECT_EXECUTE) \
    X(BEQ     , 0, 0, 0, ZS_REDIRECT_EXECUTE) \
    X(BNE     , 0, 0, 0, ZS_REDIRECT_EXECUTE) \
    X(BLT     , 0, 0, 0, ZS_REDIRECT_EXECUTE) \
    X(BGE     , 0, 0, 0, ZS_REDIRECT_EXECUTE) \
    X(BLTU    , 0, 0, 0, ZS_REDIRECT_EXECUTE) \
    X(BGEU    , 0, 0, 0, ZS_REDIRECT_EXECUTE) \
    X(LB      , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(LH      , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(LW      , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(LBU     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(LHU     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SB      , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SH      , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SW      , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(ADDI    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SLTI    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SLTIU   , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(XORI    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(ORI     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(ANDI    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SLLI    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SRLI    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SRAI    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(ADD     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SUB     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SLL     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SLT     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SLTU    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(XOR     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SRL     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(SRA     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(OR      , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(AND     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(FENCE   , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(ECALL   , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(EBREAK  , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(FENCE_I , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(MUL     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(MULH    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(MULHSU  , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(MULHU   , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(DIV     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(DIVU    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(REM     , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(REMU    , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(CSRRW   , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(CSRRS   , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(CSRRC   , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(CSRRWI  , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(CSRRSI  , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(CSRRCI  , 0, 0, 0, ZS_REDIRECT_NONE) \
    X(LB_ZD   , 0, 0, 1, ZS_REDIRECT_NONE) \
    X(LH_ZD   , 0, 0, 1, ZS_REDIRECT_NONE) \
    X(LW_ZD   , 0, 0, 1, ZS_REDIRECT_NONE) \
    X(LBU_ZD  , 0, 0, 1, ZS_REDIRECT_NONE) \
    X(LHU_ZD  , 0, 0, 1, ZS_REDIRECT_NONE) \
    X(SKZ     , 1, 0, 0, ZS_REDIRECT_DECODE) \
    X(SKZ2    , 1, 1, 0, ZS_REDIRECT_DECODE) \
    X(SKNZ    , 1, 0, 0, ZS_REDIRECT_DECODE) \
    X(SASA_OR , 1, 1, 0, ZS_REDIRECT_FETCH) \
    X(SASA_AND, 1, 1, 0, ZS_REDIRECT_FETCH) \

/* X(IDENT, xzs) -- xzs: the row is in the extension (isa/opcodes/xzs, the custom
 * opcode space); a core configured without it decodes the row as illegal. */
#define ZS_INSN_XZS(X) \
    X(LUI     , 0) \
    X(AUIPC   , 0) \
    X(JAL     , 0) \
    X(JALR    , 0) \
    X(BEQ     , 0) \
    X(BNE     , 0) \
    X(BLT     , 0) \
    X(BGE     , 0) \
    X(BLTU    , 0) \
    X(BGEU    , 0) \
    X(LB      , 0) \
    X(LH      , 0) \
    X(LW      , 0) \
    X(LBU     , 0) \
    X(LHU     , 0) \
    X(SB      , 0) \
    X(SH      , 0) \
    X(SW      , 0) \
    X(ADDI    , 0) \
    X(SLTI    , 0) \
    X(SLTIU   , 0) \
    X(XORI    , 0) \
    X(ORI     , 0) \
    X(ANDI    , 0) \
    X(SLLI    , 0) \
    X(SRLI    , 0) \
    X(SRAI    , 0) \
    X(ADD     , 0) \
    X(SUB     , 0) \
    X(SLL     , 0) \
    X(SLT     , 0) \
    X(SLTU    , 0) \
    X(XOR     , 0) \
    X(SRL     , 0) \
    X(SRA     , 0) \
    X(OR      , 0) \
    X(AND     , 0) \
    X(FENCE   , 0) \
    X(ECALL   , 0) \
    X(EBREAK  , 0) \
    X(FENCE_I , 0) \
    X(MUL     , 0) \
    X(MULH    , 0) \
    X(MULHSU  , 0) \
    X(MULHU   , 0) \
    X(DIV     , 0) \
    X(DIVU    , 0) \
    X(REM     , 0) \
    X(REMU    , 0) \
    X(CSRRW   , 0) \
    X(CSRRS   , 0) \
    X(CSRRC   , 0) \
    X(CSRRWI  , 0) \
    X(CSRRSI  , 0) \
    X(CSRRCI  , 0) \
    X(LB_ZD   , 1) \
    X(LH_ZD   , 1) \
    X(LW_ZD   , 1) \
    X(LBU_ZD  , 1) \
    X(LHU_ZD  , 1) \
    X(SKZ     , 1) \
    X(SKZ2    , 1) \
    X(SKNZ    , 1) \
    X(SASA_OR , 1) \
    X(SASA_AND, 1) \

#define ZS_NUM_INSNS 65

/* Where fetch is redirected (isa/opcodes/opclasses, column redirect). */
enum zs_redirect {
    ZS_REDIRECT_NONE = 0,
    ZS_REDIRECT_FETCH = 1,
    ZS_REDIRECT_DECODE = 2,
    ZS_REDIRECT_EXECUTE = 3,
};

/* X-macro, one row per op class (isa/opcodes/opclasses), in enum zs_opclass order:
 * X(OPC_class, "name", is_load, is_store, cond, jump, ends_block, REDIRECT, STALL)
 * cond: continues at a target or falls through; jump: always at its target;
 * ends_block: ends a basic block; STALL: the counter (ZC_##STALL) charged while a
 * consumer waits for the result. */
#define ZS_OPCLASS_LIST(X) \
    X(OPC_ALU    , "alu", 0, 0, 0, 0, 0, ZS_REDIRECT_NONE, STALL_RAW) \
    X(OPC_MUL    , "mul", 0, 0, 0, 0, 0, ZS_REDIRECT_NONE, STALL_MUL) \
    X(OPC_DIV    , "div", 0, 0, 0, 0, 0, ZS_REDIRECT_NONE, STALL_DIV) \
    X(OPC_LOAD   , "load", 1, 0, 0, 0, 0, ZS_REDIRECT_NONE, STALL_LOAD_USE) \
    X(OPC_STORE  , "store", 0, 1, 0, 0, 0, ZS_REDIRECT_NONE, STALL_RAW) \
    X(OPC_BRANCH , "branch", 0, 0, 1, 0, 1, ZS_REDIRECT_EXECUTE, STALL_RAW) \
    X(OPC_JUMP   , "jump", 0, 0, 0, 1, 1, ZS_REDIRECT_DECODE, STALL_RAW) \
    X(OPC_SYSTEM , "system", 0, 0, 0, 0, 1, ZS_REDIRECT_NONE, STALL_RAW) \
    X(OPC_CSR    , "csr", 0, 0, 0, 0, 1, ZS_REDIRECT_NONE, STALL_RAW) \
    X(OPC_LOAD_ZD, "load_zd", 1, 0, 0, 0, 0, ZS_REDIRECT_NONE, STALL_LOAD_USE) \
    X(OPC_SKIP   , "skip", 0, 0, 1, 0, 1, ZS_REDIRECT_DECODE, STALL_RAW) \
    X(OPC_SASA   , "sasa", 0, 0, 0, 0, 1, ZS_REDIRECT_FETCH, STALL_RAW) \

/* CSR numbers (isa/opcodes/csrs). */
enum zs_csr {
    ZS_CSR_CYCLE = 0xc00,
    ZS_CSR_TIME = 0xc01,
    ZS_CSR_INSTRET = 0xc02,
    ZS_CSR_CYCLEH = 0xc80,
    ZS_CSR_TIMEH = 0xc81,
    ZS_CSR_INSTRETH = 0xc82,
    ZS_CSR_MCYCLE = 0xb00,
    ZS_CSR_MINSTRET = 0xb02,
    ZS_CSR_MCYCLEH = 0xb80,
    ZS_CSR_MINSTRETH = 0xb82,
};

/* X(ZS_CSR_name, core_reads): core_reads = the core implements reads of it. */
#define ZS_CSR_LIST(X) \
    X(ZS_CSR_CYCLE, 1) \
    X(ZS_CSR_TIME, 1) \
    X(ZS_CSR_INSTRET, 1) \
    X(ZS_CSR_CYCLEH, 1) \
    X(ZS_CSR_TIMEH, 1) \
    X(ZS_CSR_INSTRETH, 1) \
    X(ZS_CSR_MCYCLE, 0) \
    X(ZS_CSR_MINSTRET, 0) \
    X(ZS_CSR_MCYCLEH, 0) \
    X(ZS_CSR_MINSTRETH, 0) \

/* System call numbers in a7 (isa/opcodes/syscalls). */
enum zs_syscall {
    ZS_SYS_NR_WRITE = 64,
    ZS_SYS_NR_EXIT = 93,
};

#endif
