"""`--api`: the same import, fetched live from a server that answers as the vendors document their APIs."""

from __future__ import annotations

import pytest

from .conftest import EXPORTS, PD, POSTMORTEM, hindsight, rows
from .vendors import Script, vendor_server

ENV = {"PAGERDUTY_TOKEN": "pd-secret", "OPSGENIE_API_KEY": "og-secret", "INCIDENT_API_KEY": "io-secret",
       "SLACK_TOKEN": "xoxb-slack-secret"}


def _import(base: str, source: str, ident: str, env=ENV, *more: str):
    return hindsight("import", "timeline", ident, "--from", source, "--api", "--api-url", base, "--into", POSTMORTEM,
                     *more, env=env)


def test_pagerduty_live_gives_what_the_saved_pages_give(doc, project, tmp_path):
    with vendor_server() as (base, script):
        r = _import(base, "pagerduty", "Q1CHK503XYZ")
    assert r.exit_code == 0, r.output
    live = doc.read_bytes()
    # Every page was read: 8 entries, 3 to a page, by offset.
    offsets = [q for p, q, _ in script.requests if p.endswith("/log_entries")]
    assert [dict(kv.split("=") for kv in q.split("&"))["offset"] for q in offsets] == ["0", "3", "6"]
    assert {a for _, _, a in script.requests} == {"Token token=pd-secret"}
    # The same rows as importing the saved responses into a fresh copy.
    doc.write_bytes((EXPORTS / f"{POSTMORTEM}.md").read_bytes())
    assert hindsight("import", "timeline", *PD, "--from", "pagerduty", "--into", POSTMORTEM).exit_code == 0
    assert doc.read_bytes() == live


def test_a_rate_limit_is_waited_out_with_a_note(doc):
    with vendor_server(Script(rate_limit={"/incidents/Q1CHK503XYZ/log_entries": 2})) as (base, script):
        r = _import(base, "pagerduty", "Q1CHK503XYZ")
    assert r.exit_code == 0, r.output
    assert r.stderr.count("PagerDuty is rate limiting the requests (429); waiting 1 s") == 2
    assert len(rows(doc)) == 9


@pytest.mark.parametrize("ident, env, fail, message", [
    ("Q1CHK503XYZ", {"PAGERDUTY_TOKEN": "wrong"}, {}, "PagerDuty refused the token (401 Unauthorized); set "
                                                      "PAGERDUTY_TOKEN to a valid token"),
    ("PFORBIDDEN", ENV, {}, "PagerDuty refused GET /incidents/PFORBIDDEN/log_entries (403 Forbidden: Access "
                            "Denied); give the token in PAGERDUTY_TOKEN read access to this incident"),
    ("PNOSUCH", ENV, {}, "PagerDuty has nothing at /incidents/PNOSUCH/log_entries (404 Not Found); check the "
                         "incident id"),
    ("Q1CHK503XYZ", ENV, {"/incidents/Q1CHK503XYZ/notes": 500},
     "PagerDuty answered GET /incidents/Q1CHK503XYZ/notes with 500: Internal Server Error"),
    ("Q1CHK503XYZ", {}, {}, "--api needs a PagerDuty API token in the environment variable PAGERDUTY_TOKEN"),
])
def test_a_failure_is_one_line_and_nothing_is_written(doc, ident, env, fail, message):
    before = doc.read_bytes()
    with vendor_server(Script(fail=fail)) as (base, _):
        r = hindsight("import", "timeline", ident, "--from", "pagerduty", "--api", "--api-url", base, "--into",
                      POSTMORTEM, env={"PAGERDUTY_TOKEN": "", **env})
    assert r.exit_code == 2
    assert message in r.output and len(r.output.strip().split("\n")) == 1, r.output
    assert doc.read_bytes() == before


def test_an_unreachable_api_is_one_line(doc):
    with vendor_server() as (base, _):
        pass  # the port is closed again
    r = _import(base, "pagerduty", "Q1CHK503XYZ")
    assert r.exit_code == 2 and f"cannot reach PagerDuty at {base}" in r.output


