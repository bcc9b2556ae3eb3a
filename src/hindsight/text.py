"""The one definition of a line, and text edits by line and column that touch no other byte.

A line ends at `\\n`, `\\r\\n` or a lone `\\r`, as CommonMark says, and nowhere
else: a form feed, a vertical tab, U+0085, U+2028 or U+2029 inside a line is
part of its text. (Python's `str.splitlines()` also breaks at those, which is
why nothing in Hindsight uses it on a document.) The parser, the linter and the
editor all count lines with `split_lines` and `line_starts`, so a line number
one of them reports is the line another one changes.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The line endings of a Markdown document, longest first.
LINE_ENDINGS = ("\r\n", "\n", "\r")


def split_lines(text: str) -> list[str]:
    """The lines of `text` without their endings; a final line ending does not start an empty line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts, for \\n, \\r\\n and lone \\r endings alike (as `split_lines`)."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n" or (ch == "\r" and text[i + 1:i + 2] != "\n"):
            starts.append(i + 1)
    return starts


def line_ending(text: str) -> str:
    """The line ending a document uses (its first one), `\\n` when it has none."""
    for i, ch in enumerate(text):
        if ch == "\n":
            return "\n"
        if ch == "\r":
            return "\r\n" if text[i + 1:i + 2] == "\n" else "\r"
    return "\n"


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace text from (line, col) to (end_line, end_col) with `text`; lines 1-based, columns 0-based."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


def offsets(text: str, edits: list[TextEdit]) -> list[tuple[int, int]]:
    """(start, end) offsets of each edit; a position past the last line is the end of the text."""
    starts = line_starts(text)

    def at(line: int, col: int) -> int:
        return len(text) if line - 1 >= len(starts) else starts[line - 1] + col

    return [(at(e.line, e.col), at(e.end_line, e.end_col)) for e in edits]


def apply(text: str, edits: list[TextEdit]) -> str:
    """The text with non-overlapping edits applied; every other byte (line endings included) is kept."""
    spans = sorted(((a, b, e.text) for (a, b), e in zip(offsets(text, edits), edits)), reverse=True)
    out = text
    if text and not text.endswith(("\n", "\r")) and any(a == len(text) for a, _, _ in spans):
        out += line_ending(text)
    for a, b, new in spans:
        out = out[:a] + new + out[b:]
    return out
