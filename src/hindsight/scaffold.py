"""`hindsight new`: a new postmortem from the standard's template."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from importlib.resources import files
from pathlib import Path
from string import Template

from ._io import create_new
from .errors import ConflictError, InputError
from .parse.when import duration_text
from .parse.when import zone as zone_of
from .standard import SEVERITIES

MAX_SLUG = 60
#: What the template asks for where nothing is known yet (`hindsight new` and `hindsight convert`).
PLACEHOLDERS = {"severity": "[TODO: P0, P1, P2 or P3]", "author": "[TODO: @incident-commander]",
                "duration": "[TODO: e.g. 2 hours 15 minutes]", "time": "[TODO: HH:MM]"}
#: The years a new postmortem's incident can be in.
MIN_YEAR, MAX_YEAR = 1970, 2999


def slugify(title: str) -> str:
    """Lower-case ASCII kebab-case, at most 60 characters, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut[:MAX_SLUG] else slug[:MAX_SLUG]
    return slug.strip("-")


def _hhmm(value: str | None, name: str) -> dt.time | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", value)
    if not m:
        raise InputError(f"--{name} `{value}` is not a time; write it as HH:MM, e.g. 14:30")
    return dt.time(int(m.group(1)), int(m.group(2)))


def render_new(title: str, *, date: dt.date, severity: str | None = None, author: str | None = None,
               start: str | None = None, end: str | None = None, zone: str = "UTC") -> str:
    """The template's text with what is known filled in and `[TODO: …]` for the rest. `start` and `end` are
    times of day (HH:MM) on `date`; an end before the start is on the next day."""
    t0, t1 = _hhmm(start, "start"), _hhmm(end, "end")
    began = dt.datetime.combine(date, t0) if t0 else None
    ended = dt.datetime.combine(date, t1) if t1 else None
    if began and ended and ended < began:
        ended += dt.timedelta(days=1)
    return render_incident(title, date=date, severity=severity, author=author, start=began, end=ended, zone=zone)


def render_incident(title: str, *, date: dt.date, severity: str | None = None, author: str | None = None,
                    start: dt.datetime | None = None, end: dt.datetime | None = None, zone: str = "UTC",
                    links: list[tuple[str, str]] | None = None) -> str:
    """The template filled from what is known of an incident: `start` and `end` are its first and last
    moments in `zone` (naive, or aware and converted to it), however many days apart; `links` go in the
    Appendix as `[text](url)`."""
    title = " ".join(title.split())
    if not title:
        raise InputError("the title is empty; give a short title such as \"Database connection pool exhausted\"")
    if severity is not None:
        severity = severity.strip().upper()
        if severity not in SEVERITIES:
            raise InputError(f"--severity `{severity}` is not one of {', '.join(SEVERITIES)}")
    tz = _zone(zone)
    start, end = (_local(t, tz) for t in (start, end))
    todo_time = PLACEHOLDERS["time"]
    # A time of day alone is read on the incident date (an end before the start on the day after); any
    # other moment is written with its day.
    dated = bool(start and start.date() != date) or bool(end and (
        end.date() > date + dt.timedelta(days=1) or (end.date() > date and start and end.time() >= start.time())))
    shown = [(t.strftime("%Y-%m-%d %H:%M" if dated else "%H:%M") if t else None) for t in (start, end)]
    if start and end and end >= start:
        minutes = int((end - start).total_seconds() // 60)
        duration = f"{duration_text(minutes, long=True)} ({shown[0]} - {shown[1]} {zone})"
        impact_duration = duration_text(minutes)
    elif start:
        duration = f"[TODO: duration] (from {shown[0]} {zone})"
        impact_duration = "[TODO: e.g. 2h 15m]"
    elif end:
        duration = f"[TODO: duration] (until {shown[1]} {zone})"
        impact_duration = "[TODO: e.g. 2h 15m]"
    else:
        duration = f"{PLACEHOLDERS['duration']} ({todo_time} - {todo_time} {zone})"
        impact_duration = "[TODO: e.g. 2h 15m]"
    appendix = "\n".join(f"- [{text}]({url})" for text, url in links or []) or \
        "- [TODO: links to dashboards, chat threads, pull requests]"
    template = Template(files("hindsight").joinpath("templates/postmortem.md").read_text(encoding="utf-8"))
    return template.substitute(
        title=title, date=date.isoformat(), duration=duration,
        severity=severity or PLACEHOLDERS["severity"], author=author or PLACEHOLDERS["author"],
        impact_duration=impact_duration, zone=zone, start_time=shown[0] or todo_time,
        end_time=shown[1] or todo_time, appendix=appendix)


def _zone(label: str) -> dt.tzinfo:
    tz = zone_of(label)
    if tz is None:
        raise InputError(f"`{label}` is not a time zone; write it as UTC, UTC+2, PST or Europe/Oslo")
    return tz


def _local(moment: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    """The moment as the document writes it: in its zone, to the minute (so the stated duration is the
    range's)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz).replace(tzinfo=None)
    return moment.replace(second=0, microsecond=0)


def new_postmortem(title: str, directory: Path, *, date: dt.date | None = None, severity: str | None = None,
                   author: str | None = None, start: str | None = None, end: str | None = None,
                   numbered: bool = False) -> Path:
    """Write `directory/YYYY-MM-DD-<slug>.md`; never overwrites. Returns the path written.

    With `numbered`, a name already taken gets the next free number (`…-2.md`) instead of an error: the
    portal never says whether a postmortem it may not show exists.
    """
    date = date or dt.date.today()
    check_date(date)
    text = render_new(title, date=date, severity=severity, author=author, start=start, end=end)
    return write_new(directory, date, title, text, numbered=numbered)


def check_date(date: dt.date) -> None:
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise InputError(f"{date.isoformat()} is not a date an incident can have happened; give a date between "
                         f"{MIN_YEAR} and {MAX_YEAR}")


def write_new(directory: Path, date: dt.date, title: str, text: str, *, numbered: bool = False) -> Path:
    """Create `directory/YYYY-MM-DD-<slug of title>.md` holding `text`, atomically; never overwrites (with
    `numbered`, a name already taken gets the next free number instead)."""
    slug = slugify(title)
    if not slug:
        raise InputError("the title has no letters or digits to make a file name from; "
                         "use a title such as \"API outage\"")
    path = directory / f"{date.isoformat()}-{slug}.md"
    for n in range(2, 100 if numbered else 2):
        try:
            create_new(path, text)
            return path
        except ConflictError:
            path = directory / f"{date.isoformat()}-{slug}-{n}.md"
    create_new(path, text)
    return path
