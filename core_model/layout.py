"""Where a program's memory lies: shared by the core and the reference model so both
see the same addresses, stack pointer and bounds."""
from __future__ import annotations

from zskip.isa.program import Program, ProgramError

PAGE = 0x1000


def memory_layout(program: Program, stack_size: int, heap_size: int) -> tuple[int, int, int]:
    """(base, size, stack_top): one flat region from the page holding the lowest segment
    to the end of the highest, then `heap_size` bytes of free memory, then the stack.
    stack_top (the initial sp) is the 16-byte aligned end of the region."""
    base = program.low & ~(PAGE - 1)
    end = -(-program.high // PAGE) * PAGE + heap_size + stack_size
    end = -(-end // PAGE) * PAGE
    if end > 1 << 32:
        raise ProgramError(f"{program.source}: program, heap and stack do not fit in 4 GiB")
    return base, end - base, end & ~0xF
