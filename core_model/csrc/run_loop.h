/* The interpreter loop, a template without include guard: zs_core.c includes it once
 * per variant (as Spike compiles fast and traced variants from the same bodies). Before
 * including, define:
 *   RUN_NAME  the function name
 *   TIMING    1: pipeline, cache and stall model; 0: functional (ideal SpRF, no cycles)
 *   VERIFY    1: verify-skips (execute skipped blocks and check them; every instruction
 *             takes the slow path)
 *   BLOCKS    1: the block loop: checks and counting only where a block ends, timing
 *             per block (zs_core.c: build_block, run_static, replay_block); it returns
 *             ZS_SWITCH where it cannot go on (a block not seen before, a SASA trigger,
 *             the instruction limit near, a block without a static schedule).
 *             0: the per-instruction loop, the exact reference: every instruction is
 *             timed through ISSUE; it returns ZS_SWITCH where the block loop can go on.
 * and optionally
 *   PREDICTING 1 (block loop with timing): ask the branch predictor at every branch
 *             (a dynamic one); else the block records the outcome alone (end_code()).
 *   TRACE     1 (per-instruction loop with timing): write a trace record (trace.h) for
 *             every instruction as it retires, and never hand over to the block loop.
 *   TRANSLATED 1 (block loop): a translation (translate.py): the handlers are the
 *             program's slots, ZS_TRANSLATED_CODE, with their fields as constants.
 * The template undefines these at its end.
 *
 * Threaded dispatch: each predecoded slot holds its handler (as an offset from L_DECODE);
 * every handler ends with its own copy of the dispatch. Timing observes each
 * instruction through ISSUE (hazards, EX occupancy, fetch) and through the effect
 * macros the bodies call. The block loop times a block at its end: after the body of
 * a branch or jump (whose outcome selects the schedule), before the body of any other
 * end (skip-branch, CSR read, system, SASA write), whose effects may read the time. */

#ifndef PREDICTING
#define PREDICTING 0
#endif
#ifndef TRACE
#define TRACE 0
#endif
#ifndef TRANSLATED
#define TRANSLATED 0
#endif
#if TRACE && (BLOCKS || !TIMING)
#error "a traced loop is a per-instruction loop with timing"
#endif
#if TRANSLATED && (!BLOCKS || VERIFY || TRACE)
#error "a translated loop is a block loop"
#endif

static int RUN_NAME(zs_state *st, uint8_t *mem, zs_slot *slots, uint64_t max_insns)
{
/* Handlers as offsets from L_DECODE, so a zeroed slot means "not decoded yet": no
 * initialisation pass over the slots, and fence.i just clears them. The block loop and
 * the per-instruction loop each keep their own (h[BLOCKS]). */
#if TRANSLATED
    /* translate.py's code: per slot from ZS_T_LO to ZS_T_HI (the slot after them too)
     * its label where a block may start there (S) or it checks the SASA table (T), else
     * L_DECODE (F, E), as offsets */
#define ZS_TLABEL(IDX, ...) (int32_t)(&&L_T##IDX - &&L_DECODE),
#define ZS_TNONE(...) 0,
    static const int32_t tlabels[] = {
        ZS_TRANSLATED_CODE(ZS_TLABEL, ZS_TNONE, ZS_TLABEL, ZS_TNONE)
    };
    int32_t tcont = 0;            /* where a trigger's check goes on: its code */
#undef ZS_TLABEL
#undef ZS_TNONE
#else
#define ZS_HANDLER_OFFSET(ID, ...) (int32_t)(&&L_##ID - &&L_DECODE),
    static const int32_t handlers[ZS_NUM_HANDLERS] = {
        ZS_INSN_LIST(ZS_HANDLER_OFFSET)
        [ZS_ID_ILLEGAL] = (int32_t)(&&L_ILLEGAL - &&L_DECODE),
        [ZS_ID_FETCH_END] = (int32_t)(&&L_FETCH_END - &&L_DECODE),
    };
#undef ZS_HANDLER_OFFSET
#endif
    /* the registers in the frame (copied back at the end): addressed from the stack
     * pointer, they need no register of their own */
    uint32_t x[33];
    memcpy(x, st->arch.x, sizeof x);
    x[0] = 0;                     /* hardwired, whatever Python wrote there */
#if TRANSLATED
    /* the memory and data cache a translation was made for, as constants the compiler
     * folds into every access (translate.py; in code that checks SASA triggers, the
     * table's size too: zs_core.c sasa_entry) */
    const uint32_t base = ZS_T_MEM_BASE, size = ZS_T_MEM_SIZE;
#if TIMING
    static const zs_cache_config dgeo = ZS_T_DCACHE;
#endif
#else
    const uint32_t base = st->cfg.mem_base, size = st->cfg.mem_size;
#if TIMING
    const zs_cache_config *const dgeo_ = &st->u.dcache.geo;
#define dgeo (*dgeo_)
#endif
#endif
    const uint64_t instret0 = st->u.instret0;
#if TRANSLATED
    /* the SpRF as a mask: every register number is a constant, so the writes of a
     * block's straight code fold into one AND */
    uint64_t zfm = st->arch.sprf;
#define ZF(r)        ((uint32_t)(zfm >> (r)) & 1)
#define ZF_SET(r, b) (zfm = (zfm & ~(1ull << (r))) | (uint64_t)(b) << (r))
#define SPRF_NOW()   zfm
#else
    /* the SpRF one byte per register (zf[r] = SpRF[r]): a write to a register numbered
     * at run time clears its byte with one store, no read-modify-write chain */
    uint8_t zf[33];
    sprf_unpack(zf, st->arch.sprf);
#define ZF(r)        zf[r]
#define ZF_SET(r, b) (zf[r] = (uint8_t)(b))
#define SPRF_NOW()   sprf_pack(zf)
#endif
    /* n: dispatched in this zs_run call (the block loop counts a block when it enters
     * it); the per-instruction loop takes its slow path when n reaches limit */
    uint64_t n = st->u.run_n, limit;
    int slow, status = ZS_RUNNING;
    zs_slot *s, *ns;
    zs_slot *bs;                  /* where the running block was entered (NULL: unknown) */
    /* pending SASA skip: after the slot sasa_after - 1 falls through, skip sasa_len (the
     * per-instruction loop takes over one the last run stopped before making) */
    zs_slot *sasa_after = NULL;
    uint32_t sasa_len = 0;
#if !BLOCKS
    int resume = 0;               /* past a SASA trigger: hand back to the block loop */
    if (st->u.sasa_skip_at) {
        sasa_after = slots + (st->u.sasa_skip_at - 1);
        sasa_len = st->u.sasa_skip_len;
    }
#endif
#if TIMING
    const zs_timing *const tm = &st->cfg.tm;
    zs_pipe pipe = { .next_ex = st->u.next_ex, .max_ready = st->u.max_ready,
                     .zd_regs = st->u.zd_regs, .fetch_line = st->u.last_fetch_line,
                     .real_icache = 1,
                     .ready = st->u.ready, .ready_opc = st->u.ready_opc,
                     .ctr = st->counters };
    uint32_t dway = 0;            /* where the last data access's line sits */
#if TRANSLATED
    uint32_t dline = UINT32_MAX;  /* its line (translated code makes every access) */
#endif
#endif
#if BLOCKS && TIMING
/* The block loop touches the pipeline only where a block ends: it lives in memory (p_
 * is pipe), which leaves the registers to the handlers. */
#define p_ pipe
#define OUT_OF_LINE(call_with_p) call_with_p
    uint32_t blk = 0;             /* the running block's static schedule (st->u.blocks) */
    uint32_t dextra = 0;          /* data-cache stall cycles in it beyond hits */
    uint32_t nmiss = 0;           /* its accesses that stalled beyond a hit (st->u.miss) */
    /* repeats of blk on its again schedule with end again_end whose counters and ready
     * times wait (run_static_again_done; next_ex is already past them) */
    uint64_t again_reps = 0;
    int again_end = 0;
#define FLUSH_AGAIN() do { \
        if (again_reps) { \
            run_static_again_done(st, &pipe, blk, again_end, again_reps); \
            again_reps = 0; \
        } \
    } while (0)
    const uint32_t dhit = dgeo.hit_latency - 1;
