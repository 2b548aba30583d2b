"""What every layer generator writes with: an Emitter collects a program's text and
data as assembly lines in the syntax of the hand-written kernels (kernels/ffnn/*.S),
with unique labels, so generated code reads like hand-written code and goes through
the same assembler (and its IR, for the zero-skip pass)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from zskip.isa.errors import ZskipError

from ..network import TensorType

# element type -> assembler data directive
_DIRECTIVES = {1: ".byte", 2: ".half", 4: ".word"}
_PER_LINE = 16
# activation type -> load and store mnemonics, and the little-endian numpy type
LOADS = {"int8": "lb", "uint8": "lbu", "int16": "lh", "int32": "lw"}
STORES = {"int8": "sb", "uint8": "sb", "int16": "sh", "int32": "sw"}
NUMPY = {"int8": "<i1", "uint8": "<u1", "int16": "<i2", "int32": "<i4"}


class CodegenError(ZskipError):
    """Options or a layer the code generator cannot produce code for."""


@dataclass(frozen=True)
class CodegenOptions:
    """The choices a user makes when compiling (compiler/codegen/__init__.py).

    loop_order: "os" (output-stationary: per output tile, accumulators in registers over
      the whole input) or "is" (input-stationary: per input, its row of weights updates
      an accumulator array in memory);
    unroll: inputs handled per loop iteration (their loads issued together);
    tile: outputs whose accumulators stay in registers at once (output-stationary).
    """
    loop_order: str = "os"
    unroll: int = 4
    tile: int = 8


class Emitter:
    """Assembly text and data of one program, built line by line."""

    def __init__(self) -> None:
        self._equ: list[str] = []
        self._text: list[str] = []
        self._data: list[str] = []
        self._ids = itertools.count()

    def equ(self, name: str, value: int) -> None:
        """`.equ name, value` at the top of the program."""
        self._equ.append(f"    .equ {name}, {value}")

    def label(self, hint: str) -> str:
        """A fresh label name starting with `hint`."""
        return f"{hint}_{next(self._ids)}"

    def ins(self, text: str, comment: str = "") -> None:
        """One instruction (or directive) in the text section."""
        line = f"    {text}"
        self._text.append(f"{line:<34}# {comment}" if comment else line)

    def op(self, mnemonic: str, *operands: object, comment: str = "") -> None:
        """One instruction, laid out as the hand-written kernels lay theirs out."""
        self.ins(f"{mnemonic:<5} {', '.join(str(o) for o in operands)}", comment)

    def add_imm(self, rd: str, rs: str, imm: int, scratch: str, comment: str = "") -> None:
        """rd = rs + imm for any 32-bit imm (through `scratch` beyond 12 bits)."""
        if -2048 <= imm < 2048:
            if imm or rd != rs:
                self.op("addi", rd, rs, imm, comment=comment)
            return
        self.op("li", scratch, imm, comment=comment)
        self.op("add", rd, rs, scratch)

    def store_words(self, loop: str, src: str, count: int, dst: str, store: str,
                    comment: str = "") -> None:
        """A loop storing `count` int32 words from label `src` at register `dst` with
        `store` (sw, or sh to narrow to int16), advancing dst; clobbers t0-t2."""
        self.ins(f"la    t0, {src}", comment)
        self.add_imm("t1", "t0", 4 * count, "t1")
        self.mark(loop)
        self.ins("lw    t2, 0(t0)")
        self.ins("addi  t0, t0, 4")
        self.ins(f"{store:<5} t2, 0({dst})")
        self.ins(f"addi  {dst}, {dst}, {4 if store == 'sw' else 2}")
        self.ins(f"bne   t0, t1, {loop}")

    def mark(self, label: str) -> None:
        """Define `label` at the current point of the text."""
        self._text.append(f"{label}:")

    def comment(self, text: str) -> None:
        self._text.append(f"# {text}")

    def data(self, hint: str, array: np.ndarray, dtype: str, comment: str = "", *,
             name: str | None = None) -> str:
        """`array`, flattened, as little-endian `dtype` ("<i1", "<i2", "<i4", ...) in the
        data section under a fresh label (aligned to 4 bytes), or under `name` (a
        program's fixed symbols); returns the label."""
        values = np.asarray(array).ravel()
        converted = values.astype(dtype)
        if not np.array_equal(converted, values):
            raise ValueError(f"{hint}: values do not fit {np.dtype(dtype)}")
        label = name or self.label(hint)
        directive = _DIRECTIVES[np.dtype(dtype).itemsize]
        self._data += ["    .balign 4"] + ([f"# {comment}"] if comment else []) + [f"{label}:"]
        for start in range(0, len(converted), _PER_LINE):
            chunk = ", ".join(str(int(v)) for v in converted[start:start + _PER_LINE])
            self._data.append(f"    {directive} {chunk}")
        if not len(converted):
            self._data.append("    .zero 0")
        return label

    def space(self, hint: str, nbytes: int, comment: str = "", *,
              name: str | None = None) -> str:
        """`nbytes` zero bytes in the data section under a fresh label (4-aligned), or
        under `name`."""
        label = name or self.label(hint)
        self._data += ["    .balign 4"] + ([f"# {comment}"] if comment else []) + \
            [f"{label}:", f"    .zero {nbytes}"]
        return label

    def source(self, header: str = "") -> str:
        """The whole program: `header` (comment lines), text, then data."""
        lines = [f"# {line}" if line else "#" for line in header.splitlines()]
        lines += self._equ + ["    .text"] + self._text + ["", "    .data"] + self._data
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class LayerContext:
    """What a layer generator gets besides its layer. The generated code is entered with
    a0 = the address of the layer's input, a1 = the address of its output (each laid
    out as its TensorType says), falls through at its end, and may clobber every
    register but s0, s1, s2 (the driver's), sp, gp and tp. Parameters go in the data
    section through `emit.data`; scratch memory through `emit.space`."""
    emit: Emitter
    index: int                          # the layer's position in the network
    in_type: TensorType
    out_type: TensorType
    options: CodegenOptions
