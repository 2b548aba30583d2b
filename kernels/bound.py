"""The ideal speedup of zero-skipping, measured: how close a skipping variant comes.

Ideal: the baseline with the work that zero operands make redundant removed for free,
   non-skippable work + skippable work x (1 - zero fraction)
 = baseline - (the work the variant skips).
The work skipped is measured, not modelled: a verify-skips run of the variant executes
every block it would skip, so
   skipped instructions = instructions(verify run) - instructions(real run)
in functional mode, where every skip decides with its operand known (the ideal), and
   skipped cycles = cycles(verify run) - cycles(real run) + skip stalls of the real run
on the timed core (the real run's skip penalties are the cost of skipping, not work
skipped), exact only when no skip was lost to timing (None otherwise). This is the
baseline's skippable work on the zero operands where a variant's blocks hold exactly the
baseline's code for that work (dense_os, dense_is, conv); the pruned kernel's per-weight
loop is not the baseline's loop, so its figures are no such bound.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from zskip.core_model import CoreConfig

from .registry import KernelRun, run

# The kernels whose skipped blocks hold exactly the baseline's code for the skipped work:
# for these alone the figures above bound the speedup.
BOUND_KERNELS = ("mlp_os", "mlp_is", "cnn")


@dataclass(frozen=True)
class SkipBound:
    baseline: KernelRun
    variant: KernelRun
    skipped_instructions: int
    skipped_cycles: int | None      # None: skips were lost to timing

    @property
    def insn_bound(self) -> float:
        base = self.baseline.stats.instructions
        return base / (base - self.skipped_instructions)

    @property
    def insn_speedup(self) -> float:
        return self.baseline.stats.instructions / self.variant.stats.instructions

    @property
    def cycle_bound(self) -> float | None:
        if self.skipped_cycles is None:
            return None
        base = self.baseline.stats.cycles
        return base / (base - self.skipped_cycles)

    @property
    def cycle_speedup(self) -> float:
        return self.baseline.stats.cycles / self.variant.stats.cycles

    @property
    def insn_fraction(self) -> float:
        """Achieved instruction speedup over its bound (1.0: the ideal)."""
        return self.insn_speedup / self.insn_bound

    @property
    def cycle_fraction(self) -> float | None:
        bound = self.cycle_bound
        return None if bound is None else self.cycle_speedup / bound


class Figures(Protocol):
    """What skipped_work reads of a run (Stats has it; so do the sweep's records)."""
    instructions: int
    cycles: int
    skips_lost: int
    stalls: dict[str, int]


def skipped_work(real: Figures, verify: Figures, ideal: Figures,
                 ideal_verify: Figures) -> tuple[int, int | None]:
    """(skipped instructions, skipped cycles or None) of a variant from its timed run and
    its verify-skips run (`real`, `verify`) and the same two in functional mode."""
    cycles = None if real.skips_lost else \
        verify.cycles - real.cycles + real.stalls.get("skip", 0)
    return ideal_verify.instructions - ideal.instructions, cycles


def skip_bound(name: str, variant: str, config: CoreConfig | str | None = None,
               images: int | None = None, **params: Any) -> SkipBound:
    """Run kernel `name` as baseline and as `variant`, each of the latter also with
    verify-skips, timed and functional."""
    baseline = run(name, "baseline", config, images, **params)
    real = run(name, variant, config, images, **params)
    verify = run(name, variant, config, images, verify_skips=True, **params)
    ideal, ideal_verify = (run(name, variant, config, images, functional=True,
                               verify_skips=check, **params) for check in (False, True))
    return SkipBound(baseline, real, *skipped_work(real.stats, verify.stats, ideal.stats,
                                                   ideal_verify.stats))
