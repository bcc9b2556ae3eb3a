"""Imported events merged into a postmortem's Timeline table, in place.

Each imported row ends with an HTML comment naming its source, its id there,
and a digest of the row as it was written:

    | 14:09 | [ack] Acknowledged by Dana. ([PagerDuty](https://…)) <!-- hindsight-import pagerduty:R2 5d41402a --> |

The comment is invisible wherever the Markdown is shown, and the reader drops
it from the event's text. On the next import, a row whose cells still match
its digest is the importer's own, and is updated if the source changed; a row
whose cells do not match was edited by a person and is never touched, nor is
a row without the comment. A line after the table remembers every id imported
(`<!-- hindsight-imported: … -->`), so a row a person deleted is not added
again. New events go where their time puts them among the rows already there;
an event a person already wrote (the same minute and words) is not added
twice. The template's `[TODO: …]` rows are replaced by the first import.

The file is written once, atomically, and not at all if it changed since it
was read, or if the result would not read back with every imported event at
its time and every other row's time unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .._io import replace_text
from ..edit import read_for_edit
from ..errors import InputError, WriteError
from ..model import Postmortem
from ..parse import parse, parse_with_scan, timeline_columns
from ..parse.scan import Scan, row_cell_columns
from ..parse.when import UTC, find_zone, zone, zone_name
from ..standard import is_placeholder
from ..text import TextEdit, apply, line_ending, split_lines
from . import NAMES, Event

#: The most rows one import adds, unless `max_rows` says otherwise: a timeline is read by people.
MAX_ROWS = 500
_MARK = re.compile(r"\s*<!-- hindsight-import (?P<source>[a-z]+):(?P<id>\S+) (?P<digest>[0-9a-f]{8}) -->\s*$")
_SEEN = re.compile(r"^\s*<!-- hindsight-imported: (?P<keys>[^>]*?) -->\s*$")
#: A link a row may carry: a web address with nothing that could end the link, the cell or the table row.
_LINK = re.compile(r"https?://[^\s()<>|\[\]`\\]+")
_UNSAFE_ID = re.compile(r"[^\w./:@+=-]|--")
_SUFFIX = re.compile(r"\s*\(\[?(?:" + "|".join(re.escape(n) for n in NAMES.values()) + r")\]?(?:\([^)]*\))?\)\s*$")


@dataclass
class Merge:
    """What an import did, or would do, to one postmortem."""

    text: str
    added: list[Event] = field(default_factory=list)
    updated: list[Event] = field(default_factory=list)
    unchanged: int = 0
    edited: list[Event] = field(default_factory=list)  # rows a person changed: left as they are
    removed: list[Event] = field(default_factory=list)  # rows a person deleted: not added again
    duplicates: list[Event] = field(default_factory=list)  # already in a row a person wrote
    placeholders: int = 0  # the template's `[TODO: …]` rows replaced
    zone: str = "UTC"  # the zone the rows are written in

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.placeholders)


@dataclass
class _Row:
    no: int  # 1-based line
    text: str
    cells: list[str]  # trimmed, the event cell without its import comment
    key: str | None = None  # `source:id` of an imported row
    digest: str = ""
    at: dt.datetime | None = None


@dataclass
class _Table:
    header: int  # 1-based line of the header row (of the table to create, when `create` is set)
    end: int  # 1-based line after the last row
    rows: list[_Row]
    columns: int
    time: int
    event: int
    source: int | None  # a Source column, where the table has one
    seen_line: int | None  # 1-based line of the `hindsight-imported` comment
    seen: set[str]
    tz: dt.tzinfo
    create: list[str] | None = None  # the header and delimiter rows of a table the section lacks


def digest(cells: list[str]) -> str:
    """A short hash of a row's cells as written, by which the next import tells whether a person edited it."""
    return hashlib.sha1("\x1f".join(c.strip() for c in cells).encode("utf-8", "replace")).hexdigest()[:8]


def key_of(e: Event) -> str:
    return f"{e.source}:{_UNSAFE_ID.sub('_', e.id)[:120]}"


def _zone(pm: Postmortem, header: str) -> dt.tzinfo:
    found = find_zone(header)
    if found:
        return found[0]
    return next((e.at.tzinfo for e in pm.timeline if e.at is not None and e.at.tzinfo is not None), None) \
        or zone(pm.timezone or "UTC") or UTC


