"""The kernel suite's registry: every hand-written kernel, by name, with its variants.

A kernel family module (kernels/ffnn.py, kernels/lstm.py, kernels/snn.py, named in
FAMILY_MODULES) calls `register(KernelInfo(...))` at import for each kernel it provides.
`run(name, variant, ...)` runs one kernel on the core over real test images and returns
its outputs beside the numpy reference's, its accuracy and its Stats.

Variants (DESIGN.md, "The honest comparison"): `baseline` (no zero test), `branch` (the
base ISA with the zero tests a careful software writer would put in), `xzs` (zero-detect
loads and skip-branches) and `sasa` (skip-address table). baseline and branch run on the
core without the Xzs hardware; xzs and sasa on the core with it (variant_config).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from zskip.core_model import CoreConfig, Stats, load_config
from zskip.isa.errors import ZskipError

VARIANTS: tuple[str, ...] = ("baseline", "branch", "xzs", "sasa")
XZS_VARIANTS = frozenset({"xzs", "sasa"})
FAMILY_MODULES: tuple[str, ...] = ("ffnn", "lstm", "snn")
KERNEL_DIR = Path(__file__).resolve().parent


class KernelError(ZskipError):
    """An unknown kernel or variant, or a bad kernel parameter."""


@dataclass
class KernelRun:
    """What one run of a kernel over `images` test images gave."""
    name: str
    variant: str
    config: str                    # the configuration's name, ", no Xzs" where it had none
    images: int
    outputs: np.ndarray            # what the core computed (e.g. logits per image)
    reference: np.ndarray          # what the numpy model of the same integer network gives
    exact: bool                    # the variant is meant to equal the reference bit for bit
    accuracy: float                # of the core's outputs against the labels
    reference_accuracy: float      # of the exact integer reference
    stats: Stats
    sparsity: dict[str, float] = field(default_factory=dict)   # operand -> zero fraction
    params: dict[str, Any] = field(default_factory=dict)       # thresholds and the like

    @property
    def matches_reference(self) -> bool:
        return bool(np.array_equal(self.outputs, self.reference))


# run(variant, config, images, *, functional, verify_skips, **params) -> KernelRun;
# config already fits the variant
Runner = Callable[..., KernelRun]


@dataclass(frozen=True)
class KernelInfo:
    name: str
    family: str                    # ffnn, lstm, snn
    workload: str                  # the shipped network and data it runs on
    description: str               # one line
    runner: Runner
    variants: tuple[str, ...] = VARIANTS


_KERNELS: dict[str, KernelInfo] = {}


def register(info: KernelInfo) -> None:
    if info.name in _KERNELS:
        raise ValueError(f"kernel {info.name!r} registered twice")
    _KERNELS[info.name] = info


def _load_families() -> None:
    for module in FAMILY_MODULES:
        importlib.import_module(f"{__package__}.{module}")


def kernels() -> list[KernelInfo]:
    """Every registered kernel, by family in FAMILY_MODULES' order, then in registration
    order (every family imported, whichever was imported first)."""
    _load_families()
    return sorted(_KERNELS.values(), key=lambda k: FAMILY_MODULES.index(k.family))


def get(name: str) -> KernelInfo:
    known = {k.name: k for k in kernels()}
    if name not in known:
        raise KernelError(f"unknown kernel {name!r} (kernels: {', '.join(known) or 'none'})")
    return known[name]


def variant_config(config: CoreConfig, variant: str) -> CoreConfig:
    """The core a variant runs on: with the Xzs hardware only for xzs and sasa."""
    wants = variant in XZS_VARIANTS
    if wants and not config.xzs:
        raise KernelError(f"variant {variant} needs a core with the Xzs hardware "
                          f"({config.name} has xzs = false)")
    return config if config.xzs == wants else config.updated({"xzs": wants})


def run(name: str, variant: str, config: CoreConfig | str | Path | None = None,
        images: int | None = None, *, functional: bool = False, verify_skips: bool = False,
        **params: Any) -> KernelRun:
    """Run kernel `name` in `variant` over the first `images` test images (None: all),
    on the timing model or `functional`ly, optionally executing every skipped block to
    check it (`verify_skips`); `params` are the kernel's own (thresholds and the like)."""
    info = get(name)
    if variant not in info.variants:
        raise KernelError(f"kernel {name} has no variant {variant!r} "
                          f"(variants: {', '.join(info.variants)})")
    if images is not None and images < 1:
        raise KernelError(f"images must be >= 1, got {images}")
    cfg = config if isinstance(config, CoreConfig) else load_config(config)
    return info.runner(variant, variant_config(cfg, variant), images, functional=functional,
                       verify_skips=verify_skips, **params)
