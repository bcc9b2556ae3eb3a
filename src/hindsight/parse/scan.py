"""A fence-aware line scanner: the block structure of a Markdown document.

A postmortem's structure needs only headings, list items, table rows and
paragraphs, so this reads lines instead of building a full CommonMark tree
(about ten times faster than markdown-it-py on a typical postmortem). It knows
what hides structure: fenced code, HTML comments and front matter, so a
`## heading` or a `| table |` inside a code fence is not structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import split_lines
from . import _mdx

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_LIST = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|[ \t]*$)")
_HR = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_DELIM_CELL = re.compile(r"^\s*:?-+:?\s*$")
_COMMENTS = re.compile(r"<!--.*?-->")
_REFDEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+.*)?$")


@dataclass(slots=True)
class Line:
    """One source line and what it is."""

    no: int  # 1-based line number
    text: str
    kind: str  # blank heading text list table delim quote code fence comment hr front refdef
    indent: int = 0
    level: int = 0  # heading level
    content: str = ""  # heading text, list item text, or the stripped line
    marker: str = ""  # list marker
    _cells: tuple[list[str], list[tuple[int, int]]] | None = None

    def cells(self) -> tuple[list[str], list[tuple[int, int]]]:
        """A table row's cells and their columns, split once however often they are read."""
        if self._cells is None:
            cols = row_cell_columns(self.text)
            self._cells = ([self.text[a:b].replace("\\|", "|") for a, b in cols], cols)
        return self._cells


@dataclass(slots=True)
class Section:
    """A heading and the lines under it up to the next heading of any level."""

    heading: Line
    level: int
    title: str
    kind: str | None
    start: int  # index of the first body line
    end: int  # index past the last own body line (next heading)
    stop: int  # index past the last line including subsections
    parent: Section | None = None
    children: list[Section] = field(default_factory=list)

    @property
    def heading_index(self) -> int:
        return self.start - 1


@dataclass(slots=True)
class Scan:
    lines: list[Line]
    front_matter: tuple[str, str, int, int] | None  # (format, text, first line no, last line no)
    refdefs: dict[str, str]
    unclosed_fence: int | None = None  # the line of a code fence that is never closed


def scan(text: str) -> Scan:
    raw = split_lines(text)
    lines: list[Line] = []
    front = None
    i = 0
    n = len(raw)
    if n and raw[0].strip() in ("---", "+++"):
        fence = raw[0].strip()
        for j in range(1, n):
            if raw[j].strip() == fence or (fence == "---" and raw[j].strip() == "..."):
                fmt = "yaml" if fence == "---" else "toml"
                front = (fmt, "\n".join(raw[1:j]), 2, j)
                for k in range(0, j + 1):
                    lines.append(Line(k + 1, raw[k], "front"))
                i = j + 1
                break
    elif (k := _mdx.preamble_end(raw)):
        # An MDX page's `import`/`export` statements hold its metadata where front matter would.
        front = ("mdx", "\n".join(raw[:k]), 1, k)
        lines.extend(Line(j + 1, raw[j], "front") for j in range(k))
        i = k
    fence_char = ""
    fence_len = 0
    in_comment = False
    refdefs: dict[str, str] = {}
    while i < n:
        t = raw[i]
        no = i + 1
        i += 1
        if fence_char:
            m = _FENCE.match(t)
            if m and m.group(2)[0] == fence_char and len(m.group(2)) >= fence_len and not m.group(3).strip():
                fence_char = ""
                lines.append(Line(no, t, "fence"))
            else:
                lines.append(Line(no, t, "code"))
            continue
        if in_comment:
            lines.append(Line(no, t, "comment"))
            if "-->" in t:
                in_comment = False
            continue
        stripped = t.strip()
        if not stripped:
            lines.append(Line(no, t, "blank"))
            continue
        indent = len(t) - len(t.lstrip())
        first = stripped[0]
        if first == "|" or first.isalpha():
            # Most lines are prose or table rows: no block marker can start them.
            if "|" in stripped:
                lines.append(Line(no, t, "table", indent, content=stripped))
            else:
                lines.append(Line(no, t, "text", indent, content=stripped))
            continue
        m = _FENCE.match(t) if first in "`~" else None
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            fence_char = m.group(2)[0]
            fence_len = len(m.group(2))
            lines.append(Line(no, t, "fence", indent, content=m.group(3).strip()))
            continue
        if stripped.startswith("<!--"):
            lines.append(Line(no, t, "comment", indent, content=stripped))
            if "-->" not in stripped[4:]:
                in_comment = True
            continue
        if indent < 4 and first in "#=-*_":
            m = _HEADING.match(t) if first == "#" else None
            if m:
                content = (m.group(2) or "").strip()
                if "<!--" in content:
                    content = re.sub(r"\s*<!--.*?-->", "", content).strip()
                lines.append(Line(no, t, "heading", indent, len(m.group(1)), content))
                continue
            m = _SETEXT.match(t)
            if m and lines and lines[-1].kind == "text" and lines[-1].indent < 4:
                prev = lines[-1]
                # A paragraph line underlined by === or --- is a heading.
                if not (m.group(1)[0] == "-" and _is_paragraph_continuation(lines)):
                    prev.kind = "heading"
                    prev.level = 1 if m.group(1)[0] == "=" else 2
                    prev.content = prev.text.strip()
                    lines.append(Line(no, t, "hr", indent))
                    continue
            if _HR.match(t):
                lines.append(Line(no, t, "hr", indent))
                continue
        m = _LIST.match(t) if first in "-*+" or first.isdigit() else None
        if m:
            lines.append(Line(no, t, "list", len(m.group(1).expandtabs(4)), content=(m.group(3) or "").strip(),
                              marker=m.group(2)))
            continue
        if first == ">":
            lines.append(Line(no, t, "quote", indent, content=stripped.lstrip(">").strip()))
            continue
        m = _REFDEF.match(t) if first == "[" else None
        if m:
            refdefs.setdefault(m.group(1).strip().lower(), m.group(2))
            lines.append(Line(no, t, "refdef", indent, content=stripped))
            continue
        if "|" in stripped:
            lines.append(Line(no, t, "table", indent, content=stripped))
            continue
        lines.append(Line(no, t, "text", indent, content=stripped))
    _settle_tables(lines)
    unclosed = None
    if fence_char:
        unclosed = next((ln.no for ln in reversed(lines) if ln.kind == "fence"), None)
    return Scan(lines, front, refdefs, unclosed)


