"""ELF32 reading and writing, checked against GNU binutils and qemu-riscv32, and the
loaders' errors on a corpus of bad files."""
from __future__ import annotations

import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import require_tool
from tests.gnu import assemble_and_link, run_tool
from zskip.isa.elf import MAGIC, executable_sections, read_elf, write_elf
from zskip.isa.encoding import encode
from zskip.isa.program import (DEFAULT_BASE, Program, ProgramError, Segment, load_binary,
                               load_program)

GNU_SOURCE = """
    .globl _start
    .text
_start:
    la   a0, table
    lw   a1, 4(a0)
    call helper
    li   a7, 93
    ecall
helper:
    addi a1, a1, 1
    ret
    .section .rodata
greeting: .string "hi"
    .data
    .p2align 2
table: .word 1, 2, 3
    .bss
buf: .zero 256
"""


@pytest.fixture(scope="module")
def gnu_elf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return assemble_and_link(GNU_SOURCE, tmp_path_factory.mktemp("gnu"))


def readelf(path: Path, *opts: str) -> str:
    return run_tool("readelf", "-W", *opts, path)


def test_gnu_elf_matches_readelf(gnu_elf: Path) -> None:
    data = gnu_elf.read_bytes()
    program = load_program(gnu_elf)
    entry = int(re.search(r"Entry point address:\s+(0x[0-9a-f]+)", readelf(gnu_elf, "-h"))[1], 16)
    assert program.entry == entry
    loads = []
    for m in re.finditer(r"^\s*LOAD\s+(0x\S+)\s+(0x\S+)\s+0x\S+\s+(0x\S+)\s+(0x\S+)\s+(.{3})",
                         readelf(gnu_elf, "-l"), re.M):
        off, vaddr, filesz, memsz = (int(x, 16) for x in m.groups()[:4])
        flags = "".join(c.lower() for c in m[5] if c != " ").replace("e", "x")
        loads.append(Segment(vaddr, data[off:off + filesz], memsz, flags))
    assert len(loads) >= 2 and program.segments == sorted(loads, key=lambda s: s.vaddr)
    symbols = {}
    for m in re.finditer(r"^\s*\d+:\s+([0-9a-f]{8})\s+\d+\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s+(\S+)$",
                         readelf(gnu_elf, "-s"), re.M):
        value, kind, bind, ndx, name = m.groups()
        if kind not in ("SECTION", "FILE") and ndx != "UND" and not name.startswith("$"):
            if bind == "GLOBAL" or name not in symbols:
                symbols[name] = int(value, 16)
    assert {"_start", "helper", "table", "buf", "greeting"} <= set(symbols)
    assert program.symbols == symbols
    assert program.read(symbols["table"], 12) == struct.pack("<3I", 1, 2, 3)
    assert program.read(symbols["buf"], 256) == bytes(256)   # .bss reads zero


def sample_program() -> Program:
    """Writes "hello\\n" and exits with 7; data deliberately not page-aligned."""
    msg = 0x11238
    code = [("addi", dict(rd=10, rs1=0, imm12=1)), ("lui", dict(rd=11, imm20=msg >> 12)),
            ("addi", dict(rd=11, rs1=11, imm12=msg & 0xFFF)), ("addi", dict(rd=12, rs1=0, imm12=6)),
            ("addi", dict(rd=17, rs1=0, imm12=64)), ("ecall", {}),
            ("addi", dict(rd=10, rs1=0, imm12=7)), ("addi", dict(rd=17, rs1=0, imm12=93)),
            ("ecall", {})]
    text = b"".join(struct.pack("<I", encode(n, ops)) for n, ops in code)
    return Program([Segment(0x10000, text, len(text), "rx"),
                    Segment(msg, b"hello\n", 0x100, "rw")],
                   0x10000, {"_start": 0x10000, "exit": 0x10018, "msg": msg, "buf": msg + 8},
                   "sample")


def test_round_trip() -> None:
    for program in (sample_program(), load_binary(bytes(range(256)) * 3, 0x8000_0000)):
        back = read_elf(write_elf(program), "round-trip")
        assert (back.segments, back.entry, back.symbols) == \
            (program.segments, program.entry, program.symbols)


def test_gnu_program_round_trips(gnu_elf: Path) -> None:
    program = load_program(gnu_elf)
    back = read_elf(write_elf(program))
    assert (back.segments, back.entry, back.symbols) == \
        (program.segments, program.entry, program.symbols)


def test_binutils_read_write_elf(tmp_path: Path) -> None:
    exe = tmp_path / "hello"
    exe.write_bytes(write_elf(sample_program()))
    listing = run_tool("objdump", "-d", exe)
    assert "file format elf32-littleriscv" in listing
    assert re.search(r"00010000 <_start>:\n\s+10000:\s+00100513\s+li\s+a0,1", listing)
    assert re.search(r"00010018 <exit>:", listing)
    headers = readelf(exe, "-l", "-S")
    for m in re.finditer(r"LOAD\s+0x(\S+)\s+0x(\S+)\s+.*0x1000$", headers, re.M):
        assert int(m[1], 16) % 0x1000 == int(m[2], 16) % 0x1000
    assert re.search(r"\.bss\s+NOBITS\s+0001123e", headers)


def test_qemu_runs_write_elf_output(tmp_path: Path) -> None:
    exe = tmp_path / "hello"
    exe.write_bytes(write_elf(sample_program()))
    exe.chmod(0o755)   # qemu-riscv32 refuses (silently, exit 1) a file without the x bit
    result = subprocess.run([require_tool("qemu-riscv32"), str(exe)], capture_output=True,
                            timeout=30)
    assert (result.returncode, result.stdout) == (7, b"hello\n"), result.stderr


