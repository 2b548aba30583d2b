/* The zskip core: predecode, blocks, the Xzs table, and the run loop variants; the
 * timing models live in pipeline.h, predictor.h, cache.h and forwarding.h. */
#include <string.h>

#include "zs_core.h"
#include "insns.h"
#include "cache.h"

/* Row index of each instruction (table order). */
enum {
#define ZS_ID_ENUM(ID, ...) ZS_ID_##ID,
    ZS_INSN_LIST(ZS_ID_ENUM)
#undef ZS_ID_ENUM
};

/* Operand use of each row, for the block precompute and replay. */
#define ZS_OPERAND_TABLE(name, FIELD) \
    static const uint8_t name[ZS_NUM_INSNS] = { ZS_INSN_LIST(FIELD) };
#define ZS_R1(ID, NAME, MATCH, MASK, OPC, R1, R2, RDR, WRD, IMMF) R1,
#define ZS_R2(ID, NAME, MATCH, MASK, OPC, R1, R2, RDR, WRD, IMMF) R2,
#define ZS_RDR(ID, NAME, MATCH, MASK, OPC, R1, R2, RDR, WRD, IMMF) RDR,
#define ZS_WRD(ID, NAME, MATCH, MASK, OPC, R1, R2, RDR, WRD, IMMF) WRD,
ZS_OPERAND_TABLE(reads_rs1, ZS_R1)
ZS_OPERAND_TABLE(reads_rs2, ZS_R2)
ZS_OPERAND_TABLE(reads_rd, ZS_RDR)
ZS_OPERAND_TABLE(writes_rd, ZS_WRD)
#undef ZS_R1
#undef ZS_R2
#undef ZS_RDR
#undef ZS_WRD
#undef ZS_OPERAND_TABLE

/* Roles of each row (ZS_INSN_ROLES, ZS_INSN_XZS): its SpRF operands (bit 0 rs1, bit 1
 * rs2), the stage that redirects fetch (enum zs_redirect), whether it is an Xzs row. */
#define ZS_SPRF(ID, S1, S2, ZD, REDIRECT) (S1) | (S2) << 1,
#define ZS_REDIRECT(ID, S1, S2, ZD, REDIRECT) REDIRECT,
#define ZS_XZS(ID, XZS) XZS,
static const uint8_t sprf_operands[ZS_NUM_INSNS] = { ZS_INSN_ROLES(ZS_SPRF) };
static const uint8_t redirect_of[ZS_NUM_INSNS] = { ZS_INSN_ROLES(ZS_REDIRECT) };
static const uint8_t in_xzs[ZS_NUM_INSNS] = { ZS_INSN_XZS(ZS_XZS) };
#undef ZS_SPRF
#undef ZS_REDIRECT
#undef ZS_XZS

/* Op-class columns (ZS_OPCLASS_LIST) as masks over enum zs_opclass: a test of the class
 * a handler names folds to a constant. */
_Static_assert(OPC_COUNT <= 32, "op-class masks are 32 bits");
#define ZS_CLASSES(COLUMN) (0u ZS_OPCLASS_LIST(COLUMN))
#define ZS_COL_LOAD(OPC, NAME, LD, ST, COND, JUMP, END, REDIRECT, STALL) | (uint32_t)(LD) << OPC
#define ZS_COL_MEMORY(OPC, NAME, LD, ST, COND, JUMP, END, REDIRECT, STALL) \
    | (uint32_t)((LD) || (ST)) << OPC
#define ZS_COL_COND(OPC, NAME, LD, ST, COND, JUMP, END, REDIRECT, STALL) | (uint32_t)(COND) << OPC
#define ZS_COL_JUMP(OPC, NAME, LD, ST, COND, JUMP, END, REDIRECT, STALL) | (uint32_t)(JUMP) << OPC
#define ZS_COL_END(OPC, NAME, LD, ST, COND, JUMP, END, REDIRECT, STALL) | (uint32_t)(END) << OPC
#define ZS_IS_LOAD(opc)    (ZS_CLASSES(ZS_COL_LOAD) >> (opc) & 1)
#define ZS_IS_MEMORY(opc)  (ZS_CLASSES(ZS_COL_MEMORY) >> (opc) & 1)
#define ZS_IS_COND(opc)    (ZS_CLASSES(ZS_COL_COND) >> (opc) & 1)
#define ZS_IS_JUMP(opc)    (ZS_CLASSES(ZS_COL_JUMP) >> (opc) & 1)
#define ZS_IS_FLOW(opc)    ((ZS_CLASSES(ZS_COL_COND) | ZS_CLASSES(ZS_COL_JUMP)) >> (opc) & 1)
/* A basic block here runs from the slot control entered at through the first
 * instruction of a class that ends blocks (its terminator). */
#define ZS_ENDS_BLOCK(opc) (ZS_CLASSES(ZS_COL_END) >> (opc) & 1)

/* Control flow decided from registers (a branch, a jump): its outcome ends its block's
 * schedule (ZS_ENDS) and pipe_end charges its redirect. A skip-branch decides in ID from
 * its SpRF operands instead (SKIP_IF charges its penalty). */
#define ZS_REG_FLOW(id, opc) (ZS_IS_FLOW(opc) && !sprf_operands[id])
/* A conditional branch (the predictor's). */
#define ZS_IS_BRANCH(id, opc) (ZS_IS_COND(opc) && !sprf_operands[id])
/* The SpRF operands a row reads as it runs: a skip-branch's (a SASA write's are read at
 * its trigger's fetch). */
#define ZS_SPRF_READS(id, opc) (ZS_IS_FLOW(opc) ? sprf_operands[id] : 0)

