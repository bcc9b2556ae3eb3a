"""Each vendor's export, shaped as the vendor documents it, read into the events a timeline shows."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hindsight.errors import InputError, ReadError
from hindsight.importers import Options, json_events, load, only, read_events

from .conftest import EXPORTS, PD

UTC = dt.UTC


def _at(e) -> str:
    return e.at.astimezone(UTC).strftime("%H:%M")


def test_pagerduty_pages_and_notes_read_once_each_with_marks_and_links():
    events = read_events(PD, "pagerduty")
    shown = only(events)
    assert [(_at(e), e.mark, e.text) for e in shown] == [
        ("14:30", None, "Triggered through the API: checkout-api 5xx rate above 5% for 5 minutes"),
        ("14:32", "[ack]", "Acknowledged by Dana Reyes."),
        ("14:41", None, "Note by Dana Reyes: Database connections at 100%; checking the deploys of the last hour."),
        ("15:00", None, "Escalated to level 2 by Dana Reyes."),
        ("15:00", None, "Assigned to Sam Okafor by Dana Reyes."),
        ("15:35", None, "Note by Sam Okafor: Raised the pool from 20 to 50 connections; error rate dropping."),
        ("16:45", None, "Resolved by Dana Reyes."),
    ]
    # A note is both a log entry and a note: it is read once, from the entry that links to it.
    assert shown[2].url == "https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1NOTE0004"
    # The notification to a phone is there for --only notify, and left out otherwise.
    assert [e.text for e in only(events, "notify")] == ["Notified Dana Reyes by SMS."]


def test_a_pagerduty_resolve_is_marked_mitigated_only_when_nothing_earlier_says_so():
    first_page, second = (json.loads(p.read_text()) for p in PD[:2])
    second["log_entries"] = [e for e in second["log_entries"] if e["type"] != "annotate_log_entry"]
    events = only(json_events("pagerduty", [first_page, second], "pd.json"))
    assert [e.text for e in events if e.mark == "[mitigated]"] == ["Resolved by Dana Reyes."]


def test_one_pagerduty_log_entry_alone(tmp_path):
    page = json.loads(PD[0].read_text())
    (tmp_path / "entry.json").write_text(json.dumps({"log_entry": page["log_entries"][2]}))
    assert [(e.kind, e.mark) for e in read_events([tmp_path / "entry.json"], "pagerduty")] == [("ack", "[ack]")]


@pytest.mark.parametrize("fmt, files, key", [
    ("pagerduty", ["pagerduty/log_entries.page1.json", "pagerduty/log_entries.page2.json", "pagerduty/notes.json"],
     None),
    ("opsgenie", ["opsgenie/logs.page1.json", "opsgenie/logs.page2.json", "opsgenie/notes.json"], "data"),
    ("incidentio", ["incidentio/incident_updates.json", "incidentio/incident_timeline_items.json"], None),
])
def test_a_bare_list_saved_from_a_response_reads_as_the_response(tmp_path, fmt, files, key):
    bare = []
    for name in files:
        doc = json.loads((EXPORTS / name).read_text())
        items = doc[key] if key else next(v for k, v in doc.items() if isinstance(v, list))
        (tmp_path / Path(name).name).write_text(json.dumps(items))  # as `jq .log_entries` would save it
        bare.append(tmp_path / Path(name).name)
    assert read_events(bare, fmt) == read_events([EXPORTS / n for n in files], fmt)


def test_opsgenie_logs_and_notes():
    files = [EXPORTS / "opsgenie" / n for n in ("logs.page1.json", "logs.page2.json", "notes.json")]
    events = only(read_events(files, "opsgenie"))
    assert [(_at(e), e.kind, e.text) for e in events] == [
        ("14:30", "trigger", "Alert created via API[Checkout API Datadog]"),
        ("14:32", "ack", "Alert acknowledged via web (dana.reyes@example.com)"),
        ("15:00", "escalate", "Alert escalated to escalation [Checkout_escalation] (Escalated to next at 15:00)"),
        ("15:31", "note", "Note by sam.okafor@example.com: Pool exhausted after the v2.3.1 deploy; raising it to 50."),
        ("16:45", "resolve", "Alert closed via web (dana.reyes@example.com)"),
    ]
    assert events[1].mark == "[ack]" and events[-1].mark == "[mitigated]"


def test_incidentio_updates_items_and_the_incidents_timestamps():
    files = [EXPORTS / "incidentio" / n for n in ("incident.json", "incident_updates.json",
                                                  "incident_updates.page2.json", "incident_timeline_items.json")]
    events = only(read_events(files, "incidentio"))
    got = [(_at(e), e.mark, e.text) for e in events]
    assert got == [
        ("14:28", None, "Impact started"),
        ("14:31", None, "Reported"),
        ("14:33", "[ack]", "Accepted"),
        ("14:35", None, "Investigating: Checkout is failing for about 15% of requests; the database pool looks "
                        "exhausted. — Dana Reyes"),
        ("14:45", None, "Rolled back checkout-api to v2.3.0: Error rate **unchanged** after the rollback: the fault "
                        "was not in the new code."),
        ("15:36", "[mitigated]", "Fixed"),
        ("15:40", "[mitigated]", "Monitoring: Error rate back to baseline after the pool was raised to 50; watching "
                                 "it. — Sam Okafor"),
        ("16:45", None, "Resolved"),
        ("16:45", None, "Closed: Resolved: checkout has been healthy for an hour. — Close after an hour of "
                        "monitoring"),
    ]
    assert all(e.url == "https://app.incident.io/acme/incidents/42" for e in events)


def test_slack_export_folder_and_zip_give_the_curated_messages(tmp_path):
    folder = EXPORTS / "slack-export"
    archive = tmp_path / "Acme Slack export Dec 9 2025 - Dec 10 2025.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted(folder.rglob("*.json")):
            z.write(p, p.relative_to(folder).as_posix())
    opts = dict(channel="inc-4021-checkout", slack_url="https://acme.slack.com")
    from_folder = read_events([folder], "slack", Options(**opts))
    assert read_events([archive], "slack", Options(**opts)) == from_folder
    assert [(e.at.astimezone(UTC).strftime("%m-%d %H:%M"), e.text) for e in from_folder] == [
        ("12-09 14:33", "dana: DB connections are at 100% & requests queue <30s> — @Sam Okafor can you check "
                        "the pool? [dashboard](https://grafana.example.com/d/checkout)"),
        ("12-09 14:52", "↳ Sam Okafor: Rolled back to v2.3.0: **error rate unchanged**, so it is not the new code"),
        ("12-09 15:36", "Sam Okafor: Pool raised from 20 to 50 in #general config; error rate dropping"),
        ("12-09 16:45", "lee.p: All metrics back to normal :tada:"),
        ("12-10 09:15", "dana: Postmortem draft is up for review"),
    ]
    assert from_folder[0].url == "https://acme.slack.com/archives/C0INC4021C/p1765290790000400"
    assert from_folder[1].url.endswith("?thread_ts=1765290790.000400&cid=C0INC4021C")


def test_slack_all_messages_bots_and_joins_only_when_asked():
    folder = EXPORTS / "slack-export"
    every = read_events([folder], "slack", Options(channel="C0INC4021C", everything=True))
    assert len(every) == 7  # every person's message, no join, no pin notice, no bot
    texts = [e.text for e in read_events([folder], "slack", Options(
        channel="inc-4021-checkout", everything=True, bots=True, joins=True))]
    assert "PagerDuty: Triggered #4021: Checkout API returning 503s" in texts
    assert "dana: @dana has joined the channel" in texts
    eyes = read_events([folder], "slack", Options(channel="inc-4021-checkout", reactions=("eyes",)))
    assert [e.text[:10] for e in eyes] == ["dana: DB c", "Sam Okafor"]  # the eyes, and the pinned message


@pytest.mark.parametrize("damage, message", [
    ("no-users", "has no users.json"),
    ("truncated", "export the workspace again"),
    ("not-zip", "not a readable Slack export zip"),
    ("no-channel", "choose one with --channel (general, inc-4021-checkout)"),
    ("bad-day", "is not JSON"),
])
def test_a_broken_slack_export_is_one_clear_line(tmp_path, damage, message):
    folder = EXPORTS / "slack-export"
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*.json")):
            name = p.relative_to(folder).as_posix()
            if damage == "no-users" and name == "users.json":
                continue
            data = b"[{\"ts\": " if damage == "bad-day" and name.endswith("2025-12-10.json") else p.read_bytes()
            z.writestr(name, data)
    if damage == "truncated":
        archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    if damage == "not-zip":
        archive.write_bytes(b"this is not a zip at all")
    channel = None if damage == "no-channel" else "inc-4021-checkout"
    with pytest.raises(ReadError) as e:
        read_events([archive], "slack", Options(channel=channel))
    assert message in str(e.value) and str(archive) in str(e.value)


def test_a_hundred_thousand_messages_import_the_pinned_ones_or_refuse_all_of_them(tmp_path):
    folder = tmp_path / "export"
    (folder / "inc").mkdir(parents=True)
    (folder / "channels.json").write_text(json.dumps([{"id": "C1", "name": "inc"}]))
    (folder / "users.json").write_text(json.dumps([{"id": "U1", "name": "ops", "profile": {"real_name": "Ops"}}]))
    start = dt.datetime(2025, 12, 9, tzinfo=UTC).timestamp()
    messages = [{"type": "message", "user": "U1", "text": f"message {n}", "ts": f"{start + n * 0.5:.6f}"}
                for n in range(100_000)]
    for n in (10, 50_000, 99_999):
        messages[n]["pinned_to"] = ["C1"]
    (folder / "inc" / "2025-12-09.json").write_text(json.dumps(messages))
    assert [e.text for e in read_events([folder], "slack")] == ["Ops: message 10", "Ops: message 50000",
                                                                 "Ops: message 99999"]
    assert len(read_events([folder], "slack", Options(everything=True))) == 100_000


def test_csv_and_json_lines(tmp_path):
    oslo = ZoneInfo("Europe/Oslo")
    csv_events = read_events([EXPORTS / "csv" / "timeline.csv"], "csv", Options(tz=oslo))
    assert [(_at(e), e.text) for e in csv_events] == [
        ("14:02", "Checked the deploys of the last hour, none touched the pool (runbook)"),
        ("14:20", "Load test reproduced the exhaustion \\| 20 connections held for 10x longer"),
        ("15:00", "All metrics back to normal (Grafana)"),
    ]
    lines = read_events([EXPORTS / "csv" / "timeline.jsonl"], "csv")
    assert [(_at(e), e.id) for e in lines][1] == ("15:20", "load-test")
    with pytest.raises(ReadError, match=r"timeline.csv:2: `2025-12-09 15:02` has no time zone; .* or give --tz"):
        read_events([EXPORTS / "csv" / "timeline.csv"], "csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("time,event\n2025-12-09T14:00Z,ok\nyesterday,late\n")
    with pytest.raises(ReadError, match=r"bad.csv:3: `yesterday` is not a time"):
        read_events([bad], "csv")


@pytest.mark.parametrize("fmt, name, hint", [
    ("opsgenie", "pagerduty/notes.json", "it looks like PagerDuty: use --from pagerduty"),
    ("pagerduty", "opsgenie/logs.page1.json", "it looks like Opsgenie: use --from opsgenie"),
    ("pagerduty", "incidentio/incident_updates.json", "it looks like incident.io: use --from incidentio"),
    ("incidentio", "slack-export/inc-4021-checkout/2025-12-10.json", "it looks like Slack: use --from slack"),
])
def test_a_file_of_another_vendor_says_which_it_looks_like(fmt, name, hint):
    with pytest.raises(ReadError) as e:
        read_events([EXPORTS / name], fmt)
    assert hint in str(e.value) and name in str(e.value)


def test_hostile_files_are_one_clear_line(tmp_path):
    cases = {"empty.json": b"", "binary.json": b"\x00\xff\xfe garbage", "zip.json": b"PK\x03\x04rest",
             "deep.json": b"[" * 100_000, "half.json": b'{"log_entries": [{"id": "R1", "created_at": '}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ReadError) as e:
            read_events([tmp_path / name], "pagerduty")
        assert name in str(e.value), name
    (tmp_path / "nozone.json").write_text(json.dumps({"log_entries": [
        {"id": "R1", "type": "acknowledge_log_entry", "summary": "Acknowledged", "created_at": "2025-12-09 14:00"}]}))
    with pytest.raises(ReadError, match="has no time zone"):
        read_events([tmp_path / "nozone.json"], "pagerduty")


def test_load_takes_files_or_an_incident():
    events, incident = load("pagerduty", [str(p) for p in [EXPORTS / "pagerduty" / "incident.json", *PD]],
                            incident=True)
    assert incident.title == "Checkout API returning 503s" and incident.reference == "#4021"
    assert (incident.start.isoformat(), incident.end.isoformat()) == ("2025-12-09T14:30:12+00:00",
                                                                      "2025-12-09T16:45:00+00:00")
    assert len(events) == 8
    with pytest.raises(InputError, match="only pagerduty and incidentio record the incident itself"):
        load("slack", [str(EXPORTS / "slack-export")], options=Options(channel="general"), incident=True)
