/* The zskip core: state, counters and the batch run call (the whole cffi boundary).
 *
 * The state is configuration (zs_config: set by Python before zs_reset, never changed
 * by running), architectural state (zs_arch: pc, registers, SpRF, SASA table), the
 * report of the last zs_run (zs_report: exit code, fault, output), the counters and
 * the microarchitectural state (zs_uarch: pipeline, caches, predictor, blocks), which
 * is C's alone. Memory and the predecoded-slot array are buffers owned by Python
 * (numpy). Counters are a flat uint64 array indexed by enum zs_counter; Python reads
 * their names with zs_counter_name(), so the list exists only here.
 *
 * build_core.py makes the cffi cdef from this header: preprocessed with ZS_CDEF
 * defined, it is what Python sees (zs_uarch, under #ifndef ZS_CDEF, is not), plus the
 * numeric ZS_* #defines. */
#ifndef ZSKIP_CORE_H
#define ZSKIP_CORE_H

#ifndef ZS_CDEF
#include <stdint.h>
#endif

#include "isa_table.h"
#include "trace_record.h"

/* Action and event counters. STALL_* (STALL_FILL is the pipeline fill) plus one cycle
 * per retired instruction sum to CYCLES. Per-instruction counts are kept apart
 * (insn_counts, in table order); everything derivable from them is derived in Python. */
#define ZS_COUNTER_LIST(X) \
    X(INSTRET) X(CYCLES) \
    X(STALL_LOAD_USE) X(STALL_RAW) X(STALL_MUL) X(STALL_DIV) X(STALL_BRANCH_MISPREDICT) \
    X(STALL_TAKEN_BRANCH) X(STALL_JUMP) X(STALL_SKIP) X(STALL_ICACHE) X(STALL_DCACHE) \
    X(STALL_FILL) \
    X(BRANCHES_TAKEN) X(MISPREDICTIONS) \
    X(SKIPS_TAKEN) X(SKIPS_LOST) X(SKIPPED_INSNS) X(SASA_LOOKUPS) X(SASA_CHECKS) X(SASA_HITS) \
    X(RF_WRITES) \
    X(ICACHE_MISSES) X(DCACHE_MISSES) X(DCACHE_WRITEBACKS) \
    X(MEM_READ_WORDS) X(MEM_WRITE_WORDS)

enum zs_counter {
#define ZS_COUNTER_ENUM(name) ZC_##name,
    ZS_COUNTER_LIST(ZS_COUNTER_ENUM)
#undef ZS_COUNTER_ENUM
    ZS_NUM_COUNTERS
};

/* Why zs_run returned. */
enum zs_status {
    ZS_RUNNING = 0,          /* max_insns retired, program still running */
    ZS_EXIT,                 /* ecall exit: exit_code holds a0 */
    ZS_BREAKPOINT,           /* ebreak (pc is past it, so run resumes after it) */
    ZS_OUTPUT,               /* ecall write: out_fd/out_addr/out_len to capture, then resume */
    ZS_TRANSLATION_STALE,    /* the translation left for code it has not often enough,
                              * or a SASA trigger it does not check was written:
                              * translate again (the program resumes at pc) */
    ZS_ILLEGAL_INSTRUCTION,
    ZS_MISALIGNED_ACCESS,
    ZS_ACCESS_FAULT,
    ZS_FETCH_FAULT,
    ZS_UNSUPPORTED_ECALL,
    ZS_UNSAFE_SKIP,
    ZS_SWITCH                /* internal: continue in the other loop (never returned) */
};

/* What verify-skips found (fault_addr holds the register number or the address). */
enum zs_unsafe {
    ZS_UNSAFE_STORE = 1,     /* a store inside the block changed memory */
    ZS_UNSAFE_REGISTER,      /* a register changed by the block was read afterwards */
    ZS_UNSAFE_EXIT,          /* control left the block other than through its end */
    ZS_UNSAFE_ECALL          /* a system call inside the block */
};

#define ZS_SASA_MAX 256
#define ZS_CACHE_MAX_LINES 16384
/* Basic blocks with precomputed timing (the fast timing loop): at most this many per
 * run of decoded code (fence.i starts over), each at most ZS_BLOCK_MAX_LEN long. */