/* Execution counts are kept per block entry, not per instruction: `count` goes up when
 * control enters the slot other than by falling through from a non-terminator (a
 * taken or not-taken branch, a jump, the start of a run, a skip) and down for a slot
 * that was reached but not executed (a fault, the instruction limit, a SASA skip).
 * fold_counts() sums them along each block. */
struct zs_slot {
    int32_t target;         /* static branch/jal/skip target: its slot's offset from this
                             * one in bytes (within the reach of jal's immediate); NO_TARGET:
                             * outside memory */
    int32_t h[2];           /* handler label - L_DECODE (per-instruction, block loop): 0
                             * until decoded */
    int32_t imm;
    uint32_t count;         /* block entries since the last fold (see above) */
    uint8_t rd, rs1, rs2, opc;   /* rd is 32 (the sink) when an instruction writes x0 */
    uint16_t id;
    uint16_t blen;          /* length of the block entered here; 0: not known yet */
    uint32_t blk;           /* its timing (st->u.blocks index); 0: not built, NO_BLOCK */
};
#define NO_BLOCK UINT32_MAX
#define NO_TARGET INT32_MIN

/* Handlers beyond the table's rows: an undecodable word, the slot past memory's end. */
enum { ZS_ID_ILLEGAL = ZS_NUM_INSNS, ZS_ID_FETCH_END, ZS_NUM_HANDLERS };
_Static_assert(sizeof(zs_slot) == ZS_SLOT_SIZE, "predecoded slot is 32 bytes");

static const char *const counter_names[] = {
#define ZS_COUNTER_NAME(name) #name,
    ZS_COUNTER_LIST(ZS_COUNTER_NAME)
#undef ZS_COUNTER_NAME
};

const char *zs_counter_name(int i)
{
    return i >= 0 && i < ZS_NUM_COUNTERS ? counter_names[i] : NULL;
}

/* The core reads the CSRs of ZS_CSR_LIST's core column (the user counters), and only
 * reads them: csrrs/csrrc with rs1 = x0, csrrsi/csrrci with zimm = 0. */
static int csr_read_only(int id, uint32_t word)
{
    int readable = 0;
    switch ((uint32_t)FIELD_CSR(word)) {
#define ZS_CSR_READABLE(CSR, CORE) case CSR: readable = CORE; break;
    ZS_CSR_LIST(ZS_CSR_READABLE)
#undef ZS_CSR_READABLE
    }
    int no_write = (id == ZS_ID_CSRRS || id == ZS_ID_CSRRC) ? FIELD_RS1(word) == 0
                 : (id == ZS_ID_CSRRSI || id == ZS_ID_CSRRCI) ? FIELD_ZIMM(word) == 0 : 0;
    return readable && no_write;
}

#define ZS_CSR_READ_BY_CORE(CSR, CORE) + CORE
_Static_assert(0 ZS_CSR_LIST(ZS_CSR_READ_BY_CORE) == 6, "csr_value reads the six counters");
#undef ZS_CSR_READ_BY_CORE

static uint32_t csr_value(uint32_t csr, uint64_t cycle, uint64_t instret)
{
    switch (csr) {
    case ZS_CSR_CYCLE: case ZS_CSR_TIME: return (uint32_t)cycle;
    case ZS_CSR_CYCLEH: case ZS_CSR_TIMEH: return (uint32_t)(cycle >> 32);
    case ZS_CSR_INSTRET: return (uint32_t)instret;
    default: return (uint32_t)(instret >> 32);   /* ZS_CSR_INSTRETH: decode allows no other */
    }
}

/* Fill a slot from its word (MATCH/MASK from the table); -1 if no row matches (or an
 * Xzs row does on a core without xzs). */
static int decode_slot(zs_slot *s, uint32_t word, int xzs)
{
    int id = -1;
#define ZS_DECODE(ID, NAME, MATCH, MASK, OPC, R1, R2, RDR, WRD, IMMF) \
    if ((word & MASK) == MATCH) { \
        id = ZS_ID_##ID; s->opc = OPC; s->imm = IMMF(word); \
        s->rd = (uint8_t)FIELD_RD(word); \
        if (WRD && s->rd == 0) s->rd = 32; \
    } else
    ZS_INSN_LIST(ZS_DECODE) {}
#undef ZS_DECODE
    if (id < 0 || (s->opc == OPC_CSR && !csr_read_only(id, word)) ||
        (!xzs && in_xzs[id]))
        return -1;
    s->id = (uint16_t)id;
    s->rs1 = (uint8_t)FIELD_RS1(word);
    s->rs2 = (uint8_t)FIELD_RS2(word);
    return id;
}

/* Move block entry counts into the per-instruction totals, and the runs of blocks on
 * their static schedule into the timing counters. */
static void fold_counts(zs_state *st, zs_slot *slots)
{
    uint32_t carry = 0;      /* executions falling through into slot i (wraps: see count) */
    for (uint32_t i = st->u.decoded_lo; i <= st->u.decoded_hi; i++) {
        zs_slot *s = &slots[i];
        carry += s->count;
        s->count = 0;
        if (carry && s->id < ZS_NUM_INSNS) {
            st->insn_counts[s->id] += carry;
            st->counters[ZC_INSTRET] += carry;
            if (writes_rd[s->id] && s->rd != 32) st->counters[ZC_RF_WRITES] += carry;
        }
        if (ZS_ENDS_BLOCK(s->opc)) carry = 0;
    }
    for (uint32_t b = 1; b <= st->u.nblocks; b++) {
        zs_block *k = &st->u.blocks[b];
        for (int e = 0; e < ZS_ENDS; e++) {
            if (!k->runs[e]) continue;
            for (int c = 0; c < ZS_BLOCK_CTRS; c++)
                st->counters[ZS_BLOCK_CTR_FIRST + c] += k->runs[e] * k->ctr[e][c];
            k->runs[e] = 0;
        }
    }
}

