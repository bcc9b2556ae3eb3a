"""Git, where Hindsight itself commits: the portal's edits, one file per commit, as the person who made them."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import WriteError

#: The commands Hindsight runs need nothing but git; its environment is not the server's.
_PATH = "/usr/bin:/bin:/usr/local/bin"
_PORTAL = ("Hindsight portal", "hindsight@localhost")


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    email: str

    @classmethod
    def of(cls, user: str) -> Author | None:
        """The author of a signed-in user's commit: their address when the name is one, else
        `<name>@users.hindsight`; None for the anonymous user of a portal without sign-in, whose
        commits carry the repository's own git identity."""
        if user == "anonymous":
            return None
        return cls(user, user if "@" in user else f"{user}@users.hindsight")


def _git(path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(path.parent), *args], capture_output=True, text=True,
                          env={"PATH": _PATH, "HOME": str(Path.home()), **(env or {})})


def work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding `path`, or None when it is not in one."""
    r = _git(path, "rev-parse", "--show-toplevel")
    return Path(r.stdout.strip()) if r.returncode == 0 and r.stdout.strip() else None


def uncommitted(path: Path) -> bool:
    """Whether the file has changes git has not committed (or is not committed at all)."""
    r = _git(path, "status", "--porcelain", "--", path.name)
    return r.returncode != 0 or bool(r.stdout.strip())


def _identity(path: Path) -> tuple[str, str]:
    name = _git(path, "config", "user.name").stdout.strip()
    email = _git(path, "config", "user.email").stdout.strip()
    return (name, email) if name and email else _PORTAL


def clean(path: Path) -> bool:
    """Whether the whole work tree holding `path` has nothing uncommitted and nothing untracked."""
    r = _git(path, "status", "--porcelain")
    return r.returncode == 0 and not r.stdout.strip()


def commit(path: Path, author: Author | None, message: str) -> bool:
    """Commit one file, as `author` (the repository's identity when None), with the portal as committer
    for a named author. False when the file is not in a git work tree; `WriteError` when git refuses,
    with the file unstaged again."""
    return commit_paths([path], author, message)


def commit_paths(paths: list[Path], author: Author | None, message: str) -> bool:
    """Commit exactly these paths (new, changed or deleted files of one work tree) in one commit, as
    `commit` does for one. Nothing else staged is included; on failure the paths are unstaged again."""
    top = work_tree(paths[0])
    if top is None:
        return False
    names = [str(p.resolve().relative_to(top.resolve())) for p in paths]
    own = _identity(paths[0])
    committer = _PORTAL if author is not None else own
    name, email = (author.name, author.email) if author is not None else own
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": committer[0],
           "GIT_COMMITTER_EMAIL": committer[1]}
    anchor = top / ".git"  # `_git` runs in the parent of the path it is given: the top of the work tree
    added = _git(anchor, "add", "-A", "--", *names, env=env)
    done = _git(anchor, "commit", "-q", "-m", message, "--", *names, env=env) if added.returncode == 0 else added
    if done.returncode != 0:
        _git(anchor, "reset", "-q", "--", *names)
        why = (done.stderr or done.stdout).strip().splitlines()
        raise WriteError(f"git did not commit the change ({why[-1] if why else 'no reason given'})",
                         path=names[0] if len(names) == 1 else ", ".join(names))
    return True
