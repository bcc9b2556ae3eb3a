"""Git, where Hindsight itself commits: the portal's edits, one file per commit, as the person who made them."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import RemoteError, WriteError

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


#: What a fetch or a push over SSH or HTTPS needs from the server's environment (and nothing else of it).
_REMOTE_ENV = ("SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "GIT_SSH", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_CONFIG_GLOBAL",
               "XDG_CONFIG_HOME", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy")


def remote_env() -> dict[str, str]:
    """The environment of a git command that reaches a remote: its credentials and proxies, never a prompt."""
    import os

    return {"GIT_TERMINAL_PROMPT": "0", **{k: os.environ[k] for k in _REMOTE_ENV if k in os.environ}}


def clone(url: str, dest: Path, *, branch: str, depth: int) -> Clone:
    """A shallow clone of one branch of `url` at `dest`; `RemoteError` with git's reason when it fails."""
    r = subprocess.run(["git", "clone", "-q", f"--depth={depth}", "--branch", branch, "--single-branch", "--", url,
                        str(dest)], capture_output=True, text=True,
                       env={"PATH": _PATH, "HOME": str(Path.home()), **remote_env()})
    if r.returncode != 0:
        why = (r.stderr or r.stdout).strip().splitlines()
        raise RemoteError(f"git could not clone {url} ({why[-1] if why else 'no reason given'}); check the url "
                          "and your access")
    return Clone.of(dest)


class Clone:
    """The git work tree a portal replica serves from, and the upstream branch it pulls and pushes.

    The upstream is the remote branch the checked-out branch tracks (`git branch -u`). A replica's
    clone is its own: the portal keeps it equal to the upstream, with no commit of its own left
    unpushed, so every change to it is either already upstream or about to be pushed.
    """

    def __init__(self, top: Path, remote: str, branch: str):
        self.top = top
        self.remote = remote
        self.branch = branch
        self._anchor = top / ".git"

    @classmethod
    def of(cls, folder: Path) -> Clone:
        """The clone holding `folder`; `ConfigError` when it is not in one or its branch tracks nothing."""
        from .errors import ConfigError

        top = work_tree(folder / "x")
        if top is None:
            raise ConfigError(f"{folder} is not in a git work tree; --push serves from a clone of the "
                              "postmortems' repository (git clone URL)")
        r = _git(top / ".git", "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
        remote, _, branch = r.stdout.strip().partition("/")
        if r.returncode != 0 or not branch:
            raise ConfigError(f"the branch checked out in {top} tracks no remote branch; set one with "
                              "`git branch -u origin/main`")
        return cls(top, remote, branch)

    def _run(self, *args: str, remote: bool = False) -> subprocess.CompletedProcess:
        return _git(self._anchor, *args, env=remote_env() if remote else {"GIT_TERMINAL_PROMPT": "0"})

    def _check(self, r: subprocess.CompletedProcess, doing: str) -> str:
        if r.returncode != 0:
            why = (r.stderr or r.stdout).strip().splitlines()
            raise RemoteError(f"git could not {doing} ({why[-1] if why else 'no reason given'})",
                              path=f"{self.remote}/{self.branch}")
        return r.stdout.strip()

    def head(self) -> str:
        return self._check(self._run("rev-parse", "HEAD"), "read HEAD")

    def fetch(self) -> str:
        """Fetch the upstream branch; the commit it points to."""
        self._check(self._run("fetch", "-q", self.remote, self.branch, remote=True), f"fetch from {self.remote}")
        return self._check(self._run("rev-parse", "FETCH_HEAD"), "read what was fetched")

    def push(self) -> bool:
        """Push HEAD to the upstream branch: True when it landed, False when the upstream moved on
        (rejected as not a fast-forward); `RemoteError` for anything else, nothing pushed."""
        r = self._run("push", "-q", "--porcelain", self.remote, f"HEAD:refs/heads/{self.branch}", remote=True)
        if r.returncode == 0:
            return True
        line = next((ln for ln in r.stdout.splitlines() if ln.startswith("!")), "")
        # `[rejected]`: not a fast-forward. `[remote rejected] (cannot lock ref …)`, `(failed to update ref)` or
        # `(incorrect old value …)`: another push to the branch was landing at that moment. Both: the upstream
        # moved on, and the caller fetches and tries again.
        if "[rejected]" in line or ("[remote rejected]" in line and any(
                why in line for why in ("lock", "old value", "failed to update ref"))):
            return False
        if line:
            raise RemoteError(f"git could not push to {self.remote}: {line.split(chr(9))[-1]}",
                              path=f"{self.remote}/{self.branch}")
        self._check(r, f"push to {self.remote}")
        return False

    def reset(self, commit: str) -> None:
        """Make the work tree exactly `commit` (the upstream's, or HEAD as it was before a failed edit)."""
        self._check(self._run("reset", "-q", "--hard", commit), "reset the clone")

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self._run("merge-base", "--is-ancestor", older, newer).returncode == 0

    def recover(self) -> list[str]:
        """Undo what a replica stopped mid-edit left in its clone (call it holding the portal's write lock, so
        no git command of the portal's is running): a stale `index.lock` is removed, and changes not
        committed are stashed (`git stash list` shows them), not lost. What was done, one line each."""
        done = []
        lock = self.top / ".git" / "index.lock"
        if lock.exists():
            lock.unlink()
            done.append("removed a stale .git/index.lock")
        if self._run("status", "--porcelain", "--untracked-files=no").stdout.strip():
            self._check(self._run("stash", "push", "-q", "-m", "hindsight: left uncommitted by a stopped replica"),
                        "stash what a stopped replica left uncommitted")
            done.append("stashed changes a stopped replica left uncommitted (git stash list)")
        return done

    def pull(self) -> str | None:
        """Bring the upstream's commits in; the new HEAD when anything changed, else None.

        Local commits the upstream lacks (a replica stopped between its commit and its push) are pushed
        when they follow on from the upstream; when the two have diverged, they are kept on a branch
        `hindsight/unpushed-<commit>` for a person to look at, and the clone takes the upstream's.
        """
        upstream = self.fetch()
        head = self.head()
        if head == upstream:
            return None
        if self.is_ancestor(head, upstream):
            self._check(self._run("merge", "-q", "--ff-only", upstream), "fast-forward to the upstream")
            return upstream
        if self.is_ancestor(upstream, head):
            if self.push():
                return None
            return self.pull()
        self._check(self._run("branch", "-f", f"hindsight/unpushed-{head[:12]}", head), "keep unpushed commits")
        self.reset(upstream)
        return upstream


def versions(path: Path, depth: int = 50) -> dict[str, bytes]:
    """The file's contents in the last `depth` commits that changed it, by `edit.version`: to find what a
    person read when the version they sent is not the file's now. Empty outside a work tree."""
    from .edit import version

    top = work_tree(path)
    if top is None:
        return {}
    name = str(path.resolve().relative_to(top.resolve()))
    commits = _git(top / ".git", "log", f"-{depth}", "--format=%H", "--", name).stdout.split()
    if not commits:
        return {}
    r = subprocess.run(["git", "-C", str(top), "cat-file", "--batch"], capture_output=True,
                       input="".join(f"{c}:{name}\n" for c in commits).encode(),
                       env={"PATH": _PATH, "HOME": str(Path.home())})
    out: dict[str, bytes] = {}
    data, pos = r.stdout, 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue  # `<object> missing`: the file did not exist there
        size = int(header[2])
        out.setdefault(version(data[pos:pos + size]), data[pos:pos + size])
        pos += size + 1
    return out