/* The length of the block entered at slot s, from its straight run of decoded slots
 * (what the per-instruction loop learns running it); 0 where the run reaches a slot not
 * decoded yet or one that faults. */
static uint16_t decoded_block_length(const zs_slot *s)
{
    for (uint32_t k = 0; k < 0xFFFF; k++, s++) {
        if ((!s->h[0] && !s->h[1]) || s->id >= ZS_NUM_INSNS) return 0;
        if (ZS_ENDS_BLOCK(s->opc)) return (uint16_t)(k + 1);
    }
    return 0;
}

/* fence.i: every slot decodes again, every block is learned again. */
static void flush_decoded(zs_state *st, zs_slot *slots)
{
    uint32_t size = st->cfg.mem_size;
    fold_counts(st, slots);
    for (uint32_t i = st->u.decoded_lo; i <= st->u.decoded_hi && i < size / 4; i++) {
        slots[i].h[0] = slots[i].h[1] = 0;
        slots[i].blen = 0;
        slots[i].blk = 0;
    }
    st->u.nblocks = 0;
    st->u.translated = NULL;           /* compiled from the slots as they were */
}

/* Extra divider cycles in data-dependent mode: one per significant bit of |dividend|
 * (a radix-2 divider that skips leading zeros). */
static inline uint32_t div_bits(uint32_t dividend)
{
    uint32_t mag = (int32_t)dividend < 0 ? 0u - dividend : dividend;
    return mag ? 32 - (uint32_t)__builtin_clz(mag) : 0;
}

#include "forwarding.h"
#include "pipeline.h"
#include "trace.h"


/* The table entry of pc (direct-mapped): a mask where the size is a power of two (no
 * divide on every fetch while the table is in use). */
static inline zs_sasa_entry *sasa_entry(zs_state *st, uint32_t pc)
{
#ifdef ZS_T_SASA_ENTRIES
    const uint32_t n = ZS_T_SASA_ENTRIES;    /* a translation's: its trigger checks fold */
#else
    const uint32_t n = st->cfg.sasa_entries;
#endif
    return &st->arch.sasa[(n & (n - 1)) == 0 ? (pc >> 2) & (n - 1) : (pc >> 2) % n];
}

static inline int sasa_is_trigger(zs_state *st, uint32_t pc)
{
    const zs_sasa_entry *e = sasa_entry(st, pc);
    return st->arch.sasa_valid && e->len && e->trigger == pc;
}

/* A write to the table; a new trigger's slot gets the block loop's trigger handler (the
 * block loop hands triggers to the per-instruction loop; a slot that is no longer a
 * trigger gets its own handler back there). */
static void sasa_write(zs_state *st, zs_slot *slots, uint32_t trigger, uint32_t rs1,
                       uint32_t rs2, uint32_t is_and, uint32_t len)
{
    /* direct-mapped: the write replaces whatever the slot held; len 0 leaves it empty */
    zs_sasa_entry *e = sasa_entry(st, trigger);
    uint32_t off = trigger - st->cfg.mem_base;
    if (len && off < st->cfg.mem_size && !(off & 3) && slots[off >> 2].h[1])
        slots[off >> 2].h[1] = st->u.block_trigger_handler;
    if (len && st->u.translated &&
        (off >= st->cfg.mem_size || (off & 3) || !st->u.tchecked[off >> 2])) {
        st->u.translated = NULL;          /* it would run through the new trigger */
        st->u.translation_stale = 1;
    }
    st->arch.sasa_valid += (len != 0) - (e->len != 0);
    e->trigger = trigger;
    e->len = len;
    e->rs1 = (uint8_t)rs1;
    e->rs2 = (uint8_t)rs2;
    e->is_and = (uint8_t)is_and;
}

/* The pending write takes effect. */
static void sasa_apply(zs_state *st, zs_slot *slots)
{
    const zs_sasa_entry *e = &st->u.sasa_next;
    if (!st->u.sasa_pending) return;
    st->u.sasa_pending = 0;
    sasa_write(st, slots, e->trigger, e->rs1, e->rs2, e->is_and, e->len);
}

/* Timing: a write takes effect when its sasa.* leaves EX, so it is seen by the fetches
 * from that cycle (`at`) on, not by the execute_stage - 1 slots already fetched behind
 * it. A pending older write takes effect first. */
static void sasa_defer(zs_state *st, zs_slot *slots, uint32_t trigger, uint32_t rs1,
                       uint32_t rs2, uint32_t is_and, uint32_t len, uint64_t at)
{
    sasa_apply(st, slots);
    st->u.sasa_next = (zs_sasa_entry){ .trigger = trigger, .len = len, .rs1 = (uint8_t)rs1,
                                     .rs2 = (uint8_t)rs2, .is_and = (uint8_t)is_and };
    st->u.sasa_pending = 1;
    st->u.sasa_pending_at = at;
}

/* ---- blocks with precomputed timing (the fast timing loop) ---- */

/* Block k's writes have taken effect: which registers' last writers are zero-detect
 * loads now (every write of a settle, whether its ready time was written or not). */
static inline __attribute__((always_inline)) void settle_writers(zs_pipe *p, const zs_block *k)
{
    p->zd_regs = (p->zd_regs & ~k->wmask) | k->zd_wmask;
}

/* The ready times of a static run shifted by data-cache stalls (run_static_stalled):
 * each write's by the stalls up to its writer. The writes are in the order of their
 * positions, as the misses: one pass over both. Apart from pipe_settle's loop, which
 * a block end without misses runs, so that that loop stays as short as it is. */
