"""The two-pass driver.

Pass 1 (sizing) reads every statement once: labels get (section, offset), each
instruction chooses its form and size (li's size depends on its value), data and
alignment reserve their bytes. Layout then gives every section its address (layout.py).
Pass 2 (emission) evaluates operands with final addresses and encodes every
instruction through isa.encoding.encode. Undefined symbols are collected during pass 2
and reported together.
"""
from __future__ import annotations

import difflib
import os
import struct
from typing import Callable

from ..program import Program, ProgramError, Segment
from .directives import DIRECTIVES, NOP, standard_flags, symbol_name
from .errors import AsmError, NotYetKnown, SyntaxProblem, Undefined
from .expressions import evaluate
from .layout import (COMMON_GROUP, DATA, TEXT, align_up, classify, default_data_base,
                     global_pointer, is_bss_group, is_sdata_group)
from .lexer import (LABEL, MNEMONIC, NUMERIC_REF, split_operands, split_statements,
                    strip_block_comments)
from .operands import CSR_NAMES
from .pseudo import FORMS, choose_form

GP = "__global_pointer$"
_WORDS = {1: struct.Struct("<I").pack, 2: struct.Struct("<II").pack}
Loc = tuple[int, int, int]   # (file index, line number, 0-based column of the statement)
INSN, COMPUTED, BYTES = 0, 1, 2   # item kinds


class Section:
    """One input section: its items (offset, size, kind, what, args, loc) and size."""
    __slots__ = ("name", "segment", "group", "nobits", "code", "items", "size", "align",
                 "address", "order")

    def __init__(self, name: str, flags: str | None, nobits: bool, order: int):
        placed = classify(name, flags, nobits)
        self.name, self.order = name, order
        self.segment, self.group = placed if placed else (None, 0)
        self.nobits = nobits or (placed is not None and is_bss_group(self.group))
        self.code = self.segment == TEXT and self.group <= 6
        self.items: list[tuple] = []
        self.size, self.address = 0, 0
        self.align = 4 if name == ".text" else 1   # GNU as records 4 for .text only


