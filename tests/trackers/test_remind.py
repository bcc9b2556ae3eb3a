"""`hindsight remind`: the digest of what needs someone, printed or posted to a Slack webhook."""

from __future__ import annotations

import json

from .conftest import hindsight
from .servers import webhook

TODAY = ["--today", "2026-01-20"]


def test_the_digest_lists_every_overdue_item_by_owner_and_nothing_restricted(project):
    r = hindsight("remind", *TODAY, "--format", "json")
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert {owner: [i["action"] for i in rows] for owner, rows in got["overdue"].items()} == {
        "@dana": ["Add a search latency alert"], "@payments": ["Write the reindex runbook"]}
    assert {owner: [i["action"] for i in rows] for owner, rows in got["due_soon"].items()} == {
        "@search-api": ["Guard the alias swap in the reindex job"], "@dana": ["Review the index mappings"]}
    assert "zebracorn" not in r.stdout.lower() and "signing-key" not in r.stdout
    # A member of the group the restricted postmortem names sees its overdue item too.
    secret = json.loads(hindsight("remind", *TODAY, "--format", "json", "--groups", "security").stdout)
    assert [i["action"] for i in secret["overdue"]["@sec"]] == ["Rotate every zebracorn signing key"]


def test_the_digest_is_posted_as_block_kit_to_the_webhook(project):
    with webhook() as (url, received):
        r = hindsight("remind", *TODAY, "--slack", url)
    assert r.exit_code == 0, r.output
    [(path, message)] = received
    assert path == "/services/T0/B0/hooksecret"
    assert message["text"].startswith("Postmortem follow-ups, 2026-01-20: 2 overdue, 2 due within 2 days")
    assert message["blocks"][0]["type"] == "header"
    body = json.dumps(message)
    for action in ("Add a search latency alert", "Write the reindex runbook", "Guard the alias swap"):
        assert action in body
    assert "zebracorn" not in body.lower()
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message["blocks"])


def test_one_owner_and_failing_ci_on_overdue(project):
    r = hindsight("remind", *TODAY, "--owner", "dana", "--fail-on-overdue")
    assert r.exit_code == 1
    assert "Add a search latency alert" in r.stdout and "Write the reindex runbook" not in r.stdout
    calm = hindsight("remind", "--today", "2026-01-01", "--fail-on-overdue")
    assert calm.exit_code == 0 and "nothing overdue" in calm.stdout


def test_a_webhook_that_refuses_is_one_line(project):
    from .servers import SlackWebhookHandler

    with webhook() as (url, received):
        SlackWebhookHandler.status = 403
        try:
            r = hindsight("remind", *TODAY, "--slack", url)
        finally:
            SlackWebhookHandler.status = 200
    assert r.exit_code == 2 and "Slack answered HTTP 403 (invalid_token)" in r.output
