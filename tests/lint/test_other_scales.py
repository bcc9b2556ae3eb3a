"""What real documents write that the standard does not: other severity scales, statuses outside the
four, incidents that span days, times nobody can place. Each is reported with the right rule, a fix
only where the meaning is certain, and never as a false error."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hindsight.cli import main

from .test_check_cli import CLEAN


def write(repo, text: str, name: str = "2025-12-09-incident.md"):
    path = repo / "docs" / "incidents" / name
    path.write_text(text, encoding="utf-8")
    return path


def findings(*args) -> list[dict]:
    r = CliRunner().invoke(main, ["check", "--format", "json", "--no-cache", "--today", "2025-12-11", *args])
    return json.loads(r.output)


def clean_with(old: str, new: str) -> str:
    text = CLEAN.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_a_multi_day_incident_is_not_a_duration_mismatch(repo):
    text = clean_with("**Duration:** 2 hours 15 minutes (14:30 - 16:45 UTC)",
                      "**Duration:** 26 hours 15 minutes (2025-12-09 14:30 - 2025-12-10 16:45 UTC)")
    text = text.replace("| 16:45 | Incident declared resolved |", "| 2025-12-10 16:45 | Incident declared resolved |")
    text = text.replace("| Duration | 2h 15m |", "| Duration | 26h 15m |")
    write(repo, text)
    got = findings()
    assert not [f for f in got if f["name"] == "duration-mismatch"], got
    # …while a wrong length over the same two days still is one.
    write(repo, text.replace("26 hours 15 minutes (", "3 hours (", 1))
    mismatch = [f for f in findings() if f["name"] == "duration-mismatch"]
    assert mismatch and "1575 min" in mismatch[0]["message"]


@pytest.mark.parametrize("written", ["SEV1", "Sev-1", "sev 1", "Critical"])
def test_another_severity_scale_is_reported_with_the_mapped_level(repo, written):
    path = write(repo, clean_with("**Severity:** P1", f"**Severity:** {written}"))
    [f] = [f for f in findings() if f["name"] == "invalid-severity"]
    assert f"`{written}`" in f["message"] and "P0" in f["message"] and f["fixable"]
    # The default map is a guess about someone else's scale: its fix needs --unsafe-fixes.
    CliRunner().invoke(main, ["check", "--fix", "--no-cache", "--today", "2025-12-11"])
    assert f"**Severity:** {written}" in path.read_text(encoding="utf-8")  # not applied without --unsafe-fixes
    CliRunner().invoke(main, ["check", "--fix", "--unsafe-fixes", "--no-cache", "--today", "2025-12-11"])
    assert "**Severity:** P0\n" in path.read_text(encoding="utf-8")


def test_a_configured_severity_map_gives_a_safe_fix(repo):
    (repo / "hindsight.toml").write_text('[severity_map]\nSEV1 = "P1"\nSEV2 = "P2"\n', encoding="utf-8")
    path = write(repo, clean_with("**Severity:** P1", "**Severity:** SEV2"))
    [f] = [f for f in findings() if f["name"] == "invalid-severity"]
    assert "your `severity_map` reads it as P2" in f["message"] and f["fixable"]
    CliRunner().invoke(main, ["check", "--fix", "--no-cache", "--today", "2025-12-11"])
    assert "**Severity:** P2\n" in path.read_text(encoding="utf-8")
    # A level the map does not know is reported without a fix.
    write(repo, clean_with("**Severity:** P1", "**Severity:** Catastrophic"))
    [f] = [f for f in findings() if f["name"] == "invalid-severity"]
    assert not f["fixable"] and "`Catastrophic`" in f["message"]


def test_statuses_outside_the_four_are_invalid_and_fixed_only_when_their_meaning_is_clear(repo):
    text = clean_with("| 🔄 IN PROGRESS |", "| BLOCKED |")
    text = text.replace("| 🔲 TODO | PLAT-456 |", "| PENDING | PLAT-456 |")
    text = text.replace("| ✅ DONE | SRE-123 |", "| Completed | SRE-123 |")
    write(repo, text)
    got = findings()
    invalid = {f["message"].split("`")[1]: f for f in got if f["name"] == "action-item-invalid-status"}
    assert set(invalid) == {"BLOCKED", "PENDING"}
    assert not any(f["fixable"] for f in invalid.values())
    assert "IN PROGRESS" in invalid["BLOCKED"]["message"] and "TODO" in invalid["PENDING"]["message"]
    [spelling] = [f for f in got if f["name"] == "action-item-status-spelling"]
    assert "`Completed`" in spelling["message"] and spelling["fixable"]


def test_a_time_nobody_can_place_is_named_in_the_finding(repo):
    text = clean_with("| 15:00 | Escalation to database team |", "| around lunch | Escalation to database team |")
    write(repo, text)
    [f] = [f for f in findings() if f["name"] == "timeline-unparseable-time"]
    assert "`around lunch`" in f["message"]
    clean = CLEAN.read_text(encoding="utf-8")
    bullets = clean.split("## Timeline")[0] + (
        "## Timeline\n\n- 14:30 PagerDuty alert\n- around lunch: escalation to the database team\n"
        "- 16:45 Incident declared resolved\n\n## Root Cause" + clean.split("## Root Cause", 1)[1])
    write(repo, bullets)
    [f] = [f for f in findings() if f["name"] == "timeline-unparseable-time"]
    assert "`around lunch`" in f["message"]
