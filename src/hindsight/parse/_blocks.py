"""Blocks of a section: paragraphs, list items (nested), tables, quotes, headings.

Built from the scanner's classified lines; code, comments and front matter
never become blocks, so nothing inside them is read as structure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .scan import Line

_CHECK = re.compile(r"^\[([ xX✓✔])\](?:\s+|$)")


@dataclass(slots=True)
class Block:
    kind: str  # para item table quote heading
    start: int  # index of the first line
    end: int  # index past the last line
    text: str = ""
    # list items
    indent: int = 0
    marker: str = ""
    check: str | None = None
    depth: int = 0
    parent: Block | None = None
    children: list[Block] = field(default_factory=list)
    more: list[str] = field(default_factory=list)  # later paragraphs inside the item
    # tables
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str], list[tuple[int, int]]]] = field(default_factory=list)
    # headings
    level: int = 0

    def all_text(self) -> str:
        """The item's text followed by its nested items' text, for items with sub-points."""
        parts = [self.text]
        for c in self.children:
            parts.append(c.all_text())
        return " ".join(p for p in parts if p)


_INLINE_COMMENT = re.compile(r"\s*<!--.*?-->")


def join_text(parts: Iterable[str]) -> str:
    out = " ".join(p.strip() for p in parts if p.strip())
    if "<!--" in out:
        out = _INLINE_COMMENT.sub("", out).strip()
    return out.replace("  ", " ") if "  " in out else out


def blocks(lines: list[Line], ranges: list[tuple[int, int]]) -> list[Block]:
    """The blocks in the given line-index ranges, in document order."""
    out: list[Block] = []
    for lo, hi in ranges:
        _blocks_in(lines, lo, hi, out)
    return out


def _blocks_in(lines: list[Line], lo: int, hi: int, out: list[Block]) -> None:
    i = lo
    stack: list[Block] = []  # open list items, innermost last
    while i < hi:
        ln = lines[i]
        k = ln.kind
        if k == "list":
            while stack and stack[-1].indent >= ln.indent:
                stack.pop()
            text = ln.content
            check = None
            m = _CHECK.match(text)
            if m:
                check = "x" if m.group(1) != " " else " "
                text = text[m.end():]
            parent = stack[-1] if stack else None
            item = Block("item", i, i + 1, indent=ln.indent, marker=ln.marker, check=check,
                         depth=(parent.depth + 1) if parent else 0, parent=parent)
            if parent:
                parent.children.append(item)
            parts = [text]
            j = i + 1
            # Continuation lines of the first paragraph (lazy or indented).
            while j < hi and lines[j].kind == "text":
                parts.append(lines[j].content)
                j += 1
            item.text = join_text(parts)
            item.end = j
            out.append(item)
            stack.append(item)
            i = j
            # Later indented paragraphs still belong to the innermost open item.
            while i < hi:
                k2 = lines[i].kind
                if k2 == "blank" or k2 in ("code", "fence", "comment"):
                    i += 1
                    continue
                if stack and k2 in ("text", "quote", "table") and lines[i].indent > stack[-1].indent:
                    owner = next((s for s in reversed(stack) if lines[i].indent > s.indent), stack[0])
                    j = i
                    parts = []
                    while j < hi and lines[j].kind in ("text", "quote", "table") \
                            and lines[j].indent > owner.indent:
                        if lines[j].kind != "quote":
                            parts.append(lines[j].content)
                        j += 1
                    if parts:
                        owner.more.append(join_text(parts))
                    for s in stack:
                        s.end = max(s.end, j)
                    i = j
                    continue
                break
            if i < hi and lines[i].kind != "list":
                stack.clear()
            continue
        stack.clear()
        if k == "heading":
            out.append(Block("heading", i, i + 1, text=ln.content, level=ln.level))
            i += 1
        elif k == "text":
            j = i
            parts = []
            while j < hi and lines[j].kind == "text":
                parts.append(lines[j].content)
                j += 1
            out.append(Block("para", i, j, text=join_text(parts)))
            i = j
        elif k == "quote":
            j = i
            paras: list[list[str]] = [[]]
            while j < hi and lines[j].kind in ("quote", "text"):
                if lines[j].content:
                    paras[-1].append(lines[j].content)
                elif paras[-1]:
                    paras.append([])  # a bare `>` separates paragraphs
                j += 1
            out.append(Block("quote", i, j, text="\n\n".join(join_text(p) for p in paras if p)))
            i = j
        elif k == "table":
            j = i + 1
            table = Block("table", i, i + 1, header=ln.cells()[0])
            if j < hi and lines[j].kind == "delim":
                j += 1
            while j < hi and lines[j].kind == "table":
                table.rows.append((j, *lines[j].cells()))
                j += 1
            table.end = j
            out.append(table)
            i = j
        else:
            i += 1
