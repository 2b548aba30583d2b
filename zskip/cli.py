"""The `zskip` command. Each subcommand lives in a module zskip/cmd_<name>.py exposing
`add_arguments(parser)` and `run(args) -> int` (the exit code)."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from zskip.isa.errors import ZskipError

# name -> one-line help; the module is zskip.cmd_<name>
SUBCOMMANDS = {
    "asm": "assemble a .S file into an ELF32 executable or a flat binary",
    "disasm": "disassemble an ELF or flat binary (base ISA via capstone, Xzs via the table)",
    "run": "run a program (.S or ELF) on the core model",
    "compare": "run a baseline kernel and its zero-skip version; print speedup and energy",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="zskip", description="zskip: a RISC-V simulator for zero-skipping ISA extensions")
    sub = parser.add_subparsers(dest="command", required=True)
    argv = sys.argv[1:] if argv is None else argv
    # Only the chosen subcommand's module is imported: start-up stays fast and one
    # command's dependencies never break another.
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, help_text in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            module = importlib.import_module(f"zskip.cmd_{name}")
            module.add_arguments(sub_parser)
    args = parser.parse_args(argv)
    try:
        return module.run(args)
    except ZskipError as exc:
        prefix = "" if exc.located else f"zskip {args.command}: error: "
        print(f"{prefix}{exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head`: stop quietly, like coreutils
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:   # unreadable input, unwritable output
        print(f"zskip {args.command}: error: {exc.strerror or exc}: "
              f"{exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
