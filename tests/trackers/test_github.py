"""`hindsight actions sync --github` against a server that answers as GitHub's REST API documents it."""

from __future__ import annotations

import json

import pytest

from hindsight.parse import read

from .conftest import CACHE, SEARCH, SECRET, doc, hindsight, items
from .servers import GitHubHandler, State, serve

SYNC = ["actions", "sync", "--github", "acme/ops", "--today", "2026-01-10"]


def _env(base: str, **more: str) -> dict[str, str]:
    return {"GITHUB_TOKEN": "gh-secret", "GITHUB_API_URL": base, **more}


def test_a_sync_creates_one_issue_per_open_item_and_writes_each_key_into_its_own_cell(project):
    before = {name: doc(project, name).read_text() for name in (SEARCH, CACHE, SECRET)}
    with serve(GitHubHandler) as (base, state):
        r = hindsight(*SYNC, env=_env(base))
    assert r.exit_code == 0, r.output
    created = {i["title"]: i for i in state.issues.values()}
    # Open items without a ticket, and only those: the DONE one and the one tracked in another tool are not.
    assert sorted(created) == ["Add a search latency alert", "Guard the alias swap in the reindex job",
                               "Warm the cache before switching traffic", "Write the reindex runbook"]
    assert items(project, SEARCH) == [
        ("Add a search latency alert", "TODO", "acme/ops#1"),
        ("Write the reindex runbook", "IN PROGRESS", "acme/ops#2"),
        ("Raise the shard count", "DONE", None),
        ("Guard the alias swap in the reindex job", "TODO", "acme/ops#3"),
        ("Review the index mappings", "TODO", "OPS-77")]
    # Exactly the Ticket cells changed: every other line, and every other cell of those rows, as it was.
    old, new = before[SEARCH].split("\n"), doc(project, SEARCH).read_text().split("\n")
    changed = [(a.split("|"), b.split("|")) for a, b in zip(old, new) if a != b]
    assert len(old) == len(new) and len(changed) == 3
    assert all(a[:5] == b[:5] and a[6:] == b[6:] for a, b in changed)
    # A table with no Ticket column gets one; the restricted postmortem is not synced at all.
    assert items(project, CACHE) == [("Warm the cache before switching traffic", "TODO", "acme/ops#4")]
    assert "| Ticket |" in doc(project, CACHE).read_text()
    assert doc(project, SECRET).read_text() == before[SECRET]
    assert not any("zebracorn" in json.dumps(i) for i in state.issues.values())
    # What each issue is made of: the postmortem, the labels, the assignee mapped from the owner, the marker.
    alert = created["Add a search latency alert"]
    assert {lb["name"] for lb in alert["labels"]} == {"postmortem", "severity-p1", "incident-2026-01-05"}
    assert [a["login"] for a in alert["assignees"]] == ["dana-r"]  # the owners option
    assert [a["login"] for a in created["Guard the alias swap in the reindex job"]["assignees"]] == ["sam-o"]
    assert created["Write the reindex runbook"]["assignees"] == []  # a team: nobody to assign
    assert "Search results empty for EU customers" in alert["body"] and "Due: 2026-01-12" in alert["body"]
    assert "<!-- hindsight-action: 2026-01-05-search-outage#add-a-search-latency-alert -->" in alert["body"]
    assert "created acme/ops#1" in r.output and "1 restricted" in r.output


def test_a_second_sync_with_nothing_changed_writes_nothing_anywhere(project):
    with serve(GitHubHandler) as (base, state):
        assert hindsight(*SYNC, env=_env(base)).exit_code == 0
        files = {p: p.read_bytes() for p in (project / "docs" / "incidents").glob("*.md")}
        writes = len(state.writes())
        r = hindsight(*SYNC, env=_env(base))
    assert r.exit_code == 0, r.output
    assert len(state.writes()) == writes  # no POST, no PATCH
    assert all(p.read_bytes() == data for p, data in files.items())
    assert "created" not in r.output


