"""The portal's edits, shared by the action board's form and the API: one call to the portal's `Writer`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import ConflictError, InputError
from ..git import Author
from .auth import User
from .portal import Portal

FIELDS = ("status", "owner", "due", "ticket", "version")


class CurrentConflict(Exception):
    """A stale edit: nothing was written; `current` is the item as it is now (the person may see it)."""

    def __init__(self, error: ConflictError, current: dict[str, Any] | None):
        super().__init__(str(error))
        self.error = error
        self.current = current


def current(portal: Portal, user: User, action_id: str) -> dict[str, Any]:
    """An action item as it is in its file now, with the file's version to send back with the next edit."""
    ws = portal.workspace
    ws.refresh(force=True)
    row = ws.action(user.viewer, action_id)
    doc = ws.document(user.viewer, row.file_id, portal.today())
    return row.to_dict(portal.today()) | {"version": doc.version, "file_id": row.file_id}


def edit_action(portal: Portal, user: User, action_id: str, change: dict[str, Any]) -> dict[str, Any]:
    """Set an action item's fields in its file and commit the file as the user; the item as it is now."""
    unknown = set(change) - set(FIELDS)
    if unknown:
        raise InputError(f"unknown field `{sorted(unknown)[0]}`; use {', '.join(FIELDS)}")
    if not change.get("version"):
        raise InputError("an edit needs the `version` of the file it was made on, as the page or "
                         "GET /api/postmortems/{id} gave it; reload and try again")
    due = None
    if change.get("due"):
        try:
            due = dt.date.fromisoformat(str(change["due"]))
        except ValueError:
            raise InputError(f"due `{change['due']}` is not a date; write YYYY-MM-DD") from None
    try:
        portal.writer.set_action(user.viewer, Author.of(user.name), action_id, seen=str(change["version"]),
                                 status=change.get("status") or None, owner=change.get("owner") or None, due=due,
                                 ticket=change.get("ticket") or None, today=portal.today())
    except ConflictError as e:
        raise CurrentConflict(e, current(portal, user, action_id)) from None
    return current(portal, user, action_id)
