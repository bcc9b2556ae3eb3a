"""Applying fixes: text edits, applied back to front, never overlapping, written atomically."""

from __future__ import annotations

from ._types import Edit, Finding


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n" or (ch == "\r" and text[i + 1:i + 2] != "\n"):
            starts.append(i + 1)
    return starts


def apply_fixes(text: str, findings: list[Finding], *, unsafe: bool = False) -> tuple[str, list[Finding]]:
    """The text with every applicable fix applied, and the findings whose fix was applied.

    Line endings, a byte-order mark and every byte outside the edits are kept.
    """
    bom = 1 if text.startswith("\ufeff") else 0
    starts = _line_starts(text)

    def offset(line: int, col: int) -> int:
        if line - 1 >= len(starts):
            return len(text)
        return starts[line - 1] + col + (bom if line == 1 else 0)

    chosen: list[tuple[int, int, Edit, Finding]] = []
    for f in findings:
        if f.fix is None or (not f.fix.safe and not unsafe):
            continue
        spans = [(offset(e.line, e.col), offset(e.end_line, e.end_col), e) for e in f.fix.edits]
        if any(a < cb and ca < b for a, b, _ in spans for ca, cb, _, _ in chosen) or \
                any(a == b == ca == cb for a, b, _ in spans for ca, cb, _, _ in chosen):
            continue  # overlaps an edit already taken; the next run applies it
        chosen.extend((a, b, e, f) for a, b, e in spans)
    out = text
    applied: list[Finding] = []
    if text.endswith(("\n", "\r")) is False and any(a == len(text) for a, _, _, _ in chosen):
        out += "\n"
    for a, b, e, f in sorted(chosen, key=lambda x: (x[0], x[1]), reverse=True):
        out = out[:a] + e.text + out[b:]
        if f not in applied:
            applied.append(f)
    return out, applied
