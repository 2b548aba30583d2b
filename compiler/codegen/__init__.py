"""Code generation: a layer-IR network (compiler/network.py) to one RV32IM program.

The generator writes baseline code only (no zero tests); the `branch`, `xzs` and `sasa`
variants of a compiled network are the zero-skip pass (compiler/zeroskip/) applied to
it, with the zero rates profiled on calibration samples.

    compiled = compile_network(net, "xzs", "embedded", CodegenOptions("os", 4, 8), samples)
    outputs, stats = run_compiled(compiled, samples, "embedded")
"""
from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass
from pathlib import Path
import numpy as np

from zskip.core_model import CoreConfig, Machine, Stats, load_config
from zskip.isa.assembler import assemble, parse
from zskip.isa.program import Program
from zskip.kernels.harness import fetch, place
from zskip.kernels.registry import VARIANTS, variant_config

from ..check import check_compiled
from ..network import Network, TensorType
from ..zeroskip import SkipResult, profile_zero_rates, zero_skip
from .emit import NUMPY, CodegenError, CodegenOptions
from .program import INPUT, OUTPUT, program

__all__ = ["CodegenError", "CodegenOptions", "CompiledNetwork", "compile_network", "generate",
           "run_compiled"]


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """A network compiled into one program for `images` samples."""
    net: Network
    variant: str
    options: CodegenOptions
    config: CoreConfig              # the core the zero-skip pass scheduled for
    images: int                     # N_IMAGES
    source: str                     # the program's assembly text
    program: Program
    input_symbol: str
    input_type: TensorType
    output_symbol: str
    output_type: TensorType
    calibration: np.ndarray | None  # the samples it was profiled on (and `input` holds)
    skip: SkipResult | None = None  # the zero-skip pass's result (variants only)

    def explain(self) -> str:
        """What the zero-skip pass did (the baseline: nothing)."""
        return self.skip.explain() if self.skip is not None else "baseline: no zero tests"


def generate(net: Network, options: CodegenOptions = CodegenOptions(), images: int = 1,
             samples: np.ndarray | None = None) -> str:
    """The baseline program text of `net` (no zero tests) for `images` samples, `input`
    holding `samples` (stored integers [n, *net.input.shape]) or zeros."""
    return program(net, options, images, samples)


# net -> {(variant, options, images, config, calibration): CompiledNetwork}
_CACHE: weakref.WeakKeyDictionary[Network, dict[tuple, CompiledNetwork]] = \
    weakref.WeakKeyDictionary()
# net -> {(options, calibration): zero rate per load site}
_RATES: weakref.WeakKeyDictionary[Network, dict[tuple, dict]] = weakref.WeakKeyDictionary()


def compile_network(net: Network, variant: str = "baseline",
                    config: CoreConfig | str | Path | None = None,
                    options: CodegenOptions = CodegenOptions(),
                    calibration: np.ndarray | None = None, *,
                    images: int | None = None, check: bool = True) -> CompiledNetwork:
    """`net` as one program in `variant` for `images` samples (default: as many as the
    calibration samples, else 1). A variant other than baseline is the zero-skip pass
    applied to the baseline program for `config`'s core, with zero rates profiled on
    `calibration` (stored inputs [n, *net.input.shape]). Cached per network, variant,
    options, image count, config and calibration. A new skipping variant is `check`ed
    (compiler/check.py: verify-skips, real and random inputs) before it is returned."""
    if variant not in VARIANTS:
        raise CodegenError(f"unknown variant {variant!r} (variants: {', '.join(VARIANTS)})")
    cfg = config if isinstance(config, CoreConfig) else load_config(config)
    samples = None if calibration is None else np.asarray(calibration, dtype=np.int64)
    n = images if images is not None else (len(samples) if samples is not None else 1)
    if n < 1:
        raise CodegenError(f"images must be >= 1, got {n}")
    key = (variant, options, n, _digest(cfg.to_dict()) if variant != "baseline" else None,
           None if samples is None else _digest(samples.tolist()))
    cached = _CACHE.setdefault(net, {})
    if key not in cached:
        compiled = _compile(net, variant, cfg, options, samples, n)
        if check and variant != "baseline" and samples is not None:
            check_compiled(compiled, samples)
        cached[key] = compiled
    return cached[key]


def _digest(value: object) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _compile(net: Network, variant: str, config: CoreConfig, options: CodegenOptions,
             samples: np.ndarray | None, images: int) -> CompiledNetwork:
    source = program(net, options, images, samples)
    filename = f"<{net.name} baseline>"    # explain names lines of the baseline program
    skip = None
    if variant != "baseline":
        rates = None if samples is None else _zero_rates(net, options, samples, config, filename)
        skip = zero_skip(source, variant, variant_config(config, variant), filename=filename,
                         zero_rates=rates)
        source = skip.text
    types = net.types()
    return CompiledNetwork(net, variant, options, config, images, source,
                           assemble(source, filename), INPUT, types[0], OUTPUT, types[-1],
                           samples, skip)


def _zero_rates(net: Network, options: CodegenOptions, samples: np.ndarray,
                config: CoreConfig, filename: str) -> dict:
    """The zero rate of every load of the baseline program run over the calibration
    samples (embedded as its input), cached: every variant and core shares them. Only
    the data after the code depends on the image count, so the load sites are those of
    the program built for any count."""
    key = (options, _digest(samples.tolist()))
    cached = _RATES.setdefault(net, {})
    if key not in cached:
        module = parse(program(net, options, len(samples), samples), filename)
        loads = [ins for ins in module.instructions() if ins.row.cls.name == "load"]
        cached[key] = profile_zero_rates(assemble(module), loads, config)
    return cached[key]


def run_compiled(compiled: CompiledNetwork, inputs: np.ndarray,
                 config: CoreConfig | str | Path | None = None, *, functional: bool = False,
                 verify_skips: bool = False) -> tuple[np.ndarray, Stats]:
    """Run `compiled` over stored inputs [n, *input shape] on `config`'s core (default:
    the one it was compiled for; without the Xzs hardware for baseline and branch), and
    return the outputs (int64 [n, *output shape]) and the run's Stats. A program built
    for another image count is rebuilt (cached) for n."""
    x = np.asarray(inputs, dtype=np.int64)
    if x.shape[1:] != compiled.input_type.shape:
        raise CodegenError(f"inputs of shape {x.shape[1:]}, the network takes "
                           f"{compiled.input_type.shape}")
    if len(x) != compiled.images:
        compiled = compile_network(compiled.net, compiled.variant, compiled.config,
                                   compiled.options, compiled.calibration, images=len(x),
                                   check=False)
    cfg = compiled.config if config is None else \
        config if isinstance(config, CoreConfig) else load_config(config)
    machine = Machine(compiled.program, variant_config(cfg, compiled.variant),
                      functional=functional, verify_skips=verify_skips)
    place(machine, compiled.input_symbol, x.reshape(len(x), -1), NUMPY[compiled.input_type.dtype])
    stats = machine.run()
    if machine.exit_code != 0:
        raise CodegenError(f"{compiled.net.name}/{compiled.variant}: exit code "
                           f"{machine.exit_code}")
    out = compiled.output_type
    outputs = fetch(machine, compiled.output_symbol, NUMPY[out.dtype], (len(x), *out.shape))
    return outputs.astype(np.int64), stats
