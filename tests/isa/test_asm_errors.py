"""Bad input: one clear error each, naming file:line:column with the line and a caret;
`zskip asm` exits 1 with no traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

from zskip.isa.assembler import AsmError, assemble
from zskip.isa.errors import ZskipError
from tests.conftest import require_tool
from tests.gnu import run_tool

# (source, line, the text the caret must point at, words the message must contain)
CORPUS = [
    ("  addi a0, a0, 1\n  mull a0, a1, a2\n", 2, "mull", ["unknown instruction 'mull'",
                                                           "did you mean 'mul"]),
    ("  lw.zdd a0, 0(a1)\n", 1, "lw.zdd", ["unknown instruction", "'lw.zd'"]),
    ("  add a0, a1, q7\n", 1, "q7", ["expected a register", "'q7'"]),
    ("  lw a0, 4(x32)\n", 1, "4(x32)", ["expected a memory operand", "4(x32)"]),
    ("  addi a0, a0, 5000\n", 1, "5000", ["5000", "[-2048, 2047]"]),
    ("  slli a0, a0, 32\n", 1, "32", ["32", "[0, 31]"]),
    ("  lui a0, -1\n", 1, "-1", ["-1", "[0, 1048575]"]),
    ("  li a0, 0x100000000\n", 1, "0x1", ["32 bits"]),
    ("  li a0, FOO\n  .equ FOO, 0x100000000\n", 1, "li", ["32 bits"]),   # known later
    ("  lui a0, %hi(0x100000000)\n", 1, "lui", ["%hi", "32 bits"]),   # GNU as rejects it too
    ("x:\n  beq a0, a1, x + 5000\n", 2, "x + 5000", ["offset must be even", "[-4096, 4094]"]),
    ("  add a0, a1\n", 1, "add", ["wrong number of operands", "add rd, rs1, rs2"]),
    ("a:\nb: nop\na: nop\n", 3, "a", ["duplicate definition of 'a'", "bad.S:1"]),
    ("  .word\n", 1, ".word", ["malformed .word"]),
    ("  .wrod 5\n", 1, ".wrod", ["unknown directive '.wrod'", "'.word'"]),
    ("  .align x\n", 1, "x", [".align", "must be a constant"]),
    ("  .equ FOO\n", 1, ".equ", ["malformed .equ", ".equ name, value"]),
    ('  .section .data, aw\n', 1, "aw", ["flags in quotes"]),
    ("  .byte 256\n", 1, "256", ["does not fit in 1 byte"]),
    ("  .word 1 +\n", 1, "1 +", ["ends too early"]),
    ("  .word 1 / 0\n", 1, "1 / 0", ["division by zero"]),
    ("  .insn r CUSTOM_0, 8, 0, a0, a1, a2\n", 1, "8", ["funct3 8 out of range [0, 7]"]),
    ("  .option bogus\n", 1, "bogus", ["malformed .option"]),
    ("  .bss\n  .word 1\n", 2, ".word", ["nobits"]),
    ("  addi a0, a0, %foo(x)\n", 1, "%foo", ["unsupported relocation operator '%foo'"]),
    ('  .string "abc\n', 1, '"abc', ["expected a string"]),
    ("  nop\n  csrr a0, mcycel\n", 2, "mcycel", ["unknown CSR 'mcycel'", "mcycle"]),
    ("  csrrw zero, foo, t0\n", 1, "foo", ["unknown CSR 'foo'"]),
]


@pytest.mark.parametrize("source,line,fragment,words", CORPUS,
                         ids=[c[0].strip().splitlines()[-1] for c in CORPUS])
def test_error_corpus(source, line, fragment, words):
    with pytest.raises(AsmError) as info:
        assemble(source, "bad.S")
    err = info.value
    assert isinstance(err, ZskipError)
    source_line = source.splitlines()[line - 1]
    column = source_line.index(fragment) + 1
    assert (err.filename, err.line, err.column) == ("bad.S", line, column), str(err)
    for word in words:
        assert word in err.message, (word, str(err))
    text = str(err).splitlines()
    assert text[0] == f"bad.S:{line}:{column}: error: {err.message}"
    assert text[1] == source_line
    assert text[2] == " " * (column - 1) + "^"


def test_undefined_symbols_are_reported_together():
    source = "start:\n  j nowhere\n  la a0, missing\n  beqz a0, 1f\n  .word nowhere, start\n"
    with pytest.raises(AsmError) as info:
        assemble(source, "u.S")
    err = info.value
    assert (err.line, err.column) == (2, 5)
    assert "'missing'" in err.message and "'nowhere'" in err.message and "'1f'" in err.message
    assert [(m[1], m[2]) for m in err.more] == [(3, 10), (4, 12), (5, 9)]
    rendered = str(err)
    assert "u.S:3:10: error: undefined symbol 'missing'" in rendered
    assert "u.S:4:12: error: undefined symbol '1f'" in rendered
    assert rendered.count("^") == 4


def test_error_in_included_file_names_that_file(tmp_path):
    (tmp_path / "inc.S").write_text("  .equ N, 4\n  addi a0, a0, N*1000\n")
    main = tmp_path / "main.S"
    main.write_text('  .include "inc.S"\n')
    with pytest.raises(AsmError) as info:
        assemble(main.read_text(), str(main))
    assert info.value.filename.endswith("inc.S") and info.value.line == 2


BAD_FILES = {
    "unknown.S": "  mul a0, a1, a2\n  mull a0, a1, a2\n",
    "register.S": "  add a0, a1, x99\n",
    "range.S": "  andi t0, t1, 4096\n",
    "undefined.S": "  call nothing\n  j nowhere\n",
    "duplicate.S": "x: nop\nx: nop\n",
    "directive.S": "  .p2align\n",
}


def test_cli_exits_125_without_traceback(tmp_path):
    for name, source in BAD_FILES.items():
        path = tmp_path / name
        path.write_text(source)
        done = subprocess.run([sys.executable, "-m", "zskip", "asm", str(path), "-o",
                               str(tmp_path / "out.elf")], capture_output=True, text=True)
        assert done.returncode == 125, name   # bad input (README: Exit status)
        assert "Traceback" not in done.stderr, done.stderr
        assert f"{path}:" in done.stderr and "error:" in done.stderr and "^" in done.stderr
        assert not (tmp_path / "out.elf").exists()


def test_cli_writes_elf_and_bin(tmp_path):
    src = tmp_path / "ok.S"
    src.write_text(".globl _start\n_start:\n  li a0, 42\n  li a7, 93\n  ecall\n"
                   ".data\nvalue: .word 0x11223344\n")
    done = subprocess.run([sys.executable, "-m", "zskip", "asm", str(src)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    elf = tmp_path / "ok.elf"
    dump = run_tool("objdump", "-d", elf)
    assert "li\ta0,42" in dump and "ecall" in dump and "<_start>" in dump
    done = subprocess.run([sys.executable, "-m", "zskip", "asm", str(src), "--format", "bin",
                           "--text-base", "0x2000", "--data-base", "0x3000"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    image = (tmp_path / "ok.bin").read_bytes()
    program = assemble(src.read_text(), text_base=0x2000, data_base=0x3000)
    assert image[:12] == program.segments[0].data
    assert image[0x1000:0x1004] == bytes.fromhex("44332211") and len(image) == 0x1004


@pytest.mark.parametrize("source", ["", "# only a comment\n.globl _start\n.equ N, 4\n.text\n"],
                         ids=["empty", "no-code-no-data"])
def test_cli_warns_about_a_source_with_nothing_to_load(tmp_path, source):
    src = tmp_path / "empty.S"
    src.write_text(source)
    for fmt in ("elf", "bin"):
        done = subprocess.run([sys.executable, "-m", "zskip", "asm", str(src), "--format", fmt],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stderr.startswith("zskip asm: warning: ") and "no instructions" in \
            done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "empty.bin").read_bytes() == b""
    header = subprocess.run([require_tool("riscv64-unknown-elf-readelf"), "-h", "-l",
                             str(tmp_path / "empty.elf")], capture_output=True, text=True)
    assert header.returncode == 0 and not header.stderr, header.stderr   # a valid ELF
    assert "no program headers" in header.stdout
    ok = tmp_path / "ok.S"
    ok.write_text("nop\n")
    done = subprocess.run([sys.executable, "-m", "zskip", "asm", str(ok)], capture_output=True,
                          text=True)
    assert done.returncode == 0 and done.stderr == ""


def test_cli_elf_runs_under_qemu(tmp_path):
    qemu = require_tool("qemu-riscv32")
    src = tmp_path / "exit.S"
    src.write_text(".globl _start\n_start:\n  la t0, value\n  lw a0, 0(t0)\n"
                   "  call twice\n  li a7, 93\n  ecall\ntwice: add a0, a0, a0\n  ret\n"
                   ".data\nvalue: .word 21\n")
    done = subprocess.run([sys.executable, "-m", "zskip", "asm", str(src)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert subprocess.run([qemu, str(tmp_path / "exit.elf")]).returncode == 42
