/* The in-order pipeline, one instruction at a time: fetch (I-cache), operand hazards
 * (forwarding.h), EX occupancy by op class, data-cache stalls, redirects (the branch
 * predictor's verdict, jumps), and when decode sees an SpRF bit.
 *
 * The only definition of the timing rules: the per-instruction loop calls pipe_issue()
 * and pipe_end() (through ISSUE and END_AND_DISPATCH of run_loop.h), pipe_slot() is
 * the same for a decoded slot, the block precompute runs it once per block on an idle
 * pipeline, and the replay runs it over a block execution that saw a dynamic event.
 * Included by zs_core.c after the slot and operand tables. */
#ifndef ZSKIP_PIPELINE_H
#define ZSKIP_PIPELINE_H

typedef struct {
    uint64_t next_ex;        /* earliest EX start of the next instruction */
    uint64_t t;              /* EX start of the current one */
    uint64_t max_ready;
    uint64_t zd_regs;        /* registers whose last writer is a zero-detect load */
    uint32_t fetch_line;
    int real_icache;         /* 0: every fetch hits (the block precompute) */
    uint64_t waited_on;      /* registers waited for (the block precompute) */
    /* the block loop writes a block's ready times when something may read them: the
     * last static run (block index, entry cycle, and the data-cache stalls that shifted
     * it: so many, in st->u.pending_miss) until then */
    uint32_t pending;
    uint32_t pending_nmiss;
    uint64_t pending_entry;
    uint64_t *ready;
    uint8_t *ready_opc;      /* op class of each register's last writer (the cause of a
                              * wait for it: left as it was where no wait can read it,
                              * see settle_sprf) */
    uint64_t *ctr;
} zs_pipe;

static inline void pipe_set_ready(zs_pipe *p, uint32_t r, uint64_t when)
{
    p->ready[r] = when;
    if (when > p->max_ready) p->max_ready = when;
}

/* May the next instruction start on a schedule that assumed every register ready?
 * (No ready time is later than its earliest EX start.) */
static inline int pipe_all_ready(const zs_pipe *p)
{
    return p->max_ready <= p->next_ex;
}

/* IF: the I-cache is looked up when fetch moves to another line. */
static inline void pipe_fetch(zs_state *st, zs_pipe *p, uint32_t pc)
{
    p->t = p->next_ex;
    uint32_t line = pc >> st->u.icache.geo.line_shift;
    if (__builtin_expect(line != p->fetch_line, 0)) {
        uint32_t stall = p->real_icache
            ? cache_access(&st->u.icache, st->cfg.tm.memory_latency, p->ctr, pc, 0,
                           ZC_ICACHE_MISSES, ZC_ICACHE_MISSES)
            : st->u.icache.geo.hit_latency - 1;
        p->fetch_line = line;
        p->t += stall;
        p->ctr[ZC_STALL_ICACHE] += stall;
    }
}

/* ID: wait for a source register, charged to the producer's cause. */
static inline void pipe_hazard(const zs_state *st, zs_pipe *p, uint32_t r)
{
    uint64_t ready = p->ready[r];
    if (ready > p->t) {
        p->waited_on |= 1ull << r;
        p->ctr[stall_cause[p->ready_opc[r]]] += ready - p->t;
        p->t = ready;
    }
}

/* The cycle the current instruction is in ID (after its waits). */
static inline uint64_t pipe_decode_cycle(const zs_state *st, const zs_pipe *p)
{
    return p->t - (st->cfg.tm.execute_stage - st->cfg.tm.decode_stage);
}

/* Does decode see the SpRF bit of r in `cycle`? A zero-detect load sets it at WB,
 * bypassing or not (its ready time less the forwarding delay plus the cycles to WB;
 * a data-cache stall delays both alike). Any other write clears it in ID (the decoder
 * sees that rd is written by an instruction that is not a zero-detect load), so every
 * later decode sees the clear. */
static inline int zd_result_known(const zs_state *st, uint64_t ready, uint64_t cycle)
{
    return ready + st->u.fw.writeback <= cycle + st->u.fw.result[OPC_LOAD_ZD];
}

static inline int pipe_sprf_known(const zs_state *st, const zs_pipe *p, uint32_t r,
                                  uint64_t cycle)
{
    return !(p->zd_regs >> r & 1) || zd_result_known(st, p->ready[r], cycle);
}

/* EX: the op class's latency; a pipelined multiplier holds EX one cycle of it, every
 * other unit all of it. The result reaches consumers as forwarding says. */