def _is_paragraph_continuation(lines: list[Line]) -> bool:
    """True when the text line before a `---` is part of a multi-line paragraph.

    CommonMark would still make it a setext heading, but in real postmortems a
    `---` after a long paragraph is meant as a rule far more often than not.
    """
    return len(lines) >= 2 and lines[-2].kind == "text"


def _settle_tables(lines: list[Line]) -> None:
    """A table is a row followed by a delimiter row; other lines with pipes are text."""
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if ln.kind == "table" and i + 1 < n and lines[i + 1].kind in ("table", "text", "list") \
                and is_delimiter_row(lines[i + 1].text):
            lines[i + 1].kind = "delim"
            j = i + 2
            while j < n and lines[j].kind in ("table", "text") and "|" in lines[j].text:
                lines[j].kind = "table"
                j += 1
            i = j
            continue
        if ln.kind == "table":
            ln.kind = "text"
        i += 1


_DELIM_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


def is_delimiter_row(text: str) -> bool:
    return "|" in text and _DELIM_ROW.match(text) is not None


def row_cell_columns(text: str) -> list[tuple[int, int]]:
    """(start, end) character columns of each cell's trimmed content in a row, for in-place edits."""
    n = len(text)
    if "`" not in text and "\\" not in text:
        # The common case: every pipe splits.
        pipes = []
        k = text.find("|")
        while k != -1:
            pipes.append(k)
            k = text.find("|", k + 1)
        return _cells_between(text, pipes)
    pipes: list[int] = []
    in_code = False
    k = 0
    while k < n:
        c = text[k]
        if c == "\\" and k + 1 < n and text[k + 1] == "|":
            k += 2
            continue
        if c == "`":
            in_code = not in_code
        elif c == "|" and not in_code:
            pipes.append(k)
        k += 1
    return _cells_between(text, pipes)


def _cells_between(text: str, pipes: list[int]) -> list[tuple[int, int]]:
    n = len(text)
    bounds = [-1, *pipes, n]
    spans: list[tuple[int, int]] = []
    for left, right in zip(bounds, bounds[1:]):
        seg = text[left + 1:right]
        core = seg.strip(" \t")
        if core:
            a = left + 1 + (len(seg) - len(seg.lstrip(" \t")))
            spans.append((a, a + len(core)))
        else:
            spans.append((right, right))
    if pipes and not text[: pipes[0]].strip():
        spans.pop(0)  # the row opens with a pipe
    if pipes and len(spans) > 1 and not _COMMENTS.sub("", text[pipes[-1] + 1:]).strip():
        spans.pop()  # the row closes with a pipe (and perhaps a comment after it, such as a suppression)
    return spans


def build_sections(lines: list[Line], classify) -> list[Section]:
    """Sections for every heading; `classify(text, level, parent)` names the standard's section kind."""
    heads = [i for i, ln in enumerate(lines) if ln.kind == "heading"]
    sections: list[Section] = []
    stack: list[Section] = []
    for pos, idx in enumerate(heads):
        ln = lines[idx]
        end = heads[pos + 1] if pos + 1 < len(heads) else len(lines)
        stop = len(lines)
        for nxt in heads[pos + 1:]:
            if lines[nxt].level <= ln.level:
                stop = nxt
                break
        while stack and stack[-1].level >= ln.level:
            stack.pop()
        parent = stack[-1] if stack else None
        sec = Section(ln, ln.level, ln.content, None, idx + 1, end, stop, parent)
        sec.kind = classify(sec)
        if parent:
            parent.children.append(sec)
        sections.append(sec)
        stack.append(sec)
    return sections