static void settle_stalled(zs_state *st, zs_pipe *p, const zs_block *k)
{
    const uint32_t dhit = st->u.dcache.geo.hit_latency - 1, nwrites = k->nwrites;
    const uint32_t nmiss = p->pending_nmiss;
    const uint16_t *miss = st->u.pending_miss;
    const uint32_t *miss_stall = st->u.pending_miss_stall;
    uint64_t *ready = p->ready;
    uint8_t *ready_opc = p->ready_opc;
    uint64_t at = p->pending_entry;          /* entry + the stalls so far */
    for (uint32_t w = 0, m = 0; w < nwrites; w++) {
        for (; m < nmiss && miss[m] <= k->writes[w].pos; m++)
            at += miss_stall[m] - dhit;
        ready[k->writes[w].reg] = at + k->writes[w].ready;
        ready_opc[k->writes[w].reg] = k->writes[w].opc;
    }
    p->pending_nmiss = 0;
    settle_writers(p, k);
}

/* Write the ready times of the pending static run. */
static inline void pipe_settle(zs_state *st, zs_pipe *p)
{
    if (!p->pending) return;
    const zs_block *k = &st->u.blocks[p->pending];
    p->pending = 0;
    if (p->pending_nmiss) {
        settle_stalled(st, p, k);
        return;
    }
    settle_writers(p, k);
    /* locals: the stores below could alias the block as far as the compiler knows */
    const uint32_t nwrites = k->nwrites;
    const uint64_t entry = p->pending_entry;
    uint64_t *ready = p->ready;
    uint8_t *ready_opc = p->ready_opc;
    for (uint32_t w = 0; w < nwrites; w++) {
        ready[k->writes[w].reg] = entry + k->writes[w].ready;
        ready_opc[k->writes[w].reg] = k->writes[w].opc;
    }
}

/* The pending block's ready times as far as a SpRF question reads them, when they are
 * no later than now (no operand wait reads them): its zero-detect loads' alone, and
 * which registers' last writers are such loads (zd_regs; ready_opc is left as it was:
 * it only names the cause of a wait). */
static inline __attribute__((always_inline))
void settle_sprf(zs_state *st, zs_pipe *p)
{
    const zs_block *k = &st->u.blocks[p->pending];
    if (p->pending_nmiss) {                  /* shifted by stalls: all of them */
        pipe_settle(st, p);
        return;
    }
    p->pending = 0;
    for (uint64_t m = k->zd_wmask; m; m &= m - 1) {
        uint32_t r = (uint32_t)__builtin_ctzll(m);
        p->ready[r] = p->pending_entry + k->writes[k->wslot[r]].ready;
    }
    settle_writers(p, k);
}

/* pipe_sprf_known in the block loop, where the pending block's ready times may not be
 * written yet: its write of r, where it has one, answers (a writer that is no
 * zero-detect load clears the bit in ID: known), unless data-cache stalls shifted it. */
static inline __attribute__((always_inline))
int block_sprf_known(zs_state *st, zs_pipe *p, uint32_t r, uint64_t cycle)
{
    const zs_block *k = &st->u.blocks[p->pending];
    if (p->pending && (k->wmask >> r & 1)) {
        if (!(k->zd_wmask >> r & 1)) return 1;
        if (!p->pending_nmiss)
            return zd_result_known(st, p->pending_entry + k->writes[k->wslot[r]].ready, cycle);
        pipe_settle(st, p);
    }
    return pipe_sprf_known(st, p, r, cycle);
}

/* How a block ended, as pipe_slot() takes it (see ZS_ENDS), from how the block loop
 * recorded it: under a static predictor the outcome alone (the predictor's verdict
 * follows from it and the branch), so that loop never asks the predictor. */
static inline int end_code(const zs_state *st, const zs_slot *last, int end)
{
    if (end < 0 || end >= 2 || !ZS_IS_BRANCH(last->id, last->opc) ||
        !pred_is_static(&st->cfg.tm.bp))
        return end;
    return end + 2 * pred_static(&st->cfg.tm.bp, last->imm, end);
}

/* The static schedule of the len slots from slot b (pc): the per-instruction model run
 * once on an idle pipeline (every register ready, fetch already on b's line, every
 * access hitting), for each outcome of the last one's end (only a branch's differs). A
 * block is its slots to its end (len = b->blen); a cut, the slots of a block before a
 * SASA trigger that skips, or the trigger alone (block_cut). NO_BLOCK when it cannot
 * have one: its divides must be of fixed latency, its lines few. */
