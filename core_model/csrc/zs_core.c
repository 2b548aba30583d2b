/* The zskip core: predecode, caches, Xzs table, and the run loop variants. */
#include <string.h>

#include "zs_core.h"
#include "insns.h"

/* Linux system call numbers the core implements (a7). */
enum { ZS_SYS_WRITE = 64, ZS_SYS_EXIT = 93 };

/* User counter CSRs (RISC-V Unprivileged ISA, Zicntr). */
enum {
    CSR_CYCLE = 0xC00, CSR_TIME = 0xC01, CSR_INSTRET = 0xC02,
    CSR_CYCLEH = 0xC80, CSR_TIMEH = 0xC81, CSR_INSTRETH = 0xC82
};

/* Row index of each instruction (table order). */
enum {
#define ZS_ID_ENUM(ID, ...) ZS_ID_##ID,
    ZS_INSN_LIST(ZS_ID_ENUM)
#undef ZS_ID_ENUM
};

static const uint8_t writes_rd[ZS_NUM_INSNS] = {
#define ZS_WRD(ID, NAME, MATCH, MASK, OPC, R1, R2, RDR, WRD, IMMF) WRD,
    ZS_INSN_LIST(ZS_WRD)
#undef ZS_WRD
};

struct zs_slot {
    zs_slot *target;        /* static branch/jal/skip target, NULL if outside memory */
    int32_t h;              /* handler label - L_DECODE: 0 until decoded */
    int32_t imm;
    uint32_t count;         /* executions since the last fold */
    uint8_t rd, rs1, rs2, opc;   /* rd is 32 (the sink) when an instruction writes x0 */
    uint16_t id, pad16;
    uint32_t pad32;
};
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

/* Counter CSRs are read-only: csrrs/csrrc with rs1 = x0, csrrsi/csrrci with zimm = 0. */
static int csr_read_only(int id, uint32_t word)
{
    uint32_t csr = (uint32_t)FIELD_CSR(word);
    int counter = csr == CSR_CYCLE || csr == CSR_TIME || csr == CSR_INSTRET ||
                  csr == CSR_CYCLEH || csr == CSR_TIMEH || csr == CSR_INSTRETH;
    int no_write = (id == ZS_ID_CSRRS || id == ZS_ID_CSRRC) ? FIELD_RS1(word) == 0
                 : (id == ZS_ID_CSRRSI || id == ZS_ID_CSRRCI) ? FIELD_ZIMM(word) == 0 : 0;
    return counter && no_write;
}

static uint32_t csr_value(uint32_t csr, uint64_t cycle, uint64_t instret)
{
    switch (csr) {
    case CSR_CYCLE: case CSR_TIME: return (uint32_t)cycle;
    case CSR_CYCLEH: case CSR_TIMEH: return (uint32_t)(cycle >> 32);
    case CSR_INSTRET: return (uint32_t)instret;
    default: return (uint32_t)(instret >> 32);   /* CSR_INSTRETH: decode allows no other */
    }
}

/* Fill a slot from its word (MATCH/MASK from the table); -1 if no row matches. */
static int decode_slot(zs_slot *s, uint32_t word)
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
    if (id < 0 || (s->opc == OPC_CSR && !csr_read_only(id, word)))
        return -1;
    s->id = (uint16_t)id;
    s->rs1 = (uint8_t)FIELD_RS1(word);
    s->rs2 = (uint8_t)FIELD_RS2(word);
    return id;
}

/* Move per-slot execution counts into the per-instruction totals. */
static void fold_counts(zs_state *st, zs_slot *slots)
{
    for (uint32_t i = st->decoded_lo; i <= st->decoded_hi; i++) {
        zs_slot *s = &slots[i];
        if (!s->count) continue;
        st->insn_counts[s->id] += s->count;
        st->counters[ZC_INSTRET] += s->count;
        if (writes_rd[s->id] && s->rd != 32) st->counters[ZC_RF_WRITES] += s->count;
        s->count = 0;
    }
}

/* Set-associative, LRU, write-back + write-allocate. Returns the stall in cycles:
 * hit_latency - 1 on a hit (the pipeline stage covers one cycle); on a miss also the
 * miss penalty and a line fill from memory, plus a line write if the victim is dirty. */
static inline uint32_t cache_access(zs_cache *c, const zs_timing *tm, uint64_t *ctr,
                                    uint32_t addr, int write, int miss_ctr, int wb_ctr)
{
    uint32_t line = addr >> c->line_shift;
    uint32_t first = (line & (c->sets - 1)) * c->ways;
    uint32_t victim = first;
    c->stamp++;
    for (uint32_t i = first; i < first + c->ways; i++) {
        if (c->valid[i] && c->tag[i] == line) {
            c->lru[i] = c->stamp;
            c->dirty[i] |= (uint8_t)write;
            return c->hit_latency - 1;
        }
        if (!c->valid[i] ? c->valid[victim] : (c->valid[victim] && c->lru[i] < c->lru[victim]))
            victim = i;
    }
    uint32_t stall = c->hit_latency - 1 + c->miss_penalty + tm->memory_latency;
    ctr[miss_ctr]++;
    ctr[ZC_MEM_READ_WORDS] += c->line_words;
    if (c->valid[victim] && c->dirty[victim]) {
        ctr[wb_ctr]++;
        ctr[ZC_MEM_WRITE_WORDS] += c->line_words;
        stall += tm->memory_latency;
    }
    c->tag[victim] = line;
    c->valid[victim] = 1;
    c->dirty[victim] = (uint8_t)write;
    c->lru[victim] = c->stamp;
    return stall;
}

