"""The monthly review (the standard, section 6): every postmortem of a month, how the follow-ups are
going, and what keeps coming back. Every figure is defined in `docs/metrics.md`.

`compute` reads records (`hindsight.records`), never files: the CLI and the portal hand it the same
records, the ones the asker may see, through `Workspace.review`.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from typing import TYPE_CHECKING, Any

from .. import actions as actions_lib
from ..errors import InputError
from .similarity import Relation, inverse_frequency, relation

__all__ = ["Relation", "compute", "inverse_frequency", "relation"]

if TYPE_CHECKING:
    from ..lifecycle import Policy
    from ..records import Record
    from ..register import Incident

REPEAT_DAYS = 90
TREND_MONTHS = 6
#: The first and last month a review can be asked for.
FIRST_MONTH, LAST_MONTH = dt.date(1970, 1, 1), dt.date(9998, 12, 1)


def parse_month(value: str) -> tuple[dt.date, dt.date]:
    """`2026-01` -> (first day, first day of the next month)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(f"`{value}` is not a month; write it as YYYY-MM, e.g. 2026-01")
    if not FIRST_MONTH.year <= int(m.group(1)) <= LAST_MONTH.year:
        raise InputError(f"`{value}` is outside the months a review covers ({FIRST_MONTH:%Y-%m} to "
                         f"{LAST_MONTH:%Y-%m})")
    first = dt.date(int(m.group(1)), int(m.group(2)), 1)
    if not FIRST_MONTH <= first <= LAST_MONTH:
        raise InputError(f"`{value}` is outside the months a review covers ({FIRST_MONTH:%Y-%m} to "
                         f"{LAST_MONTH:%Y-%m})")
    return first, _add_months(first, 1)


def default_month(today: dt.date) -> str:
    """The month a review shows when none is asked for: the one that ended last."""
    return _month(today.replace(day=1) - dt.timedelta(days=1))