static uint32_t build_block(zs_state *st, zs_slot *b, uint32_t pc, uint32_t len)
{
    uint32_t shift = st->u.icache.geo.line_shift;
    zs_slot *end = b + len - 1;
    uint32_t first_line = pc >> shift;
    uint32_t nlines = ((pc + 4 * (len - 1)) >> shift) - first_line + 1;
    if (len > ZS_BLOCK_MAX_LEN || nlines > ZS_BLOCK_MAX_LINES || nlines > st->u.icache.geo.sets ||
        st->u.nblocks + 1 >= ZS_MAX_BLOCKS)
        return NO_BLOCK;
    for (zs_slot *s = b; s <= end; s++)
        if (s->opc == OPC_DIV && st->cfg.tm.div_data_dependent) return NO_BLOCK;

    uint32_t index = ++st->u.nblocks;
    zs_block *k = &st->u.blocks[index];
    memset(k, 0, sizeof *k);
    const uint64_t entry = 1ull << 32;       /* after every ready time of an idle pipeline */
    uint64_t ready[33];
    uint8_t opc[33];
    uint16_t pos[33] = {0};
    for (uint32_t i = 0; i < len; i++)
        if (writes_rd[b[i].id]) pos[b[i].rd] = (uint16_t)i;
    const int ends = pred_is_static(&st->cfg.tm.bp) ? 2 : ZS_ENDS;   /* see end_code() */
    for (int e = 0; e < ends; e++) {
        uint64_t ctr[ZS_NUM_COUNTERS] = {0};
        memset(ready, 0, sizeof ready);
        memset(opc, 0, sizeof opc);
        zs_pipe p = { .next_ex = entry, .fetch_line = first_line, .real_icache = 0,
                      .ready = ready, .ready_opc = opc, .ctr = ctr };
        uint64_t written = 1ull << 0;        /* x0 is always ready */
        int32_t writer[33];                  /* the last writer of each register so far */
        for (uint32_t r = 0; r < 33; r++) writer[r] = -1;
        for (uint32_t i = 0; i < len; i++) {
            const zs_slot *s = b + i;
            if (e == 0) {                    /* its inputs (alike for every end) */
                uint32_t r[3] = { reads_rs1[s->id] ? s->rs1 : 0, reads_rs2[s->id] ? s->rs2 : 0,
                                  reads_rd[s->id] ? s->rd : 0 };
                for (int j = 0; j < 3; j++) {
                    if (written >> r[j] & 1) continue;
                    written |= 1ull << r[j];
                    k->inputs[k->ninputs].reg = r[j];
                    k->inputs[k->ninputs].at = (uint32_t)(p.next_ex - entry);
                    k->ninputs++;
                }
                if (writes_rd[s->id]) written |= 1ull << s->rd;
            }
            pipe_slot(st, &p, s, pc + 4 * i, st->u.dcache.geo.hit_latency - 1,
                      i == len - 1 ? end_code(st, end, e) : END_NONE);
            for (uint32_t r = 0; r < 33; r++) {  /* a wait: stalls between absorb */
                if (!(p.waited_on >> r & 1)) continue;
                for (uint32_t m = (uint32_t)(writer[r] + 1); m < i; m++)
                    k->absorbs[m / 64] |= 1ull << (m % 64);
            }
            p.waited_on = 0;
            if (writes_rd[s->id]) writer[s->rd] = (int32_t)i;
        }
        k->cycles[e] = (uint32_t)(p.next_ex - entry);
        k->last_t = (uint32_t)(p.t - entry);
        for (int c = 0; c < ZS_BLOCK_CTRS; c++)
            k->ctr[e][c] = (uint32_t)ctr[ZS_BLOCK_CTR_FIRST + c];
    }
    for (uint32_t i = 0; i < len; i++) {     /* what the block writes (any end), in order */
        uint32_t r = b[i].rd;
        if (!writes_rd[b[i].id] || pos[r] != i || !ready[r]) continue;
        uint32_t when = (uint32_t)(ready[r] - entry);
        k->writes[k->nwrites].reg = (uint8_t)r;
        k->writes[k->nwrites].opc = opc[r];
        k->writes[k->nwrites].ready = when;
        k->writes[k->nwrites].pos = pos[r];
        k->wslot[r] = (uint8_t)k->nwrites;
        k->wmask |= 1ull << r;
        if (opc[r] == OPC_LOAD_ZD) k->zd_wmask |= 1ull << r;
        k->nwrites++;
        if (when > k->max_ready) k->max_ready = when;
    }
    k->first_line = first_line;
    k->nlines = nlines;
    k->last_line = first_line + nlines - 1;
    /* run right after itself: fetch moves back from its last line to its first (a hit) */
    k->again_stall = nlines > 1 ? st->u.icache.geo.hit_latency - 1 : 0;
    for (int e = 0; e < ends; e++)
        k->again[e] = k->max_ready <= k->cycles[e] ? k->again_stall + k->cycles[e] : 0;
    k->igen = k->imoves = UINT64_MAX;        /* the first run replays */
    return index;
}

/* A block execution that saw a dynamic event (a register not ready at entry, an
 * I-cache line moved, a data-cache access that did not hit, a fault): the
 * per-instruction model over its first n slots, with the data-cache stalls it saw (the
 * nmiss beyond a hit in st->u.miss, every other access a hit). After a whole block (end
 * an outcome) all its lines sit in the I-cache: remember where. END_NONE: the first n
 * slots of a block left early (a SASA trigger). */
static void replay_block(zs_state *st, zs_pipe *p, uint32_t index, const zs_slot *b,
                         uint32_t pc, uint32_t nmiss, uint32_t n, int end)
{
    zs_block *k = &st->u.blocks[index];
    const uint32_t dhit = st->u.dcache.geo.hit_latency - 1;
    pipe_settle(st, p);
    for (uint32_t i = 0, m = 0; i < n; i++) {
        uint32_t dstall = dhit;
        if (m < nmiss && st->u.miss[m] == i) dstall = st->u.miss_stall[m++];
        pipe_slot(st, p, b + i, pc + 4 * i, dstall,
                  i == n - 1 ? end_code(st, b + i, end) : END_NONE);
    }
    if (end == END_ABORTED || end == END_NONE) return;
    if (!cache_unchanged(&st->u.icache, k->igen))   /* a line moved: find them again */
        k->igen = cache_locate_lines(&st->u.icache, k->first_line, k->nlines, k->line_index);
    k->imoves = st->u.icache.moves;
}

/* May the block start on its static schedule although some register's ready time is
 * later than the next EX start (pipe_all_ready failed)? Yes when each of its inputs is
 * ready by the earliest EX start of its first reader (no operand wait moves). The
 * pending ready times are written first. */
