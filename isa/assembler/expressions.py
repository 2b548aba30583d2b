"""Integer expressions as GNU as reads them.

Binary operators bind as in GNU as (not as in C): `* / % << >>` tightest, then
`| & ^`, then `+ - == != <> < > <= >=`, then `&& ||`; unary `- ~ !` and `+`.
Comparisons give -1 for true (GNU as does). Numbers: decimal, 0x, 0b, and a leading 0
means octal. Character literals ('a', '\\n'). `%name(expr)` applies a relocation
operator (%hi, %lo, %pcrel_hi, %pcrel_lo) through the caller's `reloc` callback.
"""
from __future__ import annotations

import re
from typing import Callable

from .errors import NotYetKnown, SyntaxProblem

Lookup = Callable[[str], int]
Reloc = Callable[[str, int], int]

# \x02 appears only in the internal names of numeric local labels (see lexer).
NAME = r"[A-Za-z_.$\x02][\w.$\x02]*"
_TOKEN = re.compile(r"""\s*(?:
    (?P<num>0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)
  | (?P<name>""" + NAME + r""")
  | (?P<char>'(?:\\(?:[0-7]{1,3}|x[0-9a-fA-F]+|.)|[^\\])'?)
  | (?P<op><<|>>|&&|\|\||==|!=|<>|<=|>=|[-+*/%&|^~!()<>])
)""", re.X)
RELOCATIONS = ("hi", "lo", "pcrel_hi", "pcrel_lo")
_SIMPLE_INT = re.compile(r"-?(?:0[xX][0-9a-fA-F]+|[1-9]\d*|0)\Z")
_SIMPLE_NAME = re.compile(NAME + r"\Z")

ESCAPES = {"n": 10, "t": 9, "r": 13, "b": 8, "f": 12, "v": 11, "a": 7, "e": 27,
           "\\": 92, "'": 39, '"': 34, "0": 0}


def char_value(body: str) -> int:
    """Value of a character literal's body (without quotes): `a`, `\\n`, `\\x41`, `\\101`."""
    if body.startswith("\\") and len(body) > 1:
        esc = body[1:]
        if esc[0] == "x":
            return int(esc[1:], 16) & 0xFF
        if esc[0].isdigit() and esc[0] < "8":
            return int(esc, 8) & 0xFF
        return ESCAPES.get(esc, ord(esc[0]))
    return ord(body)


def _div(a: int, b: int, text: str) -> int:
    if b == 0:
        raise SyntaxProblem("division by zero", text)
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _mod(a: int, b: int, text: str) -> int:
    return a - b * _div(a, b, text)


_BINARY: list[dict[str, Callable[[int, int, str], int]]] = [
    {"&&": lambda a, b, t: -int(bool(a and b)), "||": lambda a, b, t: -int(bool(a or b))},
    {"+": lambda a, b, t: a + b, "-": lambda a, b, t: a - b,
     "==": lambda a, b, t: -int(a == b), "!=": lambda a, b, t: -int(a != b),
     "<>": lambda a, b, t: -int(a != b), "<": lambda a, b, t: -int(a < b),
     ">": lambda a, b, t: -int(a > b), "<=": lambda a, b, t: -int(a <= b),
     ">=": lambda a, b, t: -int(a >= b)},
    {"|": lambda a, b, t: a | b, "&": lambda a, b, t: a & b, "^": lambda a, b, t: a ^ b},
    {"*": lambda a, b, t: a * b, "/": _div, "%": _mod,
     "<<": lambda a, b, t: a << (b & 63), ">>": lambda a, b, t: a >> (b & 63)},
]


class _Parser:
    """Recursive descent over one expression's tokens."""

    def __init__(self, text: str, lookup: Lookup, dot: int | None, reloc: Reloc | None):
        self.text, self.lookup, self.dot, self.reloc = text, lookup, dot, reloc
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        end = len(text.rstrip())
        while pos < end:
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise SyntaxProblem(f"unexpected '{text[pos:].strip()[:20]}' in expression",
                                    text[pos:].strip())
            self.tokens.append((m.lastgroup, m[m.lastgroup]))
            pos = m.end()
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise SyntaxProblem(f"expression '{self.text.strip()}' ends too early", self.text)
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        tok = self.take()
        if tok != ("op", op):
            raise SyntaxProblem(f"expected '{op}' in expression, got '{tok[1]}'", tok[1])

    def parse(self) -> int:
        if not self.tokens:
            raise SyntaxProblem("expected an expression", self.text)
        value = self.binary(0)
        if self.i != len(self.tokens):
            tok = self.tokens[self.i][1]
            raise SyntaxProblem(f"unexpected '{tok}' in expression", tok)
        return value

    def binary(self, level: int) -> int:
        if level == len(_BINARY):
            return self.unary()
        ops = _BINARY[level]
        value = self.binary(level + 1)
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in ops:
            self.i += 1
            value = ops[tok[1]](value, self.binary(level + 1), self.text)
        return value

    def unary(self) -> int:
        kind, tok = self.take()
        if kind == "op":
            if tok == "-":
                return -self.unary()
            if tok == "+":
                return self.unary()
            if tok == "~":
                return ~self.unary()
            if tok == "!":
                return int(not self.unary())
            if tok == "(":
                value = self.binary(0)
                self.expect(")")
                return value
            if tok == "%":
                return self.relocation()
            raise SyntaxProblem(f"unexpected '{tok}' in expression", tok)
        if kind == "num":
            if len(tok) > 1 and tok[0] == "0" and tok[1].isdigit():
                try:
                    return int(tok, 8)
                except ValueError:
                    raise SyntaxProblem(f"bad octal number '{tok}'", tok) from None
            return int(tok, 0)
        if kind == "char":
            body = tok[1:-1] if tok.endswith("'") and len(tok) > 2 else tok[1:]
            return char_value(body)
        if tok == ".":
            if self.dot is None:
                raise NotYetKnown
            return self.dot
        return self.lookup(tok)

    def relocation(self) -> int:
        kind, name = self.take()
        if kind != "name" or name not in RELOCATIONS or self.reloc is None:
            raise SyntaxProblem(f"unsupported relocation operator '%{name}' (zskip knows "
                                f"{', '.join('%' + r for r in RELOCATIONS)})", "%" + name)
        self.expect("(")
        value = self.binary(0)
        self.expect(")")
        return self.reloc(name, value)


def evaluate(text: str, lookup: Lookup, dot: int | None = None,
             reloc: Reloc | None = None) -> int:
    """Value of expression `text`; raises SyntaxProblem (or whatever `lookup` raises)."""
    if _SIMPLE_INT.match(text):
        return int(text, 0)
    if _SIMPLE_NAME.match(text) and text != ".":
        return lookup(text)
    return _Parser(text, lookup, dot, reloc).parse()
