"""The decision for one item and its ticket, and who a ticket is assigned to: the rules, one case each."""

from __future__ import annotations

import pytest

from hindsight.trackers import Record, decide, read_record
from hindsight.trackers.github import GitHub
from hindsight.trackers.jira import Jira
from hindsight.trackers.owners import Owners

from .conftest import FOLLOWUPS

GH = GitHub("acme/ops", token="t")
JIRA = Jira("SRE", url="https://acme.atlassian.net", user="u", api_token="t")


@pytest.mark.parametrize("tracker, status, state, record, prefer, kind", [
    # Agreement, whatever happened before.
    (GH, "TODO", "open", None, None, "agree"),
    (GH, "IN PROGRESS", "open", Record("TODO", "open"), None, "agree"),
    (GH, "DONE", "completed", None, None, "agree"),
    (GH, "WONTFIX", "not_planned", None, None, "agree"),
    (JIRA, "IN PROGRESS", "indeterminate", None, None, "agree"),
    (JIRA, "WONTFIX", "done", None, None, "agree"),  # a workflow with no "won't do" resolution
    # The ticket moved since the last sync, the file did not: the file follows.
    (GH, "TODO", "completed", Record("TODO", "open"), None, "pull"),
    (GH, "DONE", "open", Record("DONE", "completed"), None, "pull"),  # reopened
    (JIRA, "TODO", "indeterminate", Record("TODO", "new"), None, "pull"),
    # The file moved, or both did: a conflict, unless one side is preferred.
    (GH, "DONE", "open", Record("TODO", "open"), None, "conflict"),
    (GH, "DONE", "not_planned", Record("TODO", "open"), None, "conflict"),
    (GH, "DONE", "open", Record("TODO", "open"), "markdown", "push"),
    (GH, "DONE", "open", Record("TODO", "open"), "tracker", "pull"),
    # Never synced: a ticket further along is read back; a file further along is a conflict.
    (GH, "TODO", "completed", None, None, "pull"),
    (JIRA, None, "indeterminate", None, None, "pull"),
    (GH, "DONE", "open", None, None, "conflict"),
    (JIRA, "IN PROGRESS", "new", None, None, "conflict"),
])
def test_decide(tracker, status, state, record, prefer, kind):
    assert decide(tracker, status, state, record, prefer).kind == kind


def test_the_record_reads_back_as_written():
    for record in (Record("IN PROGRESS", "open"), Record(None, "new"), Record("WONTFIX", "not_planned")):
        assert read_record(f"[SRE-1](https://x) {record.comment()}") == record
    assert read_record("SRE-1") is None and read_record("") is None


def test_owners_from_configuration_then_the_service_catalog():
    owners = Owners({"@dana": {"github": "dana-r", "jira": "5b10"}, "group:payments": {"github": "pat-lead"}},
                    [FOLLOWUPS / "catalog-info.yaml"])
    assert owners.assignee("@dana", "github") == "dana-r" and owners.assignee("Dana", "jira") == "5b10"
    assert owners.assignee("@sam", "github") == "sam-o"  # a catalog User's github.com/user-login
    assert owners.assignee("@search-api", "github") == "sam-o"  # a Component, owned by user:default/sam
    assert owners.assignee("@payments", "github") == "pat-lead"  # a group, mapped to its triage person
    assert owners.assignee("@search-api", "jira") is None  # no Jira user is known for sam
    assert owners.assignee("@nobody", "github") is None and owners.assignee(None, "github") is None
