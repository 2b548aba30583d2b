/* The branch predictor: how the front end follows a conditional branch.
 *
 * Interface: pred_reset() at the start of a run, pred_branch() once per executed
 * conditional branch, in program order, after its outcome is known (it predicts, then
 * learns). The pipeline charges the redirect it returns; the run loops never look
 * inside: a static predictor's verdict (pred_static) depends on the branch and its
 * outcome alone, so the block loop keeps one schedule per outcome there and asks a
 * dynamic one at every branch. The state is microarchitectural (zs_uarch), the parameters
 * (zs_predictor_config, zs_core.h) configuration, set by Python from [pipeline].
 *
 * Predictors (config `branch_predictor`):
 *   not_taken  static: fetch falls through;
 *   btfn       static: backward taken (redirected in ID, where the target is known),
 *              forward not taken;
 *   bimodal    2-bit saturating counters indexed by pc (Smith 1981), and a BTB;
 *   gshare     2-bit counters indexed by pc XOR global history (McFarling 1993), same BTB.
 * The BTB is direct-mapped and tagged by pc; it holds the branches last seen taken (a
 * direct branch's target is static, so the tag is all it needs). A branch predicted
 * taken whose pc hits in the BTB is redirected in IF: fetch goes to the target next
 * cycle, no slot lost. Predicted taken without a BTB hit, the target is known in ID (as
 * BTFN's taken path): decode_stage - 1 slots lost. A wrong direction costs the
 * mispredict penalty (execute_stage - 1). */
#ifndef ZSKIP_PREDICTOR_H
#define ZSKIP_PREDICTOR_H

#include <stdint.h>
#include <string.h>

/* What following a branch cost the front end (the predictor's verdict). */
enum zs_verdict {
    ZS_PREDICTED = 0,        /* fetch was on the right path (fall-through, or a BTB hit) */
    ZS_PREDICTED_LATE = 1,   /* predicted taken, redirected in ID */
    ZS_MISPREDICTED = 2,     /* wrong direction, redirected in EX */
    ZS_VERDICTS = 3
};

#define ZS_PRED_MAX 65536    /* counters */
#define ZS_BTB_MAX 4096

typedef struct {
    uint32_t history;                  /* gshare: the last outcomes, newest in bit 0 */
    uint8_t counter[ZS_PRED_MAX];      /* 0, 1: predict not taken; 2, 3: taken */
    uint32_t btb[ZS_BTB_MAX];          /* pc of the branch held; never a pc when empty */
} zs_predictor;

static inline void pred_reset(zs_predictor *bp)
{
    bp->history = 0;
    memset(bp->counter, 1, sizeof bp->counter);          /* weakly not taken */
    memset(bp->btb, 0xff, sizeof bp->btb);               /* pc 0xffffffff is misaligned */
}

/* bimodal and gshare */
static inline int pred_dynamic(zs_predictor *bp, const zs_predictor_config *cf,
                                                  uint32_t pc, int taken)
{
    uint32_t i = pc >> 2;
    if (cf->kind == ZS_PRED_GSHARE) i ^= bp->history;
    uint8_t *c = &bp->counter[i & (cf->entries - 1)];
    uint32_t *btb = &bp->btb[(pc >> 2) & (cf->btb_entries - 1)];
    int predicted = *c >= 2;
    int redirect = taken != predicted ? ZS_MISPREDICTED
                 : !taken || *btb == pc ? ZS_PREDICTED : ZS_PREDICTED_LATE;
    if (taken) {
        if (*c < 3) (*c)++;
        *btb = pc;
    } else if (*c > 0) {
        (*c)--;
    }
    bp->history = ((bp->history << 1) | (uint32_t)taken) & ((1u << cf->history_bits) - 1);
    return redirect;
}

/* A static predictor: its verdict on a branch depends on the branch and its outcome
 * alone (no state). */
static inline int pred_is_static(const zs_predictor_config *cf)
{
    return cf->kind == ZS_PRED_NOT_TAKEN || cf->kind == ZS_PRED_BTFN;
}

static inline int pred_static(const zs_predictor_config *cf, int32_t imm, int taken)
{
    if (cf->kind == ZS_PRED_NOT_TAKEN)
        return taken ? ZS_MISPREDICTED : ZS_PREDICTED;
    return taken != (imm < 0) ? ZS_MISPREDICTED : taken ? ZS_PREDICTED_LATE : ZS_PREDICTED;
}

/* The branch at pc (offset imm) went `taken`: what following it cost (enum zs_verdict);
 * the predictor learns the outcome. */
static inline int pred_branch(zs_predictor *bp, const zs_predictor_config *cf, uint32_t pc,
                              int32_t imm, int taken)
{
    return pred_is_static(cf) ? pred_static(cf, imm, taken) : pred_dynamic(bp, cf, pc, taken);
}

#endif
