"""One fixture per rule, with the findings it must produce written inline.

A line ending in `<!-- expect: NAME -->` must have a finding of rule NAME, and
`<!-- expect-file: NAME -->` one at line 1; every other finding is a failure,
so each fixture also shows what the rules must *not* report.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from hindsight.config import Config
from hindsight.lint import all_rules, check_text, make_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2025, 12, 11)  # after the draft, before the action items fall due


def _settings():
    return make_settings(Config(root=FIXTURES, values={"incidents_dir": "."}), today=TODAY)


def expected(text: str) -> set[tuple[int, str]]:
    out = set()
    for no, line in enumerate(text.splitlines(), start=1):
        for m in re.finditer(r"<!-- expect(-file)?: ([^>]*?) -->", line):
            for name in m.group(2).split(","):
                out.add((1 if m.group(1) else no, name.strip()))
    return out


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_fixture(path):
    text = path.read_text(encoding="utf-8")
    got = {(f.line, f.name) for f in check_text(text, str(path), _settings())}
    assert got == expected(text)


def test_every_rule_has_a_fixture_that_triggers_it():
    triggered = set()
    for path in FIXTURES.glob("*.md"):
        triggered |= {name for _, name in expected(path.read_text(encoding="utf-8"))}
    assert {r.name for r in all_rules()} <= triggered


def test_the_standards_own_example_has_only_its_real_findings(tmp_path):
    from ..conftest import STANDARD_EXAMPLE

    path = tmp_path / "docs" / "incidents" / "2025-12-09-incident-brief-title.md"
    path.parent.mkdir(parents=True)
    path.write_text(STANDARD_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    settings = make_settings(Config(root=tmp_path), today=dt.date(2026, 2, 1))
    findings = check_text(path.read_text(encoding="utf-8"), str(path), settings)
    errors = [(f.line, f.name) for f in findings if f.severity == "error"]
    assert errors == [(1, "placeholder-text"), (13, "placeholder-text")]
    warnings = sorted({f.name for f in findings if f.severity == "warning"})
    assert warnings == ["action-item-no-ticket", "action-item-overdue"]
    assert sum(f.name == "action-item-no-ticket" for f in findings) == 5
    # Overdue only with a late enough date: nothing is due before 2025-12-12.
    early = make_settings(Config(root=tmp_path), today=dt.date(2025, 12, 10))
    assert not [f for f in check_text(path.read_text(encoding="utf-8"), str(path), early)
                if f.name == "action-item-overdue"]


def test_the_configured_draft_deadline_is_the_one_postmortem_overdue_reports():
    # Drafted 2025-12-20 after a P1 on 2025-12-09: late by the standard's week, on time by a 14-day policy.
    text = (FIXTURES / "2025-12-09-postmortem-overdue.md").read_text(encoding="utf-8")
    path = str(FIXTURES / "2025-12-09-postmortem-overdue.md")

    def overdue(policy=None):
        values = {"incidents_dir": "."} | ({"policy": policy} if policy else {})
        settings = make_settings(Config(root=FIXTURES, values=values), today=TODAY)
        return [f.message for f in check_text(text, path, settings) if f.name == "postmortem-overdue"]

    assert overdue() == ["a P1 postmortem is due within 168 hours of the incident; this one was drafted 10.3 days "
                         "after it (2025-12-20)"]
    assert overdue({"P1": {"required": True, "draft_hours": 14 * 24}}) == []
    assert overdue({"P1": {"required": True, "draft_hours": 24}})[0].startswith(
        "a P1 postmortem is due within 24 hours")
    assert overdue({"P1": {"required": False}}) == []  # no draft deadline: not judged


def test_a_placeholder_is_reported_once_whatever_its_case(tmp_path):
    from ..conftest import STANDARD_EXAMPLE

    text = STANDARD_EXAMPLE.read_text(encoding="utf-8")
    start = text.index("## Lessons Learned")
    end = text.index("---", start)
    text = text[:start] + "## Lessons Learned\n\n[todo: what did we learn?]\n\n" + text[end:]
    findings = check_text(text, str(tmp_path / "x.md"), _settings())
    line = text[:text.index("[todo:")].count("\n") + 1
    assert [(f.line, f.name) for f in findings if f.line == line or f.name == "no-lessons-learned"] == [
        (line, "placeholder-text")]
