"""The postmortem process in time: phases, deadlines, and postmortems never written.

The standard (sections 3 and 4): a P0 postmortem is mandatory and drafted
within 48 hours, a P1 within a week; the draft comes 24–48 hours after the
incident is resolved, the review meeting 3–5 days after it, and the postmortem
is published and shared within a week; then its action items are tracked.
All of it is configurable (`policy`, `review_window_days`, `publish_days`,
`business_days`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from .config import Config
from .errors import ConfigError

if TYPE_CHECKING:
    from .register import Incident

UTC = dt.timezone.utc


class Assessable(Protocol):
    """What deadlines are computed from: a `Postmortem` or a `Record` of one."""

    path: str | None
    title: str | None
    severity: str | None
    date: dt.date | None
    status: str | None
    end: dt.datetime | None

    @property
    def open_action_items(self) -> list[Any]: ...


@dataclass(frozen=True)
class Policy:
    required: dict[str, bool]
    draft_hours: dict[str, int | None]
    review_window: tuple[int, int]
    publish_days: int
    business_days: bool
    due_soon_days: int
    statuses: tuple[str, ...]
    history_before: dt.date | None = None

    @classmethod
    def from_config(cls, config: Config) -> Policy:
        table = config.get("policy")
        window = config.get("review_window_days")
        for sev, v in table.items():
            bad = [k for k in v if k not in ("required", "draft_hours")]
            if bad or not isinstance(v.get("required", False), bool) or \
                    not isinstance(v.get("draft_hours", 0), int) or isinstance(v.get("draft_hours"), bool):
                raise ConfigError(f"[policy.{sev}] takes `required = true|false` and `draft_hours = <hours>`"
                                  + (f"; unknown key `{bad[0]}`" if bad else ""), path=config.source,
                                  line=config.line_of(f"policy.{sev}") or config.line_of("policy"))
        if len(window) != 2 or window[0] > window[1]:
            raise ConfigError("review_window_days must be two numbers of days, such as [3, 5]", path=config.source,
                              line=config.line_of("review_window_days"))
        return cls(
            required={sev: bool(v.get("required", False)) for sev, v in table.items()},
            draft_hours={sev: v.get("draft_hours") for sev, v in table.items()},
            review_window=(int(window[0]), int(window[-1])),
            publish_days=int(config.get("publish_days")),
            business_days=bool(config.get("business_days")),
            due_soon_days=int(config.get("due_soon_days")),
            statuses=tuple(config.get("statuses")),
            history_before=history_before(config),
        )

    def add_days(self, start: dt.date, days: int) -> dt.date:
        """`days` after `start`, counting only Monday to Friday when the policy says business days (the
        last day of the calendar at the most: a postmortem dated 9999-12-31 has its deadlines then)."""
        try:
            if not self.business_days:
                return start + dt.timedelta(days=days)
            d = start
            while days > 0:
                d += dt.timedelta(days=1)
                if d.weekday() < 5:
                    days -= 1
            return d
        except OverflowError:
            return dt.date.max

    def add_hours(self, start: dt.datetime, hours: int) -> dt.datetime:
        try:
            if not self.business_days:
                return start + dt.timedelta(hours=hours)
            whole, rest = divmod(hours, 24)
            return dt.datetime.combine(self.add_days(start.date(), whole), start.timetz()) + dt.timedelta(hours=rest)
        except OverflowError:
            return dt.datetime.combine(dt.date.max, dt.time(23, 59), start.tzinfo)


def history_before(config: Config) -> dt.date | None:
    """The `history_before` date of the configuration, or None."""
    value = str(config.get("history_before") or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"history_before = \"{value}\" is not a date; write it as YYYY-MM-DD",
                          path=config.source, line=config.line_of("history_before")) from None


def is_historical(front_matter: dict[str, Any], date: dt.date | None, before: dt.date | None) -> bool:
    """Whether a postmortem is historical: its front matter says `historical: true`, or its incident is
    before `history_before`. The one definition: deadlines, overdue items and the shells all ask it."""
    flag = front_matter.get("historical")
    if flag is True or (isinstance(flag, str) and flag.strip().lower() in ("true", "yes")):
        return True
    return before is not None and date is not None and date < before


def incident_end(pm: Assessable) -> dt.datetime | None:
    """When the incident was resolved: its stated end, or the end of its day."""
    if pm.end is not None:
        return pm.end
    if pm.date is not None:
        return dt.datetime.combine(pm.date, dt.time(23, 59), UTC)
    return None


@dataclass
class Assessment:
    """Where one postmortem (or a missing one) stands against its deadlines."""

    path: str | None
    title: str | None
    severity: str | None
    incident_date: dt.date | None
    phase: str  # a status of the lifecycle, "Unknown", or "Missing" for an incident without a postmortem
    next_step: str | None
    due: dt.date | None
    state: str  # late, due soon, on track, done, historical
    days: int | None = None  # days late (positive) or left (negative), when there is a deadline
    notes: list[str] = field(default_factory=list)
    id: str | None = None  # the postmortem's id (None for a missing one)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "title": self.title, "severity": self.severity,
                "incident_date": self.incident_date.isoformat() if self.incident_date else None,
                "phase": self.phase, "next_step": self.next_step, "due": self.due.isoformat() if self.due else None,
                "state": self.state, "days_late": self.days, "notes": self.notes}


def _state(due: dt.date | None, today: dt.date, policy: Policy) -> tuple[str, int | None]:
    if due is None:
        return "on track", None
    late = (today - due).days
    if late > 0:
        return "late", late
    if -late <= policy.due_soon_days:
        return "due soon", late
    return "on track", late


def phase_of(pm: Assessable, policy: Policy) -> str:
    status = (pm.status or "").strip().lower()
    return next((s for s in policy.statuses if s.lower() == status), "Unknown")


def assess(pm: Assessable, policy: Policy, today: dt.date) -> Assessment:
    """The postmortem's phase, its next deadline and whether it is late."""
    phase = phase_of(pm, policy)
    a = Assessment(pm.path, pm.title, pm.severity, pm.date, phase, None, None, "on track", id=getattr(pm, "id", None))
    if getattr(pm, "historical", False):
        a.state = "historical"
        a.notes.append("historical: written before the standard was adopted; no deadlines apply")
        return a
    end = incident_end(pm)
    if end is None:
        a.notes.append("no incident date: deadlines cannot be computed")
        return a
    base = end.date()
    statuses = [s.lower() for s in policy.statuses]
    n = len(statuses)
    if phase == "Unknown":
        a.notes.append(f"status `{pm.status}` is not in the lifecycle; read as {policy.statuses[0]}")
    index = statuses.index(phase.lower()) if phase.lower() in statuses else 0
    # With the standard's lifecycle (Draft, In Review, Published, Complete): a draft awaits its review
    # meeting, a reviewed postmortem awaits publishing, a published one its action items.
    if index == n - 1:
        a.state = "done"
        return a
    if index == n - 2:
        open_items = pm.open_action_items
        dated = sorted(x.due for x in open_items if x.due)
        if not open_items:
            a.next_step = f"mark {policy.statuses[-1]}: every action item is closed"
        else:
            a.next_step = f"close {len(open_items)} open action item{'s' * (len(open_items) != 1)}"
            a.due = dated[0] if dated else None
    elif index == n - 3:
        a.next_step = "publish and share"
        a.due = policy.add_days(base, policy.publish_days)
    else:
        a.next_step = f"hold the review meeting ({policy.review_window[0]}–{policy.review_window[1]} days after)"
        a.due = policy.add_days(base, policy.review_window[1])
    a.state, a.days = _state(a.due, today, policy)
    return a


def missing(incidents: list[Incident], postmortems: list[Assessable], policy: Policy,
            today: dt.date) -> list[Assessment]:
    """Incidents of a severity that requires a postmortem, without one: late once the draft deadline passed.

    `postmortems` are every postmortem there is (a restricted one the asker may not see still counts as
    written: its incident is not reported missing).
    """
    from .register import find_postmortem

    names = {PurePosixPath(pm.path).name: pm for pm in postmortems if pm.path}
    out = []
    for inc in incidents:
        if not policy.required.get(inc.severity, False) or find_postmortem(inc, names) is not None:
            continue
        hours = policy.draft_hours.get(inc.severity) or 0
        resolved = inc.resolved_at or dt.datetime.combine(inc.date, dt.time(23, 59), UTC)
        due = policy.add_hours(resolved, hours).date()
        state, days = _state(due, today, policy)
        out.append(Assessment(None, inc.title, inc.severity, inc.date, "Missing",
                              f"write the {inc.severity} postmortem (register {inc.id})", due, state, days,
                              [f"{inc.register}:{inc.line}"]))
    return out
