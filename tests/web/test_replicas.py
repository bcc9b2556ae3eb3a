"""Several portal replicas over one shared repository: two clones of a bare remote in a temporary folder, each
served by its own portal on loopback with `--push`, as two machines behind a load balancer would run them."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from hindsight.config import load
from hindsight.parse import parse
from hindsight.web import create_app
from hindsight.web.auth import AuthSettings

from ..conftest import EXAMPLES
from .conftest import Server, _free_port

DOC = "2025-12-09-database-connection-pool-exhaustion"
FILE = f"docs/incidents/{DOC}.md"
ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
       "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
SECRET = "hook-secret-for-tests"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout.strip()


@pytest.fixture
def remote(tmp_path) -> Path:
    """A bare repository holding the examples, as the git host would."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "init", "-q", "-b", "main", str(seed))
    shutil.copytree(EXAMPLES, seed / "docs" / "incidents")
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "postmortems")
    git(seed, "push", "-q", str(bare), "main")
    return bare


def clone(remote: Path, name: str) -> Path:
    path = remote.parent / name
    git(remote.parent, "clone", "-q", str(remote), str(path))
    git(path, "config", "user.name", name)
    git(path, "config", "user.email", f"{name}@replicas")
    return path


def upstream_text(remote: Path, path: str = FILE) -> str:
    return git(remote, "show", f"main:{path}")


def row(text: str, n: int) -> str:
    rows = [ln for ln in text.splitlines() if ln.startswith("| ") and ("@" in ln) and "20" in ln]
    return rows[n - 1]


@pytest.fixture
def replicas(remote):
    """Two replicas (`a`, `b`) serving their own clones with --push, pulling every half second."""
    started = []

    def start(name: str, pull_interval: float = 0.5) -> Server:
        root = clone(remote, name) if not (remote.parent / name).exists() else remote.parent / name
        app = create_app(load(root), auth=AuthSettings("none", True), refresh_seconds=0.5, push=True,
                         pull_interval=pull_interval, hook_secret=SECRET)
        s = Server(app).__enter__()
        started.append(s)
        return s

    yield start
    for s in started:
        s.__exit__()


#: The example's action items, in table order (ids are slugs of their text).
ITEMS = ["add-connection-wait-time-alert", "create-connection-pool-runbook", "add-load-test-with-prod-like-data",
         "review-all-orm-eager-loading", "increase-default-pool-size"]


def url(n: int) -> str:
    """The API address of the example's n-th action item."""
    return f"/api/actions/{DOC}%23{ITEMS[n - 1]}"


def item(server: Server, n: int) -> dict:
    with closing(server.client()) as c:
        return c.get(url(n)).json()


def edit(server: Server, n: int, **change) -> httpx.Response:
    with closing(server.client()) as c:
        version = c.get(url(n)).json()["version"]
        return c.patch(url(n), json={"version": version, **change})


def settle(check, seconds: float = 5.0) -> float:
    """Seconds until `check()` holds; fails the test when it does not within `seconds`."""
    t0 = time.monotonic()
    while not check():
        assert time.monotonic() - t0 < seconds, "not seen within the time allowed"
        time.sleep(0.05)
    return time.monotonic() - t0


def at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    out: list = [None] * len(calls)

    def run(i, fn):
        barrier.wait()
        out[i] = fn()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def test_the_same_cell_from_two_replicas_at_once_gives_one_change_and_one_409(replicas, remote):
    a, b = replicas("a"), replicas("b")
    versions = [item(s, 4)["version"] for s in (a, b)]
    commits = git(remote, "rev-list", "--count", "main")
    with closing(a.client()) as ca, closing(b.client()) as cb:
        ra, rb = at_once(
            lambda: ca.patch(url(4), json={"version": versions[0], "status": "DONE"}),
            lambda: cb.patch(url(4), json={"version": versions[1], "status": "WONTFIX"}))
    assert sorted([ra.status_code, rb.status_code]) == [200, 409], (ra.text, rb.text)
    won, lost = (ra, rb) if ra.status_code == 200 else (rb, ra)
    landed = won.json()["status"]
    assert lost.json()["current"]["status"] == landed  # the refused one is shown the value that stands
    assert int(git(remote, "rev-list", "--count", "main")) == int(commits) + 1  # exactly one change
    upstream = parse(upstream_text(remote)).action_items[3]
    assert upstream.id.endswith(ITEMS[3]) and upstream.status == landed
    for s in (a, b):
        settle(lambda s=s: item(s, 4)["status"] == landed)