#define ZS_MAX_BLOCKS 4096
/* a block with k SASA triggers has about 2k cuts (from its start to a trigger, the
 * trigger alone): 12 keep mlp_os's four-trigger tile loop off replays */
#define ZS_BLOCK_CUTS 12
#define ZS_BLOCK_MAX_LEN 256
#define ZS_BLOCK_MAX_LINES 72      /* ZS_BLOCK_MAX_LEN words on 16-byte lines, and more */
/* The counters a block's static schedule changes (STALL_LOAD_USE .. MISPREDICTIONS). */
#define ZS_BLOCK_CTR_FIRST ZC_STALL_LOAD_USE
#define ZS_BLOCK_CTRS (ZC_MISPREDICTIONS - ZC_STALL_LOAD_USE + 1)

typedef struct {
    uint32_t trigger, len;   /* len 0: entry empty */
    uint8_t rs1, rs2, is_and, pad;
} zs_sasa_entry;

/* ---- configuration ---- */

typedef struct {
    uint32_t sets, ways, line_shift, line_words, hit_latency, miss_penalty;
} zs_cache_config;

/* The branch predictor (predictor.h); entries and btb_entries powers of two. */
enum zs_predictor_kind { ZS_PRED_NOT_TAKEN, ZS_PRED_BTFN, ZS_PRED_BIMODAL, ZS_PRED_GSHARE };
typedef struct {
    uint32_t kind;                     /* enum zs_predictor_kind */
    uint32_t entries, history_bits, btb_entries;
} zs_predictor_config;

/* Timing parameters (set by Python from the config; see configs/embedded.toml). */
typedef struct {
    uint32_t stages, decode_stage, execute_stage, memory_stages;
    uint32_t bypassing;
    zs_predictor_config bp;
    uint32_t mul_pipelined;                   /* 1: a mul may start every cycle */
    uint32_t skip_taken_penalty, skip_not_taken_penalty;
    uint32_t occupancy[OPC_COUNT];            /* cycles each class holds EX */
    uint32_t div_data_dependent;              /* divider: base + bits of |dividend| */
    uint32_t memory_latency;                  /* cycles to read or write one line */
} zs_timing;

typedef struct {
    uint32_t mem_base, mem_size;
    uint32_t functional, verify;
    uint32_t per_instruction; /* 1: never the block fast path (the exact reference loop) */
    uint32_t sasa_entries;
    uint32_t xzs;             /* 0: no Xzs hardware, its rows decode as illegal */
    zs_timing tm;
    zs_cache_config icache, dcache;
} zs_config;

/* ---- architectural state ---- */
typedef struct {
    uint32_t pc;
    uint32_t x[33];          /* x[32] is the sink for writes to x0 */
    uint64_t sprf;           /* bit i = SpRF[i]; bit 0 always set, bit 32 the x0 sink */
    uint32_t sasa_valid;     /* entries in use */
    zs_sasa_entry sasa[ZS_SASA_MAX];
} zs_arch;

/* ---- why the last zs_run stopped ---- */
typedef struct {
    int32_t exit_code;
    uint32_t fault_pc, fault_word, fault_addr, fault_has_word, fault_is_store;
    uint32_t out_fd, out_addr, out_len;
    uint32_t unsafe_kind, block_start, block_end;
} zs_report;

/* ---- execution trace (trace.h) ----
 * While `on`, zs_run retires every instruction through the traced per-instruction loop
 * and writes a record for each whose pc is in [pc_first, pc_last] into the ring
 * `records` (capacity records, owned by Python): at `pos`, which wraps, so the ring keeps
 * the last `capacity`; `written` counts every record written. Python sets all but
 * `written` and `pos` (which it zeroes) before the first traced zs_run; the fast loops
 * never look at any of it. */
typedef struct {
    zs_trace_record *records;
    uint64_t capacity, written, pos;
    uint32_t on, pc_first, pc_last;
} zs_trace;

/* ---- microarchitectural state ---- */
#ifndef ZS_CDEF
#include "predictor.h"

