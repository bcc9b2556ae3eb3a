"""Markdown text in, `Postmortem` out: the parser's one entry point.

`parse()` never raises on any text; what it could not read becomes a
`Diagnostic` with a line number. `read()` adds the file checks (exists, is
text, is UTF-8, is not absurdly large) and raises `ReadError` for those.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..errors import ReadError
from ..model import (
    ContributingFactor,
    Diagnostic,
    Heading,
    ImpactMetric,
    Link,
    Note,
    Postmortem,
    RootCause,
    Sla,
    Span,
    Why,
)
from ..standard import TEMPLATE_TEXT, is_blank_value, is_placeholder
from . import _access, _cause, _mdx
from . import sections as S
from ._actions import ActionReader
from ._blocks import Block, blocks
from ._timeline import TimelineReader
from .scan import Line, Scan, Section, build_sections, row_cell_columns, scan
from .when import (
    UTC,
    find_date,
    find_range,
    find_stated_duration,
    find_zone,
    match_when,
    parse_duration,
    zone_name,
)

#: Files larger than this are refused: no postmortem is 32 MiB of text.
MAX_BYTES = 32 * 1024 * 1024

_META = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z /()-]{1,30}?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)"
    r"\s*(?P<value>.*?)\s*(?:\*\*|__)?\s*$")
_META_KEYS = {
    "date": "date", "incident date": "date", "date of incident": "date", "incident-date": "date",
    "duration": "duration", "total duration": "duration", "outage duration": "duration",
    "severity": "severity", "sev": "severity", "severity level": "severity", "priority": "severity",
    "author": "author", "authors": "author", "author(s)": "author", "created by": "created_by",
    "written by": "author", "prepared by": "author", "owner": "author", "incident commander": "commander",
    "status": "status", "document status": "status", "postmortem status": "status", "state": "status",
    "start": "start", "started": "start", "start time": "start", "began": "start", "detected": "detected",
    "end": "end", "ended": "end", "end time": "end", "resolved": "end", "resolved at": "end",
    "date/time": "date", "date and time": "date", "when": "date",
    "time to recovery": "duration", "time to recover": "duration", "time to resolution": "duration",
    "time to resolve": "duration", "time to restore": "duration", "ttr": "duration", "mttr": "duration",
    "root cause": "root_cause", "root causes": "root_cause", "cause": "root_cause", "causes": "root_cause",
}
# Metadata a document may write as a heading with its value below (`## Date` then `2025-04-14`).
_META_SECTIONS = ("date", "duration", "severity", "author", "root_cause")
_BR = re.compile(r"<br\s*/?>", re.I)
# A title that dates a report rather than an incident.
_REPORTED = re.compile(r"\b(?:disclos\w*|published|announcement|notice|updated?)\b", re.I)
_URL_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_LATE_KINDS = (S.TIMELINE, S.ACTION_ITEMS, S.LESSONS, S.WENT_WELL, S.COULD_IMPROVE, S.APPENDIX)
# Sections that list facts about the incident as `Key: value` lines.
_STATS_SECTIONS = {"stats", "statistics", "metadata", "incident metadata", "key facts", "facts", "incident information",
                   "incident info", "metrics", "key metrics"}
# Sections whose prose is not where a document states its cause.
_NOT_CAUSES = {"thanks", "acknowledgements", "acknowledgments", "contact", "contact and future updates",
               "about us", "about", "disclaimer"}
_FM_KEYS = {
    "severity": "severity", "sev": "severity", "status": "status", "author": "author", "authors": "author",
    "duration": "duration", "start": "start", "end": "end", "incident_date": "date", "incident-date": "date",
    "resolved": "end", "resolved_at": "end",
}
_TEMPLATE_LINES = tuple(t.lower() for t in TEMPLATE_TEXT if not t.startswith("["))
_SEVERITY = re.compile(r"^\s*p(\d)\b", re.I)
_NUMBER = re.compile(r"(?<![\w.])[~≈<>]?\s*\$?\s*(\d[\d,]*(?:\.\d+)?)\s*(k|m|mm|million|thousand|%)?", re.I)
_PERCENT_LABEL = re.compile(r"(target|actual|objective|slo|achieved)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*%", re.I)
_IMPACT_KEYS = {
    "duration": "duration", "users affected": "users_affected", "affected users": "users_affected",
    "customers affected": "users_affected", "users impacted": "users_affected", "requests failed": "requests_failed",
    "failed requests": "requests_failed", "errors": "requests_failed", "error rate": "error_rate",
    "revenue impact": "revenue_impact", "revenue": "revenue_impact", "estimated revenue impact": "revenue_impact",
    "sla status": "sla_status", "sla": "sla_status", "slo status": "sla_status", "slo": "sla_status",
}
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(\s*<?([^)\s>]+)>?[^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>|(?<![(<\[])\b(https?://[^\s)>\]]+)")
_WHY = re.compile(r"\bwhy\b", re.I)
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)([^*_:]{2,60}?)\s*\1\s*$")
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+hours\s+of\s+)?(\S+(?:\s?[ap]m)?)\s+and\s+"
                      r"(\S+(?:\s?[ap]m)?(?:\s+[A-Z]{2,4})?)", re.I)


def decode(data: bytes, path: str | Path) -> str:
    """Bytes of a file to text, or a `ReadError` that says where and what to do."""
    if len(data) > MAX_BYTES:
        raise ReadError(f"the file is {len(data) / 1048576:.0f} MiB, more than a postmortem can be "
                        f"({MAX_BYTES // 1048576} MiB at most); is it the right file?", path=path)
    if b"\x00" in data[:65536] or b"\x00" in data[-4096:]:
        raise ReadError("this is a binary file, not Markdown text; give the path of a .md file", path=path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ReadError(f"byte {e.start} is not valid UTF-8 (0x{data[e.start]:02x}); "
                        "save the file as UTF-8 and try again", path=path, line=line) from None


def read_bytes(path: str | Path, *, shown: str | None = None) -> bytes:
    """A file's bytes, or a `ReadError` that says what is wrong with the path (named as `shown`, when
    given) and what to do."""
    p = Path(path)
    where = shown if shown is not None else p
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise ReadError("no such file; check the path", path=where) from None
    except IsADirectoryError:
        raise ReadError("this is a folder, not a postmortem file; give the path of a .md file", path=where) from None
    except PermissionError:
        raise ReadError("permission denied; make the file readable", path=where) from None
    except OSError as e:
        raise ReadError(f"cannot read the file ({e.strerror}); check the path", path=where) from None


def read_text(path: str | Path) -> str:
    """A postmortem file's text: `read_bytes` then `decode`."""
    return decode(read_bytes(path), path)


