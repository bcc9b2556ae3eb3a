"""`hindsight actions sync --jira` against a server that answers as Jira's REST API documents it: Jira
Cloud (v3, basic auth, descriptions in the Atlassian Document Format, `search/jql` with page tokens) and
Jira Data Center (v2, a personal access token, `search` with `startAt`)."""

from __future__ import annotations

import pytest

from hindsight.parse import read

from .conftest import CACHE, SEARCH, doc, hindsight, items
from .servers import JiraHandler, serve

CLOUD = {"JIRA_USER": "bot@acme.test", "JIRA_API_TOKEN": "jira-secret"}
DATA_CENTER = {"JIRA_PAT": "jira-pat"}


def _sync(base: str, env: dict[str, str], *more: str):
    return hindsight("actions", "sync", "--jira", "SRE", "--jira-url", base, "--today", "2026-01-10", *more, env=env)


@pytest.mark.parametrize("env, version", [(CLOUD, "3"), (DATA_CENTER, "2")])
def test_a_sync_creates_issues_in_the_project_and_writes_their_keys(project, env, version):
    with serve(JiraHandler) as (base, state):
        r = _sync(base, env)
    assert r.exit_code == 0, r.output
    # OPS-77 is an issue of another project: that item is tracked elsewhere and left as it is.
    assert sorted(i["fields"]["summary"] for i in state.issues.values()) == [
        "Add a search latency alert", "Guard the alias swap in the reindex job",
        "Warm the cache before switching traffic", "Write the reindex runbook"]
    assert [t for _, _, t in items(project, SEARCH)] == ["SRE-101", "SRE-102", None, "SRE-103", "OPS-77"]
    assert "[SRE-101](" + base + "/browse/SRE-101)" in doc(project, SEARCH).read_text()
    alert = state.issues["SRE-101"]["fields"]
    assert alert["duedate"] == "2026-01-12" and alert["labels"] == ["postmortem", "severity-p1", "incident-2026-01-05"]
    description = alert["description"]
    if version == "3":  # an Atlassian Document Format tree, the marker in its last paragraph
        assert description["type"] == "doc" and description["version"] == 1
        assert "hindsight-action: 2026-01-05-search-outage#add-a-search-latency-alert" in \
            description["content"][-1]["content"][0]["text"]
        assert alert["assignee"] == {"accountId": "5b10ac8d82e05b22cc7d4ef5"}
    else:  # plain text, with Jira's own link markup
        assert isinstance(description, str) and "hindsight-action: 2026-01-05-search-outage#add" in description
        assert alert["assignee"] == {"name": "5b10ac8d82e05b22cc7d4ef5"}
    assert all(p.startswith(f"/rest/api/{version}/") for _, p, _ in state.requests)


@pytest.mark.parametrize("env", [CLOUD, DATA_CENTER])
def test_states_are_read_by_category_and_moved_by_the_transitions_offered(project, env):
    with serve(JiraHandler) as (base, state):
        assert _sync(base, env).exit_code == 0
        # Statuses named by the workflow, not by Jira: read by their category.
        fields = {key: state.issues[key]["fields"] for key in state.issues}
        fields["SRE-101"].update(status={"name": "Closed", "statusCategory": {"key": "done"}},
                                 resolution={"name": "Fixed"}, resolutiondate="2026-01-08T09:00:00.000+0000")
        fields["SRE-102"].update(status={"name": "Nope", "statusCategory": {"key": "done"}},
                                 resolution={"name": "Won't Do"})
        fields["SRE-103"].update(status={"name": "Doing it", "statusCategory": {"key": "indeterminate"}})
        r = _sync(base, env)
        assert r.exit_code == 0, r.output
        got = read(doc(project, SEARCH)).action_items
        assert [(a.status, a.closed and a.closed.isoformat()) for a in got] == [
            ("DONE", "2026-01-08"), ("WONTFIX", None), ("DONE", "2026-01-07"), ("IN PROGRESS", None), ("TODO", None)]
        # The file wins on request: the issue is moved with the transition into the Done category, whatever its id.
        path = doc(project, CACHE)
        path.write_text(path.read_text().replace("🔲 TODO", "✅ DONE"))
        assert "conflict" in _sync(base, env).output
        r = _sync(base, env, "--prefer", "markdown")
        assert r.exit_code == 0, r.output
        moved = [b for m, p, b in state.requests if m == "POST" and p.endswith("/SRE-104/transitions")]
        assert moved == [{"transition": {"id": "811"}}]
        assert state.issues["SRE-104"]["fields"]["status"]["statusCategory"]["key"] == "done"
        # Nothing changed since: a second sync moves nothing, writes nothing.
        writes = len(state.writes())
        again = _sync(base, env)
    assert again.exit_code == 0 and len(state.writes()) == writes