def test_flat_binaries(tmp_path: Path) -> None:
    path = tmp_path / "code.bin"
    path.write_bytes(b"\x13\x05\x10\x00" * 3)
    program = load_program(path)
    assert (program.entry, program.segments) == \
        (DEFAULT_BASE, [Segment(DEFAULT_BASE, path.read_bytes(), 12, "rwx")])
    assert load_program(path, 0x400).segments[0].vaddr == 0x400
    assert load_binary(b"\0" * 8, 0x100, entry=0x104).entry == 0x104
    with pytest.raises(ProgramError, match="entry point 0x200 lies outside"):
        load_binary(b"\0" * 8, 0x100, entry=0x200)
    with pytest.raises(ProgramError, match="do not fit in the 4 GiB"):
        load_binary(b"\0" * 8, 0xFFFF_FFFC)
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(ProgramError, match="empty file"):
        load_program(tmp_path / "empty")


def test_flat_image_zero_fills_gaps_and_bss() -> None:
    program = sample_program()
    base, image = program.flat_image()
    assert base == 0x10000 and len(image) == program.high - base
    assert image[:36] == program.segments[0].data
    assert image[36:0x1238] == bytes(0x1238 - 36)
    assert image[0x1238:0x123E] == b"hello\n" and image[0x123E:] == bytes(0x100 - 6)
    assert load_binary(image, base).read(0x11238, 6) == b"hello\n"


def test_executable_sections(gnu_elf: Path) -> None:
    (name, addr, size), = executable_sections(gnu_elf.read_bytes())
    text = re.search(r"\.text\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)",
                     readelf(gnu_elf, "-S"))
    assert (name, addr, size) == (".text", int(text[1], 16), int(text[2], 16))


# ---------------------------------------------------------------- the bad-ELF corpus

def patched(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, *values)
    return bytes(out)


def phdr(data: bytes, n: int) -> int:
    phoff, = struct.unpack_from("<I", data, 28)
    return phoff + 32 * n


@pytest.fixture(scope="module")
def good(gnu_elf: Path) -> bytes:
    return gnu_elf.read_bytes()


def bad_corpus(good: bytes, gnu_elf: Path) -> dict[str, tuple[bytes, str]]:
    phnum, = struct.unpack_from("<H", good, 44)
    headers = [phdr(good, n) for n in range(phnum)]
    text, data = (h for h in headers if struct.unpack_from("<I", good, h)[0] == 1)  # PT_LOAD
    text_vaddr, = struct.unpack_from("<I", good, text + 8)
    no_load = good
    for h in headers:
        no_load = patched(no_load, h, "<I", 6)   # PT_PHDR
    return {
        "ELF64": (patched(good, 4, "<B", 2), "ELF64 file: zskip runs RV32 only"),
        "big-endian": (patched(good, 5, "<B", 2), "big-endian ELF"),
        "x86": (patched(good, 18, "<H", 3), "machine x86, not RISC-V"),
        "ET_REL": (gnu_elf.with_suffix(".o").read_bytes(), "ET_REL"),
        "ET_DYN": (patched(good, 16, "<H", 3), "type ET_DYN"),
        "overlap": (patched(good, data + 8, "<I", text_vaddr + 4), "segments overlap"),
        "filesz > memsz": (patched(good, data + 16, "<II", 0x40, 0x20), "exceeds memory size"),
        "no PT_LOAD": (no_load, "no loadable segment"),
        "entry outside": (patched(good, 24, "<I", 0x9000_0000),
                          "entry point 0x90000000 lies outside"),
        "bad phentsize": (patched(good, 42, "<H", 56), "program header size 56"),
        "past 4 GiB": (patched(good, data + 8, "<I", 0xFFFF_FFF0), "past the 4 GiB"),
        "not ELF": (b"\x00asm\x01\x00\x00\x00", "not an ELF file"),
    }


def test_bad_elves_get_clear_errors(good: bytes, gnu_elf: Path) -> None:
    for case, (data, message) in bad_corpus(good, gnu_elf).items():
        with pytest.raises(ProgramError) as info:
            read_elf(data, "bad.elf")
        assert str(info.value).startswith("bad.elf: ") and message in str(info.value), case


def test_every_truncation_is_reported(good: bytes) -> None:
    for data in (good, write_elf(sample_program())):
        for n in range(len(data)):
            with pytest.raises(ProgramError) as info:
                read_elf(data[:n], "cut")
            text = str(info.value)
            assert ("not an ELF" if n < 4 else "truncated") in text, (n, text)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600))
def test_random_bytes(data: bytes) -> None:
    with pytest.raises(ProgramError):
        read_elf(data, "random")
    with pytest.raises(ProgramError):
        read_elf(MAGIC + data, "random")   # past the magic, almost surely broken


@settings(max_examples=400, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1,
                      max_size=8))
def test_corrupted_elf_never_crashes(good: bytes, edits: list[tuple[int, int]]) -> None:
    data = bytearray(good)
    for pos, value in edits:
        data[pos % len(data)] = value
    try:
        program = read_elf(bytes(data), "corrupt")
    except ProgramError:
        return
    assert program.segments and any(s.vaddr <= program.entry < s.end for s in program.segments)


def test_cli_reports_bad_files_without_traceback(tmp_path: Path, good: bytes,
                                                 gnu_elf: Path) -> None:
    corpus = bad_corpus(good, gnu_elf)
    files = {"truncated": good[:100], "elf64": corpus["ELF64"][0], "overlap": corpus["overlap"][0]}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        result = subprocess.run([sys.executable, "-m", "zskip", "disasm", str(tmp_path / name)],
                                capture_output=True, text=True)
        assert result.returncode == 125, name   # bad input (README: Exit status)
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("zskip disasm: error: ") and \
            result.stderr.count("\n") == 1, result.stderr