def read(path: str | Path) -> Postmortem:
    """Read and parse one postmortem file."""
    return parse(read_text(path), path=str(path))


def parse(text: str, path: str | None = None) -> Postmortem:
    """Parse the Markdown text of a postmortem. Never raises."""
    return parse_with_scan(text, path)[0]


def parse_with_scan(text: str, path: str | None = None) -> tuple[Postmortem, Scan | None]:
    """`parse`, and the line scan it was built from (for the linter, which reads the lines too)."""
    try:
        parser = _Parser(text, path)
        return parser.run(), parser.sc
    except RecursionError:  # pragma: no cover - deeply nested input; be safe rather than crash
        return Postmortem(path=path, diagnostics=[Diagnostic(
            severity="error", code="unreadable", message="the document is too deeply nested to read")]), None


class _Parser:
    def __init__(self, text: str, path: str | None):
        if text.startswith("\ufeff"):
            text = text[1:]
        self.path = path
        self.stem = Path(path).stem if path else "postmortem"
        self.diagnostics: list[Diagnostic] = []
        self.sc: Scan = scan(text)
        self.lines: list[Line] = self.sc.lines
        _bold_headings(self.lines)
        self.spans: dict[str, Span] = {}
        self._seen: list[Section] = []
        self.sections = build_sections(self.lines, self._classify)
        S.settle(self.sections)

    # -- helpers ------------------------------------------------------------------------------------
    def _classify(self, sec: Section) -> str | None:
        # The opening H1 is a title that may mention a section ("# Incident: Takeaways"): only an
        # exact section name ("# Summary") makes it a section, so its sub-sections are read as usual.
        if sec.level == 1 and sec.parent is None and not any(
                s.kind is not None or s.level == 1 for s in self._seen) and not S.is_exact(sec.title):
            self._seen.append(sec)
            return None
        self._seen.append(sec)
        return S.classify(sec)

    def _no(self, idx: int) -> int:
        return self.lines[idx].no

    def _of(self, kind: str) -> list[Section]:
        return [s for s in self.sections if s.kind == kind and s is not self.title_section]

    def _ranges(self, sec: Section) -> list[tuple[int, int]]:
        """The section's own lines and those of sub-sections that are not another kind of section."""
        out = [(sec.start, sec.end)]
        for c in sec.children:
            if c.kind is None or c.kind == sec.kind:
                out.append((c.heading_index, c.heading_index + 1))
                out.extend(self._ranges(c))
        return out

    def _blocks(self, sec: Section) -> list[Block]:
        return blocks(self.lines, self._ranges(sec))

    def _span(self, name: str, secs: list[Section]) -> None:
        if secs:
            self.spans[name] = Span(line=secs[0].heading.no, end_line=self._no(max(s.stop for s in secs) - 1)
                                    if max(s.stop for s in secs) > 0 else secs[0].heading.no)

    # -- the whole document -------------------------------------------------------------------------
    def run(self) -> Postmortem:
        fm = self._front_matter()
        self.title_section = None
        title = self._title(fm)
        meta = self._metadata(fm)
        preamble = self._preamble_blocks()
        summary = self._summary(preamble)
        date = self._incident_date(meta, title, summary, fm)
        tz, stated = self._zone(meta, preamble)
        start, end, minutes = self._window(meta, date, tz, summary)
        reader = self._timeline(date, tz)
        earlier = reader.first_explicit_date
        if date is not None and earlier is not None and earlier < date and self.spans.get("date") is \
                self.spans.get("title") and _REPORTED.search(title or "") and (date - earlier).days <= 120:
            # "Incident disclosure - 2022-11-07" over a timeline that starts on 2022-10-12: the title
            # dates the report, the timeline the incident.
            date = earlier
            self.spans["date"] = self.spans.get("timeline", self.spans["date"])
            reader = self._timeline(date, tz)
        if date is None:
            date = self._late_date(fm, reader.first_explicit_date, reader.events)
            if date is not None and any(e.at is None and e.time_text for e in reader.events):
                reader = self._timeline(date, tz)
            if date is not None and start is None and meta.get("duration"):
                start, end, minutes = self._window(meta, date, tz, summary)
        if minutes is None and start is None and end is None:
            minutes = self._stated_duration(summary, preamble)
        timeline = reader.events
        self.diagnostics.extend(reader.diagnostics)
        fm_span = self.spans.get("front_matter")
        classification, doubts = _access.read(fm, self.front_ok, fm_span.line if fm_span else None, self.lines)
        self.diagnostics.extend(doubts)
        self._tables_without_delimiter()
        if self.sc.unclosed_fence is not None and any(ln.kind == "code" and ln.text.strip()
                                                      for ln in self.lines if ln.no > self.sc.unclosed_fence):
            fence = re.match(r"\s*(`+|~+)", self.lines[self.sc.unclosed_fence - 1].text)
            marker = fence.group(1) if fence else "```"
            self.diagnostics.append(Diagnostic(
                severity="error", code="unclosed-fence", line=self.sc.unclosed_fence,
                message=f"the code block opened here with `{marker}` is never closed, so everything after it "
                        f"is shown (and read) as code; close it with `{marker}` on a line of its own"))
        if not stated and reader.zones:
            tz = reader.zones[0]  # the zone the timeline states is the document's
        pm = Postmortem(
            path=self.path,
            title=title,
            date=date,
            start=start,
            end=end,
            duration_minutes=minutes,
            duration_text=meta.get("duration", (None,))[0],
            timezone=zone_name(tz),
            severity=_severity(meta.get("severity", (None,))[0]),
            author=(meta.get("author") or meta.get("created_by") or (None,))[0],
            status=(meta.get("status") or (None,))[0],
            summary=summary,
            impact=self._impact(),
            timeline=timeline,
            root_cause=self._root_cause(meta),
            went_well=self._notes(S.WENT_WELL),
            could_improve=self._notes(S.COULD_IMPROVE),
            action_items=self._actions(date),
            lessons=self._lessons(),
            appendix=self._appendix(),
            front_matter=fm,
            classification=classification,
            headings=[Heading(level=s.level, text=s.title, kind=s.kind, line=s.heading.no) for s in self.sections],
            spans=self.spans,
            diagnostics=self.diagnostics,
        )
        pm.sla = self._sla(pm.impact)
        return pm

    # -- front matter, title, metadata --------------------------------------------------------------
    def _tables_without_delimiter(self) -> None:
        """Rows of pipes with no delimiter row under the first: Markdown shows them as text, not a table."""
        run: list[Line] = []
        for ln in [*self.lines, None]:
            piped = ln is not None and ln.kind == "text" and ln.text.strip().startswith("|") and \
                ln.text.strip().endswith("|") and ln.text.count("|") >= 3
            if piped:
                run.append(ln)
                continue
            if len(run) >= 2:
                cells = run[0].text.strip().strip("|").count("|") + 1
                self.diagnostics.append(Diagnostic(
                    severity="error", code="table-without-delimiter", line=run[0].no,
                    message=f"lines {run[0].no}-{run[-1].no} look like a table but have no delimiter row under "
                            f"the header, so Markdown shows them as text and Hindsight cannot read them; add "
                            f"`|{'---|' * cells}` after line {run[0].no}"))
            run = []

    def _front_matter(self) -> dict[str, Any]:
        self.front_ok = True
        fm = self.sc.front_matter
        if fm is None:
            return {}
        kind, text, first, last = fm
        if kind == "mdx":
            self.spans["front_matter"] = Span(line=first, end_line=last)
            data, unreadable = _mdx.read(text)
            doubtful = [k for k in unreadable if k.lower() in ("classification", "allowed_groups")]
            if doubtful:
                self.front_ok = False
                self.diagnostics.append(Diagnostic(
                    severity="error", code="front-matter-invalid", line=first,
                    message=f"the page exports `{doubtful[0]}` as an expression, which Hindsight does not "
                            "evaluate; write it as a quoted string"))
            return _jsonable(data)
        self.spans["front_matter"] = Span(line=first - 1, end_line=last + 1)
        try:
            data = yaml.safe_load(text) if kind == "yaml" else tomllib.loads(text)
        except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError) as e:
            line = first
            mark = getattr(e, "problem_mark", None)
            if mark is not None:
                line = first + mark.line
            elif (m := re.search(r"line (\d+)", str(e))):
                line = first + int(m.group(1)) - 1
            self.diagnostics.append(Diagnostic(
                severity="error", code="front-matter-invalid", line=line,
                message=f"cannot read the {kind.upper()} front matter ({str(e).splitlines()[0]}); fix its syntax"))
            self.front_ok = False
            return {}
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.diagnostics.append(Diagnostic(
                severity="error", code="front-matter-invalid", line=first,
                message=f"the front matter is a {type(data).__name__}, not a mapping of keys to values"))
            self.front_ok = False
            return {}
        return _jsonable(data)

    def _title(self, fm: dict[str, Any]) -> str | None:
        first_content = next((ln for ln in self.lines if ln.kind not in ("blank", "front", "comment")), None)
        fm_title = fm.get("title") if isinstance(fm.get("title"), str) and fm["title"].strip() else None
        first = self.sections[0] if self.sections else None
        title_sec = None
        if first is not None and first.heading is first_content and (first.level == 1 or not fm_title):
            # A heading standing first is the title, whatever its level, unless it names a section
            # ("# Summary"); an H1 that only mentions one ("# Incident: Takeaways") is still the title.
            if first.kind is None or (first.level == 1 and not S.is_exact(first.title)):
                title_sec = first
        elif not fm_title:
            title_sec = next((s for s in self.sections if s.level == 1 and s.kind is None), None)
        if title_sec is not None:
            self.title_section = title_sec
            title_sec.kind = None
            self.spans["title"] = Span(line=title_sec.heading.no, end_line=title_sec.heading.no)
            return _title_text(title_sec.title)
        if fm_title:
            self.spans["title"] = self.spans.get("front_matter", Span(line=1, end_line=1))
            return _title_text(fm_title)
        return None

    def _preamble_range(self) -> tuple[int, int]:
        start = 0
        while start < len(self.lines) and self.lines[start].kind == "front":
            start += 1
        if self.title_section is not None:
            start = self.title_section.start
            end = self.title_section.end
        else:
            end = next((s.start - 1 for s in self.sections), len(self.lines))
        return start, end

    def _metadata(self, fm: dict[str, Any]) -> dict[str, tuple[str, int]]:
        meta: dict[str, tuple[str, int]] = {}
        for key, value in fm.items():
            canon = _FM_KEYS.get(str(key).lower())
            if canon and value not in (None, "", []):
                if isinstance(value, list):
                    value = ", ".join(str(v) for v in value)
                if canon not in meta:
                    meta[canon] = (str(value), self.spans["front_matter"].line)
                    self.spans[canon] = self.spans["front_matter"]
        found: dict[str, tuple[str, int]] = {}

        def take(text: str, no: int) -> None:
            m = _META.match(text)
            if not m:
                return
            canon = _META_KEYS.get(m.group("key").strip().lower())
            value = re.sub(r"\s*<!--.*?-->", "", m.group("value")).strip().strip("*_").strip()
            if canon and value and canon not in found:
                found[canon] = (value, no)
                self.spans[canon] = Span(line=no, end_line=no)

        start, end = self._preamble_range()
        for ln in self.lines[start:end]:
            if ln.kind in ("text", "list"):
                for part in _BR.split(ln.text):
                    take(part, ln.no)
            elif ln.kind == "table":  # `| **Incident date** | 14 Mar 2023 |`: a details table, as Confluence
                cells = [ln.text[a:b] for a, b in row_cell_columns(ln.text)]  # and Word documents open
                if len(cells) == 2 and cells[0].strip():
                    take(f"{cells[0].strip().strip('*_').strip()}: {cells[1]}", ln.no)
        # `Duration: 15 hours 40 minutes<br> Date/time: …` written as one paragraph of the summary, and
        # `- **Root Cause**: …` among its findings; `## Date` with the date below it.
        for sec in self._of(S.SUMMARY)[:1]:
            for b in self._blocks(sec):
                if b.kind == "para" and _BR.search(b.text):
                    for part in _BR.split(b.text):
                        take(part, self._line_of(b, part))
                elif b.kind == "item":
                    take(b.text, self._no(b.start))
        # `- Time to recovery: 31 minutes` in a closing `# Stats` list; `**Date**: …` in an opening
        # section when nothing stands between the title and it.
        opening = next((s for s in self.sections if s is not self.title_section), None)
        for sec in self.sections:
            stats = S.normalise(sec.title) in _STATS_SECTIONS
            if stats or (sec is opening and sec.kind is None and start >= end - 1):
                for ln in self.lines[sec.start:sec.end]:
                    if ln.kind in ("text", "list"):
                        take(ln.text, ln.no)
        for sec in self.sections:
            canon = _META_KEYS.get(S.normalise(sec.title)) if sec.kind is None and sec.level > 1 else None
            if canon in _META_SECTIONS and canon not in found:
                first_block = next(iter(self._blocks(sec)), None)
                if first_block is not None and first_block.kind == "para" and len(first_block.text) <= 200:
                    found[canon] = (first_block.text.strip(), self._no(first_block.start))
                    self.spans[canon] = Span(line=self._no(first_block.start), end_line=self._no(first_block.start))
        # What the document body says wins over the front matter.
        meta.update(found)
        for canon, (value, no) in list(meta.items()):
            if _is_placeholder(value) and not (canon == "duration" and re.search(r"\d:\d\d", value)):
                del meta[canon]
                self.diagnostics.append(Diagnostic(
                    severity="info", code="placeholder", line=no, message=f"`{canon}` is still a placeholder"))
        return meta

    def _line_of(self, b: Block, part: str) -> int:
        """The line of a block on which a piece of its text starts."""
        head = part.strip()[:12]
        for idx in range(b.start, b.end):
            if head and head in self.lines[idx].text:
                return self._no(idx)
        return self._no(b.start)

    def _preamble_blocks(self) -> list[Block]:
        start, end = self._preamble_range()
        return [b for b in blocks(self.lines, [(start, end)])
                if not (b.kind in ("para", "item") and _META.match(self.lines[b.start].text)
                        and _META_KEYS.get(_META.match(self.lines[b.start].text).group("key").strip().lower()))]

    # -- dates and times ----------------------------------------------------------------------------
    def _incident_date(self, meta, title, summary, fm) -> dt.date | None:
        if "date" in meta:
            value, no = meta["date"]
            w = match_when(value.strip(), date_kinds=("iso", "mdy", "dmy", "us"))
            d = w.date_near(None) if w else None
            if d is None:
                found = find_date(value)
                d = found[0] if found else None
            if d is None:
                self.diagnostics.append(Diagnostic(
                    severity="error", code="unreadable-date", line=no,
                    message=f"cannot read the date `{value}`; write it as YYYY-MM-DD"))
            else:
                return d
        found = find_date(title or "")
        if found and found[0]:
            self.spans["date"] = self.spans.get("title", Span(line=1, end_line=1))
            return found[0]
        d = self._prose_date(summary[:2000], fm)
        if d is None and (found := find_date(title or "", need_year=False)) is not None:
            # "Post Mortem Covering 11 April to 23 April": the year is the one the text gives the day.
            month, day = found[3]
            body = " ".join(ln.text for ln in self.lines[:400] if ln.kind in ("text", "list", "heading"))
            years = {x.year for x in _named_dates(body) if (x.month, x.day) == (month, day)}
            if len(years) == 1:
                d = _safe_date(years.pop(), month, day)
                self.spans["date"] = self.spans.get("title", Span(line=1, end_line=1))
        return d

    def _prose_date(self, text: str, fm) -> dt.date | None:
        """The first day the summary names. Without a year ("Starting on March 15th"), the year is the
        one written with a later day ("between November 4th and November 15th 2013"), or else the one
        that puts the day on or before the publication date."""
        text = _URL_TARGET.sub("]", text)  # a link's target is not prose: `](./2024-03-06-post.md)`
        found = find_date(text, need_year=False)
        if found is None:
            return None
        published = _fm_date(fm.get("date"))
        if published is not None and published in _named_dates(text):
            return published  # "Between July 9 and July 16, 2023" in a report dated 2023-07-16
        if found[0] is not None:
            return found[0]
        month, day = found[3]
        later = find_date(text[found[2]:found[2] + 200])
        if later and later[0]:
            year = later[0].year if (month, day) <= (later[0].month, later[0].day) else later[0].year - 1
            return _safe_date(year, month, day)
        published = published or _leading_iso_date(self.stem)
        if published is None:
            return find_date(text)[0] if find_date(text) else None
        for year in (published.year, published.year - 1):
            d = _safe_date(year, month, day)
            if d is not None and d <= published:
                return d
        return None

    def _late_date(self, fm, first_date, timeline) -> dt.date | None:
        fm_date = _fm_date(fm.get("date"))
        if fm_date and any(e.date == fm_date for e in timeline):
            return fm_date
        if first_date:
            return first_date
        if not timeline:
            # A timeline told in prose ("On September 5th, a researcher reported …").
            prose = " ".join(b.text for s in self._of(S.TIMELINE) for b in self._blocks(s) if b.kind == "para")
            if prose and (d := self._prose_date(prose[:2000], fm)) is not None:
                return d
        return fm_date or _leading_iso_date(self.stem)

    def _zone(self, meta, preamble: list[Block]) -> tuple[dt.tzinfo, bool]:
        """The zone the document states for its times, and whether it states one at all."""
        for text in [meta.get("duration", ("",))[0], meta.get("start", ("",))[0],
                     " ".join(b.text for b in preamble[:4] if b.kind == "para")]:
            if text and (found := find_zone(text)):
                return found[0], True
        return UTC, False

    def _window(self, meta, date, tz, summary):
        """Start, end and duration in minutes from the metadata (or the summary's `between X and Y`)."""
        start = end = None
        minutes = None
        dur = meta.get("duration")
        if dur:
            minutes = parse_duration(dur[0])
            rng = find_range(dur[0])
            if rng and date:
                # `24 hours 11 minutes (2018-10-21 22:52 - 2018-10-22 23:03 UTC)`: each end on its own day.
                first = rng[0].date_near(date) or date
                start, end = _combine(first, rng[0], tz), _combine(rng[1].date_near(first) or first, rng[1], tz)
            if rng is None and date:
                for key, rx in (("start", r"\bfrom\s+"), ("end", r"\b(?:until|to)\s+")):
                    m = re.search(rx, dur[0])
                    w = match_when(dur[0], m.end()) if m else None
                    if w and w.has_time:
                        if key == "start":
                            start = _combine(date, w, tz)
                        else:
                            end = _combine(date, w, tz)
            if minutes is None and rng is None and start is None and end is None:
                self.diagnostics.append(Diagnostic(
                    severity="warning", code="unreadable-duration", line=dur[1],
                    message=f"cannot read the duration `{dur[0]}`; write it as `2h 15m (14:30 - 16:45 UTC)`"))
        for key in ("start", "end"):
            if key in meta and date:
                w = match_when(meta[key][0].strip())
                if w and w.has_time:
                    value = _combine(w.date_near(date) or date, w, tz)
                    if key == "start":
                        start = value
                    else:
                        end = value
        if start is None and end is None and date and summary:
            m = _BETWEEN.search(summary)
            if m:
                b = match_when(m.group(2))
                label = m.group(2).split()[-1] if b and b.tz else ""
                a = match_when(m.group(1)) or match_when(f"{m.group(1)} {label}")  # `1900 and 2100 UTC`
                if a and b and a.has_time and b.has_time:
                    zone = b.tz or a.tz or tz
                    a.tz, b.tz = a.tz or zone, zone
                    start, end = _combine(date, a, tz), _combine(date, b, tz)
        if start and end and end < start:
            end += dt.timedelta(days=1)  # the range crosses midnight
        if minutes is None and start and end:
            minutes = round((end - start).total_seconds() / 60)
        return start, end, minutes

    def _stated_duration(self, summary: str, preamble: list[Block]) -> int | None:
        """The duration the opening prose or the Impact section states: "The chain halted for almost
        four hours", "build.opensuse.org was offline for 20 minutes"."""
        places: list[tuple[str, int]] = [(b.text, self._no(b.start)) for b in preamble if b.kind == "para"]
        for kind in (S.SUMMARY, S.IMPACT):
            for sec in self._of(kind)[:1]:
                places += [(b.all_text() if b.kind == "item" else b.text, self._no(b.start))
                           for b in self._blocks(sec) if b.kind in ("para", "item")]
        if not places and summary:
            places.append((summary, self.spans["summary"].line if "summary" in self.spans else 1))
        # "offline for a period of 84 minutes" … "users were impacted during roughly 10.5 hours": a
        # part of the incident is shorter than the whole, so the longest stated is the incident's.
        best: tuple[int, int] | None = None
        for text, no in places:
            if (stated := find_stated_duration(text)) is not None and (best is None or stated[0] > best[0]):
                best = (stated[0], no)
        if best is None:
            return None
        self.spans["duration"] = Span(line=best[1], end_line=best[1])
        return best[0]

    def _timeline(self, date, tz) -> TimelineReader:
        reader = TimelineReader(date, tz)
        secs = self._of(S.TIMELINE)
        self._span("timeline", secs)
        for sec in secs:
            if sec.parent is not None and sec.parent.kind == S.TIMELINE:
                continue  # read with its parent
            reader.read_section(sec.title, self._blocks(sec), self.lines)
        return reader

    # -- sections -----------------------------------------------------------------------------------
    def _summary(self, preamble: list[Block]) -> str:
        secs = self._of(S.SUMMARY)
        opening = self._first_prose(preamble)
        if secs and opening is not None and S.classify_text(secs[0].title) == S.WHAT_HAPPENED:
            # A "What happened" section stands in for a missing summary only when no paragraph
            # under the title says what the document is about.
            secs[0].kind = S.WHAT_HAPPENED
            secs = []
        self._span("summary", secs)
        if secs:
            return self._prose(self._blocks(secs[0]))
        # No Summary heading: the first paragraph of the preamble is the summary, or else of an
        # opening section such as "Background" or "Context".
        candidates = list(preamble)
        opening = next((s for s in self.sections if s is not self.title_section), None)
        if opening is not None and opening.kind is None:
            candidates += blocks(self.lines, [(opening.start, opening.end)])
        b = self._first_prose(candidates)
        return _drop_template(b.text) if b is not None else ""

    @staticmethod
    def _first_prose(candidates: list[Block]) -> Block | None:
        for b in candidates:
            if b.kind == "para" and not _is_statement_of_zone(b.text) and re.sub(r"<[^>]*>", "", b.text).strip():
                return b
        return None

    def _prose(self, bs: list[Block]) -> str:
        parts: list[str] = []
        for b in bs:
            if is_placeholder(b.text):
                self._placeholder(b)
            elif b.kind in ("para", "quote"):
                t = _drop_template(b.text)
                if t:
                    parts.append(t)
            elif b.kind == "item" and b.depth == 0:
                parts.append(f"- {b.all_text()}")
        return "\n\n".join(parts)

    def _placeholder(self, b: Block) -> None:
        self.diagnostics.append(Diagnostic(severity="info", code="placeholder", line=self._no(b.start),
                                           message="still a `[TODO: …]` placeholder from the template"))

    def _impact(self) -> list[ImpactMetric]:
        secs = self._of(S.IMPACT)
        self._span("impact", secs)
        out: list[ImpactMetric] = []
        for sec in secs:
            for b in self._blocks(sec):
                if b.kind == "table" and len(b.header) >= 2:
                    for idx, cells, _ in b.rows:
                        if len(cells) >= 2 and cells[0] and cells[1] and not is_placeholder(cells[1]):
                            out.append(_metric(cells[0], cells[1], self._no(idx)))
                elif b.kind == "item" and b.depth == 0:
                    m = re.match(r"^\s*(?:\*\*|__)?([^:*_]{2,40}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+)$", b.text)
                    if m and len(m.group(1).split()) <= 5:
                        out.append(_metric(m.group(1), m.group(2), self._no(b.start)))
        return out

    def _sla(self, impact: list[ImpactMetric]) -> Sla | None:
        row = next((m for m in impact if m.key == "sla_status"), None)
        if row is None:
            return None
        v = row.value
        status = "Breached" if re.search(r"\b(breach|missed|violated|not met)", v, re.I) else \
            "Met" if re.search(r"\b(met|ok|within|achieved)\b", v, re.I) else v.split("(")[0].strip() or None
        target = actual = None
        for m in _PERCENT_LABEL.finditer(v):
            label, num = m.group(1).lower(), float(m.group(2))
            if label in ("target", "objective", "slo"):
                target = num
            else:
                actual = num
        return Sla(status=status, target=target, actual=actual, line=row.line)

    def _root_cause(self, meta) -> RootCause:
        rc_secs = self._of(S.ROOT_CAUSE)
        self._span("root_cause", rc_secs)
        wh_secs = self._of(S.WHAT_HAPPENED)
        rc_prose = "\n\n".join(filter(None, (self._prose(
            [b for b in self._blocks(s) if b.kind in ("para", "quote")]) for s in rc_secs)))
        inside = [s for s in wh_secs if s.parent is not None and s.parent.kind == S.ROOT_CAUSE]
        if inside:
            what = self._prose(self._blocks(inside[0]))
        elif rc_prose:
            # "## The Issue" telling the story, then "## The Cause": the cause is what the Root Cause
            # section says.
            what = rc_prose
        elif wh_secs:
            what = self._prose(self._blocks(wh_secs[0]))
        else:
            what = ""
        factors: list[ContributingFactor] = []
        cf_secs = self._of(S.CONTRIBUTING)
        self._span("contributing_factors", cf_secs)
        for sec in cf_secs:
            for b in self._blocks(sec):
                if b.kind == "item" and b.depth == 0 and not is_placeholder(b.text):
                    factors.append(_factor(b.all_text(), self._no(b.start), self._no(b.end - 1)))
        if not cf_secs:
            for sec in rc_secs:
                bs = self._blocks(sec)
                items = [b for b in bs if b.kind == "item" and b.depth == 0]
                if items and not any(_WHY.search(b.text) and b.text.rstrip("*_ ").endswith("?") for b in items):
                    factors.extend(_factor(b.all_text(), self._no(b.start), self._no(b.end - 1)) for b in items)
                elif not items:
                    for c in sec.children:
                        if c.kind is None:
                            factors.append(ContributingFactor(
                                title=c.title, description=self._prose(self._blocks(c)),
                                line=c.heading.no, end_line=self._no(c.stop - 1)))
        whys: list[Why] = []
        fw_secs = self._of(S.FIVE_WHYS)
        self._span("five_whys", fw_secs)
        for sec in fw_secs or [s for s in rc_secs]:
            whys.extend(self._whys(self._blocks(sec)))
        statement = ""
        if not rc_secs:
            statement = self._cause_statement(meta)
        return RootCause(what_happened=what, statement=statement, contributing_factors=factors, five_whys=whys)

    def _cause_statement(self, meta) -> str:
        """The cause the document states without a Root Cause section: a `Root cause:` line, or a
        sentence of its summary, opening or account of what happened that names the cause."""
        if "root_cause" in meta:
            return meta["root_cause"][0]
        places = [s for s in self.sections if s.kind in (S.SUMMARY, S.WHAT_HAPPENED, S.IMPACT, S.CONTRIBUTING, None)
                  and s is not self.title_section and S.normalise(s.title) not in _NOT_CAUSES]
        # The story is told before the timeline, the lessons and the follow-ups; an aside after them
        # ("because of that nonprofit status, we rely on donations") is not where the cause is.
        late = next((s.heading.no for s in self.sections if s.kind in _LATE_KINDS), len(self.lines) + 1)
        near = [s for s in places if s.kind in (S.SUMMARY, S.WHAT_HAPPENED, S.IMPACT) or s.heading.no < late]
        start, end = self._preamble_range()
        opening = blocks(self.lines, [(start, end)]) + [b for s in near for b in blocks(self.lines, [(s.start, s.end)])]
        rest = [b for s in places if s not in near for b in blocks(self.lines, [(s.start, s.end)])]
        found = _cause.find(opening + rest, near=len(opening))
        if found is None:
            return ""
        no = self._no(found.block.start)
        self.spans["root_cause"] = Span(line=no, end_line=self._no(found.block.end - 1))
        return found.text

    def _whys(self, bs: list[Block]) -> list[Why]:
        """Question/answer pairs: a unit asking "Why…?", then the next unit that does not."""
        units: list[tuple[str, int, int]] = []
        for b in bs:
            if b.kind in ("item", "para"):
                units.append((b.text, self._no(b.start), self._no(min(b.end, b.start + 1) - 1)))
                for extra in b.more:
                    units.append((extra, self._no(b.start), self._no(b.end - 1)))
        out: list[Why] = []
        pending: tuple[str, int] | None = None
        units = [u for u in units if not is_placeholder(u[0])]
        for text, a, z in units:
            plain = _plain(text)
            is_q = bool(_WHY.search(plain)) and "?" in plain
            if is_q:
                q, _, rest = plain.partition("?")
                if pending:
                    out.append(Why(question=pending[0], answer="", line=pending[1], end_line=pending[1]))
                question = re.sub(r"^\s*\d+[.)]\s*", "", q).strip() + "?"
                if rest.strip(" -–—:"):
                    out.append(Why(question=question, answer=rest.strip(" -–—:"), line=a, end_line=z))
                    pending = None
                else:
                    pending = (question, a)
            elif pending:
                out.append(Why(question=pending[0], answer=plain, line=pending[1], end_line=z))
                pending = None
        if pending:
            out.append(Why(question=pending[0], answer="", line=pending[1], end_line=pending[1]))
        return out

    def _notes(self, kind: str) -> list[Note]:
        secs = self._of(kind)
        self._span(kind, secs)
        out: list[Note] = []
        for sec in secs:
            bs = self._blocks(sec)
            items = [b for b in bs if b.kind == "item" and b.depth == 0]
            use = items or [b for b in bs if b.kind == "para"]
            for b in use:
                text = b.all_text() if b.kind == "item" else b.text
                if text.strip() and not is_placeholder(text):
                    out.append(Note(text=text, line=self._no(b.start), end_line=self._no(b.end - 1)))
        return out

    def _lessons(self) -> list[Note]:
        out = self._notes(S.LESSONS)
        if out:
            return out
        # Lessons written as sub-headings (one topic each): the topics are the lessons.
        for sec in self._of(S.LESSONS):
            for leaf in _leaves(sec):
                if leaf is not sec:
                    out.append(Note(text=leaf.title, line=leaf.heading.no, end_line=leaf.heading.no))
        return out

    def _actions(self, date) -> list:
        reader = ActionReader(self.stem, date, self.sc.refdefs, self.diagnostics)
        secs = self._of(S.ACTION_ITEMS)
        self._span("action_items", secs)
        for sec in secs:
            if sec.parent is not None and sec.parent.kind == S.ACTION_ITEMS:
                continue
            reader.read_section(self._blocks(sec), self.lines)
        if not secs:
            everything = blocks(self.lines, [(0, len(self.lines))])
            reader.read_labelled_lists(everything, self.lines)
            if not reader.drafts:
                body = [b for s in self.sections if s.kind not in (S.TIMELINE, S.APPENDIX)
                        for b in blocks(self.lines, [(s.start, s.end)])]
                reader.read_commitments(body, self.lines)
        return reader.items()

    def _appendix(self) -> list[Link]:
        secs = self._of(S.APPENDIX)
        self._span("appendix", secs)
        out: list[Link] = []
        for sec in secs:
            for lo, hi in self._ranges(sec):
                for ln in self.lines[lo:hi]:
                    if ln.kind == "refdef":
                        m = re.match(r"^\s*\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)", ln.text)
                        if m:
                            out.append(Link(text=m.group(1), url=m.group(2), line=ln.no))
                    elif ln.kind in ("text", "list", "table", "quote") and not is_placeholder(ln.text):
                        for m in _LINK.finditer(ln.text):
                            out.append(Link(text=m.group(1), url=m.group(2), line=ln.no))
                        stripped = _LINK.sub("", ln.text)
                        for m in _AUTOLINK.finditer(stripped):
                            url = m.group(1) or m.group(2)
                            out.append(Link(text=url, url=url, line=ln.no))
        return out


