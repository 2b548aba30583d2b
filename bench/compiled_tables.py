"""Compiled networks against the hand-written feed-forward kernels: cycles of every
variant on both presets, the compiled program (compiler/codegen: baseline code, the
zero-skip pass for branch, xzs and sasa, zero rates profiled on the same images) next to
kernels/ffnn/<variant>.S on the same network, images and core.

    python bench/compiled_tables.py [--images N] [--unroll U] [--tile T]

Prints markdown. Speedup = cycles of the same side's baseline (or branch) / cycles, so
each side is measured against its own baseline; the two baselines' cycles differ and
the table shows both. Every output is checked against the numpy reference, and every
compiled variant once more with verify-skips (functional).
"""
from __future__ import annotations

import argparse

import numpy as np
from tabulate import tabulate

from zskip.compiler import reference
from zskip.compiler.codegen import CodegenOptions, compile_network, run_compiled
from zskip.compiler.frontends import load_shipped
from zskip.core_model import load_config
from zskip.kernels import VARIANTS, run
from zskip.traces.digits import load_digits

# hand-written kernel -> (shipped network, the compiled program's dense loop order)
WORKLOADS = {"mlp_os": ("mlp", "os"), "mlp_is": ("mlp", "is"), "cnn": ("cnn", "is"),
             "mlp_pruned": ("mlp_pruned", "is")}


def rows(images: int, unroll: int, tile: int) -> list[tuple]:
    x = load_digits("test").images[:images]
    out = []
    for preset in ("embedded", "application"):
        config = load_config(preset)
        for kernel, (network, order) in WORKLOADS.items():
            net = load_shipped(network)
            inputs = x.reshape(len(x), *net.input.shape).astype(np.int64)
            expected = reference.outputs(net, inputs)
            options = CodegenOptions(order, unroll, tile)
            hand, compiled = {}, {}
            for variant in VARIANTS:
                result = run(kernel, variant, config, images)
                assert result.matches_reference, f"{kernel}/{variant}"
                hand[variant] = result.stats.cycles
                program = compile_network(net, variant, config, options, inputs)
                outputs, stats = run_compiled(program, inputs)
                checked, _ = run_compiled(program, inputs, functional=True,
                                          verify_skips=variant != "baseline")
                assert np.array_equal(outputs, expected) and np.array_equal(checked, expected)
                compiled[variant] = stats.cycles
            for variant in VARIANTS:
                out.append((preset, kernel, f"{order}, unroll {unroll}, tile {tile}", variant,
                            hand[variant], compiled[variant],
                            f"{hand['baseline'] / hand[variant]:.3f}",
                            f"{compiled['baseline'] / compiled[variant]:.3f}",
                            f"{hand['branch'] / hand[variant]:.3f}",
                            f"{compiled['branch'] / compiled[variant]:.3f}",
                            f"{hand[variant] / compiled[variant]:.3f}"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--unroll", type=int, default=CodegenOptions().unroll)
    parser.add_argument("--tile", type=int, default=CodegenOptions().tile)
    args = parser.parse_args()
    print(tabulate(rows(args.images, args.unroll, args.tile), tablefmt="github", headers=[
        "core", "kernel", "compiled as", "variant", "hand cycles", "compiled cycles",
        "hand vs baseline", "compiled vs baseline", "hand vs branch", "compiled vs branch",
        "hand / compiled cycles"]))


if __name__ == "__main__":
    main()