typedef struct zs_slot zs_slot;
struct zs_state;

typedef struct {
    zs_cache_config geo;                   /* copied from zs_config at reset */
    uint64_t stamp, fills;                 /* fills: lines replaced so far */
    uint64_t moves;                        /* changes of a set's most recent line so far */
    uint32_t tag[ZS_CACHE_MAX_LINES];      /* line address (addr >> line_shift); all ones
                                            * where invalid */
    uint32_t mru[ZS_CACHE_MAX_LINES];      /* per set: its most recently used way (index) */
    uint64_t lru[ZS_CACHE_MAX_LINES];      /* last-use stamp */
    uint8_t valid[ZS_CACHE_MAX_LINES], dirty[ZS_CACHE_MAX_LINES];
} zs_cache;

/* See forwarding.h. */
typedef struct {
    uint32_t result[OPC_COUNT];   /* cycles after EX occupancy until a consumer may start EX */
    uint32_t writeback;           /* cycles after EX occupancy until WB */
} zs_forwarding;

/* How a block ended: its outcome (0 fall-through, 1 taken) + 2 * the predictor's
 * verdict on its final branch (enum zs_verdict; 0 for other ends).
 * Under a static predictor the block loop keeps the outcome alone (end_code()). */
#define ZS_ENDS (2 * ZS_VERDICTS)

/* A basic block's timing when it starts with every register ready, its fetch line
 * already in the I-cache and every data access hitting: what each execution adds,
 * per end. Executions that see any other event replay the per-instruction model
 * instead (zs_core.c). The fields a static run reads come first, close together (a
 * run touches few of the host's cache lines); those only a replay, a miss or the
 * count at the end read, after them. */
typedef struct {
    uint64_t igen;                          /* I-cache generation after its last fetches */
    uint64_t imoves;                        /* I-cache moves then (its lines the most recent) */
    uint64_t runs[ZS_ENDS];                 /* executions on the static schedule */
    uint32_t cycles[ZS_ENDS];               /* next_ex advance */
    uint32_t last_t;                        /* EX start of its last instruction (offset) */
    uint32_t max_ready;                     /* latest register ready time (offset) */
    uint32_t first_line, nlines, last_line; /* the fetch lines it spans */
    uint32_t nwrites;
    /* a run right after its own static run: next_ex advance when that updates neither
     * the I-cache's order (its lines are the most recent) nor max_ready (no ready time
     * later than its end), else 0; the I-cache stall of fetching its first line again */
    uint32_t again[ZS_ENDS], again_stall;
    /* the registers it writes, in the order of their last writers: ready time (offset),
     * the writer's op class and position */
    struct { uint8_t reg, opc; uint16_t pos; uint32_t ready; } writes[33];
    /* ... as masks: all of them, and those whose last writer is a zero-detect load (a
     * SpRF question reads their ready times); where each is in writes[] */
    uint64_t wmask, zd_wmask;
    uint8_t wslot[33];
    uint32_t line_index[ZS_BLOCK_MAX_LINES];  /* where its lines sat in the I-cache at igen */
    /* the registers it reads before writing them (its inputs), and the earliest EX start
     * (offset) of their first reader: an input ready by then costs the schedule nothing */
    uint32_t ninputs;
    struct { uint32_t reg, at; } inputs[33];
    /* positions where a data-cache stall would be absorbed in part by a later operand
     * wait (between the wait's producer and its consumer): a stall anywhere else
     * delays everything after it alike (run_static_stalled) */
    uint64_t absorbs[ZS_BLOCK_MAX_LEN / 64];
    /* its cuts (zs_core.c block_cut): the static schedules of runs of its slots that
     * left it at a SASA skip, by first slot (pc) and length (0: none yet) */
    struct { uint32_t pc, len, blk; } cuts[ZS_BLOCK_CUTS];
    uint32_t ctr[ZS_ENDS][ZS_BLOCK_CTRS];   /* counter deltas */
} zs_block;

