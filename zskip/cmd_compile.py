"""`zskip compile INPUT`: a network (a shipped name, an .npz in the shipped formats, an
.onnx model) to one RV32IM program in an ISA variant, or the zero-skip pass alone on
an assembly file (.S/.s: baseline code, hand-written or GCC's -S output).

Variants other than baseline are the zero-skip pass applied to the baseline code,
with zero rates profiled on calibration samples (a network) or on a run of the
program as it is (assembly; --zero-rate P assumes P instead).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zskip.core_model import load_config

from .argtypes import count

ASSEMBLY_SUFFIXES = (".s", ".S", ".asm")
VARIANTS = ("baseline", "branch", "xzs", "sasa")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="a shipped network (mlp, cnn, mlp_pruned, lstm, snn), "
                                      "an .npz or .onnx file, or an assembly file")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="write the assembly here (default: stdout)")
    parser.add_argument("--variant", choices=VARIANTS, default=None,
                        help="ISA variant (default: xzs for assembly input, else baseline)")
    parser.add_argument("--config", default=None,
                        help="the core the pass schedules for: preset or TOML "
                             "(default: embedded)")
    parser.add_argument("--explain", action="store_true",
                        help="list each candidate region: why it is redundant, whether it "
                             "was kept, its estimated benefit (on stdout with -o, else "
                             "stderr)")
    parser.add_argument("--zero-skip", action="store_true",
                        help="the pass alone on assembly (implied by a .S/.s input)")
    parser.add_argument("--zero-rate", type=float, default=None, metavar="P",
                        help="assembly input: assume every load reads zero with probability P "
                             "instead of profiling a run of the program")
    group = parser.add_argument_group("code generation (networks)")
    group.add_argument("--loop-order", choices=("os", "is"), default="os",
                       help="output-stationary (register tiles) or input-stationary "
                            "(default: os)")
    group.add_argument("--unroll", type=count, default=4, metavar="N",
                       help="inputs per loop iteration (default: 4)")
    group.add_argument("--tile", type=count, default=8, metavar="N",
                       help="accumulators kept in registers (default: 8)")
    group.add_argument("--images", type=count, default=8, metavar="N",
                       help="calibration samples: profiled for the pass and embedded as "
                            "the program's input (default: 8)")
    group.add_argument("--calibration", type=Path, default=None, metavar="FILE.npy",
                       help="real inputs as the model takes them [n, ...] (default: the "
                            "digits training images)")


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    assembly = args.zero_skip or args.input.endswith(ASSEMBLY_SUFFIXES)
    if assembly:
        text, report = _zero_skip(args, config)
    else:
        text, report = _compile(args, config)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text)
    if args.explain:
        print(report, file=sys.stdout if args.output else sys.stderr)
    return 0


def _zero_skip(args: argparse.Namespace, config) -> tuple[str, str]:
    from zskip.compiler.zeroskip import zero_skip_assembly
    from zskip.kernels.registry import variant_config
    path = Path(args.input)
    text = path.read_text()
    variant = args.variant or "xzs"
    if variant == "baseline":
        return text, "baseline: the program unchanged (no zero tests)"
    result = zero_skip_assembly(text, variant, variant_config(config, variant),
                                filename=str(path), zero_rate=args.zero_rate)
    return result.text, result.explain()


def _compile(args: argparse.Namespace, config) -> tuple[str, str]:
    import numpy as np

    from zskip.compiler.codegen import CodegenOptions, compile_network
    from zskip.compiler.frontends import calibration_inputs, load_network
    calibration = None if args.calibration is None else np.load(args.calibration)
    net = load_network(args.input, calibration)
    samples = calibration_inputs(net, args.images, calibration)
    options = CodegenOptions(args.loop_order, args.unroll, args.tile)
    compiled = compile_network(net, args.variant or "baseline", config, options, samples)
    return compiled.source, compiled.explain()
