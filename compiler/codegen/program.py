"""A whole network as one program: `_start` runs every layer inline over each of
N_IMAGES samples at `input` and leaves the results at `output`, then exits with 0.

Layer k reads a0 and writes a1, which the driver sets: the sample's slot of `input` for
the first layer, two ping-pong activation buffers between layers, the sample's slot of
`output` for the last. s0, s1 and s2 (input slot, output slot, samples left) are the
driver's. `input` holds the samples given at generation time (zeros past them), so the
program also runs on its own (`zskip run`); a harness overwrites it with Machine.write.
"""
from __future__ import annotations

import numpy as np

from ..network import Network
from .emit import NUMPY, CodegenOptions, Emitter, LayerContext
from .layers import generate_layer

INPUT, OUTPUT = "input", "output"


def program(net: Network, options: CodegenOptions, images: int = 1,
            samples: np.ndarray | None = None) -> str:
    """The baseline program text of `net` for `images` samples (`samples`, stored
    integers [n, *net.input.shape], fill `input`; zeros without)."""
    types = net.types()
    emit = Emitter()
    emit.equ("N_IMAGES", images)
    emit.ins(".globl _start")
    emit.mark("_start")
    emit.op("la", "s0", INPUT)
    emit.op("la", "s1", OUTPUT)
    emit.op("li", "s2", "N_IMAGES")
    sample = emit.label("sample")
    emit.mark(sample)
    hidden = max((t.nbytes for t in types[1:-1]), default=0)
    buffers = [emit.space(f"act{b}", hidden, comment="ping-pong activations")
               for b in range(min(2, len(net.layers) - 1))]
    last = len(net.layers) - 1
    for k, layer in enumerate(net.layers):
        if k == 0:
            emit.op("mv", "a0", "s0")
        else:
            emit.op("la", "a0", buffers[(k - 1) % 2])
        if k == last:
            emit.op("mv", "a1", "s1")
        else:
            emit.op("la", "a1", buffers[k % 2])
        generate_layer(layer, LayerContext(emit, k, types[k], types[k + 1], options))
    emit.comment("next sample")
    emit.add_imm("s0", "s0", types[0].nbytes, "t0")
    emit.add_imm("s1", "s1", types[-1].nbytes, "t0")
    emit.op("addi", "s2", "s2", -1)
    done = emit.label("done")
    emit.op("beqz", "s2", done)
    emit.op("j", sample)                # the body is longer than a branch reaches
    emit.mark(done)
    emit.op("li", "a0", 0, comment="exit(0)")
    emit.op("li", "a7", 93)
    emit.ins("ecall")

    stored = np.zeros((images, types[0].size), dtype=np.int64)
    if samples is not None:
        given = np.asarray(samples).reshape(len(samples), -1)[:images]
        stored[:len(given)] = given
    emit.data("input", stored, NUMPY[types[0].dtype], name=INPUT,
              comment=f"N_IMAGES samples of {types[0].shape} {types[0].dtype}")
    emit.space("output", images * types[-1].nbytes, name=OUTPUT,
               comment=f"N_IMAGES results of {types[-1].shape} {types[-1].dtype}")
    header = (f"{net.name}: {len(net.layers)} layers, compiled by zskip.compiler.codegen\n"
              f"loop order {options.loop_order}, unroll {options.unroll}, "
              f"tile {options.tile}; {images} samples")
    return emit.source(header)
