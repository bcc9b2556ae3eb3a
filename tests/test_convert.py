"""Converting postmortems of any shape into the standard's template: same facts, nothing dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsight import parse
from hindsight.convert import convert_file, source_markdown, words

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


def _git(repo: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _repo_with(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "team"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.name", "Team Lead")
    _git(repo, "config", "user.email", "lead@example.com")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "The old postmortems")
    return repo


OLD_MD = ("# DB outage\n\n**Date:** 2024-05-01\n**Severity:** P1\n\n## Musings\n\nFirst thought.\n\n"
          "## Follow-ups\n\n- [ ] Add an alert on replica lag (@dana)\n")
OLD_HTML = ("<html><head><title>Cache storm</title></head><body><h1>Cache storm</h1>"
            "<p><strong>Date:</strong> 2023-11-20</p><h2>Timeline</h2><ul><li>09:02 alerts fired</li>"
            "<li>09:40 cache warmed, errors stopped</li></ul><p>A paragraph nobody filed.</p></body></html>")


def test_in_place_replaces_each_original_in_a_commit_of_its_own(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from hindsight.cli import main

    repo = _repo_with(tmp_path, {"postmortems/db.md": OLD_MD, "postmortems/cache.html": OLD_HTML})
    before = {name: parse(source_markdown(repo / name)) for name in ("postmortems/db.md", "postmortems/cache.html")}
    monkeypatch.chdir(repo)
    r = CliRunner().invoke(main, ["convert", "postmortems", "--in-place"])
    assert r.exit_code == 0, r.output
    assert r.stdout.count("; committed") == 2
    assert _git(repo, "status", "--porcelain") == ""
    commits = _git(repo, "log", "--format=%s", "-3").splitlines()
    assert commits == ["Convert db.md to the postmortem template", "Convert cache.html to the postmortem template",
                       "The old postmortems"]
    # Each commit removes its original and adds its converted file, and nothing else.
    for rev, old, new in (("HEAD", "db.md", "2024-05-01-db-outage.md"),
                          ("HEAD~1", "cache.html", "2023-11-20-cache-storm.md")):
        changed = _git(repo, "show", "--name-status", "--format=", rev).split("\n")
        assert sorted(line for line in changed if line) == sorted([f"D\tpostmortems/{old}",
                                                                   f"A\tpostmortems/{new}"])
        assert _git(repo, "log", "-1", "--format=%an <%ae>", rev).strip() == "Team Lead <lead@example.com>"
    for old, new in (("postmortems/db.md", "postmortems/2024-05-01-db-outage.md"),
                     ("postmortems/cache.html", "postmortems/2023-11-20-cache-storm.md")):
        assert facts(parse((repo / new).read_text(encoding="utf-8"))) == facts(before[old])
        assert not (repo / old).exists()


def test_in_place_refuses_a_work_tree_with_uncommitted_changes(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from hindsight.cli import main

    repo = _repo_with(tmp_path, {"db.md": OLD_MD})
    (repo / "notes.txt").write_text("work in progress\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    r = CliRunner().invoke(main, ["convert", "db.md", "--in-place"])
    assert r.exit_code == 1
    assert "uncommitted or untracked changes" in r.stderr and "commit or stash" in r.stderr
    assert (repo / "db.md").read_text(encoding="utf-8") == OLD_MD
    assert sorted(p.name for p in repo.iterdir() if p.name != ".git") == ["db.md", "notes.txt"]
    assert len(_git(repo, "log", "--format=%h").splitlines()) == 1


def test_in_place_puts_everything_back_when_git_refuses_the_commit(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from hindsight.cli import main

    repo = _repo_with(tmp_path, {"db.md": OLD_MD})
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy: no commits today' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    monkeypatch.chdir(repo)
    r = CliRunner().invoke(main, ["convert", "db.md", "--in-place"])
    assert r.exit_code == 1 and "git did not commit" in r.stderr and "no commits today" in r.stderr
    assert (repo / "db.md").read_text(encoding="utf-8") == OLD_MD
    assert not (repo / "2024-05-01-db-outage.md").exists()
    assert _git(repo, "status", "--porcelain") == ""
    assert len(_git(repo, "log", "--format=%h").splitlines()) == 1


def test_in_place_rewrites_a_file_already_named_as_the_template_names_it(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from hindsight.cli import main

    repo = _repo_with(tmp_path, {"docs/incidents/2024-05-01-db-outage.md": OLD_MD})
    monkeypatch.chdir(repo)
    r = CliRunner().invoke(main, ["convert", "docs/incidents", "--in-place"])
    assert r.exit_code == 0, r.output
    changed = _git(repo, "show", "--name-status", "--format=", "HEAD").split()
    assert changed == ["M", "docs/incidents/2024-05-01-db-outage.md"]
    text = (repo / "docs/incidents/2024-05-01-db-outage.md").read_text(encoding="utf-8")
    assert "## Action Items" in text and "First thought." in text
    assert facts(parse(text)) == facts(parse(OLD_MD))


# -- documents as other tools export them ------------------------------------------------------------------

EXPORTS = ROOT / "tests" / "fixtures" / "exports"


def build_word(path: Path, *, classification: str | None = None) -> Path:
    """A postmortem written in Word (a real .docx, by python-docx): a Title, a details table, headings,
    a timeline table in local time, bullets and an actions table."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("Incident Report: Billing exports delayed by a full disk", style="Title")
    details = doc.add_table(rows=0, cols=2)
    details.style = "Table Grid"
    rows = [("Incident date", "5 June 2024"), ("Severity", "Sev 3"), ("Duration", "2 hours 10 minutes"),
            ("Prepared by", "Jonas Berg")]
    if classification:
        rows.append(("Classification", classification))
    for key, value in rows:
        cells = details.add_row().cells
        cells[0].paragraphs[0].add_run(key).bold = True
        cells[1].text = value
    doc.add_heading("Summary", level=1)
    doc.add_paragraph("The nightly billing export finished 2 hours 10 minutes late because the export host's data "
                      "disk filled with temporary files from a failed run the night before. Invoices went out late; "
                      "none were wrong.")
    doc.add_heading("Timeline", level=1)
    timeline = doc.add_table(rows=1, cols=2)
    timeline.style = "Table Grid"
    timeline.rows[0].cells[0].text, timeline.rows[0].cells[1].text = "Time (CEST)", "What happened"
    for at, what in (("02:00", "Export job starts"), ("02:04", "Job fails: no space left on device"),
                     ("03:30", "Operator sees the failed job in the morning queue and pages storage on-call"),
                     ("03:55", "Temporary files removed, 180 GB freed"), ("04:10", "Export rerun starts"),
                     ("04:58", "Export complete, invoices sent")):
        cells = timeline.add_row().cells
        cells[0].text, cells[1].text = at, what
    doc.add_heading("Root cause", level=1)
    doc.add_paragraph("A failed run does not clean up its temporary folder, and the disk has no alert below 10% free.")
    doc.add_heading("What went well", level=1)
    doc.add_paragraph("The rerun needed no manual data fixes.", style="List Bullet")
    doc.add_heading("What could be improved", level=1)
    doc.add_paragraph("The failure at 02:04 paged nobody; it was found by chance at 03:30.", style="List Bullet")
    doc.add_heading("Actions", level=1)
    actions = doc.add_table(rows=1, cols=4)
    actions.style = "Table Grid"
    for cell, head in zip(actions.rows[0].cells, ("Action", "Owner", "Due", "Status")):
        cell.text = head
    for row in (("Clean the temporary folder when a run fails", "Jonas Berg", "2024-06-21", "Done"),
                ("Alert when the export disk is under 15% free", "Mei Lin", "2024-06-28", "In progress")):
        for cell, text in zip(actions.add_row().cells, row):
            cell.text = text
    doc.save(path)
    return path


