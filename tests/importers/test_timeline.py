"""Imported events merged into a postmortem's Timeline: where they go, what a second import does, and
that nothing a person wrote is lost or changed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.errors import ConflictError, InputError, WriteError
from hindsight.importers import Event, clean
from hindsight.importers.timeline import import_into, plan
from hindsight.parse import parse

from ..conftest import ROOT
from .conftest import EXPORTS, PD, POSTMORTEM, hindsight, rows

PD_ARGS = ["import", "timeline", *PD, "--from", "pagerduty", "--into", POSTMORTEM]


def test_pagerduty_rows_land_in_order_among_the_rows_a_person_wrote(doc):
    before = doc.read_text()
    r = hindsight(*PD_ARGS)
    assert r.exit_code == 0, r.output
    assert "7 rows added; 0 rows updated; 0 unchanged" in r.output
    assert rows(doc) == [
        ("2025-12-09 14:30", "Error-rate alert fired for checkout-api"),
        ("2025-12-09 14:30", "Triggered through the API: checkout-api 5xx rate above 5% for 5 minutes "
                             "([PagerDuty](https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1TRIGGER0001))"),
        ("2025-12-09 14:32", "[ack] Acknowledged by Dana Reyes. "
                             "([PagerDuty](https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1ACK00003))"),
        ("2025-12-09 14:41", "Note by Dana Reyes: Database connections at 100%; checking the deploys of the last "
                             "hour. ([PagerDuty](https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1NOTE0004))"),
        ("2025-12-09 15:00", "Escalated to level 2 by Dana Reyes. "
                             "([PagerDuty](https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1ESC00005))"),
        ("2025-12-09 15:00", "Assigned to Sam Okafor by Dana Reyes. "
                             "([PagerDuty](https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1ASSIGN06))"),
        ("2025-12-09 15:15", "Identified: the connection pool was exhausted"),
        ("2025-12-09 15:35", "Note by Sam Okafor: Raised the pool from 20 to 50 connections; error rate dropping. "
                             "([PagerDuty](https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1NOTE0007))"),
        ("2025-12-09 16:45", "Resolved by Dana Reyes. "
                             "([PagerDuty](https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1RESOLVE8))"),
    ]
    after = doc.read_text()
    # Outside the Timeline table and the line that remembers what was imported, not a byte changed.
    table_end = after.index("\n\n<!-- hindsight-imported:")
    assert after[after.index("\n---\n\n## Root Cause"):] == before[before.index("\n---\n\n## Root Cause"):]
    assert after[:after.index("| 14:30 | Error-rate")] == before[:before.index("| 14:30 | Error-rate")]
    assert after[table_end:].startswith("\n\n<!-- hindsight-imported: pagerduty:R1ACK00003 ")
    assert hindsight("check", doc, "--today", "2025-12-10").exit_code == 0


def test_a_second_import_changes_nothing(doc):
    assert hindsight(*PD_ARGS).exit_code == 0
    first = doc.read_bytes()
    r = hindsight(*PD_ARGS)
    assert r.exit_code == 0 and "0 rows added; 0 rows updated; 7 unchanged" in r.output
    assert doc.read_bytes() == first


def test_a_row_a_person_edited_or_deleted_survives_a_new_import_and_a_changed_source_updates(doc, tmp_path):
    assert hindsight(*PD_ARGS).exit_code == 0
    text = doc.read_text()
    text = text.replace("Escalated to level 2 by Dana Reyes.", "Escalated to the database team (level 2).")
    text = "\n".join(ln for ln in text.split("\n") if not (ln.startswith("|") and "R1ASSIGN06" in ln))
    doc.write_text(text)
    # The source changed too: PagerDuty now words the resolve differently, and a new note came in.
    page2 = json.loads(PD[1].read_text())
    page2["log_entries"][-1]["summary"] = "Resolved by Dana Reyes via the API."
    page2["log_entries"].append({**page2["log_entries"][2], "id": "R1NOTE0009", "created_at": "2025-12-09T16:50:00Z",
                                 "channel": {"type": "note", "summary": "Postmortem owner: @dana"}})
    changed = tmp_path / "page2.json"
    changed.write_text(json.dumps(page2))
    r = hindsight("import", "timeline", PD[0], changed, "--from", "pagerduty", "--into", POSTMORTEM)
    assert r.exit_code == 0, r.output
    assert ("1 row added; 1 row updated; 4 unchanged; 1 row edited by hand, left as they are; "
            "1 row deleted by hand, not added again") in r.output
    events = [e for _, e in rows(doc)]
    assert any(e.startswith("Escalated to the database team (level 2).") for e in events)
    assert not any("Assigned to Sam Okafor" in e for e in events)
    assert any(e.startswith("Resolved by Dana Reyes via the API.") for e in events)
    assert events[-1].startswith("Note by Sam Okafor: Postmortem owner: @dana")


def test_times_are_written_in_the_documents_zone_and_read_back_at_the_same_instant(doc):
    text = doc.read_text().replace("| Time (UTC) | Event |", "| Time (Europe/Oslo) | Event |")
    text = text.replace("| 14:30 | Error", "| 15:30 | Error").replace("| 15:15 | Identified", "| 16:15 | Identified")
    doc.write_text(text.replace("(14:30 - 16:45 UTC)", "(15:30 - 17:45 Europe/Oslo)"))
    assert hindsight(*PD_ARGS).exit_code == 0
    text = doc.read_text()
    assert "| 15:32 | [ack] Acknowledged by Dana Reyes." in text  # 14:32 UTC is 15:32 in Oslo in December
    assert [t for t, _ in rows(doc)][:3] == ["2025-12-09 14:30", "2025-12-09 14:30", "2025-12-09 14:32"]


def test_events_on_other_days_are_written_with_their_day(doc):
    r = hindsight("import", "timeline", EXPORTS / "slack-export", "--from", "slack", "--channel", "inc-4021-checkout",
                  "--into", POSTMORTEM)
    assert r.exit_code == 0, r.output
    text = doc.read_text()
    assert "| 2025-12-10 09:15 | dana: Postmortem draft is up for review (Slack)" in text
    assert "| 2025-12-09 14:33 | dana: DB connections" in text
    # The rows a person wrote keep their own times.
    assert ("2025-12-09 15:15", "Identified: the connection pool was exhausted") in rows(doc)
    assert rows(doc)[-1][0] == "2025-12-10 09:15"


def test_a_table_with_a_source_column_gets_the_source_there(doc):
    old = "| Time (UTC) | Event |\n|------------|-------|\n| 14:30 | Error-rate alert fired for checkout-api |"
    new = ("| When (UTC) | Source | What happened |\n|---|---|---|\n"
           "| 14:30 | Datadog | Error-rate alert fired for checkout-api |")
    text = doc.read_text().replace(old, new)
    doc.write_text(text.replace("| 15:15 | Identified: the connection pool was exhausted |",
                                "| 15:15 | | Identified: the connection pool was exhausted |"))
    assert hindsight(*PD_ARGS).exit_code == 0
    assert ("| 14:32 | [PagerDuty](https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1ACK00003) | "
            "[ack] Acknowledged by Dana Reyes. <!-- hindsight-import pagerduty:R1ACK00003 ") in doc.read_text()
    assert hindsight("check", doc, "--today", "2025-12-10", "--select", "HS113").exit_code == 0
    assert hindsight(*PD_ARGS).output.count("7 unchanged") == 1


def test_the_templates_placeholder_rows_give_way_to_the_first_import(project):
    r = hindsight("new", "Checkout API returning 503s", "--date", "2025-12-09", "--start", "14:30", "--end", "16:45")
    path = project / r.output.strip()
    assert "[TODO: first signal" in path.read_text()
    assert hindsight("import", "timeline", *PD, "--from", "pagerduty", "--into", path).exit_code == 0
    assert "[TODO: first signal" not in path.read_text()
    assert len(rows(path)) == 7


def test_filters_choose_what_is_imported(doc):
    r = hindsight(*PD_ARGS, "--only", "ack,resolve,note", "--since", "2025-12-09T14:35:00Z", "--until", "2025-12-09")
    assert r.exit_code == 0, r.output
    assert [e.split(" (")[0] for _, e in rows(doc) if "PagerDuty" in e] == [
        "Note by Dana Reyes: Database connections at 100%; checking the deploys of the last hour.",
        "Note by Sam Okafor: Raised the pool from 20 to 50 connections; error rate dropping.",
        "Resolved by Dana Reyes."]
    bad = hindsight(*PD_ARGS, "--only", "acks")
    assert bad.exit_code == 2 and "--only `acks` is not a kind" in bad.output


def test_too_many_rows_are_refused_and_nothing_is_written(doc):
    before = doc.read_bytes()
    r = hindsight(*PD_ARGS, "--max-rows", "3")
    assert r.exit_code == 2
    assert "this would add 7 rows to the Timeline, more than 3; narrow it with --since" in r.output
    assert doc.read_bytes() == before


def test_dry_run_prints_the_diff_and_writes_nothing(doc):
    before = doc.read_bytes()
    r = hindsight(*PD_ARGS, "--dry-run")
    assert r.exit_code == 0
    assert "+| 14:32 | [ack] Acknowledged by Dana Reyes." in r.stdout
    assert "(dry run: nothing written)" in r.stderr
    assert doc.read_bytes() == before


def test_a_timeline_written_as_a_list_is_refused_with_what_to_do(doc):
    text = doc.read_text().replace("| Time (UTC) | Event |\n|------------|-------|\n| 14:30 | Error-rate alert fired "
                                   "for checkout-api |\n| 15:15 | Identified: the connection pool was exhausted |",
                                   "- 14:30 Error-rate alert fired\n- 15:15 Identified: the pool was exhausted")
    doc.write_text(text)
    r = hindsight(*PD_ARGS)
    assert r.exit_code == 2
    assert "is not a `| Time | Event |` table" in r.output and "hindsight convert" in r.output
    assert doc.read_text() == text


def test_an_empty_timeline_section_gets_a_table(doc):
    text = doc.read_text()
    start, end = text.index("| Time (UTC)"), text.index("\n\n---\n\n## Root Cause")
    doc.write_text(text[:start] + "All times are UTC." + text[end:])
    assert hindsight(*PD_ARGS).exit_code == 0
    table = "All times are UTC.\n\n| Time (UTC) | Event |\n|------------|-------|\n| 14:30 | Triggered"
    assert table in doc.read_text()
    assert len(rows(doc)) == 7


def test_a_file_changed_since_it_was_read_is_not_written(doc):
    from hindsight.edit import version

    seen = version(doc.read_bytes())
    doc.write_text(doc.read_text().replace("Identified:", "Found:"))
    with pytest.raises(ConflictError):
        import_into(doc, [Event(at=parse(doc.read_text()).timeline[0].at, text="x", source="csv", id="1")],
                    expected_version=seen)
    assert "Found:" in doc.read_text() and "hindsight-import" not in doc.read_text()


def test_line_endings_and_a_byte_order_mark_are_kept(doc):
    doc.write_bytes(b"\xef\xbb\xbf" + doc.read_text().replace("\n", "\r\n").encode())
    assert hindsight(*PD_ARGS).exit_code == 0
    data = doc.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    assert len(rows(doc)) == 9


def test_the_review_measures_acknowledgement_and_mitigation_from_an_imported_timeline(doc):
    def review():
        r = hindsight("review", "2025-12", "--today", "2026-01-05", "--format", "json")
        assert r.exit_code == 0, r.output
        got = json.loads(r.stdout)
        return got["time_to_acknowledge_minutes"], got["time_to_mitigate_minutes"]

    assert review() == ({"median": None, "measured": 0}, {"median": None, "measured": 0})
    assert hindsight(*PD_ARGS).exit_code == 0
    assert review() == ({"median": 2.0, "measured": 1}, {"median": 65.0, "measured": 1})


# -- hostile text ---------------------------------------------------------------------------------

_TEXT = st.lists(st.characters(codec="utf-8") | st.sampled_from(
    ["|", "\\", "\n", "\r\n", "\u2028", "\u0085", "\x00", "<!--", "-->", "<script>", "`", "**", "[TODO: x]",
     "\ud800", "hindsight-import csv:1 00000000", "| 14:30 | ", "<!-- hindsight-imported: csv:row-0 -->"]),
    min_size=1, max_size=30).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_TEXT, min_size=1, max_size=4), minutes=st.lists(st.integers(0, 300), min_size=4, max_size=4))
def test_any_text_from_a_source_becomes_one_row_each_and_touches_nothing_else(doc, texts, minutes):
    original = (EXPORTS / f"{POSTMORTEM}.md").read_text()
    base = parse(original).timeline[0].at
    events = [Event(at=base.replace(hour=12) + dt.timedelta(minutes=m), text=clean(t), source="csv", id=f"row-{i}")
              for i, (t, m) in enumerate(zip(texts, minutes)) if clean(t)]
    merge = plan(original, events, shown="x.md")
    after = parse(merge.text)
    imported = [e for e in after.timeline if e.event.endswith("(CSV)")]
    assert len(imported) == len(events)
    assert sorted(e.at for e in imported) == sorted(e.at.replace(second=0) for e in events)
    assert len(after.timeline) == len(events) + 2
    # Everything before the table's rows and after the table is as it was.
    head = original[:original.index("| 14:30 | Error-rate")]
    tail = original[original.index("\n\n---\n\n## Root Cause"):]
    assert merge.text.startswith(head) and merge.text.endswith(tail)
    assert plan(merge.text, events, shown="x.md").text == merge.text


def test_a_link_that_could_break_the_row_or_run_script_is_left_out():
    original = (EXPORTS / f"{POSTMORTEM}.md").read_text()
    at = parse(original).timeline[0].at
    events = [Event(at=at, text="one", source="pagerduty", id="1", url="javascript:alert(1)"),
              Event(at=at, text="two", source="pagerduty", id="2", url="https://x.example/a|b"),
              Event(at=at, text="three", source="pagerduty", id="3", url="https://x.example/a)b"),
              Event(at=at, text="four", source="pagerduty", id="4", url="https://x.example/ok?a=1&b=2")]
    text = plan(original, events, shown="x.md").text
    assert [e.event for e in parse(text).timeline if e.event[0].islower()] == [
        "one (PagerDuty)", "two (PagerDuty)", "three (PagerDuty)", "four ([PagerDuty](https://x.example/ok?a=1&b=2))"]


@pytest.mark.parametrize("source, fmt, message", [
    ("truncated.zip", "slack", "truncated.zip: cannot read channels.json in the export: the zip is damaged or cut "
                               "short; export the workspace again"),
    ("notes.json", "opsgenie", "notes.json: this is not an Opsgenie response (it holds `notes`); it looks like "
                               "PagerDuty: use --from pagerduty"),
    ("timeline.csv", "csv", "timeline.csv:2: `2025-12-09 15:02` has no time zone; add one (`Z`, `+02:00`) or give "
                            "--tz"),
])
def test_a_bad_source_is_one_line_naming_it_and_nothing_is_written(doc, tmp_path, source, fmt, message):
    import zipfile

    path = {"notes.json": PD[2], "timeline.csv": EXPORTS / "csv" / "timeline.csv"}.get(source, tmp_path / source)
    if source == "truncated.zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted((EXPORTS / "slack-export").rglob("*.json")):
                z.write(p, p.relative_to(EXPORTS / "slack-export").as_posix())
        data = path.read_bytes()
        path.write_bytes(data[:data.index(b"inc-4021-checkout/2025-12-09.json") + 200] + data[-400:])
    before = doc.read_bytes()
    r = hindsight("import", "timeline", path, "--from", fmt, "--channel", "inc-4021-checkout", "--into", POSTMORTEM)
    assert r.exit_code == 2
    assert r.output.count("\n") == 1 and message in r.output, r.output
    assert doc.read_bytes() == before


def test_on_every_real_postmortem_an_import_lands_or_says_what_to_do(real_corpus):
    """The 100 real postmortems: where the timeline is a table, an event lands at its time with every other
    line as it was; where it is not, the answer says what to do. Nothing else ever happens."""
    from hindsight.parse.scan import scan

    landed = refused = 0
    for path in sorted([*real_corpus.glob("*.md"), *(ROOT / "tests" / "corpus" / "real").glob("*.md")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        timed = [e.at for e in parse(text).timeline if e.at is not None]
        at = (timed[len(timed) // 2] if timed else dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)) + dt.timedelta(
            minutes=1)
        try:
            merge = plan(text, [Event(at=at, text="Imported by the test", source="csv", id="t1")], shown=path.name)
        except InputError as e:
            assert "Timeline" in str(e) and ("add `## Timeline`" in str(e) or "hindsight convert" in str(e)), path
            refused += 1
            continue
        landed += 1
        after = parse(merge.text).timeline
        assert [e.at for e in after if e.event.startswith("Imported by the test")] == [at.replace(second=0)], path
        # Every line of the original is still there, in order: the import only added lines.
        old, new = [ln.text for ln in scan(text).lines], [ln.text for ln in scan(merge.text).lines]
        it = iter(new)
        assert all(any(line == n for n in it) for line in old), path
    assert landed >= 25 and landed + refused >= 100


def test_an_event_of_an_earlier_day_that_would_move_a_persons_row_says_which_row(doc):
    # The pager fired the afternoon before; the rows a person wrote carry no day of their own, so after a row
    # of the 8th, `14:30` would be read on the 8th.
    text = doc.read_text()
    early = [Event(at=dt.datetime(2025, 12, 8, 16, 0, tzinfo=dt.UTC), text="Paged", source="csv", id="p")]
    with pytest.raises(WriteError) as e:
        import_into(doc, early)
    assert "line 33 (`14:30`) would be read as 2025-12-08 14:30 instead of 2025-12-09 14:30" in str(e.value)
    assert "write its day on it (YYYY-MM-DD HH:MM), then import again" in str(e.value)
    assert doc.read_text() == text
    doc.write_text(text.replace("| 14:30 | Error-rate", "| 2025-12-09 14:30 | Error-rate"))
    assert len(import_into(doc, early).added) == 1
    assert rows(doc)[0] == ("2025-12-08 16:00", "Paged (CSV)")
