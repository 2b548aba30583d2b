"""Load what a user names on the command line: assembly source or a binary program."""
from __future__ import annotations

from pathlib import Path

from zskip.isa.assembler import assemble
from zskip.isa.program import Program, load_program

ASM_SUFFIXES = (".s", ".S", ".asm")


def load_any(path: str | Path, base: int | None = None) -> Program:
    """Assemble `path` if it is assembly source, else load it as ELF or flat binary."""
    path = Path(path)
    if path.suffix in ASM_SUFFIXES:
        return assemble(path.read_text(), str(path))
    return load_program(path, base)
