"""Speed of the zskip core against unicorn, in one process (not a test).

Five long kernels, each run on: zskip with full timing and energy, the same translated
(Machine(translate=True): after the first 500k instructions the code they decoded is
compiled into the block loop, core_model/translate.py; a first untimed run per program
and mode compiles it into the cache, its time printed, so the rounds time running, not
compiling), zskip functional (and translated), zskip traced (timing with an execution
trace of every instruction into a ring keeping the last TRACE_RING records: the per-instruction loop plus one record each), and
unicorn's JIT with no hooks (it counts nothing). The timing column is tracing compiled in
but off: run this script on a build without tracing to compare (the fast loops' machine
code is the same; see docs/traces.md). unicorn maps code read-execute and
data (stack and heap too) read-write: a page both writable and executable sends every
store through its self-modifying-code check, which would flatter anything compared with
it. MIPS uses zskip's retired-instruction count for every engine (the same program
takes the same path everywhere). Rounds are paired: every round runs all engines back
to back, ratios are taken within a round, and the medians over rounds are printed, one
table over all kernels.

  dense : an int8 x int8 -> int32 dense-layer MAC loop over 4 KiB of weights, repeated
          (tight loops, few misses: the easy case for per-block timing);
  calls : a call per element into a small function over a 256 KiB buffer with a
          4160-byte stride (call/return and cache-miss heavy: the hard case);
  alu   : a tight loop of dependent and independent ALU ops and a counted branch (no
          memory access: where a JIT is at its best);
  branchy : a loop with a data-dependent branch per element, taken about half the time
          at random (the shape of a software zero test: load an element, beqz over a
          small block): the `branch` variant of every kernel;
  dense_xzs : the Xzs dense-layer example (kernels/examples/dense_xzs.S: a zero-detect
          load per input and a skip-branch over the row of each zero one), repeated.
          unicorn cannot run Xzs words without a Python hook per word, so it runs the
          same program with lw.zd -> lw and skz -> beqz: the same path, the same count.

With --suite, every kernel of the built-in suite (zskip.kernels.registry) in every
variant is a row too: the kernel's own harness places the network and enough test images
for about --insns instructions (fewer where the test set runs out), and the machine it
built is what every engine runs (kernels.harness.placed_program). unicorn cannot run an
Xzs word without a Python hook, so for the xzs and sasa variants it runs the kernel's
`branch` variant (the same network, images and zero tests in RV32IM) and the ratio is
zskip's MIPS on its variant over unicorn's MIPS on `branch` (paired per round, like
every ratio here).

--predictor sets the branch predictor of every zskip run (default: the config's,
embedded's static not_taken; bimodal and gshare are the dynamic ones).

Usage: python bench/core_bench.py [--insns 60e6] [--rounds 5] [--suite [--suite-kernels NAME...]]
                                  [--predictor P]
                                  [--kernel dense|calls|alu|branchy|dense_xzs|all|none]
"""
from __future__ import annotations

import os

# numpy's OpenBLAS threads spin a while after each of the harness's matrix products,
# on the other core of a small machine: one thread, before numpy is imported
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

from tabulate import tabulate
from unicorn import (UC_ARCH_RISCV, UC_MODE_RISCV32, UC_PROT_EXEC, UC_PROT_READ,
                     UC_PROT_WRITE, Uc)
from unicorn import riscv_const as rc

from unicorn import UC_HOOK_INTR

from zskip.core_model import CoreConfig, Machine, load_config
from zskip.core_model.layout import PAGE, memory_layout
from zskip.isa.assembler import assemble
from zskip.isa.program import Program

try:        # a build with execution traces
    import numpy as np

    from zskip.core_model import TraceWindow
    from zskip.traces.record import TRACE_DTYPE
except ImportError:
    TRACE_DTYPE = None
TRACE_RING = 1 << 16

