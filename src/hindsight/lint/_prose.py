"""Prose of a document as units (a paragraph, a list item, a table row, a heading) with a map back to
line and column, and with what is not prose (code spans, URLs, link targets, HTML) blanked out so that
nothing inside them is read as words."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..parse.scan import Line

_MASK = re.compile(r"`+[^`]*`+|\]\([^)]*\)|<[^>\n]*>|https?://\S+|\*\*|__|!\[[^\]]*\]")


@dataclass(slots=True)
class Unit:
    text: str
    starts: list[tuple[int, int, int]]  # (offset in text, line number, column of that offset)

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
    if not any(c in s for c in "`]<*_!") and "http" not in s:
        return s
    return _MASK.sub(lambda m: " " * len(m.group(0)) if not m.group(0).startswith("](") else
                     "]" + " " * (len(m.group(0)) - 1), s)


def _groups(lines: list[Line]) -> list[list[int]]:
    """Line indices of each unit: a paragraph, a list item with its wrapped lines, a table row, a heading."""
    groups: list[list[int]] = []
    cur: list[int] | None = None
    in_quote = False
    for idx, ln in enumerate(lines):
        k = ln.kind
        if k == "blank":
            cur, in_quote = None, False
        elif k == "quote" or (in_quote and k == "text"):
            cur, in_quote = None, True  # pasted messages are someone else's words
        elif k not in ("text", "list", "table", "heading"):
            cur = None
        else:
            if k != "text" or cur is None:
                cur = []
                groups.append(cur)
            cur.append(idx)
            if k in ("table", "heading"):
                cur = None
    return groups


def _unit(lines: list[Line], group: list[int]) -> Unit:
    u = Unit("", [])
    for idx in group:
        ln = lines[idx]
        raw = ln.text
        if ln.kind in ("list", "heading"):
            col = raw.find(ln.content) if ln.content else len(raw)
        else:
            col = len(raw) - len(raw.lstrip())
        if u.text:
            u.text += " "
        u.starts.append((len(u.text), ln.no, col))
        u.text += _mask(raw[col:])
    return u


def units(lines: list[Line], words: frozenset[str] | None = None,
          keep: Callable[[str], bool] | None = None) -> list[Unit]:
    """The prose units; with `words`, only those containing one of them (as a substring), and with
    `keep`, only those whose raw text it keeps: usually a handful, and the rest is never assembled."""
    groups = _groups(lines)
    if words is not None:
        if not words:
            return []
        low = {i: lines[i].text.lower() for g in groups for i in g}
        groups = [g for g in groups if any(w in low[i] for i in g for w in words)]
    if keep is not None:
        groups = [g for g in groups if keep(" ".join(lines[i].text for i in g))]
    out = [_unit(lines, g) for g in groups]
    return [u for u in out if u.text.strip()]
