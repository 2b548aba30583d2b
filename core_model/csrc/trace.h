/* Execution tracing: one record (trace_record.h, generated from traces/record.py) per
 * retired instruction, written by the traced per-instruction loop (run_loop.h with
 * TRACE 1) where it dispatches the next instruction. The record observes the counters:
 * what an instruction was charged is how far they moved since the previous one retired
 * (its fetch, operand waits, EX, data-cache stall, redirect or skip penalty, its SASA
 * lookup), so a whole run's records sum to its counters. Included by zs_core.c. */
#ifndef ZSKIP_TRACE_H
#define ZSKIP_TRACE_H

#define ZS_TRACE_COUNT_STALL(CAUSE, I) + 1
_Static_assert(0 ZS_TRACE_STALLS(ZS_TRACE_COUNT_STALL) == ZC_STALL_FILL - ZC_STALL_LOAD_USE,
               "every stall counter but the fill has a cause in traces/record.py");
#undef ZS_TRACE_COUNT_STALL

/* The counters at the start of a traced run (the previous zs_run folded them), and the
 * SASA skip an untraced trigger left to make: it is the trigger's, not the first traced
 * instruction's. */
static inline void trace_prime(zs_state *st)
{
    if (!st->trace.on) {
        st->u.trace_primed = 0;
    } else if (!st->u.trace_primed) {
        memcpy(st->u.trace_last, st->counters, sizeof st->u.trace_last);
        if (st->u.sasa_skip_at) st->u.trace_last[ZC_SKIPPED_INSNS] += st->u.sasa_skip_len;
        st->u.trace_primed = 1;
    }
}

/* Instruction number `index` in slot s at pc retired, writing `value` to rd (if it
 * writes one), in cycle `retire` (Stats.cycles' count), its EX started in cycle `ex`;
 * sasa_skip: the block its SASA trigger skips (counted when the fetch after it is
 * skipped, charged here). */
static void trace_retire(zs_state *st, const uint8_t *mem, const zs_slot *s, uint32_t pc,
                         uint32_t value, uint64_t index, uint64_t retire, uint64_t ex,
                         uint32_t sasa_skip)
{
    zs_trace *tr = &st->trace;
    const uint64_t *now = st->counters;
    uint64_t *last = st->u.trace_last;
    if (pc - tr->pc_first <= tr->pc_last - tr->pc_first) {
        zs_trace_record *r = &tr->records[tr->pos];
        int wrd = writes_rd[s->id] && s->rd != 32;
        r->cycle = retire;
        r->index = index;
        r->pc = pc;
        memcpy(&r->word, mem + (pc - st->cfg.mem_base), 4);
        r->value = wrd ? value : 0;
        r->rd = wrd ? s->rd : 0;
        r->skipped = (uint32_t)(now[ZC_SKIPPED_INSNS] - last[ZC_SKIPPED_INSNS]) + sasa_skip;
        r->ex_to_retire = (uint32_t)(retire - ex);
#define ZS_TRACE_STALL(CAUSE, I) \
        r->stalls[I] = (uint32_t)(now[ZC_STALL_##CAUSE] - last[ZC_STALL_##CAUSE]);
        ZS_TRACE_STALLS(ZS_TRACE_STALL)
#undef ZS_TRACE_STALL
#define ZS_TRACE_FLAG(FLAG, COUNTER, BIT) \
        | (uint16_t)((now[ZC_##COUNTER] != last[ZC_##COUNTER]) << (BIT))
        r->flags = 0 ZS_TRACE_FLAGS(ZS_TRACE_FLAG);
#undef ZS_TRACE_FLAG
        r->lost = (uint8_t)(now[ZC_SKIPS_LOST] - last[ZC_SKIPS_LOST]);
        if (++tr->pos == tr->capacity) tr->pos = 0;
        tr->written++;
    }
    /* what the records read: the stall and event counters */
    memcpy(last + ZC_STALL_LOAD_USE, now + ZC_STALL_LOAD_USE,
           (ZC_DCACHE_MISSES + 1 - ZC_STALL_LOAD_USE) * sizeof *last);
    last[ZC_SKIPPED_INSNS] += sasa_skip;   /* charged to the trigger, not to what follows */
}

#endif
