"""Compiled networks in the zero-skipping variants (the zero-skip pass over the
generated baseline, zero rates profiled on the calibration images): outputs equal to
the numpy reference with every skipped block executed and checked (verify-skips), and
skips that pay on the timing model."""
from __future__ import annotations

import numpy as np
import pytest

from zskip.compiler import reference
from zskip.compiler.codegen import CodegenOptions, compile_network, run_compiled
from zskip.compiler.frontends import digits_inputs, load_shipped
from zskip.traces.digits import load_digits

from .randnet import random_inputs, random_network

SKIPPING = ("branch", "xzs", "sasa")


@pytest.mark.parametrize("variant", SKIPPING)
@pytest.mark.parametrize("name, order", [("mlp", "os"), ("cnn", "is"), ("mlp_pruned", "is")])
def test_shipped_networks_in_every_variant(name: str, order: str, variant: str) -> None:
    net = load_shipped(name)
    x = digits_inputs(net, load_digits("test").images[:2])
    compiled = compile_network(net, variant, "embedded", CodegenOptions(order), x)
    outputs, _ = run_compiled(compiled, x, functional=True, verify_skips=True)
    assert np.array_equal(outputs, reference.outputs(net, x))
    assert compiled.skip.changed


# seed 11: a conv remainder whose load the pass once hoisted into the skipped block
# before it
@pytest.mark.parametrize("seed", [3, 11, 17])
def test_random_networks_in_every_variant(seed: int) -> None:
    net = random_network(seed)
    x = random_inputs(net, 2, seed)
    for variant in SKIPPING:
        compiled = compile_network(net, variant, "application", CodegenOptions("os", 2, 4), x)
        outputs, _ = run_compiled(compiled, x, functional=True, verify_skips=True)
        assert np.array_equal(outputs, reference.outputs(net, x)), variant


def test_xzs_skips_pay_on_the_timing_model() -> None:
    net = load_shipped("cnn")
    x = digits_inputs(net, load_digits("test").images[:3])
    cycles = {}
    for variant in ("baseline", "xzs"):
        compiled = compile_network(net, variant, "embedded", CodegenOptions("is"), x)
        _, stats = run_compiled(compiled, x)
        cycles[variant] = stats.cycles
    assert cycles["xzs"] < 0.9 * cycles["baseline"]
