"""Assembler errors: every one names file:line:column and shows the line with a caret."""
from __future__ import annotations

from ..errors import ZskipError


class AsmError(ZskipError):
    """Bad assembly input. str() is `file:line:col: error: message`, the source line and a
    caret under the column; `more` holds further errors of the same kind (undefined
    symbols are reported together), each a (line, column, message, source_line)."""

    located = True

    def __init__(self, filename: str, line: int, column: int, message: str,
                 source_line: str = "",
                 more: tuple[tuple[str, int, int, str, str], ...] = ()):
        self.filename, self.line, self.column = filename, line, column
        self.message, self.source_line, self.more = message, source_line, more
        parts = [_render(filename, line, column, message, source_line)]
        parts += [_render(*m) for m in more]
        super().__init__("\n".join(parts))


def _render(filename: str, line: int, column: int, message: str, source_line: str) -> str:
    text = f"{filename}:{line}:{column}: error: {message}"
    if source_line:
        caret = "".join(c if c == "\t" else " " for c in source_line[:column - 1]) + "^"
        text += f"\n{source_line}\n{caret}"
    return text


class SyntaxProblem(Exception):
    """Raised below the assembler's driver, which adds the location. `fragment` is the
    piece of the line the problem is about (its column is looked up)."""

    def __init__(self, message: str, fragment: str = ""):
        super().__init__(message)
        self.message, self.fragment = message, fragment


class Undefined(SyntaxProblem):
    """A symbol with no definition (collected: all of them are reported at once)."""

    def __init__(self, name: str, shown: str):
        super().__init__(f"undefined symbol '{shown}'", shown)
        self.name, self.shown = name, shown


class NotYetKnown(Exception):
    """In the sizing pass, an expression whose value depends on a later definition."""
