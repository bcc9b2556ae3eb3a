"""The standard's own example (section 2) read exactly as the standard means it."""

import datetime as dt

from hindsight import read

from ..conftest import STANDARD_EXAMPLE, shared_dir

UTC = dt.timezone.utc


def test_fixture_is_the_standards_template_verbatim():
    shared = shared_dir()
    if shared is None:
        return
    text = (shared / "standard" / "postmortem-standard.md").read_text(encoding="utf-8")
    start = text.index("```markdown\n") + len("```markdown\n")
    end = text.index("\n```\n", start)
    assert STANDARD_EXAMPLE.read_text(encoding="utf-8") == text[start:end + 1]


def test_metadata():
    pm = read(STANDARD_EXAMPLE)
    assert pm.date == dt.date(2025, 12, 9)
    assert pm.severity == "P1"
    assert pm.author == "@incident-commander"
    assert pm.status == "Complete"
    assert pm.start == dt.datetime(2025, 12, 9, 14, 30, tzinfo=UTC)
    assert pm.end == dt.datetime(2025, 12, 9, 16, 45, tzinfo=UTC)
    assert pm.duration_minutes == 135
    assert pm.title == "[Brief Title]"
    assert pm.summary.startswith("On December 9, 2025, users experienced intermittent 503 errors for approximately")
    assert "One paragraph executive summary" not in pm.summary


def test_timeline_in_order():
    pm = read(STANDARD_EXAMPLE)
    assert len(pm.timeline) == 11
    ats = [e.at for e in pm.timeline]
    assert ats == sorted(ats)
    assert pm.timeline[0].at == dt.datetime(2025, 12, 9, 14, 30, tzinfo=UTC)
    assert pm.timeline[0].event == "PagerDuty alert: Error rate > 5%"
    assert pm.timeline[-1].at == dt.datetime(2025, 12, 9, 16, 45, tzinfo=UTC)
    assert pm.timeline[-1].event == "Incident declared resolved"
    assert pm.timeline[7].event == "Increased pool size from 20 → 50"


def test_root_cause():
    rc = read(STANDARD_EXAMPLE).root_cause
    assert rc.what_happened.startswith("The v2.3.1 release included a new ORM query")
    assert [f.title for f in rc.contributing_factors] == [
        "Query Pattern Change", "Insufficient Pool Size", "Missing Monitoring", "Load Spike"]
    assert rc.contributing_factors[0].description == "New eager loading pattern kept connections open longer"
    assert len(rc.five_whys) == 5
    assert all(w.answer for w in rc.five_whys)
    assert rc.five_whys[0].question == "Why did users see 503 errors?"
    assert rc.five_whys[4].answer == "No automated data sampling from production"


def test_action_items():
    items = read(STANDARD_EXAMPLE).action_items
    assert len(items) == 5
    assert [a.status for a in items].count("TODO") == 4
    assert [a.status for a in items].count("DONE") == 1
    assert items[4].action == "Increase default pool size" and items[4].status == "DONE"
    assert [a.owner for a in items] == ["@sre-team", "@sre-team", "@platform", "@backend", "@platform"]
    assert [a.due for a in items] == [dt.date(2025, 12, 16), dt.date(2025, 12, 20), dt.date(2025, 12, 30),
                                      dt.date(2026, 1, 10), dt.date(2025, 12, 12)]
    assert all(a.ticket is None for a in items)
    assert items[0].id == "standard-example#add-connection-wait-time-alert"


def test_impact_lessons_appendix():
    pm = read(STANDARD_EXAMPLE)
    by_key = {m.key: m for m in pm.impact}
    assert by_key["duration"].quantity == 135
    assert by_key["users_affected"].quantity == 12000
    assert by_key["requests_failed"].quantity == 45000
    assert by_key["revenue_impact"].quantity == 8000 and by_key["revenue_impact"].unit == "USD"
    assert pm.sla is not None and (pm.sla.status, pm.sla.target, pm.sla.actual) == ("Breached", 99.9, 99.2)
    assert len(pm.went_well) == 4 and len(pm.could_improve) == 4
    assert [n.text for n in pm.lessons][0] == "Connection pool sizing needs to account for query patterns"
    assert len(pm.lessons) == 3
    assert [link.url for link in pm.appendix] == [
        "https://grafana.example.com/d/incident-2025-12-09",
        "https://slack.com/archives/incidents/p1234567890",
        "https://github.com/org/repo/pull/1234",
    ]


def test_every_element_carries_its_lines():
    pm = read(STANDARD_EXAMPLE)
    lines = STANDARD_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for e in pm.timeline:
        assert e.time_text in lines[e.line - 1] and e.event in lines[e.line - 1]
    for a in pm.action_items:
        assert a.action in lines[a.line - 1]
    for w in pm.root_cause.five_whys:
        assert "Why" in lines[w.line - 1] and w.answer in lines[w.end_line - 1]
    assert lines[pm.spans["title"].line - 1] == "# Incident: [Brief Title]"
    assert lines[pm.spans["timeline"].line - 1] == "## Timeline"