def test_closing_an_issue_marks_its_item_and_reopening_opens_it_again(project):
    with serve(GitHubHandler) as (base, state):
        assert hindsight(*SYNC, env=_env(base)).exit_code == 0
        state.issues["1"].update(state="closed", state_reason="completed", closed_at="2026-01-02T10:00:00Z")
        state.issues["2"].update(state="closed", state_reason="not_planned", closed_at="2026-01-03T10:00:00Z")
        r = hindsight(*SYNC, env=_env(base))
        assert r.exit_code == 0, r.output
        got = read(doc(project, SEARCH)).action_items
        # Closed on the day GitHub closed the issue, not the day of the sync.
        assert [(a.status, a.closed and a.closed.isoformat()) for a in got[:2]] == [("DONE", "2026-01-02"),
                                                                                   ("WONTFIX", None)]
        assert "status TODO -> DONE (the ticket changed since the last sync)" in r.output
        state.issues["1"].update(state="open", state_reason="reopened")
        r = hindsight(*SYNC, env=_env(base))
    assert r.exit_code == 0, r.output
    assert read(doc(project, SEARCH)).action_items[0].status == "TODO"


def test_a_conflict_is_reported_changes_nothing_and_fails_the_check(project):
    with serve(GitHubHandler) as (base, state):
        assert hindsight(*SYNC, env=_env(base)).exit_code == 0
        path = doc(project, SEARCH)
        path.write_text(path.read_text().replace("| Add a search latency alert | @dana | 2026-01-12 | 🔲 TODO |",
                                                 "| Add a search latency alert | @dana | 2026-01-12 | ✅ DONE |"))
        text, writes = path.read_text(), len(state.writes())
        r = hindsight(*SYNC, env=_env(base))
        assert r.exit_code == 0, r.output
        assert ("conflict: the file says DONE, acme/ops#1 is open (the file changed since the last sync); "
                "nothing changed") in r.output
        assert path.read_text() == text and len(state.writes()) == writes and state.issues["1"]["state"] == "open"
        check = hindsight("actions", "check-sync", "--github", "acme/ops", env=_env(base))
        assert check.exit_code == 1 and "acme/ops#1" in check.output
        # The file wins: the issue is closed as completed.
        r = hindsight(*SYNC, "--prefer", "markdown", env=_env(base))
        assert r.exit_code == 0, r.output
        assert (state.issues["1"]["state"], state.issues["1"]["state_reason"]) == ("closed", "completed")
        assert hindsight("actions", "check-sync", "--github", "acme/ops", env=_env(base)).exit_code == 0
        # Both change: the issue is reopened, the file says WONTFIX; the tracker wins on request.
        state.issues["1"].update(state="open", state_reason="reopened")
        path.write_text(path.read_text().replace("| 2026-01-12 | ✅ DONE |", "| 2026-01-12 | ❌ WONTFIX |"))
        assert "both changed since the last sync" in hindsight(*SYNC, env=_env(base)).output
        assert hindsight(*SYNC, "--prefer", "tracker", env=_env(base)).exit_code == 0
    assert read(path).action_items[0].status == "TODO"


def test_a_failure_in_the_middle_loses_no_ticket_and_makes_no_second_one(project):
    with serve(GitHubHandler, State(refuse_create_at=2)) as (base, state):
        # The second create is refused: the first item keeps its key, the run stops there.
        first = hindsight(*SYNC, env=_env(base))
        assert first.exit_code == 2 and "answered POST /repos/acme/ops/issues with 500" in first.output
        assert len(state.issues) == 1 and items(project, SEARCH)[0][2] == "acme/ops#1"
        r = hindsight(*SYNC, env=_env(base))
        assert r.exit_code == 0, r.output
    assert len(state.issues) == 4 and sorted(i["title"] for i in state.issues.values()) == sorted(
        {i["title"] for i in state.issues.values()})