def span(month: str) -> tuple[dt.date, dt.date]:
    """The incident dates a month's review reads: the trend's and themes' months before it, to its last day."""
    first, nxt = parse_month(month)
    return _add_months(first, -TREND_MONTHS), nxt - dt.timedelta(days=1)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _month(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def compute(records: list[Record], month: str, today: dt.date, *, levels: list[str], policy: Policy,
            incidents: list[Incident] | None = None, written: list[Record] | None = None) -> dict[str, Any]:
    """The monthly review as data (the JSON format): see docs/metrics.md for each key.

    `records` are every postmortem the asker may see, of every month: the figures "across all
    postmortems" and the overdue items count all of them. `incidents` are the register's; an incident
    counts as missing its postmortem unless one of `written` (every postmortem, seen or not) is its own.
    """
    from .. import lifecycle

    first, nxt = parse_month(month)
    dated = [r for r in records if r.date is not None]
    in_month = sorted((r for r in dated if first <= r.date < nxt), key=lambda r: (r.date, r.path))
    rows_all = [a for r in dated for a in r.action_items]
    month_ids = {r.id for r in in_month}
    rows_month = [a for a in rows_all if a.file_id in month_ids]
    durations = [r.duration_minutes for r in in_month if r.duration_minutes is not None]
    counts = {lvl: sum(r.severity == lvl for r in in_month) for lvl in levels}
    other = sum(r.severity not in levels for r in in_month)
    if other:
        counts["unrated"] = other
    # The trend: completion of the items of each month's postmortems, as of today.
    trend = []
    for k in range(TREND_MONTHS - 1, -1, -1):
        m_first = _add_months(first, -k)
        m_next = _add_months(m_first, 1)
        ids = {r.id for r in dated if m_first <= r.date < m_next}
        c = actions_lib.stats([a for a in rows_all if a.file_id in ids], today)
        trend.append({"month": _month(m_first), "completion_rate": c["completion_rate"], "postmortems": len(ids)})
    # Themes over this month and the six before it.
    window_start, _ = span(month)
    window = sorted((r for r in dated if window_start <= r.date < nxt), key=lambda r: (r.date, r.path))
    theme_map: dict[str, list[Record]] = {}
    for r in window:
        for t in r.themes:
            theme_map.setdefault(t, []).append(r)
    themes = [{"name": name, "postmortems": [_ref(p) for p in ps], "count": len(ps),
               "in_month": sum(p.id in month_ids for p in ps), "recurring": len(ps) >= 2}
              for name, ps in sorted(theme_map.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    # Repeat incidents within 90 days of a postmortem of the month: the same service or component, or a
    # strongly similar cause (review.similarity); weaker links are only possibly related.
    repeats: list[dict[str, Any]] = []
    related: list[dict[str, Any]] = []
    idf = inverse_frequency(window)
    for r in in_month:
        for other_r in window:
            if other_r.id == r.id or other_r.date > r.date:
                continue
            days = (r.date - other_r.date).days
            if days > REPEAT_DAYS or (other_r.date == r.date and other_r.path > r.path):
                continue
            rel = relation(other_r, r, idf)
            if rel.kind != "none":
                (repeats if rel.kind == "repeat" else related).append(
                    {"postmortems": [_ref(other_r), _ref(r)], "days_apart": days, "reason": rel.evidence})
    runbooks = [{"postmortem": _ref(r), "id": u.id, "kind": u.kind, "text": u.text, "status": u.status,
                 "done": (u.status == "DONE") if u.kind == "action item" else None}
                for r in in_month for u in r.runbook_updates]
    late = [a.to_dict() for a in (lifecycle.assess(r, policy, today) for r in in_month) if a.state == "late"]
    if incidents:
        late += [a.to_dict() for a in lifecycle.missing(
            [i for i in incidents if first <= i.date < nxt], written if written is not None else records,
            policy, today)]
    overdue_by_owner: dict[str, int] = {}
    for a in rows_all:
        if a.overdue(today):
            key = a.owner or "(no owner)"
            overdue_by_owner[key] = overdue_by_owner.get(key, 0) + 1
    tta = [r.minutes_to_acknowledge for r in in_month if r.minutes_to_acknowledge is not None]
    ttm = [r.minutes_to_mitigate for r in in_month if r.minutes_to_mitigate is not None]
    month_stats = actions_lib.stats(rows_month, today)
    all_stats = actions_lib.stats(rows_all, today)
    keys = ("total", "done", "wontfix", "open", "no_status", "overdue", "completion_rate")
    return {
        "month": month,
        "today": today.isoformat(),
        # Whose review this is: the figures count these postmortems, the ones the reader may see.
        "scope": {"postmortems": len(dated), "undated": len(records) - len(dated),
                  "restricted": sum(r.restricted for r in in_month),
                  "historical": sum(r.historical for r in in_month)},
        "postmortems": [{**_ref(r), "date": r.date.isoformat(), "severity": r.severity,
                         "duration_minutes": r.duration_minutes, "status": r.status, "historical": r.historical}
                        for r in in_month],
        "counts_by_severity": counts,
        "duration_minutes": {"total": sum(durations), "median": _median([float(d) for d in durations])},
        "time_to_acknowledge_minutes": {"median": _median(tta), "measured": len(tta)},
        "time_to_mitigate_minutes": {"median": _median(ttm), "measured": len(ttm)},
        "sla_breaches": [_ref(r) for r in in_month if r.sla_status == "Breached"],
        "action_items": {k: month_stats[k] for k in keys},
        "all_action_items": {k: all_stats[k] for k in keys},
        "overdue_by_owner": dict(sorted(overdue_by_owner.items(), key=lambda kv: (-kv[1], kv[0]))),
        "completion_trend": trend,
        "themes": themes,
        "repeat_incidents": repeats,
        "possibly_related": related,
        "runbook_updates": runbooks,
        "missing_or_late": late,
        "severity_by_month": {t["month"]: {lvl: sum(r.severity == lvl for r in dated
                                                    if _month(r.date) == t["month"]) for lvl in levels}
                              for t in trend},
    }


def _ref(r: Record) -> dict[str, Any]:
    """How the review names a postmortem: its id (for a link), its title and where it is."""
    return {"id": r.id, "title": r.title, "path": r.path, "restricted": r.restricted}