def test_a_jql_listing_of_several_pages_recovers_tickets_whose_keys_were_lost(project):
    with serve(JiraHandler) as (base, state):
        assert _sync(base, CLOUD).exit_code == 0
        path = doc(project, SEARCH)
        text = path.read_text()
        for key in ("SRE-101", "SRE-103"):  # as if the keys had never been written
            start = text.index(f"[{key}]")
            text = text[:start] + text[text.index("-->", start) + 3:]
        path.write_text(text)
        r = _sync(base, CLOUD)
    assert r.exit_code == 0, r.output
    assert r.output.count(": recovered: ") == 2 and len(state.issues) == 4
    searches = [b for m, p, b in state.requests if p == "/rest/api/3/search/jql"]
    assert len(searches) == 3 and searches[-1].get("nextPageToken") == "2"  # none at first; then 4, 2 to a page


@pytest.mark.parametrize("env, message", [
    ({"JIRA_USER": "bot@acme.test", "JIRA_API_TOKEN": "wrong"}, "Jira refused the token (401 Unauthorized); set "
                                                                "JIRA_API_TOKEN"),
    ({"JIRA_PAT": "wrong"}, "Jira refused the token (401 Unauthorized); set JIRA_PAT"),
    ({}, "--jira needs credentials in the environment: JIRA_USER and JIRA_API_TOKEN (Jira Cloud), or JIRA_PAT"),
])
def test_bad_credentials_are_one_line_and_nothing_is_written(project, env, message):
    before = doc(project, SEARCH).read_bytes()
    with serve(JiraHandler) as (base, state):
        r = _sync(base, env)
    assert r.exit_code == 2 and message in r.output and state.writes() == []
    assert doc(project, SEARCH).read_bytes() == before


def test_an_assignee_jira_will_not_take_leaves_the_issue_unassigned(project):
    with serve(JiraHandler) as (base, state):
        state.users.clear()
        r = _sync(base, CLOUD)
    assert r.exit_code == 0, r.output
    assert "Jira would not take assignee for `Add a search latency alert`; created without" in r.output
    assert state.issues["SRE-101"]["fields"]["assignee"] is None


def test_check_sync_fails_on_a_disagreement(project):
    with serve(JiraHandler) as (base, state):
        assert _sync(base, DATA_CENTER).exit_code == 0
        check = ["actions", "check-sync", "--jira", "SRE", "--jira-url", base]
        assert hindsight(*check, env=DATA_CENTER).exit_code == 0
        state.issues["SRE-103"]["fields"]["status"] = {"name": "Done", "statusCategory": {"key": "done"}}
        r = hindsight(*check, env=DATA_CENTER)
    assert r.exit_code == 1
    assert "would-pull: the file says TODO, SRE-103 is done: status TODO -> DONE" in r.output


def test_a_cloud_site_with_only_the_older_search_is_read_with_it(project):
    from .servers import State

    with serve(JiraHandler, State(classic_search=True)) as (base, state):
        assert _sync(base, CLOUD).exit_code == 0
        path = doc(project, SEARCH)
        text = path.read_text()
        start = text.index("[SRE-101]")
        path.write_text(text[:start] + text[text.index("-->", start) + 3:])
        r = _sync(base, CLOUD)
    assert r.exit_code == 0, r.output
    assert ": recovered: SRE-101" in r.output and len(state.issues) == 4
    assert any(m == "GET" and p.startswith("/rest/api/3/search?") for m, p, _ in state.requests)