# -- small readers ------------------------------------------------------------------------------------

def _bold_headings(lines: list[Line]) -> None:
    """A paragraph that is only a bold section name (`**What went well**`, as Google Docs and Word
    documents write a subheading) is that section's heading, one level under the heading above it.
    A label with a colon (`**Actions taken:**`) introduces the list under it, and stays a label."""
    level = 1
    for i, ln in enumerate(lines):
        if ln.kind == "heading":
            level = ln.level
            continue
        if ln.kind != "text" or ln.indent >= 4:
            continue
        m = _BOLD_LINE.match(ln.text)
        if not (m and S.is_exact(m.group(2))):
            continue
        before = lines[i - 1].kind if i else "blank"
        after = lines[i + 1].kind if i + 1 < len(lines) else "blank"
        if before in ("blank", "heading", "front", "hr") and after in ("blank", "list"):
            ln.kind, ln.level, ln.content = "heading", min(level + 1, 6), m.group(2).strip()


def _leaves(sec: Section) -> Iterator[Section]:
    if not sec.children:
        yield sec
    for c in sec.children:
        if c.kind is None:
            yield from _leaves(c)


def _title_text(text: str) -> str:
    t = S.strip_inline(text)
    m = re.match(r"^incident\s*:\s*(.+)$", t, re.I)
    return m.group(1).strip() if m else t