def test_edits_to_different_items_from_both_replicas_all_land_and_both_show_them(replicas, remote):
    a, b = replicas("a"), replicas("b")
    before = upstream_text(remote)
    results = at_once(lambda: edit(a, 3, status="DONE"), lambda: edit(b, 4, status="IN PROGRESS"),
                      lambda: edit(a, 2, owner="@alice"), lambda: edit(b, 5, ticket="PLAT-999"))
    assert [r.status_code for r in results] == [200, 200, 200, 200], [r.text for r in results]
    after = upstream_text(remote)
    assert "DONE" in row(after, 3) and "IN PROGRESS" in row(after, 4)
    assert "@alice" in row(after, 2) and "PLAT-999" in row(after, 5)
    # Nothing but those cells changed: every other line of the file is as it was.
    changed = [i for i, (x, y) in enumerate(zip(before.splitlines(), after.splitlines())) if x != y]
    assert len(before.splitlines()) == len(after.splitlines()) and len(changed) == 4
    for s in (a, b):
        waited = settle(lambda s=s: (item(s, 3)["status"], item(s, 4)["status"], item(s, 2)["owner"],
                                     item(s, 5)["ticket"]) == ("DONE", "IN PROGRESS", "@alice", "PLAT-999"))
        assert waited < 5
    # Each edit is one commit, authored by the replica's git identity (no sign-in here).
    log = git(remote, "log", "--format=%s", "-4", "main").splitlines()
    assert sorted(s.split(":")[0] for s in log) == sorted(f"{DOC}#{ITEMS[n - 1]}" for n in (2, 3, 4, 5))


def test_a_page_read_before_another_replicas_edit_still_edits_another_cell(replicas, remote):
    a, b = replicas("a"), replicas("b")
    stale = item(b, 3)["version"]  # b's reader opened the board
    assert edit(a, 3, owner="@carol").status_code == 200  # someone else changes the row's owner through a
    settle(lambda: item(b, 3)["owner"] == "@carol")  # b has pulled it: its file is not the version read
    with closing(b.client()) as c:
        ok = c.patch(url(3), json={"version": stale, "status": "DONE", "owner": "@platform"})
        assert ok.status_code == 200, ok.text  # the owner was sent as read: it is not an edit of the owner
        again = c.patch(url(3), json={"version": stale, "owner": "@dave"})
    assert again.status_code == 409 and again.json()["current"]["owner"] == "@carol"
    text = row(upstream_text(remote), 3)
    assert "@carol" in text and "DONE" in text and "@dave" not in text


def test_the_webhook_pulls_at_once_and_refuses_a_wrong_signature(replicas, remote):
    a, b = replicas("a"), replicas("b", pull_interval=0)  # b pulls only when the git host calls
    assert edit(a, 3, ticket="HOOK-1").status_code == 200
    time.sleep(1.0)
    assert item(b, 3)["ticket"] != "HOOK-1"  # no timer: b does not know yet
    body = json.dumps({"ref": "refs/heads/main"}).encode()
    with httpx.Client(base_url=b.url) as c:  # the git host: no cookie, no CSRF token, no sign-in
        wrong = c.post("/api/hooks/git", content=body, headers={"X-Hub-Signature-256": "sha256=" + "0" * 64})
        assert wrong.status_code == 403
        assert item(b, 3)["ticket"] != "HOOK-1"
        sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        ok = c.post("/api/hooks/git", content=body, headers={"X-Hub-Signature-256": sig,
                                                             "Content-Type": "application/json"})
        assert ok.status_code == 200 and ok.json()["pulled"] is True
        assert item(b, 3)["ticket"] == "HOOK-1"  # shown as soon as the hook is answered
        gitlab = c.post("/api/hooks/git", content=b"{}", headers={"X-Gitlab-Token": SECRET})
        assert gitlab.status_code == 200 and gitlab.json()["pulled"] is False  # nothing new


