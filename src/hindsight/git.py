"""Git, where Hindsight itself commits: the portal's edits, one file per commit, as the person who made them."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

#: The commands Hindsight runs need nothing but git; its environment is not the server's.
_PATH = "/usr/bin:/bin:/usr/local/bin"


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    email: str

    @classmethod
    def of(cls, user: str) -> Author:
        """An author for a signed-in user: their address when the name is one, else `<name>@users.hindsight`."""
        return cls(user, user if "@" in user else f"{user}@users.hindsight")


def work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding `path`, or None when it is not in one."""
    r = subprocess.run(["git", "-C", str(path.parent), "rev-parse", "--show-toplevel"], capture_output=True,
                       text=True, env={"PATH": _PATH})
    return Path(r.stdout.strip()) if r.returncode == 0 and r.stdout.strip() else None


def commit(path: Path, author: Author, message: str) -> bool:
    """Commit one file as `author` (the portal is the committer); False when it is not in a git work tree."""
    if work_tree(path) is None:
        return False
    env = {"GIT_COMMITTER_NAME": "Hindsight portal", "GIT_COMMITTER_EMAIL": "hindsight@localhost", "PATH": _PATH}
    subprocess.run(["git", "-C", str(path.parent), "add", "--", str(path)], capture_output=True, env=env)
    subprocess.run(["git", "-C", str(path.parent), "commit", "-q", "-m", message,
                    f"--author={author.name} <{author.email}>", "--", str(path)], capture_output=True, env=env)
    return True
