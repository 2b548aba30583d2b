"""Shared by the core_model tests: build programs and run them on zskip and on the
unicorn reference model with the same layout, then list how their final states differ."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from zskip.core_model import Machine, load_config
from zskip.core_model.reference import ReferenceMachine
from zskip.isa.assembler import assemble
from zskip.isa.program import Program, load_program

from ..gnu import assemble_and_link, build_c

MAX_INSNS = 2_000_000
PROGS = Path(__file__).resolve().parents[1] / "progs"
GCC_FLAGS = ["-Wall", "-Werror", "-Wl,-Ttext=0x10000"]
C_PROGRAMS = sorted(p.stem for p in PROGS.glob("*.c"))
OPTS = ["-O0", "-O2", "-Os"]


def program_of(source: str | Program) -> Program:
    return assemble(source) if isinstance(source, str) else source


def reference_for(source: str | Program, config: str | None = None) -> ReferenceMachine:
    """A reference model laid out as zskip lays out `config` (default preset)."""
    cfg = load_config(config)
    return ReferenceMachine(program_of(source), stack_size=cfg.stack_size,
                            heap_size=cfg.heap_size, sasa_entries=cfg.sasa_entries)


def run_reference(source: str | Program, config: str | None = None,
                  max_insns: int = MAX_INSNS) -> ReferenceMachine:
    ref = reference_for(source, config)
    ref.run(max_insns)
    return ref


def run_zskip(source: str | Program, *, functional: bool, config: str | None = None,
              verify_skips: bool = False, max_insns: int = MAX_INSNS) -> Machine:
    m = Machine(program_of(source), config, functional=functional, verify_skips=verify_skips)
    m.run(max_insns)
    return m


def differences(m: Machine, ref: ReferenceMachine) -> list[str]:
    """How the final states differ (registers, SpRF, memory, output, exit), or []."""
    diffs = [f"x{i}: zskip {int(a):#010x} reference {int(b):#010x}"
             for i, (a, b) in enumerate(zip(m.x, ref.x)) if a != b]
    for what in ("sprf", "status", "exit_code", "output", "mem_base"):
        a, b = getattr(m, what), getattr(ref, what)
        if a != b:
            diffs.append(f"{what}: zskip {a!r} reference {b!r}")
    mem, ref_mem = np.asarray(m.memory), ref.memory
    if mem.shape != ref_mem.shape:
        diffs.append(f"memory size: zskip {mem.size} reference {ref_mem.size}")
    elif not np.array_equal(mem, ref_mem):
        at = int(np.flatnonzero(mem != ref_mem)[0])
        diffs.append(f"memory at {m.mem_base + at:#x}: zskip {mem[at]:#04x} "
                     f"reference {ref_mem[at]:#04x}")
    return diffs


def gcc_build(name: str, opt: str, out: Path) -> Path:
    """tests/progs/<name>.c with the start file, built by GNU GCC for rv32im."""
    return build_c([PROGS / "start.S", PROGS / f"{name}.c"], out / f"{name}{opt}.elf",
                   [*GCC_FLAGS, opt], libs=["-lgcc"])


def gnu_program(source: str, out: Path) -> Program:
    """`source` assembled by GNU as and linked by GNU ld (text at 0x10000)."""
    return load_program(assemble_and_link(source, out, "p", ["-Ttext=0x10000"]))