def test_a_ticket_made_whose_answer_was_lost_is_found_again_not_made_twice(project):
    with serve(GitHubHandler, State(create_then_fail=1)) as (base, state):
        lost = hindsight(*SYNC, env=_env(base))
        assert lost.exit_code == 2 and "answered POST /repos/acme/ops/issues with 502" in lost.output
        assert len(state.issues) == 1 and items(project, SEARCH)[0][2] is None  # made, but its key is unknown
        again = hindsight(*SYNC, env=_env(base))
    assert again.exit_code == 0, again.output
    assert "recovered: acme/ops#1 was made for it by an earlier sync" in again.output
    assert len(state.issues) == 4 and items(project, SEARCH)[0][2] == "acme/ops#1"


@pytest.mark.parametrize("status, headers", [
    (429, {"Retry-After": "1"}),
    (403, {"retry-after": "1"}),  # GitHub's secondary rate limit
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "REPLACE"}),  # the primary one
])
def test_rate_limits_are_waited_out_with_a_visible_note(project, status, headers):
    import time

    headers = {k: str(int(time.time()) + 1) if v == "REPLACE" else v for k, v in headers.items()}
    with serve(GitHubHandler) as (base, state):
        state.faults.append(("GET", r"/issues\?", status, headers))
        r = hindsight(*SYNC, env=_env(base))
    assert r.exit_code == 0, r.output
    assert f"GitHub is rate limiting the requests ({status}); waiting" in r.output
    assert len(state.issues) == 4


@pytest.mark.parametrize("env, fault, message", [
    ({"GITHUB_TOKEN": "wrong"}, None, "GitHub refused the token (401 Unauthorized); set GITHUB_TOKEN"),
    ({}, ("GET", r"/issues\?", 403, {}), "GitHub refused GET /repos/acme/ops/issues (403 Forbidden: injected "
                                         "failure); give GITHUB_TOKEN read and write access"),
    ({}, ("GET", r"/issues\?", 404, {}), "GitHub has nothing at /repos/acme/ops/issues (404 Not Found); check "
                                         "--github acme/ops"),
    ({}, ("POST", r"/issues$", 503, {}), "GitHub answered POST /repos/acme/ops/issues with 503"),
    ({"GITHUB_TOKEN": ""}, None, "--github needs a token in the environment variable GITHUB_TOKEN"),
])
def test_a_failure_is_one_line_and_nothing_is_half_written(project, env, fault, message):
    files = {p: p.read_bytes() for p in (project / "docs" / "incidents").glob("*.md")}
    with serve(GitHubHandler) as (base, state):
        if fault:
            state.faults.append(fault)
        r = hindsight(*SYNC, env={**_env(base), **env})
    assert r.exit_code == 2
    errors = [ln for ln in r.output.splitlines() if ln.startswith("hindsight: ") and message in ln]
    assert len(errors) == 1, r.output
    assert all(p.read_bytes() == data for p, data in files.items())


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(project):
    files = {p: p.read_bytes() for p in (project / "docs" / "incidents").glob("*.md")}
    with serve(GitHubHandler) as (base, state):
        r = hindsight(*SYNC, "--dry-run", env=_env(base))
    assert r.exit_code == 0, r.output
    assert r.output.count(": would-create: ") == 4 and "(dry run: nothing written)" in r.output
    assert state.writes() == [] and all(p.read_bytes() == data for p, data in files.items())


def test_a_restricted_postmortem_is_synced_only_when_asked(project):
    with serve(GitHubHandler) as (base, state):
        r = hindsight(*SYNC, "--allow-restricted", env=_env(base))
    assert r.exit_code == 0, r.output
    assert "Rotate every zebracorn signing key" in {i["title"] for i in state.issues.values()}
    assert items(project, SECRET)[0][2] == "acme/ops#5"


def test_a_compatible_server_that_will_not_take_label_names_still_gets_its_issues(project):
    with serve(GitHubHandler, State(labels_by_id=True)) as (base, state):
        r = hindsight(*SYNC, env=_env(base))
    assert r.exit_code == 0, r.output
    assert "GitHub would not take the labels of `Add a search latency alert`; created without them" in r.output
    assert len(state.issues) == 4 and items(project, SEARCH)[0][2] == "acme/ops#1"
