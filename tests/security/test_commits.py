"""The portal's commits: only the edit, as the right person, and no change left without its commit."""

from __future__ import annotations

import subprocess

from .conftest import header_auth

POOL = "2025-12-09-database-connection-pool-exhaustion"
LOAD_TEST = f"{POOL}%23add-load-test-with-prod-like-data"
SRE = {"X-Forwarded-User": "alice", "X-Forwarded-Groups": "sre"}


def git(site, *args) -> str:
    return subprocess.run(["git", "-C", str(site), *args], capture_output=True, text=True).stdout


def test_an_edit_of_a_file_with_uncommitted_hand_edits_is_refused(serve, site):
    path = site / "docs" / "incidents" / f"{POOL}.md"
    c = serve(header_auth()).client(**SRE)
    version = c.get(f"/api/postmortems/{POOL}").json()["version"]
    # Someone edits the file by hand and has not committed yet; the page they see is current.
    path.write_text(path.read_text(encoding="utf-8").replace("Rolled back to v2.3.0", "Rolled back to v2.3.0 (draft)"),
                    encoding="utf-8")
    version = c.get(f"/api/postmortems/{POOL}").json()["version"]
    hand = path.read_bytes()
    commits = git(site, "rev-list", "--count", "HEAD")
    r = c.patch(f"/api/actions/{LOAD_TEST}", json={"status": "DONE", "version": version})
    assert r.status_code == 409 and "not committed" in r.json()["detail"]
    assert path.read_bytes() == hand and git(site, "rev-list", "--count", "HEAD") == commits
    assert git(site, "diff", "--cached", "--name-only") == ""  # nothing staged under alice's name


def test_a_signed_in_edit_is_authored_by_the_person_and_committed_by_the_portal(serve, site):
    c = serve(header_auth()).client(**SRE)
    version = c.get(f"/api/postmortems/{POOL}").json()["version"]
    assert c.patch(f"/api/actions/{LOAD_TEST}", json={"ticket": "PLAT-1 | PLAT-2", "version": version}).status_code \
        == 200
    assert git(site, "log", "-1", "--format=%an <%ae>|%cn").strip() == \
        "alice <alice@users.hindsight>|Hindsight portal"
    assert git(site, "show", "--stat", "--format=", "HEAD").count("|") == 1  # one file, one line changed
    assert "PLAT-1 \\| PLAT-2" in (site / "docs" / "incidents" / f"{POOL}.md").read_text(encoding="utf-8")


def test_a_commit_git_refuses_leaves_the_file_as_it_was(serve, site):
    hook = site / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy: no commits today' >&2\nexit 1\n")
    hook.chmod(0o755)
    path = site / "docs" / "incidents" / f"{POOL}.md"
    before = path.read_bytes()
    c = serve(header_auth()).client(**SRE)
    version = c.get(f"/api/postmortems/{POOL}").json()["version"]
    r = c.patch(f"/api/actions/{LOAD_TEST}", json={"status": "DONE", "version": version})
    assert r.status_code == 500 and "git did not commit the change (policy: no commits today)" in r.json()["detail"]
    assert path.read_bytes() == before
    assert git(site, "status", "--porcelain") == ""
    assert c.get(f"/api/postmortems/{POOL}").json()["version"] == version  # the index shows the file as it is