static int block_inputs_ready(zs_state *st, zs_pipe *p, uint32_t index)
{
    const zs_block *k = &st->u.blocks[index];
    pipe_settle(st, p);
    for (uint32_t i = 0; i < k->ninputs; i++)
        if (p->ready[k->inputs[i].reg] > p->next_ex + k->inputs[i].at) return 0;
    return 1;
}

/* A block execution without dynamic events: its static schedule shifted to the entry
 * cycle, and the LRU updates its fetches make (all hits, the lines where replay_block
 * found them: no line has been replaced since). When no set's most recent line has
 * moved since its last run, its lines are the most recent in their sets still and the
 * updates change no order: they are left out (a loop of blocks whose lines share no
 * set never makes them). Its ready times wait in p->pending while the same block runs
 * again (it overwrites them all). p->t, its last instruction's EX start, is set where
 * its end reads it (sets_t: a skip-branch's decision, a CSR read; a replay sets it
 * before reading it). */
static inline __attribute__((always_inline))
void run_static(zs_state *st, zs_pipe *p, uint32_t index, int o, int sets_t)
{
    zs_cache *ic = &st->u.icache;
    zs_block *k = &st->u.blocks[index];
    uint64_t e = p->next_ex;
    uint32_t j = 0;
    if (k->first_line == p->fetch_line) {
        j = 1;                               /* no lookup for the line being fetched */
    } else {
        e += ic->geo.hit_latency - 1;
        p->ctr[ZC_STALL_ICACHE] += ic->geo.hit_latency - 1;
    }
    if (k->imoves != ic->moves) {
        cache_touch_lines(ic, k->first_line + j, k->line_index + j, k->nlines - j);
        k->imoves = ic->moves;
    }
    p->fetch_line = k->last_line;
    if (sets_t) p->t = e + k->last_t;
    p->next_ex = e + k->cycles[o];
    /* The pending block's ready times are written where something may read them: a
     * later operand wait, unless none is later than the entry e (max_ready bounds
     * them); a SpRF question, where the last writer is a zero-detect load (only such
     * loads' times, when no operand wait reads any). */
    if (p->pending != index && p->pending) {
        if (p->max_ready > e)
            pipe_settle(st, p);
        else if (st->u.zero_detect_seen)
            settle_sprf(st, p);
    }
    p->pending = index;                      /* (a pending run of it: this one's overwrite it) */
    p->pending_nmiss = 0;
    p->pending_entry = e;
    /* max_ready bounds every ready time later than next_ex */
    if (k->max_ready > k->cycles[o] && e + k->max_ready > p->max_ready)
        p->max_ready = e + k->max_ready;
    k->runs[o]++;
}

/* The block run on its static schedule again right after a static run of its own
 * (p->pending is index), when k->again[o] allows (see zs_block): what run_static does
 * then (its lines the most recent in the I-cache already, fetch back on its first).
 * p->t is left alone (see run_static).
 * The block loop advances next_ex at once and the rest after a run of such repeats
 * (run_static_again_done: reps of them, the last ending at next_ex). */
static inline __attribute__((always_inline))
void run_static_again(zs_state *st, zs_pipe *p, uint32_t index, int o)
{
    p->next_ex += st->u.blocks[index].again[o];
}

static inline void run_static_again_done(zs_state *st, zs_pipe *p, uint32_t index, int o,
                                         uint64_t reps)
{
    zs_block *k = &st->u.blocks[index];
    p->pending_entry = p->next_ex - k->again[o] + k->again_stall;
    p->pending_nmiss = 0;
    p->ctr[ZC_STALL_ICACHE] += reps * k->again_stall;
    k->runs[o] += reps;
}

/* Do the data-cache stalls of the running block (nmiss of them, st->u.miss) delay
 * everything after them alike? Each holds EX and delays every later instruction and a
 * load's own result; only an operand wait whose producer came before it and whose
 * consumer after it absorbs part of it (zs_block.absorbs). */
static inline int stalls_shift_alike(const zs_state *st, const zs_block *k, uint32_t nmiss)
{
    for (uint32_t m = 0; m < nmiss; m++) {
        uint32_t at = st->u.miss[m];
        if (k->absorbs[at / 64] >> (at % 64) & 1) return 0;
    }
    return 1;
}

/* A block execution whose only dynamic events were data-cache accesses that did not hit
 * (extra cycles beyond hits in all), each delaying everything after it alike
 * (stalls_shift_alike): the static schedule holds, shifted by the stalls before each
 * point. Its ready times wait like a static run's, with its misses (settle_stalled);
 * max_ready takes a bound of them: none is later than the latest unshifted one plus
 * every stall. */
static void run_static_stalled(zs_state *st, zs_pipe *p, uint32_t index, int o,
                               uint32_t extra, uint32_t nmiss)
{
    const zs_block *k = &st->u.blocks[index];
    run_static(st, p, index, o, 1);
    p->t += extra;
    p->next_ex += extra;
    p->ctr[ZC_STALL_DCACHE] += extra;
    if (nmiss == 1) {                        /* the common case, without two library calls */
        st->u.pending_miss[0] = st->u.miss[0];
        st->u.pending_miss_stall[0] = st->u.miss_stall[0];
    } else {
        memcpy(st->u.pending_miss, st->u.miss, nmiss * sizeof st->u.miss[0]);
        memcpy(st->u.pending_miss_stall, st->u.miss_stall, nmiss * sizeof st->u.miss_stall[0]);
    }
    p->pending_nmiss = nmiss;
    if (p->pending_entry + k->max_ready + extra > p->max_ready)
        p->max_ready = p->pending_entry + k->max_ready + extra;
}