#else
#define FLUSH_AGAIN() ((void)0)
#endif
#if BLOCKS
    /* SASA lookups (one per fetch while the table holds an entry) are counted from n:
     * the table changes only at a block's end (a SASA write) */
    int sasa_on = st->arch.sasa_valid != 0;
    uint64_t sasa_n0 = n;
#if !TRANSLATED
    int32_t land_h = 0;           /* a SASA skip's landing: its slot's handler, */
#endif
    uint32_t land_len = 0;        /* the skip's length */
#if !TRANSLATED
    st->u.block_trigger_handler = (int32_t)(&&L_SASA_TRIGGER - &&L_DECODE);
#endif
#endif

#if TRANSLATED
    /* made for another configuration (not by this state's Machine): translate again */
    if (st->cfg.mem_base != base || st->cfg.mem_size != size
#ifdef ZS_T_SASA_ENTRIES
        || st->cfg.sasa_entries != ZS_T_SASA_ENTRIES
#endif
#if TIMING
        || memcmp(&st->u.dcache.geo, &dgeo, sizeof dgeo)
#endif
        ) {
        st->u.translated = NULL;
        st->u.translation_stale = 1;
        status = ZS_SWITCH;
        goto out;
    }
#endif
    if (!st->u.slots_ready) {
        st->u.slots_ready = 1;
        st->u.decoded_lo = size / 4;
        st->u.decoded_hi = 0;
    }
#if !BLOCKS
    /* The per-instruction loops keep their handlers in h[0]: slots another one decoded
     * (the traced loop and this one alternate at a trace window's edges) get this one's
     * handlers, without decoding again (no new look at memory the program wrote). */
    if (__builtin_expect(st->u.h0_handlers != handlers, 0)) {
        if (st->u.h0_handlers != NULL)
            for (uint32_t i = 0; i <= size / 4; i++)
                if (slots[i].h[0]) slots[i].h[0] = handlers[slots[i].id];
        st->u.h0_handlers = handlers;
    }
#endif
    if (st->arch.pc - base >= size || (st->arch.pc & 3)) {
        st->report.fault_addr = st->arch.pc;
        status = ZS_FETCH_FAULT;
        goto out;
    }
    s = slots + ((st->arch.pc - base) >> 2);
    bs = s;

#define PC_OF(slot)  (base + ((uint32_t)((slot) - slots) << 2))
#define PC           PC_OF(s)
/* the slot's fields: translated, constants of the slot's code (ZS_TSLOT) */
#if TRANSLATED
#define F_RD         t_rd
#define F_RS1        t_rs1
#define F_RS2        t_rs2
#define F_IMM        t_imm
#define F_TARGET     t_target
#else
#define F_RD         s->rd
#define F_RS1        s->rs1
#define F_RS2        s->rs2
#define F_IMM        s->imm
#define F_TARGET     s->target
#endif
#define RS1_NUM      F_RS1
#define RS2_NUM      F_RS2
/* x0 reads as the constant it is (translated, where the number is one) */
#define XR(r)        (TRANSLATED && (r) == 0 ? 0u : x[r])
#define RS1          XR(F_RS1)
#define RS2          XR(F_RS2)
#define SRS1         ((int32_t)RS1)
#define SRS2         ((int32_t)RS2)
#define RD_VAL       x[F_RD]
#define IMM          F_IMM
#define BIT(r)       (1ull << (r))

#define UPDATE_SLOW() do { \
        slow = VERIFY || st->arch.sasa_valid != 0 || sasa_after != NULL || st->u.sasa_pending; \
        limit = slow ? n : max_insns; \
    } while (0)

#define FAULT(kind) do { status = (kind); goto fault; } while (0)
/* A slot reached but not executed (see zs_slot's count): it joins the range fold_counts()
 * sums, else its decrement, which cancels what falling through into it carries, would
 * outlive the carry (not summed while it lay past the decoded code) and undercount the
 * block entered there later. */
#define NOT_EXECUTED(slot) do { \
        uint32_t i_ = (uint32_t)((slot) - slots); \
        (slot)->count--; \
        if (i_ < st->u.decoded_lo) st->u.decoded_lo = i_; \
        if (i_ > st->u.decoded_hi) st->u.decoded_hi = i_; \
    } while (0)
#define FAULT_AT(kind, addr) do { st->report.fault_addr = (addr); FAULT(kind); } while (0)

#if VERIFY
#define VERIFY_WRITE(r) (st->u.tainted &= ~BIT(r))
#define UNSAFE(kind, what) do { st->report.unsafe_kind = (kind); FAULT_AT(ZS_UNSAFE_SKIP, (what)); } while (0)
#define CHECK_TAINT(r) do { if (st->u.tainted & BIT(r)) UNSAFE(ZS_UNSAFE_REGISTER, (r)); } while (0)
#else
#define VERIFY_WRITE(r) ((void)0)
#endif

#define WRITE_RD(v) do { \
        x[F_RD] = (uint32_t)(v); ZF_SET(F_RD, 0); VERIFY_WRITE(F_RD); \
    } while (0)
#define WRITE_RD_ZD(v) do { \
        uint32_t v_ = (uint32_t)(v); \
        x[F_RD] = v_; ZF_SET(F_RD, v_ == 0); \
        VERIFY_WRITE(F_RD); \
    } while (0)

