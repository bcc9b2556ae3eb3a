"""The monthly review as Markdown, or as a self-contained HTML page with inline SVG charts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..actions import FORMULA
from ..parse.when import duration_text

#: How a report links a postmortem (`{"id", "title", "path"}`): a URL, or None for no link.
Linker = Callable[[dict[str, Any]], str | None]


def _rate(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0%}"


def _minutes(v: float | None) -> str:
    return "n/a" if v is None else duration_text(round(v))


def _esc(text: str) -> str:
    """Text as literal Markdown: no character in a title makes a link, emphasis or a table cell."""
    return "".join("\\" + c if c in "\\`*_[]<>|#!" else c for c in " ".join(text.split()))


def _named(ref: dict[str, Any], link: Linker | None) -> str:
    """A postmortem as the report names it: its title, linked where the report knows where it is read."""
    title = _esc(ref.get("title") or ref.get("id") or "untitled")
    url = link(ref) if link else None
    mark = " **(restricted)**" if ref.get("restricted") else ""
    return (f"[{title}](<{url}>)" if url else f"{title} (`{ref.get('path')}`)") + mark


def markdown(r: dict[str, Any], link: Linker | None = None) -> str:
    scope = r["scope"]["postmortems"]
    out = [f"# Monthly postmortem review: {r['month']}", "",
           f"_As of {r['today']}. The figures count the {scope} dated postmortem{'s' * (scope != 1)} the reader "
           "may see. Definitions: docs/metrics.md._", ""]
    if r["scope"]["restricted"]:
        n = r["scope"]["restricted"]
        out += [f"**This review includes {n} restricted postmortem{'s' * (n != 1)}, marked (restricted).** Share it "
                "only with their groups, or make it with `--groups` to leave them out.", ""]
    pms = r["postmortems"]
    out += ["## Postmortems", ""]
    if not pms:
        out += ["No postmortems this month.", ""]
    else:
        out += ["| Date | Severity | Duration | Status | Title |", "|---|---|---|---|---|"]
        out += [f"| {p['date']} | {p['severity'] or '—'} | "
                f"{_minutes(p['duration_minutes']) if p['duration_minutes'] is not None else '—'} | "
                f"{_esc(p['status'] or '—')} | {_named(p, link)} |" for p in pms]
        out.append("")
    late = r["missing_or_late"]
    out += ["## Missing or late", ""]
    out += [f"- **{a['phase']}** {a['severity'] or ''} "
            f"{_named(a, link) if a.get('id') else _esc(a['title'] or '')}: {a['next_step']}, due {a['due']}"
            + (f" ({a['days_late']} days late)" if a.get("days_late") else "") for a in late] or ["- None."]
    a, al = r["action_items"], r["all_action_items"]
    out += ["", "## Action items", "",
            f"Completion rate ({FORMULA}): **{_rate(a['completion_rate'])}** for this month's postmortems "
            f"({a['done']} done of {a['total']}, {a['wontfix']} won't fix, {a['open']} open{_unstated(a)}, "
            f"{a['overdue']} overdue); **{_rate(al['completion_rate'])}** across all postmortems ({al['open']} open"
            f"{_unstated(al)}, {al['overdue']} overdue).",
            "", "Trend (items of each month's postmortems): "
            + ", ".join(f"{t['month']} {_rate(t['completion_rate'])}" for t in r["completion_trend"]), ""]
    if r["overdue_by_owner"]:
        out += ["Overdue by owner: " + ", ".join(f"{k} {v}" for k, v in r["overdue_by_owner"].items()), ""]
    d = r["duration_minutes"]
    out += ["## Incident metrics", "",
            "- By severity: " + ", ".join(f"{k} {v}" for k, v in r["counts_by_severity"].items()),
            f"- Duration: total {_minutes(d['total'])}, median {_minutes(d['median'])}",
            f"- Time to acknowledge: median {_minutes(r['time_to_acknowledge_minutes']['median'])} "
            f"(measured in {r['time_to_acknowledge_minutes']['measured']} postmortems)",
            f"- Time to mitigate: median {_minutes(r['time_to_mitigate_minutes']['median'])} "
            f"(measured in {r['time_to_mitigate_minutes']['measured']} postmortems)",
            f"- SLA breaches: {len(r['sla_breaches'])}" + (f" ({', '.join(_named(p, link) for p in r['sla_breaches'])})"
                                                          if r["sla_breaches"] else ""), ""]
    out += ["## Recurring themes (this month and the six before)", ""]
    out += [f"- **{t['name']}**: {t['count']} postmortem{'s' * (t['count'] != 1)}"
            + (f", {t['in_month']} this month" if t["in_month"] else "") + " — "
            + ", ".join(_named(p, link) for p in t["postmortems"])
            for t in r["themes"]] or ["- None found."]
    out += ["", "## Repeat incidents (within 90 days)", ""]
    out += [f"- {_named(x['postmortems'][1], link)} repeats {_named(x['postmortems'][0], link)} "
            f"({x['days_apart']} days apart; {_esc(x['reason'])})"
            for x in r["repeat_incidents"]] or ["- None."]
    if r.get("possibly_related"):
        out += ["", "## Possibly related (a shared theme or component, a different cause)", ""]
        out += [f"- {_named(x['postmortems'][1], link)} and {_named(x['postmortems'][0], link)} "
                f"({x['days_apart']} days apart; {_esc(x['reason'])})" for x in r["possibly_related"]]
    out += ["", "## Runbook updates", ""]
    out += [f"- [{'x' if u['done'] else ' '}] {_esc(u['text'])} ({u['kind']}, "
            f"{u['id'] or _named(u['postmortem'], link)}" + (f", {_esc(u['status'])}" if u["status"] else "") + ")"
            for u in r["runbook_updates"]] or ["- None asked for."]
    return "\n".join(out) + "\n"


def _unstated(counts: dict[str, Any]) -> str:
    """", 75 with no status": open items whose status was never written, said rather than hidden."""
    n = counts.get("no_status") or 0
    return f", {n} of them with no status at all" if n else ""


def html(r: dict[str, Any], levels: list[str], link: Linker | None = None) -> str:
    """The review as a self-contained page."""
    from ..render.html import page

    return page(f"Monthly postmortem review: {r['month']}", html_body(r, levels, link))


def html_body(r: dict[str, Any], levels: list[str], link: Linker | None = None) -> str:
    """The review's HTML body, its charts (inline SVG) after the summary table."""
    from ..render.html import to_html
    from . import charts

    months = [t["month"] for t in r["completion_trend"]]
    svgs = [charts.severity_by_month(months, r["severity_by_month"], levels),
            charts.completion_trend([(t["month"], t["completion_rate"]) for t in r["completion_trend"]]),
            charts.themes([(t["name"], t["count"]) for t in r["themes"][:12]])]
    body = to_html(markdown(r, link))
    figures = "".join(f'<figure class="chart">{svg}</figure>' for svg in svgs)
    # Charts after the summary table, before the details.
    marker = "<h2>Missing or late</h2>"
    return body.replace(marker, f"<h2>Charts</h2>{figures}{marker}", 1) if marker in body else body + figures
