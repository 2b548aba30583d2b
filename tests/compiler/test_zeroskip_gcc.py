"""The pass on GCC -O2 output of C kernels (riscv64-unknown-elf-gcc -S, rv32im): a dense
layer output-stationary and input-stationary, and a 3x3 convolution with 8 channels,
run over real activations (the MLP's hidden layer, the digits' pixels). The pass finds
the multiply-accumulate regions, the programs stay correct under verify-skips and run
faster."""
from __future__ import annotations

import numpy as np
import pytest

from tests.gnu import MARCH, run_tool
from zskip.compiler.zeroskip import profile_zero_rates, zero_skip
from zskip.core_model import Machine, load_config
from zskip.isa.assembler import assemble, parse
from zskip.kernels.harness import placed_program
from zskip.kernels.ffnn_model import forward, load_network
from zskip.kernels.registry import variant_config
from zskip.traces.digits import load_digits

N_IMG, N_IN, N_OUT = 8, 128, 16
# tests/progs/start.S, but a1 and a2 cleared before the exit: verify-skips checks a0-a2
# at every ecall (exit included), so the argument registers a kernel leaves behind would
# count as read at the exit, and no region could change them
START = """
    .text
    .globl _start
_start:
    call  main
    li    a1, 0
    li    a2, 0
    li    a7, 93
    ecall
"""

C_DENSE = f"""
#include <stdint.h>
#define N_IMG {N_IMG}
#define N_IN {N_IN}
#define N_OUT {N_OUT}
int8_t acts[N_IMG][N_IN];
int8_t w[N_IN][N_OUT];
int32_t out[N_IMG][N_OUT];

__attribute__((noinline)) void dense_os(const int8_t *x, int32_t *y) {{
    for (int j = 0; j < N_OUT; j++) {{
        int32_t acc = 0;
        for (int i = 0; i < N_IN; i++) acc += x[i] * w[i][j];
        y[j] = acc;
    }}
}}

__attribute__((noinline)) void dense_is(const int8_t *x, int32_t *y) {{
    for (int j = 0; j < N_OUT; j++) y[j] = 0;
    for (int i = 0; i < N_IN; i++) {{
        int32_t a = x[i];
        for (int j = 0; j < N_OUT; j++) y[j] += a * w[i][j];
    }}
}}

int main(void) {{
    for (int n = 0; n < N_IMG; n++) KERNEL(acts[n], out[n]);
    return 0;
}}
"""

C_CONV = """
#include <stdint.h>
#define N_IMG 8
int8_t acts[N_IMG][64];
int8_t w[3][3][8];
int32_t out[N_IMG][6][6][8];

__attribute__((noinline)) void conv(const int8_t *img, int32_t *o) {
    for (int oy = 0; oy < 6; oy++)
        for (int ox = 0; ox < 6; ox++) {
            int32_t acc[8] = {0};
            for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++) {
                    int32_t p = img[(oy + ky) * 8 + ox + kx];
                    for (int c = 0; c < 8; c++) acc[c] += p * w[ky][kx][c];
                }
            for (int c = 0; c < 8; c++) o[(oy * 6 + ox) * 8 + c] = acc[c];
        }
}

int main(void) {
    for (int n = 0; n < N_IMG; n++) conv(acts[n], &out[n][0][0][0]);
    return 0;
}
"""


def gcc_source(tmp_path, c_text: str, name: str) -> str:
    c_file, s_file = tmp_path / f"{name}.c", tmp_path / f"{name}.s"
    c_file.write_text(c_text)
    run_tool("gcc", "-S", "-O2", *MARCH, "-mno-relax", "-ffreestanding", "-fno-pic",
             "-msmall-data-limit=0", c_file, "-o", s_file)
    return START + s_file.read_text()


def run(source: str, cfg, acts: np.ndarray, w: np.ndarray, out_shape, verify=False):
    machine = Machine(assemble(source, "k.s"), cfg, verify_skips=verify)
    machine.write(machine.symbol("acts"), acts.astype("<i1").tobytes())
    machine.write(machine.symbol("w"), w.astype("<i1").tobytes())
    stats = machine.run()
    assert machine.exit_code == 0
    n = int(np.prod(out_shape))
    return stats, np.frombuffer(machine.read(machine.symbol("out"), 4 * n), "<i4").reshape(
        out_shape)


def check(source: str, acts, w, want, target: str, preset: str = "embedded"):
    """Run the baseline, profile its loads' zero rates on the same data, transform, and
    check the result under verify-skips; returns (speedup, pass result)."""
    cfg = variant_config(load_config(preset), target)
    base_cfg = variant_config(cfg, "baseline")
    base, got = run(source, base_cfg, acts, w, want.shape)
    assert np.array_equal(got, want)
    module = parse(source, "k.s")
    placed = Machine(assemble(module), base_cfg)
    placed.write(placed.symbol("acts"), acts.astype("<i1").tobytes())
    placed.write(placed.symbol("w"), w.astype("<i1").tobytes())
    rates = profile_zero_rates(placed_program(placed), [
        i for i in module.instructions() if i.row.cls.name == "load"], base_cfg)
    result = zero_skip(source, target, cfg, filename="k.s", zero_rates=rates)
    macs = [r for r in result.regions if r.start >= 0 and {
        result.flow.nodes[k].ins.row.name for k in range(r.start, r.end)} >= {"mul", "add"}]
    assert macs, result.explain()                 # the multiply-accumulates are found
    for region in result.regions:                 # and only they are kept
        assert not region.accepted or region in macs, result.explain()
    _, checked = run(result.text, cfg, acts, w, want.shape, verify=True)
    auto, got = run(result.text, cfg, acts, w, want.shape)
    assert np.array_equal(checked, want) and np.array_equal(got, want)
    return base.cycles / auto.cycles, result


@pytest.fixture(scope="module")
def hidden():
    """The MLP's first hidden layer's ReLU outputs on test digits (int8, real zeros)."""
    net = load_network("mlp")
    _, inputs = forward(net, load_digits("test").images[:N_IMG])
    return inputs[1][:, :N_IN]


@pytest.mark.parametrize("kernel", ["dense_is", "dense_os"])
@pytest.mark.parametrize("target", ["xzs", "branch", "sasa"])
def test_gcc_dense(tmp_path, hidden, kernel, target):
    source = gcc_source(tmp_path, f"#define KERNEL {kernel}\n" + C_DENSE, kernel)
    w = np.random.default_rng(1).integers(-64, 64, (N_IN, N_OUT))
    speedup, result = check(source, hidden, w, hidden.astype(np.int64) @ w, target)
    if kernel == "dense_is":       # the whole row loop per zero activation
        assert speedup > 1.2 and any(r.loops for r in result.regions if r.accepted)
    else:                          # one MAC per loaded value: kept where the estimate
        assert speedup > 0.98      # says it pays (on real rates, within 2%)


@pytest.mark.parametrize("target", ["xzs", "branch"])
def test_gcc_conv(tmp_path, target):
    source = gcc_source(tmp_path, C_CONV, "conv")
    pixels = load_digits("test").images[:8].reshape(8, 64)
    w = np.random.default_rng(2).integers(-64, 64, (3, 3, 8))
    img = pixels.reshape(8, 8, 8).astype(np.int64)
    want = np.zeros((8, 6, 6, 8), dtype=np.int64)
    for ky in range(3):
        for kx in range(3):
            want += img[:, ky:ky + 6, kx:kx + 6, None] * w[ky, kx]
    speedup, _ = check(source, pixels, w, want, target)
    assert speedup > 1.0
