"""Terminal views of postmortems (rich), shared by the CLI commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .model import Postmortem

_STATUS_STYLE = {"DONE": "green", "WONTFIX": "dim", "IN PROGRESS": "yellow", "TODO": "red"}


def postmortem_row(pm: Postmortem) -> dict[str, Any]:
    """One line of `hindsight list --format json`."""
    return {
        "path": pm.path,
        "date": pm.date.isoformat() if pm.date else None,
        "severity": pm.severity,
        "status": pm.status,
        "title": pm.title,
        "action_items": len(pm.action_items),
        "open_action_items": len(pm.open_action_items),
    }


def print_list(rows: list[dict[str, Any]], console: Console) -> None:
    """The table of `hindsight list`, newest first, from `postmortem_row` rows."""
    table = Table(title=f"{len(rows)} postmortem{'s' if len(rows) != 1 else ''} (Open: open / all action items)",
                  title_justify="left")
    for col in ("Date", "Sev", "Status", "Open", "Title", "File"):
        table.add_column(col, overflow="fold", no_wrap=col in ("Date", "Sev", "Open"))
    for r in sorted(rows, key=lambda r: (r["date"] or "", r["path"] or ""), reverse=True):
        table.add_row(r["date"] or "?", r["severity"] or "", r["status"] or "",
                      f"{r['open_action_items']}/{r['action_items']}", r["title"] or "(untitled)",
                      Path(r["path"]).name if r["path"] else "")
    console.print(table)


def print_postmortem(pm: Postmortem, console: Console) -> None:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    duration = f"{pm.duration_minutes} min" if pm.duration_minutes is not None else ""
    if pm.start and pm.end:
        duration += f" ({pm.start:%Y-%m-%d %H:%M} – {pm.end:%H:%M} {pm.timezone})"
    for label, value in (("Date", pm.date.isoformat() if pm.date else ""), ("Duration", duration),
                         ("Severity", pm.severity), ("Author", pm.author), ("Status", pm.status),
                         ("File", pm.path)):
        if value:
            head.add_row(label, str(value))
    parts: list[Any] = [head]
    if pm.summary:
        parts += [Text(""), Text(pm.summary)]
    console.print(Panel(Group(*parts), title=Text(pm.title or "(untitled)", style="bold"), title_align="left"))

    if pm.timeline:
        t = Table(title="Timeline", title_justify="left")
        t.add_column("When", no_wrap=True)
        t.add_column("Event")
        for e in pm.timeline:
            when = e.at.strftime("%Y-%m-%d %H:%M %Z").strip() if e.at and e.precision != "date" else \
                (e.date.isoformat() if e.date else e.time_text or "?")
            t.add_row(when, e.event)
        console.print(t)
    rc = pm.root_cause
    if rc.what_happened or rc.contributing_factors or rc.five_whys:
        lines = Text()
        if rc.what_happened:
            lines.append(rc.what_happened + "\n")
        for f in rc.contributing_factors:
            lines.append("• ", style="bold").append(f.title, style="bold")
            lines.append(f" — {f.description}\n" if f.description else "\n")
        for n, w in enumerate(rc.five_whys, start=1):
            lines.append(f"{n}. {w.question}\n", style="bold").append(f"   {w.answer or '(no answer)'}\n")
        console.print(Panel(lines, title="Root cause", title_align="left"))
    if pm.action_items:
        t = Table(title="Action items", title_justify="left")
        for col in ("ID", "Action", "Owner", "Due", "Status", "Ticket"):
            t.add_column(col, overflow="fold")
        for a in pm.action_items:
            t.add_row(a.id, a.action, a.owner or "", a.due.isoformat() if a.due else (a.due_text or ""),
                      Text(a.status or "", style=_STATUS_STYLE.get(a.status or "", "")), a.ticket or "")
        console.print(t)
    for label, notes in (("What went well", pm.went_well), ("What could be improved", pm.could_improve),
                         ("Lessons learned", pm.lessons)):
        if notes:
            console.print(Text(label, style="bold"))
            for n in notes:
                console.print(f"  • {n.text}", highlight=False)
    for d in pm.diagnostics:
        if d.severity != "info":
            console.print(Text(f"{d.severity}: line {d.line}: {d.message}", style="yellow"))
