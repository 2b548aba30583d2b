"""Build reference programs with the real GNU RISC-V tools (rv32im, ilp32)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import require_tool

MARCH = ["-march=rv32im", "-mabi=ilp32"]
MARCH_ALL = ["-march=rv32im_zicsr_zifencei", "-mabi=ilp32"]   # every base row of the table


def run_tool(*cmd: str | Path) -> str:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    assert result.returncode == 0, f"{cmd[0]} failed:\n{result.stderr}"
    return result.stdout


def assemble_and_link(source: str, workdir: Path, name: str = "prog",
                      ld_args: tuple[str, ...] = (), march: list[str] = MARCH) -> Path:
    """GNU as + ld (elf32lriscv, static) of `source`; returns the executable's path."""
    src, obj, exe = (workdir / f"{name}{ext}" for ext in (".S", ".o", ""))
    src.write_text(source)
    run_tool(require_tool("riscv64-unknown-elf-as"), *march, src, "-o", obj)
    run_tool(require_tool("riscv64-unknown-elf-ld"), "-m", "elf32lriscv", *ld_args, obj,
             "-o", exe)
    return exe


def compile_c(source: str, workdir: Path, name: str = "prog",
              flags: tuple[str, ...] = ("-O2",)) -> Path:
    """A freestanding static rv32im executable built by riscv64-unknown-elf-gcc."""
    src, exe = workdir / f"{name}.c", workdir / name
    src.write_text(source)
    run_tool(require_tool("riscv64-unknown-elf-gcc"), *MARCH, *flags, "-nostdlib",
             "-ffreestanding", "-mno-relax", "-static", src, "-o", exe)
    return exe
