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
