"""`hindsight actions`, `hindsight status`, `hindsight register` and `hindsight agenda`: action items, deadlines,
the incident register and the review meeting."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from ..errors import InputError
from ._shared import _config, _console, _date, _display, _errors, _groups, _unreadable, _viewer, _workspace, main

# -- action items -------------------------------------------------------------------------------------


def _filters(fn):
    for opt in reversed([
        click.option("--owner", help="Only this owner (@handle or name)."),
        click.option("--status", help="Only this status: TODO, IN PROGRESS, DONE, WONTFIX, or open."),
        click.option("--severity", help="Only postmortems of this severity (P0…P3)."),
        click.option("--since", callback=_date, help="Only incidents on or after this date."),
        click.option("--until", callback=_date, help="Only incidents on or before this date."),
        click.option("--overdue", is_flag=True, help="Only items past their due date and not closed."),
        click.option("--file", "file_", help="Only the postmortem with this file name."),
        click.option("--source", help="Only the postmortems of this `[[sources]]` repository."),
        click.option("--today", callback=_date, help="The date for overdue, YYYY-MM-DD (default: today)."),
        click.option("--dir", "directory", type=click.Path(path_type=Path),
                     help="Folder of postmortems (default: the incidents folder)."),
        _groups,
    ]):
        fn = opt(fn)
    return fn


@main.group(invoke_without_command=True)
@_filters
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="markdown: the standard's Action Item Status table.")
@click.pass_context
def actions(ctx: click.Context, **params) -> None:
    """Action items across every postmortem: list (the default), stats, set.

    Example: hindsight actions --owner @sre-team --overdue
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(actions_list, **params)


def _query(owner, status, severity, since, until, overdue, file_, source=None):
    from ..actions import ActionQuery

    return ActionQuery(owner=owner, status=status, severity=severity, since=since, until=until, overdue=overdue,
                       file=file_, source=source)


@actions.command("list")
@_filters
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="markdown: the standard's Action Item Status table.")
@_errors
def actions_list(fmt, directory=None, today=None, owner=None, status=None, severity=None, since=None, until=None,
                 overdue=False, file_=None, source=None, groups=None) -> None:
    """List action items with their stable IDs (`<file>#<n>`), newest incident first.

    Example: hindsight actions list --status open --format markdown
    """
    from .. import actions as lib

    ws = _workspace(directory)
    today = today or dt.date.today()
    rows = ws.actions(_viewer(groups), _query(owner, status, severity, since, until, overdue, file_, source), today)
    if fmt == "json":
        click.echo(json.dumps([a.to_dict(today) for a in rows], indent=2, ensure_ascii=False))
    elif fmt == "csv":
        sys.stdout.write(lib.to_csv(rows, today))
    elif fmt == "markdown":
        sys.stdout.write(lib.to_markdown(rows))
    else:
        from ..views import print_actions

        print_actions(rows, today, _console())
    if _unreadable(ws.errors()):
        sys.exit(2)


@actions.command("stats")
@_filters
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_errors
def actions_stats(fmt, directory=None, today=None, owner=None, status=None, severity=None, since=None, until=None,
                  overdue=False, file_=None, source=None, groups=None) -> None:
    """Completion rate (DONE / (all - WONTFIX)), open and overdue items, by owner and severity.

    Example: hindsight actions stats --since 2026-01-01 --format json
    """
    ws = _workspace(directory)
    today = today or dt.date.today()
    figures = ws.action_stats(_viewer(groups), _query(owner, status, severity, since, until, overdue, file_, source),
                              today)
    if fmt == "json":
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        from ..views import print_stats

        print_stats(figures, _console())
    if _unreadable(ws.errors()):
        sys.exit(2)


@actions.command("set")
@click.argument("item_id", metavar="ID")
@click.argument("status", required=False)
@click.option("--owner", help="New owner: one person accountable.")
@click.option("--due", callback=_date, help="New due date, YYYY-MM-DD.")
@click.option("--ticket", help="Tracking issue key or link.")
@click.option("--today", callback=_date, help="The date recorded when an item is closed (default: today).")
@click.option("--dir", "directory", type=click.Path(path_type=Path),
              help="Folder of postmortems (default: the incidents folder).")
