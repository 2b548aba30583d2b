"""Argument types the subcommands share (argparse `type=` callables)."""
from __future__ import annotations

import argparse


def address(text: str) -> int:
    """A 32-bit address, in any base int() reads (0x10000, 65536)."""
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an address such as 0x10000, got {text!r}") from None
    if not 0 <= value < 1 << 32:
        raise argparse.ArgumentTypeError(f"address {text} is outside the 32-bit space")
    return value


def count(text: str) -> int:
    """A positive count; 1e9 and 2.5e6 are accepted."""
    try:
        value = int(float(text)) if any(c in text for c in "eE.") and "x" not in text \
            else int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a count: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {text!r}")
    return value
