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

static inline void forwarding_init(zs_forwarding *f, const zs_timing *tm)
{
    f->writeback = tm->stages - tm->execute_stage - 1;
    for (int c = 0; c < OPC_COUNT; c++) {
        int is_load = c == OPC_LOAD || c == OPC_LOAD_ZD;
        f->result[c] = tm->bypassing ? (is_load ? tm->memory_stages : 0)
                                     : f->writeback + tm->execute_stage - tm->decode_stage;
        f->cause[c] = is_load ? ZC_STALL_LOAD_USE : c == OPC_MUL ? ZC_STALL_MUL
                    : c == OPC_DIV ? ZC_STALL_DIV : ZC_STALL_RAW;
    }
}

#endif
