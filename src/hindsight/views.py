"""Terminal views of postmortems (rich), shared by the CLI commands."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .model import Postmortem

if TYPE_CHECKING:
    from .importers.timeline import Merge
    from .records import ActionRow

_STATUS_STYLE = {"DONE": "green", "WONTFIX": "dim", "IN PROGRESS": "yellow", "TODO": "red"}


def print_list(rows: list[dict[str, Any]], console: Console) -> None:
    """The table of `hindsight list`, in the order given (newest first), from `Record.summary_dict` rows.

    The file column appears when the terminal is wide enough for it not to wrap; the id is the file name.
    """
    wide = console.width >= 130
    table = Table(title=f"{len(rows)} postmortem{'s' if len(rows) != 1 else ''} (Open: open / all action items)",
                  title_justify="left")
    for col in ("Date", "Sev", "Status", "Open"):
        table.add_column(col, no_wrap=True)
    table.add_column("Title", ratio=1, overflow="fold")
    if wide:
        table.add_column("ID", no_wrap=True, style="dim")
    for r in rows:
        title = Text(r["title"] or "(untitled)")
        if r.get("restricted"):
            title += Text(" restricted", style="yellow")
        cells = [r["date"] or "?", r["severity"] or "", r["status"] or "",
                 f"{r['open_action_items']}/{r['action_items']}", title]
        table.add_row(*cells, *([r["id"]] if wide else []))
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
    if rc.what_happened or rc.statement or rc.contributing_factors or rc.five_whys:
        lines = Text()
        if rc.what_happened or rc.statement:
            lines.append((rc.what_happened or rc.statement) + "\n")
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


def print_actions(rows: list[ActionRow], today: dt.date, console: Console) -> None:
    """The table of `hindsight actions`: one block per postmortem, so an id (`<postmortem>#<n>`) never wraps."""
    console.print(Text(f"{len(rows)} action item{'s' if len(rows) != 1 else ''}", style="bold"),
                  Text("  (ID: <postmortem>#<n>)", style="dim"))
    by_file: dict[str, list[ActionRow]] = {}
    for a in rows:
        by_file.setdefault(a.file_id, []).append(a)
    for file_id, items in by_file.items():
        sev = items[0].severity
        table = Table(title=Text(file_id, style="bold") + (Text(f"  {sev}", style="dim") if sev else Text("")),
                      title_justify="left", expand=True)
        table.add_column("#", no_wrap=True, justify="right")
        table.add_column("Action", ratio=1, overflow="fold")
        for col in ("Owner", "Due", "Status", "Ticket"):
            table.add_column(col, no_wrap=col in ("Due", "Status"), overflow="fold", max_width=24)
        for a in items:
            due = Text(a.due.isoformat() if a.due else "", style="bold red" if a.overdue(today) else "")
            table.add_row(a.id.rpartition("#")[2], a.action, a.owner or "", due,
                          Text(a.status or "", style=_STATUS_STYLE.get(a.status or "", "")), a.ticket or "")
        console.print(table)


def _rate(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0%}"


def print_stats(figures: dict[str, Any], console: Console) -> None:
    """The figures of `hindsight actions stats`, with the formula they use."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    for label, key in (("Action items", "total"), ("Done", "done"), ("Won't fix", "wontfix"), ("Open", "open"),
                       ("  of which no status", "no_status"), ("Overdue", "overdue")):
        head.add_row(label, str(figures[key]))
    head.add_row("Completion rate", f"{_rate(figures['completion_rate'])}  ({figures['formula']})")
    median = figures["median_days_to_close"]
    head.add_row("Median days to close", "n/a (no Closed dates)" if median is None else
                 f"{median:g} (over {figures['closed_with_date']} items with a Closed date)")
    console.print(head)
    for title, key in (("By owner", "by_owner"), ("By severity", "by_severity")):
        t = Table(title=title, title_justify="left")
        for col in ("", "Total", "Done", "Open", "Overdue", "Completion"):
            t.add_column(col)
        for name, c in figures[key].items():
            t.add_row(name, str(c["total"]), str(c["done"]), str(c["open"]), str(c["overdue"]),
                      _rate(c["completion_rate"]))
        console.print(t)


def print_status(assessed: list, today: Any, console: Console) -> None:
    """`hindsight status`: late first, then due soon, then on track, then done, then historical."""
    for state, style in (("late", "bold red"), ("due soon", "yellow"), ("on track", "green"), ("done", "dim"),
                         ("historical", "dim")):
        group = [a for a in assessed if a.state == state]
        if not group:
            continue
        t = Table(title=Text(f"{state.capitalize()} ({len(group)})", style=style), title_justify="left",
                  expand=True)
        t.add_column("Incident", no_wrap=True)
        t.add_column("Sev", no_wrap=True)
        t.add_column("Title", ratio=3, overflow="fold")
        t.add_column("Next step", ratio=2, overflow="fold")
        t.add_column("Due", no_wrap=True)
        for a in sorted(group, key=lambda a: (a.due or today, a.incident_date or today)):
            due = a.due.isoformat() if a.due else ""
            if a.days is not None and a.days > 0:
                due += f"\n{a.days} d late"
            title = Text(a.title or "") + Text(f" ({a.phase})", style="dim")
            if a.notes and state != "historical":
                title += Text(f"\n{'; '.join(a.notes)}", style="dim")
            t.add_row(a.incident_date.isoformat() if a.incident_date else "?", a.severity or "", title,
                      a.next_step or "", due)
        console.print(t)


def import_summary(merge: Merge, left_out: int = 0) -> str:
    """One line saying what a timeline import did: rows added, updated, unchanged, and the ones it left alone."""
    def n(count: int, what: str) -> str:
        return f"{count} row{'s' * (count != 1)} {what}"

    parts = [n(len(merge.added), "added"), n(len(merge.updated), "updated"), f"{merge.unchanged} unchanged"]
    if merge.edited:
        parts.append(n(len(merge.edited), "edited by hand, left as they are"))
    if merge.removed:
        parts.append(n(len(merge.removed), "deleted by hand, not added again"))
    if merge.duplicates:
        parts.append(f"{len(merge.duplicates)} already written by hand")
    if merge.placeholders:
        parts.append(f"{merge.placeholders} template placeholder row{'s' * (merge.placeholders != 1)} replaced")
    if left_out:
        parts.append(f"{left_out} event{'s' * (left_out != 1)} left out by --only, --since or --until "
                     "(notifications are left out unless --only notify)")
    return "; ".join(parts) + f"; times in {merge.zone}"


def text_diff(before: str, after: str, name: str) -> str:
    """A unified diff of a document's text, line by line as Hindsight counts lines."""
    from difflib import unified_diff

    from .text import split_lines

    return "".join(line if line.endswith("\n") else line + "\n" for line in unified_diff(
        split_lines(before), split_lines(after), name, name, lineterm=""))
