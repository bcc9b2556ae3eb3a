"""The monthly review (the standard, section 6): every postmortem of a month, how the follow-ups are
going, and what keeps coming back. Every figure is defined in `docs/metrics.md`.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import actions as actions_lib
from ..config import Config
from ..errors import InputError

if TYPE_CHECKING:
    from ..model import Postmortem

ACK = re.compile(r"\[(?:ack|acknowledged)\]|\back(?:nowledg(?:e|es|ed|ing|ment))?\b|\backed\b", re.I)
MITIGATED = re.compile(r"\[mitigated\]|\bmitigat\w*|\brolled back\b|\brestored\b|\brecovered\b|"
                       r"\bback to (?:normal|baseline)\b|\bfix (?:was )?deployed\b|\bworkaround\b|"
                       r"\berror rate dropping\b", re.I)
RUNBOOK = re.compile(r"\b(?:run ?books?|playbooks?)\b", re.I)
REPEAT_DAYS = 90
TREND_MONTHS = 6


def parse_month(value: str) -> tuple[dt.date, dt.date]:
    """`2026-01` -> (first day, first day of the next month)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(f"`{value}` is not a month; write it as YYYY-MM, e.g. 2026-01")
    first = dt.date(int(m.group(1)), int(m.group(2)), 1)
    return first, _add_months(first, 1)


