"""Prose of a document as units (a paragraph, a list item, a table row, a heading) with a map back to
line and column, and with what is not prose (code spans, URLs, link targets, HTML) blanked out so that
nothing inside them is read as words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parse._scan import Line

_MASK = re.compile(r"`+[^`]*`+|\]\([^)]*\)|<[^>\n]*>|https?://\S+|\*\*|__|!\[[^\]]*\]")


@dataclass(slots=True)
class Unit:
    text: str
    starts: list[tuple[int, int, int]]  # (offset in text, line number, column of that offset)
    line_index: int  # index of the unit's first line in the scan

    def locate(self, offset: int) -> tuple[int, int]:
        """(line, 1-based column) of an offset into `text`."""
        best = self.starts[0]
        for s in self.starts:
            if s[0] <= offset:
                best = s
            else:
                break
        return best[1], best[2] + (offset - best[0]) + 1


def _mask(s: str) -> str:
    return _MASK.sub(lambda m: " " * len(m.group(0)) if not m.group(0).startswith("](") else
                     "]" + " " * (len(m.group(0)) - 1), s)


def units(lines: list[Line]) -> list[Unit]:
    out: list[Unit] = []
    cur: Unit | None = None
    in_quote = False

    def start(idx: int) -> Unit:
        u = Unit("", [], idx)
        out.append(u)
        return u

    for idx, ln in enumerate(lines):
        k = ln.kind
        if k == "blank":
            cur, in_quote = None, False
            continue
        if k == "quote" or (in_quote and k == "text"):
            cur, in_quote = None, True  # pasted messages are someone else's words
            continue
        if k not in ("text", "list", "table", "heading"):
            cur = None
            continue
        if k in ("list", "table", "heading") or cur is None:
            cur = start(idx)
        raw = ln.text
        if k == "list" or k == "heading":
            col = raw.find(ln.content) if ln.content else len(raw)
        else:
            col = len(raw) - len(raw.lstrip())
        segment = _mask(raw[col:])
        if cur.text:
            cur.text += " "
        cur.starts.append((len(cur.text), ln.no, col))
        cur.text += segment
        if k in ("table", "heading"):
            cur = None
    return [u for u in out if u.text.strip()]
