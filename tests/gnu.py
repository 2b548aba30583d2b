"""The real GNU RISC-V tools (binutils, GCC) as the reference the tests build and check
against: run one, assemble and link, build freestanding rv32im C, read back an ELF's
section bytes and symbols. Tools are found by tests.conftest.require_tool."""
from __future__ import annotations

import subprocess
from pathlib import Path
from collections.abc import Sequence

from tests.conftest import require_tool

PREFIX = "riscv64-unknown-elf-"
MARCH = ["-march=rv32im", "-mabi=ilp32"]
MARCH_ALL = ["-march=rv32im_zicsr_zifencei", "-mabi=ilp32"]   # every base row of the table
FREESTANDING = ["-nostdlib", "-ffreestanding", "-mno-relax", "-static"]
TEXT_SECTIONS = (".text", ".rodata")
DATA_SECTIONS = (".data", ".sdata")


def run_tool(tool: str, *args: str | Path) -> str:
    """Run GNU `tool` ("as", "objdump", ...); assert it succeeded, showing its stderr.
    Returns its stdout."""
    cmd = [require_tool(PREFIX + tool), *map(str, args)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(cmd)} failed:\n{result.stderr}"
    return result.stdout


def assemble_and_link(source: str, workdir: Path, name: str = "prog",
                      ld_args: Sequence[str] = (), march: Sequence[str] = MARCH) -> Path:
    """GNU as + ld (elf32lriscv, static) of `source`; returns the executable's path."""
    src, obj, exe = (workdir / f"{name}{ext}" for ext in (".S", ".o", ".elf"))
    src.write_text(source)
    run_tool("as", *march, src, "-o", obj)
    run_tool("ld", "-m", "elf32lriscv", *ld_args, obj, "-o", exe)
    return exe


def build_c(sources: Sequence[Path], exe: Path, flags: Sequence[str] = ("-O2",),
            libs: Sequence[str] = ()) -> Path:
    """A freestanding static rv32im executable built by GCC from C (and .S) `sources`;
    `libs` ("-lgcc") go after the sources."""
    run_tool("gcc", *MARCH, *FREESTANDING, *flags, "-o", exe, *sources, *libs)
    return exe


def compile_c(source: str, workdir: Path, name: str = "prog",
              flags: Sequence[str] = ("-O2",)) -> Path:
    """`source` (C text) built by build_c; returns the executable's path."""
    src = workdir / f"{name}.c"
    src.write_text(source)
    return build_c([src], workdir / f"{name}.elf", flags)


def link_sections(source: str, workdir: Path, text_base: int = 0x10000,
                  data_base: int | None = None) -> dict:
    """Assemble (every base extension) and link with GNU ld at text_base (and data_base,
    if given), the way `zskip asm` lays a source out; returns
    {"text": bytes, "data": bytes, "symbols": {name: addr}, "elf": path}."""
    ld_args = ["--no-relax", f"-Ttext={text_base:#x}", "-e", "0"]
    if data_base is not None:
        ld_args.append(f"-Tdata={data_base:#x}")
    elf = assemble_and_link(source, workdir, "ref", ld_args, MARCH_ALL)
    out = {"elf": elf, "symbols": {}}
    for key, sections in (("text", TEXT_SECTIONS), ("data", DATA_SECTIONS)):
        binary = workdir / f"ref.{key}.bin"
        run_tool("objcopy", "-O", "binary", *[a for s in sections for a in ("-j", s)], elf,
                 binary)
        out[key] = binary.read_bytes()
    for line in run_tool("nm", elf).splitlines():
        addr, _, name = line.split()
        out["symbols"][name] = int(addr, 16)
    return out


def section_words(data: bytes) -> list[int]:
    """Little-endian 32-bit words of a section's bytes."""
    return [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data), 4)]


def gnu_words(lines: list[str], workdir: Path, prologue: str = ".option norelax\n") -> list[int]:
    """The .text words GNU as + ld (at 0x10000) give a list of instruction lines."""
    return section_words(link_sections(prologue + "\n".join(lines) + "\n", workdir)["text"])
