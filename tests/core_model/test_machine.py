"""The Machine facade: start state, live views, memory access, output capture, exit
codes and breakpoints, chunked runs, reset, fence.i, verify-skips, and `zskip run`."""
from __future__ import annotations

import json

import numpy as np
import pytest

from zskip.core_model import AddressError, Machine, UnsafeSkip
from zskip.core_model import machine as machine_module
from zskip.isa.assembler import assemble
from zskip.isa.encoding import encode

HELLO = """
.text
.globl _start
_start:
    li a0, 1
    la a1, msg
    li a2, 6
    li a7, 64
    ecall
    mv s0, a0            # write returns the length
    li a0, 2
    la a1, err
    li a2, 4
    li a7, 64
    ecall
    addi a0, s0, 36      # exit code 42
    li a7, 93
    ecall
.data
msg: .string "hello\\n"
err: .string "oops"
"""


def machine(body: str, data: str = "d: .word 0, 7", **kwargs) -> Machine:
    return Machine(assemble(f".text\n.globl _start\n_start:\n{body}\n.data\n{data}\n"),
                   **kwargs)


@pytest.mark.parametrize("functional", [False, True])
def test_output_and_exit_code(functional: bool) -> None:
    m = Machine(assemble(HELLO), functional=functional)
    stats = m.run()
    assert m.output == b"hello\noops"
    assert (m.status, m.exit_code) == ("exit", 42)
    assert stats.instructions == m.stats.instructions == 16


def test_start_state_and_live_views() -> None:
    m = machine("    addi zero, zero, 5\n    lw.zd t0, 0(s1)\n    lw t1, 4(s1)\n    ebreak",
                config="embedded")
    base, size = m.mem_base, m.memory.size
    assert m.pc == m.program.entry == 0x10000
    assert m.x[2] == base + size and m.x[2] % 16 == 0          # sp at the top of memory
    assert not m.x[np.arange(32) != 2].any()
    m.x[9] = m.symbol("d")                                     # live view: seen by the core
    m.run()
    assert m.status == "breakpoint" and m.exit_code is None
    assert m.x[0] == 0 and m.x[6] == 7
    assert m.sprf == 0b100001                                  # SpRF[t0] and SpRF[0]


@pytest.mark.parametrize("per_instruction", [False, True])
def test_x0_is_zero_whatever_python_writes_there(per_instruction: bool) -> None:
    m = machine("    add a0, zero, zero\n    addi a1, zero, 3\n    ebreak",
                per_instruction=per_instruction)
    m.x[0] = 5
    m.run()
    assert (m.x[10], m.x[11], m.x[0]) == (0, 3, 0)


def test_breakpoint_resumes_after_ebreak() -> None:
    m = machine("    li a0, 1\n    ebreak\n    li a0, 9\n    li a7, 93\n    ecall")
    m.run()
    assert m.status == "breakpoint" and m.pc == 0x10008 and m.x[10] == 1
    m.run()
    assert (m.status, m.exit_code) == ("exit", 9)


def test_memory_access_and_symbols() -> None:
    m = machine("    ebreak")
    d = m.symbol("d")
    assert m.read(d, 8) == bytes([0, 0, 0, 0, 7, 0, 0, 0])
    m.write_u32(d, 0xDEADBEEF)
    assert m.read_u32(d) == 0xDEADBEEF and m.memory[d - m.mem_base] == 0xEF
    m.write(d + 4, b"\x01\x02")
    assert m.read_u32(d + 4) == 0x0201
    with pytest.raises(AddressError):
        m.read(m.mem_base - 4, 4)
    with pytest.raises(AddressError):
        m.write(m.mem_base + m.memory.size - 2, b"1234")
    with pytest.raises(Exception, match="no symbol 'nope'"):
        m.symbol("nope")


def test_reset_restores_the_start() -> None:
    body = "    la a1, d\n    lw t0, 4(a1)\n    addi t0, t0, 1\n    sw t0, 4(a1)\n" \
           "    mv a0, t0\n    li a7, 93\n    ecall"
    m = machine(body)
    first = m.run()
    assert m.exit_code == 8 and m.read_u32(m.symbol("d") + 4) == 8
    m.reset()
    assert m.pc == 0x10000 and m.x[10] == 0 and m.read_u32(m.symbol("d") + 4) == 7
    assert m.stats.instructions == 0 and m.output == b""
    second = m.run()
    assert m.exit_code == 8 and second.to_dict() == first.to_dict()


def test_long_runs_go_in_chunks(monkeypatch) -> None:
    monkeypatch.setattr(machine_module, "CHUNK", 1000)
    m = machine("    li t0, 5000\n1:  addi t0, t0, -1\n    bnez t0, 1b\n    li a7, 93\n    ecall")
    seen: list[int] = []
    stats = m.run(progress=seen.append)
    assert stats.instructions == 10004 and m.exit_code == 0     # li 5000 is lui + addi
    assert len(seen) == 11 and seen == sorted(seen) and seen[-1] == 10004
    # the same cycles as one batch
    monkeypatch.setattr(machine_module, "CHUNK", 1 << 26)
    m.reset()
    assert m.run().cycles == stats.cycles


