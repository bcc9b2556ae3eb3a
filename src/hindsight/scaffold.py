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
    """The template's text with what is known filled in and `[TODO: …]` for the rest."""
    title = " ".join(title.split())
    if not title:
        raise InputError("the title is empty; give a short title such as \"Database connection pool exhausted\"")
    if severity is not None:
        severity = severity.strip().upper()
        if severity not in SEVERITIES:
            raise InputError(f"--severity `{severity}` is not one of {', '.join(SEVERITIES)}")
    t0, t1 = _hhmm(start, "start"), _hhmm(end, "end")
    todo_time = PLACEHOLDERS["time"]
    if t0 and t1:
        minutes = (dt.datetime.combine(date, t1) - dt.datetime.combine(date, t0)).seconds // 60
        duration = f"{duration_text(minutes, long=True)} ({start} - {end} {zone})"
        impact_duration = duration_text(minutes)
    elif t0 or t1:
        duration = f"[TODO: duration] (from {start} {zone})" if t0 else f"[TODO: duration] (until {end} {zone})"
        impact_duration = "[TODO: e.g. 2h 15m]"
    else:
        duration = f"{PLACEHOLDERS['duration']} ({todo_time} - {todo_time} {zone})"
        impact_duration = "[TODO: e.g. 2h 15m]"
    template = Template(files("hindsight").joinpath("templates/postmortem.md").read_text(encoding="utf-8"))
    return template.substitute(
        title=title, date=date.isoformat(), duration=duration,
        severity=severity or PLACEHOLDERS["severity"], author=author or PLACEHOLDERS["author"],
        impact_duration=impact_duration, zone=zone, start_time=start or todo_time, end_time=end or todo_time)


def new_postmortem(title: str, directory: Path, *, date: dt.date | None = None, severity: str | None = None,
                   author: str | None = None, start: str | None = None, end: str | None = None,
                   numbered: bool = False) -> Path:
    """Write `directory/YYYY-MM-DD-<slug>.md`; never overwrites. Returns the path written.

    With `numbered`, a name already taken gets the next free number (`…-2.md`) instead of an error: the
    portal never says whether a postmortem it may not show exists.
    """
    date = date or dt.date.today()
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise InputError(f"{date.isoformat()} is not a date an incident can have happened; give a date between "
                         f"{MIN_YEAR} and {MAX_YEAR}")
    text = render_new(title, date=date, severity=severity, author=author, start=start, end=end)
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
