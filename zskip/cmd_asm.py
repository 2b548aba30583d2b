"""`zskip asm FILE.S -o OUT`: assemble into an ELF32 executable or a flat binary."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zskip.isa.assembler import assemble

from .argtypes import address


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="FILE.S", help="assembly source (GNU as syntax)")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="output file (default: FILE with .elf or .bin)")
    parser.add_argument("--format", choices=("elf", "bin"), default="elf",
                        help="elf: ELF32 RISC-V executable (default); bin: flat image of the "
                             "loadable segments from the lowest segment address (the text "
                             "base unless --data-base lies below it), gaps and .bss "
                             "zero-filled")
    parser.add_argument("--text-base", type=address, default=0x10000, metavar="ADDR",
                        help="address of the first code byte (default 0x10000, as GNU ld)")
    parser.add_argument("--data-base", type=address, default=None, metavar="ADDR",
                        help="address of the data segment (default: after the text, where "
                             "GNU ld puts it)")


def run(args: argparse.Namespace) -> int:
    source = Path(args.source)
    program = assemble(source.read_text(encoding="utf-8", errors="replace"), str(source),
                       text_base=args.text_base, data_base=args.data_base)
    if not program.segments:
        print(f"zskip asm: warning: {source} holds no instructions and no data; "
              f"the {args.format} output has nothing to load", file=sys.stderr)
    if args.format == "bin":
        data = program.flat_image()[1] if program.segments else b""
    else:
        from zskip.isa.elf import write_elf
        data = write_elf(program)
    out = Path(args.output) if args.output else source.with_suffix("." + args.format)
    out.write_bytes(data)
    if args.format == "elf":   # executable, as GNU ld leaves it (qemu-user requires it)
        mode = out.stat().st_mode
        out.chmod(mode | (mode & 0o444) >> 2)
    return 0