/* ---- memory: every access bounds-checked; misaligned accesses fault ---- */
#if TIMING
#define DCACHE_ACCESS(addr, write) cache_access_geo(&st->u.dcache, &dgeo, tm->memory_latency, \
                                                    st->counters, (addr), (write), \
                                                    ZC_DCACHE_MISSES, ZC_DCACHE_WRITEBACKS, &dway)
#if BLOCKS
/* the block's timing comes at its end: remember a stall beyond a hit and where */
#define DCACHE_LOOKUP(addr, write) do { \
        uint32_t stall_ = DCACHE_ACCESS(addr, write); \
        if (__builtin_expect(stall_ != dhit, 0)) { \
            dextra += stall_ - dhit; \
            st->u.miss_stall[nmiss] = stall_; \
            st->u.miss[nmiss++] = (uint16_t)(s - bs); \
        } \
    } while (0)
#if TRANSLATED
/* An access to the line of the run's last data access (dline) finds it its set's most
 * recent line, where that access left it (dway): a hit, as it is, without a lookup.
 * Compared only where translate.py expects it (t_same_line: the access just before in
 * straight code had the same base register and an offset within a line); elsewhere the
 * compare would mostly fail. */
#define DCACHE(addr, write) do { \
        const uint32_t line_ = (addr) >> dgeo.line_shift; \
        if (t_same_line && line_ == dline) { \
            if (write) st->u.dcache.dirty[dway] = 1; \
        } else { \
            DCACHE_LOOKUP(addr, write); \
            dline = line_; \
        } \
    } while (0)
#else
#define DCACHE(addr, write) DCACHE_LOOKUP(addr, write)
#endif
#else
#define DCACHE(addr, write) pipe_dcache(&pipe, DCACHE_ACCESS(addr, write), !(write), s->rd)
#endif
#else
#define DCACHE(addr, write) ((void)0)
#endif

#define CHECK_ACCESS(a, n, store) do { \
        st->report.fault_is_store = (store); \
        if ((a) & ((n) - 1)) FAULT_AT(ZS_MISALIGNED_ACCESS, (a)); \
        if ((uint32_t)((a) - base) > size - (n)) FAULT_AT(ZS_ACCESS_FAULT, (a)); \
    } while (0)
#define LOADN(n, type, addr) ({ \
        uint32_t a_ = (uint32_t)(addr); type v_; \
        if (__builtin_expect(((a_ & ((n) - 1)) | (uint32_t)((uint32_t)(a_ - base) > size - (n))) != 0, 0)) \
            CHECK_ACCESS(a_, n, 0); \
        DCACHE(a_, 0); \
        memcpy(&v_, mem + (a_ - base), n); \
        (uint32_t)v_; })
#define LOAD8(addr)  LOADN(1, uint8_t, addr)
#define LOAD16(addr) LOADN(2, uint16_t, addr)
#define LOAD32(addr) LOADN(4, uint32_t, addr)

#if VERIFY
#define STORE_CHECK(a_, v_, n) do { \
        if (st->u.in_block && memcmp(mem + (a_ - base), &v_, n) != 0) \
            UNSAFE(ZS_UNSAFE_STORE, a_); \
    } while (0)
#else
#define STORE_CHECK(a_, v_, n) ((void)0)
#endif
#define STOREN(n, type, addr, value) do { \
        uint32_t a_ = (uint32_t)(addr); type v_ = (type)(value); \
        if (__builtin_expect(((a_ & ((n) - 1)) | (uint32_t)((uint32_t)(a_ - base) > size - (n))) != 0, 0)) \
            CHECK_ACCESS(a_, n, 1); \
        STORE_CHECK(a_, v_, n); \
        DCACHE(a_, 1); \
        memcpy(mem + (a_ - base), &v_, n); \
    } while (0)
#define STORE8(addr, v)  STOREN(1, uint8_t, addr, v)
#define STORE16(addr, v) STOREN(2, uint16_t, addr, v)
#define STORE32(addr, v) STOREN(4, uint32_t, addr, v)

/* ---- control flow ---- */
#define TARGET_SLOT(addr) (((uint32_t)((addr) - base) < size && !((addr) & 3)) \
                           ? slots + (((addr) - base) >> 2) : NULL)
/* A jump to a target outside memory (or misaligned) retires; the fetch there faults. */
#define FETCH_FAULT(addr) do { \
        st->report.fault_addr = st->arch.pc = (addr); status = ZS_FETCH_FAULT; goto fetch_fault; \
    } while (0)
/* A SASA skip from the slot s (not executed) past the slot after memory: the fetch
 * where it lands faults. */
#define SKIP_OUT_OF_MEMORY(len) do { \
        st->counters[ZC_SKIPPED_INSNS] += (len); \
        st->report.fault_addr = st->arch.pc = PC + 4 * (len); \
        status = ZS_FETCH_FAULT; goto out; \
    } while (0)
#define GO_STATIC() do { \
        if (__builtin_expect(F_TARGET == NO_TARGET, 0)) FETCH_FAULT(PC + (uint32_t)IMM); \
        ns = (zs_slot *)((char *)s + F_TARGET); \
    } while (0)
#if TIMING && BLOCKS
/* the block's end (the outcome; with PREDICTING the predictor's verdict too) selects
 * the static schedule */
#define BRANCH(cond) do { \
        int taken_ = (cond); \
        if (taken_) GO_STATIC(); \
        end = PREDICTING ? pipe_predict(st, PC, IMM, taken_) : taken_; \
    } while (0)
#define JUMP()        do { GO_STATIC(); end = 1; } while (0)
#define JALR_COST()   (end = 1)
#elif TIMING
/* the end as the block loop records it; END_AND_DISPATCH charges its redirect */
#define BRANCH(cond) do { \
        int taken_ = (cond); \
        if (taken_) { st->counters[ZC_BRANCHES_TAKEN]++; GO_STATIC(); } \
        end = pipe_predict(st, PC, IMM, taken_); \
    } while (0)
#define JUMP()        do { GO_STATIC(); end = 1; } while (0)
#define JALR_COST()   (end = 1)
#else
#define BRANCH(cond)  do { if (cond) GO_STATIC(); } while (0)
#define JUMP()        GO_STATIC()
#define JALR_COST()   ((void)0)
#endif
#define SET_PC(addr) do { \
        uint32_t a_ = (addr); ns = TARGET_SLOT(a_); \
        if (__builtin_expect(ns == NULL, 0)) FETCH_FAULT(a_); \
        JALR_COST(); \
    } while (0)

/* ---- Xzs: SpRF as the decision stage sees it ---- */
/* ideal_: evaluate as if every SpRF bit were known (what an unlimited core would do);
 * in timing mode a bit is known when decode sees it in the decision cycle decide_
 * (pipe_sprf_known), otherwise the core falls through. */
