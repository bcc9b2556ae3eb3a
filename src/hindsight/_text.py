"""Text edits by line and column, applied without touching any other byte."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace text from (line, col) to (end_line, end_col) with `text`; lines 1-based, columns 0-based."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts, for \\n, \\r\\n and lone \\r endings alike."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n" or (ch == "\r" and text[i + 1:i + 2] != "\n"):
            starts.append(i + 1)
    return starts


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
        out += "\n"
    for a, b, new in spans:
        out = out[:a] + new + out[b:]
    return out
