"""`zskip disasm FILE [--base ADDR]`: an objdump-like listing of an ELF or flat binary."""
from __future__ import annotations

import argparse
from pathlib import Path

from zskip.isa.disasm import listing
from zskip.isa.elf import MAGIC, executable_sections, read_elf
from zskip.isa.program import ASM_SUFFIXES, DEFAULT_BASE, ProgramError, load_binary

from .argtypes import address


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="ELF32 RISC-V executable or flat binary")
    parser.add_argument("--base", type=address, default=None,
                        help=f"load address of a flat binary (default {DEFAULT_BASE:#x})")


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.suffix in ASM_SUFFIXES:
        raise ProgramError(f"{path} is assembly source; assemble it first (zskip asm {path} "
                           f"-o {path.with_suffix('.elf')}) and disassemble that, or run it "
                           f"(zskip run {path})")
    data = path.read_bytes()
    if data[:4] == MAGIC:
        if args.base is not None:
            raise ProgramError(f"{args.file}: --base applies to flat binaries; an ELF file "
                               "says where it loads")
        program = read_elf(data, args.file)
        # the executable sections, as objdump -d picks them; segments when there are none
        regions = [(f"section {name}", addr, size)
                   for name, addr, size in executable_sections(data, args.file)] or \
                  [(f"segment {s.flags}", s.vaddr, len(s.data))
                   for s in program.segments if "x" in s.flags]
    else:
        program = load_binary(data, DEFAULT_BASE if args.base is None else args.base,
                              source=args.file)
        regions = [("flat binary", program.low, len(data))]
    print(f"{args.file}: entry {program.entry:#x}")
    for what, addr, size in regions:
        print(f"\nDisassembly of {what} at {addr:#x} ({size} bytes):")
        print("\n".join(listing(program.read(addr, size), addr, program.symbols)))
    return 0
