"""Where a program's memory lies: shared by the core and the reference model so both
see the same addresses, stack pointer and bounds."""
from __future__ import annotations

from zskip.isa.program import Program, ProgramError

PAGE = 0x1000
MAX_MEMORY = 256 << 20   # the core also keeps 8 bytes of predecode per byte (lazily touched)


def memory_layout(program: Program, stack_size: int, heap_size: int) -> tuple[int, int, int]:
    """(base, size, stack_top): one flat region from the page holding the lowest segment
    to the end of the highest, then `heap_size` bytes of free memory, then the stack.
    stack_top (the initial sp) is the 16-byte aligned end of the region. (A CoreConfig
    gives both sizes: cfg.stack_size, cfg.heap_size.)"""
    if not program.segments:
        raise ProgramError(f"{program.source}: no loadable segments")
    base = program.low & ~(PAGE - 1)
    end = -(-program.high // PAGE) * PAGE + heap_size + stack_size
    end = -(-end // PAGE) * PAGE
    if end >= 1 << 32:
        raise ProgramError(f"{program.source}: program, heap and stack do not fit in 4 GiB")
    if end - base > MAX_MEMORY:
        raise ProgramError(f"{program.source}: memory region of {end - base} bytes is "
                           f"larger than {MAX_MEMORY >> 20} MiB (segments far apart?)")
    return base, end - base, end & ~0xF
