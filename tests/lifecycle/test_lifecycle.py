"""The postmortem lifecycle: status transitions, deadlines, the incident register and the review meeting."""

from __future__ import annotations

import datetime as dt
import json

from icalendar import Calendar

from .conftest import cli

SEARCH = "2026-02-03-search-latency-during-index-rebuild.md"




def status_json(*args):
    r = cli("status", "--format", "json", *args)
    return {(a["path"] or a["title"]).split("/")[-1]: a for a in json.loads(r.stdout)}, r


def test_status_names_phases_deadlines_and_lateness(repo):
    got, r = status_json("--today", "2026-02-12")
    search = got[SEARCH]  # In Review since 2026-02-09; published within a week of 2026-02-03
    assert (search["phase"], search["next_step"], search["due"], search["state"], search["days_late"]) == \
        ("In Review", "publish and share", "2026-02-10", "late", 2)
    login = got["2026-04-22-login-errors-after-config-push.md"]  # a draft, for an incident still to come
    assert login["phase"] == "Draft" and login["state"] == "on track" and login["due"] == "2026-04-27"
    assert got["2025-12-09-database-connection-pool-exhaustion.md"]["state"] == "done"
    checkout = got["2026-01-14-checkout-outage-after-certificate-expiry.md"]
    assert checkout["phase"] == "Published" and checkout["next_step"] == "close 2 open action items"
    assert checkout["due"] == "2026-01-28" and checkout["state"] == "late"
    text = cli("status", "--today", "2026-02-12").stdout
    assert text.index("Late") < text.index("On track") < text.index("Done")
    assert cli("status", "--today", "2026-02-12", "--fail-on-late").exit_code == 1
    assert cli("status", "--today", "2026-02-12").exit_code == 0


def test_due_soon_and_business_days(repo):
    got, _ = status_json("--today", "2026-04-25")
    assert got["2026-04-22-login-errors-after-config-push.md"]["state"] == "due soon"
    (repo / "hindsight.toml").write_text("business_days = true\n", encoding="utf-8")
    got, _ = status_json("--today", "2026-04-25")
    # 5 working days after Wednesday 2026-04-22 is Wednesday 2026-04-29.
    assert got["2026-04-22-login-errors-after-config-push.md"]["due"] == "2026-04-29"


def test_register_reports_required_postmortems_never_written(repo):
    r = cli("register", "add", "--date", "2026-01-30", "--title", "Payments API outage", "--severity", "P0",
            "--resolved-at", "2026-01-30T18:00")
    assert r.exit_code == 0, r.output
    cli("register", "add", "--date", "2026-02-02", "--title", "Slow search", "--severity", "P3")
    cli("register", "add", "--date", "2026-01-14", "--title", "Checkout outage after certificate expiry",
        "--severity", "P0")
    reg = (repo / "docs" / "incidents" / "register.csv").read_text(encoding="utf-8").splitlines()
    assert reg[0] == "id,date,title,severity,resolved_at,postmortem" and len(reg) == 4
    got, _ = status_json("--today", "2026-02-05")
    missing = [a for a in got.values() if a["phase"] == "Missing"]
    assert len(missing) == 1  # P3 needs none; the checkout incident has its postmortem
    assert missing[0]["title"] == "Payments API outage" and missing[0]["severity"] == "P0"
    assert missing[0]["due"] == "2026-02-01" and missing[0]["state"] == "late"  # 48 h after resolution
    assert cli("status", "--today", "2026-02-05", "--fail-on-late").exit_code == 1
    got, _ = status_json("--today", "2026-01-31")
    assert [a["state"] for a in got.values() if a["phase"] == "Missing"] == ["due soon"]


def test_register_rows_with_bad_input_fail_clearly(repo):
    path = repo / "docs" / "incidents" / "register.csv"
    path.write_text("id,date,title,severity,resolved_at,postmortem\nA,2026-01-30,Outage,P0,,\n"
                    "B,2026-13-01,Other,P1,,\n", encoding="utf-8")
    r = cli("status")
    assert r.exit_code == 2
    assert "register.csv:3: `2026-13-01` in column date is not a date" in r.stderr
    before = path.read_bytes()
    r = cli("register", "add", "--date", "2026-01-31", "--title", "X", "--severity", "P9")
    assert r.exit_code == 2 and path.read_bytes() == before