/* The timing of a block's run (index: its static schedule; the len slots from b at pc,
 * its end `end`) that saw dextra cycles of data-cache stalls beyond hits, in nmiss
 * accesses: its static schedule when the pipeline had every input ready and the
 * I-cache replaced no line since the block found its lines, shifted by the stalls
 * where no operand wait absorbs them; else a replay. */
static inline __attribute__((always_inline))
void time_block(zs_state *st, zs_pipe *p, uint32_t index, const zs_slot *b, uint32_t pc,
                uint32_t len, int end, uint32_t dextra, uint32_t nmiss, int sets_t)
{
    const zs_block *k = &st->u.blocks[index];
    if (__builtin_expect(cache_unchanged(&st->u.icache, k->igen) &&
                         (pipe_all_ready(p) || block_inputs_ready(st, p, index)), 1)) {
        if (__builtin_expect(!dextra, 1)) {
            run_static(st, p, index, end, sets_t);
            return;
        }
        if (stalls_shift_alike(st, k, nmiss)) {
            run_static_stalled(st, p, index, end, dextra, nmiss);
            return;
        }
    }
    replay_block(st, p, index, b, pc, nmiss, len, end);
}

/* The static schedule of the len slots from b (pc) within block `index`, a cut
 * (build_block), from the block's few cuts, else built and kept there; NO_BLOCK when
 * it has none. */
static uint32_t block_cut(zs_state *st, uint32_t index, zs_slot *b, uint32_t pc, uint32_t len)
{
    zs_block *k = &st->u.blocks[index];
    uint32_t i;
    for (i = 0; i < ZS_BLOCK_CUTS && k->cuts[i].len; i++)
        if (k->cuts[i].pc == pc && k->cuts[i].len == len) return k->cuts[i].blk;
    if (i == ZS_BLOCK_CUTS) return NO_BLOCK;
    uint32_t cut = build_block(st, b, pc, len);
    if (cut != NO_BLOCK) {
        k = &st->u.blocks[index];
        k->cuts[i].pc = pc;
        k->cuts[i].len = len;
        k->cuts[i].blk = cut;
    }
    return cut;
}

/* The timing of the len slots from b (pc) of the running block `index`, which leaves
 * the block there (a SASA skip): as a block's end, on the cut's static schedule where
 * it holds, else a replay. */
static void time_cut(zs_state *st, zs_pipe *p, uint32_t index, zs_slot *b, uint32_t pc,
                     uint32_t len, uint32_t dextra, uint32_t nmiss)
{
    uint32_t cut = block_cut(st, index, b, pc, len);
    if (cut == NO_BLOCK) {
        replay_block(st, p, index, b, pc, nmiss, len, END_NONE);
        return;
    }
    /* its last slot is no end: outcome 0 times it as END_NONE would, and lets a replay
     * find the cut's lines */
    time_block(st, p, cut, b, pc, len, 0, dextra, nmiss, 0);
}

/* The SpRF as a mask (st->arch.sprf) and as one byte per register (the run loops). */
/* Eight bytes of 0/1 at a time: a multiply gathers their low bits into the top byte;
 * spreading a byte's bits puts bit i in byte i, and adding 0x7f moves any set bit of a
 * byte to its top bit (no carry between bytes). */
static inline uint64_t sprf_pack(const uint8_t *zf)
{
    uint64_t v = (uint64_t)zf[32] << 32;
    for (int r = 0; r < 32; r += 8) {
        uint64_t w;
        memcpy(&w, zf + r, 8);
        v |= (w * 0x0102040810204080ull) >> 56 << r;
    }
    return v;
}

static inline void sprf_unpack(uint8_t *zf, uint64_t v)
{
    for (int r = 0; r < 32; r += 8) {
        uint64_t y = ((v >> r & 0xff) * 0x0101010101010101ull) & 0x8040201008040201ull;
        uint64_t w = ((y + 0x7f7f7f7f7f7f7f7full) >> 7) & 0x0101010101010101ull;
        memcpy(zf + r, &w, 8);
    }
    zf[32] = (uint8_t)(v >> 32 & 1);
}

/* verify-skips: remember the state where the skip would have happened ... */
static void start_block(zs_state *st, const uint32_t *x, uint64_t sprf, uint32_t start,
                        uint32_t end)
{
    memcpy(st->u.shadow_x, x, sizeof st->u.shadow_x);
    st->u.shadow_sprf = sprf;
    st->report.block_start = start;
    st->report.block_end = end;
    st->u.in_block = 1;
}

/* ... and at its end taint every register the block changed (value or SpRF bit). */
static void end_block(zs_state *st, const uint32_t *x, uint64_t sprf)
{
    for (int r = 1; r < 32; r++)
        if (x[r] != st->u.shadow_x[r] || ((sprf ^ st->u.shadow_sprf) >> r & 1))
            st->u.tainted |= 1ull << r;
    st->u.in_block = 0;
}

/* translate.py compiles this file into a translation with ZS_TRANSLATION defined: the
 * helpers above and its own block loop, none of the loops and entry points below */
#ifndef ZS_TRANSLATION
#define RUN_NAME run_functional
#define TIMING 0
#define VERIFY 0
#define BLOCKS 0
#include "run_loop.h"

#define RUN_NAME run_functional_blocks
#define TIMING 0
#define VERIFY 0
#define BLOCKS 1
#include "run_loop.h"

#define RUN_NAME run_timing
#define TIMING 1
#define VERIFY 0
#define BLOCKS 0
#include "run_loop.h"

#define RUN_NAME run_timing_blocks
#define TIMING 1
#define VERIFY 0
#define BLOCKS 1
#include "run_loop.h"

#define RUN_NAME run_timing_blocks_predicting
#define TIMING 1
#define VERIFY 0
#define BLOCKS 1
#define PREDICTING 1
#include "run_loop.h"

