"""Hand-written kernels on real networks, in four ISA variants, with their harnesses
(registry.py: the suite and `run`)."""
from .registry import VARIANTS, KernelError, KernelInfo, KernelRun, get, kernels, run

__all__ = ["VARIANTS", "KernelError", "KernelInfo", "KernelRun", "get", "kernels", "run"]