def _is_placeholder(value: str) -> bool:
    return is_blank_value(value)


def _drop_template(text: str) -> str:
    t = text.strip()
    for tl in _TEMPLATE_LINES:
        if t.lower().startswith(tl):
            t = t[len(tl):].strip()
    return t


def _is_statement_of_zone(text: str) -> bool:
    return len(text) < 80 and bool(re.match(r"^_?\(?\s*all times", text.strip(), re.I))


def _severity(value: str | None) -> str | None:
    """`P1`, `p1`, `P1 (High)` as `P1`; a level of another scale (`SEV1`, `Sev-2`, `Critical`) as written,
    so the linter can say it is not on the standard's scale."""
    if value is None:
        return None
    m = _SEVERITY.match(value)
    if m:
        return f"P{m.group(1)}"
    v = value.strip().strip("*_`").strip()
    m = re.match(r"^(sev(?:erity)?[\s\-_]*\d|[A-Za-z]+)\b", v, re.I)
    return m.group(1) if m else v


def _fm_date(value: Any) -> dt.date | None:
    return _leading_iso_date(value) if isinstance(value, str) else None


def _leading_iso_date(text: str) -> dt.date | None:
    """The YYYY-MM-DD a file name or front-matter value starts with."""
    m = re.match(r"(\d{4}-\d{2}-\d{2})", text)
    try:
        return dt.date.fromisoformat(m.group(1)) if m else None
    except ValueError:
        return None


