"""The driver: parse (the sizing pass) builds a Module of records (ir.py), layout gives
every section its address (layout.py), encoding evaluates operands with final
addresses and encodes every instruction through isa.encoding.encode.

Parsing reads every statement once: labels get (section, offset), each instruction
is expanded into table rows (li's size depends on its value), data and alignment
reserve their bytes. Undefined symbols are collected during encoding and reported
together.
"""
from __future__ import annotations

import difflib
import os
import re
import struct
from typing import Callable

from ..program import Program, ProgramError, Segment
from ..table import CSRS, FIELDS, Instruction
from .directives import DIRECTIVES, NOP, standard_flags, symbol_name
from .errors import AsmError, NotYetKnown, SyntaxProblem, Undefined
from .expressions import NAME, evaluate
from .instructions import encode_checked
from .ir import Directive, Instr, Label, Loc, Module, Pseudo, Section
from .layout import (COMMON_GROUP, DATA, TEXT, align_up, default_data_base,
                     global_pointer, is_bss_group, is_sdata_group)
from .lexer import (LABEL, MNEMONIC, NUMERIC_REF, split_operands, split_statements,
                    strip_block_comments)
from .pseudo import FORMS, choose_form

GP = "__global_pointer$"
_PACK = struct.Struct("<I").pack
_SIMPLE_NAME = re.compile(NAME + r"\Z")
# Fields evaluated as expressions when encoding (registers and fence sets are parsed).
_EXPR_KINDS = ("imm", "pcrel", "csr")