#if TIMING
#if BLOCKS
#define KNOWN(r)   (ideal_ || block_sprf_known(st, &pipe, (r), decide_))
#else
#define KNOWN(r)   (ideal_ || pipe_sprf_known(st, &pipe, (r), decide_))
#endif
#else
#define KNOWN(r)   1
#endif
#define ZERO(r)    (KNOWN(r) && ZF(r))
#define NONZERO(r) (KNOWN(r) && !ZF(r))
/* a SASA entry's condition */
#define SASA_HOLDS(e) ((e)->is_and ? ZERO((e)->rs1) && ZERO((e)->rs2) \
                                   : ZERO((e)->rs1) || ZERO((e)->rs2))
/* Evaluates cond twice (ideal, then as timed) into want_ / got_. */
#define DECIDE(cond, decision_cycle) \
        int ideal_ = 1; uint64_t decide_ = (decision_cycle); (void)decide_; \
        int want_ = (cond); ideal_ = 0; int got_ = TIMING ? (cond) : want_; \
        if (want_ && !got_) { st->counters[ZC_SKIPS_LOST]++; } (void)ideal_;

#if TIMING
/* skip-branches decide in ID (the block loop has timed the block through the skip);
 * SASA at the fetch of the trigger (always in the per-instruction loop) */
#define SKIP_DECISION_CYCLE pipe_decode_cycle(st, &pipe)
#define FETCH_DECISION_CYCLE (pipe.next_ex - (tm->execute_stage - 1))
#define SKIP_PENALTY(taken) do { \
        uint32_t pen_ = (taken) ? tm->skip_taken_penalty : tm->skip_not_taken_penalty; \
        pipe.next_ex += pen_; st->counters[ZC_STALL_SKIP] += pen_; \
    } while (0)
#else
#define SKIP_DECISION_CYCLE 0
#define FETCH_DECISION_CYCLE 0
#define SKIP_PENALTY(taken) ((void)0)
#endif
#if VERIFY
/* Instead of skipping, execute the block and check it afterwards (slow path). The
 * block starts at the instruction that skips it (the skip-branch, the SASA trigger):
 * a branch back to its first instruction stays inside it. */
#define VERIFY_INSTEAD(start_pc, end_pc) (!st->u.in_block && (end_pc) > (start_pc) \
        ? (start_block(st, x, SPRF_NOW(), (start_pc), (end_pc)), 1) : 0)
#else
#define VERIFY_INSTEAD(start_pc, end_pc) 0
#endif
#define SKIP_IF(cond) do { \
        DECIDE(cond, SKIP_DECISION_CYCLE) \
        uint32_t target_ = PC + (uint32_t)IMM; \
        if (got_ && !VERIFY_INSTEAD(PC, target_)) { \
            GO_STATIC(); \
            st->counters[ZC_SKIPS_TAKEN]++; \
            if ((int32_t)IMM > 4) st->counters[ZC_SKIPPED_INSNS] += ((uint32_t)IMM >> 2) - 1; \
        } \
        SKIP_PENALTY(got_ && ns != s + 1); \
    } while (0)

#if TIMING && BLOCKS
/* the write is pending (sasa_defer): the per-instruction loop goes on, it applies it */
#define SASA_WRITE(is_and) do { \
        sasa_defer(st, slots, RD_VAL, F_RS1, F_RS2, (is_and), (uint32_t)IMM, pipe.next_ex); \
        SWITCH_TO(ns); \
    } while (0)
#elif TIMING
#define SASA_WRITE(is_and) do { \
        sasa_defer(st, slots, RD_VAL, F_RS1, F_RS2, (is_and), (uint32_t)IMM, pipe.next_ex); \
        UPDATE_SLOW(); \
    } while (0)
#elif BLOCKS
/* the lookups so far were under the old table (this write ends its block); a
 * translation leaves if the write made a trigger it does not check (sasa_write) */
#define SASA_WRITE(is_and) do { \
        sasa_write(st, slots, RD_VAL, F_RS1, F_RS2, (is_and), (uint32_t)IMM); \
        if (sasa_on) st->counters[ZC_SASA_LOOKUPS] += n - sasa_n0; \
        sasa_on = st->arch.sasa_valid != 0; sasa_n0 = n; \
        if (TRANSLATED && !st->u.translated) SWITCH_TO(ns); \
    } while (0)
#else
#define SASA_WRITE(is_and) do { \
        sasa_write(st, slots, RD_VAL, F_RS1, F_RS2, (is_and), (uint32_t)IMM); \
        UPDATE_SLOW(); \
    } while (0)
#endif

/* ---- system ---- */
#if TIMING
#define CYCLE_NOW pipe.t
#else
#define CYCLE_NOW (instret0 + n - 1)
#endif
#define CSR_READ(csr) csr_value((csr), CYCLE_NOW, instret0 + n - 1)
#define STOP(why) do { status = (why); ns = s + 1; goto stop; } while (0)
#if VERIFY
#define ECALL_CHECK() do { \
        if (st->u.in_block) UNSAFE(ZS_UNSAFE_ECALL, PC); \
        CHECK_TAINT(10); CHECK_TAINT(11); CHECK_TAINT(12); CHECK_TAINT(17); \
    } while (0)
#else
#define ECALL_CHECK() ((void)0)
#endif
#define ECALL() do { \
        ECALL_CHECK(); \
        if (x[17] == ZS_SYS_NR_EXIT) { st->report.exit_code = (int32_t)x[10]; STOP(ZS_EXIT); } \
        if (x[17] != ZS_SYS_NR_WRITE || (x[10] != 1 && x[10] != 2)) FAULT(ZS_UNSUPPORTED_ECALL); \
        if (x[12] > size || (uint32_t)(x[11] - base) > size - x[12]) \
            FAULT_AT(ZS_ACCESS_FAULT, x[11]); \
        st->report.out_fd = x[10]; st->report.out_addr = x[11]; st->report.out_len = x[12]; \
        x[10] = x[12]; ZF_SET(10, 0); VERIFY_WRITE(10); \
        STOP(ZS_OUTPUT); \
    } while (0)

#if BLOCKS && TIMING
/* the pending ready times belong to a block that is about to be forgotten */
#define FLUSH_DECODED() do { FLUSH_AGAIN(); pipe_settle(st, &pipe); flush_decoded(st, slots); } while (0)
#else
#define FLUSH_DECODED() flush_decoded(st, slots)
#endif

/* ---- timing of one instruction: fetch, operand hazards, EX occupancy ---- */
/* The block loop times a block ending in row ID (class OPC) before the end's body,
 * unless its outcome selects the schedule (ZS_REG_FLOW). */
#define TIMED_BEFORE_BODY(ID, OPC) (ZS_ENDS_BLOCK(OPC) && !ZS_REG_FLOW(ID, OPC))
#if TIMING && BLOCKS
/* the block through its end (a row deciding from the SpRF asks block_sprf_known) */
#define ISSUE(ID, OPC, R1, R2, RDR, WRD) do { \
        if (TIMED_BEFORE_BODY(ID, OPC)) { end = 0; END_BLOCK(1); } \
    } while (0)
