"""Action items across every postmortem: the one filter, the one order and the completion figures.

Completion rate = DONE ÷ (all − WONTFIX): items the team decided not to do
leave the denominator; items with no status, or one outside the standard's
four, count as open. An item is overdue when its due date is before today and
it is open (`ActionRow.overdue`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .standard import ACTION_STATUSES, read_status, status_label

if TYPE_CHECKING:
    from .records import ActionRow

FORMULA = "completion rate = DONE / (all - WONTFIX)"
#: The status filter that means "not DONE and not WONTFIX".
OPEN = "open"


def wanted_status(value: str | None) -> str | None:
    """A status filter as the user typed it (`done`, `in-progress`, `✅`, `won't fix`, `open`), read once."""
    if value is None or not value.strip():
        return None
    if value.strip().lower() == OPEN:
        return OPEN
    status = read_status(value)
    if status not in ACTION_STATUSES:
        raise InputError(f"`{value}` is not an action-item status; use one of {', '.join(ACTION_STATUSES)} "
                         f"or {OPEN}")
    return status


@dataclass(frozen=True, slots=True)
class ActionQuery:
    """Which action items to show: every filter given must match. Dates filter on the incident date."""

    owner: str | None = None
    status: str | None = None
    severity: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    overdue: bool = False
    file: str | None = None
    source: str | None = None  # a `[[sources]]` name: only its postmortems' items

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", wanted_status(self.status))
        for name in ("owner", "severity", "file", "source"):
            value = getattr(self, name)
            object.__setattr__(self, name, value.strip() if value and value.strip() else None)

    @property
    def file_id(self) -> str | None:
        """The postmortem `file` names, by its id or its file name (the id is the name without `.md`)."""
        return PurePosixPath(self.file).name.removesuffix(".md") if self.file else None

    def matches(self, a: ActionRow, today: dt.date) -> bool:
        if self.owner and (a.owner or "").lstrip("@").lower() != self.owner.lstrip("@").lower():
            return False
        if self.status == OPEN and not a.is_open:
            return False
        if self.status and self.status != OPEN and a.status != self.status:
            return False
        if self.severity and (a.severity or "").upper() != self.severity.upper():
            return False
        if self.since and (a.incident_date is None or a.incident_date < self.since):
            return False
        if self.until and (a.incident_date is None or a.incident_date > self.until):
            return False
        if self.overdue and not a.overdue(today):
            return False
        if self.source and a.source != self.source:
            return False
        return not self.file or a.file_id == self.file_id


def order(rows: Iterable[ActionRow]) -> list[ActionRow]:
    """By postmortem file (dated names: oldest incident first, so the longest-neglected items lead), then
    in the order the document lists them."""
    return sorted(rows, key=lambda a: (a.path, a.line))


def select(rows: Iterable[ActionRow], query: ActionQuery, today: dt.date) -> list[ActionRow]:
    """The rows the query matches, in `order`."""
    return order(a for a in rows if query.matches(a, today))


def _counts(rows: list[ActionRow], today: dt.date) -> dict[str, Any]:
    total = len(rows)
    done = sum(a.status == "DONE" for a in rows)
    wontfix = sum(a.status == "WONTFIX" for a in rows)
    return {"total": total, "done": done, "wontfix": wontfix, "open": total - done - wontfix,
            "no_status": sum(not (a.status or "").strip() for a in rows),
            "overdue": sum(a.overdue(today) for a in rows),
            "completion_rate": round(done / (total - wontfix), 4) if total - wontfix else None}


def stats(rows: list[ActionRow], today: dt.date) -> dict[str, Any]:
    """Completion figures overall, by owner and by severity; the median days from incident to close."""
    out = _counts(rows, today)
    by_owner: dict[str, list] = {}
    by_severity: dict[str, list] = {}
    for a in rows:
        by_owner.setdefault(a.owner or "(no owner)", []).append(a)
        by_severity.setdefault(a.severity or "(no severity)", []).append(a)
    out["by_owner"] = {k: _counts(v, today) for k, v in sorted(by_owner.items())}
    out["by_severity"] = {k: _counts(v, today) for k, v in sorted(by_severity.items())}
    days = [(a.closed - a.incident_date).days for a in rows if a.closed and a.incident_date and a.status == "DONE"]
    out["median_days_to_close"] = statistics.median(days) if days else None
    out["closed_with_date"] = len(days)
    out["formula"] = FORMULA
    return out


def _cell(v: Any) -> str:
    """A value as a Markdown table cell: pipes escaped, line breaks as spaces."""
    return " ".join(str(v or "").split()).replace("|", "\\|")


def to_markdown(rows: list[ActionRow]) -> str:
    """The standard's "Action Item Status" table (section 5)."""
    lines = ["| ID | Action | Owner | Due | Status | Ticket |", "|----|--------|-------|-----|--------|--------|"]
    for a in rows:
        lines.append(f"| {_cell(a.id)} | {_cell(a.action)} | {_cell(a.owner)} | {_cell(a.due)} | "
                     f"{_cell(status_label(a.status))} | {_cell(a.ticket)} |")
    return "\n".join(lines) + "\n"


JSON_KEYS = ("id", "path", "line", "action", "owner", "due", "status", "ticket", "severity", "incident_date",
             "overdue")


def to_csv(rows: list[ActionRow], today: dt.date) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(JSON_KEYS)
    for a in rows:
        d = a.to_dict(today)
        w.writerow(["" if d[k] is None else d[k] for k in JSON_KEYS])
    return buf.getvalue()