/* the same loop writing a trace record per retired instruction (st->trace.on) */
#define RUN_NAME run_timing_traced
#define TIMING 1
#define VERIFY 0
#define BLOCKS 0
#define TRACE 1
#include "run_loop.h"

#define RUN_NAME run_functional_verify
#define TIMING 0
#define VERIFY 1
#define BLOCKS 0
#include "run_loop.h"

#define RUN_NAME run_timing_verify
#define TIMING 1
#define VERIFY 1
#define BLOCKS 0
#include "run_loop.h"

/* Start state from the configuration (st->cfg) and the pc and registers Python set:
 * clears everything that running changes. */
void zs_reset(zs_state *st)
{
    const zs_timing *tm = &st->cfg.tm;
    st->arch.sprf = 1;
    st->arch.x[0] = st->arch.x[32] = 0;
    st->report.exit_code = 0;
    st->arch.sasa_valid = 0;
    st->u.sasa_pending = 0;
    memset(st->arch.sasa, 0, sizeof st->arch.sasa);
    memset(st->counters, 0, sizeof st->counters);
    memset(st->insn_counts, 0, sizeof st->insn_counts);
    memset(st->u.ready, 0, sizeof st->u.ready);
    memset(st->u.ready_opc, 0, sizeof st->u.ready_opc);
    st->u.in_block = 0;
    st->u.tainted = 0;
    st->u.sasa_skip_at = 0;
    st->u.trace_primed = 0;
    st->u.h0_handlers = NULL;     /* Python zeroes the slots before a reset */
    st->u.translated = NULL;
    st->u.translation_stale = 0;
    st->u.zero_detect_seen = 0;
    st->u.zd_regs = 0;
    st->u.max_ready = 0;
    st->u.nblocks = 0;
    st->u.slots_ready = 0;
    st->u.decoded_lo = 1;
    st->u.decoded_hi = 0;
    st->u.last_fetch_line = UINT32_MAX;
    st->u.next_ex = tm->execute_stage - 1;     /* the first instruction is fetched in cycle 0 */
    if (!st->cfg.functional) st->counters[ZC_STALL_FILL] = tm->stages - 1;
    forwarding_init(&st->u.fw, tm);
    cache_reset(&st->u.icache, &st->cfg.icache);
    cache_reset(&st->u.dcache, &st->cfg.dcache);
    pred_reset(&st->u.bp);
}

typedef int (*zs_loop)(zs_state *, uint8_t *, zs_slot *, uint64_t);
/* a translation's exits to code it has none for: after so many zs_run asks for a new
 * one; after each the block loop runs up to so many instructions */
#define ZS_RETRANSLATE_EXITS 256
#define ZS_UNTRANSLATED_RUN 4096

/* One batch: the block loop and the per-instruction loop hand over to each other (each
 * returns ZS_SWITCH where the other should go on); verify-skips, per_instruction and
 * tracing keep to the per-instruction loop, as does a SASA skip the last batch left to
 * make. Tracing costs the untraced loops nothing: it is a loop of its own (Python allows
 * it on the timing model without verify-skips only). */
int zs_run(zs_state *st, uint8_t *mem, void *slots, uint64_t max_insns)
{
    const zs_config *cfg = &st->cfg;
    trace_prime(st);
    zs_loop step = st->trace.on ? run_timing_traced
                 : cfg->functional ? (cfg->verify ? run_functional_verify : run_functional)
                                   : (cfg->verify ? run_timing_verify : run_timing);
    zs_loop blocks = cfg->functional ? run_functional_blocks
                   : pred_is_static(&cfg->tm.bp) ? run_timing_blocks
                                                 : run_timing_blocks_predicting;
    int use_blocks = !cfg->verify && !cfg->per_instruction && !st->trace.on &&
                     !st->u.sasa_skip_at;
    int status;
    st->u.instret0 = st->counters[ZC_INSTRET];
    st->u.run_n = 0;
#define BLOCK_LOOP() (st->u.translated ? st->u.translated : blocks)
    zs_loop loop = use_blocks ? BLOCK_LOOP() : step;
    while ((status = loop(st, mem, slots, max_insns)) == ZS_SWITCH) {
        if (st->u.translation_stale) {
            st->u.translation_stale = 0;
            status = ZS_TRANSLATION_STALE;
            break;
        }
        if (loop == st->u.translated && st->u.untranslated) {
            /* where the translation has no code, the block loop's for a while, then the
             * per-instruction loop's to a block's end, where the translation may go on */
            st->u.untranslated = 0;
            if (++st->u.untranslated_exits == ZS_RETRANSLATE_EXITS) {
                status = ZS_TRANSLATION_STALE;
                break;
            }
            uint64_t budget = st->u.run_n + ZS_UNTRANSLATED_RUN;
            if ((status = blocks(st, mem, slots, budget < max_insns ? budget : max_insns))
                != ZS_SWITCH)
                break;
            loop = step;
        } else {
            loop = loop == step ? BLOCK_LOOP() : step;
        }
    }
#undef BLOCK_LOOP
    fold_counts(st, slots);
    return status;
}

/* Install a translation (translate.py: its zs_translated_run, the block loop of this
 * state's config with the program's decoded slots compiled in; NULL: none), and which
 * slots it checks as SASA triggers (one byte per slot). It runs wherever the block
 * loop would; fence.i, zs_reset and a trigger it does not check drop it. */
void zs_translate(zs_state *st, void *run, const uint8_t *checked)
{
    st->u.translated = (zs_loop)run;
    st->u.tchecked = checked;
    st->u.untranslated_exits = 0;
    st->u.translation_stale = 0;
}
#endif