def _named_dates(text: str) -> set[dt.date]:
    out: set[dt.date] = set()
    pos = 0
    while (found := find_date(text[pos:])) is not None and len(out) < 20:
        if found[0]:
            out.add(found[0])
        pos += found[2]
    return out


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _combine(date: dt.date, w, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(date, w.time(), w.tz or tz)


def _plain(text: str) -> str:
    return re.sub(r"\*\*|__", "", text).strip()


def _factor(text: str, line: int, end: int) -> ContributingFactor:
    t = re.sub(r"^\s*\d+[.)]\s*", "", text.strip())
    m = re.match(r"^(?:\*\*|__)(.+?)(?:\*\*|__)\s*(?:[—–:-]+\s*)?(.*)$", t)
    if m:
        return ContributingFactor(title=m.group(1).strip(" :"), description=m.group(2).strip(), line=line,
                                  end_line=end)
    m = re.match(r"^([^:—–]{3,60})\s+[—–]\s+(.+)$", t)
    if m:
        return ContributingFactor(title=m.group(1).strip(), description=m.group(2).strip(), line=line, end_line=end)
    return ContributingFactor(title=t, description="", line=line, end_line=end)


def _metric(name: str, value: str, line: int) -> ImpactMetric:
    metric = _plain(name).strip()
    key = _IMPACT_KEYS.get(metric.lower())
    quantity = unit = None
    if key == "duration":
        quantity = parse_duration(value)
        unit = "minutes" if quantity is not None else None
    elif key in ("users_affected", "requests_failed", "revenue_impact", "error_rate"):
        m = _NUMBER.search(value)
        if m:
            quantity = float(m.group(1).replace(",", ""))
            suffix = (m.group(2) or "").lower()
            quantity *= {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6}.get(suffix, 1)
            unit = "%" if suffix == "%" else ("USD" if "$" in value else None)
            if key == "error_rate" and suffix != "%":
                unit = None
    return ImpactMetric(metric=metric, value=value.strip(), key=key, quantity=quantity, unit=unit,
                        line=line, end_line=line)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _jsonable(value: Any) -> Any:
    """Front matter as JSON can hold it: text without lone surrogates (a YAML `"\\ud800"` escape makes
    one, and no file or page can show it), no NaN or infinity, keys as strings."""
    if isinstance(value, dict):
        return {_text(str(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return _text(str(value))


def _text(s: str) -> str:
    return _SURROGATE.sub("\ufffd", s) if _SURROGATE.search(s) else s
