"""A progress line on stderr for long runs (only when stderr is a terminal)."""
from __future__ import annotations

import sys
import time


class RunProgress:
    """Callable given to Machine.run: shows retired instructions and the rate, at most
    every `interval` seconds, after the run has lasted `delay` seconds."""

    def __init__(self, label: str, delay: float = 1.0, interval: float = 0.5):
        self.label, self.delay, self.interval = label, delay, interval
        self.enabled = sys.stderr.isatty()
        self.start = self.last = time.perf_counter()
        self.shown = False

    def __call__(self, retired: int) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self.start < self.delay or now - self.last < self.interval:
            return
        self.last, self.shown = now, True
        mips = retired / (now - self.start) / 1e6
        sys.stderr.write(f"\r{self.label}: {retired / 1e6:,.1f} M instructions, "
                         f"{mips:,.0f} MIPS ")
        sys.stderr.flush()

    def done(self) -> None:
        """Clear the line (at the end, or before the program writes); a later call
        shows it again."""
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False


class TaskProgress:
    """Callable(done, total) for runs of many tasks: a bar on stderr, only when stderr
    is a terminal."""

    WIDTH = 30

    def __init__(self, label: str):
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        filled = self.WIDTH * done // max(total, 1)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                         f"{done}/{total} ")
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False
