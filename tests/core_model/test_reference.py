"""The reference model itself: the unicorn behaviour it relies on, its fault paths, and
agreement with qemu-riscv32 (an independent emulator) on GCC-built programs."""
from __future__ import annotations

import subprocess
import struct

import pytest
from unicorn import UC_ARCH_RISCV, UC_HOOK_INTR, UC_MODE_RISCV32, Uc
from unicorn import riscv_const as rc

from zskip.core_model import Fault, Machine
from zskip.core_model.reference import ReferenceFault, ReferenceMachine
from zskip.isa.encoding import encode
from zskip.isa.program import load_program

from ..conftest import require_tool
from .harness import C_PROGRAMS, OPTS, gnu_program

SIZES = dict(stack_size=0x4000, heap_size=0x1000)


def test_unicorn_reports_custom_opcodes_as_interrupt_2_past_the_word() -> None:
    """The fact the Xzs hook is built on: a custom-0 word raises interrupt 2 with the pc
    already advanced by 4, and writing rd in the hook then returning resumes after it."""
    words = [encode("lw.zd", dict(rd=10, rs1=0, imm12=0)),
             encode("addi", dict(rd=11, rs1=10, imm12=1))]
    uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV32)
    uc.mem_map(0x10000, 0x1000)
    uc.mem_write(0x10000, struct.pack("<2I", *words))
    seen = []

    def intr(uc, intno, _):
        seen.append((intno, uc.reg_read(rc.UC_RISCV_REG_PC)))
        uc.reg_write(rc.UC_RISCV_REG_X10, 41)

    uc.hook_add(UC_HOOK_INTR, intr)
    uc.emu_start(0x10000, 0x10008)
    assert seen == [(2, 0x10004)]
    assert uc.reg_read(rc.UC_RISCV_REG_X11) == 42


EXIT = "li a7, 93\n ecall\n"


@pytest.mark.parametrize("body, kind", [
    ("la t0, d\n lw a0, 2(t0)", "MisalignedAccess"),
    ("la t0, d\n sh a0, 1(t0)", "MisalignedAccess"),
    ("li t0, 0x100\n lw a0, 0(t0)", "AccessFault"),
    ("li t0, -4\n sw a0, 0(t0)", "AccessFault"),
    (".word 0x0000707b", "IllegalInstruction"),
    (".word 0", "IllegalInstruction"),              # compressed encodings are not RV32IM
    (".word 0x30051573", "ReferenceUnsupported"),  # csrrw a0, mstatus, a0
    ("li t0, 0x40\n jr t0", "FetchFault"),
    ("la t0, d\n jalr t0, 2(t0)", "FetchFault"),
    ("1: j 1b", "InstructionLimit"),
    ("li a7, 1\n ecall", "UnsupportedEcall"),
    ("li a0, 3\n la a1, d\n li a2, 4\n li a7, 64\n ecall", "UnsupportedEcall"),
])
def test_fault_paths(tmp_path, body: str, kind: str) -> None:
    program = gnu_program(f".text\n.globl _start\n_start:\n {body}\n {EXIT}"
                          ".data\nd: .word 1, 2\n", tmp_path)
    ref = ReferenceMachine(program, **SIZES)
    with pytest.raises(Exception) as info:
        ref.run(10_000)
    name = info.value.kind if isinstance(info.value, ReferenceFault) else type(info.value).__name__
    assert name == kind, str(info.value)
    if isinstance(info.value, ReferenceFault):
        assert f"pc {info.value.pc:#010x}" in str(info.value)
    # zskip stops the same way (it has no "unsupported": a CSR it lacks is illegal)
    with pytest.raises(Fault) as core:
        Machine(program, functional=True).run(10_000)
    assert type(core.value).__name__ == kind.replace("ReferenceUnsupported",
                                                     "IllegalInstruction"), str(core.value)


def test_exit_write_and_breakpoint(tmp_path) -> None:
    program = gnu_program(".text\n.globl _start\n_start:\n li a0, 2\n la a1, msg\n li a2, 3\n"
                          " li a7, 64\n ecall\n mv s0, a0\n ebreak\n li a0, 5\n" + EXIT
                          + ".data\nmsg: .ascii \"hi\\n\"\n", tmp_path)
    ref = ReferenceMachine(program, **SIZES)
    ref.run()
    assert (ref.status, ref.output, ref.x[8], ref.exit_code) == ("breakpoint", b"hi\n", 3, None)


@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("name", C_PROGRAMS)
def test_reference_agrees_with_qemu(gcc_builds, name: str, opt: str) -> None:
    elf = gcc_builds[name, opt]
    ref = ReferenceMachine(load_program(elf), stack_size=0x10000, heap_size=0)
    ref.run(5_000_000)
    qemu = subprocess.run([require_tool("qemu-riscv32"), str(elf)], capture_output=True,
                          timeout=60)
    assert ref.status == "exit"
    assert ref.output == qemu.stdout + qemu.stderr    # the programs write stderr last
    assert ref.exit_code == qemu.returncode
    assert ref.output
