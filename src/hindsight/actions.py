"""Action items across every postmortem: listing, filtering and completion figures.

Completion rate = DONE ÷ (all − WONTFIX): items the team decided not to do
leave the denominator; items with no status, or one outside the standard's
four, count as open.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import corpus
from .standard import CLOSED_STATUSES, status_label

if TYPE_CHECKING:
    from .model import Postmortem

FORMULA = "completion rate = DONE / (all - WONTFIX)"


def rows_of(pm: Postmortem) -> list[dict[str, Any]]:
    """The action items of one postmortem as rows (run in worker processes: no `today` here)."""
    return [{
        "id": a.id, "path": pm.path, "line": a.line, "action": a.action, "owner": a.owner,
        "due": a.due.isoformat() if a.due else None, "status": a.status, "ticket": a.ticket,
        "severity": pm.severity, "incident_date": pm.date.isoformat() if pm.date else None,
        "closed": a.closed.isoformat() if a.closed else None,
    } for a in pm.action_items]


def with_overdue(rows: Iterable[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        r = dict(r)
        r["overdue"] = bool(r["due"] and r["status"] not in CLOSED_STATUSES and dt.date.fromisoformat(r["due"]) < today)
        out.append(r)
    return out


@dataclass
class Collected:
    rows: list[dict[str, Any]]
    errors: list[str]


def collect(folder: Path, today: dt.date, *, jobs: int | None = None) -> Collected:
    loaded = corpus.load(folder, rows_of, jobs=jobs)
    rows = [r for item in loaded if item.value for r in item.value]
    return Collected(with_overdue(rows, today), [item.error for item in loaded if item.error])


def filter_rows(rows: list[dict[str, Any]], *, owner: str | None = None, status: str | None = None,
                severity: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
                overdue: bool = False, file: str | None = None) -> list[dict[str, Any]]:
    """Rows matching every filter given; dates filter on the incident date."""
    from .edit import normalise_status

    want_status = normalise_status(status) if status and status.lower() != "open" else status
    out = []
    for r in rows:
        if owner and (r["owner"] or "").lstrip("@").lower() != owner.lstrip("@").lower():
            continue
        if want_status == "open" and r["status"] in CLOSED_STATUSES:
            continue
        if want_status and want_status != "open" and r["status"] != want_status:
            continue
        if severity and (r["severity"] or "").upper() != severity.upper():
            continue
        day = dt.date.fromisoformat(r["incident_date"]) if r["incident_date"] else None
        if since and (day is None or day < since):
            continue
        if until and (day is None or day > until):
            continue
        if overdue and not r["overdue"]:
            continue
        if file and Path(file).name != Path(r["path"]).name and Path(file).stem != Path(r["path"]).stem:
            continue
        out.append(r)
    return out


def _counts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = len(rows)
    done = sum(r["status"] == "DONE" for r in rows)
    wontfix = sum(r["status"] == "WONTFIX" for r in rows)
    return {"total": total, "done": done, "wontfix": wontfix, "open": total - done - wontfix,
            "overdue": sum(r["overdue"] for r in rows),
            "completion_rate": round(done / (total - wontfix), 4) if total - wontfix else None}


def stats(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Completion figures overall, by owner and by severity; the median days from incident to close."""
    out = _counts(rows)
    by_owner: dict[str, list] = {}
    by_severity: dict[str, list] = {}
    for r in rows:
        by_owner.setdefault(r["owner"] or "(no owner)", []).append(r)
        by_severity.setdefault(r["severity"] or "(no severity)", []).append(r)
    out["by_owner"] = {k: _counts(v) for k, v in sorted(by_owner.items())}
    out["by_severity"] = {k: _counts(v) for k, v in sorted(by_severity.items())}
    days = [(dt.date.fromisoformat(r["closed"]) - dt.date.fromisoformat(r["incident_date"])).days
            for r in rows if r["closed"] and r["incident_date"] and r["status"] == "DONE"]
    out["median_days_to_close"] = statistics.median(days) if days else None
    out["closed_with_date"] = len(days)
    out["formula"] = FORMULA
    return out


def to_markdown(rows: list[dict[str, Any]]) -> str:
    """The standard's "Action Item Status" table (section 5)."""
    def cell(v: Any) -> str:
        return str(v or "").replace("|", "\\|")

    lines = ["| ID | Action | Owner | Due | Status | Ticket |", "|----|--------|-------|-----|--------|--------|"]
    for r in rows:
        lines.append(f"| {cell(r['id'])} | {cell(r['action'])} | {cell(r['owner'])} | {cell(r['due'])} | "
                     f"{cell(status_label(r['status']))} | {cell(r['ticket'])} |")
    return "\n".join(lines) + "\n"


JSON_KEYS = ("id", "path", "line", "action", "owner", "due", "status", "ticket", "severity", "incident_date",
             "overdue")


def to_json_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: r[k] for k in JSON_KEYS} for r in rows]


def to_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(JSON_KEYS)
    for r in rows:
        w.writerow(["" if r[k] is None else r[k] for k in JSON_KEYS])
    return buf.getvalue()
