"""The reference model: unicorn's RV32 JIT plus Python hooks for what unicorn lacks.

A test oracle for the differential tests, never the product path. Unicorn (QEMU's
translator) executes the base RV32IM instructions; a per-instruction code hook adds
what zskip defines on top:

- the SpRF: every instruction whose table row writes rd clears SpRF[rd]; zero-detect
  loads set it (SpRF[x0] is always set);
- Xzs: custom-0/custom-1 words raise unicorn interrupt 2 with the pc already past the
  word; the interrupt hook executes them (loads, skip-branches, SASA writes) and
  resumes. A SASA entry decides at the fetch of its trigger (before the trigger
  executes); when the condition held and the trigger fell through to pc+4, the code
  hook of that next instruction moves the pc over the block;
- zskip's faults: illegal words (anything the table does not hold, including the
  compressed encodings unicorn would run), misaligned and out-of-range loads/stores
  (unicorn allows both), misaligned or out-of-range fetch, the instruction limit;
- the system interface: ecall exit and write (isa/opcodes/syscalls), ebreak as a breakpoint.

The model is ideal: the SpRF is always known when a skip decides (zskip's functional
mode). Limits: counter CSRs (cycle, time, instret) have no meaningful value here and
raise ReferenceUnsupported; faults are reported by kind and pc, but the state left
behind by a faulting instruction is not meant to match zskip's; it runs at roughly
half a million instructions per second.
"""
from __future__ import annotations

import numpy as np
from unicorn import UC_ARCH_RISCV, UC_HOOK_CODE, UC_HOOK_INTR, UC_MODE_RISCV32, Uc, UcError
from unicorn import riscv_const as rc

from zskip.isa.encoding import Decoded, decode
from zskip.isa.errors import ZskipError
from zskip.isa.program import Program
from zskip.isa.table import SYSCALLS

from .layout import memory_layout

_X = [rc.UC_RISCV_REG_X0 + i for i in range(32)]
_PC = rc.UC_RISCV_REG_PC
_INTR_ILLEGAL, _INTR_ECALL = 2, 8          # RISC-V exception causes unicorn reports
_ECALL_WRITE, _ECALL_EXIT = SYSCALLS["write"], SYSCALLS["exit"]
XLEN_MASK = 0xFFFFFFFF


class ReferenceFault(ZskipError):
    """The reference model stopped on a fault; `kind` names the zskip Fault subclass
    that stands for the same event (e.g. "MisalignedAccess")."""

    def __init__(self, kind: str, pc: int, detail: str):
        self.kind, self.pc = kind, pc
        super().__init__(f"{kind} at pc {pc:#010x}: {detail}")


class ReferenceUnsupported(ZskipError):
    """The program does something the reference model cannot reproduce (counter CSRs)."""


def access_width(row_match: int) -> tuple[int, bool]:
    """Bytes and signedness of a load/store: RISC-V puts log2(width) in funct3[1:0] and
    'unsigned' in funct3[2], for the base and the zero-detect loads alike."""
    funct3 = (row_match >> 12) & 7
    return 1 << (funct3 & 3), not funct3 & 4


