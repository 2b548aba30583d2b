"""GNU as + ld as the reference for the assembler tests: assemble and link a source the
way `zskip asm` lays it out, and read back section bytes and symbols."""
from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import require_tool

MARCH = ["-march=rv32im_zicsr_zifencei", "-mabi=ilp32"]
TEXT_SECTIONS = (".text", ".rodata")
DATA_SECTIONS = (".data", ".sdata")


def _run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stderr}"
    return done.stdout


def gnu_link(source: str, tmp: Path, text_base: int = 0x10000,
             data_base: int | None = None) -> dict:
    """Assemble with GNU as, link with GNU ld at text_base (and data_base, if given);
    returns {"text": bytes, "data": bytes, "symbols": {name: addr}, "elf": path}."""
    gas = require_tool("riscv64-unknown-elf-as")
    ld = require_tool("riscv64-unknown-elf-ld")
    objcopy = require_tool("riscv64-unknown-elf-objcopy")
    nm = require_tool("riscv64-unknown-elf-nm")
    src, obj, elf = tmp / "ref.S", tmp / "ref.o", tmp / "ref.elf"
    src.write_text(source)
    _run([gas, *MARCH, str(src), "-o", str(obj)])
    ld_args = [ld, "-m", "elf32lriscv", "--no-relax", f"-Ttext={text_base:#x}", "-e", "0"]
    if data_base is not None:
        ld_args.append(f"-Tdata={data_base:#x}")
    _run([*ld_args, str(obj), "-o", str(elf)])
    out = {"elf": elf, "symbols": {}}
    for key, sections in (("text", TEXT_SECTIONS), ("data", DATA_SECTIONS)):
        binary = tmp / f"ref.{key}.bin"
        _run([objcopy, "-O", "binary", *[a for s in sections for a in ("-j", s)], str(elf),
              str(binary)])
        out[key] = binary.read_bytes()
    for line in _run([nm, str(elf)]).splitlines():
        addr, _, name = line.split()
        out["symbols"][name] = int(addr, 16)
    return out


def gnu_words(lines: list[str], tmp: Path, prologue: str = ".option norelax\n") -> list[int]:
    """The .text words GNU as + ld (at 0x10000) give a list of instruction lines."""
    text = gnu_link(prologue + "\n".join(lines) + "\n", tmp)["text"]
    return [int.from_bytes(text[i:i + 4], "little") for i in range(0, len(text), 4)]


def section_words(data: bytes) -> list[int]:
    return [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data), 4)]
