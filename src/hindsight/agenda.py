"""The review meeting (the standard, section 4): its agenda, and an invite inside the 3–5 day window."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError, InputError
from .lifecycle import Policy, incident_end
from .model import Postmortem

ROLES = ("Incident commander", "On-call responders", "Service owners")
TIME_BOXES = (
    (5, "Review timeline"),
    (15, "Discuss what happened (facts, not opinions)"),
    (15, "Identify contributing factors"),
    (10, "Agree on action items"),
    (5, "Assign owners and due dates"),
)


def duration_minutes(pm: Postmortem) -> int:
    """30 to 60 minutes: the full hour for P0 and P1, where leadership may attend and more is at stake."""
    return 60 if pm.severity in ("P0", "P1") else 30


def markdown(pm: Postmortem, *, when: dt.datetime | None = None, attendees: list[str] = ()) -> str:
    title = pm.title or "(untitled)"
    out = [f"# Postmortem review: {title}", ""]
    facts = [("Incident", f"{pm.date.isoformat() if pm.date else '?'}, {pm.severity or 'severity not set'}"),
             ("Duration", f"{duration_minutes(pm)} minutes (the standard: 30–60)"),
             ("When", when.strftime("%A %Y-%m-%d %H:%M %Z") if when else "within 3–5 days of the incident"),
             ("Document", pm.path or "")]
    out += [f"**{k}:** {v}" for k, v in facts if v] + ["", "## Attendees", ""]
    out += [f"- {role}" + (f": {pm.author}" if role == "Incident commander" and pm.author else "") for role in ROLES]
    if pm.severity == "P0":
        out.append("- Leadership (P0)")
    out += [f"- {a}" for a in attendees]
    out += ["", "## Agenda", ""]
    boxes = iter(TIME_BOXES)

    def box(n: int) -> str:
        minutes, label = next(boxes)
        return f"### {n}. {label} ({minutes} min)"

    out += [box(1), ""]
    events = pm.timeline
    for e in events[:20]:
        when_text = e.at.strftime("%H:%M") if e.at and e.precision != "date" else e.time_text or "?"
        out.append(f"- {when_text} — {e.event}")
    if len(events) > 20:
        out.append(f"- … and {len(events) - 20} more events in the document")
    if not events:
        out.append("- The timeline is empty: build it together first.")
    out += ["", box(2), ""]
    out.append(pm.root_cause.what_happened or pm.summary or "No summary or root cause written yet.")
    out += ["", box(3), ""]
    factors = pm.root_cause.contributing_factors
    out += [f"- **{f.title}**" + (f" — {f.description}" if f.description else "") for f in factors] or \
        ["- None written yet."]
    if pm.root_cause.five_whys:
        out += ["", "Five whys:"] + [f"{i}. {w.question} {w.answer}".rstrip()
                                     for i, w in enumerate(pm.root_cause.five_whys, start=1)]
    out += ["", box(4), ""]
    out += ([f"- {a.id}: {a.action} ({a.status or 'no status'})" for a in pm.open_action_items]
            or ["- No open action items."])
    out += ["", box(5), ""]
    gaps = [a for a in pm.action_items if not a.owner or not (a.due or a.due_text)]
    out += [f"- {a.id}: {a.action} — needs " + " and ".join(
        x for x, v in (("an owner", a.owner), ("a due date", a.due or a.due_text)) if not v) for a in gaps] or \
        ["- Every action item has an owner and a due date."]
    return "\n".join(out) + "\n"


def slot(pm: Postmortem, policy: Policy, today: dt.date, *, time: str = "10:00",
         timezone: str = "UTC", now: dt.datetime | None = None) -> tuple[dt.datetime, bool]:
    """The meeting's start: the first working day inside the review window, not before today.

    Returns (start, inside_window); when the window has passed, the next working day, outside it.
    """
    end = incident_end(pm)
    if end is None:
        raise InputError("the postmortem has no incident date, so the review window is unknown; add "
                             "`**Date:** YYYY-MM-DD`", path=pm.path)
    try:
        tz = dt.timezone.utc if timezone.upper() == "UTC" else ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"meeting_timezone `{timezone}` is not a time zone; use UTC or a name such as "
                          "Europe/Oslo") from None
    try:
        hour, minute = (int(x) for x in time.split(":"))
        at = dt.time(hour, minute)
    except ValueError:
        raise ConfigError(f"meeting_time `{time}` is not a time; write it as HH:MM") from None
    first = policy.add_days(end.date(), policy.review_window[0])
    last = policy.add_days(end.date(), policy.review_window[1])
    day = max(first, today)
    # Never in the past: when today's meeting time has gone by, the next working day.
    now = now or dt.datetime.now(dt.timezone.utc)
    while day.weekday() >= 5 or dt.datetime.combine(day, at, tz) <= now:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, at, tz), day <= last


def ics(pm: Postmortem, start: dt.datetime, *, attendees: list[str], description: str,
        organizer: str | None = None) -> bytes:
    """The review meeting as iCalendar (RFC 5545).

    With an organizer, an invitation (METHOD:REQUEST, which RFC 5546 requires to name its ORGANIZER);
    without one, an event to import into a calendar (METHOD:PUBLISH).
    """
    import hashlib

    from icalendar import Calendar, Event, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", "-//Hindsight//postmortem review//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST" if organizer else "PUBLISH")
    ev = Event()
    key = f"{pm.path or pm.title}|{start.isoformat()}"
    ev.add("uid", hashlib.sha1(key.encode()).hexdigest() + "@hindsight")
    ev.add("summary", f"Postmortem review: {pm.title or '(untitled)'}")
    ev.add("dtstart", start)
    ev.add("dtend", start + dt.timedelta(minutes=duration_minutes(pm)))
    ev.add("dtstamp", dt.datetime.now(dt.timezone.utc))
    ev.add("description", description)
    if organizer:
        who = vCalAddress(organizer if organizer.lower().startswith("mailto:") else f"mailto:{organizer}")
        who.params["CN"] = vText(organizer.removeprefix("mailto:").split("@")[0])
        ev.add("organizer", who, encode=0)
    for a in attendees:
        addr = vCalAddress(a if a.lower().startswith("mailto:") else f"mailto:{a}")
        addr.params["ROLE"] = vText("REQ-PARTICIPANT")
        addr.params["RSVP"] = vText("TRUE")
        ev.add("attendee", addr, encode=0)
    cal.add_component(ev)
    return cal.to_ical()