class Assembler:
    def __init__(self, filename: str):
        self.files: list[tuple[str, list[str]]] = []
        self.main = filename
        self.sections: dict[str, Section] = {}
        self.labels: dict[str, tuple[Section, int, Loc]] = {}
        self.equ: dict[str, int] = {}
        self.deferred: dict[str, tuple[str, Section, int, Loc]] = {}
        self.numeric: dict[str, int] = {}
        self.section_stack: list[Section] = []
        self.section: Section | None = None
        self.previous_section = self.switch_section(".text", None, None)
        self.values: dict[str, int] = {}
        self.pcrel_hi: dict[int, int] = {}
        self.undefined: list[tuple[str, Loc, str]] = []
        self.resolving: set[str] = set()
        self.lookup: Callable[[str], int] = self._lookup_sizing
        self.dot: int | None = None
        self.gp = 0
        self.loc: Loc = (0, 0, 0)
        self.ended = False

    # ------------------------------------------------------------------ sections
    def switch_section(self, name: str, flags: str | None, nobits: bool | None) -> Section:
        sec = self._get_section(name, flags, nobits)
        self.switch_to(sec)
        return sec

    def _get_section(self, name: str, flags: str | None, nobits: bool | None) -> Section:
        sec = self.sections.get(name)
        if sec is None:
            default = standard_flags(name)
            if nobits is None:
                nobits = default[1] if default else False
            if flags is None and default:
                flags = default[0]
            sec = self.sections[name] = Section(name, flags, nobits, len(self.sections))
        return sec

    def switch_to(self, sec: Section) -> None:
        if self.section is not sec:
            self.previous_section = self.section or sec
            self.section = sec

    def _reserve(self, size: int, kind: int, what, args, directive: str) -> None:
        sec = self.section
        if sec.nobits and not (kind == BYTES and not any(args)):
            raise SyntaxProblem(f"{directive} in {sec.name}: a @nobits section holds no data, "
                                "only .zero/.space/.align reserve space there")
        if sec.nobits:
            sec.size += size
            return
        sec.items.append((sec.size, size, kind, what, args, self.loc))
        sec.size += size

    def add_bytes(self, data: bytes, directive: str) -> None:
        self._reserve(len(data), BYTES, None, data, directive)

    def add_fill(self, size: int, fill: int, directive: str) -> None:
        self._reserve(size, BYTES, None, bytes([fill]) * size, directive)

    def add_computed(self, size: int, emit: Callable[[Assembler, int], bytes]) -> None:
        self._reserve(size, COMPUTED, emit, None, "data")

    def add_values(self, width: int, exprs: list[str], directive: str) -> None:
        """.word and friends: values known now are packed at once, others in pass 2."""
        exprs = [self._numeric_refs(e) if NUMERIC_REF.search(e) else e for e in exprs]
        try:
            data = b"".join(_pack(width, self.value(e, None), e, directive) for e in exprs)
        except NotYetKnown:
            def emit(ctx: Assembler, pc: int) -> bytes:
                return b"".join(_pack(width, ctx.value(e, pc + k * width), e, directive)
                                for k, e in enumerate(exprs))
            self._reserve(width * len(exprs), COMPUTED, emit, None, directive)
            return
        self._reserve(len(data), BYTES, None, data, directive)

    def align(self, n: int, fill: int | None, limit: int | None) -> None:
        sec = self.section
        pad = -sec.size % n
        if limit is not None and pad > limit:
            return
        sec.align = max(sec.align, n)
        if fill is not None:
            data = bytes([fill & 0xFF]) * pad
        elif sec.code:   # code is padded with nops after any odd bytes (as GNU as does)
            data = bytes(pad % 4) + NOP * (pad // 4)
        else:
            data = bytes(pad)
        self._reserve(pad, BYTES, None, data, ".align")

    def pad_code_sections(self) -> None:
        """GNU as pads the end of each code section to its alignment (with nops)."""
        for sec in self.sections.values():
            if sec.code and sec.size % sec.align:
                saved, self.section = self.section, sec
                self.align(sec.align, None, None)
                self.section = saved

    def allocate(self, name: str, size: int, align: int, common: bool) -> None:
        sec = self._get_section(".bss", None, None) if not common else \
            self.sections.get("*COMMON*") or self._common_section()
        saved, self.section = self.section, sec
        try:
            self.align(align, 0, None)
            self.define_label(name)
            sec.size += size
        finally:
            self.section = saved

    def _common_section(self) -> Section:
        sec = Section("*COMMON*", "aw", True, len(self.sections))
        sec.segment, sec.group = DATA, COMMON_GROUP
        self.sections[sec.name] = sec
        return sec

    # ------------------------------------------------------------------ symbols
    def define_label(self, name: str) -> None:
        if name.isdigit():
            count = self.numeric[name] = self.numeric.get(name, 0) + 1
            name = f"\x02{name}\x02{count}"
        else:
            self._check_new(name)
        self.labels[name] = (self.section, self.section.size, self.loc)

    def _check_new(self, name: str) -> None:
        if name in self.labels or name in self.equ or name in self.deferred:
            where = self.labels.get(name, (None, None, None))[2] or \
                self.deferred.get(name, (None, None, None, None))[3]
            at = f" (first defined at {self.where(where)})" if where else ""
            raise SyntaxProblem(f"duplicate definition of '{name}'{at}", name)

    def define_symbol(self, name: str, expr: str, redefine: bool) -> None:
        if name in self.labels or not redefine:
            self._check_new(name)
        if NUMERIC_REF.search(expr):
            expr = self._numeric_refs(expr)
        self.deferred.pop(name, None)
        self.equ.pop(name, None)
        try:
            self.equ[name] = self.value(expr, None)
        except NotYetKnown:
            self.deferred[name] = (expr, self.section, self.section.size, self.loc)

    def _numeric_refs(self, text: str) -> str:
        def internal(m) -> str:
            count = self.numeric.get(m[1], 0)
            return f"\x02{m[1]}\x02{count if m[2] == 'b' else count + 1}"
        return NUMERIC_REF.sub(internal, text)

    def _lookup_sizing(self, name: str) -> int:
        try:
            return self.equ[name]
        except KeyError:
            raise NotYetKnown from None

    def _lookup_final(self, name: str) -> int:
        value = self.values.get(name)
        if value is not None:
            return value
        if name in self.deferred and name not in self.resolving:
            expr, sec, offset, _ = self.deferred[name]
            self.resolving.add(name)
            try:
                value = self.value(expr, sec.address + offset)
            finally:
                self.resolving.discard(name)
        elif name in self.resolving:
            raise SyntaxProblem(f"'{name}' is defined in terms of itself", name)
        elif name == GP:
            value = self.gp
        else:
            shown = name
            if name.startswith("\x02"):
                _, number, count = name.split("\x02")
                shown = number + ("b" if count == "0" else "f")
            raise Undefined(name, shown)
        self.values[name] = value
        return value

    # ------------------------------------------------------------------ operands
    def value(self, text: str, pc: int | None) -> int:
        if not text:
            raise SyntaxProblem("expected an expression")
        self.dot = pc
        return evaluate(text, self.lookup, pc, self._relocation)

    def csr(self, text: str, pc: int) -> int:
        number = CSR_NAMES.get(text)
        return number if number is not None else self.value(text, pc)

    def _relocation(self, name: str, value: int) -> int:
        if name == "hi":
            return ((value + 0x800) >> 12) & 0xFFFFF
        if name == "lo":
            return ((value & 0xFFF) ^ 0x800) - 0x800
        if self.dot is None:
            raise NotYetKnown
        if name == "pcrel_hi":
            self.pcrel_hi[self.dot] = value
            return ((value - self.dot + 0x800) >> 12) & 0xFFFFF
        target = self.pcrel_hi.get(value)   # %pcrel_lo(label of the auipc)
        if target is None:
            raise SyntaxProblem("%pcrel_lo(label): the label must mark an earlier auipc "
                                "with %pcrel_hi")
        return (((target - value) & 0xFFF) ^ 0x800) - 0x800

    # ------------------------------------------------------------------ pass 1
    def read(self, source: str, filename: str) -> None:
        fid = len(self.files)
        raw_lines = source.splitlines()
        self.files.append((filename, raw_lines))
        lines = strip_block_comments(source).splitlines() if "/*" in source else raw_lines
        for lineno, line in enumerate(lines, 1):
            if self.ended:
                return
            if not line or line.isspace():
                continue
            for col, text in split_statements(line):
                self.loc = (fid, lineno, col)
                try:
                    self._statement(text, col)
                except SyntaxProblem as problem:
                    raise self.error(self.loc, problem) from None

    def _statement(self, text: str, col: int) -> None:
        pos = 0
        if ":" in text:
            while m := LABEL.match(text, pos):
                self.loc = (self.loc[0], self.loc[1], col + m.start(1))
                self.define_label(m[1])
                pos = m.end()
        m = MNEMONIC.match(text, pos)
        if m is None:
            return
        self.loc = (self.loc[0], self.loc[1], col + m.start(1))
        mnemonic, rest = m[1], text[m.end():].rstrip()
        if mnemonic[0] == ".":
            self._directive(mnemonic, rest)
            return
        if rest[:1] == "=" and rest[1:2] != "=":   # `name = value`
            self.define_symbol(symbol_name(mnemonic, "="), rest[1:].strip(), redefine=True)
            return
        forms = FORMS.get(mnemonic)
        if forms is None:
            raise SyntaxProblem(f"unknown instruction '{mnemonic}'" + _suggest(mnemonic, FORMS),
                                mnemonic)
        if NUMERIC_REF.search(rest):
            rest = self._numeric_refs(rest)
        ops = split_operands(rest)
        form = forms[0] if len(forms) == 1 and forms[0].arity == len(ops) \
            else choose_form(mnemonic, ops)
        size, args = form.prepare(self, ops)
        self._reserve(size, INSN, form, args, mnemonic)

    def _directive(self, name: str, rest: str) -> None:
        handler = DIRECTIVES.get(name)
        if handler is None:
            if name.startswith(".cfi_"):
                return
            raise SyntaxProblem(f"unknown directive '{name}'" + _suggest(name, DIRECTIVES),
                                name)
        if name not in (".string", ".asciz", ".ascii", ".include") and NUMERIC_REF.search(rest):
            rest = self._numeric_refs(rest)
        handler(self, rest, split_operands(rest))

    def include(self, path: str) -> None:
        base = os.path.dirname(self.files[self.loc[0]][0])
        full = os.path.join(base, path) if not os.path.isabs(path) else path
        if len(self.files) > 256:
            raise SyntaxProblem(".include: too many included files (recursive .include?)")
        try:
            with open(full, encoding="utf-8", errors="replace") as f:
                source = f.read()
        except OSError as exc:
            raise SyntaxProblem(f".include: cannot read '{full}': {exc.strerror}", path) from None
        saved = self.loc
        self.read(source, full)
        self.loc = saved

    # ------------------------------------------------------------------ layout and pass 2
    def layout(self, text_base: int, data_base: int | None) -> list[tuple[Section, ...]]:
        placed = [s for s in self.sections.values() if s.segment is not None and s.size]
        order = lambda s: (s.group, s.name if s.group == 4 else "", s.order)  # noqa: E731
        text = sorted((s for s in placed if s.segment == TEXT), key=order)
        data = sorted((s for s in placed if s.segment == DATA), key=order)
        addr = text_base
        for sec in text:
            sec.address = addr = align_up(addr, sec.align)
            addr += sec.size
        text_end = addr
        addr = default_data_base(text_end) if data_base is None else data_base
        data_begin = addr
        sdata_begin = None
        for sec in data:
            sec.address = addr = align_up(addr, sec.align)
            if sec is data[0] and sec.group == 0:   # ld's __DATA_BEGIN__ is inside .data
                data_begin = addr
            if sdata_begin is None and (is_sdata_group(sec.group) or is_bss_group(sec.group)):
                sdata_begin = addr
            addr += sec.size
        self.gp = global_pointer(data_begin, addr if sdata_begin is None else sdata_begin,
                                 align_up(addr, 4))
        # sections that hold only labels (empty) still give their labels an address
        for sec in self.sections.values():
            if sec not in text and sec not in data:
                sec.address = text_end if sec.segment == TEXT else addr
        if addr > 1 << 32:
            raise ProgramError(f"{self.main}: the program does not fit below 4 GiB")
        if data and text and data[0].address < text_end and addr > text_base:
            raise ProgramError(f"{self.main}: data at {data[0].address:#x} overlaps the text "
                               f"segment [{text_base:#x}, {text_end:#x})")
        return [tuple(text), tuple(data)]

    def emit(self, sec: Section) -> bytearray:
        buf = bytearray(sec.size)
        base = sec.address
        for offset, size, kind, what, args, loc in sec.items:
            pc = base + offset
            try:
                if kind == INSN:
                    data = _WORDS[size // 4](*what.emit(self, args, pc, size))
                elif kind == BYTES:
                    data = args
                else:
                    data = what(self, pc)
            except Undefined as u:
                self.undefined.append((u.shown, loc, u.fragment))
                continue
            except SyntaxProblem as problem:
                raise self.error(loc, problem) from None
            buf[offset:offset + size] = data
        return buf

    # ------------------------------------------------------------------ errors
    def where(self, loc: Loc) -> str:
        return f"{self.files[loc[0]][0]}:{loc[1]}"

    def _position(self, loc: Loc, fragment: str) -> tuple[str, int, int, str]:
        filename, lines = self.files[loc[0]]
        line = lines[loc[1] - 1] if 0 < loc[1] <= len(lines) else ""
        col = line.find(fragment, loc[2]) if fragment else -1
        return filename, loc[1], (col if col >= 0 else loc[2]) + 1, line

    def error(self, loc: Loc, problem: SyntaxProblem) -> AsmError:
        filename, line, col, text = self._position(loc, problem.fragment)
        return AsmError(filename, line, col, problem.message, text)

    def undefined_error(self) -> AsmError:
        entries = []
        for shown, loc, fragment in self.undefined:
            filename, line, col, text = self._position(loc, fragment)
            entries.append((filename, line, col, f"undefined symbol '{shown}'", text))
        names = sorted({shown for shown, _, _ in self.undefined})
        first = entries[0]
        message = first[3] if len(entries) == 1 else \
            (f"undefined symbols {', '.join(repr(n) for n in names)} "
             f"({len(entries)} uses, each listed below)")
        return AsmError(first[0], first[1], first[2], message, first[4], tuple(entries[1:]))


def _pack(width: int, value: int, text: str, directive: str) -> bytes:
    bits = 8 * width
    if not -(1 << (bits - 1)) <= value < 1 << bits:
        raise SyntaxProblem(f"{directive}: value {value} does not fit in {width} byte"
                            f"{'s' if width > 1 else ''} (expected [{-(1 << (bits - 1))}, "
                            f"{(1 << bits) - 1}])", text)
    return (value & ((1 << bits) - 1)).to_bytes(width, "little")


def _suggest(name: str, known_names) -> str:
    close = difflib.get_close_matches(name, list(known_names), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def assemble(source: str, filename: str = "<string>", *, text_base: int = 0x10000,
             data_base: int | None = None) -> Program:
    """Assemble GNU-as-syntax RV32IM + Xzs source into a Program (see the package doc)."""
    asm = Assembler(filename)
    asm.read(source, filename)
    asm.pad_code_sections()
    text, data = asm.layout(text_base, data_base)
    asm.values = {name: sec.address + offset for name, (sec, offset, _) in asm.labels.items()}
    asm.values.update(asm.equ)
    asm.lookup = asm._lookup_final
    segments = []
    for secs, flags in ((text, "rx"), (data, "rw")):
        if not secs:
            continue
        start = secs[0].address
        image = bytearray()
        end = start
        for sec in secs:
            body = asm.emit(sec)
            if not sec.nobits:
                image += bytes(sec.address - start - len(image)) + body
            end = sec.address + sec.size
        segments.append(Segment(start, bytes(image), end - start, flags))
    if asm.undefined:
        raise asm.undefined_error()
    symbols = {name: addr for name, addr in asm.values.items()
               if name in asm.labels and not name.startswith("\x02")}
    if GP in asm.values:
        symbols[GP] = asm.gp
    entry = symbols.get("_start", text[0].address if text else text_base)
    return Program(segments, entry, symbols, filename)