def test_a_portal_without_a_secret_has_no_webhook(site, serve):
    s = serve()
    with httpx.Client(base_url=s.url) as c:
        r = c.post("/api/hooks/git", content=b"{}", headers={"Authorization": "Bearer anything"})
    assert r.status_code == 404


def test_an_edit_is_not_saved_when_the_remote_cannot_be_reached(replicas, remote):
    a = replicas("a")
    head = git(remote.parent / "a", "rev-parse", "HEAD")
    moved = remote.parent / "elsewhere.git"
    remote.rename(moved)  # the git host is down
    try:
        r = edit(a, 3, status="DONE")
        assert r.status_code == 502 and "the edit was not saved" in r.json()["detail"]
        assert git(remote.parent / "a", "rev-parse", "HEAD") == head  # no unpushed commit left behind
        assert "DONE" not in row((remote.parent / "a" / FILE).read_text(encoding="utf-8"), 3)
        assert item(a, 3)["status"] == "TODO"
    finally:
        moved.rename(remote)
    assert edit(a, 3, status="DONE").status_code == 200
    assert "DONE" in row(upstream_text(remote), 3)


def serve_process(root: Path, port: int, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "HINDSIGHT_HOOK_SECRET": SECRET, "GIT_AUTHOR_NAME": "r", "GIT_AUTHOR_EMAIL": "r@x",
           "GIT_COMMITTER_NAME": "r", "GIT_COMMITTER_EMAIL": "r@x"}
    proc = subprocess.Popen([sys.executable, "-m", "hindsight", "serve", "--port", str(port), "--allow-edits",
                             *extra], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the portal did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)


def warmers_in(root: Path) -> list[int]:
    """The page warmers (`hindsight.web.warm`) running in a folder."""
    found = []
    for pid in subprocess.run(["pgrep", "-f", "hindsight.web.warm"], capture_output=True, text=True).stdout.split():
        try:
            if Path(f"/proc/{pid}/cwd").resolve() == root.resolve():
                found.append(int(pid))
        except OSError:
            continue
    return found


def test_a_warmer_whose_portal_is_gone_stops_at_once(site):
    env = {**os.environ, "HINDSIGHT_SERVE": json.dumps({"root": str(site), "folder": None, "auth": "none",
                                                        "allow_edits": False, "trusted": [], "today": None,
                                                        "push": False, "pull_interval": 0})}
    dead = subprocess.Popen(["true"])
    dead.wait()
    warmer = subprocess.run([sys.executable, "-m", "hindsight.web.warm", str(dead.pid)], cwd=site, env=env,
                            timeout=60, capture_output=True, text=True)
    assert warmer.returncode == 0, warmer.stderr