DENSE = """
    .equ N_IN, 64
    .equ N_OUT, 64
    .text
    .globl _start
_start:
    li    s3, {reps}
rep:
    la    s0, x
    la    s1, w
    li    s2, N_IN
outer:
    lb    t0, 0(s0)
    mv    t5, s1
    addi  s1, s1, N_OUT
    la    t1, y
    li    t2, N_OUT
inner:
    lb    t3, 0(t5)
    mul   t3, t3, t0
    lw    t4, 0(t1)
    add   t4, t4, t3
    sw    t4, 0(t1)
    addi  t5, t5, 1
    addi  t1, t1, 4
    addi  t2, t2, -1
    bnez  t2, inner
    addi  s0, s0, 1
    addi  s2, s2, -1
    bnez  s2, outer
    addi  s3, s3, -1
    bnez  s3, rep
done:
    li    a0, 0
    li    a7, 93
    ecall
    .data
x:  .byte {x}
w:  .byte {w}
    .p2align 2
y:  .zero N_OUT*4
"""
DENSE_INSNS_PER_REP = 4 + 64 * (5 + 64 * 9 + 3) + 2

CALLS = """
    .text
    .globl _start
_start:
    li    s3, {reps}
    la    s1, buf
    li    s4, 0x3fffc          # 256 KiB window, word aligned
    li    s5, 4160
rep:
    li    s0, 0
    li    s2, 1024
loop:
    add   a0, s0, s1
    mv    a1, s2
    call  bump
    add   s0, s0, s5           # 4160-byte stride: a new line (and set) every time
    and   s0, s0, s4
    addi  s2, s2, -1
    bnez  s2, loop
    addi  s3, s3, -1
    bnez  s3, rep
done:
    li    a0, 0
    li    a7, 93
    ecall
bump:                          # *p += k, through a second call
    lw    t0, 0(a0)
    addi  sp, sp, -16
    sw    ra, 12(sp)
    call  twice
    add   t0, t0, a1
    sw    t0, 0(a0)
    lw    ra, 12(sp)
    addi  sp, sp, 16
    ret
twice:
    slli  a1, a1, 1
    ret
    .bss
buf: .zero 262144
"""
CALLS_INSNS_PER_REP = 2 + 1024 * (8 + 10 + 2) + 2

ALU = """
    .text
    .globl _start
_start:
    li    a1, 1
    li    a2, 0x9e3779b9
    li    t0, {reps}
loop:
    add   a3, a1, a2
    xor   a4, a3, a1
    slli  a5, a4, 3
    add   a1, a5, a2
    andi  a6, a1, 255
    addi  t0, t0, -1
    bnez  t0, loop
done:
    li    a0, 0
    li    a7, 93
    ecall
"""
ALU_INSNS_PER_REP = 7

BRANCHY = """
    .equ N, 1024
    .text
    .globl _start
_start:
    li    s3, {reps}
rep:
    la    s0, a
    li    s2, N
loop:
    lw    t0, 0(s0)
    beqz  t0, next             # zero: nothing to accumulate
    mul   t1, t0, t0
    add   a1, a1, t1
    xor   a2, a2, t0
next:
    addi  s0, s0, 4
    addi  s2, s2, -1
    bnez  s2, loop
    addi  s3, s3, -1
    bnez  s3, rep
done:
    li    a0, 0
    li    a7, 93
    ecall
    .data
a:  .word {a}
"""
BRANCHY_N = 1024


def _branchy_data() -> list[int]:
    """Half zeros at random (a fixed seed: every run takes the same path)."""
    rng = random.Random(1)
    return [rng.randrange(1, 1 << 16) if rng.random() < 0.5 else 0 for _ in range(BRANCHY_N)]


EXAMPLES = Path(__file__).resolve().parents[1] / "kernels" / "examples"


def _repeated(example: str, reps: int, rv32im: bool = False) -> Program:
    """kernels/examples/<example>.S run `reps` times (a loop on s3 around it); rv32im:
    its Xzs words replaced by the RV32IM instructions that take the same path."""
    source = (EXAMPLES / f"{example}.S").read_text()
    source, n_start = re.subn(r"^_start:\n", f"_start:\n    li    s3, {reps}\nrep:\n",
                              source, flags=re.M)
    source, n_exit = re.subn(r"^(\s+li\s+a0, 0\b)",
                             "    addi  s3, s3, -1\n    bnez  s3, rep\ndone:\n\\1",
                             source, flags=re.M)
    assert n_start == n_exit == 1, (n_start, n_exit)
    if rv32im:
        source = re.sub(r"\blw\.zd\b", "lw   ", source)
        source = re.sub(r"\bskz\b", "beqz", source)
    return assemble(source, filename=str(EXAMPLES / f"{example}_repeated.S"))


