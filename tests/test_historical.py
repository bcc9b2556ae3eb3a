"""Adopting Hindsight on years of old postmortems: the past marked historical is not late and nothing of
it is overdue, yet it counts in themes, repeats, search and the review of its own month."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from hindsight.cli import main

TODAY = "2026-06-30"


@pytest.fixture
def history(tmp_path, monkeypatch, real_corpus):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    folder = tmp_path / "docs" / "incidents"
    folder.mkdir(parents=True)
    for p in sorted(real_corpus.glob("[0-9]*.md")):
        shutil.copyfile(p, folder / p.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    r = CliRunner().invoke(main, [*args, "--today", TODAY])
    return r


def status(*args):
    r = run("status", "--format", "json", *args)
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


def test_the_past_marked_historical_is_not_late_and_nothing_of_it_is_overdue(history):
    before = status()
    assert sum(a["state"] == "late" for a in before) > 20  # day one without it: a wall of red
    overdue_before = json.loads(run("actions", "--overdue", "--format", "json").stdout)
    (history / "hindsight.toml").write_text('history_before = "2026-01-01"\n', encoding="utf-8")
    after = status()
    assert not [a for a in after if a["state"] in ("late", "due soon")]
    assert {a["state"] for a in after if a["incident_date"]} == {"historical"}
    assert json.loads(run("actions", "--overdue", "--format", "json").stdout) == []
    assert overdue_before  # there were overdue items, and they are still listed, just not overdue
    assert len(json.loads(run("actions", "--format", "json").stdout)) >= len(overdue_before)
    r = run("check", "--format", "json", "--no-cache")
    names = {f["name"] for f in json.loads(r.stdout)}
    assert "action-item-overdue" not in names and "postmortem-overdue" not in names
    assert run("status", "--fail-on-late").exit_code == 0


def test_historical_postmortems_count_in_the_review_of_their_month(history):
    month = "2023-07"  # the Redis exposure and others
    plain = json.loads(run("review", month, "--format", "json").stdout)
    (history / "hindsight.toml").write_text('history_before = "2026-01-01"\n', encoding="utf-8")
    marked = json.loads(run("review", month, "--format", "json").stdout)
    assert marked["postmortems"] and all(p["historical"] for p in marked["postmortems"])
    assert marked["scope"]["historical"] == len(marked["postmortems"])
    for key in ("postmortems", "themes", "repeat_incidents", "possibly_related", "counts_by_severity",
                "duration_minutes"):
        a, b = plain[key], marked[key]
        if key == "postmortems":
            a, b = [dict(p, historical=None) for p in a], [dict(p, historical=None) for p in b]
        assert a == b, key
    assert marked["missing_or_late"] == []


def test_one_document_marked_historical_in_its_front_matter(history):
    doc = history / "docs" / "incidents" / "27-hachyderm-redis-exposed.md"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("---", "---\nhistorical: true", 1), encoding="utf-8")
    states = {a["path"]: a["state"] for a in status()}
    assert states["docs/incidents/27-hachyderm-redis-exposed.md"] == "historical"
    assert "late" in states.values()  # the others are still judged


def test_completion_says_how_many_items_have_no_status(history):
    figures = json.loads(run("actions", "stats", "--format", "json").stdout)
    assert figures["no_status"] > 0 and figures["no_status"] <= figures["open"]
    report = run("review", "2023-07").stdout
    assert "with no status at all" in report or figures["no_status"] == 0


def test_a_bad_history_before_names_the_file_and_line(history):
    (history / "hindsight.toml").write_text('# adopted this year\nhistory_before = "soon"\n', encoding="utf-8")
    r = run("status")
    assert r.exit_code == 2 and "hindsight.toml:2" in r.output and "YYYY-MM-DD" in r.output
