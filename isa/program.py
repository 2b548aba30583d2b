"""A loaded program: the single input the core and the reference model take."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ZskipError


class ProgramError(ZskipError):
    """A program file that cannot be loaded (bad ELF, overlapping segments, ...)."""


@dataclass(frozen=True)
class Segment:
    """A loadable segment: `data` at `vaddr`, zero-filled up to `memsz` bytes."""
    vaddr: int
    data: bytes
    memsz: int
    flags: str = "rwx"   # any of r, w, x

    @property
    def end(self) -> int:
        return self.vaddr + self.memsz


@dataclass
class Program:
    """Segments, entry point and symbols (name -> address) of a program."""
    segments: list[Segment]
    entry: int
    symbols: dict[str, int] = field(default_factory=dict)
    source: str = "<program>"

    @property
    def low(self) -> int:
        return min(s.vaddr for s in self.segments)

    @property
    def high(self) -> int:
        return max(s.end for s in self.segments)
