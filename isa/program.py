"""A loaded program: the single input the core and the reference model take."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .encoding import lookup
from .errors import ZskipError

DEFAULT_BASE = 0x10000   # where GNU ld (elf32lriscv) puts .text, and where flat binaries go


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

    def read(self, addr: int, size: int) -> bytes:
        """`size` bytes at `addr` from the one segment that holds them (.bss reads zero)."""
        for seg in self.segments:
            if seg.vaddr <= addr and addr + size <= seg.end:
                off = addr - seg.vaddr
                return seg.data[off:off + size].ljust(size, b"\0")
        raise ProgramError(f"{self.source}: [{addr:#x}, {addr + size:#x}) is not inside "
                           "one loadable segment")

    def flat_image(self) -> tuple[int, bytes]:
        """(base, bytes): the memory image from the lowest segment to the end of the
        highest, gaps and .bss tails zero-filled, so that it loads back as a flat binary
        with every byte the program expects."""
        base = self.low
        image = bytearray(self.high - base)
        for seg in self.segments:
            image[seg.vaddr - base:seg.vaddr - base + len(seg.data)] = seg.data
        return base, bytes(image)


def check_entry(program: Program) -> Program:
    """`program` itself, once its entry point is known to lie in a segment."""
    if not any(s.vaddr <= program.entry < s.end for s in program.segments):
        raise ProgramError(f"{program.source}: entry point {program.entry:#x} lies outside "
                           "every loadable segment")
    return program


def load_binary(data: bytes, base: int, entry: int | None = None,
                source: str = "<binary>") -> Program:
    """A flat binary as one rwx segment at `base`; execution starts at `entry` (default
    `base`)."""
    if not data:
        raise ProgramError(f"{source}: empty file, nothing to load")
    if base < 0 or base + len(data) > 1 << 32:
        raise ProgramError(f"{source}: {len(data)} bytes at base {base:#x} do not fit in "
                           "the 4 GiB address space")
    return check_entry(Program([Segment(base, bytes(data), len(data), "rwx")],
                               base if entry is None else entry, {}, source))


def load_program(path: str | Path, base: int | None = None) -> Program:
    """An ELF executable (recognised by its magic) or else a flat binary placed at `base`
    (default DEFAULT_BASE; ignored for ELF files, which say where they go)."""
    from .elf import MAGIC, read_elf   # elf builds on this module's classes

    data = Path(path).read_bytes()
    if data[:4] == MAGIC:
        return read_elf(data, str(path))
    return load_binary(data, DEFAULT_BASE if base is None else base, source=str(path))


ASM_SUFFIXES = (".s", ".S", ".asm")


def load_any(path: str | Path, base: int | None = None) -> Program:
    """Assemble `path` if it is assembly source (ASM_SUFFIXES), else load it as an ELF
    or a flat binary placed at `base` (default DEFAULT_BASE). Assembly and ELF say
    where they load: a `base` for them is an error."""
    from .assembler import assemble   # the assembler builds on this module's classes
    from .elf import MAGIC, read_elf

    path = Path(path)
    if path.suffix in ASM_SUFFIXES:
        kind = "assembly source"
    else:
        data = path.read_bytes()
        if data[:4] != MAGIC:
            return load_binary(data, DEFAULT_BASE if base is None else base, source=str(path))
        kind = "an ELF file"
    if base is not None:
        raise ProgramError(f"{path}: a load address (--base) applies to flat binaries; "
                           f"{kind} says where it loads")
    if kind == "assembly source":
        return assemble(path.read_text(encoding="utf-8", errors="replace"), str(path))
    return read_elf(data, str(path))


def uses_extension(program: Program, extension: str = "xzs") -> bool:
    """Whether any word of the program's executable segments decodes (by the ISA table)
    to an instruction of `extension`. A flat binary is one rwx segment, so its data
    words count too."""
    for seg in program.segments:
        if "x" not in seg.flags:
            continue
        for off in range(0, len(seg.data) - 3, 4):
            row = lookup(int.from_bytes(seg.data[off:off + 4], "little"))
            if row is not None and row.extension == extension:
                return True
    return False
