"""The execution-trace record: one fixed-size record per retired instruction, defined
here once. TRACE_DTYPE is the numpy view; the C struct the core writes
(core_model/csrc/trace_record.h) is generated from the same table:

    python -m zskip.traces.record            # rewrite core_model/csrc/trace_record.h
    python -m zskip.traces.record --check    # exit 1 if the committed file is stale

Nothing here imports the core, so the header can be regenerated before the core builds.
The C side fills the stall and flag fields by counter name (ZC_STALL_<CAUSE>, ZC_<COUNTER>):
a renamed counter fails the build, and a stall counter missing from STALL_CAUSES fails a
static assertion in zs_core.c.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from zskip.isa.generated import generator_main

# Stall causes in the core's counter order (zs_core.h, ZS_COUNTER_LIST: STALL_<CAUSE>),
# without the pipeline fill, which belongs to no instruction; the names are Stats.stalls'.
STALL_CAUSES = ("load_use", "raw", "mul", "div", "branch_mispredict", "taken_branch", "jump",
                "skip", "icache", "dcache")

# flag -> (bit, the counter whose change during the instruction sets it); each of these
# counters moves at most once per instruction
FLAGS = {
    "branch_taken": (0, "BRANCHES_TAKEN"),
    "mispredicted": (1, "MISPREDICTIONS"),
    "skip_taken": (2, "SKIPS_TAKEN"),       # a skip-branch that skipped
    "sasa_hit": (3, "SASA_HITS"),          # a SASA trigger whose condition held at its fetch
    "icache_miss": (4, "ICACHE_MISSES"),
    "dcache_miss": (5, "DCACHE_MISSES"),
}

# (field, numpy type, C type, array length or 0, meaning); natural alignment, no padding
FIELDS = (
    ("cycle", "<u8", "uint64_t", 0,
     "cycles elapsed when it retires (Stats.cycles' count: the last record of a whole run "
     "is the run's cycles)"),
    ("index", "<u8", "uint64_t", 0, "retired-instruction number, from 0 at reset"),
    ("pc", "<u4", "uint32_t", 0, "its address"),
    ("word", "<u4", "uint32_t", 0, "the instruction word"),
    ("value", "<u4", "uint32_t", 0, "the value written to rd (0 when rd is 0)"),
    ("skipped", "<u4", "uint32_t", 0,
     "instructions it skipped: a taken skip-branch's, or a SASA trigger's block"),
    ("ex_to_retire", "<u4", "uint32_t", 0, "cycles from the start of its EX to its retire"),
    ("stalls", "<u4", "uint32_t", len(STALL_CAUSES),
     "stall cycles charged to it, by cause (STALL_CAUSES order)"),
    ("flags", "<u2", "uint16_t", 0, "FLAGS bits"),
    ("rd", "<u1", "uint8_t", 0, "the register it wrote (0: none)"),
    ("lost", "<u1", "uint8_t", 0,
     "skips lost to timing (its skip-branch's, its SASA trigger's: at most 2)"),
)

TRACE_DTYPE = np.dtype([(name, t, (n,)) if n else (name, t) for name, t, _, n, _ in FIELDS])
assert TRACE_DTYPE.itemsize % 8 == 0 and not any(
    TRACE_DTYPE.fields[a][1] + TRACE_DTYPE[a].itemsize != TRACE_DTYPE.fields[b][1]
    for (a, *_), (b, *_) in zip(FIELDS, FIELDS[1:])), "the record must have no padding"

HEADER_PATH = Path(__file__).resolve().parent.parent / "core_model" / "csrc" / "trace_record.h"


def render() -> str:
    width = max(len(f"{c} {name}{f'[{n}]' if n else ''};") for name, _, c, n, _ in FIELDS)
    out = [
        "/* Auto-generated from traces/record.py (FIELDS, STALL_CAUSES, FLAGS): do not edit. */",
        "#ifndef ZSKIP_TRACE_RECORD_H",
        "#define ZSKIP_TRACE_RECORD_H",
        "",
        f"/* One retired instruction ({TRACE_DTYPE.itemsize} bytes; numpy: "
        "zskip.traces.record.TRACE_DTYPE). */",
        "typedef struct {",
    ]
    for name, _, c, n, meaning in FIELDS:
        decl = f"{c} {name}{f'[{n}]' if n else ''};"
        out.append(f"    {decl:<{width}}  /* {meaning} */")
    out += [
        "} zs_trace_record;",
        "",
        "/* X(CAUSE, i): stalls[i] counts ZC_STALL_<CAUSE>. */",
        "#define ZS_TRACE_STALLS(X) \\",
        *[f"    X({cause.upper()}, {i}) \\" for i, cause in enumerate(STALL_CAUSES)],
        "",
        f"#define ZS_TRACE_NUM_STALLS {len(STALL_CAUSES)}",
        "",
        "/* X(FLAG, COUNTER, bit): flags bit `bit` is set when ZC_<COUNTER> moved. */",
        "#define ZS_TRACE_FLAGS(X) \\",
        *[f"    X({flag.upper()}, {counter}, {bit}) \\" for flag, (bit, counter) in FLAGS.items()],
        "",
        "#endif",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    return generator_main(HEADER_PATH, render, "zskip.traces.record", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
