"""The portal's edits, shared by the action board's form and the API: one workspace call, then one commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._io import replace_text
from ..edit import version
from ..errors import ConflictError, InputError, WriteError
from ..git import Author, commit, uncommitted, work_tree
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
    ws = portal.workspace
    with portal.write_lock:
        file = ws.editable_file(user.viewer, action_id.partition("#")[0])
        before = file.read_bytes()
        if version(before) != change["version"]:  # a stale page first: its reader is shown what is there now
            raise CurrentConflict(ConflictError("the file changed since you read it; nothing was written. Reload "
                                                "it and try again", path=ws.display(file)),
                                  current(portal, user, action_id))
        if work_tree(file) is not None and uncommitted(file):
            # A commit of this file would also take those changes, under this person's name.
            raise ConflictError("the file has changes that are not committed yet; nothing was written. Commit "
                                "or discard them, then try again", path=ws.display(file))
        try:
            file, changes = ws.set_action(user.viewer, action_id, status=change.get("status") or None,
                                          owner=change.get("owner") or None, due=due,
                                          ticket=change.get("ticket") or None, today=portal.today(),
                                          expected_version=change.get("version") or None)
        except ConflictError as e:
            raise CurrentConflict(e, current(portal, user, action_id)) from None
        if changes:
            message = f"{action_id}: " + "; ".join(f"{c.field} {c.before or '(empty)'} -> {c.after}" for c in changes)
            try:
                commit(file, Author.of(user.name), message)
            except WriteError:
                replace_text(file, before.decode("utf-8-sig"), expected=file.read_bytes(),
                             bom=before.startswith(b"\xef\xbb\xbf"))  # no change stays without its commit
                ws.refresh(force=True)
                raise
    return current(portal, user, action_id)