#elif TIMING
#define ISSUE(ID, OPC, R1, R2, RDR, WRD) \
        pipe_issue(st, &pipe, PC, OPC, R1, R2, RDR, WRD, s, x[s->rs1])
#else
#define ISSUE(ID, OPC, R1, R2, RDR, WRD) ((void)0)
#endif

#if VERIFY
#define VERIFY_READS(ID, OPC, R1, R2, RDR) do { \
        if (st->u.tainted) { \
            if (R1 || ZS_SPRF_READS(ID, OPC) & 1) CHECK_TAINT(s->rs1); \
            if (R2 || ZS_SPRF_READS(ID, OPC) & 2) CHECK_TAINT(s->rs2); \
            if (RDR) CHECK_TAINT(s->rd); \
        } \
    } while (0)
#else
#define VERIFY_READS(ID, OPC, R1, R2, RDR) ((void)0)
#endif

/* ---- dispatch ---- */
#define SWITCH_TO(slot) do { \
        st->arch.pc = PC_OF(slot); status = ZS_SWITCH; goto out; \
    } while (0)
#if BLOCKS
/* Leave the running block at slot s, its slots before s run and timed (a replay): the
 * loop zs_run runs next enters s as a block's start (counted there). */
#if TIMING
#define HAND_OVER_AT_S() do { \
        n -= bs->blen - (uint32_t)(s - bs); \
        s->count--; \
        FLUSH_AGAIN(); \
        if (s > bs) \
            OUT_OF_LINE(replay_block(st, &p_, blk, bs, PC_OF(bs), nmiss, (uint32_t)(s - bs), \
                                     END_NONE)); \
        SWITCH_TO(s); \
    } while (0)
#else
#define HAND_OVER_AT_S() do { \
        n -= bs->blen - (uint32_t)(s - bs); \
        s->count--; \
        SWITCH_TO(s); \
    } while (0)
#endif
/* within a block: nothing but the jump */
#if TRANSLATED
#define NEXT() do { \
        s = ns; \
        uint32_t i_ = (uint32_t)(s - slots) - ZS_T_LO; \
        goto *(&&L_DECODE + (i_ <= ZS_T_HI + 1 - ZS_T_LO ? tlabels[i_] : 0)); \
    } while (0)
#else
#define NEXT() do { s = ns; goto *(&&L_DECODE + s->h[BLOCKS]); } while (0)
#endif
/* The length of the block at slot, found from the decoded slots where no loop learned
 * it yet (every run of it so far skipped part of it, say); 0 while some are not
 * decoded. */
#define KNOWN_LENGTH(slot) ((slot)->blen || ((slot)->blen = decoded_block_length(slot)))
#if TIMING
/* Its timing when a block ends (zs_core.c time_block; SETS_T: the end's body reads
 * pipe.t); translated, with the block's schedule a constant where it is the
 * terminator's likely one (translate.py: t_running, from the slot t_running_at, -1
 * where no other may run), which the compiler folds in */
#define TIME_BLOCK(K, SETS_T) time_block(st, &pipe, (K), bs, PC_OF(bs), bs->blen, end, dextra, \
                                         nmiss, (SETS_T))
#if TRANSLATED
#define END_BLOCK(SETS_T) do { \
        FLUSH_AGAIN(); \
        if (t_running && (t_running_at < 0 || bs == slots + t_running_at)) \
            TIME_BLOCK(t_running, SETS_T); \
        else \
            TIME_BLOCK(blk, SETS_T); \
    } while (0)
#else
#define END_BLOCK(SETS_T) do { FLUSH_AGAIN(); TIME_BLOCK(blk, SETS_T); } while (0)
#endif
/* Enter the block at ns: its slots must be decoded, fit the limit and have a static
 * schedule (built on its first entry here). */
#define ENTER_BLOCK() do { \
        if (__builtin_expect(!KNOWN_LENGTH(ns) || n + ns->blen > limit, 0)) SWITCH_TO(ns); \
        if (__builtin_expect(ns->blk == 0, 0)) ns->blk = build_block(st, ns, PC_OF(ns), ns->blen); \
        if (__builtin_expect(ns->blk == NO_BLOCK, 0)) SWITCH_TO(ns); \
        blk = ns->blk; \
        dextra = 0; nmiss = 0; \
        n += ns->blen; ns->count++; bs = ns; \
        NEXT(); \
    } while (0)
#else
#define END_BLOCK(SETS_T) ((void)0)
#define ENTER_BLOCK() do { \
        if (__builtin_expect(!KNOWN_LENGTH(ns) || n + ns->blen > limit, 0)) SWITCH_TO(ns); \
        n += ns->blen; ns->count++; bs = ns; \
        NEXT(); \
    } while (0)
#endif
#define FALL_THROUGH() NEXT()
#if TIMING
/* A taken end back to its own block's start right after a static run of the block
 * (K: its schedule, blk): the same schedule again (run_static_again), the block entered
 * as ENTER_BLOCK would. */
#define LOOP_AGAIN_THEN(K, GO) do { \
        if (ns == bs && pipe.pending == (K) && st->u.blocks[K].again[end] && \
            !dextra && pipe_all_ready(&pipe) && __builtin_expect(n + bs->blen <= limit, 1)) { \
            if (again_reps && again_end != end) FLUSH_AGAIN(); \
            run_static_again(st, &pipe, (K), end); \
            again_end = end; again_reps++; \
            n += bs->blen; bs->count++; \
            GO; \
        } \
    } while (0)
#else
#define LOOP_AGAIN_THEN(K, GO) ((void)0)
#endif
#define LOOP_AGAIN() LOOP_AGAIN_THEN(blk, NEXT())
#define END_AND_DISPATCH(ID, OPC) do { \
        if (ZS_REG_FLOW(ID, OPC)) { LOOP_AGAIN(); END_BLOCK(0); } \
        ENTER_BLOCK(); \
    } while (0)
#define LEARN_BLOCK() ((void)0)
#else
#if TRACE
/* The instruction in s retires (ns next; skip: the SASA block it skips) */
#define TRACE_RETIRE(skip) \
        trace_retire(st, mem, s, PC, x[s->rd], instret0 + n - 1, \
                     pipe.next_ex + tm->stages - tm->execute_stage, pipe.t, (skip))
#else
#define TRACE_RETIRE(skip) ((void)0)
#endif
#define SASA_SKIP_AFTER(slot) (sasa_after != NULL && (slot) == sasa_after ? sasa_len : 0)
#define DISPATCH_NEXT() do { \
        s = ns; \
        if (__builtin_expect(n >= limit, 0)) goto slow_path; \
        n++; \
        goto *(&&L_DECODE + s->h[BLOCKS]); \
    } while (0)
