"""Who is asking, and what they may see: decided here, once, for every read and every write.

A postmortem whose front matter says `classification: restricted` may be seen
only by members of its `allowed_groups`. Every read of the workspace takes a
`Viewer`; a route or a command cannot forget to ask, because there is no read
without one. A restricted postmortem the viewer may not see does not exist for
them: not in lists, counts, search, the board, the review or an error message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person a read or a write is for.

    `groups` is None for the operator of the files themselves (the CLI run in the repository, who can
    read every file anyway); otherwise the groups the person belongs to.
    """

    groups: frozenset[str] | None = frozenset()
    can_edit: bool = False
    name: str = "anonymous"

    @classmethod
    def local(cls) -> Viewer:
        """The CLI's reader: whoever can read the files on disk sees every postmortem."""
        return cls(groups=None, can_edit=True, name="local")

    @classmethod
    def member_of(cls, groups: Iterable[str], *, can_edit: bool = False, name: str = "anonymous") -> Viewer:
        return cls(groups=frozenset(g.strip() for g in groups if g.strip()), can_edit=can_edit, name=name)

    @property
    def sees_everything(self) -> bool:
        return self.groups is None

    def may_see(self, restricted: bool, allowed_groups: Iterable[str]) -> bool:
        if not restricted or self.groups is None:
            return True
        return bool(self.groups & {str(g) for g in allowed_groups})

    def cache_key(self) -> tuple:
        return ("*",) if self.groups is None else tuple(sorted(self.groups))
