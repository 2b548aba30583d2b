"""Property test of the zero-skip pass: random dense kernels (input-stationary loops,
output-stationary register tiles with random tile and unroll, input-stationary bodies
with several weights' MACs randomly interleaved, which the pass regroups) of random
shapes and sparsity (0% to 100% zero activations and weights), transformed for every
target and both presets: every transformed program passes verify-skips on many inputs
(one run loops over all of them) and computes what numpy does."""
from __future__ import annotations

import numpy as np
import pytest

from zskip.compiler.zeroskip import zero_skip
from zskip.core_model import Machine, load_config
from zskip.isa.assembler import assemble
from zskip.kernels.registry import variant_config

IMAGES = 48
EXIT = "    li a0, 0\n    li a7, 93\n    ecall\n"


def data(n_in: int, n_out: int) -> str:
    return (f"    .data\n    .p2align 2\nxs: .zero {IMAGES * n_in * 4}\n"
            f"w: .zero {n_in * n_out * 4}\nys: .zero {IMAGES * n_out * 4}\n")


def input_stationary(n_in: int, n_out: int) -> str:
    return f"""    .text
    .globl _start
_start:
    la   s0, xs
    la   s3, ys
    li   s4, {IMAGES}
image:
    la   s1, w
    li   s2, {n_in}
row:
    lw   t0, 0(s0)
    mv   t5, s1
    addi s1, s1, {n_out * 4}
    mv   t1, s3
    li   t2, {n_out}
mac:
    lw   t3, 0(t5)
    mul  t3, t3, t0
    lw   t4, 0(t1)
    add  t4, t4, t3
    sw   t4, 0(t1)
    addi t5, t5, 4
    addi t1, t1, 4
    addi t2, t2, -1
    bnez t2, mac
    addi s0, s0, 4
    addi s2, s2, -1
    bnez s2, row
    addi s3, s3, {n_out * 4}
    addi s4, s4, -1
    bnez s4, image
{EXIT}{data(n_in, n_out)}"""


ACC = ("s5", "s6", "s7", "s8", "s9", "s10", "s11")
XREG = ("a2", "a3", "a4", "a5")


def output_stationary(n_in: int, n_out: int, tile: int, unroll: int) -> str:
    """Tiles of `tile` outputs in registers; per step `unroll` activations loaded, then
    for each the tile's lw/mul/add (weights W[i][j], row-major)."""
    lines = [f"""    .text
    .globl _start
_start:
    la   s0, xs
    la   s3, ys
    li   s4, {IMAGES}
image:
    la   s1, w
    mv   t6, s3
    li   a6, {n_out // tile}
tile:"""]
    lines += [f"    li   {ACC[t]}, 0" for t in range(tile)]
    lines.append(f"""    mv   t5, s0
    mv   a7, s1
    li   s2, {n_in // unroll}
step:""")
    lines += [f"    lw   {XREG[u]}, {4 * u}(t5)" for u in range(unroll)]
    lines.append(f"    addi t5, t5, {4 * unroll}")
    for u in range(unroll):
        for t in range(tile):
            lines += [f"    lw   t3, {4 * (u * n_out + t)}(a7)",
                      f"    mul  t3, t3, {XREG[u]}",
                      f"    add  {ACC[t]}, {ACC[t]}, t3"]
    lines.append(f"""    addi a7, a7, {4 * unroll * n_out}
    addi s2, s2, -1
    bnez s2, step""")
    lines += [f"    sw   {ACC[t]}, {4 * t}(t6)" for t in range(tile)]
    lines.append(f"""    addi t6, t6, {4 * tile}
    addi s1, s1, {4 * tile}
    addi a6, a6, -1
    bnez a6, tile
    addi s0, s0, {4 * n_in}
    addi s3, s3, {4 * n_out}
    addi s4, s4, -1
    bnez s4, image
{EXIT}{data(n_in, n_out)}""")
    return "\n".join(lines)


WREG, AREG = ("t3", "t4", "t6"), ("s5", "s6", "s7")


def interleaved(n_in: int, n_out: int, unroll: int, rng: np.random.Generator) -> str:
    """Input-stationary, `unroll` columns per body: each column's weight and accumulator
    loads, multiply, add and store, the columns' records merged in a random order."""
    chains = []
    for c in range(unroll):
        loads = [f"lw   {WREG[c]}, {4 * c}(t5)", f"lw   {AREG[c]}, {4 * c}(t1)"]
        if rng.random() < 0.5:
            loads.reverse()
        chains.append(loads + [f"mul  {WREG[c]}, {WREG[c]}, t0",
                               f"add  {AREG[c]}, {AREG[c]}, {WREG[c]}",
                               f"sw   {AREG[c]}, {4 * c}(t1)"])
    body = []
    while any(chains):
        chain = [c for c in chains if c][int(rng.integers(sum(1 for c in chains if c)))]
        body.append("    " + chain.pop(0))
    merged = "\n".join(body)
    return input_stationary(n_in, n_out).replace(
        f"    li   t2, {n_out}\n", f"    li   t2, {n_out // unroll}\n").replace(
        """mac:
    lw   t3, 0(t5)
    mul  t3, t3, t0
    lw   t4, 0(t1)
    add  t4, t4, t3
    sw   t4, 0(t1)
    addi t5, t5, 4
    addi t1, t1, 4
""", f"""mac:
{merged}
    addi t5, t5, {4 * unroll}
    addi t1, t1, {4 * unroll}
""")


