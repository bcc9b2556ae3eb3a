"""Where the portal's edits go: the file, a commit as its person, and, on a replica, the shared upstream.

One `Writer` per portal process. Every write (an action item's cells, a new
postmortem, a pull) holds one lock shared by every process of the portal on
this machine (`.hindsight/write.lock`), so two workers never edit the clone
at once.

An edit is made on the version of the file its person read. When the file has
changed since (another person's edit, a pull), the version they read is looked
up in the file's git history and the edit goes ahead if the cells it changes
are still as they read them; otherwise it is refused (409) with the item as it
is now, and nothing is written.

With `push` (`hindsight serve --push`), the portal is one of several replicas,
each serving its own clone of one repository. An edit is committed and pushed
to the clone's upstream branch. When the push is refused because the upstream
moved on, the clone takes the upstream's commits and the edit is made again
on them, under the same rule: only if the cells it changes are unchanged
upstream. A push that fails for any other reason (the remote is down) leaves
the clone as it was: the edit is not saved and the person is told. So an edit
a person was told had landed is upstream, and one they were not told of is
nowhere or kept aside (`Clone.pull`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from .edit import still_to_change, version
from .errors import ConflictError, HindsightError, RemoteError, WriteError
from .git import Author, Clone, commit, uncommitted, versions, work_tree
from .locks import ProcessLock
from .parse import decode, parse

if TYPE_CHECKING:
    from .access import Viewer
    from .edit import Change
    from .model import Postmortem
    from .workspace import Workspace

#: How many times an edit is made again on an upstream that keeps moving before the person is asked to retry.
PUSH_ATTEMPTS = 5


class Writer:
    """The portal's writes to its workspace's files, one at a time across the portal's processes."""

    def __init__(self, workspace: Workspace, *, push: bool = False):
        self.ws = workspace
        self.lock = ProcessLock(workspace.root / ".hindsight" / "write.lock")
        #: The project's own clone, with `push`; each source's (`hindsight.sources`) is found as it is edited.
        self.clone: Clone | None = Clone.of(workspace.folder) if push else None
        self._clones: dict[Path, Clone] = {self.clone.top.resolve(): self.clone} if self.clone is not None else {}

    def _clone_of(self, file: Path) -> Clone | None:
        """The clone a file is pushed from: its own repository's (a source's, or the project's)."""
        if self.clone is None:
            return None
        top = work_tree(file)
        if top is None:
            return self.clone
        key = top.resolve()
        if key not in self._clones:
            self._clones[key] = Clone.of(top)
        return self._clones[key]

    def _all_clones(self) -> list[Clone]:
        """The project's clone and every source's that tracks a remote branch: what a pull brings up to date."""
        if self.clone is None:
            return []
        for folder in self.ws.reader.folders[1:]:
            if folder.is_dir():
                try:
                    self._clone_of(folder / "x")  # (the project's own clone again, for a folder outside git)
                except HindsightError:
                    continue  # a path source with no upstream: nothing to pull
        return list(self._clones.values())

    def set_action(self, viewer: Viewer, author: Author | None, action_id: str, *, seen: str,
                   status: str | None = None, owner: str | None = None, due: dt.date | None = None,
                   ticket: str | None = None, today: dt.date) -> list[Change]:
        """Set an action item's cells as a person who read version `seen` of its file asked; committed
        (and pushed, on a replica) as `author`. What changed; `ConflictError` when a cell it changes
        changed since `seen`."""
        ws = self.ws
        file_id = action_id.partition("#")[0]
        with self.lock:
            file = ws.editable_file(viewer, file_id)
            before = file.read_bytes()
            fields: dict[str, object] = {"status": status, "owner": owner, "due": due, "ticket": ticket}
            if version(before) != seen:
                base = versions(file).get(seen)  # what the person read, from the file's history
                if base is None:
                    raise ConflictError("the file changed since you read it; nothing was written. Reload it and "
                                        "try again", path=ws.display(file))
                shown = ws.display(file)
                fields = still_to_change(_model(base, shown),
                                         _model(before, shown), action_id,
                                         status=status, owner=owner, due=due, ticket=ticket)
                if not fields:
                    return []
            if work_tree(file) is not None and uncommitted(file):
                # A commit of this file would also take those changes, under this person's name.
                raise ConflictError("the file has changes that are not committed yet; nothing was written. Commit "
                                    "or discard them, then try again", path=ws.display(file))
            clone = self._clone_of(file)
            head = clone.head() if clone is not None else None
            changes = self._apply(viewer, author, action_id, file, before, fields, today)
            if changes and clone is not None and head is not None:
                self._push(clone, viewer, author, action_id, file, before, fields, today, head)
            return changes

    def _apply(self, viewer: Viewer, author: Author | None, action_id: str, file: Path, before: bytes,
               fields: dict[str, object], today: dt.date) -> list[Change]:
        """Write the cells and commit the file; on a failed commit the file is put back as it was."""
        ws = self.ws
        file, changes = ws.set_action(viewer, action_id, today=today, expected_version=version(before),
                                      **fields)  # type: ignore[arg-type]
        if not changes:
            return changes
        message = f"{action_id}: " + "; ".join(f"{c.field} {c.before or '(empty)'} -> {c.after}" for c in changes)
        try:
            commit(file, author, message)
        except WriteError:
            from ._io import replace_text

            replace_text(file, before.decode("utf-8-sig"), expected=file.read_bytes(),
                         bom=before.startswith(b"\xef\xbb\xbf"))  # no change stays without its commit
            ws.refresh(force=True)
            raise
        return changes

    def _push(self, clone: Clone, viewer: Viewer, author: Author | None, action_id: str, file: Path, before: bytes,
              fields: dict[str, object], today: dt.date, head: str) -> None:
        """Push the edit's commit; when the upstream moved on, make the edit again on the upstream's file
        if the cells it changes are there as they were in `before`, and push that. On any failure the
        clone is left at a commit the upstream has, with nothing of this edit in it."""
        ws = self.ws
        shown = ws.display(file)
        read = _model(before, shown)
        last = head
        try:
            for _ in range(PUSH_ATTEMPTS):
                if clone.push():
                    return
                last = clone.fetch()
                clone.reset(last)
                if not file.exists():
                    raise ConflictError("the postmortem was moved or removed in the shared repository; nothing "
                                        "was written", path=shown)
                now = file.read_bytes()
                still = still_to_change(read, _model(now, shown), action_id,
                                        **fields)  # type: ignore[arg-type]
                if not still or not self._apply(viewer, author, action_id, file, now, still, today):
                    ws.refresh(force=True)
                    return  # someone made exactly this change upstream: nothing is left to push
            raise ConflictError("the shared repository kept changing while this edit was pushed; nothing was "
                                "written. Try again", path=shown)
        except RemoteError as e:
            clone.reset(last)
            ws.refresh(force=True)
            raise RemoteError(f"{e.message}; the edit was not saved. Try again when the shared repository can be "
                              "reached", path=shown) from None
        except BaseException:
            clone.reset(last)
            ws.refresh(force=True)
            raise

    def new_postmortem(self, viewer: Viewer, committer: Author | None, title: str, **kwargs) -> Path:
        """A new postmortem from the template (`Workspace.new_postmortem`), committed (and pushed, on a replica) as
        `committer`."""
        with self.lock:
            head = None
            if self.clone is not None:
                self.clone.pull()
                head = self.clone.head()
            path = self.ws.new_postmortem(viewer, title, **kwargs)
            commit(path, committer, f"New postmortem: {title}")
            if self.clone is not None and head is not None:
                try:
                    if not self.clone.push():
                        raise ConflictError("the shared repository changed while the postmortem was created; "
                                            "nothing was written. Try again", path=self.ws.display(path))
                except BaseException:
                    self.clone.reset(head)
                    self.ws.refresh(force=True)
                    raise
            return path

    def start(self) -> list[str]:
        """Bring a replica's clone back to the upstream's state as it starts: what a replica stopped mid-edit
        left is set aside (`Clone.recover`), a commit it did not push is pushed (`Clone.pull`). What was
        done, for the log."""
        if self.clone is None:
            return []
        with self.lock:
            done = [line for clone in self._all_clones() for line in clone.recover()]
        self.pull()
        return done

    def pull(self) -> bool:
        """Take the upstream's new commits into the clone (a replica's timer, or the git host's webhook);
        whether anything changed. The index is brought up to date before the answer."""
        if self.clone is None:
            return False
        with self.lock:
            try:
                changed = any([clone.pull() is not None for clone in self._all_clones()])
            finally:
                self.ws.refresh(force=True)
        return changed


def _model(data: bytes, shown: str) -> Postmortem:
    """A version of the file read as every reader of it reads it."""
    return parse(decode(data, shown), path=shown)