def _table(pm: Postmortem, sc: Scan, lines: list[str]) -> _Table:
    span = pm.spans.get("timeline")
    if span is None:
        raise InputError("the postmortem has no Timeline section; add `## Timeline` (the standard's template has "
                         "one), then import again")
    kinds = {ln.no: ln.kind for ln in sc.lines}
    header = next((no - 1 for no in range(span.line, span.end_line + 1) if kinds.get(no) == "delim"
                   and kinds.get(no - 1) == "table" and (kinds.get(no + 1) == "table" or timeline_columns(
                       [lines[no - 2][a:b] for a, b in row_cell_columns(lines[no - 2])], [])[0] is not None)), None)
    if header is None:
        if any(span.line <= e.line <= span.end_line for e in pm.timeline):
            raise InputError(f"the Timeline (line {span.line}) is not a `| Time | Event |` table, so imported "
                             "rows have nowhere to go; write it as a table (`hindsight convert` does), then "
                             "import again")
        # No table and no events: one goes after the section's text.
        after = max((no for no in range(span.line, span.end_line + 1)
                     if kinds.get(no) not in ("blank", "hr", "comment")), default=span.line)
        tz = _zone(pm, "")
        return _Table(header=after + 1, end=after + 1, rows=[], columns=2, time=0, event=1, source=None,
                      seen_line=None, seen=set(), tz=tz,
                      create=[f"| Time ({zone_name(tz)}) | Event |", "|------------|-------|"])
    end = header + 2
    while kinds.get(end) == "table":
        end += 1
    head = [lines[header - 1][a:b] for a, b in row_cell_columns(lines[header - 1])]
    at_of = {e.line: e.at for e in pm.timeline}
    rows = []
    for no in range(header + 2, end):
        text = lines[no - 1]
        rows.append(_Row(no=no, text=text, cells=[text[a:b] for a, b in row_cell_columns(text)], at=at_of.get(no)))
    time, event = timeline_columns(head, [r.cells for r in rows])
    if time is None or event is None:
        raise InputError(f"the Timeline table (line {header}) has no time and event columns; give it a "
                         "`| Time | Event |` header, then import again")
    for r in rows:
        if event < len(r.cells) and (m := _MARK.search(r.cells[event])):
            r.cells[event] = r.cells[event][:m.start()].strip()
            r.key, r.digest = f"{m.group('source')}:{m.group('id')}", m.group("digest")
    seen_line, seen = None, set()
    for no in range(end, max(span.end_line, end) + 1):
        if no <= len(lines) and (m := _SEEN.match(lines[no - 1])):
            seen_line, seen = no, set(m.group("keys").split())
            break
    source = next((i for i, h in enumerate(head) if i not in (time, event) and
                   re.search(r"\b(?:source|via|from)\b", h, re.I)), None)
    return _Table(header=header, end=end, rows=rows, columns=max(2, len(head)), time=time, event=event,
                  source=source, seen_line=seen_line, seen=seen, tz=_zone(pm, lines[header - 1]))


def _cells(e: Event, t: _Table, dated: bool) -> list[str]:
    local = e.at.astimezone(t.tz)
    via = f"[{NAMES[e.source]}]({e.url})" if e.url and _LINK.fullmatch(e.url) else NAMES[e.source]
    text = f"{e.mark} {e.text}" if e.mark else e.text
    cells = [""] * t.columns
    cells[t.time] = local.strftime("%Y-%m-%d %H:%M" if dated else "%H:%M")
    if t.source is not None:
        cells[t.event], cells[t.source] = text, via
    else:
        cells[t.event] = f"{text} ({via})"
    return cells


def _row(key: str, cells: list[str], t: _Table) -> str:
    shown = list(cells)
    shown[t.event] = f"{cells[t.event]} <!-- hindsight-import {key} {digest(cells)} -->"
    return "| " + " | ".join(shown) + " |"


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", _SUFFIX.sub("", text).casefold()))


