"""The command line every generated file shares (isa/cheader.py, isa/reference_doc.py,
traces/record.py): write the file, or with --check fail when the committed copy
differs from a fresh generation (CI and the freshness tests use that)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable


def generator_main(path: Path, render: Callable[[], str], module: str, description: str,
                   argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true",
                        help="fail if the committed file differs from a fresh generation")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is stale: run python -m {module}", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return 0
