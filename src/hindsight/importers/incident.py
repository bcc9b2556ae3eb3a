"""`hindsight new --from pagerduty|incidentio`: a postmortem scaffolded from the incident itself.

The title, the date, the start and end (so the duration), the severity (mapped
by the `import_severity` and `severity_map` options), a link to the incident
in the Appendix, and the timeline imported from the same responses; the rest
is the template's `[TODO: …]`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, ReadError
from ..parse.when import zone as zone_of
from ..scaffold import check_date, render_incident
from ..standard import SEVERITIES, severity_level
from . import NAMES, Event, Incident
from .timeline import MAX_ROWS, Merge, plan

#: The sources that know the incident itself.
SOURCES = ("pagerduty", "incidentio")


@dataclass
class Scaffold:
    """A new postmortem's text, and what it was made from."""

    incident: Incident
    title: str
    date: dt.date
    text: str
    merge: Merge
    notes: list[str] = field(default_factory=list)  # what could not be filled in, and why


def require_source(fmt: str) -> None:
    """Only a pager or an incident tool records the incident itself; an error says what to do otherwise."""
    if fmt not in SOURCES:
        raise InputError(f"`--from {fmt}` cannot scaffold a postmortem: only {' and '.join(SOURCES)} record the "
                         "incident itself. Create it with `hindsight new TITLE`, then `hindsight import timeline`")


def read_incident(fmt: str, docs: list[object], where: Path | str) -> Incident:
    """The incident the responses describe; an error saying which response to add when they hold none."""
    from . import incidentio, pagerduty

    require_source(fmt)
    incident = (pagerduty if fmt == "pagerduty" else incidentio).incident(docs, where)
    if incident is None:
        endpoint = "GET /incidents/{id}" if fmt == "pagerduty" else "GET /v2/incidents/{id}"
        raise ReadError(f"holds no {NAMES[fmt]} incident; save the {endpoint} response beside the others, or "
                        "fetch it with --api", path=where)
    if not incident.title:
        raise ReadError(f"the {NAMES[fmt]} incident has no title; give one with --title", path=where)
    return incident


def severity_for(incident: Incident, per_source: dict[str, dict[str, str]], severity_map: dict[str, str]) -> str | None:
    """The standard's level the incident's severity stands for, by `import_severity`, then `severity_map`."""
    if not incident.severity:
        return None
    own = per_source.get(incident.source) or {}
    level = severity_level(incident.severity, own) or severity_level(incident.severity, severity_map)
    if level is None and incident.severity.strip().upper() in SEVERITIES and not own:
        level = incident.severity.strip().upper()
    return level


def scaffold(incident: Incident, events: list[Event], *, zone: str = "UTC", title: str | None = None,
             author: str | None = None, severity: str | None = None, max_rows: int = MAX_ROWS) -> Scaffold:
    """The new postmortem's text: the template filled from the incident, with its timeline imported."""
    tz = zone_of(zone)
    if tz is None:
        raise InputError(f"--tz `{zone}` is not a time zone; write it as UTC, UTC+2, PST or Europe/Oslo")
    notes = []
    start = incident.start or (events[0].at if events else None)
    if start is None:
        raise ReadError(f"the {NAMES[incident.source]} incident has no start time, and there is no event to take "
                        "one from")
    end = incident.end
    if end is None:
        notes.append("the incident is not resolved: its end and duration are left as `[TODO: …]`")
    if severity is None and incident.severity:
        notes.append(f"severity `{incident.severity}` stands for no level in `import_severity` or "
                     "`severity_map`: the Severity is left as `[TODO: …]`")
    date = start.astimezone(tz).date()
    check_date(date)
    name = f"{NAMES[incident.source]} incident {incident.reference or incident.id}".strip()
    text = render_incident(title or incident.title, date=date, severity=severity, author=author, start=start,
                           end=end, zone=zone, links=[(name, incident.url)] if incident.url else None)
    merge = plan(text, events, shown="new postmortem", max_rows=max_rows) if events else Merge(text=text)
    return Scaffold(incident=incident, title=title or incident.title, date=date, text=merge.text, merge=merge,
                    notes=notes)