def _minute(at: dt.datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%d%H%M")


def plan(text: str, events: list[Event], *, shown: str = "postmortem", max_rows: int = MAX_ROWS) -> Merge:
    """The postmortem's text with `events` merged into its Timeline, and an account of what changed."""
    pm, sc = parse_with_scan(text, path=shown)
    if sc is None:
        raise InputError("the document is too deeply nested to read", path=shown)
    lines = split_lines(text)
    table = _table(pm, sc, lines)
    days = {r.at.astimezone(table.tz).date() for r in table.rows if r.at is not None} | \
        {e.at.astimezone(table.tz).date() for e in events}
    dated = pm.date is None or any(d != pm.date for d in days)
    before = _others(pm, lines)
    merge = _merge(text, table, events, dated, shown, max_rows)
    problem = _reads_back(merge, before, shown) if merge.changed else None
    if problem and not dated:
        # A time written alone was read on another day than it happened: write every imported row's day.
        merge = _merge(text, table, events, True, shown, max_rows)
        problem = _reads_back(merge, before, shown)
    if problem:
        raise WriteError(f"{problem}; nothing was written", path=shown)
    return merge


def _merge(text: str, t: _Table, events: list[Event], dated: bool, shown: str, max_rows: int) -> Merge:
    merge = Merge(text=text, zone=zone_name(t.tz))
    by_key = {r.key: r for r in t.rows if r.key}
    written = {(_minute(r.at), _words(r.cells[t.event])) for r in t.rows
               if r.at is not None and r.key is None and t.event < len(r.cells)}
    edits: list[TextEdit] = []
    pending: list[tuple[Event, str]] = []
    for e in events:
        key, cells = key_of(e), _cells(e, t, dated)
        row = by_key.get(key)
        if row is not None:
            if digest(row.cells) != row.digest:
                merge.edited.append(e)
            elif [c.strip() for c in row.cells] == [c.strip() for c in cells]:
                merge.unchanged += 1
            else:
                edits.append(TextEdit(row.no, 0, row.no, len(row.text), _row(key, cells, t)))
                merge.updated.append(e)
        elif key in t.seen:
            merge.removed.append(e)
        elif (_minute(e.at), _words(e.text)) in written:
            merge.duplicates.append(e)
        else:
            pending.append((e, _row(key, cells, t)))
            merge.added.append(e)
    if len(merge.added) > max_rows:
        raise InputError(f"this would add {len(merge.added)} rows to the Timeline, more than {max_rows}; narrow it "
                         "with --since, --until or --only (or raise --max-rows)", path=shown)
    if not merge.added and not merge.updated:
        return merge
    eol = line_ending(text)
    if merge.added:
        for r in t.rows:
            if r.key is None and any(is_placeholder(c) for c in r.cells):
                edits.append(TextEdit(r.no, 0, r.no + 1, 0, ""))  # the template's `[TODO: …]` row
                merge.placeholders += 1
    # Each new row goes before the first row that happened after it; the rest after the last row.
    queue = sorted(pending, key=lambda p: p[0].at)
    for r in t.rows:
        before = []
        while queue and r.at is not None and queue[0][0].at < r.at:
            before.append(queue.pop(0)[1])
        if before:
            edits.append(TextEdit(r.no, 0, r.no, 0, "".join(row + eol for row in before)))
    tail = [row for _, row in queue]
    seen = t.seen | {key_of(e) for e in merge.added} | {r.key for r in t.rows if r.key}
    seen_text = f"<!-- hindsight-imported: {' '.join(sorted(seen))} -->"
    if t.seen_line is not None:
        if seen != t.seen:
            edits.append(TextEdit(t.seen_line, 0, t.seen_line, len(split_lines(text)[t.seen_line - 1]), seen_text))
    elif seen:
        following = split_lines(text)[t.end - 1] if t.end - 1 < len(split_lines(text)) else ""
        tail += ["", seen_text] + ([""] if following.strip() else [])
    if t.create is not None:
        tail = ([""] if t.header > 1 else []) + t.create + tail
    if tail:
        edits.append(TextEdit(t.end, 0, t.end, 0, "".join(row + eol for row in tail)))
    merge.text = apply(text, edits)
    return merge


def _others(pm: Postmortem, lines: list[str]) -> list[tuple[int, str, dt.datetime | None]]:
    """(line, time as written, when) of every timeline event no import wrote, in order: an import must not
    move any of them."""
    return [(e.line, e.time_text, e.at) for e in pm.timeline
            if e.line > len(lines) or "<!-- hindsight-import " not in lines[e.line - 1]]


def _reads_back(merge: Merge, others: list[tuple[int, str, dt.datetime | None]], shown: str) -> str | None:
    """What would be read wrongly: an added or updated event not read at its minute, or another event read
    at another time than it had; None when everything reads back."""
    after = parse(merge.text, path=shown)
    have = {_minute(e.at) for e in after.timeline if e.at is not None}
    for e in merge.added + merge.updated:
        if _minute(e.at) not in have:
            return (f"the imported event of {e.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC would not be read at its time; "
                    "check the Timeline table's time column")
    now = _others(after, split_lines(merge.text))
    for (line, written, was), (_, _, read) in zip(others, now):
        if (was and _minute(was)) != (read and _minute(read)):
            shown_as = f"{read:%Y-%m-%d %H:%M}" if read else "no time"
            return (f"line {line} (`{written}`) would be read as {shown_as} instead of {was:%Y-%m-%d %H:%M} once "
                    "the imported rows are before it; write its day on it (YYYY-MM-DD HH:MM), then import again")
    return None if len(now) == len(others) else "the Timeline's rows would not read back as they were"


def import_into(path: Path, events: list[Event], *, dry_run: bool = False, shown: str | None = None,
                expected_version: str | None = None, max_rows: int = MAX_ROWS) -> Merge:
    """Merge `events` into the postmortem at `path` and write it once, atomically (unless `dry_run`)."""
    shown = shown or str(path)
    data, text = read_for_edit(path, expected_version, shown)
    merge = plan(text, events, shown=shown, max_rows=max_rows)
    if merge.changed and not dry_run:
        replace_text(path, merge.text, expected=data, bom=data.startswith(b"\xef\xbb\xbf"), shown=shown)
    return merge
