"""`hindsight new --from`: a postmortem scaffolded from the pager's or incident tool's incident."""

from __future__ import annotations

import datetime as dt
import json

from hindsight.parse import read

from .conftest import EXPORTS, PD, hindsight

INCIDENTIO = [EXPORTS / "incidentio" / n for n in ("incident.json", "incident_updates.json",
                                                   "incident_updates.page2.json", "incident_timeline_items.json")]


def _findings_off_placeholders(path):
    r = hindsight("check", path, "--today", "2025-12-10", "--format", "json")
    findings = json.loads(r.stdout)
    lines = path.read_text().split("\n")
    return [f for f in findings if "[TODO" not in lines[f["line"] - 1]]


def test_a_pagerduty_incident_becomes_a_postmortem_that_passes_check_but_for_its_placeholders(project):
    r = hindsight("new", "--from", "pagerduty", EXPORTS / "pagerduty" / "incident.json", *PD)
    assert r.exit_code == 0, r.output
    path = project / r.stdout.strip()
    assert path == project / "docs" / "incidents" / "2025-12-09-checkout-api-returning-503s.md"
    pm = read(path)
    assert (pm.title, pm.date.isoformat(), pm.severity) == ("Checkout API returning 503s", "2025-12-09", "P0")
    # The incident lasted from 14:30:12 to 16:45:00: 135 minutes as the document's minutes count it.
    assert (pm.start.isoformat(), pm.end.isoformat(), pm.duration_minutes) == (
        "2025-12-09T14:30:00+00:00", "2025-12-09T16:45:00+00:00", 135)
    assert [e.event.split(" (")[0] for e in pm.timeline][:2] == [
        "Triggered through the API: checkout-api 5xx rate above 5% for 5 minutes", "[ack] Acknowledged by Dana Reyes."]
    assert len(pm.timeline) == 7
    assert [(link.text, link.url) for link in pm.appendix] == [
        ("PagerDuty incident #4021", "https://acme.pagerduty.com/incidents/Q1CHK503XYZ")]
    assert _findings_off_placeholders(path) == []
    assert "[TODO:" in path.read_text()  # what the pager cannot know is left for a person


def test_the_severity_mapping_is_configuration(project):
    (project / "hindsight.toml").write_text('[import_severity.incidentio]\nMajor = "P0"\n')
    r = hindsight("new", "--from", "pagerduty", EXPORTS / "pagerduty" / "incident.json", *PD)
    assert read(project / r.stdout.strip()).severity == "P0"  # PagerDuty keeps its default mapping
    (project / r.stdout.strip()).unlink()
    (project / "hindsight.toml").write_text('[import_severity.pagerduty]\nP1 = "P1"\n')
    r = hindsight("new", "--from", "pagerduty", EXPORTS / "pagerduty" / "incident.json", *PD)
    assert read(project / r.stdout.strip()).severity == "P1"
    incident = json.loads((EXPORTS / "pagerduty" / "incident.json").read_text())
    incident["incident"]["priority"]["summary"] = "P9"
    other = project / "p9.json"
    other.write_text(json.dumps(incident))
    r = hindsight("new", "--from", "pagerduty", other, "--title", "Another outage")
    assert r.exit_code == 0, r.output
    assert "severity `P9` stands for no level in `import_severity` or `severity_map`" in r.stderr
    assert read(project / r.stdout.strip()).severity is None


def test_an_incidentio_incident_takes_its_impact_window_and_severity(project):
    r = hindsight("new", "--from", "incidentio", *INCIDENTIO, "--tz", "Europe/Oslo", "--author", "@dana")
    assert r.exit_code == 0, r.output
    path = project / r.stdout.strip()
    pm = read(path)
    assert pm.severity == "P1"  # Major, by severity_map
    assert pm.author == "@dana"
    assert (pm.start.astimezone(dt.UTC).isoformat(), pm.end.astimezone(dt.UTC).isoformat()) == (
        "2025-12-09T14:28:00+00:00", "2025-12-09T16:45:00+00:00")
    assert "**Duration:** 2 hours 17 minutes (15:28 - 17:45 Europe/Oslo)" in path.read_text()
    assert "| 15:33 | [ack] Accepted ([incident.io](https://app.incident.io/acme/incidents/42))" in path.read_text()
    assert _findings_off_placeholders(path) == []


def test_an_open_incident_leaves_its_end_to_a_person(project):
    incident = json.loads((EXPORTS / "pagerduty" / "incident.json").read_text())
    incident["incident"].update(status="acknowledged", resolved_at=None)
    (project / "open.json").write_text(json.dumps(incident))
    r = hindsight("new", "--from", "pagerduty", project / "open.json")
    assert r.exit_code == 0, r.output
    assert "the incident is not resolved" in r.stderr
    text = (project / r.stdout.strip()).read_text()
    assert "**Duration:** [TODO: duration] (from 14:30 UTC)" in text


def test_what_cannot_scaffold_says_what_to_do(project):
    r = hindsight("new", "--from", "pagerduty", *PD)
    assert r.exit_code == 2 and "holds no PagerDuty incident; save the GET /incidents/{id} response" in r.output
    r = hindsight("new", "Title", "--from", "pagerduty", EXPORTS / "pagerduty" / "incident.json", "--date",
                  "2025-12-09")
    assert r.exit_code == 2 and "--date, --start and --end come from the incident" in r.output
    assert not list((project / "docs" / "incidents").glob("2025-12-09-checkout-api-returning*"))


def test_scaffolding_twice_never_overwrites(project):
    args = ["new", "--from", "pagerduty", EXPORTS / "pagerduty" / "incident.json", *PD]
    first = hindsight(*args)
    text = (project / first.stdout.strip()).read_text()
    again = hindsight(*args)
    assert again.exit_code == 2 and "already exists" in again.output
    assert (project / first.stdout.strip()).read_text() == text
