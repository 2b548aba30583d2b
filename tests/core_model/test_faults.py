"""Every fault path: one exception class per kind, carrying pc, word, disassembly and
address; the message reads `<kind> at pc 0x........: <disassembly> (...)`."""
from __future__ import annotations

import pytest

from zskip.core_model import (AccessFault, Fault, FetchFault, IllegalInstruction,
                              InstructionLimit, Machine, MisalignedAccess, UnsupportedEcall,
                              load_config)
from zskip.isa.assembler import assemble
from zskip.isa.errors import ZskipError


def fault_of(body: str, max_insns: int = 10_000, **kwargs) -> tuple[Fault, Machine]:
    program = assemble(f".text\n.globl _start\n_start:\n{body}\n.data\nd: .word 1, 2\n")
    m = Machine(program, **kwargs)
    with pytest.raises(Fault) as info:
        m.run(max_insns)
    assert isinstance(info.value, ZskipError)
    return info.value, m


@pytest.mark.parametrize("functional", [False, True])
def test_illegal_instruction(functional: bool) -> None:
    f, m = fault_of("    nop\n    .word 0x0000707b", functional=functional)
    assert type(f) is IllegalInstruction
    assert (f.pc, f.word, f.address) == (0x10004, 0x0000707B, None)
    assert str(f).startswith("illegal instruction at pc 0x00010004: .word 0x0000707b")
    assert m.pc == 0x10004 and m.stats.instructions == 1   # the fault does not retire


@pytest.mark.parametrize("functional", [False, True])
@pytest.mark.parametrize("line", ["lw.zd a0, 0(a1)", "skz a0, 1f", "sasa.or a1, a0, a0, 2"])
def test_xzs_rows_are_illegal_without_the_hardware(line: str, functional: bool) -> None:
    body = f"    la a1, d\n    {line}\n    nop\n1:  li a7, 93\n    ecall"
    no_xzs = load_config().updated({"xzs": False})
    f, m = fault_of(body, config=no_xzs, functional=functional)
    assert type(f) is IllegalInstruction and f.pc == 0x10008
    assert str(f).startswith(f"illegal instruction at pc 0x00010008: {line.split()[0]}")
    assert m.stats.instructions == 2
    # the same program on a core with the hardware runs to its end
    ok = Machine(assemble(f".text\n.globl _start\n_start:\n{body}\n.data\nd: .word 1, 2\n"),
                 functional=functional)
    ok.run()
    assert ok.status == "exit"


@pytest.mark.parametrize("line", ["csrw cycle, a0", "csrr a0, 0x300", "csrrsi a0, instret, 1"])
def test_csr_other_than_counter_reads_is_illegal(line: str) -> None:
    f, _ = fault_of(f"    {line}")
    assert type(f) is IllegalInstruction and f.pc == 0x10000
    assert "csr" in f.insn


@pytest.mark.parametrize("line, store", [("lw a0, 2(a1)", False), ("sh a0, 1(a1)", True),
                                         ("lhu.zd a0, 3(a1)", False)])
def test_misaligned_access(line: str, store: bool) -> None:
    f, _ = fault_of(f"    la a1, d\n    {line}")
    assert type(f) is MisalignedAccess
    assert f.pc == 0x10008 and f.address % 4 != 0
    assert line.split()[0] in str(f) and ("store" if store else "load") in str(f)
    assert f"0x{f.address:08x}" in str(f)


@pytest.mark.parametrize("line", ["lw a0, 0(a1)", "sb a0, -1(a1)", "lbu.zd a0, 0(a1)"])
def test_access_outside_memory(line: str) -> None:
    f, m = fault_of(f"    li a1, 0x40000000\n    {line}")
    assert type(f) is AccessFault and f.pc == 0x10004
    assert "outside memory" in str(f) and line.split()[0] in f.insn


def test_write_ecall_buffer_outside_memory() -> None:
    f, _ = fault_of("    li a0, 1\n    li a1, 0x40000000\n    li a2, 4\n    li a7, 64\n    ecall")
    assert type(f) is AccessFault and f.address == 0x40000000 and "ecall" in str(f)


@pytest.mark.parametrize("body, target", [
    ("    li t0, 0x40000000\n    jr t0", 0x40000000),          # outside memory
    ("    la t0, _start\n    jalr 2(t0)", 0x10002),           # not 4-byte aligned
    ("    j .+0x80000", 0x90000),                            # static target outside
])
def test_fetch_fault(body: str, target: int) -> None:
    f, m = fault_of(body)
    assert type(f) is FetchFault
    assert f.pc == f.address == target and f.word is None
    assert str(f).startswith(f"fetch fault at pc 0x{target:08x}")


def test_instruction_limit() -> None:
    f, m = fault_of("1:  addi a0, a0, 1\n    j 1b", max_insns=1001)
    assert type(f) is InstructionLimit
    assert m.stats.instructions == 1001 and m.x[10] == 501
    assert f.pc == m.pc and f.insn.startswith(("addi", "j"))
    # the default bound comes from the config: a tiny one stops the loop too
    cfg = m.config.updated({"max_insns": 50})
    f2, m2 = fault_of("1:  j 1b", max_insns=None, config=cfg)
    assert type(f2) is InstructionLimit and m2.stats.instructions == 50


@pytest.mark.parametrize("a7, a0", [(1234, 0), (64, 3)])   # unknown call; write to fd 3
def test_unsupported_ecall(a7: int, a0: int) -> None:
    f, _ = fault_of(f"    li a0, {a0}\n    li a7, {a7}\n    ecall")
    assert type(f) is UnsupportedEcall and f.pc == 0x10008 and "ecall" in str(f)
    assert f"a7 = {a7}" in str(f)


def test_fault_via_cli_is_one_line(tmp_path, capfd) -> None:
    from zskip.cli import main
    src = tmp_path / "bad.S"
    src.write_text(".text\n.globl _start\n_start:\n    lw a0, 2(zero)\n")
    assert main(["run", str(src)]) == 126                 # fault (README: Exit status)
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "at pc 0x00010000: lw" in err