def _insns_per_rep(example: str) -> int:
    runs = [Machine(_repeated(example, reps), functional=True).run().instructions
            for reps in (1, 2)]
    return runs[1] - runs[0]


def build(kernel: str, target: int) -> tuple[Program, Program]:
    """The kernel for zskip, and the same for unicorn (RV32IM only)."""
    if kernel == "dense_xzs":
        reps = max(1, int(target) // _insns_per_rep("dense_xzs"))
        return _repeated("dense_xzs", reps), _repeated("dense_xzs", reps, rv32im=True)
    program = _build_rv32im(kernel, target)
    return program, program


def _build_rv32im(kernel: str, target: int) -> Program:
    if kernel == "dense":
        reps = max(1, int(target) // DENSE_INSNS_PER_REP)
        x = ", ".join(str((i * 37) % 256 - 128) for i in range(64))
        w = ", ".join(str((i * 91 + 7) % 256 - 128) for i in range(64 * 64))
        return assemble(DENSE.format(reps=reps, x=x, w=w), filename="dense.S")
    if kernel == "branchy":
        a = _branchy_data()
        per_rep = 2 + BRANCHY_N * 5 + 3 * sum(1 for v in a if v) + 2
        reps = max(1, int(target) // per_rep)
        return assemble(BRANCHY.format(reps=reps, a=", ".join(map(str, a))),
                        filename="branchy.S")
    if kernel == "alu":
        reps = max(1, int(target) // ALU_INSNS_PER_REP)
        return assemble(ALU.format(reps=reps), filename="alu.S")
    reps = max(1, int(target) // CALLS_INSNS_PER_REP)
    return assemble(CALLS.format(reps=reps), filename="calls.S")


CONFIG: CoreConfig | None = None     # every zskip run's (None: the default); --predictor


def run_zskip(program: Program, functional: bool, traced: bool = False,
              config: CoreConfig | None = None, translate: bool = False) -> tuple[float, int]:
    m = Machine(program, config if config is not None else CONFIG, functional=functional,
                translate=translate)
    if traced:
        m.trace_into(np.zeros(TRACE_RING, dtype=TRACE_DTYPE), TraceWindow())
    t = time.perf_counter()
    stats = m.run(max_insns=10**10)
    elapsed = time.perf_counter() - t
    if not functional:
        stats.to_dict()      # energy by component is part of what this mode delivers
    assert m.exit_code == 0, m.exit_code
    return elapsed, stats.instructions


def _unicorn(program: Program, cfg: CoreConfig | None = None) -> Uc:
    cfg = cfg if cfg is not None else load_config(None)
    base, size, stack_top = memory_layout(program, cfg.stack_size, cfg.heap_size)
    uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV32)
    # page by page: read-execute where a segment holds code, read-write elsewhere
    code = set()
    for seg in program.segments:
        if "x" in seg.flags:
            code.update(range(seg.vaddr & ~(PAGE - 1), seg.end, PAGE))
    for page in range(base, base + size, PAGE):
        perms = UC_PROT_READ | (UC_PROT_EXEC if page in code else UC_PROT_WRITE)
        uc.mem_map(page, PAGE, perms)
    for seg in program.segments:
        uc.mem_write(seg.vaddr, seg.data)
    uc.reg_write(rc.UC_RISCV_REG_SP, stack_top)
    return uc


def run_unicorn(program: Program) -> tuple[float, int]:
    uc = _unicorn(program)
    t = time.perf_counter()
    uc.emu_start(program.entry, program.symbols["done"])   # stop before the exit ecall
    return time.perf_counter() - t, 0


ENGINES = {
    "timing": lambda p: run_zskip(p, functional=False),
    "timing translated": lambda p: run_zskip(p, functional=False, translate=True),
    "functional": lambda p: run_zskip(p, functional=True),
    "functional translated": lambda p: run_zskip(p, functional=True, translate=True),
    **({"traced": lambda p: run_zskip(p, functional=False, traced=True)} if TRACE_DTYPE else {}),
    "unicorn": run_unicorn,
}
KERNELS = ("dense", "calls", "alu", "branchy", "dense_xzs")
RATIOS = ("timing", "timing translated", "functional", "functional translated")
SUITE_ENGINES = (*RATIOS, "unicorn")
HEADERS = ["kernel", "M insns", *(f"{e} MIPS" for e in SUITE_ENGINES),
           *(f"{e} / unicorn" for e in RATIOS)]


def warm_translations(program: Program, config: CoreConfig | None = None) -> None:
    """Compile (or find cached) the translations the timed runs load: a translation is
    compiled once per code and config, so rounds time running, not compiling; the
    compile time is printed."""
    for functional in (False, True):
        t = time.perf_counter()
        run_zskip(program, functional, config=config, translate=True)
        print(f"    translated {'functional' if functional else 'timing'} first run "
              f"(compiling, or loading from the cache): {time.perf_counter() - t:.2f} s",
              file=sys.stderr, flush=True)


def bench(kernel: str, target: float, rounds: int) -> list[str]:
    """One table row: MIPS of each engine, zskip's ratios to unicorn (paired medians)."""
    program, rv32im_program = build(kernel, target)
    warm_translations(program)
    times: dict[str, list[float]] = {name: [] for name in ENGINES}
    insns = 0
    for r in range(rounds):
        for name, engine in ENGINES.items():
            print(f"  [{kernel}] round {r + 1}/{rounds}: {name} ...", file=sys.stderr, flush=True)
            elapsed, counted = engine(rv32im_program if name == "unicorn" else program)
            times[name].append(elapsed)
            insns = counted or insns
    mips = [f"{insns / statistics.median(ts) / 1e6:.0f}" for ts in times.values()]
    ratios = [f"{statistics.median(u / t for t, u in zip(times[name], times['unicorn'])):.2f}x"
              for name in RATIOS]
    traced = [f"{statistics.median(t / s for t, s in zip(times['timing'], times['traced'])):.2f}x"
              ] if "traced" in times else []
    return [kernel, f"{insns / 1e6:.1f}", *mips, *ratios, *traced]


# ---- the built-in suite ----

class _Placed(Exception):
    """Raised instead of running: the harness has placed everything."""


def suite_machine(name: str, variant: str, images: int,
                  config: CoreConfig | None) -> tuple[Program, CoreConfig]:
    """The program (data placed) and core config the suite's harness builds for kernel
    `name` in `variant` over `images` test images."""
    from zskip.kernels import registry
    from zskip.kernels.harness import placed_program
    placed: dict = {}
    run = Machine.run

    def grab(self: Machine, *args, **kwargs):
        placed["program"], placed["config"] = placed_program(self), self.config
        raise _Placed
    Machine.run = grab          # each harness builds one Machine and runs it once
    try:
        registry.run(name, variant, config, images=images, functional=True)
    except _Placed:
        pass
    finally:
        Machine.run = run
    return placed["program"], placed["config"]


def suite_programs(target: float, config: CoreConfig | None, names: list[str] | None = None):
    """(row name, zskip program, its config, unicorn's program, its config) per suite
    kernel (those in `names`, else all) and variant, each about `target` instructions."""
    from zskip.kernels import registry
    for info in registry.kernels():
        if names and info.name not in names:
            continue
        programs = {}
        for variant in info.variants:
            program, cfg = suite_machine(info.name, variant, 2, config)
            per_image = Machine(program, cfg, functional=True).run(max_insns=10**10).instructions / 2
            images = max(1, int(target / per_image))
            while True:
                try:
                    programs[variant] = suite_machine(info.name, variant, images, config)
                    break
                except Exception:
                    if images == 1:
                        raise
                    images //= 2           # fewer test images than asked for
        for variant in info.variants:
            anchor = variant if variant not in ("xzs", "sasa") else "branch"
            yield (f"{info.name}/{variant}", *programs[variant], *programs[anchor])


def run_unicorn_exit(program: Program, cfg: CoreConfig) -> tuple[float, int]:
    """unicorn with no per-instruction or block hook, run to the exit system call (an
    interrupt hook, called at ecalls only); returns the time and the retired count
    (from zskip, for MIPS)."""
    uc = _unicorn(program, cfg)
    a7 = rc.UC_RISCV_REG_A7

    def on_interrupt(uc: Uc, intno: int, _user) -> None:
        if intno != 8 or uc.reg_read(a7) == 93:
            uc.emu_stop()
    uc.hook_add(UC_HOOK_INTR, on_interrupt)
    t = time.perf_counter()
    uc.emu_start(program.entry, 1 << 32)
    return time.perf_counter() - t, 0


def bench_suite_row(row: str, program: Program, cfg: CoreConfig, uc_program: Program,
                    uc_cfg: CoreConfig, rounds: int) -> list[str]:
    insns = Machine(program, cfg, functional=True).run(max_insns=10**10).instructions
    uc_insns = Machine(uc_program, uc_cfg, functional=True).run(max_insns=10**10).instructions
    warm_translations(program, cfg)
    mips: dict[str, list[float]] = {e: [] for e in SUITE_ENGINES}
    for r in range(rounds):
        print(f"  [{row}] round {r + 1}/{rounds}", file=sys.stderr, flush=True)
        for e in RATIOS:
            elapsed = run_zskip(program, "functional" in e, config=cfg,
                                translate="translated" in e)[0]
            mips[e].append(insns / elapsed / 1e6)
        mips["unicorn"].append(uc_insns / run_unicorn_exit(uc_program, uc_cfg)[0] / 1e6)
    med = [f"{statistics.median(v):.0f}" for v in mips.values()]
    ratios = [f"{statistics.median(z / u for z, u in zip(mips[e], mips['unicorn'])):.2f}x"
              for e in RATIOS]
    return [row, f"{insns / 1e6:.1f}", *med, *ratios]


def main() -> None:
    global CONFIG
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--insns", type=float, default=60e6, help="instructions per run")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--kernel", choices=[*KERNELS, "all", "none"], default="all")
    ap.add_argument("--suite", action="store_true",
                    help="also every suite kernel in every variant")
    ap.add_argument("--suite-kernels", nargs="+", metavar="NAME",
                    help="with --suite: these suite kernels only (e.g. mlp_os snn)")
    ap.add_argument("--suite-insns", type=float, default=20e6,
                    help="instructions per suite run (at most: the test set may run out)")
    ap.add_argument("--predictor", choices=["not_taken", "btfn", "bimodal", "gshare"])
    args = ap.parse_args()
    if args.predictor:
        CONFIG = load_config(None).updated({"pipeline": {"branch_predictor": args.predictor}})
    kernels = () if args.kernel == "none" else KERNELS if args.kernel == "all" else (args.kernel,)
    rows = [bench(kernel, args.insns, args.rounds) for kernel in kernels]
    predictor = args.predictor or load_config(None).pipeline.branch_predictor
    print(f"\nmedian of {args.rounds} paired rounds; MIPS from zskip's retired count; "
          f"predictor {predictor}")
    if rows:
        print(tabulate(rows, headers=["kernel", "M insns", *(f"{e} MIPS" for e in ENGINES),
                                      *(f"{e} / unicorn" for e in RATIOS),
                                      *(["traced / timing"] if "traced" in ENGINES else [])]))
    if args.suite:
        suite_rows = [bench_suite_row(*entry, args.rounds)
                      for entry in suite_programs(args.suite_insns, CONFIG, args.suite_kernels)]
        print("\nsuite (xzs, sasa: unicorn runs the kernel's branch variant; ratios of MIPS)")
        print(tabulate(suite_rows, headers=HEADERS))


if __name__ == "__main__":
    main()
