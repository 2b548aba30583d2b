/* Forwarding (operand bypassing): when a consumer may start EX after its producer, by
 * the producer's op class, and which stall counter the wait is charged to.
 *
 * A producer holding EX from cycle t for occ cycles writes back (WB) `writeback` cycles
 * after it leaves EX. With bypassing its result reaches EX at once (ALU, MUL, DIV) or
 * after the memory stages (loads); without, a consumer reads the register file in ID
 * during the producer's WB (written in the first half of the cycle, read in the second)
 * and starts EX execute_stage - decode_stage cycles later. */
#ifndef ZSKIP_FORWARDING_H
#define ZSKIP_FORWARDING_H

/* The stall counter charged while a consumer waits on each class (its stall column). */
static const uint8_t stall_cause[OPC_COUNT] = {
#define ZS_STALL_CAUSE(OPC, NAME, LD, ST, COND, JUMP, END, REDIRECT, STALL) ZC_##STALL,
    ZS_OPCLASS_LIST(ZS_STALL_CAUSE)
#undef ZS_STALL_CAUSE
};

static inline void forwarding_init(zs_forwarding *f, const zs_timing *tm)
{
    f->writeback = tm->stages - tm->execute_stage - 1;
    for (int c = 0; c < OPC_COUNT; c++)
        f->result[c] = tm->bypassing ? (ZS_IS_LOAD(c) ? tm->memory_stages : 0)
                                     : f->writeback + tm->execute_stage - tm->decode_stage;
}

#endif
