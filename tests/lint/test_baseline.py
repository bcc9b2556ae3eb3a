"""Adopting the check on old postmortems: a baseline accepts today's findings, the check then fails only
on new ones, survives edits elsewhere and moved sections, and only ever shrinks."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from hindsight.cli import main

DOCS = ("24-hachyderm-global-outage-504.md", "27-hachyderm-redis-exposed.md", "17-rust-crates-io-broken-downloads.md")


def run(*args):
    return CliRunner().invoke(main, [*args, "--today", "2026-01-01"])


def setup(repo, real_corpus):
    folder = repo / "docs" / "incidents"
    for name in DOCS:
        shutil.copyfile(real_corpus / name, folder / name)
    r = run("baseline")
    assert r.exit_code == 0, r.output
    assert (repo / "hindsight-baseline.json").is_file()
    return folder


def test_a_baselined_history_passes_and_a_new_blameful_sentence_fails_alone(repo, real_corpus):
    folder = setup(repo, real_corpus)
    assert run("check").exit_code == 1  # the history has errors …
    r = run("check", "--baseline", "hindsight-baseline.json")
    assert r.exit_code == 0, r.output  # … all of them accepted
    doc = folder / DOCS[0]
    doc.write_text(doc.read_text(encoding="utf-8") + "\nThe on-call engineer carelessly ignored the alert.\n",
                   encoding="utf-8")
    r = run("check", "--baseline", "hindsight-baseline.json", "--format", "json")
    assert r.exit_code == 1
    new = json.loads(r.stdout)
    added = len(doc.read_text(encoding="utf-8").splitlines())
    assert new and {(f["path"], f["name"], f["line"]) for f in new} == {
        (f"docs/incidents/{DOCS[0]}", "blame-language", added)}, new


def test_moving_a_section_and_editing_elsewhere_keep_the_baseline(repo, real_corpus):
    folder = setup(repo, real_corpus)
    doc = folder / DOCS[1]
    text = doc.read_text(encoding="utf-8")
    impact = text.index("## Impact")
    nxt = text.index("\n## ", impact + 3)
    moved = text[:impact] + text[nxt + 1:].rstrip("\n") + "\n\n" + text[impact:nxt] + "\n"
    doc.write_text("An added first paragraph, so every line moves.\n\n" + moved, encoding="utf-8")
    r = run("check", "--baseline", "hindsight-baseline.json")
    assert r.exit_code == 0, r.output


def test_a_later_day_does_not_make_dated_findings_new(repo, real_corpus):
    setup(repo, real_corpus)
    r = CliRunner().invoke(main, ["check", "--baseline", "hindsight-baseline.json", "--today", "2026-09-30"])
    assert r.exit_code == 0, r.output  # "due … (N days ago)" ages, its fingerprint does not


def test_the_baseline_only_shrinks(repo, real_corpus):
    folder = setup(repo, real_corpus)
    before = sum(e["count"] for e in json.loads((repo / "hindsight-baseline.json").read_text())["findings"])
    r = run("baseline")
    assert r.exit_code == 2 and "only shrinks" in r.output  # never silently replaced
    (folder / DOCS[2]).unlink()  # its findings are gone: their entries are stale
    r = run("check", "--baseline", "hindsight-baseline.json")
    assert r.exit_code == 0 and "no longer match a finding" in r.output
    r = run("baseline", "--update")
    assert r.exit_code == 0 and "dropped as fixed" in r.output
    after = sum(e["count"] for e in json.loads((repo / "hindsight-baseline.json").read_text())["findings"])
    assert 0 < after < before
    assert "no longer match" not in run("check", "--baseline", "hindsight-baseline.json").output
    # --update never adds: a new finding stays new.
    doc = folder / DOCS[0]
    doc.write_text(doc.read_text(encoding="utf-8") + "\nBob forgot to renew it.\n", encoding="utf-8")
    run("baseline", "--update")
    assert run("check", "--baseline", "hindsight-baseline.json").exit_code == 1


def test_a_broken_baseline_is_named_with_its_line(repo, real_corpus):
    setup(repo, real_corpus)
    (repo / "hindsight-baseline.json").write_text('{"version": 1,\n "findings": [\n  {"path": ]\n}\n')
    r = run("check", "--baseline", "hindsight-baseline.json")
    assert r.exit_code == 2 and "hindsight-baseline.json:3:" in r.output and "hindsight baseline" in r.output
    r = run("check", "--baseline", "missing.json")
    assert r.exit_code == 2 and "missing.json" in r.output
