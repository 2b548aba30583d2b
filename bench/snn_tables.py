"""The SNN kernel's tables (markdown), from real runs over the digits test split:

1. per config and variant at a deactivation setting: instructions, cycles, energy, speedup
   and energy reduction against `baseline` and against `branch`, skips taken / lost;
2. the deactivation sweep: synaptic operations (model and core), on-core accuracy over
   the whole split, and cycles of the event-driven variants on the embedded preset.

    python bench/snn_tables.py [--images N] [--setting NAME]
"""
from __future__ import annotations

import argparse
import dataclasses

from zskip.core_model import load_config
from zskip.kernels import VARIANTS, KernelRun, run
from zskip.kernels.snn import SETTINGS

# (label, preset, overrides): the presets, each with a dynamic predictor too, and
# embedded with the other static predictor
CONFIGS = (("embedded", "embedded", {}),
           ("embedded, btfn", "embedded", {"pipeline": {"branch_predictor": "btfn"}}),
           ("embedded, gshare", "embedded", {"pipeline": {"branch_predictor": "gshare"}}),
           ("application", "application", {}),
           ("application, gshare", "application", {"pipeline": {"branch_predictor": "gshare"}}))


def _run(variant: str, config: str, images: int | None, setting: str,
         overrides: dict | None = None, **kw) -> KernelRun:
    result = run("snn", variant, load_config(config).updated(overrides or {}), images,
                 **dataclasses.asdict(SETTINGS[setting]), **kw)
    if not result.matches_reference:
        raise SystemExit(f"snn {variant} on {config} differs from the numpy model")
    return result


def variant_table(images: int | None, setting: str) -> str:
    lines = ["| config | variant | instructions | cycles | energy (uJ) | speedup vs baseline"
             " | vs branch | energy reduction vs baseline | vs branch | skips taken / lost |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    sparsity = ""
    for config, preset, overrides in CONFIGS:
        runs = {v: _run(v, preset, images, setting, overrides) for v in VARIANTS}
        base, branch = runs["baseline"].stats, runs["branch"].stats
        for variant, r in runs.items():
            s = r.stats
            taken = s.skips_taken + s.sasa_hits
            lines.append(
                f"| {config} | {variant} | {s.instructions:,} | {s.cycles:,} | "
                f"{s.energy_total / 1e6:.1f} | {base.cycles / s.cycles:.2f}x | "
                f"{branch.cycles / s.cycles:.3f}x | {base.energy_total / s.energy_total:.2f}x | "
                f"{branch.energy_total / s.energy_total:.3f}x | "
                + (f"{taken:,} / {s.skips_lost:,} |" if variant in ("xzs", "sasa") else "- |"))
        sparsity = ", ".join(f"{k} {v:.1%}" for k, v in runs["baseline"].sparsity.items())
        sparsity += f"; hidden neurons deactivated {runs['baseline'].params['hidden deactivated']:.1%}"
        n = runs["baseline"].images
    return (f"Setting `{setting}` ({SETTINGS[setting]}), {n} images; zero fractions: "
            f"{sparsity}\n\n" + "\n".join(lines))


def sweep_table(images: int | None) -> str:
    lines = ["| setting | refresh | w_min | v_min | ops/image (model) | fewer ops vs exact "
             "| vs dense | core ops = model | accuracy (core) | cycles/image branch | xzs | sasa "
             "| sasa vs exact sasa |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    exact_ops = exact_sasa = None
    for name, setting in SETTINGS.items():
        acc = _run("xzs", "embedded", None, name, functional=True)
        cycles = {v: _run(v, "embedded", images, name) for v in ("branch", "xzs", "sasa")}
        n = cycles["branch"].images
        ops = acc.params["model_ops"] / acc.images
        exact_ops = exact_ops or ops
        exact_sasa = exact_sasa or cycles["sasa"].stats.cycles
        same = all(r.params["ops"] == r.params["model_ops"] for r in
                   (acc, cycles["branch"], cycles["xzs"]))
        lines.append(
            f"| {name} | {setting.refresh} | {setting.w_min} | "
            f"{'none' if setting.v_min == -(1 << 31) else setting.v_min} | {ops:,.0f} | "
            f"{exact_ops / ops:.2f}x | {acc.params['dense_ops'] / acc.params['model_ops']:.2f}x | "
            f"{'yes' if same else 'NO'} | {acc.accuracy:.2%} | "
            + " | ".join(f"{cycles[v].stats.cycles / n:,.0f}" for v in ("branch", "xzs", "sasa"))
            + f" | {exact_sasa / cycles['sasa'].stats.cycles:.2f}x |")
    return (f"Accuracy and ops over the whole test split (xzs, functional); cycles over "
            f"{n} images on embedded\n\n" + "\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=None, help="default: all 360")
    parser.add_argument("--setting", choices=list(SETTINGS), default="default")
    args = parser.parse_args(argv)
    print(variant_table(args.images, "exact"), end="\n\n")
    print(variant_table(args.images, args.setting), end="\n\n")
    print(sweep_table(args.images))


if __name__ == "__main__":
    main()
