/* The L1 caches: set-associative, LRU, write-back + write-allocate.
 *
 * Interface: cache_reset(), cache_access() (one access: its stall, misses and memory
 * traffic counted), and for the block loop, which replays a block's I-cache hits
 * without looking them up: cache_locate_lines() (where a block's lines sit, valid while
 * cache_unchanged() says no line has been replaced since) and cache_touch_lines() (the
 * LRU updates of hits on its lines). `moves` counts the changes of a set's most recent
 * line: while it has not moved since a block's run, that block's lines are still the
 * most recent in their sets and a run of it again changes no order (zs_core.c
 * run_static). The struct is in zs_core.h.
 *
 * LRU order is kept as last-use stamps, compared within a set only. A hit on the most
 * recently used line of its set (mru) leaves it as it is: a new stamp would change no
 * order within the set. So that hit is a lookup of one way, and so is any access to
 * the line of the last one. */
#ifndef ZSKIP_CACHE_H
#define ZSKIP_CACHE_H

static inline void cache_reset(zs_cache *c, const zs_cache_config *geometry)
{
    c->geo = *geometry;
    c->stamp = 0;
    c->fills = 0;
    c->moves = 0;
    memset(c->valid, 0, sizeof c->valid);
    memset(c->dirty, 0, sizeof c->dirty);
    memset(c->tag, 0xff, sizeof c->tag);     /* no line's address: an invalid way never matches */
    for (uint32_t set = 0; set < c->geo.sets; set++) c->mru[set] = set * c->geo.ways;
}

/* Returns the stall in cycles: hit_latency - 1 on a hit (the pipeline stage covers one
 * cycle); on a miss also the miss penalty and a line fill from memory, plus a line
 * write if the victim is dirty; *way: where the line sits now, its set's most recent
 * line until the next access (a translation's next access to the line need not look
 * it up). `geo` is c->geo, or a constant copy of it (a translation's), which the
 * compiler folds in. */
static inline __attribute__((always_inline))
uint32_t cache_access_geo(zs_cache *c, const zs_cache_config *geo, uint32_t memory_latency,
                          uint64_t *ctr, uint32_t addr, int write, int miss_ctr, int wb_ctr,
                          uint32_t *way)
{
    uint32_t line = addr >> geo->line_shift, set = line & (geo->sets - 1);
    uint32_t recent = c->mru[set];
    if (c->tag[recent] == line) {            /* the set's most recent line: a hit, as it is */
        *way = recent;
        c->dirty[recent] |= (uint8_t)write;
        return geo->hit_latency - 1;
    }
    uint32_t first = set * geo->ways;
    uint32_t victim = first;
    c->stamp++;
    for (uint32_t i = first; i < first + geo->ways; i++) {
        if (c->valid[i] && c->tag[i] == line) {
            c->lru[i] = c->stamp;
            c->dirty[i] |= (uint8_t)write;
            c->mru[set] = i;
            c->moves++;
            *way = i;
            return geo->hit_latency - 1;
        }
        if (!c->valid[i] ? c->valid[victim] : (c->valid[victim] && c->lru[i] < c->lru[victim]))
            victim = i;
    }
    uint32_t stall = geo->hit_latency - 1 + geo->miss_penalty + memory_latency;
    ctr[miss_ctr]++;
    ctr[ZC_MEM_READ_WORDS] += geo->line_words;
    if (c->valid[victim] && c->dirty[victim]) {
        ctr[wb_ctr]++;
        ctr[ZC_MEM_WRITE_WORDS] += geo->line_words;
        stall += memory_latency;
    }
    c->tag[victim] = line;
    c->valid[victim] = 1;
    c->dirty[victim] = (uint8_t)write;
    c->lru[victim] = c->stamp;
    c->fills++;
    c->mru[set] = victim;
    c->moves++;                              /* (a new line, though maybe the same way) */
    *way = victim;
    return stall;
}

static inline __attribute__((always_inline))
uint32_t cache_access(zs_cache *c, uint32_t memory_latency, uint64_t *ctr, uint32_t addr,
                      int write, int miss_ctr, int wb_ctr)
{
    uint32_t way;
    return cache_access_geo(c, &c->geo, memory_latency, ctr, addr, write, miss_ctr, wb_ctr, &way);
}

/* No line replaced since `generation` (the value of fills then)? */
static inline int cache_unchanged(const zs_cache *c, uint64_t generation)
{
    return c->fills == generation;
}

/* Where lines first .. first + n - 1 sit (index[]); the generation that is valid for,
 * UINT64_MAX if one is absent. */
static inline uint64_t cache_locate_lines(const zs_cache *c, uint32_t first, uint32_t n,
                                          uint32_t *index)
{
    for (uint32_t j = 0; j < n; j++) {
        uint32_t set = ((first + j) & (c->geo.sets - 1)) * c->geo.ways, i;
        for (i = set; i < set + c->geo.ways; i++)
            if (c->valid[i] && c->tag[i] == first + j) break;
        if (i == set + c->geo.ways) return UINT64_MAX;
        index[j] = i;
    }
    return c->fills;
}

/* Hits on the n lines first .. first + n - 1 at index[] (found by cache_locate_lines,
 * unchanged since), in order. */
static inline void cache_touch_lines(zs_cache *c, uint32_t first, const uint32_t *index,
                                     uint32_t n)
{
    for (uint32_t j = 0; j < n; j++) {
        uint32_t set = (first + j) & (c->geo.sets - 1);
        if (c->mru[set] == index[j]) continue;
        c->lru[index[j]] = ++c->stamp;
        c->mru[set] = index[j];
        c->moves++;
    }
}

#endif