typedef struct {
    /* timing: a SASA write not yet in effect (sasa_pending), and the first fetch cycle
     * that sees it */
    uint32_t sasa_pending;
    zs_sasa_entry sasa_next;
    uint64_t sasa_pending_at;
    /* the block loop's handler for a slot that is a SASA trigger (as h[1]); set by the
     * block loop, so valid wherever a slot has an h[1] */
    int32_t block_trigger_handler;
    /* timing state: earliest EX-start cycle of the next instruction, register readiness */
    zs_forwarding fw;
    uint64_t next_ex, max_ready;     /* max_ready: no ready[] is later than this */
    uint64_t ready[33];
    uint8_t ready_opc[33];           /* op class of the last writer (see zs_pipe) */
    uint32_t last_fetch_line;
    zs_cache icache, dcache;
    zs_predictor bp;
    /* fast timing loop: blocks (index 0 unused) and the data-cache accesses of the
     * running block that stalled beyond a hit: their stalls and positions, in order */
    uint32_t nblocks;
    uint32_t miss_stall[ZS_BLOCK_MAX_LEN];
    uint16_t miss[ZS_BLOCK_MAX_LEN];
    /* ... and of the pending static run (zs_pipe.pending), when they shifted it */
    uint32_t pending_miss_stall[ZS_BLOCK_MAX_LEN];
    uint16_t pending_miss[ZS_BLOCK_MAX_LEN];
    /* verify-skips */
    uint32_t in_block;
    uint64_t tainted;
    uint32_t shadow_x[33];
    uint64_t shadow_sprf;
    /* predecode bookkeeping */
    uint32_t slots_ready, decoded_lo, decoded_hi;
    /* one zs_run call: retired count at its start, dispatched so far */
    uint64_t instret0, run_n;
    /* (after the fields the fast loops use, which keep their offsets) a SASA skip decided but not yet made when the last zs_run stopped (the trigger
     * retired, the fetch after it not yet done): slot index + 1 (0: none), length */
    uint32_t sasa_skip_at, sasa_skip_len;
    /* tracing: the counters at the last retire (trace_last valid when trace_primed) */
    uint32_t trace_primed;
    uint64_t trace_last[ZS_NUM_COUNTERS];
    /* the handler table of the per-instruction loop whose offsets the slots' h[0] hold
     * (NULL: none yet; the traced and the untraced loop take the slots over in turn) */
    const int32_t *h0_handlers;
    /* the translated block loop of the program's code (translate.py; NULL: none), set by
     * zs_translate; fence.i drops it */
    int (*translated)(struct zs_state *, uint8_t *, zs_slot *, uint64_t);
    uint32_t untranslated;   /* it stopped at a slot it has no code for */
    uint32_t untranslated_exits;   /* ... so many times since zs_translate */
    /* per slot: the translation checks it as a SASA trigger (a table write making a
     * trigger elsewhere drops the translation and makes it stale: zs_run asks for one) */
    const uint8_t *tchecked;
    uint32_t translation_stale;
    /* a zero-detect load has been decoded since reset: some register's last writer may
     * be one, whose ready time a SpRF question reads (see run_static) */
    uint32_t zero_detect_seen;
    /* the registers whose last writer is a zero-detect load (zs_pipe.zd_regs) */
    uint64_t zd_regs;
    /* last: the fields above keep small offsets from the state, whatever its size */
    zs_block blocks[ZS_MAX_BLOCKS];
} zs_uarch;
#endif

typedef struct zs_state {
    zs_config cfg;
    zs_arch arch;
    zs_report report;
    uint64_t counters[ZS_NUM_COUNTERS];
    uint64_t insn_counts[ZS_NUM_INSNS];
#ifdef ZS_CDEF
    ...;
#else
    zs_uarch u;
#endif
    zs_trace trace;          /* last: the fast loops' offsets into the state stay as they were */
} zs_state;

/* Size of one predecoded slot; Python allocates mem_size / 4 + 1 of them. */
#define ZS_SLOT_SIZE 32

void zs_reset(zs_state *st);
int zs_run(zs_state *st, uint8_t *mem, void *slots, uint64_t max_insns);
void zs_translate(zs_state *st, void *run, const uint8_t *checked);
const char *zs_counter_name(int i);

#endif
