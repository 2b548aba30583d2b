"""The zero-skip pass against the hand-written kernels: cycles of kernels/ffnn/baseline.S
and kernels/examples/dense_baseline.S transformed by the pass (targets branch, xzs,
sasa) next to the hand-written branch.S / xzs.S / sasa.S, on both presets.

    python bench/zeroskip_tables.py [--images N] [--no-profile]

The pass gets the zero rates of the loads profiled on the baseline, as the
network compiler would pass them; --no-profile uses its default guess (0.5). Every pass
output also runs with verify-skips (skipped blocks executed and checked; the cycles come
from the normal run) and its outputs are compared with the baseline's.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from tabulate import tabulate

from zskip.compiler.zeroskip import profile_zero_rates, zero_skip
from zskip.core_model import CoreConfig, Machine, load_config
from zskip.isa.assembler import assemble, parse
from zskip.isa.program import Program
from zskip.kernels import ffnn
from zskip.kernels.harness import fetch, kernel_path, placed_program
from zskip.kernels.registry import variant_config
from zskip.traces.digits import load_digits

TARGET_OF = {"branch": "branch", "xzs": "xzs", "sasa": "sasa"}


def ffnn_source(kernel: ffnn.FfnnKernel, variant: str, n_images: int) -> tuple[str, str]:
    """(source text, file name) of kernels/ffnn/<variant>.S with the harness's defines."""
    blob, _ = ffnn._layout(ffnn.load_network(kernel.network), kernel.dense)
    path = kernel_path(f"ffnn/{variant}.S")
    defines = f".equ N_IMAGES, {n_images}\n.equ PARAM_BYTES, {len(blob)}\n"
    return defines + path.read_text(), str(path)


def ffnn_machine(kernel: ffnn.FfnnKernel, program: Program, config: CoreConfig,
                 images: np.ndarray, verify_skips: bool = False) -> Machine:
    """kernels.ffnn.build_machine for a program given as such (a pass output)."""
    machine = Machine(program, config, verify_skips=verify_skips)
    ffnn.place_network(machine, ffnn.load_network(kernel.network), kernel.dense, images)
    return machine


def ffnn_rates(kernel: ffnn.FfnnKernel, images: np.ndarray, config: CoreConfig) -> dict:
    """Zero rates of every load of the baseline, measured on `images`."""
    text, name = ffnn_source(kernel, "baseline", len(images))
    module = parse(text, name)
    machine = ffnn_machine(kernel, assemble(module), config, images)
    return profile_zero_rates(placed_program(machine), [
        i for i in module.instructions() if i.row.cls.name == "load"], config)


def run_ffnn(kernel: ffnn.FfnnKernel, program: Program, config: CoreConfig,
             images: np.ndarray, verify_skips: bool = False):
    machine = ffnn_machine(kernel, program, config, images, verify_skips)
    stats = machine.run()
    assert machine.exit_code == 0
    return stats, fetch(machine, "logits", "<i4", (len(images), ffnn.N_CLASSES))


def ffnn_rows(images: int, profile: bool) -> list[list]:
    pixels = load_digits("test").images[:images]
    rows = []
    for preset in ("embedded", "application"):
        base_cfg = load_config(preset)
        for kernel in ffnn.KERNELS:
            rates = ffnn_rates(kernel, pixels, base_cfg) if profile else None
            text, name = ffnn_source(kernel, "baseline", len(pixels))
            base_stats, want = run_ffnn(kernel, assemble(text, name),
                                        variant_config(base_cfg, "baseline"), pixels)
            for variant in ("branch", "xzs", "sasa"):
                cfg = variant_config(base_cfg, variant)
                hand_text, hand_name = ffnn_source(kernel, variant, len(pixels))
                hand, _ = run_ffnn(kernel, assemble(hand_text, hand_name), cfg, pixels)
                result = zero_skip(text, TARGET_OF[variant], cfg, filename=name,
                                   zero_rates=rates)
                program = assemble(result.text, name)
                auto, got = run_ffnn(kernel, program, cfg, pixels)
                _, checked = run_ffnn(kernel, program, cfg, pixels, verify_skips=True)
                assert np.array_equal(got, want) and np.array_equal(checked, want), \
                    f"{kernel.name}/{variant}: outputs differ"
                rows.append([preset, kernel.name, variant, base_stats.cycles, hand.cycles,
                             auto.cycles, base_stats.cycles / hand.cycles,
                             base_stats.cycles / auto.cycles,
                             sum(r.accepted for r in result.regions)])
    return rows


def dense_rows() -> list[list]:
    rows = []
    examples = Path(kernel_path("examples"))
    base_text = (examples / "dense_baseline.S").read_text()
    name = str(examples / "dense_baseline.S")
    for preset in ("embedded", "application"):
        base_cfg = load_config(preset)
        base = Machine(assemble(base_text, name), variant_config(base_cfg, "baseline"))
        base_stats = base.run()
        want = fetch(base, "y", "<i4", (16,))
        for variant, hand_file in (("branch", "dense_branch.S"), ("xzs", "dense_xzs.S")):
            cfg = variant_config(base_cfg, variant)
            hand = Machine(assemble((examples / hand_file).read_text(),
                                    str(examples / hand_file)), cfg).run()
            result = zero_skip(base_text, variant, cfg, filename=name)
            program = assemble(result.text, name)
            checked = Machine(program, cfg, verify_skips=True)   # skips executed, checked
            checked.run()
            machine = Machine(program, cfg)
            auto = machine.run()
            assert np.array_equal(fetch(machine, "y", "<i4", (16,)), want)
            assert np.array_equal(fetch(checked, "y", "<i4", (16,)), want)
            rows.append([preset, "dense example", variant, base_stats.cycles, hand.cycles,
                         auto.cycles, base_stats.cycles / hand.cycles,
                         base_stats.cycles / auto.cycles,
                         sum(r.accepted for r in result.regions)])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    rows = dense_rows() + ffnn_rows(args.images, not args.no_profile)
    print(tabulate(rows, headers=["config", "kernel", "variant", "baseline cycles",
                                  "hand cycles", "pass cycles", "hand speedup",
                                  "pass speedup", "regions"],
                   floatfmt=".3f", tablefmt="github"))


if __name__ == "__main__":
    main()
