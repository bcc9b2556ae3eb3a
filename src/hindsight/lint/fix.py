"""Applying fixes: text edits, never overlapping, written atomically by the caller."""

from __future__ import annotations

from ..text import apply, offsets
from ._types import Finding


def apply_fixes(text: str, findings: list[Finding], *, unsafe: bool = False) -> tuple[str, list[Finding]]:
    """The text with every applicable fix applied, and the findings whose fix was applied.

    Fixes whose edits overlap one already taken wait for the next round (the caller repeats until
    nothing changes). Line endings and every byte outside the edits are kept.
    """
    taken: list[tuple[int, int]] = []
    edits = []
    applied: list[Finding] = []
    for f in findings:
        if f.fix is None or (not f.fix.safe and not unsafe):
            continue
        spans = offsets(text, list(f.fix.edits))
        if any(a < tb and ta < b or a == b == ta == tb for a, b in spans for ta, tb in taken):
            continue
        taken.extend(spans)
        edits.extend(f.fix.edits)
        applied.append(f)
    return (apply(text, edits) if edits else text), applied
