"""Who a ticket is assigned to: an action item's owner (`@dana`, `@payments`, `@checkout-api`) as a
tracker's user.

In order:

1. the `owners` option, per tracker:

       [owners."@dana"]
       github = "dana-r"
       jira = "5b10ac8d82e05b22cc7d4ef5"   # an account id (Jira Cloud) or a user name (Data Center)

2. the service catalog the standard points to: Backstage `catalog-info.yaml`
   files (the `catalog` option lists them, as globs under the project root).
   A `User` entity named as the owner gives its GitHub login (the
   `github.com/user-login` annotation, else its name) and its Jira user (the
   `jira.com/user` annotation); a `Component`, `System` or `Resource` named as
   the owner stands for its `spec.owner` (`group:payments`, `user:dana`),
   which is looked up the same way;
3. nobody: the ticket names the owner in its body and is left unassigned.

A group is never an assignee (GitHub and Jira assign people): map it to its
triage person in `owners` if its tickets should be assigned.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError

_LOGIN = {"github": "github.com/user-login", "jira": "jira.com/user"}


def _name(ref: str) -> str:
    """`@dana`, `user:default/dana`, `group:payments` → `dana`, `payments` (the entity's name)."""
    ref = ref.strip().lstrip("@")
    return ref.split(":", 1)[-1].split("/")[-1].lower()


class Owners:
    """Owners as assignees, from the configuration and the service catalog."""

    def __init__(self, mapping: dict[str, object] | None = None, catalog: list[Path] | None = None):
        self.mapping = {_name(k): v for k, v in (mapping or {}).items()}
        self.users: dict[str, dict] = {}
        self.owned_by: dict[str, str] = {}
        for path in catalog or []:
            self._read(path)

    @classmethod
    def for_config(cls, config) -> Owners:
        globs = config.get("catalog")
        files = sorted({p for g in globs for p in config.root.glob(g) if p.is_file()})
        return cls(config.get("owners"), files)

    def _read(self, path: Path) -> None:
        import yaml

        try:
            docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            raise ConfigError(f"cannot read the service catalog ({type(e).__name__}); fix the YAML or remove the "
                              "file from `catalog`", path=path) from None
        for doc in docs:
            if not isinstance(doc, dict) or not isinstance(doc.get("metadata"), dict):
                continue
            kind, name = str(doc.get("kind") or ""), str(doc["metadata"].get("name") or "").lower()
            spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
            if kind == "User" and name:
                self.users[name] = doc
            elif kind in ("Component", "System", "Resource", "API") and name and spec.get("owner"):
                self.owned_by[name] = str(spec["owner"])

    def assignee(self, owner: str | None, tracker: str) -> str | None:
        """The tracker's user (`github`, `jira`) for an owner, or None when none is known."""
        if not owner:
            return None
        name = _name(owner)
        for _ in range(3):  # a service's owner, and that owner's entry: a short chain, never a loop
            got = self._direct(name, tracker)
            if got:
                return got
            if name not in self.owned_by:
                return None
            name = _name(self.owned_by[name])
        return None

    def _direct(self, name: str, tracker: str) -> str | None:
        mapped = self.mapping.get(name)
        if isinstance(mapped, dict) and mapped.get(tracker):
            return str(mapped[tracker])
        user = self.users.get(name)
        if user is not None:
            notes = user["metadata"].get("annotations") if isinstance(user["metadata"].get("annotations"), dict) \
                else {}
            return str(notes.get(_LOGIN[tracker]) or (user["metadata"]["name"] if tracker == "github" else "")) \
                or None
        return None