#define DISPATCH() do { TRACE_RETIRE(SASA_SKIP_AFTER(ns)); DISPATCH_NEXT(); } while (0)
#define FALL_THROUGH() DISPATCH()
/* A terminator: its block's length is known now (it starts at bs); the next block
 * starts at ns. Where the block loop can take ns, switch to it. */
#define LEARN_BLOCK() do { \
        if (bs && s - bs < 0xFFFF) bs->blen = (uint16_t)(s - bs + 1); \
    } while (0)
#define BLOCK_LOOP_CAN_TAKE(slot) \
        (!VERIFY && !TRACE && sasa_after == NULL && !st->u.sasa_pending && !st->cfg.per_instruction && \
         (slot)->blen && \
         (!TIMING || (slot)->blk != NO_BLOCK))
#if TIMING
#define END_REDIRECT(ID, OPC) do { \
        if (ZS_REG_FLOW(ID, OPC)) pipe_end(st, &pipe, ID, OPC, end); \
    } while (0)
#else
#define END_REDIRECT(ID, OPC) ((void)0)
#endif
#define END_AND_DISPATCH(ID, OPC) do { \
        END_REDIRECT(ID, OPC); \
        if (BLOCK_LOOP_CAN_TAKE(ns)) SWITCH_TO(ns); \
        ns->count++; bs = ns; \
        DISPATCH(); \
    } while (0)
#endif