/* Extra divider cycles in data-dependent mode: one per significant bit of |dividend|
 * (a radix-2 divider that skips leading zeros). */
static inline uint32_t div_bits(uint32_t dividend)
{
    uint32_t mag = (int32_t)dividend < 0 ? 0u - dividend : dividend;
    return mag ? 32 - (uint32_t)__builtin_clz(mag) : 0;
}

static void sasa_write(zs_state *st, uint32_t trigger, uint32_t rs1, uint32_t rs2,
                       uint32_t is_and, uint32_t len)
{
    /* direct-mapped: the write replaces whatever the slot held; len 0 leaves it empty */
    zs_sasa_entry *e = &st->sasa[(trigger >> 2) % st->sasa_entries];
    st->sasa_valid += (len != 0) - (e->len != 0);
    e->trigger = trigger;
    e->len = len;
    e->rs1 = (uint8_t)rs1;
    e->rs2 = (uint8_t)rs2;
    e->is_and = (uint8_t)is_and;
}

/* verify-skips: remember the state where the skip would have happened ... */
static void start_block(zs_state *st, const uint32_t *x, uint64_t sprf, uint32_t start,
                        uint32_t end)
{
    memcpy(st->shadow_x, x, sizeof st->shadow_x);
    st->shadow_sprf = sprf;
    st->block_start = start;
    st->block_end = end;
    st->in_block = 1;
}

/* ... and at its end taint every register the block changed (value or SpRF bit). */
static void end_block(zs_state *st, const uint32_t *x, uint64_t sprf)
{
    for (int r = 1; r < 32; r++)
        if (x[r] != st->shadow_x[r] || ((sprf ^ st->shadow_sprf) >> r & 1))
            st->tainted |= 1ull << r;
    st->in_block = 0;
}

#define RUN_NAME run_functional
#define TIMING 0
#define VERIFY 0
#include "run_loop.h"
#undef RUN_NAME
#undef TIMING
#undef VERIFY

#define RUN_NAME run_timing
#define TIMING 1
#define VERIFY 0
#include "run_loop.h"
#undef RUN_NAME
#undef TIMING
#undef VERIFY

#define RUN_NAME run_functional_verify
#define TIMING 0
#define VERIFY 1
#include "run_loop.h"
#undef RUN_NAME
#undef TIMING
#undef VERIFY

#define RUN_NAME run_timing_verify
#define TIMING 1
#define VERIFY 1
#include "run_loop.h"
#undef RUN_NAME
#undef TIMING
#undef VERIFY

/* Start state from the configured fields (pc, x, mem_*, tm, caches' geometry, flags):
 * clears everything that running changes. */
void zs_reset(zs_state *st)
{
    const zs_timing *tm = &st->tm;
    st->sprf = 1;
    st->x[0] = st->x[32] = 0;
    st->exit_code = 0;
    st->sasa_valid = 0;
    memset(st->sasa, 0, sizeof st->sasa);
    memset(st->counters, 0, sizeof st->counters);
    memset(st->insn_counts, 0, sizeof st->insn_counts);
    memset(st->ready, 0, sizeof st->ready);
    st->in_block = 0;
    st->tainted = 0;
    st->slots_ready = 0;
    st->decoded_lo = 1;
    st->decoded_hi = 0;
    st->last_fetch_line = UINT32_MAX;
    st->next_ex = tm->execute_stage - 1;     /* the first instruction is fetched in cycle 0 */
    if (!st->functional) st->counters[ZC_STALL_FILL] = tm->stages - 1;
    for (int c = 0; c < OPC_COUNT; c++) {
        int is_load = c == OPC_LOAD || c == OPC_LOAD_ZD;
        st->tm_result[c] = tm->bypassing ? (is_load ? tm->memory_stages : 0)
                                         : tm->stages - tm->decode_stage - 1;
        st->tm_cause[c] = is_load ? ZC_STALL_LOAD_USE : c == OPC_MUL ? ZC_STALL_MUL
                        : c == OPC_DIV ? ZC_STALL_DIV : ZC_STALL_RAW;
    }
    for (zs_cache *c = &st->icache; c; c = c == &st->icache ? &st->dcache : NULL) {
        c->stamp = 0;
        memset(c->valid, 0, sizeof c->valid);
        memset(c->dirty, 0, sizeof c->dirty);
    }
}

int zs_run(zs_state *st, uint8_t *mem, void *slots, uint64_t max_insns)
{
    if (st->functional)
        return st->verify ? run_functional_verify(st, mem, slots, max_insns)
                          : run_functional(st, mem, slots, max_insns);
    return st->verify ? run_timing_verify(st, mem, slots, max_insns)
                      : run_timing(st, mem, slots, max_insns);
}
