"""Follow-ups where the work happens: each action item tied to a ticket in GitHub or Jira, kept honest.

`hindsight actions sync` creates a ticket for each open action item that has
none and writes its key into the item's Ticket cell; for an item with a ticket
it reads the ticket's state back. The Ticket cell also remembers, in a comment,
the statuses both sides agreed on at the last sync:

    | Add a load test | @platform | 🔲 TODO | [acme/api#12](https://github.com/…/12) <!-- hindsight-sync TODO open --> |

so the next sync knows which side changed since (`decide`):

- the ticket changed (closed as completed, closed as not planned, reopened):
  the item's status follows it;
- the file changed, or both did, or they never agreed: a conflict, reported,
  and neither is changed unless `--prefer markdown` (the ticket is moved) or
  `--prefer tracker` (the file follows).

A ticket Hindsight created carries the item's id as a marker in its body, so a
sync that created a ticket but could not write its key recovers it next time
instead of creating a second one. `hindsight.trackers.github` and
`hindsight.trackers.jira` speak to the trackers; `hindsight.trackers.sync`
runs it over the postmortems; `hindsight.trackers.owners` maps owners to
assignees.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Protocol

from ..model import ActionItem

#: A file status as the sync record writes it (`IN PROGRESS` has no space there; no status is `NONE`).
_TOKENS = {"TODO": "TODO", "IN PROGRESS": "IN_PROGRESS", "DONE": "DONE", "WONTFIX": "WONTFIX"}
_RECORD = re.compile(r"<!--\s*hindsight-sync\s+(?P<file>[A-Z_]+)\s+(?P<tracker>[a-z_]+)\s*-->")
#: How far along a status is: a tracker further along than a file that never synced is read back.
_RANK = {None: 0, "TODO": 0, "IN PROGRESS": 1, "DONE": 2, "WONTFIX": 2}
MARKER_PREFIX = "hindsight-action"


@dataclass(frozen=True, slots=True)
class Ticket:
    """A ticket as its tracker has it."""

    key: str  # as people name it: `acme/api#12`, `SRE-123`
    url: str
    state: str  # the tracker's state, as a token: GitHub `open` `completed` `not_planned`; Jira `new` …
    marker: str | None = None  # the action item's id, when Hindsight created the ticket
    title: str = ""
    closed: dt.date | None = None  # when it was closed (resolved), where the tracker says


@dataclass(frozen=True, slots=True)
class NewTicket:
    """What a ticket is created with."""

    marker: str  # the action item's id: written in the body, found again by `Tracker.listing`
    title: str
    postmortem: str  # its title
    link: str | None  # where the postmortem is read
    path: str
    incident: dt.date | None
    severity: str | None
    owner: str | None
    due: dt.date | None
    status: str | None  # the item's status: a ticket for a closed item is created closed
    labels: tuple[str, ...] = ()
    assignee: str | None = None  # the tracker's user for the owner, when one is known


class Tracker(Protocol):
    """What the sync needs of a tracker (GitHub issues, Jira)."""

    name: str  # `GitHub`, `Jira`
    where: str  # `acme/api`, `Jira project SRE`

    def key_of(self, item: ActionItem) -> str | None:
        """This tracker's key for the item's ticket; None when it has none, or one of another tracker."""

    def listing(self) -> dict[str, Ticket]:
        """Every ticket Hindsight created here, by the marker in its body (one paged read)."""

    def get(self, key: str) -> Ticket:
        ...

    def create(self, new: NewTicket) -> Ticket:
        ...

    def move(self, ticket: Ticket, status: str | None) -> Ticket:
        """Move the ticket to the state that stands for a file status; the ticket as it then is."""

    def agrees(self, status: str | None, state: str) -> bool:
        """Whether the ticket's state says what the file's status says."""

    def status_for(self, state: str, current: str | None) -> str:
        """The file status a ticket's state stands for (`current` decides between open ones)."""

    def cell(self, ticket: Ticket) -> str:
        """The Ticket cell's text for a ticket, without the sync record: a link."""

    def close(self) -> None:
        """Let go of the connection."""


@dataclass(frozen=True, slots=True)
class Record:
    """The statuses both sides agreed on at the last sync."""

    status: str | None
    state: str

    def comment(self) -> str:
        return f"<!-- hindsight-sync {_TOKENS.get(self.status or '', 'NONE')} {self.state} -->"


def read_record(cell: str) -> Record | None:
    """The sync record in a Ticket cell's text, if it has one."""
    m = _RECORD.search(cell or "")
    if not m:
        return None
    file = {v: k for k, v in _TOKENS.items()}.get(m.group("file"))
    return Record(status=file, state=m.group("tracker"))


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with an item and its ticket: `agree` (nothing, or record the agreement), `pull` (the file
    takes the ticket's status), `push` (the ticket is moved to the file's status), `conflict` (report)."""

    kind: str
    reason: str = ""


def decide(tracker: Tracker, status: str | None, state: str, record: Record | None,
           prefer: str | None = None) -> Decision:
    """What a sync does with an item whose status is `status` and whose ticket is in `state`."""
    if tracker.agrees(status, state):
        return Decision("agree")
    if prefer == "markdown":
        return Decision("push", "--prefer markdown")
    if prefer == "tracker":
        return Decision("pull", "--prefer tracker")
    if record is not None:
        file_changed, ticket_changed = status != record.status, state != record.state
        if ticket_changed and not file_changed:
            return Decision("pull", "the ticket changed since the last sync")
        if not ticket_changed and not file_changed:
            return Decision("conflict", "they disagreed at the last sync")
        reason = "both changed since the last sync" if ticket_changed else "the file changed since the last sync"
        return Decision("conflict", reason)
    # Never synced: a ticket further along than the file (closed while the file says TODO) is read back.
    if _RANK[tracker.status_for(state, status)] > _RANK.get(status, 0):
        return Decision("pull", "the ticket is further along")
    return Decision("conflict", "they never agreed")


@dataclass
class Outcome:
    """What a sync did (or, in a dry run or a check, would do) with one action item."""

    path: str
    line: int
    item: str
    kind: str  # created recovered pulled pushed recorded unchanged conflict skipped would-…
    message: str
    ticket: str | None = None
    changes: list[str] = field(default_factory=list)

    @property
    def disagrees(self) -> bool:
        """The item and its ticket say different things (what `actions check-sync` fails on)."""
        return self.kind in ("conflict", "would-pull", "would-push")

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "item": self.item, "kind": self.kind,
                "message": self.message, "ticket": self.ticket}


def marker(item: ActionItem) -> str:
    """The marker a ticket's body carries: `hindsight-action: <item id>`."""
    return f"{MARKER_PREFIX}: {item.id}"


__all__ = ["MARKER_PREFIX", "Decision", "NewTicket", "Outcome", "Record", "Ticket", "Tracker", "decide", "marker",
           "read_record"]
