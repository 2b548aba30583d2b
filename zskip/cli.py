"""The `zskip` command. Each subcommand lives in a module zskip/cmd_<name>.py exposing
`add_arguments(parser)` and `run(args) -> int` (the exit status).

Exit statuses of zskip's own outcomes stay above those programs commonly use, in the
style of timeout(1) and env(1); README.md ("Exit status") lists them. Each error class
carries its status (`exit_status`).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from zskip.isa.errors import ZskipError

EXIT_ERROR = ZskipError.exit_status   # 125: bad usage, unreadable input, bad config
EXIT_INTERRUPTED = 130                # Ctrl-C: 128 + SIGINT, as a shell reports it
EXIT_BROKEN_PIPE = 141                # output piped into `head`: 128 + SIGPIPE

EXIT_STATUS_HELP = """\
exit status:
  the program's own exit code (0-255) when it exits
  124  the instruction limit stopped the program
  125  zskip error: bad usage, unreadable or malformed input, bad config
  126  the program faulted (illegal instruction, bad access, unsupported ecall)
  127  --verify-skips found an unsafe skip
  130  interrupted (Ctrl-C)
  133  the program stopped at ebreak (128 + SIGTRAP)
  141  the output pipe was closed (128 + SIGPIPE)"""

# name -> one-line help; the module is zskip.cmd_<name>
SUBCOMMANDS = {
    "asm": "assemble a .S file into an ELF32 executable or a flat binary",
    "disasm": "disassemble an ELF or flat binary (base ISA via capstone, Xzs via the table)",
    "run": "run a program (.S or ELF) on the core model",
    "compile": "compile a network (shipped, .npz, .onnx) to RV32 assembly in an ISA variant,\n"
               "or apply the zero-skip pass to an assembly file",
    "compare": "run programs that compute the same thing (software and Xzs variants), "
               "check that\ntheir results agree, print speedup and energy; without "
               "programs, the built-in suite",
    "sweep": "speedup and energy of a kernel against operand sparsity or a core config "
             "parameter,\nwith the ideal bound (CSV, PNG and a JSON manifest with -o)",
    "trace": "record an execution trace of a run and show it (table, per-pc and "
             "per-function\nprofile, Chrome/Perfetto trace-event JSON)",
}


class Parser(argparse.ArgumentParser):
    """argparse with zskip's status for a usage error (125, not argparse's 2, which
    programs use)."""

    def error(self, message: str) -> None:   # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


class _Version(argparse.Action):
    """--version, reading the installed version only when asked (importlib.metadata
    costs a sixth of a tiny program's start-up)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        import importlib.metadata
        print(f"zskip {importlib.metadata.version('zskip')}")
        parser.exit()


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="zskip", description="zskip: a RISC-V simulator for zero-skipping ISA extensions")
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True)
    argv = sys.argv[1:] if argv is None else argv
    # Only the chosen subcommand's module is imported: start-up stays fast and one
    # command's dependencies never break another.
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, help_text in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text,
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
        if name == chosen:
            module = importlib.import_module(f"zskip.cmd_{name}")
            module.add_arguments(sub_parser)
    args = parser.parse_args(argv)
    try:
        return module.run(args)
    except ZskipError as exc:
        prefix = "" if exc.located else f"zskip {args.command}: error: "
        print(f"{prefix}{exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt as exc:   # Machine.run says where (faults.Interrupted)
        print(f"zskip {args.command}: {str(exc) or 'interrupted'}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head`: stop quietly, like coreutils
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as exc:   # unreadable input, unwritable output
        print(f"zskip {args.command}: error: {exc.strerror or exc}: "
              f"{exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
