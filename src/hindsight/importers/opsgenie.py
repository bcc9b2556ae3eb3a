"""Opsgenie: alert logs (`GET /v2/alerts/{id}/logs`) and notes (`GET /v2/alerts/{id}/notes`).

Both answer `data[]` (logs: `log`, `type`, `owner`, `createdAt`, `offset`;
notes: `note`, `owner`, `createdAt`, `offset`) with `paging.next` for the next
page. A log saying the alert was acknowledged is marked `[ack]`; one saying it
was closed is a resolve. Logs of type `alertRecipient` (a notification sent, a
view on the web) are notifications, left out unless `--only notify`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from . import Event, clean, timestamp, wrong_vendor

_RULES = (("ack", re.compile(r"\backnowledged\b", re.I)), ("resolve", re.compile(r"\bclosed\b", re.I)),
          ("escalate", re.compile(r"\bescalat", re.I)), ("note", re.compile(r"\bnote\b", re.I)),
          ("assign", re.compile(r"\bassigned\b|\bowner\b|\btake ownership\b", re.I)),
          ("trigger", re.compile(r"\bcreated\b", re.I)), ("status", re.compile(r"\bsnoozed\b|\bunacknowledged\b",
                                                                               re.I)))


def _kind(e: dict, log: str) -> str:
    if e.get("type") == "alertRecipient":
        return "notify"
    if re.search(r"\bunacknowledged\b", log, re.I):
        return "status"
    return next((k for k, rx in _RULES if rx.search(log)), "other")


def events(docs: list[object], where: Path | str, context: list[object] | None = None) -> Iterator[Event]:
    found = False
    for doc in docs:
        if isinstance(doc, list) and doc and all(isinstance(d, dict) and ("log" in d or "note" in d) for d in doc):
            doc = {"data": doc}  # a bare list of logs or notes, as `jq .data` saves it
        if not (isinstance(doc, dict) and isinstance(doc.get("data"), list)):
            raise wrong_vendor(where, "opsgenie", doc)
        for n, e in enumerate(doc["data"]):
            if not isinstance(e, dict) or not ("log" in e or "note" in e):
                raise wrong_vendor(where, "opsgenie", e)
            found = True
            owner = str(e.get("owner") or "")
            at = timestamp(e.get("createdAt"), f"{where}: {'log' if 'log' in e else 'note'} {n + 1}")
            if "note" in e:
                text, kind, prefix = f"Note by {owner}: {e['note']}" if owner else f"Note: {e['note']}", "note", "note"
            else:
                log = str(e.get("log") or "")
                text = f"{log} ({owner})" if owner and owner not in log and owner != "System" else log
                kind, prefix = _kind(e, log), "log"
            yield Event(at=at, text=clean(text), source="opsgenie",
                        id=f"{prefix}/{e.get('offset') or at.isoformat()}", kind=kind)
    if not found and docs and not all(isinstance(d, dict) and d.get("data") == [] for d in docs):
        raise wrong_vendor(where, "opsgenie", docs[0])
