"""Regenerate every shipped file under traces/data: the data set, then each family's
trained and quantized networks and their recorded operand traces.

    pip install -e '.[train]' && python -m zskip.traces.regenerate [--only NAME]

Training uses the optional `train` extra (JAX, scikit-learn) with fixed seeds; nothing
here runs when zskip simulates.
"""
from __future__ import annotations

import argparse
import importlib
import time

# name -> "module:function" (relative to zskip.traces), run in this order
STEPS: dict[str, str] = {
    "digits": "digits:export_digits",
    "ffnn": "train_ffnn:train_all",
    "lstm": "train_lstm:train",
    "snn": "train_snn:train",
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(STEPS), action="append",
                        help="regenerate only this (repeatable)")
    args = parser.parse_args(argv)
    for name, target in STEPS.items():
        if args.only and name not in args.only:
            continue
        module, function = target.split(":")
        start = time.perf_counter()
        getattr(importlib.import_module(f"{__package__}.{module}"), function)()
        print(f"{name}: {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