def test_status_set_records_transitions_in_front_matter(repo):
    path = repo / "docs" / "incidents" / SEARCH
    before = path.read_text(encoding="utf-8")
    r = cli("status", "set", str(path), "published", "--today", "2026-02-11")
    assert r.exit_code == 0, r.output
    after = path.read_text(encoding="utf-8")
    assert "**Status:** Published" in after and "published: 2026-02-11\n---" in after
    old_lines, new_lines = before.splitlines(), after.splitlines()
    assert len(new_lines) == len(old_lines) + 1
    assert [ln for ln in new_lines if ln not in old_lines] == ["published: 2026-02-11", "**Status:** Published"]
    assert cli("status", "set", str(path), "Shipped").exit_code == 2


def test_status_set_creates_front_matter_and_leaves_the_body(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "2025-12-09-x.md"
    body = "# Incident: X\r\n\r\n**Date:** 2025-12-09\r\n**Status:** Draft\r\n\r\n## Summary\r\n\r\nText.\r\n"
    path.write_bytes(body.encode())
    assert cli("status", "set", str(path), "In Review", "--today", "2025-12-12").exit_code == 0
    data = path.read_bytes().decode()
    assert data == "---\r\nreviewed: 2025-12-12\r\n---\r\n" + body.replace("Draft", "In Review")  # CRLF kept
    toml = tmp_path / "2025-12-10-y.md"
    toml.write_text('+++\ntitle = "Y"\n+++\n# Incident: Y\n\n**Status:** Draft\n', encoding="utf-8")
    assert cli("status", "set", str(toml), "complete", "--today", "2025-12-20").exit_code == 2  # skips two steps
    assert cli("status", "set", str(toml), "complete", "--today", "2025-12-20", "--force").exit_code == 0
    assert toml.read_text(encoding="utf-8").startswith('+++\ntitle = "Y"\ncompleted = 2025-12-20\n+++\n')


def test_agenda_fills_the_standards_time_boxes(repo):
    r = cli("agenda", f"docs/incidents/{'2026-01-14-checkout-outage-after-certificate-expiry.md'}")
    assert r.exit_code == 0
    out = r.stdout
    for box in ("1. Review timeline (5 min)", "2. Discuss what happened (facts, not opinions) (15 min)",
                "3. Identify contributing factors (15 min)", "4. Agree on action items (10 min)",
                "5. Assign owners and due dates (5 min)"):
        assert box in out
    assert "- 23:40 — Payments gateway certificate expires" in out
    assert "**Silent renewal failures**" in out
    assert "Write the manual certificate renewal runbook" in out  # open item
    assert "Incident commander: @mhernandez" in out and "Leadership (P0)" in out
    assert "60 minutes" in out


def test_agenda_invite_is_inside_the_window_on_a_working_day(repo, tmp_path):
    ics = tmp_path / "review.ics"
    r = cli("agenda", f"docs/incidents/{SEARCH}", "--ics", str(ics), "--attendee", "sre@example.com",
            "--attendee", "search@example.com", "--today", "2026-02-03")
    assert r.exit_code == 0, r.output
    cal = Calendar.from_ical(ics.read_bytes())
    event = next(c for c in cal.walk() if c.name == "VEVENT")
    start = event.decoded("dtstart")
    assert dt.date(2026, 2, 6) <= start.date() <= dt.date(2026, 2, 8) and start.weekday() < 5
    assert (event.decoded("dtend") - start) == dt.timedelta(minutes=30)
    assert "Review timeline" in str(event.get("description"))
    assert sorted(str(a) for a in event.get("attendee")) == ["mailto:search@example.com", "mailto:sre@example.com"]
    # Late: the window has passed, so the next working day, with a warning.
    r = cli("agenda", f"docs/incidents/{SEARCH}", "--ics", str(ics), "--today", "2026-02-14")
    assert "window has passed" in r.stderr
    start = next(c for c in Calendar.from_ical(ics.read_bytes()).walk() if c.name == "VEVENT").decoded("dtstart")
    assert start.date() == dt.date(2026, 2, 16)