static inline void pipe_execute(zs_state *st, zs_pipe *p, uint32_t opc, int wrd, uint32_t rd,
                                uint32_t dividend)
{
    uint32_t lat = st->cfg.tm.occupancy[opc];
    if (opc == OPC_DIV && st->cfg.tm.div_data_dependent) lat += div_bits(dividend);
    uint32_t occ = opc == OPC_MUL && st->cfg.tm.mul_pipelined ? 1 : lat;
    p->next_ex = p->t + occ;
    if (occ > 1) p->ctr[stall_cause[opc]] += occ - 1;
    if (wrd) {
        pipe_set_ready(p, rd, p->t + lat + st->u.fw.result[opc]);
        p->ready_opc[rd] = (uint8_t)opc;
        p->zd_regs = (p->zd_regs & ~(1ull << rd)) | (uint64_t)(opc == OPC_LOAD_ZD) << rd;
    }
}

/* MEM: a data-cache stall holds EX and delays a load's result. */
static inline void pipe_dcache(zs_pipe *p, uint32_t stall, int load, uint32_t rd)
{
    if (stall) {
        p->next_ex += stall;
        if (load) pipe_set_ready(p, rd, p->ready[rd] + stall);
        p->ctr[ZC_STALL_DCACHE] += stall;
    }
}

/* A redirect resolved in `stage` refetches the stage - 1 younger slots. */
static inline void pipe_redirect(zs_pipe *p, uint32_t stage, int counter)
{
    p->next_ex += stage - 1;
    p->ctr[counter] += stage - 1;
}

/* Fetch, operand hazards and EX of one instruction (r1, r2, rdr: it reads rs1, rs2,
 * rd; wrd: it writes rd). */
static inline void pipe_issue(zs_state *st, zs_pipe *p, uint32_t pc, uint32_t opc, int r1,
                              int r2, int rdr, int wrd, const zs_slot *s, uint32_t dividend)
{
    pipe_fetch(st, p, pc);
    if (r1) pipe_hazard(st, p, s->rs1);
    if (r2) pipe_hazard(st, p, s->rs2);
    if (rdr) pipe_hazard(st, p, s->rd);
    pipe_execute(st, p, opc, wrd, s->rd, dividend);
}

/* The stage of a redirect (enum zs_redirect). */
static inline uint32_t redirect_stage(const zs_timing *tm, uint32_t redirect)
{
    return redirect == ZS_REDIRECT_EXECUTE ? tm->execute_stage
         : redirect == ZS_REDIRECT_DECODE ? tm->decode_stage : 1;
}

/* The redirect at the end of a block ending in control flow decided from registers
 * (ZS_REG_FLOW; see ZS_ENDS), in the row's redirect stage: a conditional branch's when
 * the predictor missed it (predicted late: in ID, from the BTB), a jump's always. */
static inline void pipe_end(zs_state *st, zs_pipe *p, uint32_t id, uint32_t opc, int end)
{
    const zs_timing *tm = &st->cfg.tm;
    if (ZS_IS_COND(opc)) {
        if (end >> 1 == ZS_MISPREDICTED) {
            p->ctr[ZC_MISPREDICTIONS]++;
            pipe_redirect(p, redirect_stage(tm, redirect_of[id]), ZC_STALL_BRANCH_MISPREDICT);
        } else if (end >> 1 == ZS_PREDICTED_LATE) {
            pipe_redirect(p, tm->decode_stage, ZC_STALL_TAKEN_BRANCH);
        }
    } else {
        pipe_redirect(p, redirect_stage(tm, redirect_of[id]), ZC_STALL_JUMP);
    }
}

/* A conditional branch's end: its outcome and what the predictor made of it. */
static inline int pipe_predict(zs_state *st, uint32_t pc, int32_t imm, int taken)
{
    return taken + 2 * pred_branch(&st->u.bp, &st->cfg.tm.bp, pc, imm, taken);
}

/* Where a block ended early (END_NONE: not at its end; END_ABORTED: faulted; a branch
 * only faults when taken). */
enum { END_NONE = -1, END_ABORTED = ZS_ENDS };

/* The timing of decoded slot s at pc, then its data-cache and redirect events: dstall
 * is the data-cache stall it saw, end how it ended the block. */
static inline void pipe_slot(zs_state *st, zs_pipe *p, const zs_slot *s, uint32_t pc,
                             uint32_t dstall, int end)
{
    pipe_issue(st, p, pc, s->opc, reads_rs1[s->id], reads_rs2[s->id], reads_rd[s->id],
               writes_rd[s->id], s, 0);
    if (end == END_ABORTED) {
        if (ZS_IS_BRANCH(s->id, s->opc)) p->ctr[ZC_BRANCHES_TAKEN]++;
    } else if (ZS_IS_MEMORY(s->opc)) {
        pipe_dcache(p, dstall, ZS_IS_LOAD(s->opc), s->rd);
    } else if (end != END_NONE && ZS_REG_FLOW(s->id, s->opc)) {
        if (ZS_IS_COND(s->opc) && end & 1) p->ctr[ZC_BRANCHES_TAKEN]++;
        pipe_end(st, p, s->id, s->opc, end);
    }
}

#endif
