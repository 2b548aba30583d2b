"""Lines to statements: comments (`#`, `//`, `/* */`), `;` separators, labels,
operand lists and string literals, the way GNU as splits them."""
from __future__ import annotations

import re

from .errors import SyntaxProblem
from .expressions import NAME, char_value

_BLOCK = re.compile(r'"(?:\\.|[^"\\\n])*"|/\*.*?\*/', re.S)
LABEL = re.compile(r"\s*(" + NAME + r"|\d+)\s*:(?!=)")
MNEMONIC = re.compile(r"\s*([^\s,]+)\s*")
# `1f` / `1b` references to numeric local labels (not inside hex or binary literals)
NUMERIC_REF = re.compile(r"\b(\d+)([fb])\b")
_STRING = re.compile(r'\s*"((?:\\.|[^"\\])*)"\s*')
_STRING_ESCAPE = re.compile(r"\\(?:[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)", re.S)


def strip_block_comments(source: str) -> str:
    """Blank out /* ... */ comments, keeping newlines and columns."""
    def blank(m: re.Match[str]) -> str:
        s = m[0]
        return s if s[0] == '"' else re.sub(r"[^\n]", " ", s)
    return _BLOCK.sub(blank, source)


def _literal_end(text: str, i: int) -> int:
    """Index of the last character of the string ("...") or character literal ('a',
    'a or '\\n': GNU accepts all) that starts at text[i]."""
    if text[i] == '"':
        i += 1
        while i < len(text) and text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        return i
    i += 2 if text[i + 1:i + 2] == "\\" else 1
    return i + 1 if text[i + 1:i + 2] == "'" else i


def split_statements(line: str) -> list[tuple[int, str]]:
    """(start column, text) of each `;`-separated statement, comments removed."""
    if '"' not in line and "'" not in line:
        cut = line.find("#")
        if cut >= 0:
            line = line[:cut]
        cut = line.find("//")
        if cut >= 0:
            line = line[:cut]
        if ";" not in line:
            return [(0, line)]
        out, start = [], 0
        for piece in line.split(";"):
            out.append((start, piece))
            start += len(piece) + 1
        return out
    out, start, i, n = [], 0, 0, len(line)
    while i < n:
        c = line[i]
        if c == '"' or c == "'":
            i = _literal_end(line, i)
        elif c == "#" or line.startswith("//", i):
            break
        elif c == ";":
            out.append((start, line[start:i]))
            start = i + 1
        i += 1
    out.append((start, line[start:i]))
    return out


def split_operands(text: str) -> list[str]:
    """Comma-separated operands, commas inside quotes or parentheses kept."""
    if not text:
        return []
    if '"' not in text and "'" not in text and "(" not in text:
        return [p.strip() for p in text.split(",")]
    out, depth, start, i, n = [], 0, 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            i = _literal_end(text, i)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
        i += 1
    out.append(text[start:].strip())
    return out


def string_literal(text: str) -> bytes:
    """Bytes of a "..." literal with C escapes (adjacent literals concatenate)."""
    if not text:
        raise SyntaxProblem('expected a string in double quotes', text)
    pos, out = 0, bytearray()
    while pos < len(text):
        m = _STRING.match(text, pos)
        if not m:
            raise SyntaxProblem(f"expected a string in double quotes, got {text[pos:]}",
                                text[pos:])
        body, last = m[1], 0
        for esc in _STRING_ESCAPE.finditer(body):
            out += body[last:esc.start()].encode()
            out.append(char_value(esc[0]))
            last = esc.end()
        out += body[last:].encode()
        pos = m.end()
    return bytes(out)
