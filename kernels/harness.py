"""What every kernel harness does: assemble a kernel source once, place arrays in its
data symbols, run it on the core, and read arrays back.

Kernels declare their buffers (`.space`/`.zero` under a label, sized by `.equ`
constants) and the harness fills them with Machine.write before the run, so one
assembled program serves every network, image count and threshold.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from zskip.core_model import Machine
from zskip.isa.assembler import assemble
from zskip.isa.program import Program, Segment

from .registry import KERNEL_DIR, KernelError


@functools.lru_cache(maxsize=None)
def load_kernel(relative: str, defines: tuple[tuple[str, int], ...] = ()) -> Program:
    """Assemble kernels/<relative>, with `.equ NAME, value` lines for `defines` put
    before it (sizes that the program's layout depends on); cached per argument."""
    path = KERNEL_DIR / relative
    source = "".join(f".equ {name}, {value}\n" for name, value in defines) + path.read_text()
    return assemble(source, str(path))


def place(machine: Machine, symbol: str, array: np.ndarray, dtype: str) -> None:
    """Write `array` as little-endian `dtype` (e.g. "<i1", "<i4") at `symbol`; the values
    must fit the type exactly (a kernel never sees a silently wrapped parameter)."""
    data = np.asarray(array)
    converted = data.astype(dtype)
    if not np.array_equal(converted, data):
        raise KernelError(f"{symbol}: values do not fit {np.dtype(dtype)}")
    machine.write(machine.symbol(symbol), converted.tobytes())


def fetch(machine: Machine, symbol: str, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    """The array of `shape` of little-endian `dtype` at `symbol`."""
    count = int(np.prod(shape))
    raw = machine.read(machine.symbol(symbol), count * np.dtype(dtype).itemsize)
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def kernel_path(relative: str) -> Path:
    return KERNEL_DIR / relative


def placed_program(machine: Machine) -> Program:
    """`machine`'s program with what the harness placed in its memory as its segments'
    contents: the same run on any model (the unicorn reference, an ELF for qemu)."""
    program = machine.program
    segments = [Segment(seg.vaddr, machine.read(seg.vaddr, seg.memsz), seg.memsz, seg.flags)
                for seg in program.segments]
    return Program(segments, program.entry, dict(program.symbols), program.source)