@_errors
def actions_set(item_id: str, status, owner, due, ticket, today, directory) -> None:
    """Change an action item in its file, in place: only the edited cells change.

    ID is `<file stem>#<n>` as `hindsight actions` shows it. The write is
    atomic, and refused if the file changed on disk meanwhile.

    Example: hindsight actions set 2025-12-09-db-pool#3 DONE --ticket SRE-125
    """
    from ..access import Viewer

    if status is None and owner is None and due is None and ticket is None:
        raise InputError("nothing to change; give a status, --owner, --due or --ticket")
    file, changes = _workspace(directory).set_action(Viewer.local(), item_id, status=status, owner=owner, due=due,
                                                     ticket=ticket, today=today or dt.date.today())
    for c in changes:
        click.echo(f"{_display(file)}:{c.line}: {c.field}: {c.before or '(empty)'} -> {c.after}")


def _tracker_options(fn):
    for opt in reversed([
        click.option("--github", metavar="OWNER/REPO", help="Track in this repository's GitHub issues (GITHUB_TOKEN; "
                     "GITHUB_API_URL for GitHub Enterprise Server)."),
        click.option("--jira", metavar="PROJECT", help="Track in this Jira project (JIRA_USER and JIRA_API_TOKEN, "
                     "or JIRA_PAT; the site is `jira_url`)."),
        click.option("--api-url", metavar="URL", help="GitHub's API address (default: GITHUB_API_URL, else "
                     "https://api.github.com)."),
        click.option("--jira-url", metavar="URL", help="The Jira site (default: the `jira_url` option)."),
        click.option("--today", callback=_date, help="The date recorded when an item is closed (default: today)."),
        click.option("--allow-restricted", is_flag=True, help="Sync the items of restricted postmortems too (into a "
                     "tracker only their readers can see)."),
        click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True),
    ]):
        fn = opt(fn)
    return fn


