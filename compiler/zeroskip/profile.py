"""Zero rates of loads measured on the original program (what the profitability
estimate should use instead of a guess): zskip's own core runs the program with an
execution trace (traces/record.py) restricted to the candidate loads' pc range, in
batches of the ring's size; after each batch the records are folded by pc into
(executions, zeros) counts, so memory stays bounded whatever the run's length.
Tracing needs the timing model; the run is as fast as the traced loop allows.
"""
from __future__ import annotations

from collections.abc import Iterable
import numpy as np

from zskip.core_model import Machine
from zskip.core_model.config import CoreConfig
from zskip.core_model.faults import Fault, InstructionLimit
from zskip.core_model.machine import TraceWindow
from zskip.isa.assembler.ir import Instr
from zskip.isa.errors import ZskipError
from zskip.isa.program import Program
from zskip.traces.record import TRACE_DTYPE

Site = tuple[str, int]      # (file, line) of a load in the source
RING = 1 << 17              # records per batch (10 MiB)


class ProfileError(ZskipError):
    """The program did not run to a clean exit (a fault, or the instruction limit)."""


def site_of(ins: Instr) -> Site:
    return ins.loc[0], ins.loc[1]


def profile_zero_rates(program: Program, loads: Iterable[Instr], config: CoreConfig,
                       max_insns: int = 100_000_000) -> dict[Site, float]:
    """Fraction of zero values each of `loads` reads in a run of `program`. The loads
    are records of the assembled module `program` came from (their addresses are
    known); give the program as placed (kernels.harness.placed_program(machine)).
    Raises ProfileError when the run faults or does not exit within max_insns."""
    loads = list(loads)
    if not loads:
        return {}
    pcs = np.array([ins.address for ins in loads], dtype=np.int64)
    lo, hi = int(pcs.min()), int(pcs.max())
    machine = Machine(program, config)
    ring = np.zeros(RING, dtype=TRACE_DTYPE)
    execs = np.zeros(hi - lo + 4 >> 2, dtype=np.int64)
    zeros = np.zeros_like(execs)
    window = TraceWindow(pc_first=lo, pc_last=hi)
    done, finished = 0, False
    try:
        while not finished:
            if done >= max_insns:
                raise ProfileError(f"no exit within {max_insns} instructions")
            # a batch retires at most RING instructions: the ring never wraps in it
            step = min(RING, max_insns - done)
            machine.trace_into(ring, window)
            try:
                machine.run(step)
                finished = True
            except InstructionLimit:
                pass
            new = ring[:machine.trace_written]
            index = (new["pc"].astype(np.int64) - lo) >> 2
            execs += np.bincount(index, minlength=len(execs))
            zeros += np.bincount(index[new["value"] == 0], minlength=len(execs))
            done += step
    except Fault as fault:
        raise ProfileError(str(fault)) from fault
    finally:
        machine.stop_trace()
    out = {}
    for ins in loads:
        k = (ins.address - lo) >> 2
        if execs[k]:
            out[site_of(ins)] = int(zeros[k]) / int(execs[k])
    return out
