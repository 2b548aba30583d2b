"""The check every transformed program gets before the compiler hands it out: run with
verify-skips (every skipped block executed and found unobservable) on real inputs (the
calibration samples) and on random ones, its outputs equal to the original baseline
program's and to the layer IR's reference."""
from __future__ import annotations

import numpy as np

from zskip.isa.errors import ZskipError

from . import reference

RANDOM_SAMPLES = 4


class CheckError(ZskipError):
    """A transformed program that does not compute what its original computes."""


def random_like(samples: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """`count` random samples in the range the real ones span, about as sparse."""
    rng = np.random.default_rng(seed)
    low, high = int(samples.min()), int(samples.max())
    values = rng.integers(low, high + 1, size=(count, *samples.shape[1:]))
    zeros = rng.random(values.shape) < float(np.mean(samples == 0))
    return np.where(zeros & (low <= 0 <= high), 0, values)


def check_compiled(compiled, samples: np.ndarray, random_samples: int = RANDOM_SAMPLES
                   ) -> None:
    """Raise CheckError unless `compiled` (a CompiledNetwork of a skipping variant) run
    with verify-skips gives the baseline program's outputs and the reference's on
    `samples` and on `random_samples` random inputs like them."""
    from .codegen import compile_network, run_compiled
    inputs = np.concatenate([samples, random_like(samples, random_samples)])
    baseline = compile_network(compiled.net, "baseline", compiled.config, compiled.options,
                               images=len(inputs))
    original, _ = run_compiled(baseline, inputs, functional=True)
    outputs, _ = run_compiled(compiled, inputs, functional=True, verify_skips=True)
    expected = reference.outputs(compiled.net, inputs)
    for what, values in (("the baseline program", original), ("the reference", expected)):
        if not np.array_equal(outputs, values):
            bad = int(np.argmax(np.any((outputs != values).reshape(len(inputs), -1), axis=1)))
            raise CheckError(f"{compiled.net.name}/{compiled.variant}: sample {bad} "
                             f"({'real' if bad < len(samples) else 'random'}) differs from "
                             f"{what}")
