"""isa.program: loading what a user names (assembly, ELF, flat binary) and telling
whether a program uses the Xzs extension."""
from __future__ import annotations

import pytest

from zskip.isa.assembler import assemble
from zskip.isa.elf import write_elf
from zskip.isa.encoding import encode
from zskip.isa.program import ProgramError, load_any, uses_extension

PROLOGUE = ".text\n.globl _start\n_start:\n"


def test_uses_extension_decodes_the_executable_segments() -> None:
    assert uses_extension(assemble(PROLOGUE + "    lw.zd a0, 0(sp)\n    ret\n"))
    assert not uses_extension(assemble(PROLOGUE + "    lw a0, 0(sp)\n    ret\n"))
    # an Xzs word in a data segment is data, not an instruction
    word = encode("skz", dict(rs1=10, bimm12=8))
    assert not uses_extension(assemble(PROLOGUE + f"    ret\n.data\n.word {word}\n"))


def test_load_any_by_kind(tmp_path) -> None:
    source = PROLOGUE + "    li a7, 93\n    ecall\n"
    asm = tmp_path / "p.S"
    asm.write_text(source)
    elf = tmp_path / "p.elf"
    elf.write_bytes(write_elf(assemble(source)))
    flat = tmp_path / "p.bin"
    flat.write_bytes(assemble(source).flat_image()[1])
    assert load_any(asm).entry == load_any(elf).entry == 0x10000
    assert load_any(flat, 0x4000).entry == 0x4000
    for path in (asm, elf):
        with pytest.raises(ProgramError, match=r"a load address \(--base\) applies to flat"):
            load_any(path, 0x4000)
