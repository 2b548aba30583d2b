"""cffi (API mode) build of the C core.

setup.py names `ffibuilder` as a cffi module, so `pip install` compiles it;
`python -m zskip.core_model.build_core` (or `python core_model/build_core.py`) rebuilds
the extension in place after editing csrc/. The cdef below is the whole boundary: the
state struct (fields Python sets and reads; cffi takes the layout from the header),
the status and counter enums, and three functions.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
CSRC = HERE / "csrc"

CDEF = """
#define ZS_SLOT_SIZE ...
#define ZS_SASA_MAX ...
#define ZS_CACHE_MAX_LINES ...
#define ZS_NUM_INSNS ...
enum zs_counter { ZS_NUM_COUNTERS, ... };
enum zs_status { ZS_RUNNING, ZS_EXIT, ZS_BREAKPOINT, ZS_OUTPUT, ZS_ILLEGAL_INSTRUCTION,
                 ZS_MISALIGNED_ACCESS, ZS_ACCESS_FAULT, ZS_FETCH_FAULT,
                 ZS_UNSUPPORTED_ECALL, ZS_UNSAFE_SKIP, ... };
enum zs_unsafe { ZS_UNSAFE_STORE, ZS_UNSAFE_REGISTER, ZS_UNSAFE_EXIT, ZS_UNSAFE_ECALL, ... };
enum zs_opclass { OPC_COUNT, ... };

typedef struct {
    uint32_t sets, ways, line_shift, line_words, hit_latency, miss_penalty;
    ...;
} zs_cache;

enum zs_predictor_kind { ZS_PRED_NOT_TAKEN, ZS_PRED_BTFN, ZS_PRED_BIMODAL, ZS_PRED_GSHARE };
#define ZS_PRED_MAX ...
#define ZS_BTB_MAX ...

typedef struct {
    uint32_t kind;
    uint32_t entries, history_bits, btb_entries;
} zs_predictor_config;

typedef struct {
    uint32_t stages, decode_stage, execute_stage, memory_stages;
    uint32_t bypassing;
    zs_predictor_config bp;
    uint32_t mul_pipelined;
    uint32_t skip_taken_penalty, skip_not_taken_penalty;
    uint32_t occupancy[];
    uint32_t div_data_dependent;
    uint32_t memory_latency;
    ...;
} zs_timing;

typedef struct {
    uint32_t pc;
    uint32_t x[33];
    uint64_t sprf;
    uint32_t mem_base, mem_size;
    uint32_t functional, verify;
    uint32_t per_instruction;
    int32_t exit_code;
    uint32_t fault_pc, fault_word, fault_addr, fault_has_word, fault_is_store;
    uint32_t out_fd, out_addr, out_len;
    uint32_t unsafe_kind, block_start, block_end;
    uint32_t sasa_entries, sasa_valid;
    uint32_t xzs;
    zs_timing tm;
    zs_cache icache, dcache;
    uint64_t tainted;
    uint64_t counters[];
    uint64_t insn_counts[];
    ...;
} zs_state;

void zs_reset(zs_state *st);
int zs_run(zs_state *st, uint8_t *mem, void *slots, uint64_t max_insns);
const char *zs_counter_name(int i);
"""

def make_builder(absolute_paths: bool) -> FFI:
    """setuptools wants source paths relative to setup.py (the project root); a direct
    build compiles in a temporary directory and needs absolute ones."""
    source = CSRC / "zs_core.c"
    builder = FFI()
    builder.cdef(CDEF)
    builder.set_source(
        "zskip.core_model._core",
        '#include "zs_core.h"\n',
        sources=[str(source if absolute_paths else source.relative_to(HERE.parent))],
        include_dirs=[str(CSRC if absolute_paths else CSRC.relative_to(HERE.parent))],
        depends=[str(p) for p in CSRC.iterdir()] if absolute_paths else [],
        # -O2: -O3 and -march=native were no faster for this loop (DESIGN.md);
        # -fno-crossjumping keeps a copy of the dispatch in every handler (threading)
        extra_compile_args=["-O2", "-fno-crossjumping", "-std=gnu11", "-Wall", "-Wno-unused-label",
                            "-Wno-unused-variable", "-Wno-unused-but-set-variable"],
    )
    return builder


ffibuilder = make_builder(absolute_paths=False)   # named in setup.py's cffi_modules


def build_in_place() -> Path:
    """Compile the extension and copy it next to this file (editable installs)."""
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(make_builder(absolute_paths=True).compile(tmpdir=tmp, verbose=False))
        target = HERE / built.name
        shutil.copy2(built, target)
    return target


if __name__ == "__main__":
    print(build_in_place(), file=sys.stderr)
