"""Zero rates of loads measured on the original program (what the profitability
estimate should use instead of a guess): the unicorn reference model runs the program
with its data placed, with a code hook on the candidate loads' addresses only that
reads the value each is about to load (base register + offset, from memory)."""
from __future__ import annotations

from collections.abc import Iterable

from zskip.core_model.config import CoreConfig
from zskip.isa.assembler.ir import Instr
from zskip.isa.program import Program

from .symbolic import mem_shape

Site = tuple[str, int]      # (file, line) of a load in the source


def site_of(ins: Instr) -> Site:
    return ins.loc[0], ins.loc[1]


def profile_zero_rates(program: Program, loads: Iterable[Instr], config: CoreConfig,
                       max_insns: int = 100_000_000) -> dict[Site, float]:
    """Fraction of zero values each of `loads` reads in a run of `program`. The loads
    are records of the assembled module `program` came from (their addresses are
    known); give the program as placed (kernels.harness.placed_program(machine))."""
    from unicorn import UC_HOOK_CODE
    from unicorn.riscv_const import UC_RISCV_REG_X0

    from zskip.core_model.reference import ReferenceMachine
    ref = ReferenceMachine(program, stack_size=config.stack_size,
                           heap_size=config.heap_size, sasa_entries=config.sasa_entries)
    counts: dict[Site, list[int]] = {}

    def hook_for(ins: Instr):
        width, _ = mem_shape(ins.row.name)
        base, offset = ins.values["rs1"], ins.values["imm12"]
        tally = counts.setdefault(site_of(ins), [0, 0])

        def hook(uc, _pc, _size, _user) -> None:
            addr = (uc.reg_read(UC_RISCV_REG_X0 + base) + offset) & 0xFFFFFFFF
            tally[0] += 1
            tally[1] += bytes(uc.mem_read(addr, width)) == bytes(width)
        return hook

    for ins in loads:
        ref.uc.hook_add(UC_HOOK_CODE, hook_for(ins), begin=ins.address, end=ins.address)
    ref.run(max_insns)
    return {site: zeros / n for site, (n, zeros) in counts.items() if n}