def _read_as_a_person_would(pm) -> dict:
    return {"title": pm.title, "date": pm.date and pm.date.isoformat(), "severity": pm.severity,
            "duration": pm.duration_minutes, "author": pm.author,
            "timeline": [e.at.isoformat() for e in pm.timeline if e.at],
            "actions": [(a.action, a.owner, a.status, a.due and a.due.isoformat(), a.ticket_url)
                        for a in pm.action_items],
            "went well": len(pm.went_well), "could improve": len(pm.could_improve)}


#: What a careful person reads in each export, written down from the document, not from Hindsight.
EXPECTED = {
    "confluence-page-export.html": {
        "title": "Post-incident review: Checkout 502s after load balancer certificate rotation",
        "date": "2023-03-14", "severity": "SEV-2", "duration": 47, "author": "Priya Raman",
        "timeline": [f"2023-03-14T{t}:00+00:00" for t in ("14:02", "14:05", "14:09", "14:31", "14:44", "14:52")],
        "actions": [("Upload the full chain in the renewal job", "Priya Raman", "DONE", "2023-03-17", None),
                    ("Add a strict-client chain check after every renewal", "Tomás Ortega", "TODO", "2023-04-07", None),
                    ("Alert on webhook handshake failures from the payment provider", "Tomás Ortega", "TODO",
                     "2023-04-14", None)],
        "went well": 0, "could improve": 0},
    "confluence-storage-format.html": {
        "title": None, "date": "2023-03-14", "severity": "SEV-2", "duration": 47, "author": None,
        "timeline": [f"2023-03-14T{t}:00+00:00" for t in ("14:02", "14:09", "14:44", "14:52")],
        "actions": [("Upload the full chain in the renewal job", "@5b10ac8d82e05b22cc7d4ef5", "DONE", "2023-03-17",
                     None),
                    ("Add a strict-client chain check after every renewal", "@60a2f5e1c3b7e40069a1d2b4", "TODO",
                     "2023-04-07", None)],
        "went well": 0, "could improve": 0},
    "google-docs-web-page.zip": {
        "title": "Search Indexing Backlog Postmortem (incident #2231)", "date": "2023-11-16", "severity": None,
        "duration": None, "author": "lena.fischer, omar.haddad",
        "timeline": [f"2023-11-16T{t}:00+00:00" for t in ("09:10", "09:25", "11:42", "12:05", "13:40", "15:20")],
        "actions": [("Pin the consumer commit mode explicitly in configuration", "omar.haddad", None, None,
                     "https://bugs.example.com/show?id=4411"),
                    ("Unmute the queue-lag alert and page on lag over 15 minutes", "lena.fischer", None, None,
                     "https://bugs.example.com/show?id=4412"),
                    ("Add a canary consumer to the upgrade runbook", "omar.haddad", None, None, None)],
        "went well": 2, "could improve": 3},
    "incident-report.docx": {
        "title": "Incident Report: Billing exports delayed by a full disk", "date": "2024-06-05",
        "severity": "Sev 3", "duration": 130, "author": "Jonas Berg",
        "timeline": [f"2024-06-05T{t}:00+02:00" for t in ("02:00", "02:04", "03:30", "03:55", "04:10", "04:58")],
        "actions": [("Clean the temporary folder when a run fails", "Jonas Berg", "DONE", "2024-06-21", None),
                    ("Alert when the export disk is under 15% free", "Mei Lin", "IN PROGRESS", "2024-06-28", None)],
        "went well": 1, "could improve": 1},
}


