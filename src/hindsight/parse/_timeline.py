"""Timeline events from tables, bullets, per-time headings and plain lines.

Times are resolved to full date-times the way a careful reader would: a day
heading or a date in the row sets the day, a base date stated in the section
("All times in PST, on February 5th 2019") holds unless a row says otherwise,
and a time more than six hours earlier than the one before it has crossed
midnight.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..model import Diagnostic, TimelineEvent
from ..standard import is_placeholder
from ._blocks import Block, join_text
from .scan import Line
from .when import When, find_date, find_zone, match_when

_COMMENT = re.compile(r"\s*<!--.*?-->")

_ROLLOVER = dt.timedelta(hours=6)
_FOOTNOTE = re.compile(r"\[\^[^\]]*\]")
_WRAPS = (("**", "**"), ("__", "__"), ("`", "`"), ("[", "]"), ("*", "*"), ("_", "_"))
_SEP = re.compile(r"^\s*(?:[:,|.)\]]|[-–—]+|\s)\s*")
_RANGE_TAIL = re.compile(r"^\s*(?:to|until|-|–|—)\s*(?:\*\*|`|\[)?")
_UNKNOWN_TIME = re.compile(r"^[\dX?\-:/. MDYHhms]{1,24}$")
_DATE_LABEL = re.compile(r"^(?:date|day|on)\s*:?\s*", re.I)
_BR = re.compile(r"<br\s*/?>", re.I)
# A day that labels what follows: wrapped (`**Feb 05, 2021:**`, `[2021-02-05]`) or followed by a colon or dash.
_DAY_LABEL = re.compile(r"^\s*(?:\*\*|__|`|\[)|^\s*[^:–—]{4,40}?\d\s*(?:[:–—]|\s-\s)")
_TIME_WORDS = ("time", "date", "when", "timestamp", "at")
_EVENT_WORDS = ("event", "description", "what", "action", "detail", "activity", "update", "note", "summary")


@dataclass(slots=True)
class Lead:
    """The time at the start of a line of text, and the rest."""

    when: When | None
    time_text: str
    rest: str


def _unwrap_whole(s: str) -> str:
    if s.startswith("**") and s.endswith("**") and s.count("**") == 2 and len(s) > 4:
        return s[2:-2].strip()
    return s


def _strip_sep(s: str) -> str:
    return _SEP.sub("", s, count=1).strip() if s else s


_APPROX = re.compile(r"^(?:~|≈|approx(?:imately|\.)?\s+|around\s+|circa\s+|ca\.\s*|about\s+)\s*", re.I)
_VAGUE_TIME = re.compile(
    r"(?:(?:around|about|approximately|approx\.?|roughly|circa|sometime|shortly|just|early|late|mid)\s+)?(?:in\s+the\s+)?"
    r"(?:lunch(?:time)?|noon|midday|midnight|morning|afternoon|evening|night|dawn|dusk|later|earlier|soon|after|before|"
    r"then|eod|end\s+of\s+(?:the\s+)?day|overnight|the\s+next\s+(?:day|morning))(?:\s+\w+)?", re.I)
_DOT_TIME = re.compile(r"^([01]?\d|2[0-3])\.([0-5]\d)(?=\s|:|$)")
_PLAIN_RANGE = re.compile(r"^\s*(?:-|–|—|to|until)\s*")


def leading_time(text: str) -> Lead | None:
    """`[08:47] x`, `**18:53** x`, `` `07:35` x``, `2:54 PM PST: x`, `2023-MM-DD: x` (unreadable)."""
    s = _unwrap_whole(_FOOTNOTE.sub("", text).strip())
    written = s
    s = _APPROX.sub("", s, count=1)
    for o, c in _WRAPS:
        if not s.startswith(o) or (o in "*_" and s.startswith(o * 2) and len(o) == 1):
            continue
        k = s.find(c, len(o))
        if k <= 0 or k > 64:
            break
        inner = s[len(o):k].strip()
        rest = s[k + len(c):]
        w = match_when(inner)
        if w and not inner[w.end:].strip(" :-–—,"):
            time_text = inner.rstrip(" :")
            m = _RANGE_TAIL.match(rest)
            if m:
                w2 = match_when(rest, m.end())
                if w2 and w2.has_time:
                    end = w2.end
                    while end < len(rest) and rest[end] in "*`]":
                        end += 1
                    time_text = f"{time_text} to {w2.text}"
                    rest = rest[end:]
            return Lead(w, time_text, _strip_sep(rest))
        if w is None and inner and _UNKNOWN_TIME.match(inner) and (any(ch.isdigit() for ch in inner) or "?" in inner):
            return Lead(None, inner, _strip_sep(rest))
        break
    if s.startswith(("**", "__")) and (w := match_when(s, 2)) is not None and w.has_time:
        # `**09:11:59 PM UTC — Exploit execution** (block 23,914,086)`: the emphasis runs on past the time.
        rest = s[w.end:].replace(s[:2], "", 1)
        return Lead(w, w.text, _strip_sep(rest))
    w = match_when(s)
    if w is None and (m := _DOT_TIME.match(s)):
        # "14.30 event": a European way to write 14:30.
        w = match_when(f"{m.group(1)}:{m.group(2)}")
        if w is not None:
            w.end, w.text = m.end(), m.group(0)
    if w:
        rest = s[w.end:]
        if rest and rest[0] not in " \t:,-–—|).]":
            return None
        time_text = w.text
        if w.has_time and (r := _PLAIN_RANGE.match(rest)):
            w2 = match_when(rest, r.end())
            if w2 and w2.has_time and w2.end < len(rest) and rest[w2.end] in " \t:,-–—|)":
                time_text = f"{time_text}–{w2.text}"  # 14:30-14:45: a span, read at its start
                rest = rest[w2.end:]
        if w.has_date and not w.has_time:
            # `2022-02-02 X: ...`, `2019-12-03 --:--`: a day, and a time nobody can read.
            m = re.match(r"\s+([^\s:]{1,6}|--:--)(?=:\s|\s*$)", rest)
            if m and (not m.group(1).isalpha() or len(m.group(1)) <= 2):
                time_text = f"{time_text} {m.group(1)}"
                w.readable = False
                rest = rest[m.end():]
        return Lead(w, time_text, _strip_sep(rest))
    head = s.split(":", 1)[0] if ": " in s[:26] else ""
    if head and _UNKNOWN_TIME.match(head) and any(ch.isdigit() for ch in head):
        return Lead(None, head.strip(), s[len(head) + 1:].strip())
    vague = written.split(":", 1)[0] if ": " in written[:40] else ""
    if vague and _VAGUE_TIME.fullmatch(vague.strip(" *_`")):
        # `around lunch: the team met`: a time, but not one anybody can place.
        return Lead(None, vague.strip(" *_`"), written[len(vague) + 1:].strip())
    return None


def _date_line(text: str) -> When | None:
    """A paragraph or heading that is only a day: `2019-01-22`, `**Date: 2023-11-22**`, `2025-07-26 Saturday`."""
    s = _unwrap_whole(text.strip().strip("*_` "))
    s = _DATE_LABEL.sub("", s)
    w = match_when(s, date_kinds=("iso", "mdy", "dmy"))
    if not w or not w.has_date or w.has_time:
        return None
    tail = s[w.end:].strip(" ,:-–—()*_")
    if tail and not re.fullmatch(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day", tail, re.I):
        return None
    return w


@dataclass(slots=True)
class _State:
    hint: dt.date | None  # the incident date
    tz: dt.tzinfo
    base: dt.date | None = None
    stated_base: bool = False  # "unless otherwise noted, all events happened on ..."
    current: dt.date | None = None
    prev: dt.datetime | None = None
    written: dt.date | None = None  # the last date written in a row, as written
    shift: dt.timedelta = dt.timedelta(0)  # days added to it after crossing midnight


class TimelineReader:
    """Reads every timeline section of one document, in order, into events."""

    def __init__(self, hint: dt.date | None, tz: dt.tzinfo):
        self.st = _State(hint=hint, tz=tz)
        self.events: list[TimelineEvent] = []
        self.diagnostics: list[Diagnostic] = []
        self.first_explicit_date: dt.date | None = None
        self.zones: list[dt.tzinfo] = []  # zones the timeline sections state

    # -- resolution ---------------------------------------------------------------------------------
    def _resolve(self, w: When | None, line_no: int):
        st = self.st
        if w is None:
            return None, None, None
        tz = w.tz or st.tz
        explicit = w.has_date
        if explicit:
            d = w.date_near(st.current or st.base or st.hint)
            if d is None:
                return None, None, None
            if d == st.written:
                d += st.shift  # `[03-26 05:16]` after `[03-26 02:50]` was read as the 27th
            else:
                st.written, st.shift = d, dt.timedelta(0)
            if self.first_explicit_date is None:
                self.first_explicit_date = d
            if not st.stated_base:
                st.current = d
        else:
            d = st.current or st.base or st.hint
        if not w.has_time or not w.readable:
            if d is None:
                return None, None, None
            at = dt.datetime.combine(d, dt.time(0, 0), tz)
            if st.prev is None or st.prev.date() < d:
                st.prev = at
            return at, d, "date"
        if d is None:
            return None, None, None
        at = dt.datetime.combine(d, w.time(), tz)
        prev = st.prev
        if prev is not None and at < prev - _ROLLOVER and (not explicit or d == prev.date()):
            while at < prev - _ROLLOVER:
                at += dt.timedelta(days=1)
                if explicit:
                    st.shift += dt.timedelta(days=1)
            if explicit:
                self.diagnostics.append(Diagnostic(
                    severity="info", code="timeline-date-advanced", line=line_no,
                    message=f"`{w.text}` follows `{prev.strftime('%H:%M')}` on the same day; read as {at.date()}"))
            st.current = at.date()
        st.prev = at
        precision = "second" if w.second is not None else "minute"
        return at, at.date(), precision

    def _add(self, w: When | None, time_text: str, event: str, start: int, end: int) -> None:
        # An HTML comment (an imported row's source id) is not part of what happened.
        event = _COMMENT.sub("", event).strip() if "<!--" in event else event
        if is_placeholder(event):
            self.diagnostics.append(Diagnostic(severity="info", code="placeholder", line=start,
                                               message="a timeline event is still a `[TODO: …]` placeholder"))
            return
        at, d, precision = self._resolve(w, start)
        if at is None and time_text:
            self.diagnostics.append(Diagnostic(
                severity="warning", code="timeline-unreadable-time", line=start,
                message=f"cannot read the time `{time_text}` of a timeline event; "
                        "write it as HH:MM or YYYY-MM-DD HH:MM"))
        elif not time_text:
            self.diagnostics.append(Diagnostic(
                severity="warning", code="timeline-no-time", line=start,
                message="a timeline event has no time; start it with HH:MM"))
        self.events.append(TimelineEvent(at=at, date=d, precision=precision, time_text=time_text,
                                         event=event, line=start, end_line=end))

    # -- sections -----------------------------------------------------------------------------------
    def read_section(self, heading: str, blocks: list[Block], lines: list[Line]) -> None:
        st = self.st
        intro = [b.text for b in blocks if b.kind == "para" and leading_time(b.text) is None]
        intro_text = " ".join(intro[:3])
        zone = find_zone(heading) or find_zone(intro_text)
        table_zone = next((find_zone(" ".join(b.header)) for b in blocks if b.kind == "table"), None)
        if zone or table_zone:
            st.tz = (zone or table_zone)[0]
            self.zones.append(st.tz)
        base = None
        for p in intro[:3]:
            if _date_line(p) is None and (found := find_date(p)) and found[0]:
                base = found[0]
                break
        st.base = base
        st.stated_base = base is not None
        st.current = base
        heading_event: list | None = None  # [lead, first line index, last line index, texts]
        first = len(self.events)
        # Groups of events under a heading that is neither a day nor a time ("### Analysis of each
        # contract"): if none of a group's events has a time while others do, the group is prose of
        # the section, not events. (events start, diagnostics start)
        groups: list[tuple[int, int]] = []
        for b in blocks:
            if b.kind == "heading":
                self._flush(heading_event, lines)
                heading_event = None
                day = _date_line(b.text)
                if day is not None:
                    self._set_day(day)
                    continue
                lead = leading_time(b.text)
                if lead and lead.when is not None and (lead.when.has_time or not lead.rest):
                    heading_event = [lead, b.start, b.start, [lead.rest]]
                else:
                    groups.append((len(self.events), len(self.diagnostics)))
                continue
            if heading_event is not None:
                # Everything under a time heading tells what happened at that time.
                if b.kind == "para" or (b.kind == "item" and b.depth == 0):
                    heading_event[2] = b.end - 1
                    heading_event[3].append(b.all_text() if b.kind == "item" else b.text)
                continue
            if b.kind == "table":
                self._table(b, lines)
            elif b.kind == "item" and b.depth == 0:
                self._item(b, lines)
            elif b.kind == "para":
                self._para(b, lines)
                if b.text.rstrip("*_ ").endswith(":") and leading_time(b.text) is None:
                    # "The full list of CDN hosts:": the list it introduces is not a run of events.
                    groups.append((len(self.events), len(self.diagnostics)))
        self._flush(heading_event, lines)
        self._drop_untimed_groups(first, groups)

    def _drop_untimed_groups(self, first: int, groups: list[tuple[int, int]]) -> None:
        if not groups or not any(e.time_text for e in self.events[first:]):
            return
        bounds = [*groups, (len(self.events), len(self.diagnostics))]
        drop_events: set[int] = set()
        drop_diags: set[int] = set()
        for (e0, d0), (e1, d1) in zip(bounds, bounds[1:]):
            if e1 > e0 and not any(e.time_text for e in self.events[e0:e1]):
                drop_events.update(range(e0, e1))
                drop_diags.update(range(d0, d1))
        if drop_events:
            self.events = [e for i, e in enumerate(self.events) if i not in drop_events]
            self.diagnostics = [d for i, d in enumerate(self.diagnostics) if i not in drop_diags]

    def _flush(self, pending: list | None, lines: list[Line]) -> None:
        if pending:
            lead, a, z, parts = pending
            self._add(lead.when, lead.time_text, join_text(parts), lines[a].no, lines[z].no)

    def _set_day(self, w: When) -> None:
        d = w.date_near(self.st.current or self.st.base or self.st.hint)
        if d is None:
            return
        if self.first_explicit_date is None:
            self.first_explicit_date = d
        self.st.current = d
        self.st.stated_base = False
        if self.st.prev is not None and self.st.prev.date() != d:
            self.st.prev = None

    def _item(self, b: Block, lines: list[Line]) -> None:
        lead = leading_time(b.text)
        start, end = lines[b.start].no, lines[b.end - 1].no
        children = " ".join(c.all_text() for c in b.children)
        if lead is None:
            day = _date_line(b.text)
            if day is not None and b.children:
                self._set_day(day)
                for c in b.children:
                    self._item(c, lines)
                return
            self._add(None, "", join_text([b.text, children]), start, end)
            return
        self._add(lead.when, lead.time_text, join_text([lead.rest, children]), start, end)

    def _para(self, b: Block, lines: list[Line]) -> None:
        day = _date_line(b.text)
        if day is not None:
            self._set_day(day)
            return
        # Plain lines: each line (or `<br>`-separated part of one) that starts with a time starts an
        # event; so does a day written as a label (`**Feb 05, 2021:** Disclosure`).
        current: list | None = None
        for idx in range(b.start, b.end):
            ln = lines[idx]
            if ln.kind != "text":
                continue
            for part in _BR.split(ln.content):
                lead = leading_time(part)
                if lead is not None and lead.when is not None and (
                        lead.when.has_time or (lead.rest and _DAY_LABEL.match(part))):
                    self._flush(current, lines)
                    current = [lead, idx, idx, [lead.rest]]
                elif current:
                    current[2] = idx
                    current[3].append(part)
        self._flush(current, lines)

    def _table(self, b: Block, lines: list[Line]) -> None:
        if not b.rows:
            return
        tcol, ecol = timeline_columns(b.header, [cells for _, cells, _ in b.rows[:5]])
        if tcol is None:
            return
        header = b.header
        for idx, cells, _cols in b.rows:
            no = lines[idx].no
            if len(cells) != len(header):
                self.diagnostics.append(Diagnostic(
                    severity="warning", code="ragged-table-row", line=no,
                    message=f"timeline row has {len(cells)} cells, the header has {len(header)}; "
                            "add the missing cells or remove the extra ones"))
            cell = _plain(cells[tcol]) if tcol < len(cells) else ""
            event = cells[ecol].strip() if ecol is not None and ecol < len(cells) else ""
            if not cell and not event:
                continue
            lead = leading_time(cell)
            if lead is not None and lead.when is not None:
                if lead.rest and lead.when.has_date and not lead.when.has_time:
                    lead.when.readable = False
                    lead.time_text = cell
                self._add(lead.when, lead.time_text if not lead.rest else cell, event, no, no)
                continue
            found = find_date(cell, need_year=True)
            if found and found[0]:
                w = match_when(cell, found[1])
                self._add(w, cell, event, no, no)
            else:
                self._add(None, cell, event, no, no)


def timeline_columns(header: list[str], rows: list[list[str]]) -> tuple[int | None, int | None]:
    """(time column, event column) of a timeline table: by the header's words (`Time (UTC)`, `Event`), else
    the column whose first rows start with a time. The time column is None when no column holds times."""
    names = [_plain(h).lower() for h in header]
    tcol = next((i for i, h in enumerate(names) if any(w in h.split() or h.startswith(w) for w in _TIME_WORDS)),
                None)
    if tcol is None:
        for i in range(len(names)):
            if sum(1 for cells in rows[:5] if i < len(cells) and leading_time(cells[i])) >= \
                    max(1, min(len(rows), 5) // 2):
                tcol = i
                break
    if tcol is None:
        return None, None
    ecol = next((i for i, h in enumerate(names) if i != tcol and any(w in h for w in _EVENT_WORDS)), None)
    if ecol is None:
        ecol = next((i for i in range(len(names)) if i != tcol), None)
    return tcol, ecol


def _plain(cell: str) -> str:
    return cell.replace("**", "").replace("__", "").replace("`", "").strip()