def span(month: str) -> tuple[dt.date, dt.date]:
    """The incident dates a month's review reads: the trend's and themes' months before it, to its last day."""
    first, nxt = parse_month(month)
    return _add_months(first, -TREND_MONTHS), nxt - dt.timedelta(days=1)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _month(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _start(pm: Postmortem) -> dt.datetime | None:
    if pm.start is not None:
        return pm.start
    return next((e.at for e in pm.timeline if e.at is not None and e.precision != "date"), None)


def marker_minutes(pm: Postmortem, rx: re.Pattern) -> float | None:
    """Minutes from the start of the incident to the first timeline event the marker matches."""
    start = _start(pm)
    if start is None:
        return None
    for e in pm.timeline:
        if e.at is not None and e.precision != "date" and rx.search(e.event):
            return max(0.0, (e.at - start).total_seconds() / 60)
    return None


def duration(pm: Postmortem) -> int | None:
    if pm.duration_minutes is not None:
        return pm.duration_minutes
    if pm.start and pm.end:
        return round((pm.end - pm.start).total_seconds() / 60)
    return None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _service(pm: Postmortem) -> set[str]:
    out: set[str] = set()
    for key in ("service", "services", "component", "components", "system"):
        v = pm.front_matter.get(key)
        if isinstance(v, str):
            out.add(v.strip().lower())
        elif isinstance(v, list):
            out |= {str(x).strip().lower() for x in v}
    return out


def compute(pms: list[Postmortem], month: str, today: dt.date, config: Config,
            incidents: list | None = None) -> dict[str, Any]:
    """The monthly review as data (the JSON format): see docs/metrics.md for each key."""
    from .. import lifecycle
    from .themes import themes_of

    first, nxt = parse_month(month)
    dated = [pm for pm in pms if pm.date is not None]
    in_month = sorted((pm for pm in dated if first <= pm.date < nxt), key=lambda p: (p.date, p.path or ""))
    levels = list(config.get("severity_levels"))
    rows_all = actions_lib.with_overdue([r for pm in dated for r in actions_lib.rows_of(pm)], today)
    month_paths = {pm.path for pm in in_month}
    rows_month = [r for r in rows_all if r["path"] in month_paths]
    durations = [d for d in (duration(pm) for pm in in_month) if d is not None]
    counts = {lvl: sum(pm.severity == lvl for pm in in_month) for lvl in levels}
    other = sum(pm.severity not in levels for pm in in_month)
    if other:
        counts["unrated"] = other
    # The trend: completion of the items of each month's postmortems, as of today.
    trend = []
    for k in range(TREND_MONTHS - 1, -1, -1):
        m_first = _add_months(first, -k)
        m_next = _add_months(m_first, 1)
        paths = {pm.path for pm in dated if m_first <= pm.date < m_next}
        c = actions_lib.stats([r for r in rows_all if r["path"] in paths])
        trend.append({"month": _month(m_first), "completion_rate": c["completion_rate"],
                      "postmortems": len(paths)})
    # Themes over this month and the six before it.
    window_start, _ = span(month)
    window = [pm for pm in dated if window_start <= pm.date < nxt]
    extra = config.get("themes")
    themes_by_pm = {pm.path: themes_of(pm, extra) for pm in window}
    theme_map: dict[str, list[Postmortem]] = {}
    for pm in window:
        for t in themes_by_pm[pm.path]:
            theme_map.setdefault(t, []).append(pm)
    themes = [{"name": name, "postmortems": [p.path for p in sorted(ps, key=lambda p: p.date)],
               "count": len(ps), "in_month": sum(p.path in month_paths for p in ps), "recurring": len(ps) >= 2}
              for name, ps in sorted(theme_map.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    # Repeat incidents: the same service, or the same cause theme, within 90 days of a postmortem of the month
    # (90 days fall inside the themes' window, so every candidate's themes are already known).
    repeats = []
    for pm in in_month:
        for other_pm in window:
            if other_pm.path == pm.path or other_pm.date > pm.date:
                continue
            days = (pm.date - other_pm.date).days
            if days > REPEAT_DAYS or (other_pm.date == pm.date and other_pm.path > pm.path):
                continue
            shared_service = _service(pm) & _service(other_pm)
            shared_theme = themes_by_pm[pm.path] & themes_by_pm[other_pm.path]
            if shared_service or shared_theme:
                reason = (f"service {', '.join(sorted(shared_service))}" if shared_service
                          else f"cause: {', '.join(sorted(shared_theme))}")
                repeats.append({"postmortems": [other_pm.path, pm.path], "days_apart": days, "reason": reason})
    # Runbook updates asked for by the month's postmortems.
    runbooks = []
    for pm in in_month:
        for a in pm.action_items:
            if RUNBOOK.search(a.action):
                runbooks.append({"path": pm.path, "id": a.id, "kind": "action item", "text": a.action,
                                 "status": a.status, "done": a.status == "DONE"})
        for n in pm.lessons:
            if RUNBOOK.search(n.text):
                runbooks.append({"path": pm.path, "id": None, "kind": "lesson", "text": n.text, "status": None,
                                 "done": None})
    policy = lifecycle.Policy.from_config(config)
    late = [a.to_dict() for a in (lifecycle.assess(pm, policy, today) for pm in in_month) if a.state == "late"]
    if incidents:
        by_name = {Path(pm.path).name: Path(pm.path) for pm in pms if pm.path}
        late += [a.to_dict() for a in lifecycle.missing(
            [i for i in incidents if first <= i.date < nxt], by_name, policy, today)]
    overdue_by_owner: dict[str, int] = {}
    for r in rows_all:
        if r["overdue"]:
            key = r["owner"] or "(no owner)"
            overdue_by_owner[key] = overdue_by_owner.get(key, 0) + 1
    tta = [v for v in (marker_minutes(pm, ACK) for pm in in_month) if v is not None]
    ttm = [v for v in (marker_minutes(pm, MITIGATED) for pm in in_month) if v is not None]
    month_stats = actions_lib.stats(rows_month)
    all_stats = actions_lib.stats(rows_all)
    keys = ("total", "done", "wontfix", "open", "overdue", "completion_rate")
    return {
        "month": month,
        "today": today.isoformat(),
        "postmortems": [{"path": pm.path, "title": pm.title, "date": pm.date.isoformat(), "severity": pm.severity,
                         "duration_minutes": duration(pm), "status": pm.status} for pm in in_month],
        "counts_by_severity": counts,
        "duration_minutes": {"total": sum(durations), "median": _median([float(d) for d in durations])},
        "time_to_acknowledge_minutes": {"median": _median(tta), "measured": len(tta)},
        "time_to_mitigate_minutes": {"median": _median(ttm), "measured": len(ttm)},
        "sla_breaches": [pm.path for pm in in_month if pm.sla and pm.sla.status == "Breached"],
        "action_items": {k: month_stats[k] for k in keys},
        "all_action_items": {k: all_stats[k] for k in keys},
        "overdue_by_owner": dict(sorted(overdue_by_owner.items(), key=lambda kv: (-kv[1], kv[0]))),
        "completion_trend": trend,
        "themes": themes,
        "repeat_incidents": repeats,
        "runbook_updates": runbooks,
        "missing_or_late": late,
        "severity_by_month": {t["month"]: {lvl: sum(pm.severity == lvl for pm in dated
                                                    if _month(pm.date) == t["month"]) for lvl in levels}
                              for t in trend},
    }
