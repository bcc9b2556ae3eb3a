"""Who is asking, what they may do, and which postmortems they may see.

- `none` (the default): one anonymous user, served on loopback only; a viewer,
  or an editor when the portal runs with `--allow-edits`.
- `header`: an SSO proxy (oauth2-proxy style) in front of the portal sets
  `X-Forwarded-User` and `X-Forwarded-Groups` (comma-separated). They are
  trusted only from the proxy addresses given with `--trusted-proxy`; any
  other request gets 401.

Roles come from groups (`[portal.roles]` in configuration: `editor = ["sre"]`,
`admin = ["sre-leads"]`); everyone signed in is at least a viewer. A postmortem
whose front matter says `classification: restricted` is visible only to
members of its `allowed_groups` — everywhere: pages, lists, search, counts,
the API, the action board and the review.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from ..access import Viewer

ROLES = ("viewer", "editor", "admin")


@dataclass(frozen=True)
class User:
    name: str
    groups: frozenset[str] = frozenset()
    role: str = "viewer"

    @property
    def can_edit(self) -> bool:
        return self.role in ("editor", "admin")

    @property
    def viewer(self) -> Viewer:
        """Who every read and write of the workspace is for: the library decides visibility from it."""
        return Viewer(groups=self.groups, can_edit=self.can_edit, name=self.name)


@dataclass
class AuthSettings:
    mode: str = "none"  # none | header
    allow_edits: bool = False
    trusted_proxies: list[str] = field(default_factory=list)
    roles: dict[str, list[str]] = field(default_factory=dict)
    user_header: str = "X-Forwarded-User"
    groups_header: str = "X-Forwarded-Groups"

    def __post_init__(self) -> None:
        self._nets = [ipaddress.ip_network(p, strict=False) for p in self.trusted_proxies]

    def trusted(self, host: str | None) -> bool:
        if host is None:
            return False
        try:
            addr = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(addr in net for net in self._nets)

    def role_for(self, groups: frozenset[str]) -> str:
        for role in ("admin", "editor"):
            if groups & set(self.roles.get(role, [])):
                return role
        return "viewer"

    def user(self, client_host: str | None, headers: Any) -> User | None:
        """The user of a request, or None when it must be refused (401)."""
        if self.mode == "none":
            return User("anonymous", frozenset(), "editor" if self.allow_edits else "viewer")
        if not self.trusted(client_host):
            return None
        name = (headers.get(self.user_header) or "").strip()
        if not name:
            return None
        groups = frozenset(g.strip() for g in (headers.get(self.groups_header) or "").split(",") if g.strip())
        return User(name, groups, self.role_for(groups))
