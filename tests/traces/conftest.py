"""Programs to trace: the dense-layer examples and a feed-forward kernel with its
network and one test image placed (kernels/ffnn.py), on a fresh Machine each time."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from zskip.core_model import Machine, load_config
from zskip.core_model.config import CoreConfig
from zskip.isa.program import load_any
from zskip.kernels import ffnn
from zskip.kernels.registry import variant_config
from zskip.traces.digits import load_digits

EXAMPLES = Path(__file__).resolve().parents[2] / "kernels" / "examples"
CONFIGS: dict[str, CoreConfig] = {
    "embedded": load_config("embedded"),
    "application": load_config("application"),
    "embedded gshare": load_config("embedded").updated(
        {"pipeline": {"branch_predictor": "gshare"}}),
}


def example(name: str) -> Callable[..., Machine]:
    return lambda config, functional=False: Machine(load_any(EXAMPLES / f"{name}.S"), config,
                                                    functional=functional)


def ffnn_kernel(name: str, variant: str) -> Callable[..., Machine]:
    kernel = next(k for k in ffnn.KERNELS if k.name == name)
    images = load_digits("test").images[:1]
    return lambda config, functional=False: ffnn.build_machine(
        kernel, variant, variant_config(config, variant), images, functional=functional)


PROGRAMS = {
    "dense_xzs": example("dense_xzs"),
    "dense_branch": example("dense_branch"),
    "dense_xzs_deep": example("dense_xzs_deep"),
    "mlp_is/xzs": ffnn_kernel("mlp_is", "xzs"),
    "mlp_is/sasa": ffnn_kernel("mlp_is", "sasa"),
    "mlp_is/branch": ffnn_kernel("mlp_is", "branch"),
}
