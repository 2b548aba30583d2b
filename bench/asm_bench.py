"""Time `zskip asm` on a generated 100,000-line kernel (not a test; target < 2 s).

The kernel is a realistic mix: unrolled zero-skipping MAC loops (zero-detect loads,
skip-branches, loads, mul/add, stores), li with small and large values, labels,
numeric local labels, branches, calls, comments and a data section.

    python bench/asm_bench.py [--lines N] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time

from zskip.isa.assembler import assemble


def kernel(lines: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = [".option norelax", ".text", ".globl _start", "_start:", "    la s0, acts",
           "    la s1, weights"]
    block = 0
    while len(out) < lines - 8:
        block += 1
        n = rng.randrange(2, 6)
        out += [f"block{block}:                # one output neuron",
                f"    li t2, {rng.choice((0, 7, 2047, 4096, 0x12345678, -3000))}",
                "1:"]
        for k in range(n):
            out += [f"    lw.zd t0, {4 * k}(s0)      # activation",
                    f"    skz t0, 2f",
                    f"    lw t1, {4 * k}(s1)",
                    "    mul t3, t0, t1",
                    "    add t2, t2, t3",
                    "2:"]
        out += ["    addi s0, s0, 16", "    addi s1, s1, 16",
                f"    sw t2, {rng.randrange(0, 256, 4)}(s2)",
                "    addi a0, a0, -1",
                "    bnez a0, 1b",
                f"    beq a1, a2, block{max(1, block - 1)}"]
        if block % 50 == 0:
            out.append("    call helper")
    out += ["helper: ret", ".data", "acts: .word 0, 1, 2, 3", "weights: .zero 64",
            ".bss", "out: .space 256"]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    args = parser.parse_args()
    source = kernel(args.lines)
    n = source.count("\n")
    best = cpu = float("inf")
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        program = assemble(source, "bench.S")
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    size = sum(len(s.data) for s in program.segments)
    # CPU time too: on a shared 2-core machine other jobs inflate the wall time
    print(f"{n} lines -> {size} bytes: best of 3 {best:.3f} s wall, {cpu:.3f} s CPU "
          f"({n / best / 1000:.0f} k lines/s; target < 2 s)")
    if args.profile:
        cProfile.runctx("assemble(source, 'bench.S')", globals(), {"source": source},
                        "/tmp/asm_bench.prof")
        pstats.Stats("/tmp/asm_bench.prof").sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
