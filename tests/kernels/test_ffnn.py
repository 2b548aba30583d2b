"""The feed-forward kernels: shipped integer networks, the numpy reference, all four
variants on the core (bit-identical to the reference, skips verified), the ideal-speedup
bound, retraining and the CLI."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from zskip.core_model import load_config
from zskip.kernels import KernelError, get, kernels, run
from zskip.kernels.bound import skip_bound
from zskip.kernels.ffnn import KERNELS, FfnnKernel, build_machine, os_tiles, run_kernel
from zskip.kernels.harness import placed_program
from zskip.kernels.ffnn_model import forward, load_network, load_traces, predict
from zskip.traces.digits import load_digits

from ..core_model.harness import differences, run_reference

NAMES = [k.name for k in KERNELS]
VARIANTS = ("baseline", "branch", "xzs", "sasa")
FEW = 6      # images in most tests: every layer and every code path, in a fraction of a second


@pytest.mark.parametrize("name", ["mlp", "cnn", "mlp_pruned"])
def test_shipped_network_and_its_traces_are_what_the_reference_computes(name):
    net = load_network(name)
    test = load_digits("test")
    logits, inputs = forward(net, test.images)
    accuracy = float(np.mean(predict(logits) == test.labels))
    assert accuracy == net.quantized_accuracy > 0.95
    assert abs(net.float_accuracy - accuracy) < 0.02        # int8 costs little
    traces = load_traces(name)
    assert traces["zero_activations"].shape == (len(net.layers), len(test))
    for k, x in enumerate(inputs):
        np.testing.assert_allclose(traces["zero_activations"][k], np.mean(x == 0, axis=1))
        assert (x >= 0).all() and x.dtype == np.int8        # ReLU outputs, int8
    np.testing.assert_allclose(traces["zero_weights"], net.weight_zero_fraction)
    # the hidden activations really have zeros to skip; the pruned net's weights too
    assert all(traces["zero_activations"][k].mean() > 0.25 for k in range(len(net.layers)))
    assert min(net.weight_zero_fraction) > (0.65 if name == "mlp_pruned" else -1)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", NAMES)
def test_every_kernel_and_variant_equals_the_reference(name, variant):
    result = run(name, variant, "embedded", FEW)
    assert result.outputs.shape == (FEW, 10)
    np.testing.assert_array_equal(result.outputs, result.reference)
    assert result.accuracy == result.reference_accuracy
    stats = result.stats
    if variant in ("xzs", "sasa"):
        # skips happen, none is lost on embedded (the schedule the kernels are written for)
        assert stats.skips_taken + stats.sasa_hits > 0 and stats.skips_lost == 0
        assert (stats.sasa_hits > 0) == (variant == "sasa")
        verified = run(name, variant, "embedded", FEW, verify_skips=True)
        np.testing.assert_array_equal(verified.outputs, result.reference)
    else:
        assert "no Xzs" in result.config


def expected_skips(name: str, images: int) -> int:
    """How many blocks the kernel skips, counted from the reference's operands: one per
    zero activation per output tile (dense_os), per zero activation (dense_is rows), per
    zero pixel per window that holds it (conv), and in the pruned rows per zero weight."""
    kernel = next(k for k in KERNELS if k.name == name)
    net = load_network(kernel.network)
    _, inputs = forward(net, load_digits("test").images[:images])
    count = 0
    for layer, x in zip(net.layers, inputs):
        zero = x == 0
        if layer.kind == "conv":
            windows = np.lib.stride_tricks.sliding_window_view(zero.reshape(-1, 8, 8),
                                                               (3, 3), axis=(1, 2))
            count += int(windows.sum())          # one block: all 8 channels
            continue
        if kernel.dense == "dense_os":
            # each output tile (OS_TILE outputs, then tiles of 2) runs the whole input
            # loop and skips the tile's MACs once per zero activation: one skip covers
            # the tile's T MACs, so the count is per tile, not per output
            count += int(zero.sum()) * len(os_tiles(layer.n_out))
        else:
            count += int(zero.sum())
        if kernel.dense == "dense_pruned":
            count += int(((~zero).astype(int) @ (layer.weights == 0)).sum())
    return count


@pytest.mark.parametrize("variant", ["xzs", "sasa"])
@pytest.mark.parametrize("name", NAMES)
def test_every_zero_operand_is_skipped_once(name, variant):
    stats = run(name, variant, "embedded", FEW).stats
    assert stats.skips_taken + stats.sasa_hits == expected_skips(name, FEW)


@pytest.mark.parametrize("variant", ["xzs", "sasa"])
@pytest.mark.parametrize("name", ["mlp_os", "mlp_is", "cnn"])
def test_skips_decide_in_time_on_the_deeper_pipeline_too(name, variant):
    """application: a skip-branch needs 3 instructions after its lb.zd, the table 5."""
    stats = run(name, variant, "application", FEW).stats
    assert stats.skips_lost == 0
    assert stats.skips_taken + stats.sasa_hits == expected_skips(name, FEW)


@pytest.mark.parametrize("name", NAMES)
def test_variants_relate_as_designed(name):
    runs = {v: run(name, v, "embedded", FEW).stats for v in VARIANTS}
    assert runs["branch"].instructions < runs["baseline"].instructions
    # skz replaces beqz one for one (and lb.zd lb): the same instructions retire
    assert runs["xzs"].instructions == runs["branch"].instructions
    # ... and a taken skip costs one slot where a taken beqz costs two
    assert runs["xzs"].cycles < runs["branch"].cycles
    assert runs["sasa"].cycles < runs["baseline"].cycles


@pytest.mark.parametrize("variant", ["xzs", "sasa"])
@pytest.mark.parametrize("kernel", KERNELS, ids=NAMES)
def test_the_core_and_the_unicorn_reference_end_in_the_same_state(kernel, variant):
    """One image through every layer: registers, SpRF, all of memory, exit."""
    config = load_config("embedded")
    machine = build_machine(kernel, variant, config, load_digits("test").images[:1])
    program = placed_program(machine)
    machine.run()
    assert not differences(machine, run_reference(program, "embedded"))


def test_whole_split_accuracy_on_the_core_equals_the_reference():
    """All 360 test images, every kernel (functional mode: the fastest)."""
    for kernel in KERNELS:
        result = run(kernel.name, "sasa", "embedded", None, functional=True)
        assert result.images == 360
        np.testing.assert_array_equal(result.outputs, result.reference)
        assert result.accuracy == result.reference_accuracy == \
            load_network(kernel.network).quantized_accuracy


def test_a_whole_network_over_100_images_takes_seconds():
    import time
    start = time.perf_counter()
    result = run("mlp_os", "baseline", "embedded", 100)
    assert time.perf_counter() - start < 10
    assert result.stats.instructions > 5_000_000          # every layer of every image


@pytest.mark.parametrize("name, variant", [("mlp_is", "xzs"), ("mlp_is", "sasa"),
                                           ("cnn", "xzs"), ("cnn", "sasa"), ("mlp_os", "xzs"),
                                           ("mlp_os", "sasa")])
def test_skipping_reaches_90_percent_of_the_ideal(name, variant):
    bound = skip_bound(name, variant, "embedded", 20)
    assert bound.insn_bound > 1.25                       # there is something to gain
    assert bound.insn_fraction >= 0.9 and bound.cycle_fraction >= 0.9
    assert bound.insn_speedup <= bound.insn_bound * 1.000001


def test_sasa_triggers_must_not_share_table_sets():
    small = load_config("embedded").updated({"sasa_entries": 2})
    with pytest.raises(KernelError, match="share sets"):
        run_kernel(KERNELS[0], "sasa", small, 1)


def test_unknown_variant_and_base_isa_core_are_refused():
    with pytest.raises(KernelError, match="no variant"):
        run("mlp_os", "fast", "embedded", 1)
    no_xzs = load_config("embedded").updated({"xzs": False})
    with pytest.raises(KernelError, match="needs a core with the Xzs"):
        run("cnn", "xzs", no_xzs, 1)


def test_a_network_that_does_not_fit_the_routine_is_refused(monkeypatch):
    odd = FfnnKernel("odd", "mlp", "dense_os", "")
    monkeypatch.setattr("zskip.kernels.ffnn.load_network", lambda name: _odd_network())
    with pytest.raises(KernelError, match="does not fit dense_os"):
        run_kernel(odd, "baseline", load_config("embedded"), 1)


@pytest.mark.parametrize("variant", VARIANTS)
def test_dense_os_tiles_of_two_after_the_full_tiles(monkeypatch, variant):
    """A hidden width of 124 = 15 x 8 + 2 x 2: dense_os runs two 2-wide tiles after its
    8-wide ones (the shipped widths need at most one)."""
    monkeypatch.setattr("zskip.kernels.ffnn.load_network", lambda name: _narrow_network())
    result = run_kernel(FfnnKernel("narrow", "mlp", "dense_os", ""), variant,
                        load_config("embedded"), 3)
    np.testing.assert_array_equal(result.outputs, result.reference)
    if variant in ("xzs", "sasa"):
        assert result.stats.skips_lost == 0


def _narrow_network():
    net = load_network("mlp")
    first, second = net.layers[:2]
    layers = (type(first)(first.kind, first.weights[:, :124], first.bias[:124], first.shift),
              type(second)(second.kind, second.weights[:124], second.bias, second.shift))
    return type(net)(net.name, layers + net.layers[2:], net.float_accuracy,
                     net.quantized_accuracy)


def _odd_network():
    net = load_network("mlp")
    first = net.layers[0]
    layer = type(first)(first.kind, first.weights[:63], first.bias, first.shift)
    return type(net)(net.name, (layer,) + net.layers[1:], net.float_accuracy,
                     net.quantized_accuracy)


def test_retraining_the_smallest_network_briefly_learns():
    pytest.importorskip("jax")
    from zskip.traces.train_ffnn import train_network
    net, traces = train_network("cnn", steps=120)
    assert net.float_accuracy > 0.8 and net.quantized_accuracy > 0.8     # chance: 0.1
    assert traces["zero_activations"].shape == (2, 360)


def test_cli_lists_and_runs_kernels():
    listing = subprocess.run([sys.executable, "-m", "zskip", "run", "--list-kernels"],
                             capture_output=True, text=True, check=True).stdout
    for kernel in kernels():
        assert kernel.name in listing and kernel.description in listing
    assert get("mlp_pruned").family == "ffnn"
    done = subprocess.run([sys.executable, "-m", "zskip", "run", "--kernel", "mlp_is",
                           "--variant", "xzs", "--images", "3", "--stats", "--verify-skips"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "3 images" in done.stderr and "outputs equal the reference" in done.stderr
    assert "skips were unobservable" in done.stderr and "SASA hits" in done.stderr
    bad = subprocess.run([sys.executable, "-m", "zskip", "run", "--kernel", "nope"],
                         capture_output=True, text=True)
    assert bad.returncode == 125 and "unknown kernel" in bad.stderr
