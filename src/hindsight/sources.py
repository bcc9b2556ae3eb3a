"""Postmortems kept in many repositories: each team's service repository has its own `docs/incidents/`.

A project lists its other sources in its configuration:

    [[sources]]
    name = "payments"                       # letters, digits, - and _: part of every id from it
    url = "git@github.com:acme/payments.git"  # or https://…; cloned into .hindsight/sources/payments
    branch = "main"                         # the default
    incidents_dir = "docs/incidents"        # the default
    share_base_url = "https://github.com/acme/payments/blob/main"   # links to its files (optional)

    [[sources]]
    name = "search"
    path = "../search-service"              # a work tree already on this machine (relative to the project)

Every command and the portal read the project's own incidents folder and
every source's. A postmortem from a source has the id `NAME:FILE-NAME`
(`payments:2025-12-09-db-pool`), and so do its action items
(`payments:2025-12-09-db-pool#add-alert`): ids of two repositories never clash.
An edit changes the file in its source's work tree and is committed there (and,
on a replica, pushed to that repository). `hindsight sources sync` clones the
git sources (shallow: the last `DEPTH` commits) or brings them up to date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError, RemoteError

if TYPE_CHECKING:
    from .config import Config

#: Commits a git source is cloned with: enough history to find the version of a page read a while ago.
DEPTH = 50
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_KEYS = {"name", "url", "path", "branch", "incidents_dir", "share_base_url"}


@dataclass(frozen=True, slots=True)
class Source:
    """One repository of postmortems besides the project's own."""

    name: str
    root: Path  # its work tree: the path given, or the clone under .hindsight/sources/
    incidents_dir: str = "docs/incidents"
    url: str | None = None
    branch: str = "main"
    #: Where its files are read on the web (`https://github.com/acme/payments/blob/main`), for links to them.
    share_base_url: str | None = None

    @property
    def folder(self) -> Path:
        return self.root / self.incidents_dir


def of(config: Config) -> list[Source]:
    """The sources the configuration lists, checked: `ConfigError` naming the file and line of a bad one."""
    raw = config.get("sources")
    line = config.line_of("sources")
    out: list[Source] = []
    for n, entry in enumerate(raw, start=1):
        where = f"source {n} of `sources`"
        unknown = set(entry) - _KEYS
        if unknown:
            raise ConfigError(f"{where} has an unknown key `{sorted(unknown)[0]}`; a source takes "
                              f"{', '.join(sorted(_KEYS))}", path=config.source, line=line)
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigError(f"{where} needs a `name` of letters, digits, `-` and `_` (it is part of every id "
                              "read from it)", path=config.source, line=line)
        if any(s.name == name for s in out):
            raise ConfigError(f"two sources are named `{name}`; give each its own name", path=config.source,
                              line=line)
        url, path = entry.get("url"), entry.get("path")
        if (url is None) == (path is None) or not isinstance(url or path, str):
            raise ConfigError(f"source `{name}` needs either a `url` (a git remote) or a `path` (a work tree on "
                              "this machine), not both", path=config.source, line=line)
        for key in ("branch", "incidents_dir", "share_base_url"):
            if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
                raise ConfigError(f"`{key}` of source `{name}` must be a non-empty string", path=config.source,
                                  line=line)
        incidents = entry.get("incidents_dir", "docs/incidents")
        if Path(incidents).is_absolute() or ".." in Path(incidents).parts:
            raise ConfigError(f"`incidents_dir` of source `{name}` must be a folder inside it", path=config.source,
                              line=line)
        root = (config.root / path).resolve() if path is not None else cache(config) / name
        source = Source(name, root, incidents, url, entry.get("branch", "main"), entry.get("share_base_url"))
        # A folder read twice would list each of its postmortems twice, under two ids.
        taken = [("the project's own incidents folder", config.incidents_dir)] + [(f"source `{s.name}`", s.folder)
                                                                                  for s in out]
        for what, folder in taken:
            a, b = source.folder.resolve(), folder.resolve()
            if a == b or a.is_relative_to(b) or b.is_relative_to(a):
                raise ConfigError(f"source `{name}` reads {source.folder}, which overlaps {what} ({folder}); "
                                  "point it at another repository's folder", path=config.source, line=line)
        out.append(source)
    return out


def cache(config: Config) -> Path:
    """Where git sources are cloned."""
    return config.root / ".hindsight" / "sources"


@dataclass(frozen=True, slots=True)
class Synced:
    """What `sync` did to one source: cloned, updated, unchanged, or only checked (a path)."""

    name: str
    action: str
    commit: str | None
    postmortems: int


def sync(config: Config) -> list[Synced]:
    """Clone each git source not yet cloned (shallow), bring the others up to date with their branch
    (`Clone.pull`: local commits are pushed, never dropped); check that each path source exists."""
    from . import corpus
    from .git import Clone, clone

    done = []
    for s in of(config):
        if s.url is None:
            if not s.folder.is_dir():
                raise ConfigError(f"source `{s.name}`: no folder {s.folder}; fix its `path` or `incidents_dir`",
                                  path=config.source, line=config.line_of("sources"))
            done.append(Synced(s.name, "path", None, len(corpus.find(s.folder))))
            continue
        if not (s.root / ".git").exists():
            s.root.parent.mkdir(parents=True, exist_ok=True)
            try:
                repo = clone(s.url, s.root, branch=s.branch, depth=DEPTH)
            except RemoteError as e:
                raise RemoteError(f"source `{s.name}`: {e.message}") from None
            action = "cloned"
        else:
            repo = Clone.of(s.root)
            action = "updated" if repo.pull() is not None else "unchanged"
        commit = repo.head()
        done.append(Synced(s.name, action, commit, len(corpus.find(s.folder)) if s.folder.is_dir() else 0))
    return done