#define ZS_HANDLER(ID, NAME, MATCH, MASK, OPC, R1, R2, RDR, WRD, IMMF) \
    L_##ID: \
        ISSUE(ZS_ID_##ID, OPC, R1, R2, RDR, WRD); \
        VERIFY_READS(ZS_ID_##ID, OPC, R1, R2, RDR); \
        if (ZS_ENDS_BLOCK(OPC)) LEARN_BLOCK(); \
        ns = s + 1; \
        { BODY_##ID; } \
        if (ZS_ENDS_BLOCK(OPC)) END_AND_DISPATCH(ZS_ID_##ID, OPC); \
        FALL_THROUGH();

#if TIMING
    int end = 0;             /* how the running block ends (ZS_ENDS) */
#endif
#if BLOCKS
    limit = max_insns;
#if TIMING
    if (st->u.sasa_pending) SWITCH_TO(s);      /* the per-instruction loop applies it */
#endif
    ns = s;
    ENTER_BLOCK();
#else
    UPDATE_SLOW();
    s->count++;
    ns = s;
    DISPATCH_NEXT();
#endif

#if TRANSLATED
/* A slot of the translated code: a handler with the slot's fields as constants, and the
 * next slot's code after it (falling through); labelled where a block may start (S);
 * a slot not translated leaves the loop. */
#define ZS_TSLOT(IDX, ...) L_T##IDX: ZS_TFOLLOW(IDX, __VA_ARGS__)
#define ZS_TFOLLOW(IDX, ID, OPC, R1, R2, RDR, WRD, RD, RS1, RS2, IMMV, TARGET, TAKEN, FALL, \
                   RUNNING, RUNNING_AT, SAME_LINE) { \
        const uint32_t t_rd = (RD), t_rs1 = (RS1), t_rs2 = (RS2), t_running = (RUNNING); \
        const int32_t t_imm = (IMMV), t_target = (TARGET), t_running_at = (RUNNING_AT); \
        const int t_same_line = (SAME_LINE); \
        (void)t_rd; (void)t_rs1; (void)t_rs2; (void)t_imm; (void)t_target; (void)t_running; \
        (void)t_running_at; (void)t_same_line; \
        s = slots + (IDX); \
        ISSUE(ZS_ID_##ID, OPC, R1, R2, RDR, WRD); \
        ns = s + 1; \
        { BODY_##ID; } \
        if (ZS_ENDS_BLOCK(OPC)) { \
            if (ZS_REG_FLOW(ZS_ID_##ID, OPC)) { ZS_TAGAIN TAKEN LOOP_AGAIN(); END_BLOCK(0); } \
            ZS_TENTER TAKEN \
            ZS_TENTER FALL \
            ENTER_BLOCK(); \
        } \
    }
/* A terminator's successor that translate.py found a known block with code at (HAS 1:
 * slot X, length BLEN, static schedule BLK, as the slot holds them, for good): entered
 * as ENTER_BLOCK would, with a direct jump to its code. */
#define ZS_TENTER(HAS, X, BLEN, BLK) ZS_TENTER_##HAS(X, BLEN, BLK)
#define ZS_TENTER_0(X, BLEN, BLK)
/* ... and where it runs again at once (LOOP_AGAIN) */
#define ZS_TAGAIN(HAS, X, BLEN, BLK) ZS_TAGAIN_##HAS(X, BLK)
#define ZS_TAGAIN_0(X, BLK)
#define ZS_TAGAIN_1(X, BLK) if (ns == slots + (X)) LOOP_AGAIN_THEN(BLK, s = ns; goto L_T##X);
#if TIMING
#define ZS_TENTER_SCHEDULE(BLK) blk = (BLK); dextra = 0; nmiss = 0;
#else
#define ZS_TENTER_SCHEDULE(BLK)
#endif
#define ZS_TENTER_1(X, BLEN, BLK) \
        if (ns == slots + (X)) { \
            if (__builtin_expect(n + (BLEN) > limit, 0)) SWITCH_TO(ns); \
            ZS_TENTER_SCHEDULE(BLK) \
            n += (BLEN); ns->count++; bs = ns; s = ns; \
            goto L_T##X; \
        }
/* a slot that may be a SASA trigger: checked at its fetch (L_SASA_TRIGGER comes back to
 * its code at L_B, and after it to L_SASA_LANDING where it skips) */
#define ZS_TTRIG(IDX, ID, OPC, ...) \
    L_T##IDX: \
        if (sasa_is_trigger(st, base + 4 * (IDX))) { \
            s = slots + (IDX); \
            tcont = (int32_t)(&&L_B##IDX - &&L_DECODE); \
            goto L_SASA_TRIGGER; \
        } \
    L_B##IDX: \
        ZS_TFOLLOW(IDX, ID, OPC, __VA_ARGS__) \
        if (!ZS_ENDS_BLOCK(OPC) && land_len) goto L_SASA_LANDING;
#define ZS_TEXIT(IDX) L_T##IDX: s = slots + (IDX); goto L_DECODE;
    ZS_TRANSLATED_CODE(ZS_TSLOT, ZS_TFOLLOW, ZS_TTRIG, ZS_TEXIT)
#undef ZS_TSLOT
#undef ZS_TFOLLOW
#undef ZS_TTRIG
#undef ZS_TEXIT
#undef ZS_TENTER
#undef ZS_TENTER_0
#undef ZS_TENTER_1
#undef ZS_TENTER_SCHEDULE
#undef ZS_TAGAIN
#undef ZS_TAGAIN_0
#undef ZS_TAGAIN_1
L_DECODE:
    /* a slot not translated: the interpreter goes on there (zs_run) */
    st->u.untranslated = 1;
    HAND_OVER_AT_S();
#else
    ZS_INSN_LIST(ZS_HANDLER)

L_DECODE: {
        uint32_t idx = (uint32_t)(s - slots);
        if (!s->h[!BLOCKS]) {        /* not decoded by the other loop either */
            uint32_t word;
            int id = idx == size / 4 ? -1 : (memcpy(&word, mem + idx * 4, 4),
                                             decode_slot(s, word, st->cfg.xzs));
            if (id < 0) {
                s->id = idx == size / 4 ? ZS_ID_FETCH_END : ZS_ID_ILLEGAL;
            } else {
                /* a static target: conditional flow, a jump without a register (jal) */
                zs_slot *t_ = ZS_IS_COND(s->opc) || (ZS_IS_JUMP(s->opc) && !reads_rs1[id])
                              ? TARGET_SLOT(PC + (uint32_t)s->imm) : NULL;
                s->target = t_ ? (int32_t)((char *)t_ - (char *)s) : NO_TARGET;
                if (s->opc == OPC_LOAD_ZD) st->u.zero_detect_seen = 1;
                if (idx < st->u.decoded_lo) st->u.decoded_lo = idx;
                if (idx > st->u.decoded_hi) st->u.decoded_hi = idx;
            }
        }
        s->h[BLOCKS] = BLOCKS && sasa_is_trigger(st, PC) ? st->u.block_trigger_handler
                                                         : handlers[s->id];
        goto *(&&L_DECODE + s->h[BLOCKS]);
    }
#endif
#if BLOCKS
#if TRANSLATED
/* back into the trigger's own code (tcont); a skip is armed by land_len alone */
#define TRIGGER_CONTINUE() goto *(&&L_DECODE + tcont)
#define ARM_LANDING() ((void)0)
#else
#define TRIGGER_CONTINUE() goto *(&&L_DECODE + handlers[s->id])
#define ARM_LANDING() do { \
        land_h = s[1].h[BLOCKS]; \
        s[1].h[BLOCKS] = (int32_t)(&&L_SASA_LANDING - &&L_DECODE); \
    } while (0)
#endif
L_SASA_TRIGGER:
    /* A slot marked as a SASA trigger. A check that fails untimed fails timed too (a
     * zero flag known late only loses a skip): it costs the check alone. A skip after a
     * trigger that is no terminator runs here: the trigger's body, then the landing in
     * the slot after it (its handler lent to L_SASA_LANDING) leaves the block; timed,
     * the block's slots before the trigger are replayed first (the decision reads the
     * pipeline at the trigger's fetch), the trigger becomes the block's start and
     * L_SASA_LANDING times it. Otherwise (a skip lost to timing, a terminator) the
     * block's slots before it ran here and the per-instruction loop decides. A
     * translation checks its trigger slots (ZS_TTRIG) and comes here the same way. */
#if !TRANSLATED
    if (!sasa_is_trigger(st, PC)) {          /* not (or no longer) a trigger */
        s->h[BLOCKS] = handlers[s->id];
        goto *(&&L_DECODE + s->h[BLOCKS]);
    }
#endif
    {
        const zs_sasa_entry *e = sasa_entry(st, PC);
        int ideal_ = 1;                      /* SASA_HOLDS as an unlimited core sees it */
        uint64_t decide_ = 0;
        (void)decide_;
        if (!SASA_HOLDS(e)) {
            st->counters[ZC_SASA_CHECKS]++;
            TRIGGER_CONTINUE();
        }
        if (!ZS_ENDS_BLOCK(s->opc)) {
#if TIMING
            FLUSH_AGAIN();
            if (s > bs) {
                OUT_OF_LINE(time_cut(st, &p_, blk, bs, PC_OF(bs), (uint32_t)(s - bs), dextra,
                                     nmiss));
                if (!s->blen) s->blen = (uint16_t)(bs->blen - (s - bs));
                bs = s;
                dextra = 0; nmiss = 0;       /* timed: the stalls from here on */
            }
            OUT_OF_LINE(pipe_settle(st, &p_));
            ideal_ = 0;                      /* and as timed */
            decide_ = FETCH_DECISION_CYCLE;
            const int hit_ = SASA_HOLDS(e);
#else
            const int hit_ = 1;
#endif
            if (hit_) {
                st->counters[ZC_SASA_CHECKS]++;
                st->counters[ZC_SASA_HITS]++;
                land_len = e->len;
                ARM_LANDING();
                TRIGGER_CONTINUE();
            }
        }
    }
    HAND_OVER_AT_S();
L_SASA_LANDING:
    /* the trigger (s - 1) fell through: the block ends, the SASA block is not fetched */
#if TRANSLATED
    s = ns;                                  /* from the trigger's code */
#else
    s->h[BLOCKS] = land_h;
#endif
#if TIMING
    OUT_OF_LINE(time_cut(st, &p_, blk, bs, PC_OF(bs), 1, dextra, nmiss));
#endif
    n -= bs->blen - (uint32_t)(s - bs);
    NOT_EXECUTED(s);
    {
        const uint32_t len_ = land_len;
        land_len = 0;
        if ((uint32_t)(s - slots) + len_ > size / 4) SKIP_OUT_OF_MEMORY(len_);
        st->counters[ZC_SKIPPED_INSNS] += len_;
        ns = s + len_;
    }
    ENTER_BLOCK();
#undef TRIGGER_CONTINUE
#undef ARM_LANDING
#endif
L_ILLEGAL:
    FAULT(ZS_ILLEGAL_INSTRUCTION);
L_FETCH_END:
    FAULT_AT(ZS_FETCH_FAULT, PC);

slow_path:
    if (n >= max_insns) {
        NOT_EXECUTED(s);
        st->arch.pc = PC;
        goto out;
    }
#if VERIFY
    if (st->u.in_block) {
        if (PC == st->report.block_end) {
            end_block(st, x, SPRF_NOW());
        } else if (PC <= st->report.block_start || PC > st->report.block_end) {
            st->report.unsafe_kind = ZS_UNSAFE_EXIT;
            st->report.fault_addr = PC;
            status = ZS_UNSAFE_SKIP;
            st->arch.pc = PC;
            goto out;
        }
    }
#endif
    if (sasa_after != NULL) {
        int fell_through = s == sasa_after;
        uint32_t len = sasa_len;
        sasa_after = NULL;
        if (fell_through && !VERIFY_INSTEAD(PC - 4, PC + 4 * len)) {
            NOT_EXECUTED(s);
            if ((uint32_t)(s - slots) + len > size / 4) SKIP_OUT_OF_MEMORY(len);
            s += len;
            s->count++;
            bs = NULL;               /* not a straight block */
            st->counters[ZC_SKIPPED_INSNS] += len;
            UPDATE_SLOW();
            goto slow_path;
        }
    }
#if TIMING
    if (st->u.sasa_pending && FETCH_DECISION_CYCLE >= st->u.sasa_pending_at)
        sasa_apply(st, slots);
#endif
#if !BLOCKS
    /* Past a trigger (and its skip), the block loop goes on at the first slot that is
     * no trigger, if the block from there is decoded: the slot, reached here, is entered
     * there instead. */
    if (resume && !sasa_is_trigger(st, PC)) {
        resume = 0;
        if (!s->blen) s->blen = decoded_block_length(s);
        if (BLOCK_LOOP_CAN_TAKE(s)) {
            NOT_EXECUTED(s);
            SWITCH_TO(s);
        }
    }
#endif
    if (st->arch.sasa_valid) {
        zs_sasa_entry *e = sasa_entry(st, PC);
        st->counters[ZC_SASA_LOOKUPS]++;
        if (e->len && e->trigger == PC) {
            st->counters[ZC_SASA_CHECKS]++;
#if VERIFY
            if (st->u.tainted) { CHECK_TAINT(e->rs1); CHECK_TAINT(e->rs2); }
#endif
            DECIDE(SASA_HOLDS(e),
                   FETCH_DECISION_CYCLE)
            if (got_) {
                st->counters[ZC_SASA_HITS]++;
                sasa_after = s + 1;
                sasa_len = e->len;
            }
#if !BLOCKS
            resume = !VERIFY && !TRACE && !TIMING;
#endif
        }
    }
    UPDATE_SLOW();
    limit = slow ? n + 1 : max_insns;
    n++;
    goto *(&&L_DECODE + s->h[BLOCKS]);

fault:
    /* the faulting instruction does not retire (but was looked up in the SASA table) */
    FLUSH_AGAIN();
#if BLOCKS
#if TIMING
    if (!TIMED_BEFORE_BODY(s->id, s->opc))
        OUT_OF_LINE(replay_block(st, &p_, blk, bs, PC_OF(bs), nmiss, (uint32_t)(s - bs) + 1,
                                 END_ABORTED));
#endif
    n -= bs->blen - (uint32_t)(s - bs);
    sasa_n0--;
    s->count--;
#else
    n--;
    NOT_EXECUTED(s);
#endif
    st->arch.pc = PC;
    goto out;
fetch_fault:
    /* a jump out of memory retires; the fetch at its target faults */
    FLUSH_AGAIN();
#if !BLOCKS
    TRACE_RETIRE(0);
#endif
#if BLOCKS && TIMING
    if (!TIMED_BEFORE_BODY(s->id, s->opc))
        OUT_OF_LINE(replay_block(st, &p_, blk, bs, PC_OF(bs), nmiss, (uint32_t)(s - bs) + 1,
                                 END_ABORTED));
#endif
    goto out;
stop:
#if !BLOCKS
    TRACE_RETIRE(SASA_SKIP_AFTER(ns));
#endif
    st->arch.pc = PC_OF(ns);
out:
    FLUSH_AGAIN();
    memcpy(st->arch.x, x, sizeof x);
#if !BLOCKS
    st->u.sasa_skip_at = sasa_after != NULL ? (uint32_t)(sasa_after - slots) + 1 : 0;
    st->u.sasa_skip_len = sasa_len;
#endif
#if BLOCKS
    if (sasa_on) st->counters[ZC_SASA_LOOKUPS] += n - sasa_n0;
#endif
    st->arch.sprf = SPRF_NOW() | 1;
    if (status >= ZS_ILLEGAL_INSTRUCTION && status != ZS_SWITCH) {
        uint32_t off = st->arch.pc - base;
        st->report.fault_pc = st->arch.pc;
        st->report.fault_has_word = off < size && !(off & 3);
        if (st->report.fault_has_word) memcpy(&st->report.fault_word, mem + off, 4);
    }
#if TIMING
    {
        zs_pipe q_ = pipe;       /* a copy: pipe may live in registers */
        pipe_settle(st, &q_);
        st->u.zd_regs = q_.zd_regs;
    }
    st->u.next_ex = pipe.next_ex;
    st->u.max_ready = pipe.max_ready;
    st->u.last_fetch_line = pipe.fetch_line;
    st->counters[ZC_CYCLES] = pipe.next_ex + tm->stages - tm->execute_stage;
#endif
    st->u.run_n = n;
    return status;

#undef PC_OF
#undef PC
#undef XR
#undef dgeo
#undef ZF
#undef ZF_SET
#undef SPRF_NOW
#undef RS1
#undef RS2
#undef SRS1
#undef SRS2
#undef RD_VAL
#undef IMM
#undef BIT
#undef UPDATE_SLOW
#undef FAULT
#undef NOT_EXECUTED
#undef FAULT_AT
#undef VERIFY_WRITE
#undef UNSAFE
#undef CHECK_TAINT
#undef WRITE_RD
#undef WRITE_RD_ZD
#undef DCACHE
#undef DCACHE_ACCESS
#undef CHECK_ACCESS
#undef LOADN
#undef LOAD8
#undef LOAD16
#undef LOAD32
#undef STORE_CHECK
#undef STOREN
#undef STORE8
#undef STORE16
#undef STORE32
#undef TARGET_SLOT
#undef GO_STATIC
#undef BRANCH
#undef JUMP
#undef JALR_COST
#undef SET_PC
#undef KNOWN
#undef ZERO
#undef NONZERO
#undef SASA_HOLDS
#undef DECIDE
#undef SKIP_DECISION_CYCLE
#undef FETCH_DECISION_CYCLE
#undef FETCH_FAULT
#undef SKIP_OUT_OF_MEMORY
#undef SKIP_PENALTY
#undef VERIFY_INSTEAD
#undef SKIP_IF
#undef SASA_WRITE
#undef CYCLE_NOW
#undef CSR_READ
#undef STOP
#undef ECALL_CHECK
#undef ECALL
#undef FLUSH_DECODED
#undef ISSUE
#undef TIMED_BEFORE_BODY
#undef OUT_OF_LINE
#undef p_
#undef VERIFY_READS
#undef SWITCH_TO
#undef HAND_OVER_AT_S
#undef NEXT
#undef END_BLOCK
#undef TIME_BLOCK
#undef ENTER_BLOCK
#undef KNOWN_LENGTH
#undef FALL_THROUGH
#undef END_AND_DISPATCH
#undef LEARN_BLOCK
#undef END_REDIRECT
#undef LOOP_AGAIN
#undef LOOP_AGAIN_THEN
#undef FLUSH_AGAIN
#undef BLOCK_LOOP_CAN_TAKE
#undef DISPATCH
#undef DISPATCH_NEXT
#undef TRACE_RETIRE
#undef SASA_SKIP_AFTER
#undef ZS_HANDLER
}

#undef RUN_NAME
#undef TIMING
#undef VERIFY
#undef BLOCKS
#undef PREDICTING
#undef TRACE
