"""incident.io: incident updates, timeline items, and the incident itself (API v2).

- Updates (`GET /v2/incident_updates?incident_id=…`, paged by
  `pagination_meta.after`): `id`, `message`, `new_incident_status` (`name`,
  `category`), `new_severity`, `updater` (a user, an API key, a workflow or an
  alert), `created_at`.
- Timeline items (`GET /v2/incident_timeline_items?incident_id=…`): the curated
  timeline, `id`, `title`, `description`, `timestamp`.
- The incident (`GET /v2/incidents/{id}`): `name`, `reference`, `severity`,
  `permalink`, `created_at`, and `incident_timestamp_values` (Reported,
  Accepted, Impact started, Fixed, Resolved, …), each also an event.

An update into a *Monitoring* status, or a timestamp or item named for a fix or
mitigation, is marked `[mitigated]`; *Accepted* or *Acknowledged*, `[ack]`; a
status of the closed, learning or post-incident category, or *Resolved*, is a
resolve.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from . import Event, Incident, clean, timestamp, wrong_vendor

_RULES = (("ack", re.compile(r"\b(?:accepted|acknowledged?)\b", re.I)),
          ("mitigated", re.compile(r"\b(?:monitoring|mitigat\w*|fixed|impact ended)\b", re.I)),
          ("resolve", re.compile(r"\b(?:resolved|closed)\b", re.I)),
          ("trigger", re.compile(r"\b(?:reported|declared|impact started|detected|created)\b", re.I)))
_CLOSED = {"closed", "learning", "post-incident", "post_incident"}
_STARTS = ("impact started", "started", "reported", "declared", "detected")
_ENDS = ("impact ended", "resolved", "fixed", "mitigated", "closed")


def _kind(name: str, default: str) -> str:
    return next((kind for kind, rx in _RULES if rx.search(name)), default)


def _who(updater: object) -> str:
    if not isinstance(updater, dict):
        return ""
    for key in ("user", "workflow", "api_key", "alert"):
        value = updater.get(key)
        if isinstance(value, dict) and (value.get("name") or value.get("title")):
            return str(value.get("name") or value.get("title"))
    return ""


def _text(*parts: object) -> str:
    return ": ".join(str(p).strip() for p in parts if p and str(p).strip())


def _incident(docs: list[object]) -> dict | None:
    return next((d["incident"] for d in docs if isinstance(d, dict) and isinstance(d.get("incident"), dict)), None)


def events(docs: list[object], where: Path | str, context: list[object] | None = None) -> Iterator[Event]:
    """The events of incident.io responses; each links to the incident when `context` (every response read
    with these) holds it."""
    found = False
    inc = _incident(context or docs)
    link = inc.get("permalink") if inc and isinstance(inc.get("permalink"), str) else None
    for doc in docs:
        if isinstance(doc, list) and doc and all(isinstance(d, dict) for d in doc):
            # A bare list of updates or of timeline items, as `jq .incident_updates` saves it.
            if all("new_incident_status" in d for d in doc):
                doc = {"incident_updates": doc}
            elif all("timestamp" in d and "title" in d for d in doc):
                doc = {"incident_timeline_items": doc}
        if not isinstance(doc, dict):
            raise wrong_vendor(where, "incidentio", doc)
        for n, u in enumerate(u for u in doc.get("incident_updates") or [] if isinstance(u, dict)):
            found = True
            status = u.get("new_incident_status") if isinstance(u.get("new_incident_status"), dict) else {}
            name = str(status.get("name") or "")
            severity = u.get("new_severity") if isinstance(u.get("new_severity"), dict) else {}
            text = _text(name, u.get("message")) or (f"Severity {severity['name']}" if severity.get("name") else "")
            who = _who(u.get("updater"))
            category = str(status.get("category") or "").lower()
            kind = "resolve" if category in _CLOSED else _kind(name, "status")
            yield Event(at=timestamp(u.get("created_at"), f"{where}: update {u.get('id') or n + 1}"),
                        text=clean(f"{text} — {who}" if who and text else text), source="incidentio",
                        id=f"update/{u.get('id') or n}", kind=kind, url=link)
        items = doc.get("incident_timeline_items", doc.get("timeline_items"))
        for n, item in enumerate(i for i in items or [] if isinstance(i, dict)):
            found = True
            title = str(item.get("title") or "")
            at = item.get("timestamp") or item.get("occurred_at") or item.get("created_at")
            yield Event(at=timestamp(at, f"{where}: timeline item {item.get('id') or n + 1}"),
                        text=clean(_text(title, item.get("description"))), source="incidentio",
                        id=f"item/{item.get('id') or n}", kind=_kind(title, "note"), url=link)
        if isinstance(doc.get("incident"), dict):
            found = True
            yield from _timestamps(doc["incident"], where)
    if not found:
        raise wrong_vendor(where, "incidentio", docs[0] if docs else {})


def _stamps(inc: dict) -> Iterator[tuple[str, str, str]]:
    """(id, name, value) of each timestamp the incident has a value for."""
    for n, value in enumerate(inc.get("incident_timestamp_values") or []):
        if not isinstance(value, dict):
            continue
        stamp = value.get("incident_timestamp") if isinstance(value.get("incident_timestamp"), dict) else {}
        when = value.get("value")
        when = when.get("value") if isinstance(when, dict) else when
        if when:
            yield str(stamp.get("id") or n), str(stamp.get("name") or f"Timestamp {n + 1}"), when


def _timestamps(inc: dict, where: Path | str) -> Iterator[Event]:
    link = inc.get("permalink") if isinstance(inc.get("permalink"), str) else None
    for stamp_id, name, when in _stamps(inc):
        label = re.sub(r"\s+at$", "", name, flags=re.I)
        yield Event(at=timestamp(when, f"{where}: {name}"), text=clean(label), source="incidentio",
                    id=f"timestamp/{stamp_id}", kind=_kind(name, "status"), url=link)


def incident(docs: list[object], where: Path | str) -> Incident | None:
    """The incident of `GET /v2/incidents/{id}`, when the responses hold it: the start is its *Impact
    started* (else *Reported*, else its creation), the end its *Impact ended* (else *Resolved*, *Fixed* or
    *Closed*)."""
    inc = _incident(docs)
    if inc is None:
        return None
    stamps = {re.sub(r"\s+at$", "", name.lower()): timestamp(when, f"{where}: {name}")
              for _, name, when in _stamps(inc)}
    start = next((stamps[k] for k in _STARTS if k in stamps), None)
    if start is None and inc.get("created_at"):
        start = timestamp(inc["created_at"], f"{where}: the incident")
    end = next((stamps[k] for k in _ENDS if k in stamps), None)
    severity = inc.get("severity") if isinstance(inc.get("severity"), dict) else {}
    return Incident(source="incidentio", id=str(inc.get("id") or ""), title=str(inc.get("name") or "").strip(),
                    start=start, end=end, severity=str(severity.get("name") or "") or None,
                    url=inc.get("permalink") if isinstance(inc.get("permalink"), str) else None,
                    reference=str(inc.get("reference") or "") or None)
