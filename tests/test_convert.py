"""Converting postmortems of any shape into the standard's template: same facts, nothing dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsight import parse
from hindsight.convert import convert_file, words

from .conftest import ROOT

OURS = sorted((ROOT / "tests" / "corpus" / "real").glob("*.md"))


def facts(pm):
    return {"severity": pm.severity, "duration": pm.duration_minutes,
            "timeline": [e.at for e in pm.timeline],
            "actions": [(a.action, a.owner, a.status, a.due) for a in pm.action_items]}


def check_conversion(path: Path) -> None:
    conv = convert_file(path)
    source = parse(conv.markdown)
    if conv.problem:  # only a document whose date nobody can tell, and the message says how to fix it
        assert source.date is None and "**Date:**" in conv.problem
        return
    out = parse(conv.text)
    assert conv.name.startswith(out.date.isoformat()) and conv.name.endswith(".md")
    if source.date:
        assert out.date == source.date
    assert facts(out) == facts(source)
    # Every non-blank line's words are in the output; a time, due date or status is
    # written in the standard's form instead.
    times: dict[int, set[str]] = {}
    for e in source.timeline:
        if e.at is not None:
            times.setdefault(e.line, set()).update(words(e.time_text))
    for a in source.action_items:
        times.setdefault(a.line, set()).update(words(a.due_text or "") if a.due else set(),
                                               words(a.status_text or "") if a.status else set())
    written = words(conv.text)
    for no, line in enumerate(conv.markdown.splitlines(), 1):
        missing = words(line) - written - times.get(no, set())
        assert not missing, f"{path.name}:{no} lost {sorted(missing)[:5]}: {line!r}"
    for first, last in conv.kept:  # what was not placed is there verbatim
        for line in conv.markdown.splitlines()[first - 1:last]:
            assert line in conv.text


@pytest.mark.parametrize("path", OURS, ids=lambda p: p.stem)
def test_our_real_corpus_converts_with_its_facts_and_every_line(path):
    check_conversion(path)


def test_the_shared_real_corpus_converts_with_its_facts_and_every_line(real_corpus):
    docs = sorted(p for p in real_corpus.glob("*.md") if p.name != "SOURCES.md")
    assert len(docs) >= 36
    for path in docs:
        check_conversion(path)


#: What `check` may still report on a converted document: what only a person can supply.
NEEDS_A_PERSON = {
    "HS105",  # a [TODO: …] placeholder
    "HS202",  # the impact metrics the original never stated
    "HS301",  # an action item's owner, due date or status the original never stated
    "HS204", "HS206",  # the original's own timeline out of order, or a time nobody can read
    "HS401",  # blameful words the original used; a person rewrites them
}


def test_convert_the_real_corpus_then_check_finds_only_what_needs_a_person(tmp_path, monkeypatch, real_corpus):
    import json
    import subprocess

    from click.testing import CliRunner

    from hindsight.cli import main

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    before = {p.name: p.read_bytes() for p in real_corpus.iterdir()}
    r = CliRunner().invoke(main, ["convert", str(real_corpus), "--historical"])
    # SOURCES.md and 01 (Dan Luu's list) are lists of links, not postmortems: each is named, with what to
    # do, and the rest converts.
    assert r.exit_code == 1
    assert "SOURCES.md: not converted" in r.stderr and "**Date:**" in r.stderr
    assert "01-danluu-post-mortems-readme.md: not converted" in r.stderr
    written = sorted((tmp_path / "docs" / "incidents").glob("*.md"))
    assert len(written) == len(before) - 2
    assert all(" -> docs/incidents/" in line for line in r.stdout.splitlines())
    assert {p.name: p.read_bytes() for p in real_corpus.iterdir()} == before  # the originals are kept
    check = CliRunner().invoke(main, ["check", "--format", "json", "--today", "2026-06-30"])
    findings = json.loads(check.stdout)
    errors = {f["code"] for f in findings if f["severity"] == "error"}
    assert errors and errors <= NEEDS_A_PERSON, errors - NEEDS_A_PERSON
    # Converting again never overwrites what is there.
    one = real_corpus / "02-dfds-ip-starvation.md"
    target = next(p for p in written if "ip-starvation" in p.name)
    target.write_text(target.read_text(encoding="utf-8") + "\nA person's edit.\n", encoding="utf-8")
    again = CliRunner().invoke(main, ["convert", str(one)])
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert target.read_text(encoding="utf-8").endswith("A person's edit.\n")


def test_dry_run_reports_the_kept_lines_and_writes_nothing(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from hindsight.cli import main

    source = tmp_path / "old.md"
    source.write_text("# DB outage\n\n**Date:** 2024-05-01\n\n## Musings\n\nFirst thought.\n\n"
                      "Second thought.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["convert", str(source), "--dry-run", "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert "2024-05-01-db-outage.md" in r.stdout
    assert "kept 3 line(s) verbatim" in r.stdout  # the heading and two paragraphs, not the blank between
    assert not (tmp_path / "out").exists()