def test_fence_i_redecodes_written_code() -> None:
    # `patch` runs once (li a0, 1), is overwritten with li a0, 2, and runs again:
    # after fence.i the new word executes; without it the predecoded one still does.
    new = encode("addi", {"rd": 10, "rs1": 0, "imm12": 2})
    body = f"""
    li   s0, 0
again:
patch:
    li   a0, 1
    bnez s0, done
    li   s0, 1
    la   t0, patch
    li   t1, {new}
    sw   t1, 0(t0)
    FENCE
    j    again
done:
    li   a7, 93
    ecall"""
    m = machine(body.replace("FENCE", "fence.i"))
    m.run()
    assert m.exit_code == 2
    m = machine(body.replace("FENCE", "nop"))
    m.run()
    assert m.exit_code == 1       # documented: stores do not invalidate predecoded code


SKIP = """
    la    s11, d
    li    s0, 5
    li    t2, 9
    lw.zd t0, 0(s11)         # zero
    skz   t0, blk_end
blk_start:
{block}
blk_end:
{after}
    li    a7, 93
    ecall"""


@pytest.mark.parametrize("functional", [True, False])
def test_verify_skips_accepts_safe_mac_block(functional: bool) -> None:
    # t0 == 0: the product is 0, the accumulator s0 unchanged; t3 is a dead temporary
    body = SKIP.format(block="    mul t3, t0, t2\n    add s0, s0, t3",
                       after="    li t3, 1\n    add a0, s0, t3")
    checked = machine(body, verify_skips=True, functional=functional)
    checked.run()
    plain = machine(body, functional=True)
    plain.run()
    assert checked.exit_code == plain.exit_code == 6
    assert plain.stats.skipped == 2 and checked.stats.skipped == 0


@pytest.mark.parametrize("block, after, detail", [
    ("    addi s0, s0, 1", "    mv a0, s0", "x8 was changed by the block and read afterwards"),
    ("    li t1, 3\n    sw t1, 4(s11)", "    lw a0, 4(s11)", "a store in the block changed memory"),
    ("    j elsewhere", "    nop\nelsewhere:\n    mv a0, s0", "control left the block"),
    ("    li a7, 93\n    ecall", "", "system call inside the block"),
])
def test_verify_skips_catches_unsafe_regions(block: str, after: str, detail: str) -> None:
    m = machine(SKIP.format(block=block, after=after), verify_skips=True, functional=True)
    with pytest.raises(UnsafeSkip) as info:
        m.run()
    start, end = m.symbol("blk_start") - 4, m.symbol("blk_end")
    assert info.value.block == (start, end)
    assert f"block 0x{start:08x}..0x{end:08x}" in str(info.value)
    assert detail in str(info.value)


def test_verify_skips_checks_sasa_blocks() -> None:
    body = """
    la    s11, d
    la    t1, trig
    sasa.or t1, t0, t0, 1
    lw.zd t0, 0(s11)
trig:
    nop
    addi  s0, s0, 1          # skipped when t0 == 0: s0 is live
    mv    a0, s0
    li    a7, 93
    ecall"""
    plain = machine(body, functional=True)
    plain.run()
    assert plain.stats.sasa_hits == 1 and plain.exit_code == 0
    with pytest.raises(UnsafeSkip, match="x8 was changed"):
        machine(body, functional=True, verify_skips=True).run()


def test_zskip_run_command(tmp_path, capfd) -> None:
    from zskip.cli import main
    src = tmp_path / "hello.S"
    src.write_text(HELLO)
    out_json = tmp_path / "stats.json"
    assert main(["run", str(src), "--stats", "--stats-json", str(out_json)]) == 42
    captured = capfd.readouterr()
    assert captured.out == "hello\n"                  # fd 1; fd 2 goes to stderr
    assert captured.err.startswith("oops") and "energy total (nJ)" in captured.err
    saved = json.loads(out_json.read_text())
    assert saved["instructions"] == 16 and saved["cycles"] > 16
    assert main(["run", str(src), "--functional", "--config", "application",
                 "--max-insns", "1e6"]) == 42
    assert main(["run", str(src), "--max-insns", "5"]) == 124
    assert "instruction limit reached" in capfd.readouterr().err


def test_cdef_is_made_from_the_header() -> None:
    """build_core's cdef is zs_core.h as Python sees it: the counter list expanded from
    its X-macro, the Python-visible structs, zs_state partial, no microarchitectural
    state; cffi parses it on its own."""
    from cffi import FFI

    from zskip.core_model import build_core
    from zskip.core_model.machine import COUNTER_NAMES

    text = build_core.cdef()
    FFI().cdef(text)
    assert "zs_uarch" not in text and "...;" in text
    for name in ("zs_config", "zs_arch", "zs_report", "zs_timing", "zs_cache_config"):
        assert f"}} {name};" in text
    assert all(f"ZC_{name}" in text for name in COUNTER_NAMES)
    assert "#define ZS_SLOT_SIZE ...\n" in text and "#define ZS_NUM_INSNS ...\n" in text