class ReferenceMachine:
    """Runs a Program on unicorn with zskip's memory layout, ecalls, faults and Xzs."""

    def __init__(self, program: Program, *, stack_size: int, heap_size: int,
                 sasa_entries: int = 16):
        self.mem_base, self.mem_size, stack_top = memory_layout(program, stack_size, heap_size)
        self.uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV32)
        self.uc.mem_map(self.mem_base, self.mem_size)
        for seg in program.segments:
            self.uc.mem_write(seg.vaddr, seg.data)
        self.uc.reg_write(rc.UC_RISCV_REG_SP, stack_top)
        self._pc = program.entry
        self.sasa: list[tuple[int, int, int, bool, int] | None] = [None] * sasa_entries
        self._sprf = 1
        self.output = b""
        self.exit_code: int | None = None
        self.status: str | None = None
        self.retired = 0
        self.skips_taken = 0      # skip-branches taken
        self.sasa_skips = 0       # blocks skipped through the SASA table
        self._decoded: dict[int, Decoded | None] = {}
        self._pending_skip: tuple[int, int] | None = None   # (block start, length)
        self._stop: Exception | None = None
        self.uc.hook_add(UC_HOOK_CODE, self._on_code)
        self.uc.hook_add(UC_HOOK_INTR, self._on_interrupt)

    # -- observable state (the same surface as zskip's Machine) --------------------
    @property
    def x(self) -> np.ndarray:
        return np.array([self.uc.reg_read(r) for r in _X], dtype=np.uint32)

    @property
    def pc(self) -> int:
        return self._pc

    @property
    def memory(self) -> np.ndarray:
        return np.frombuffer(bytes(self.uc.mem_read(self.mem_base, self.mem_size)), np.uint8)

    @property
    def sprf(self) -> int:
        return self._sprf | 1

    def read(self, addr: int, n: int) -> bytes:
        return bytes(self.uc.mem_read(addr, n))

    def run(self, max_insns: int = 10_000_000) -> int:
        """Run until exit or ebreak; returns instructions retired. Raises ReferenceFault."""
        self._limit = self.retired + max_insns
        self._stop = None
        try:
            self.uc.emu_start(self._pc, 1 << 32)
        except UcError as e:
            if self._stop is None:   # unicorn itself refused: a fetch outside memory
                pc = self.uc.reg_read(_PC)
                self._stop = ReferenceFault("FetchFault", pc, f"unicorn: {e}")
        self._pc = self.uc.reg_read(_PC)
        if self._stop is not None:
            raise self._stop
        if self.status is None:
            raise ReferenceFault("FetchFault", self._pc, "ran off the end of memory")
        return self.retired

    # -- hooks ---------------------------------------------------------------------
    def _halt(self, exc: Exception | None = None) -> None:
        self._stop = exc
        self.uc.emu_stop()

    def _fault(self, kind: str, pc: int, detail: str) -> None:
        self._halt(ReferenceFault(kind, pc, detail))

    def _reg(self, i: int) -> int:
        return self.uc.reg_read(_X[i])

    def _decode_at(self, pc: int) -> Decoded | None:
        word = int.from_bytes(self.uc.mem_read(pc, 4), "little")
        if word not in self._decoded:
            self._decoded[word] = decode(word)
        return self._decoded[word]

    def _check_fetch(self, pc: int) -> bool:
        if pc % 4 or not self.mem_base <= pc <= self.mem_base + self.mem_size - 4:
            self._fault("FetchFault", pc, "fetch from a misaligned or unmapped address")
            return False
        return True

    def _on_code(self, uc: Uc, pc: int, size: int, _user) -> None:
        pending, self._pending_skip = self._pending_skip, None
        if pending is not None and pending[0] == pc:
            # SASA: the `len` instructions after the trigger are neither fetched nor run
            uc.reg_write(_PC, pc + 4 * pending[1])
            self.sasa_skips += 1
            return
        if not self._check_fetch(pc):
            return
        if self.retired >= self._limit:
            self._fault("InstructionLimit", pc, f"{self.retired} instructions retired")
            return
        d = self._decode_at(pc)
        if d is None:
            self._fault("IllegalInstruction", pc, "no instruction has this encoding")
            return
        insn, ops = d.insn, d.operands
        if insn.name == "ebreak":
            self.status = "breakpoint"
            self._halt()
            return
        if insn.opclass == "csr":
            self._halt(ReferenceUnsupported(f"pc {pc:#x}: {insn.name} (counters are not modelled)"))
            return
        if insn.cls.memory and not self._check_access(insn, ops, pc):
            return
        self.retired += 1
        entry = self.sasa[(pc >> 2) % len(self.sasa)]
        if entry is not None and entry[0] == pc and self._condition(entry):
            self._pending_skip = (pc + 4, entry[4])    # decided before the trigger runs
        if insn.writes_rd() and not insn.cls.sets_sprf:   # a zero-detect load sets it itself
            self._sprf &= ~(1 << ops["rd"])

    def _check_access(self, insn, ops: dict[str, int], pc: int) -> bool:
        width, _ = access_width(insn.match)
        offset = ops["imm12"] if "imm12" in ops else ops["simm12"]
        addr = (self._reg(ops["rs1"]) + offset) & XLEN_MASK
        if addr % width:
            self._fault("MisalignedAccess", pc, f"{insn.name} of {width} bytes at {addr:#x}")
            return False
        if not self.mem_base <= addr <= self.mem_base + self.mem_size - width:
            self._fault("AccessFault", pc, f"{insn.name} at {addr:#x} outside memory")
            return False
        return True

    def _condition(self, entry: tuple[int, int, int, bool, int]) -> bool:
        _, rs1, rs2, both, _ = entry
        a, b = self.sprf >> rs1 & 1, self.sprf >> rs2 & 1
        return bool(a and b) if both else bool(a or b)

    def _on_interrupt(self, uc: Uc, intno: int, _user) -> None:
        pc = uc.reg_read(_PC) - 4     # unicorn has already stepped past the word
        if intno == _INTR_ECALL:
            self._ecall(pc)
            return
        if intno != _INTR_ILLEGAL:
            self._fault("IllegalInstruction", pc, f"unicorn exception {intno}")
            return
        if not self._check_fetch(pc):
            return
        d = self._decode_at(pc)
        if d is None or d.insn.extension != "xzs":
            # a word the code hook never saw (unicorn rejects some before its hook runs)
            self._fault("IllegalInstruction", pc, "no instruction has this encoding")
            return
        getattr(self, "_xzs_" + d.insn.opclass)(d, pc)

    def _xzs_load_zd(self, d: Decoded, pc: int) -> None:
        width, signed = access_width(d.insn.match)
        addr = (self._reg(d.operands["rs1"]) + d.operands["imm12"]) & XLEN_MASK
        value = int.from_bytes(self.uc.mem_read(addr, width), "little", signed=signed)
        rd = d.operands["rd"]
        if rd:
            self.uc.reg_write(_X[rd], value & XLEN_MASK)
            self._sprf = self._sprf & ~(1 << rd) | (value == 0) << rd

    def _xzs_skip(self, d: Decoded, pc: int) -> None:
        ops = d.operands
        a = self.sprf >> ops["rs1"] & 1
        if d.insn.name == "sknz":
            taken = not a
        elif "rs2" in ops:                       # skz2: either factor zero
            taken = a or self.sprf >> ops["rs2"] & 1
        else:
            taken = a
        if taken:
            self.skips_taken += 1
            target = (pc + ops["bimm12"]) & XLEN_MASK
            self.uc.reg_write(_PC, target)

    def _xzs_sasa(self, d: Decoded, pc: int) -> None:
        ops = d.operands
        trigger = self._reg(ops["rd"])
        slot = (trigger >> 2) % len(self.sasa)
        both = d.insn.name == "sasa.and"
        self.sasa[slot] = (trigger, ops["rs1"], ops["rs2"], both, ops["len6"]) \
            if ops["len6"] else None

    def _ecall(self, pc: int) -> None:
        a0, a7 = self._reg(10), self._reg(17)
        if a7 == _ECALL_EXIT:
            self.exit_code, self.status = a0, "exit"
            self._halt()
        elif a7 == _ECALL_WRITE and a0 in (1, 2):
            buf, n = self._reg(11), self._reg(12)
            if not self.mem_base <= buf <= buf + n <= self.mem_base + self.mem_size:
                self._fault("AccessFault", pc, f"write buffer {buf:#x}+{n} outside memory")
                return
            self.output += self.read(buf, n)
            self.uc.reg_write(_X[10], n)
        else:
            self._fault("UnsupportedEcall", pc, f"ecall a7={a7} a0={a0}")
