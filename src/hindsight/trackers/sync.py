"""`hindsight actions sync` and `check-sync`: every action item and its ticket, one decision each.

`run` yields one `Outcome` per item it has something to say about, as it goes,
so a long run shows its progress and a failure halfway leaves every item done
so far written. Each write is one atomic edit of one file (`edit.sync_item`),
made right after the request it records: an item either has its new ticket's
key written, or the ticket carries the item's marker and the next run finds it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..edit import sync_item
from ..errors import HindsightError, InputError, WriteError
from ..model import ActionItem
from ..standard import ACTION_STATUSES
from . import NewTicket, Outcome, Record, Ticket, Tracker, decide, read_record
from .owners import Owners

MODES = ("sync", "dry-run", "check")


@dataclass(frozen=True)
class Target:
    """An action item to sync, with what its ticket is made from."""

    file: Path
    shown: str  # the path as answers show it
    item: ActionItem
    cell: str  # the Ticket cell as written (with its sync record), "" when the table has none
    postmortem: str
    link: str | None
    severity: str | None
    incident: dt.date | None


def open_tracker(config, *, github: str | None = None, jira: str | None = None, api_url: str | None = None,
                 jira_url: str | None = None, environ: dict[str, str] | None = None, notice=None) -> Tracker:
    """The tracker the options name (or the configuration's `github_repo` / `jira_project`), with its
    credentials from the environment."""
    from .github import DEFAULT_API, GitHub
    from .jira import Jira

    env = os.environ if environ is None else environ
    github = github or (None if jira else config.get("github_repo") or None)
    jira = jira or (None if github else config.get("jira_project") or None)
    if bool(github) == bool(jira):
        raise InputError("name one tracker: --github OWNER/REPO or --jira PROJECT (or `github_repo` / "
                         "`jira_project` in the configuration)")
    label = config.get("tracker_label")
    if github:
        token = env.get("GITHUB_TOKEN", "").strip()
        if not token:
            raise InputError("--github needs a token in the environment variable GITHUB_TOKEN (never in a file in "
                             "the repository)")
        return GitHub(github, token=token, api_url=api_url or env.get("GITHUB_API_URL") or DEFAULT_API, label=label,
                      notice=notice)
    return Jira(jira, url=jira_url or config.get("jira_url") or env.get("JIRA_URL", ""),
                user=env.get("JIRA_USER", ""), api_token=env.get("JIRA_API_TOKEN", ""), pat=env.get("JIRA_PAT", ""),
                issue_type=config.get("jira_issue_type"), label=label, notice=notice)


def _status(item: ActionItem) -> str | None:
    return item.status if item.status in ACTION_STATUSES else None


def _labels(t: Target) -> tuple[str, ...]:
    return tuple(x for x in (f"severity-{t.severity.lower()}" if t.severity else "",
                             f"incident-{t.incident.isoformat()}" if t.incident else "") if x)


@dataclass
class Run:
    """A sync under way: how many items it goes through, and one outcome per item as it goes."""

    total: int
    outcomes: Iterator[Outcome]

    def __iter__(self) -> Iterator[Outcome]:
        return self.outcomes


#: Outcomes that say nothing a person needs to read.
QUIET = ("unchanged", "closed", "elsewhere", "restricted")


def run(targets: list[Target], tracker: Tracker, *, owners: Owners | None = None, prefer: str | None = None,
        mode: str = "sync", include_closed: bool = False, today: dt.date | None = None) -> Iterator[Outcome]:
    """Sync each target with its ticket, one outcome per target; in `dry-run` and `check` modes nothing is
    written anywhere."""
    if mode not in MODES:
        raise InputError(f"unknown mode `{mode}`")
    if prefer not in (None, "markdown", "tracker"):
        raise InputError(f"--prefer `{prefer}`: use markdown or tracker")
    writes = mode == "sync"
    made = tracker.listing()
    by_key = {t.key: t for t in made.values()}
    kind = "github" if tracker.name == "GitHub" else "jira"
    for t in targets:
        item, status = t.item, _status(t.item)

        def out(what: str, message: str, ticket: Ticket | None = None, *, _t: Target = t) -> Outcome:
            return Outcome(_t.shown, _t.item.line, _t.item.id, what, message, ticket.key if ticket else None)

        def write(ticket: Ticket, new_status: str | None = None, *, _t: Target = t) -> None:
            record = Record(new_status or _status(_t.item), ticket.state)
            sync_item(_t.file, _t.item.id, ticket_cell=f"{tracker.cell(ticket)} {record.comment()}",
                      ticket=ticket.key, status=new_status, today=ticket.closed or today, shown=_t.shown)

        key = tracker.key_of(item)
        if key is None:
            if item.ticket:
                yield out("elsewhere", f"its ticket `{item.ticket}` is not one of {tracker.where}'s; left as it is")
                continue
            if item.form != "table":
                yield out("skipped", f"written as a {item.form}, with no Ticket cell; move the items into the "
                                     "standard's table to track them")
                continue
            if not item.is_open and not include_closed:
                yield out("closed", "closed, with no ticket: nothing to follow up")
                continue
            found = made.get(item.id)
            if mode == "check":
                yield out("no-ticket", "has no ticket yet" + (f" ({found.key} was made for it)" if found else ""))
                continue
            if found is not None:
                if writes:
                    _written(write, found, t)
                yield out("recovered" if writes else "would-recover",
                          f"{found.key} was made for it by an earlier sync; its key is now in the file", found)
                continue
            if not writes:
                yield out("would-create", f"a {tracker.name} ticket would be created for `{item.action}`")
                continue
            ticket = tracker.create(NewTicket(
                marker=item.id, title=item.action, postmortem=t.postmortem, link=t.link, path=t.shown,
                incident=t.incident, severity=t.severity, owner=item.owner, due=item.due, status=status,
                labels=_labels(t), assignee=owners.assignee(item.owner, kind) if owners else None))
            _written(write, ticket, t)
            yield out("created", f"created {ticket.key}", ticket)
            continue
        ticket = by_key.get(key) or tracker.get(key)
        record = read_record(t.cell)
        decision = decide(tracker, status, ticket.state, record, prefer)
        said = f"the file says {status or 'no status'}, {ticket.key} is {ticket.state.replace('_', ' ')}"
        if decision.kind == "agree":
            if record != Record(status, ticket.state) and writes:
                write(ticket)
                yield out("recorded", f"agrees with {ticket.key}; recorded for the next sync", ticket)
            else:
                yield out("unchanged", f"agrees with {ticket.key}", ticket)
            continue
        if decision.kind == "conflict":
            yield out("conflict", f"{said} ({decision.reason}); nothing changed: run with --prefer markdown or "
                                  "--prefer tracker to settle it", ticket)
            continue
        if decision.kind == "pull":
            new = tracker.status_for(ticket.state, status)
            if writes:
                write(ticket, new)
            yield out("pulled" if writes else "would-pull", f"{said}: status {status or 'none'} -> {new} "
                                                            f"({decision.reason})", ticket)
            continue
        if writes:
            ticket = tracker.move(ticket, status)
            write(ticket)
        yield out("pushed" if writes else "would-push", f"{said}: {ticket.key} moved to match ({decision.reason})",
                  ticket)


def _written(write, ticket: Ticket, t: Target) -> None:
    """Write a new ticket's key; when that fails, say the ticket exists and how the next run finds it."""
    try:
        write(ticket)
    except HindsightError as e:
        raise WriteError(f"{ticket.key} was made for {t.item.id}, but its key could not be written ({e.message}); "
                         "run the sync again: it finds the ticket by the marker in its body", path=t.shown) from None


__all__ = ["MODES", "QUIET", "Run", "Target", "open_tracker", "run"]
