"""Read and write static ELF32 little-endian RISC-V executables (no ELF library).

write_elf emits one PT_LOAD per segment plus section headers (.text/.data/.rodata,
.bss, .symtab, .strtab, .shstrtab) so that GNU objdump shows the code with its
symbols and qemu-riscv32 runs it. read_elf takes what GNU ld/GCC and write_elf
produce and rejects anything else with a ProgramError saying what is wrong.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from .program import Program, ProgramError, Segment, check_entry

MAGIC = b"\x7fELF"
ELFCLASS32, ELFCLASS64 = 1, 2
ELFDATA2LSB, ELFDATA2MSB = 1, 2
ET_EXEC = 2
EM_RISCV = 243
PT_LOAD = 1
PF_X, PF_W, PF_R = 1, 2, 4
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOBITS = 1, 2, 3, 8
SHT_RISCV_ATTRIBUTES = 0x70000003
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
STB_GLOBAL = 1
STT_NOTYPE, STT_SECTION, STT_FILE = 0, 3, 4
SHN_UNDEF, SHN_ABS = 0, 0xFFF1
PAGE = 0x1000

_EHDR = struct.Struct("<16sHHIIIIIHHHHHH")   # 52 bytes
_PHDR = struct.Struct("<IIIIIIII")           # 32 bytes
_SHDR = struct.Struct("<IIIIIIIIII")         # 40 bytes
_SYM = struct.Struct("<IIIBBH")              # 16 bytes

_ET_NAMES = {0: "ET_NONE", 1: "ET_REL (an object file: link it first)", 3: "ET_DYN", 4: "ET_CORE"}
_EM_NAMES = {3: "x86", 8: "MIPS", 20: "PowerPC", 40: "ARM", 62: "x86-64", 183: "AArch64"}


# ---------------------------------------------------------------------------- writing

def _flag_bits(flags: str) -> int:
    return (PF_R if "r" in flags else 0) | (PF_W if "w" in flags else 0) \
        | (PF_X if "x" in flags else 0)


def _riscv_attributes(arch: str = "rv32i2p1_m2p0") -> bytes:
    """A .riscv.attributes body naming the ISA, so objdump decodes rv32im (no RVC)."""
    tag_arch = b"\x05" + arch.encode() + b"\0"                      # Tag_RISCV_arch
    file_attrs = b"\x01" + struct.pack("<I", 5 + len(tag_arch)) + tag_arch   # Tag_File
    vendor = b"riscv\0"
    return b"A" + struct.pack("<I", 4 + len(vendor) + len(file_attrs)) + vendor + file_attrs


def _section_name(seg: Segment) -> str:
    if "x" in seg.flags:
        return ".text"
    return ".data" if "w" in seg.flags else ".rodata"


class _StrTab:
    """A string table under construction: offset of each added name."""

    def __init__(self) -> None:
        self.data = bytearray(b"\0")

    def add(self, name: str) -> int:
        off = len(self.data)
        self.data += name.encode() + b"\0"
        return off


def write_elf(program: Program) -> bytes:
    """The ELF32 RISC-V executable image of `program`."""
    segs = sorted(program.segments, key=lambda s: s.vaddr)
    phoff = _EHDR.size
    cur = phoff + _PHDR.size * len(segs)
    offsets = []
    for seg in segs:
        # p_offset and p_vaddr must agree modulo the page size (the loader mmaps pages)
        cur += (seg.vaddr - cur) % PAGE
        offsets.append(cur)
        cur += len(seg.data)

    shstr = _StrTab()
    sections: list[bytes] = [bytes(_SHDR.size)]   # index 0: the null section
    seg_shndx: list[int] = []                    # section index holding each segment
    bss_shndx: list[int | None] = []

    def section(name: str, sh_type: int, flags: int, addr: int, offset: int, size: int,
                link: int = 0, info: int = 0, align: int = 1, entsize: int = 0) -> int:
        sections.append(_SHDR.pack(shstr.add(name), sh_type, flags, addr, offset, size,
                                   link, info, align, entsize))
        return len(sections) - 1

    for seg, off in zip(segs, offsets):
        flags = SHF_ALLOC | (SHF_WRITE if "w" in seg.flags else 0) \
            | (SHF_EXECINSTR if "x" in seg.flags else 0)
        seg_shndx.append(section(_section_name(seg), SHT_PROGBITS, flags, seg.vaddr, off,
                                 len(seg.data), align=4))
        tail = seg.memsz - len(seg.data)
        bss_shndx.append(section(".bss", SHT_NOBITS, flags, seg.vaddr + len(seg.data),
                                 off + len(seg.data), tail, align=1) if tail else None)

    def shndx_of(addr: int) -> int:
        for seg, sx, bx in zip(segs, seg_shndx, bss_shndx):
            if seg.vaddr <= addr < seg.vaddr + len(seg.data):
                return sx
            if bx is not None and seg.vaddr + len(seg.data) <= addr < seg.end:
                return bx
        return SHN_ABS

    strtab = _StrTab()
    symtab = bytearray(_SYM.size)   # entry 0: the null symbol
    for name, addr in sorted(program.symbols.items(), key=lambda kv: (kv[1], kv[0])):
        # untyped, as GNU as leaves a label without .type
        symtab += _SYM.pack(strtab.add(name), addr & 0xFFFFFFFF, 0,
                            (STB_GLOBAL << 4) | STT_NOTYPE, 0, shndx_of(addr))

    attributes = _riscv_attributes()
    attributes_off = cur
    section(".riscv.attributes", SHT_RISCV_ATTRIBUTES, 0, 0, attributes_off, len(attributes))
    cur += len(attributes)
    cur += -cur % 4
    symtab_off = cur
    strtab_off = symtab_off + len(symtab)
    nsections = len(sections) + 3
    strtab_shndx = nsections - 2
    section(".symtab", SHT_SYMTAB, 0, 0, symtab_off, len(symtab), link=strtab_shndx,
            info=1, align=4, entsize=_SYM.size)   # info: first global symbol
    section(".strtab", SHT_STRTAB, 0, 0, strtab_off, len(strtab.data))
    shstrtab_off = strtab_off + len(strtab.data)
    shstrndx = len(sections)
    name_off = shstr.add(".shstrtab")
    sections.append(_SHDR.pack(name_off, SHT_STRTAB, 0, 0, shstrtab_off, len(shstr.data),
                               0, 0, 1, 0))
    shoff = shstrtab_off + len(shstr.data)
    shoff += -shoff % 4

    out = bytearray(shoff + _SHDR.size * len(sections))
    ident = MAGIC + bytes([ELFCLASS32, ELFDATA2LSB, 1]) + bytes(9)
    # no segments: no program header table (e_phoff 0, as the ELF spec asks)
    out[0:_EHDR.size] = _EHDR.pack(ident, ET_EXEC, EM_RISCV, 1, program.entry,
                                   phoff if segs else 0, shoff,
                                   0, _EHDR.size, _PHDR.size, len(segs), _SHDR.size,
                                   len(sections), shstrndx)
    for n, (seg, off) in enumerate(zip(segs, offsets)):
        out[phoff + n * _PHDR.size:phoff + (n + 1) * _PHDR.size] = _PHDR.pack(
            PT_LOAD, off, seg.vaddr, seg.vaddr, len(seg.data), seg.memsz,
            _flag_bits(seg.flags), PAGE)
        out[off:off + len(seg.data)] = seg.data
    out[attributes_off:attributes_off + len(attributes)] = attributes
    out[symtab_off:strtab_off] = symtab
    out[strtab_off:shstrtab_off] = strtab.data
    out[shstrtab_off:shstrtab_off + len(shstr.data)] = shstr.data
    out[shoff:] = b"".join(sections)
    return bytes(out)


# ---------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class _Header:
    entry: int
    phoff: int
    shoff: int
    phentsize: int
    phnum: int
    shentsize: int
    shnum: int
    shstrndx: int


def _check_header(data: bytes, source: str) -> _Header:
    def bad(msg: str) -> ProgramError:
        return ProgramError(f"{source}: {msg}")

    if data[:4] != MAGIC:
        raise bad("not an ELF file (no \\x7fELF magic)")
    if len(data) < 6:
        raise bad("truncated ELF header")
    if data[4] == ELFCLASS64:
        raise bad("ELF64 file: zskip runs RV32 only (ELFCLASS32 expected)")
    if data[4] != ELFCLASS32:
        raise bad(f"unknown ELF class {data[4]}")
    if data[5] == ELFDATA2MSB:
        raise bad("big-endian ELF: RISC-V executables are little-endian")
    if data[5] != ELFDATA2LSB:
        raise bad(f"unknown ELF data encoding {data[5]}")
    if len(data) < _EHDR.size:
        raise bad(f"truncated ELF header ({len(data)} of {_EHDR.size} bytes)")
    (_, e_type, e_machine, _, entry, phoff, shoff, _, _, phentsize, phnum, shentsize,
     shnum, shstrndx) = _EHDR.unpack_from(data)
    if e_machine != EM_RISCV:
        raise bad(f"machine {_EM_NAMES.get(e_machine, e_machine)}, not RISC-V "
                  f"(EM_RISCV={EM_RISCV})")
    if e_type != ET_EXEC:
        raise bad(f"not an executable: type {_ET_NAMES.get(e_type, e_type)}, "
                  "ET_EXEC expected (a static executable)")
    if phnum and phentsize != _PHDR.size:
        raise bad(f"program header size {phentsize}, expected {_PHDR.size}")
    if shnum and shentsize != _SHDR.size:
        raise bad(f"section header size {shentsize}, expected {_SHDR.size}")
    return _Header(entry, phoff, shoff, phentsize, phnum, shentsize, shnum, shstrndx)


def _flags_text(p_flags: int) -> str:
    return "".join(c for c, bit in (("r", PF_R), ("w", PF_W), ("x", PF_X)) if p_flags & bit)


def _read_segments(data: bytes, hdr: _Header, source: str) -> list[Segment]:
    end = hdr.phoff + hdr.phnum * _PHDR.size
    if end > len(data):
        raise ProgramError(f"{source}: truncated program headers (table ends at byte {end}, "
                           f"file has {len(data)})")
    segs = []
    for n in range(hdr.phnum):
        (p_type, off, vaddr, _, filesz, memsz, p_flags, _) = _PHDR.unpack_from(
            data, hdr.phoff + n * _PHDR.size)
        if p_type != PT_LOAD or memsz == 0:
            continue
        where = f"{source}: segment {n} at {vaddr:#x}"
        if filesz > memsz:
            raise ProgramError(f"{where}: file size {filesz} exceeds memory size {memsz}")
        if off + filesz > len(data):
            raise ProgramError(f"{where}: truncated segment data (needs bytes up to "
                               f"{off + filesz}, file has {len(data)})")
        if vaddr + memsz > 1 << 32:
            raise ProgramError(f"{where}: extends past the 4 GiB address space")
        segs.append(Segment(vaddr, bytes(data[off:off + filesz]), memsz, _flags_text(p_flags)))
    if not segs:
        raise ProgramError(f"{source}: no loadable segment (PT_LOAD)")
    segs.sort(key=lambda s: s.vaddr)
    for a, b in zip(segs, segs[1:]):
        if b.vaddr < a.end:
            raise ProgramError(f"{source}: segments overlap: [{a.vaddr:#x}, {a.end:#x}) and "
                               f"[{b.vaddr:#x}, {b.end:#x})")
    return segs


def _c_string(table: bytes, off: int) -> str:
    end = table.find(b"\0", off)
    return table[off:end if end >= 0 else len(table)].decode("utf-8", "replace")


def _section_headers(data: bytes, hdr: _Header, source: str) -> list[tuple[int, ...]]:
    end = hdr.shoff + hdr.shnum * _SHDR.size
    if end > len(data):
        raise ProgramError(f"{source}: truncated section headers (table ends at byte {end}, "
                           f"file has {len(data)})")
    return [_SHDR.unpack_from(data, hdr.shoff + n * _SHDR.size) for n in range(hdr.shnum)]


def _contents(data: bytes, shdrs: list[tuple[int, ...]], n: int, what: str,
              source: str) -> bytes:
    if n >= len(shdrs):
        raise ProgramError(f"{source}: {what} refers to missing section {n}")
    off, size = shdrs[n][4], shdrs[n][5]
    if off + size > len(data):
        raise ProgramError(f"{source}: truncated {what} (section {n} ends at byte "
                           f"{off + size}, file has {len(data)})")
    return data[off:off + size]


def _read_symbols(data: bytes, shdrs: list[tuple[int, ...]], source: str) -> dict[str, int]:
    """Named code/data symbols of .symtab; global ones win over locals of the same name."""
    symbols: dict[str, int] = {}
    local: dict[str, int] = {}
    for n, sh in enumerate(shdrs):
        if sh[1] != SHT_SYMTAB:
            continue
        table = _contents(data, shdrs, n, "symbol table", source)
        names = _contents(data, shdrs, sh[6], "string table", source)
        for off in range(_SYM.size, len(table) - _SYM.size + 1, _SYM.size):
            st_name, value, _, info, _, shndx = _SYM.unpack_from(table, off)
            kind = info & 0xF
            if kind in (STT_SECTION, STT_FILE) or shndx == SHN_UNDEF or st_name == 0:
                continue
            name = _c_string(names, st_name)
            if name.startswith("$"):   # psABI mapping symbols ($x, $d, $x<isa>)
                continue
            (symbols if info >> 4 == STB_GLOBAL else local).setdefault(name, value)
    return {**local, **symbols}


def executable_sections(data: bytes, source: str = "<elf>") -> list[tuple[str, int, int]]:
    """(name, address, size) of each allocated executable section with contents, as
    `objdump -d` picks them; empty when the file has no section headers."""
    hdr = _check_header(data, source)
    shdrs = _section_headers(data, hdr, source)
    names = _contents(data, shdrs, hdr.shstrndx, "section name table", source) \
        if shdrs else b""
    return [(_c_string(names, sh[0]), sh[3], sh[5]) for sh in shdrs
            if sh[1] == SHT_PROGBITS and sh[2] & SHF_ALLOC and sh[2] & SHF_EXECINSTR
            and sh[5]]


def read_elf(data: bytes, source: str = "<elf>") -> Program:
    """The Program in a static ELF32 RISC-V executable; raises ProgramError if it is not one."""
    hdr = _check_header(data, source)
    segments = _read_segments(data, hdr, source)
    symbols = _read_symbols(data, _section_headers(data, hdr, source), source)
    return check_entry(Program(segments, hdr.entry, symbols, source))