def cases(seed: int):
    rng = np.random.default_rng(seed)
    for _ in range(4):
        tile, unroll = int(rng.integers(1, 8)), int(rng.integers(1, 5))
        n_out = tile * int(rng.integers(1, 3))
        n_in = unroll * int(rng.integers(1, 5))
        kind = ("is", "os")[int(rng.integers(2))]
        source = input_stationary(n_in, n_out) if kind == "is" else \
            output_stationary(n_in, n_out, tile, unroll)
        x_zero, w_zero = rng.choice([0.0, 0.3, 0.7, 1.0], size=2)
        xs = rng.integers(-50, 50, (IMAGES, n_in)) * (rng.random((IMAGES, n_in)) >= x_zero)
        w = rng.integers(-50, 50, (n_in, n_out)) * (rng.random((n_in, n_out)) >= w_zero)
        yield f"{kind} {n_in}x{n_out} t{tile} u{unroll}", source, xs, w


def interleaved_cases(seed: int):
    rng = np.random.default_rng(1000 + seed)
    for _ in range(3):
        unroll = int(rng.integers(2, 4))
        n_out, n_in = unroll * int(rng.integers(1, 4)), int(rng.integers(1, 6))
        x_zero, w_zero = rng.choice([0.0, 0.3, 0.7, 1.0], size=2)
        xs = rng.integers(-50, 50, (IMAGES, n_in)) * (rng.random((IMAGES, n_in)) >= x_zero)
        w = rng.integers(-50, 50, (n_in, n_out)) * (rng.random((n_in, n_out)) >= w_zero)
        yield f"il {n_in}x{n_out} u{unroll}", interleaved(n_in, n_out, unroll, rng), xs, w


def run(source: str, cfg, xs: np.ndarray, w: np.ndarray, verify: bool) -> np.ndarray:
    machine = Machine(assemble(source, "rand.S"), cfg, verify_skips=verify)
    machine.write(machine.symbol("xs"), xs.astype("<i4").tobytes())
    machine.write(machine.symbol("w"), w.astype("<i4").tobytes())
    machine.run()
    n = xs.shape[0] * w.shape[1]
    return np.frombuffer(machine.read(machine.symbol("ys"), 4 * n), "<i4").reshape(
        xs.shape[0], w.shape[1])


@pytest.mark.parametrize("seed", range(8))
def test_random_kernels_pass_verify_skips_and_compute_the_same(seed):
    _check(seed, cases(seed))


@pytest.mark.parametrize("seed", range(6))
def test_random_interleaved_kernels_are_regrouped_safely(seed):
    _check(seed, interleaved_cases(seed))


def _check(seed: int, kernels) -> None:
    rng = np.random.default_rng(100 + seed)
    for label, source, xs, w in kernels:
        want = xs @ w
        for target in ("branch", "xzs", "sasa"):
            preset = ("embedded", "application")[int(rng.integers(2))]
            cfg = variant_config(load_config(preset), target)
            rate = float(rng.choice([0.05, 0.5, 0.95]))
            result = zero_skip(source, target, cfg, filename="rand.S",
                               default_zero_rate=rate)
            got = run(result.text, cfg, xs, w, verify=True)
            assert np.array_equal(got, want), f"{label} {target} {preset}\n{result.explain()}"
            if result.changed:
                assert np.array_equal(run(result.text, cfg, xs, w, verify=False), want)


def test_interleaved_macs_are_regrouped_into_one_region_per_weight():
    """dense_is's shape: two weights' loads, multiplies, adds and stores interleaved;
    each weight's records become one contiguous skz region (the first weight's without
    its accumulator load, which spaces the weight's load from its skz)."""
    body = "\n".join(f"    {line}" for line in (
        "lw   t3, 0(t5)", "lw   t4, 4(t5)", "lw   s5, 0(t1)", "lw   s6, 4(t1)",
        "mul  t3, t3, t0", "mul  t4, t4, t0", "add  s5, s5, t3", "add  s6, s6, t4",
        "sw   s5, 0(t1)", "sw   s6, 4(t1)"))
    source = input_stationary(2, 4).replace("    li   t2, 4\n", "    li   t2, 2\n").replace(
        """    lw   t3, 0(t5)
    mul  t3, t3, t0
    lw   t4, 0(t1)
    add  t4, t4, t3
    sw   t4, 0(t1)
    addi t5, t5, 4
    addi t1, t1, 4
""", body + "\n    addi t5, t5, 8\n    addi t1, t1, 8\n")
    cfg = variant_config(load_config("embedded"), "xzs")
    result = zero_skip(source, "xzs", cfg, filename="il.S", default_zero_rate=0.7)
    kept = {result.flow.nodes[r.load].ins.text(): r.end - r.start
            for r in result.regions if r.accepted}
    assert kept == {"lw t0, 0(s0)": 16, "lw t3, 0(t5)": 3, "lw t4, 4(t5)": 4}
    assert "1 block(s) regrouped" in result.explain()
    rng = np.random.default_rng(5)
    xs = rng.integers(-9, 9, (IMAGES, 2)) * (rng.random((IMAGES, 2)) < 0.5)
    w = rng.integers(-9, 9, (2, 4)) * (rng.random((2, 4)) < 0.5)
    assert np.array_equal(run(result.text, cfg, xs, w, verify=True), xs @ w)
