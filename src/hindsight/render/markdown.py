"""A `Postmortem` as Markdown, in the layout of the standard's template (section 2).

`parse(render(pm))` gives back `pm`: every value is written in a form the
parser reads back unchanged (times carry their date unless every event is on
the incident's day, pipes in table cells are escaped, wrapped lines never start with
something Markdown would read as a list or heading).
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import ActionItem, Postmortem, TimelineEvent
from ..parse.when import duration_text, zone
from ..standard import status_label

WIDTH = 70  # the standard's prose is wrapped at 70 columns

_STRUCTURAL = re.compile(r"^(?:[-*+>#=|]|\d+[.)]|#+\S*|`{3,}|~{3,}|<!--)")


def wrap(text: str, width: int = WIDTH, prefix: str = "", indent: str | None = None) -> list[str]:
    """Greedy word wrap that never starts a continuation line with a Markdown marker."""
    indent = prefix if indent is None else indent
    words = text.split()
    if not words:
        return []
    lines: list[str] = []
    cur = prefix + words[0]
    for w in words[1:]:
        if len(cur) + 1 + len(w) > width and not _STRUCTURAL.match(w):
            lines.append(cur)
            cur = indent + w
        else:
            cur = f"{cur} {w}"
    lines.append(cur)
    return lines


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").strip()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("-" * (len(h) + 2) for h in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _duration_text(pm: Postmortem) -> str:
    if pm.duration_text:
        return pm.duration_text
    text = duration_text(pm.duration_minutes, long=True) if pm.duration_minutes is not None else ""
    if pm.start and pm.end:
        rng = f"({pm.start:%H:%M} - {pm.end:%H:%M} {pm.timezone})"
        text = f"{text} {rng}" if text else rng
    return text


def _event_time(e: TimelineEvent, pm: Postmortem, one_day: bool) -> str:
    if e.at is None:
        return e.time_text
    if e.precision == "date":
        return e.at.date().isoformat()
    clock = e.at.strftime("%H:%M:%S" if e.precision == "second" else "%H:%M")
    zone = e.at.tzname() if e.at.utcoffset() != _offset(pm, e.at) else None
    text = clock if one_day else f"{e.at.date().isoformat()} {clock}"
    return f"{text} {zone}" if zone else text


def _offset(pm: Postmortem, at: dt.datetime) -> dt.timedelta | None:
    tz = zone(pm.timezone) or dt.timezone.utc
    return at.astimezone(tz).utcoffset()


def _why(question: str) -> str:
    m = re.match(r"^(why)\b(.*)$", question, re.I)
    return f"**{m.group(1)}**{m.group(2)}" if m else question


def _actions(items: list[ActionItem]) -> list[str]:
    with_ticket = any(a.ticket for a in items)
    header = ["Action", "Owner", "Due Date", "Status"] + (["Ticket"] if with_ticket else [])
    rows = []
    for a in items:
        status = status_label(a.status) if a.status else (a.status_text or "")
        due = a.due.isoformat() if a.due else (a.due_text or "")
        row = [a.action, a.owner or "", due, status]
        if with_ticket:
            row.append(f"[{a.ticket}]({a.ticket_url})" if a.ticket and a.ticket_url and a.ticket_url != a.ticket
                       else a.ticket or "")
        rows.append(row)
    return _table(header, rows)


def render(pm: Postmortem) -> str:
    """The postmortem as Markdown in the standard's template."""
    out: list[str] = [f"# Incident: {pm.title or ''}".rstrip(), ""]
    meta = [("Date", pm.date.isoformat() if pm.date else ""), ("Duration", _duration_text(pm)),
            ("Severity", pm.severity or ""), ("Author", pm.author or ""), ("Status", pm.status or "")]
    out += [f"**{k}:** {v}".rstrip() for k, v in meta]
    out += ["", "---", "", "## Summary", ""]
    for i, para in enumerate(p for p in pm.summary.split("\n\n") if p.strip()):
        if i:
            out.append(">")
        out += wrap(para, prefix="> ")
    out += ["", "---", "", "## Impact", ""]
    out += _table(["Metric", "Value"], [[m.metric, m.value] for m in pm.impact])
    out += ["", "---", "", "## Timeline", ""]
    # A clock alone is read on the day of the row before it, so either every event is on the incident's
    # day and no row needs a date, or every row has one.
    one_day = pm.date is not None and all(e.at is None or e.at.date() == pm.date for e in pm.timeline)
    out += _table([f"Time ({pm.timezone})", "Event"],
                  [[_event_time(e, pm, one_day), e.event] for e in pm.timeline])
    out += ["", "---", "", "## Root Cause Analysis", "", "### What Happened", ""]
    for i, para in enumerate(p for p in pm.root_cause.what_happened.split("\n\n") if p.strip()):
        if i:
            out.append("")
        out += wrap(para)
    out += ["", "### Contributing Factors", ""]
    for n, f in enumerate(pm.root_cause.contributing_factors, start=1):
        text = f"**{f.title}** — {f.description}" if f.description else f"**{f.title}**"
        out += wrap(text, prefix=f"{n}. ", indent=" " * len(f"{n}. "))
    out += ["", "### Five Whys", ""]
    for n, w in enumerate(pm.root_cause.five_whys, start=1):
        out.append(f"{n}. {_why(w.question)}")
        if w.answer:
            out.append(f"{' ' * len(f'{n}. ')}- {w.answer}")
    out += ["", "---", "", "## What Went Well", ""]
    out += [f"- {n.text}" for n in pm.went_well]
    out += ["", "## What Could Be Improved", ""]
    out += [f"- {n.text}" for n in pm.could_improve]
    out += ["", "---", "", "## Action Items", ""]
    out += _actions(pm.action_items)
    out += ["", "---", "", "## Lessons Learned", ""]
    out += [f"{n}. {x.text}" for n, x in enumerate(pm.lessons, start=1)]
    out += ["", "---", "", "## Appendix", ""]
    out += [f"- [{link.text}]({link.url})" for link in pm.appendix]
    return "\n".join(out) + "\n"
