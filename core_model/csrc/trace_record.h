/* Auto-generated from traces/record.py (FIELDS, STALL_CAUSES, FLAGS): do not edit. */
#ifndef ZSKIP_TRACE_RECORD_H
#define ZSKIP_TRACE_RECORD_H

/* One retired instruction (80 bytes; numpy: zskip.traces.record.TRACE_DTYPE). */
typedef struct {
    uint64_t cycle;         /* cycles elapsed when it retires (Stats.cycles' count: the last record of a whole run is the run's cycles) */
    uint64_t index;         /* retired-instruction number, from 0 at reset */
    uint32_t pc;            /* its address */
    uint32_t word;          /* the instruction word */
    uint32_t value;         /* the value written to rd (0 when rd is 0) */
    uint32_t skipped;       /* instructions it skipped: a taken skip-branch's, or a SASA trigger's block */
    uint32_t ex_to_retire;  /* cycles from the start of its EX to its retire */
    uint32_t stalls[10];    /* stall cycles charged to it, by cause (STALL_CAUSES order) */
    uint16_t flags;         /* FLAGS bits */
    uint8_t rd;             /* the register it wrote (0: none) */
    uint8_t lost;           /* skips lost to timing (its skip-branch's, its SASA trigger's: at most 2) */
} zs_trace_record;

/* X(CAUSE, i): stalls[i] counts ZC_STALL_<CAUSE>. */
#define ZS_TRACE_STALLS(X) \
    X(LOAD_USE, 0) \
    X(RAW, 1) \
    X(MUL, 2) \
    X(DIV, 3) \
    X(BRANCH_MISPREDICT, 4) \
    X(TAKEN_BRANCH, 5) \
    X(JUMP, 6) \
    X(SKIP, 7) \
    X(ICACHE, 8) \
    X(DCACHE, 9) \

#define ZS_TRACE_NUM_STALLS 10

/* X(FLAG, COUNTER, bit): flags bit `bit` is set when ZC_<COUNTER> moved. */
#define ZS_TRACE_FLAGS(X) \
    X(BRANCH_TAKEN, BRANCHES_TAKEN, 0) \
    X(MISPREDICTED, MISPREDICTIONS, 1) \
    X(SKIP_TAKEN, SKIPS_TAKEN, 2) \
    X(SASA_HIT, SASA_HITS, 3) \
    X(ICACHE_MISS, ICACHE_MISSES, 4) \
    X(DCACHE_MISS, DCACHE_MISSES, 5) \

#endif
