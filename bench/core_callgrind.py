"""Host instructions per simulated instruction (callgrind), per kernel (not a test).

For each kernel (core_bench's bench kernels by name, suite kernels as name/variant), runs
zskip in timing mode under `valgrind --tool=callgrind` at two run lengths and prints
(Ir(long) - Ir(short)) / (insns(long) - insns(short)): Python, start-up, placing the
network and the first 500k instructions a translation waits for cancel out. Each run is
first made once outside valgrind, so a translation comes from the cache (the compiler,
a child process, is not counted anyway).

Usage: python bench/core_callgrind.py [--translate] [--functional] KERNEL...
       e.g. branchy alu mlp_os/baseline snn/sasa
"""
from __future__ import annotations

import os

# numpy's OpenBLAS threads spin a while after each of the harness's matrix products,
# on the other core of a small machine: one thread, before numpy is imported
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# bench kernels: instructions; suite kernels: test images
LENGTHS = {"bench": (2e6, 6e6), "suite": (40, 120)}


def run_one(kernel: str, length: float, translate: bool, functional: bool) -> int:
    """Run the kernel once in this process (what valgrind measures); its retired count."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import core_bench as cb

    from zskip.core_model import Machine
    if "/" in kernel:
        name, variant = kernel.split("/")
        program, config = cb.suite_machine(name, variant, int(length), None)
    else:
        program, config = cb.build(kernel, length)[0], None
    m = Machine(program, config, functional=functional, translate=translate)
    return m.run(max_insns=10**10).instructions


def measure(kernel: str, length: float, flags: list[str]) -> tuple[int, int]:
    """(retired instructions, host instructions) of one run under callgrind."""
    me = [sys.executable, __file__, "--one", kernel, str(length), *flags]
    subprocess.run(me, check=True, capture_output=True)          # warm the cache
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                               *me], check=True, capture_output=True, text=True)
        insns = int(re.search(r"^INSNS (\d+)$", done.stdout, re.M).group(1))
        totals = re.search(r"^summary: (\d+)", out.read_text(), re.M)
        return insns, int(totals.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kernels", nargs="*")
    ap.add_argument("--translate", action="store_true")
    ap.add_argument("--functional", action="store_true")
    ap.add_argument("--one", nargs=2, metavar=("KERNEL", "LENGTH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    flags = [f for f, on in (("--translate", args.translate),
                             ("--functional", args.functional)) if on]
    if args.one:
        print("INSNS", run_one(args.one[0], float(args.one[1]), args.translate,
                               args.functional))
        return
    for kernel in args.kernels:
        short, long = LENGTHS["suite" if "/" in kernel else "bench"]
        (n1, i1), (n2, i2) = (measure(kernel, length, flags) for length in (short, long))
        print(f"{kernel}: {(i2 - i1) / (n2 - n1):.1f} host instructions per instruction"
              f" ({' '.join(flags) or 'interpreter, timing'})", flush=True)


if __name__ == "__main__":
    main()