def _export(name: str, tmp_path: Path) -> Path:
    return build_word(tmp_path / name) if name.endswith(".docx") else EXPORTS / name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_export_from_confluence_google_docs_or_word_reads_as_a_person_reads_it(name, tmp_path):
    conv = convert_file(_export(name, tmp_path))
    assert conv.problem is None
    assert _read_as_a_person_would(parse(conv.markdown)) == EXPECTED[name]
    # The converted file holds the same facts, in the template.
    out = _read_as_a_person_would(parse(conv.text))
    assert {k: v for k, v in out.items() if k != "title"} == {k: v for k, v in EXPECTED[name].items() if k != "title"}
    assert conv.name.startswith(EXPECTED[name]["date"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_export_converts_with_its_facts_and_every_line_and_none_of_the_tool_chrome(name, tmp_path):
    path = _export(name, tmp_path)
    check_conversion(path)
    text = convert_file(path).text
    for chrome in ("Document generated by Confluence", "Attachments:", "breadcrumb", "Incident reviews",
                   "google.com/url", "ac:", "ri:", "lst-kix", "font-weight", "placeholder-inline-tasks",
                   "3f1c2a9e", "completeUpload", "incompleteAdd", "PUBLISHEDGreen", "bash"):
        assert chrome not in text, chrome


def test_a_confidential_word_document_stays_restricted_when_converted(tmp_path):
    conv = convert_file(build_word(tmp_path / "report.docx", classification="Confidential"))
    out = parse(conv.text)
    assert out.classification.restricted and out.classification.certain
    assert "classification: restricted" in conv.text.split("---", 2)[1]
