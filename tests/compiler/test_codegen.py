"""The code generator's baseline programs against the numpy reference, bit for bit:
the shipped feed-forward networks in every loop order and a few unroll/tile choices,
random small networks, requantization corner cases; standalone programs and options."""
from __future__ import annotations

import numpy as np
import pytest

from zskip.compiler import reference
from zskip.compiler.codegen import (CodegenError, CodegenOptions, compile_network, generate,
                                    run_compiled)
from zskip.compiler.network import Dense, Network, Requant, TensorType
from zskip.core_model import Machine, load_config
from zskip.isa.assembler import assemble
from zskip.kernels.harness import fetch

from .randnet import random_inputs, random_network
from .shipped import images, shipped

OPTIONS = (CodegenOptions("os", 4, 8), CodegenOptions("os", 3, 5), CodegenOptions("os", 1, 2),
           CodegenOptions("os", 8, 8), CodegenOptions("is", 4), CodegenOptions("is", 1),
           CodegenOptions("is", 7))


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("name", ["mlp", "cnn", "mlp_pruned"])
def test_shipped_networks_equal_the_reference(name: str, options: CodegenOptions) -> None:
    net, x = shipped(name), images(3)
    outputs, _ = run_compiled(compile_network(net, options=options, calibration=x), x,
                              functional=True)
    assert np.array_equal(outputs, reference.outputs(net, x))


@pytest.mark.parametrize("order", ["os", "is"])
def test_timing_run_equals_functional(order: str) -> None:
    net, x = shipped("cnn"), images(2)
    compiled = compile_network(net, options=CodegenOptions(order), calibration=x)
    timed, stats = run_compiled(compiled, x, "application")
    functional, _ = run_compiled(compiled, x, functional=True)
    assert np.array_equal(timed, functional) and stats.cycles > stats.instructions


@pytest.mark.parametrize("seed", range(40))
def test_random_networks_equal_the_reference(seed: int) -> None:
    net = random_network(seed)
    x = random_inputs(net, 2, seed)
    expected = reference.outputs(net, x)
    for options in (CodegenOptions("os", 3, 4), CodegenOptions("is", 2, 8)):
        outputs, _ = run_compiled(compile_network(net, options=options), x, functional=True)
        assert np.array_equal(outputs, expected), options


# (shift, multiplier, zero point): the 32-bit rounding shift, the 64-bit product shifted
# by 0, < 32, 32 and > 32, zero points beyond an immediate, saturation beyond int32
@pytest.mark.parametrize("shift, multiplier, zero", [
    (9, 1, 0), (13, 1, -3000), (0, 3, 0), (0, 1 << 30, 0), (17, 1234567, 100),
    (31, (1 << 31) - 1, 0), (32, (1 << 31) - 1, 7), (40, (1 << 31) - 1, -5), (62, 1 << 30, 0),
    (3, 1 << 30, 0)])
def test_requantization_corners(shift: int, multiplier: int, zero: int) -> None:
    rng = np.random.default_rng(shift)
    weights = rng.integers(-128, 128, (24, 11)).astype(np.int8)
    bias = rng.integers(-(1 << 20), 1 << 20, 11).astype(np.int32)
    requant = Requant(shift, multiplier, zero, -32768, 32767, "int16")
    net = Network("corner", TensorType((24,), "int16"), (Dense(weights, bias, requant),))
    x = rng.integers(-32768, 32768, (3, 24))
    x[0] = 32767                                    # the extremes of the range
    x[1] = np.where(weights[:, 0] > 0, -32768, 32767)
    for order in ("os", "is"):
        outputs, _ = run_compiled(compile_network(net, options=CodegenOptions(order)), x,
                                  functional=True)
        assert np.array_equal(outputs, reference.outputs(net, x)), order


def test_program_runs_standalone_on_its_embedded_samples() -> None:
    net, x = shipped("mlp"), images(2)
    machine = Machine(assemble(generate(net, CodegenOptions(), 2, x)), load_config(None),
                      functional=True)
    machine.run()
    assert machine.exit_code == 0
    assert np.array_equal(fetch(machine, "output", "<i4", (2, 10)), reference.outputs(net, x))


def test_other_image_counts_rebuild_and_cache() -> None:
    net = shipped("mlp")
    compiled = compile_network(net, calibration=images(2))
    assert compile_network(net, calibration=images(2)) is compiled
    outputs, _ = run_compiled(compiled, images(5), functional=True)
    assert np.array_equal(outputs, reference.outputs(net, images(5)))


@pytest.mark.parametrize("options, message", [
    (CodegenOptions("os", 8, 9), "registers"), (CodegenOptions("is", 8), "unroll"),
    (CodegenOptions("rows"), "loop order")])
def test_options_the_generator_cannot_meet(options: CodegenOptions, message: str) -> None:
    with pytest.raises(CodegenError, match=message):
        generate(shipped("mlp"), options)