def _sync(mode: str, github, jira, api_url, jira_url, today, allow_restricted, fmt, prefer=None,
          include_closed=False) -> list:
    """Run a sync (or a dry run, or a check) and print one line per item with something to say."""
    from ..access import Viewer
    from ..trackers.sync import QUIET, open_tracker
    from ._shared import _progress

    ws = _workspace()
    note = lambda msg: click.echo(f"hindsight: {msg}", err=True)  # noqa: E731
    tracker = open_tracker(ws.config, github=github, jira=jira, api_url=api_url, jira_url=jira_url, notice=note)
    told = []
    try:
        run = ws.sync_actions(Viewer.local(), tracker, today=today or dt.date.today(), prefer=prefer, mode=mode,
                              include_closed=include_closed, allow_restricted=allow_restricted)
        with _progress(run.total, f"Syncing with {tracker.where}", threshold=20) as advance:
            for outcome in run:
                told.append(outcome)
                if advance:
                    advance(1)
                if fmt == "text" and outcome.kind not in QUIET:
                    item = f" {outcome.item}:" if outcome.item else ""
                    click.echo(f"{outcome.path}:{outcome.line}:{item} {outcome.kind}: {outcome.message}")
    finally:
        tracker.close()
    if fmt == "json":
        click.echo(json.dumps([o.to_dict() for o in told], indent=2, ensure_ascii=False))
    else:
        counts: dict[str, int] = {}
        for o in told:
            counts[o.kind] = counts.get(o.kind, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no action items"
        click.echo(f"hindsight: {tracker.where}: {summary}" + (" (dry run: nothing written)"
                                                                 if mode == "dry-run" else ""), err=True)
    return told


@actions.command("sync")
@_tracker_options
@click.option("--prefer", type=click.Choice(["markdown", "tracker"]), help="Settle a disagreement: the file's status "
              "wins (the ticket is moved) or the ticket's wins (the file follows).")
@click.option("--include-closed", is_flag=True, help="Create tickets for DONE and WONTFIX items too (created closed).")
@click.option("--dry-run", is_flag=True, help="Say what would be done; create, move and write nothing.")
@_errors
def actions_sync(github, jira, api_url, jira_url, today, allow_restricted, fmt, prefer, include_closed,
                 dry_run) -> None:
    """Tie each action item to a ticket where the work happens, and keep the two in step.

    An open item with no ticket gets one (title, a link to the postmortem, labels for the
    severity and the incident date, an assignee mapped from the owner, the due date where the
    tracker has one), and its key is written into its Ticket cell (a Ticket column is added
    when the table has none). For an item with a ticket, the ticket's state is read back: a
    ticket closed, closed as not planned, or reopened since the last sync moves the item's
    status. When the file changed, or both did, the disagreement is reported and neither
    changes, unless --prefer says which side wins. A second run with nothing changed writes
    nothing anywhere. See docs/follow-ups.md.

    Example: hindsight actions sync --github acme/ops --dry-run
    """
    _sync("dry-run" if dry_run else "sync", github, jira, api_url, jira_url, today, allow_restricted, fmt,
          prefer=prefer, include_closed=include_closed)


@actions.command("check-sync")
@_tracker_options
@_errors
def actions_check_sync(github, jira, api_url, jira_url, today, allow_restricted, fmt) -> None:
    """Exit 1 when an action item and its ticket disagree (for CI); change nothing.

    One line per item that disagrees, or that the next sync would change; items with no
    ticket yet are listed but do not fail the check.

    Example: hindsight actions check-sync --jira SRE
    """
    told = _sync("check", github, jira, api_url, jira_url, today, allow_restricted, fmt)
    if any(o.disagrees for o in told):
        sys.exit(1)


# -- reminders ----------------------------------------------------------------------------------------

@main.command()
@click.option("--slack", "webhook", metavar="WEBHOOK_URL", help="Post the digest to a Slack incoming webhook "
              "(Block Kit).")
@click.option("--today", callback=_date, help="The date things are overdue as of (default: today).")
@click.option("--owner", help="Only this owner's items (and the postmortems they wrote).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "blocks"]), default="text", show_default=True,
              help="blocks: the Slack message as JSON.")
@click.option("--fail-on-overdue", is_flag=True, help="Exit 1 when an item is overdue (for CI).")
@click.option("--groups", metavar="GROUPS", default="", help="Include the restricted postmortems of these groups "
              "(comma-separated). Default: nothing restricted, as a channel may be read by anyone.")
@_errors
def remind(webhook, today, owner, fmt, fail_on_overdue, groups) -> None:
    """A digest of overdue and due-soon action items by owner, and of late postmortems.

    Printed, or posted to a Slack channel with --slack. It never holds a restricted
    postmortem's items unless --groups names a group that may read them.

    Example: hindsight remind --slack "$SLACK_WEBHOOK_URL" --fail-on-overdue
    """
    from ..access import Viewer

    today = today or dt.date.today()
    viewer = Viewer.member_of([g for g in groups.split(",") if g.strip()], can_edit=False, name="remind")
    digest = _workspace().remind(viewer, today, owner=owner)
    if webhook:
        from ..share import post

        post(webhook, digest.blocks())
        click.echo(f"hindsight: posted to Slack: {digest.headline()}", err=True)
    elif fmt == "json":
        click.echo(json.dumps(digest.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "blocks":
        click.echo(json.dumps(digest.blocks(), indent=2, ensure_ascii=False))
    else:
        click.echo(digest.text(), nl=False)
    if fail_on_overdue and digest.overdue:
        sys.exit(1)


# -- lifecycle ----------------------------------------------------------------------------------------


@main.group(invoke_without_command=True)
@click.option("--today", callback=_date, help="The date deadlines are measured against (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on-late", is_flag=True, help="Exit 1 when a postmortem or a required one is late.")
@click.option("--dir", "directory", type=click.Path(path_type=Path),
              help="Folder of postmortems (default: the incidents folder).")
@_groups
@click.pass_context
@_errors
def status(ctx: click.Context, today, fmt, fail_on_late, directory, groups) -> None:
    """Every postmortem's phase and next deadline, and incidents whose postmortem is missing.

    Grouped late / due soon / on track. Incidents come from the register
    (`register.csv` in the incidents folder).

    Example: hindsight status --today 2026-01-20 --fail-on-late
    """
    if ctx.invoked_subcommand is not None:
        return
    ws = _workspace(directory)
    today = today or dt.date.today()
    assessed = ws.status(_viewer(groups), today)
    if fmt == "json":
        click.echo(json.dumps([a.to_dict() for a in assessed], indent=2, ensure_ascii=False))
    else:
        from ..views import print_status

        print_status(assessed, today, _console())
    if _unreadable(ws.errors()):
        sys.exit(2)
    if fail_on_late and any(a.state == "late" for a in assessed):
        sys.exit(1)


@status.command("set")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new_status", metavar="STATUS")
@click.option("--today", callback=_date, help="The date recorded for the transition (default: today).")
@click.option("--force", is_flag=True, help="Move to any status: skip steps, go back, or complete with open items.")
@_errors
def status_set(file: Path, new_status: str, today, force: bool) -> None:
    """Move a postmortem to a new status and record the date in its front matter.

    Draft -> drafted, In Review -> reviewed, Published -> published,
    Complete -> completed. Front matter is created when absent; the body is
    left as it was except the Status line. The lifecycle moves one step at a
    time, and to Complete only when every action item is closed; --force
    moves anyway.

    Example: hindsight status set docs/incidents/2025-12-09-db-pool.md "In Review"
    """
    from ..access import Viewer

    _, changes = _workspace().set_status(Viewer.local(), file, new_status, today or dt.date.today(), force=force)
    for c in changes:
        click.echo(f"{_display(file)}:{c.line}: {c.field}: {c.before or '(none)'} -> {c.after}")


@main.group()
def register() -> None:
    """The incident register: incidents that happened, with or without a postmortem.

    Example: hindsight register add --date 2026-01-14 --title "Checkout outage" --severity P0
    """


@register.command("add")
@click.option("--date", "date_", callback=_date, required=True, help="Incident date, YYYY-MM-DD.")
@click.option("--title", required=True, help="Short title.")
@click.option("--severity", required=True, help="P0…P3.")
@click.option("--resolved-at", help="When it was resolved, YYYY-MM-DDTHH:MM (UTC unless an offset is given).")
@click.option("--postmortem", help="Path of its postmortem, if written.")
@click.option("--id", "id_", help="Identifier (default: date and title).")
@_errors
def register_add(date_, title, severity, resolved_at, postmortem, id_) -> None:
    """Append an incident to the register (created when absent).

    Example: hindsight register add --date 2026-01-14 --title "Checkout outage" --severity P0
    --resolved-at 2026-01-15T00:27
    """
    from .. import register as lib

    config = _config()
    path = config.incidents_dir / config.get("register")
    inc = lib.add(path, {"id": id_ or "", "date": date_.isoformat(), "title": title, "severity": severity,
                         "resolved_at": resolved_at or "", "postmortem": postmortem or ""},
                  config.get("severity_levels"))
    click.echo(f"{_display(path)}: added {inc.id}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--ics", "ics_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write an iCalendar invite to this file.")
@click.option("--attendee", "attendees", multiple=True, help="Invitee e-mail (repeatable; default: config).")
@click.option("--organizer", help="Organiser's e-mail: makes the file an invitation (default: meeting_organizer).")
@click.option("--today", callback=_date, help="Schedule no earlier than this date (default: today, from now on).")
@_groups
@_errors
def agenda(file: Path, ics_path: Path | None, attendees: tuple[str, ...], organizer, today, groups) -> None:
    """Print the review meeting's agenda, filled from the postmortem; optionally an invite.

    The standard's time boxes (5/15/15/10/5 minutes), attendee roles and
    30-60 minutes. The invite is on the first working day inside the 3-5 day
    window after the incident, never in the past. With an organizer it is an
    invitation (METHOD:REQUEST); without, an event to import (PUBLISH).

    Example: hindsight agenda docs/incidents/2025-12-09-db-pool.md --ics review.ics --attendee sre@example.com
    """
    from .. import agenda as lib
    from .._io import write_file

    ws = _workspace()
    config, policy = ws.config, ws.policy
    pm = ws.document(_viewer(groups), file, today or dt.date.today()).pm
    people = list(attendees) or config.get("attendees")
    when = None
    if ics_path is not None:
        # With --today, the day as a whole is ahead; without, from this minute on.
        now = dt.datetime.combine(today, dt.time.min, dt.timezone.utc) if today else None
        when, inside = lib.slot(pm, policy, today or dt.date.today(), time=config.get("meeting_time"),
                                timezone=config.get("meeting_timezone"), now=now)
        if not inside:
            click.echo(f"hindsight: the {policy.review_window[0]}-{policy.review_window[1]} day review window has "
                       f"passed; scheduled for the next working day, {when:%Y-%m-%d}", err=True)
    text = lib.markdown(pm, when=when, attendees=people)
    click.echo(text, nl=False)
    if ics_path is not None:
        organizer = organizer or config.get("meeting_organizer") or None
        write_file(ics_path, lib.ics(pm, when, attendees=people, description=text, organizer=organizer))
        kind = "an invitation" if organizer else "an event to import (give --organizer to send an invitation)"
        click.echo(f"hindsight: wrote {_display(ics_path)}, {kind} ({when:%A %Y-%m-%d %H:%M %Z})", err=True)
