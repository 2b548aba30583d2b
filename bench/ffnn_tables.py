"""The feed-forward kernels' tables: every kernel and variant under both presets with
each static branch predictor, against `baseline` and against `branch`, and how close the
skipping variants come to the ideal speedup (kernels/bound.py).

    python bench/ffnn_tables.py [--images N]

Prints markdown. Speedup = cycles of the reference variant / cycles; energy reduction =
1 - energy / energy of the reference variant. baseline and branch run on the core without
the Xzs hardware, xzs and sasa on the core with it (kernels.registry.variant_config).
"""
from __future__ import annotations

import argparse

from tabulate import tabulate

from zskip.core_model import CoreConfig, load_config
from zskip.kernels import VARIANTS, run
from zskip.kernels.bound import BOUND_KERNELS, skip_bound
from zskip.kernels.ffnn import KERNELS



def configs() -> list[tuple[str, CoreConfig]]:
    out = []
    for preset in ("embedded", "application"):
        base = load_config(preset)
        for predictor in ("not_taken", "btfn", "gshare"):
            cfg = base.updated({"pipeline": {"branch_predictor": predictor}})
            out.append((f"{preset}, {predictor}", cfg))
    return out


def speed_table(images: int) -> str:
    rows = []
    for label, cfg in configs():
        for kernel in KERNELS:
            runs = {v: run(kernel.name, v, cfg, images) for v in VARIANTS}
            base, branch = runs["baseline"].stats, runs["branch"].stats
            for variant, result in runs.items():
                s = result.stats
                rows.append((label, kernel.name, variant, s.instructions, s.cycles,
                             f"{base.cycles / s.cycles:.3f}", f"{branch.cycles / s.cycles:.3f}",
                             f"{100 * (1 - s.energy_total / base.energy_total):.1f}%",
                             f"{100 * (1 - s.energy_total / branch.energy_total):.1f}%",
                             s.skips_taken + s.sasa_hits, s.skips_lost))
    return tabulate(rows, tablefmt="github", headers=[
        "core", "kernel", "variant", "instructions", "cycles", "speedup vs baseline",
        "speedup vs branch", "energy saved vs baseline", "energy saved vs branch",
        "skips", "skips lost"])


def sparsity_table(images: int) -> str:
    rows = []
    for kernel in KERNELS:
        zeros = run(kernel.name, "baseline", "embedded", images, functional=True).sparsity
        rows.append((kernel.name, ", ".join(f"{k} {v:.3f}" for k, v in zeros.items())))
    return tabulate(rows, tablefmt="github", headers=["kernel", "zero fraction per operand"])


def bound_table(images: int) -> str:
    rows = []
    for preset in ("embedded", "application"):
        for name in BOUND_KERNELS:
            for variant in ("xzs", "sasa"):
                b = skip_bound(name, variant, preset, images)
                cycle = "n/a (skips lost)" if b.cycle_bound is None else \
                    f"{b.cycle_speedup:.3f} / {b.cycle_bound:.3f} = {100 * b.cycle_fraction:.1f}%"
                rows.append((preset, name, variant,
                             f"{b.insn_speedup:.3f} / {b.insn_bound:.3f} = "
                             f"{100 * b.insn_fraction:.1f}%", cycle,
                             b.variant.stats.skips_lost))
    return tabulate(rows, tablefmt="github", headers=[
        "core", "kernel", "variant", "instructions: speedup / bound", "cycles: speedup / bound",
        "skips lost"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100)
    args = parser.parse_args(argv)
    print(f"## Zero fractions ({args.images} test images)\n\n{sparsity_table(args.images)}\n")
    print(f"## Speed and energy\n\n{speed_table(args.images)}\n")
    print(f"## Against the ideal speedup\n\n{bound_table(args.images)}")


if __name__ == "__main__":
    main()
