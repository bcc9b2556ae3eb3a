"""PagerDuty: REST API v2 incident log entries, incident notes, and the incident itself.

Log entries (`GET /incidents/{id}/log_entries`, paged by `offset`/`limit`/`more`, or one
`GET /log_entries/{id}`)
carry `id`, `type` (`trigger_log_entry`, `acknowledge_log_entry`,
`escalate_log_entry`, `annotate_log_entry`, `resolve_log_entry`, …),
`created_at`, `agent`, `channel`, `summary`, `html_url`, and for annotations
the note (in `channel.summary`, or `note`). Notes (`GET /incidents/{id}/notes`)
carry `id`, `user`, `content` and `created_at`; a note is also an annotate log
entry, and is imported once. Notifications (`notify_log_entry`, one per page
sent to a person) are left out unless `--only notify` asks for them.

The incident (`GET /incidents/{id}`) gives `hindsight new --from pagerduty` its
title, its start (`created_at`), its end (`resolved_at`, else the resolve log
entry) and its priority (`priority.summary`, such as `P2`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from . import Event, Incident, clean, timestamp, wrong_vendor

_KINDS = {"trigger": "trigger", "acknowledge": "ack", "escalate": "escalate", "assign": "assign",
          "delegate": "assign", "notify": "notify", "annotate": "note", "resolve": "resolve",
          "unacknowledge": "status", "snooze": "status", "unsnooze": "status", "urgency_change": "status",
          "priority_change": "status", "field_value_change": "status", "custom_field_value_change": "status",
          "reach_trigger_limit": "other", "reach_ack_limit": "other", "repeat_escalation_path": "escalate",
          "exhaust_escalation_path": "escalate"}


_GENERIC = re.compile(r"note(?:s)? (?:was |were )?added(?: to (?:the |this )?incident)?\.?", re.I)


def _who(ref: object) -> str:
    return str(ref.get("summary") or ref.get("name") or "") if isinstance(ref, dict) else ""


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _note_text(who: str, note: object) -> str:
    return f"Note by {who}: {note}" if who else f"Note: {note}"


def _wrap(doc: object) -> object:
    """A bare list of log entries or of notes (as `jq .log_entries` saves it) as the response it came from."""
    if isinstance(doc, list) and doc and all(isinstance(d, dict) for d in doc):
        if all(str(d.get("type", "")).endswith("_log_entry") for d in doc):
            return {"log_entries": doc}
        if all("content" in d and "created_at" in d for d in doc):
            return {"notes": doc}
    return doc


def note_of(e: dict) -> str:
    """An annotate log entry's note: its `note`, its note channel's summary, or its summary unless that only
    says a note was added (then the note is in `GET /incidents/{id}/notes`)."""
    channel = _dict(e.get("channel"))
    for value in (e.get("note"), channel.get("summary"), channel.get("notes"), e.get("summary")):
        if isinstance(value, str) and value.strip() and not _GENERIC.fullmatch(value.strip()):
            return value.strip()
    return ""


def _entry(e: dict, where: str, n: int) -> Event:
    kind = _KINDS.get(str(e.get("type", "")).removesuffix("_reference").removesuffix("_log_entry"), "other")
    at = timestamp(e.get("created_at"), f"{where}: log entry {e.get('id') or n + 1}")
    summary = str(e.get("summary") or "")
    if kind == "trigger":
        details = _dict(e.get("event_details")).get("description") or _who(e.get("incident"))
        text = f"{summary.rstrip('.')}: {details}" if summary and details else summary or str(details)
    elif kind == "note":
        text = _note_text(_who(e.get("agent")), note_of(e) or "(note added)")
    elif summary:
        text = summary
    else:
        verb = {"ack": "Acknowledged", "resolve": "Resolved", "escalate": "Escalated", "assign": "Assigned"}
        agent = _who(e.get("agent"))
        text = f"{verb.get(kind, kind.capitalize())}{' by ' + agent if agent else ''}"
    return Event(at=at, text=clean(text), source="pagerduty", id=str(e.get("id") or f"entry-{n}"), kind=kind,
                 url=e.get("html_url") if isinstance(e.get("html_url"), str) else None)


def events(docs: list[object], where: Path | str, context: list[object] | None = None) -> Iterator[Event]:
    """The events of PagerDuty responses: log entries and notes, in any number of pages. `context` holds
    every response read with these (the notes response may be another file)."""
    found = False
    docs, context = [_wrap(d) for d in docs], [_wrap(d) for d in context or docs]
    noted = any(isinstance(d, dict) and isinstance(d.get("notes"), list) for d in context)
    for doc in docs:
        if not isinstance(doc, dict):
            raise wrong_vendor(where, "pagerduty", doc)
        entries = doc.get("log_entries") if isinstance(doc.get("log_entries"), list) else \
            [doc["log_entry"]] if isinstance(doc.get("log_entry"), dict) else None  # `GET /log_entries/{id}`
        if entries is not None:
            found = True
            for n, e in enumerate(entries):
                if isinstance(e, dict) and not (noted and str(e.get("type", "")).startswith("annotate")
                                                and not note_of(e)):
                    # An annotation without its words is the note the notes response holds: read it there.
                    yield _entry(e, str(where), n)
        if isinstance(doc.get("notes"), list):
            found = True
            for n, note in enumerate(doc["notes"]):
                if isinstance(note, dict):
                    at = timestamp(note.get("created_at"), f"{where}: note {note.get('id') or n + 1}")
                    yield Event(at=at, text=clean(_note_text(_who(note.get("user")), note.get("content", ""))),
                                source="pagerduty", id=str(note.get("id") or f"note-{n}"), kind="note")
        if isinstance(doc.get("incident"), dict):
            found = True
    if not found:
        raise wrong_vendor(where, "pagerduty", docs[0] if docs else {})


def incident(docs: list[object], where: Path | str) -> Incident | None:
    """The incident of `GET /incidents/{id}`, when the responses hold it."""
    inc = next((d["incident"] for d in docs if isinstance(d, dict) and isinstance(d.get("incident"), dict)), None)
    if inc is None:
        return None
    label = f"{where}: the incident"
    start = timestamp(inc["created_at"], label) if inc.get("created_at") else None
    end: dt.datetime | None = None
    if inc.get("resolved_at"):
        end = timestamp(inc["resolved_at"], label)
    elif inc.get("status") == "resolved":
        resolves = [e for e in events(docs, where) if e.kind == "resolve"]
        end = resolves[-1].at if resolves else (
            timestamp(inc["last_status_change_at"], label) if inc.get("last_status_change_at") else None)
    number = inc.get("incident_number")
    return Incident(source="pagerduty", id=str(inc.get("id") or ""), title=str(inc.get("title") or "").strip()
                    or _who(inc), start=start, end=end, severity=_who(inc.get("priority")) or None,
                    url=inc.get("html_url") if isinstance(inc.get("html_url"), str) else None,
                    reference=f"#{number}" if number else None)