class Assembler:
    def __init__(self, filename: str):
        self.files: dict[str, list[str]] = {}
        self.included = 0
        self.main = filename
        self.sections: dict[str, Section] = {}
        self.module = Module(filename, self.sections, state=self)
        self.items = self.module.items
        self.labels: dict[str, tuple[Section, int, Loc]] = {}
        self.equ: dict[str, int] = {}
        self.deferred: dict[str, tuple[str, Section, int, Loc]] = {}
        self.numeric: dict[str, int] = {}
        self.internal = 0   # labels the expansions add (pcrel pairs)
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
        self.loc: Loc = (filename, 0, 1)
        self.directive = ("", "")   # (name, operand text) of the directive being read
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

    def _reserve(self, size: int, data: bytes | None,
                 emit: Callable[[Assembler, int], bytes] | None = None,
                 record: bool = True) -> None:
        """A directive's `size` bytes (`data`, or `emit` once addresses are known), as an
        item of the section and (if `record`) of the module's source-order items."""
        sec = self.section
        name, text = self.directive
        if sec.nobits and (emit is not None or (data and any(data))):
            raise SyntaxProblem(f"{name} in {sec.name}: a @nobits section holds no data, "
                                "only .zero/.space/.align reserve space there")
        item = Directive(name, text, sec, sec.size, size, self.loc,
                         None if sec.nobits else data, emit)
        if size:
            sec.pending_labels = []
        sec.items.append(item)
        if record:
            self.items.append(item)
        sec.size += size

    def add_bytes(self, data: bytes) -> None:
        self._reserve(len(data), data)

    def add_computed(self, size: int, emit: Callable[[Assembler, int], bytes]) -> None:
        self._reserve(size, None, emit)

    def add_symbol(self) -> None:
        """A symbol definition, kept as an item so that printing keeps its place."""
        self._reserve(0, b"")

    def add_values(self, width: int, exprs: list[str], directive: str) -> None:
        """.word and friends: values known now are packed at once, others when encoding."""
        try:
            data = b"".join(_pack(width, self.value(e, None), e, directive) for e in exprs)
        except NotYetKnown:
            def emit(ctx: Assembler, pc: int) -> bytes:
                return b"".join(_pack(width, ctx.value(e, pc + k * width), e, directive)
                                for k, e in enumerate(exprs))
            self._reserve(width * len(exprs), None, emit)
            return
        self._reserve(len(data), data)

    def align(self, n: int, fill: int | None, limit: int | None, record: bool = True) -> None:
        sec = self.section
        pad = -sec.size % n
        if limit is not None and pad > limit:
            pad = 0
        else:
            sec.align = max(sec.align, n)
        if fill is not None:
            data = bytes([fill & 0xFF]) * pad
        elif sec.code:   # code is padded with nops after any odd bytes (as GNU as does)
            data = bytes(pad % 4) + NOP * (pad // 4)
        else:
            data = bytes(pad)
        self._reserve(pad, data, record=record)

    def pad_code_sections(self) -> None:
        """GNU as pads the end of each code section to its alignment (with nops)."""
        self.directive = (".balign", "")
        for sec in self.sections.values():
            if sec.code and sec.size % sec.align:
                saved, self.section = self.section, sec
                self.align(sec.align, None, None, record=False)
                self.section = saved

    def allocate(self, name: str, size: int, align: int, common: bool) -> None:
        sec = self._get_section(".bss", None, None) if not common else \
            self.sections.get("*COMMON*") or self._common_section()
        saved, self.section = self.section, sec
        try:
            pad = -sec.size % align
            sec.align = max(sec.align, align)
            self.define_label(name, record=False, offset=sec.size + pad)
            self._reserve(pad + size, None)
        finally:
            self.section = saved

    def _common_section(self) -> Section:
        sec = Section("*COMMON*", "aw", True, len(self.sections))
        sec.segment, sec.group = DATA, COMMON_GROUP
        self.sections[sec.name] = sec
        return sec

    # ------------------------------------------------------------------ symbols
    def define_label(self, name: str, record: bool = True, offset: int | None = None) -> str:
        if name.isdigit():
            count = self.numeric[name] = self.numeric.get(name, 0) + 1
            name = f"\x02{name}\x02{count}"
        elif name[0] != "\x02":
            self._check_new(name)
        sec = self.section
        offset = sec.size if offset is None else offset
        self.labels[name] = (sec, offset, self.loc)
        if record:
            label = Label(name, sec, offset, self.loc)
            sec.items.append(label)
            self.items.append(label)
            sec.pending_labels.append(name)
        return name

    def internal_label(self) -> str:
        """A fresh label at the current position (the anchor of a %pcrel_lo)."""
        self.internal += 1
        return self.define_label(f"\x02pcrel\x02{self.internal}")

    def add_instruction(self, row: Instruction, operands: dict[str, str],
                        values: dict[str, int], pseudo: Pseudo | None) -> None:
        """A record for one table row (operand texts, parsed values) at this point."""
        sec = self.section
        if sec.nobits:
            raise SyntaxProblem(f"{self.directive[0]} in {sec.name}: a @nobits section holds "
                                "no data, only .zero/.space/.align reserve space there")
        ins = Instr(row, operands, values, sec, sec.size, self.loc, pseudo)
        if sec.pending_labels:
            ins.labels = tuple(sec.pending_labels)
            sec.pending_labels = []
        sec.items.append(ins)
        self.items.append(ins)
        sec.size += 4

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
        self.add_symbol()

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
        number = CSRS.get(text)
        if number is not None:
            return number
        try:
            return self.value(text, pc)
        except Undefined:
            if _SIMPLE_NAME.match(text):   # as GNU as: a name that is no CSR nor symbol
                raise SyntaxProblem(f"unknown CSR '{text}' (known: {', '.join(CSRS)})",
                                    text) from None
            raise

    def _relocation(self, name: str, value: int) -> int:
        if name in ("hi", "lo") and not -(1 << 31) <= value < 1 << 32:   # as GNU as
            raise SyntaxProblem(f"%{name}: value {value} does not fit in 32 bits "
                                f"(expected [{-(1 << 31)}, {(1 << 32) - 1}])")
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
        raw_lines = source.splitlines()
        self.files[filename] = raw_lines
        lines = strip_block_comments(source).splitlines() if "/*" in source else raw_lines
        for lineno, line in enumerate(lines, 1):
            if self.ended:
                return
            if not line or line.isspace():
                continue
            for col, text in split_statements(line):
                self.loc = (filename, lineno, col + 1)
                try:
                    self._statement(text, col + 1)
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
            name, expr = symbol_name(mnemonic, "="), rest[1:].strip()
            self.directive = (".set", f"{name}, {expr}")
            self.define_symbol(name, expr, redefine=True)
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
        self.directive = (mnemonic, rest)
        form.expand(self, ops)

    def _directive(self, name: str, rest: str) -> None:
        handler = DIRECTIVES.get(name)
        if handler is None:
            if name.startswith(".cfi_"):
                return
            raise SyntaxProblem(f"unknown directive '{name}'" + _suggest(name, DIRECTIVES),
                                name)
        if name not in (".string", ".asciz", ".ascii", ".include") and NUMERIC_REF.search(rest):
            rest = self._numeric_refs(rest)
        self.directive = (name, rest)
        handler(self, rest, split_operands(rest))

    def include(self, path: str) -> None:
        base = os.path.dirname(self.loc[0])
        full = os.path.join(base, path) if not os.path.isabs(path) else path
        self.included += 1
        if self.included > 256:
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

    def encode(self, ins: Instr, pc: int) -> int:
        """The word of `ins` at `pc`; fills in its values (expressions evaluated)."""
        self.resolve(ins.row, ins.operands, ins.values, pc)
        ins.word = encode_checked(ins.row, ins.values, pc, ins.operands)
        return ins.word

    def resolve(self, row: Instruction, texts: dict[str, str], values: dict[str, int],
                pc: int) -> dict[str, int]:
        """`values` completed with the row's expression operands evaluated at `pc`."""
        for field, kind in _expr_fields(row.fields):
            text = texts[field]
            if kind == "pcrel":   # addresses wrap around the 32-bit space
                values[field] = ((self.value(text, pc) - pc + 0x80000000) & 0xFFFFFFFF) \
                    - 0x80000000
            elif kind == "csr":
                values[field] = self.csr(text, pc)
            else:
                values[field] = self.value(text, pc)
        return values

    def emit(self, sec: Section) -> bytearray:
        buf = bytearray(sec.size)
        base = sec.address
        for item in sec.items:
            size = item.size
            if not size:
                continue
            offset = item.offset
            pc = base + offset
            try:
                if type(item) is Instr:
                    data = _PACK(self.encode(item, pc))
                elif item.emit is not None:
                    data = item.data = item.emit(self, pc)
                else:
                    data = item.data
            except Undefined as u:
                self.undefined.append((u.shown, item.loc, u.fragment))
                # an auipc that failed: its %pcrel_lo partner reports nothing more
                self.pcrel_hi.setdefault(pc, 0)
                continue
            except SyntaxProblem as problem:
                raise self.error(item.loc, problem) from None
            buf[offset:offset + size] = data
        return buf

    # ------------------------------------------------------------------ errors
    def where(self, loc: Loc) -> str:
        return f"{loc[0]}:{loc[1]}"

    def _position(self, loc: Loc, fragment: str) -> tuple[str, int, int, str]:
        filename = loc[0]
        lines = self.files.get(filename, [])
        line = lines[loc[1] - 1] if 0 < loc[1] <= len(lines) else ""
        col = line.find(fragment, loc[2] - 1) if fragment else -1
        return filename, loc[1], (col + 1 if col >= 0 else loc[2]), line

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


def _expr_fields(fields: tuple[str, ...],
                 _cache: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
                 ) -> tuple[tuple[str, str], ...]:
    """(field, kind) of the operand fields that are expressions."""
    out = _cache.get(fields)
    if out is None:
        out = _cache[fields] = tuple(
            (f, FIELDS[f].kind) for f in fields if FIELDS[f].kind in _EXPR_KINDS)
    return out


def parse(source: str, filename: str = "<string>") -> Module:
    """Parse GNU-as-syntax RV32IM + Xzs source into a Module (see ir.py); raises AsmError."""
    asm = Assembler(filename)
    asm.read(source, filename)
    asm.pad_code_sections()
    return asm.module


def assemble(source: str | Module, filename: str = "<string>", *, text_base: int = 0x10000,
             data_base: int | None = None) -> Program:
    """Assemble source text (or a parsed Module) into a Program (see the package doc)."""
    module = parse(source, filename) if isinstance(source, str) else source
    asm: Assembler = module.state
    text, data = asm.layout(text_base, data_base)
    asm.values = {name: sec.address + offset for name, (sec, offset, _) in asm.labels.items()}
    asm.values.update(asm.equ)
    asm.lookup = asm._lookup_final
    asm.pcrel_hi, asm.undefined = {}, []
    segments = []
    for secs, flags in ((text, "rx"), (data, "rw")):
        if not secs:
            continue
        start = secs[0].address
        image = bytearray()
        end = start
        for sec in secs:
            if not sec.nobits:
                image += bytes(sec.address - start - len(image)) + asm.emit(sec)
            end = sec.address + sec.size
        segments.append(Segment(start, bytes(image), end - start, flags))
    if asm.undefined:
        raise asm.undefined_error()
    symbols = {name: addr for name, addr in asm.values.items()
               if name in asm.labels and not name.startswith("\x02")}
    if GP in asm.values:
        symbols[GP] = asm.gp
    entry = symbols.get("_start", text[0].address if text else text_base)
    return Program(segments, entry, symbols, module.filename)