def test_nothing_is_lost_when_a_replica_is_killed_mid_edit(remote):
    root = clone(remote, "a")
    port = _free_port()
    proc = serve_process(root, port, "--push", "--pull-interval", "0.5")
    base = f"http://127.0.0.1:{port}"
    answered: dict[int, str] = {}  # ticket value the portal said had landed, per edit
    stop = threading.Event()

    def keep_editing():
        n = 0
        while not stop.is_set():
            n += 1
            try:
                with httpx.Client(base_url=base, timeout=10) as c:
                    c.get("/api/health")
                    c.headers["X-CSRF-Token"] = c.cookies.get("hs_csrf") or ""
                    v = c.get(url(5)).json()["version"]
                    r = c.patch(url(5), json={"version": v, "ticket": f"KILL-{n}"})
                    if r.status_code == 200:
                        answered[n] = f"KILL-{n}"
            except httpx.HTTPError:
                return

    t = threading.Thread(target=keep_editing)
    t.start()
    settle(lambda: len(answered) >= 3, seconds=30)
    proc.send_signal(signal.SIGKILL)  # no clean shutdown: whatever it was doing stops here
    proc.wait(10)
    settle(lambda: not warmers_in(root), seconds=10)  # its page warmer does not outlive it
    stop.set()
    t.join(20)
    last = answered[max(answered)]
    landed = row(upstream_text(remote), 5)
    # Every edit the portal answered is upstream: the newest answered value, or one the portal was writing
    # when it died (never an older one).
    newest = int(landed.split("KILL-")[1].split()[0].strip("|"))
    assert newest >= max(answered), (landed, last)
    # Started again on the same clone (whose last edit may be committed but unpushed), it comes back to the
    # upstream's state, keeps nothing unpushed on its branch, and takes edits.
    proc = serve_process(root, port, "--push", "--pull-interval", "0.5")
    try:
        head, up = git(root, "rev-parse", "HEAD"), git(remote, "rev-parse", "main")
        assert head == up
        with httpx.Client(base_url=base, timeout=10) as c:
            c.get("/api/health")
            c.headers["X-CSRF-Token"] = c.cookies.get("hs_csrf") or ""
            v = c.get(url(5)).json()["version"]
            assert c.patch(url(5), json={"version": v, "ticket": "AFTER-1"}).status_code == 200
        assert "AFTER-1" in row(upstream_text(remote), 5)
    finally:
        proc.kill()
        proc.wait(10)


def test_a_commit_left_unpushed_by_a_stopped_replica_is_pushed_when_it_starts_again(replicas, remote):
    root = clone(remote, "a")
    path = root / FILE
    path.write_text(path.read_text(encoding="utf-8").replace("PLAT-456", "PLAT-457"), encoding="utf-8")
    git(root, "commit", "-qam", "an edit committed just before the replica stopped")
    a = replicas("a")
    assert "PLAT-457" in upstream_text(remote)
    assert item(a, 3)["ticket"] == "PLAT-457"


def test_workers_share_one_index_and_read_an_edit_back_through_any_of_them(site):
    port = _free_port()
    proc = serve_process(site, port, "--workers", "2")
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as c:
            c.get("/api/health")
            c.headers["X-CSRF-Token"] = c.cookies.get("hs_csrf") or ""
            v = c.get(url(3)).json()["version"]
            assert c.patch(url(3), json={"version": v, "status": "DONE"}).status_code == 200
        # A fresh connection each time, so the kernel hands them to either process.
        seen = [httpx.get(f"{base}{url(3)}", timeout=10).json()["status"] for _ in range(20)]
        assert seen == ["DONE"] * 20
        assert "DONE" in row((site / FILE).read_text(encoding="utf-8"), 3)
        assert git(site, "log", "-1", "--format=%s").startswith(f"{DOC}#{ITEMS[2]}")
        # Two worker processes and their supervisor.
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        # Two worker processes under the supervisor (besides its page warmer and multiprocessing's tracker).
        workers = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(workers) == 2, children
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_write_left_half_done_by_a_stopped_replica_is_set_aside_not_lost(replicas, remote):
    root = clone(remote, "a")
    path = root / FILE
    path.write_text(path.read_text(encoding="utf-8").replace("PLAT-456", "PLAT-458"), encoding="utf-8")
    (root / ".git" / "index.lock").write_text("")  # git was stopped mid-commit
    a = replicas("a")
    assert "PLAT-458" in git(root, "stash", "show", "-p")  # kept for a person to look at
    assert git(root, "status", "--porcelain", "--untracked-files=no") == ""
    assert edit(a, 5, ticket="PLAT-460").status_code == 200
    assert "PLAT-460" in row(upstream_text(remote), 5) and "PLAT-458" not in upstream_text(remote)


def test_push_without_an_upstream_branch_says_how_to_set_one(site):
    from click.testing import CliRunner

    from hindsight.cli import main

    r = CliRunner().invoke(main, ["serve", "--push", "--port", "1"])
    assert r.exit_code == 2 and "tracks no remote branch" in r.output and "git branch -u origin/main" in r.output
    r = CliRunner().invoke(main, ["serve", "--pull-interval", "5", "--port", "1"])
    assert r.exit_code == 2 and "give --push as well" in r.output