def test_opsgenie_live_follows_paging_next_on_its_own_host(doc):
    with vendor_server() as (base, script):
        r = _import(base, "opsgenie", "70413a06-38d6-4c85-92b8-5ebc900d42e2")
    assert r.exit_code == 0, r.output
    assert [p for p, _, _ in script.requests] == [
        "/v2/alerts/70413a06-38d6-4c85-92b8-5ebc900d42e2/logs", "/v2/alerts/70413a06-38d6-4c85-92b8-5ebc900d42e2/logs",
        "/v2/alerts/70413a06-38d6-4c85-92b8-5ebc900d42e2/notes"]
    text = doc.read_text()
    assert "| 14:32 | [ack] Alert acknowledged via web (dana.reyes@example.com) (Opsgenie)" in text
    assert "| 16:45 | [mitigated] Alert closed via web (dana.reyes@example.com) (Opsgenie)" in text


def test_a_postmortem_scaffolded_live_from_incidentio(project):
    with vendor_server() as (base, script):
        r = hindsight("new", "--from", "incidentio", "01JEQ7R3M8ZK2N4P6Q8S0T2V4X", "--api", "--api-url", base,
                      env=ENV)
    assert r.exit_code == 0, r.output
    text = (project / r.stdout.strip()).read_text()
    assert "# Incident: Checkout API returning 503s" in text and "**Severity:** P1" in text
    assert "| 15:40 | [mitigated] Monitoring: Error rate back to baseline" in text
    assert "- [incident.io incident INC-42](https://app.incident.io/acme/incidents/42)" in text
    # Three updates fill one page of three; the page says there is no more, so no second request is made.
    assert [q for p, q, _ in script.requests if p == "/v2/incident_updates"] == [
        "incident_id=01JEQ7R3M8ZK2N4P6Q8S0T2V4X&page_size=100"]


def test_a_slack_channel_read_live_gives_what_its_export_gives(doc, project):
    with vendor_server() as (base, script):
        r = _import(f"{base}/api", "slack", "inc-4021-checkout")
    assert r.exit_code == 0, r.output
    live = doc.read_text()
    # Found by name, every page of the history read, and the thread's replies, which history leaves out.
    methods = [p.removeprefix("/api/") for p, _, _ in script.requests]
    assert methods[:2] == ["auth.test", "conversations.list"] and "conversations.replies" in methods
    assert methods.count("conversations.history") == 3  # 7 messages, 3 to a page
    assert "| 2025-12-09 14:52 | ↳ Sam Okafor: Rolled back to v2.3.0" in live
    # Linked to the message through the workspace's address that auth.test gave.
    assert "([Slack](https://acme.slack.com/archives/C0INC4021C/p1765294562000300))" in live
    doc.write_bytes((EXPORTS / f"{POSTMORTEM}.md").read_bytes())
    (project / "hindsight.toml").write_text('slack_url = "https://acme.slack.com"\n')
    assert hindsight("import", "timeline", EXPORTS / "slack-export", "--from", "slack", "--channel",
                     "inc-4021-checkout", "--into", POSTMORTEM).exit_code == 0
    assert doc.read_text() == live


def test_a_slack_window_bounds_the_history_asked_for(doc):
    with vendor_server() as (base, script):
        r = _import(f"{base}/api", "slack", "C0INC4021C", ENV, "--since", "2025-12-09T15:00:00Z", "--until",
                    "2025-12-09")
    assert r.exit_code == 0, r.output
    queries = [q for p, q, _ in script.requests if p == "/api/conversations.history"]
    assert "oldest=1765292400.000000" in queries[0] and "latest=1765324799.999999" in queries[0]
    assert [e.split(": ")[0] for _, e in rows(doc) if "(Slack" in e or "[Slack]" in e] == ["Sam Okafor", "lee.p"]


@pytest.mark.parametrize("channel, env, missing, message", [
    ("C0INC4021C", {"SLACK_TOKEN": "xoxb-wrong"}, {}, "Slack refused the token (invalid_auth); set SLACK_TOKEN"),
    ("C0NOSUCH01", ENV, {}, "Slack has no channel `C0NOSUCH01` the token can read (channel_not_found)"),
    ("inc-nope", ENV, {}, "Slack has no channel named `inc-nope` the token can see"),
    ("C0INC4021C", ENV, {"users.list": "users:read"}, "the token in SLACK_TOKEN lacks the scope `users:read` for "
                                                       "/users.list (missing_scope); add it to the Slack app"),
])
def test_a_slack_failure_is_one_line_and_nothing_is_written(doc, channel, env, missing, message):
    before = doc.read_bytes()
    with vendor_server(Script(slack_scopes_missing=missing)) as (base, _):
        r = _import(f"{base}/api", "slack", channel, env)
    assert r.exit_code == 2
    assert message in r.output and r.output.count("\n") == 1, r.output
    assert doc.read_bytes() == before
