"""PDF (printed by a real headless Chromium, read back with poppler) and the Confluence storage format."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from hindsight.cli import main
from hindsight.share.confluence import storage

from ..conftest import EXAMPLES

POOL = EXAMPLES / "2025-12-09-database-connection-pool-exhaustion.md"
SECTIONS = ["Summary", "Impact", "Timeline", "Root Cause Analysis", "Action Items", "Lessons Learned"]


@pytest.fixture(scope="module")
def poppler():
    """Chromium to print and poppler to read: CI requires them, elsewhere the PDF tests may skip."""
    missing = [c for c in ("pdftoppm", "pdftotext", "pdfimages", "pdfinfo") if shutil.which(c) is None]
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        missing.append("chromium")
    if missing:
        if os.environ.get("HINDSIGHT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{', '.join(missing)} required (HINDSIGHT_REQUIRE_BROWSER=1) but missing")
        pytest.skip(f"{', '.join(missing)} missing: `apt-get install chromium poppler-utils`")


@pytest.fixture
def project(tmp_path, monkeypatch):
    folder = tmp_path / "docs" / "incidents"
    shutil.copytree(EXAMPLES, folder)
    monkeypatch.chdir(tmp_path)
    return folder


def run(*args: str, env: dict | None = None):
    return CliRunner(env=env).invoke(main, list(args))


def pages(pdf: Path) -> list[str]:
    """The text of each page, as poppler reads it."""
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                        check=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for i in range(1, n + 1)]


def renders(pdf: Path, tmp_path: Path) -> None:
    """poppler renders every page to an image with something drawn on it."""
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True,
                   capture_output=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert images and all(p.stat().st_size > 1000 for p in images)


def test_a_postmortem_prints_with_each_section_on_its_own_page_in_order(project, tmp_path, poppler):
    out = tmp_path / "pool.pdf"
    r = run("share", str(project / POOL.name), "--audience", "engineering", "--format", "pdf", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF-")
    renders(out, tmp_path)
    text = pages(out)
    whole = "\n".join(text)
    places = [whole.find(f"\n{s}\n") for s in SECTIONS]
    assert -1 not in places and places == sorted(places), dict(zip(SECTIONS, places))
    # The title and the summary open the first page; every other section opens a page of its own.
    assert "Database connection pool" in text[0] and "Summary" in text[0]
    for section in SECTIONS[1:]:
        assert any(p.lstrip().startswith(section) for p in text), section
    # No row of the timeline is split across two pages: its time and its event are on one page.
    for time, event in [("14:30", "PagerDuty alert"), ("15:15", "Identified: Connection pool exhausted"),
                        ("16:45", "Incident declared resolved")]:
        assert any(re.search(rf"{time}\s+{re.escape(event)}", p) for p in text), time


def test_a_long_timeline_splits_between_rows_never_inside_one(project, tmp_path, poppler):
    doc = project / "2026-05-01-long-night.md"
    rows = "\n".join(f"| {h:02d}:{m:02d} | Step {h * 60 + m} of the recovery: " + "checked the replicas again and "
                     * 6 + "waited |" for h in range(0, 8) for m in range(0, 60, 10))
    doc.write_text("# Incident: A long night\n\n**Date:** 2026-05-01\n**Severity:** P2\n\n## Summary\n\nLong.\n\n"
                   f"## Timeline\n\n| Time (UTC) | Event |\n|---|---|\n{rows}\n", encoding="utf-8")
    out = tmp_path / "long.pdf"
    assert run("share", str(doc), "--format", "pdf", "-o", str(out)).exit_code == 0
    text = pages(out)
    assert len(text) >= 3
    for page in text[1:]:
        assert re.search(r"Time\s+Event", page)  # the header row repeats on every page of the table
    for step in range(0, 480, 10):
        row = [p for p in text if re.search(rf"Step {step} of the recovery", p)]
        assert len(row) == 1 and row[0].count(f"Step {step} ") == 1
        # …and its last words are on the same page as its first.
        body = re.sub(r"\s+", " ", row[0])
        assert re.search(rf"Step {step} of the recovery: (checked the replicas again and ){{6}}waited", body), step


def test_a_monthly_review_prints_with_its_charts_as_vectors(project, tmp_path, poppler):
    out = tmp_path / "review.pdf"
    r = run("review", "2026-03", "--today", "2026-04-30", "--format", "pdf", "-o", str(out))
    assert r.exit_code == 0, r.output
    renders(out, tmp_path)
    whole = "\n".join(pages(out))
    heads = ["Monthly postmortem review: 2026-03", "Postmortems", "Charts", "Incidents by severity per month",
             "Action-item completion rate by incident month"]
    places = [whole.find(h) for h in heads]
    assert -1 not in places and places == sorted(places), dict(zip(heads, places))
    # The charts are drawn, not pasted: their labels are text in the PDF, and there is no image in it.
    assert re.search(r"2026-01\s+2026-02\s+2026-03", whole)
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(listing.strip().splitlines()) == 2  # the header of the list, and no image under it


def test_no_browser_no_file_a_clear_message(project, tmp_path):
    out = tmp_path / "x.pdf"
    r = run("share", str(project / POOL.name), "--format", "pdf", "-o", str(out),
            env={"HINDSIGHT_BROWSER": "", "PATH": str(tmp_path)})
    assert r.exit_code == 2 and "no Chromium, Chrome or Edge found to print the PDF" in r.stderr
    assert "apt-get install chromium" in r.stderr and not out.exists()
    r = run("review", "2026-03", "--format", "pdf", "-o", str(out), env={"HINDSIGHT_BROWSER": "/nowhere/chrome"})
    assert r.exit_code == 2 and "`/nowhere/chrome` (from HINDSIGHT_BROWSER) is not an executable" in r.stderr
    r = run("share", str(project / POOL.name), "--format", "pdf")
    assert r.exit_code == 2 and "add -o FILE.pdf" in r.stderr
    # A browser that prints nothing: its error is named and nothing is written.
    fake = tmp_path / "fake-chrome"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    r = run("share", str(project / POOL.name), "--format", "pdf", "-o", str(out), env={"HINDSIGHT_BROWSER": str(fake)})
    assert r.exit_code == 2 and "printed no PDF (exit 3): cannot open display" in r.stderr and not out.exists()


def test_a_restricted_postmortem_is_not_printed_unless_asked(project, tmp_path, poppler):
    secret = project / "2026-03-20-secret.md"
    secret.write_text("---\nclassification: restricted\nallowed_groups: [security]\n---\n"
                      + POOL.read_text(encoding="utf-8").split("---\n", 2)[2], encoding="utf-8")
    out = tmp_path / "secret.pdf"
    r = run("share", str(secret), "--format", "pdf", "-o", str(out))
    assert r.exit_code == 2 and "restricted" in r.stderr and not out.exists()
    assert run("share", str(secret), "--format", "pdf", "-o", str(out), "--allow-restricted").exit_code == 0
    assert out.read_bytes().startswith(b"%PDF-")


NS = 'xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier"'


def parse_storage(body: str) -> ET.Element:
    """Confluence reads the storage format as XML with its namespaces: so do we."""
    return ET.fromstring(f"<root {NS}>{body}</root>")


def test_confluence_storage_format_is_well_formed_and_uses_confluences_forms(project, tmp_path):
    doc = project / "2026-05-02-hostile.md"
    doc.write_text("---\nseverity: P2\n---\n# Incident: Odd <input> & \"quotes\"\n\n**Date:** 2026-05-02\n\n"
                   "## Summary\n\nA bell \x07, a form feed \x0c & <script>alert(1)</script>"
                   " ~~struck~~ ![graph](https://grafana.example.com/x.png)\n\n"
                   "| Time | Event |\n|---|---|\n| 10:00 | a \\| pipe and <b>tags</b> |\n\n"
                   "```python\nif a ]]> b: print('<x>')\n```\n\n```yaml\nkey: value\n```\n\n    indented & <code>\n",
                   encoding="utf-8")
    r = run("share", str(doc), "--format", "confluence")
    assert r.exit_code == 0, r.output
    assert "the Confluence page's title: Odd <input> & \"quotes\"" in r.stderr
    root = parse_storage(r.stdout)
    text = "".join(root.itertext())
    assert "Incident: Odd" not in text  # the title is the page's, not the body's
    assert "<script>alert(1)</script>" in text and root.find(".//script") is None  # shown, not run
    assert "A bell \ufffd, a form feed \ufffd &" in text
    # A lone surrogate never reaches here from a file (it is not UTF-8), but from the library it may.
    assert "".join(parse_storage(storage("a \ud800 b\x00")).itertext()) == "a \ufffd b\ufffd\n"
    table = root.find("table")
    assert [c.tag for c in table] == ["tbody"] and [c.text for c in table[0][0]] == ["Time", "Event"]
    assert "".join(table[0][1][1].itertext()) == "a | pipe and <b>tags</b>"
    macros = root.findall("{http://atlassian.com/content}structured-macro")
    assert [m.get("{http://atlassian.com/content}name") for m in macros] == ["code", "code", "code"]
    lang = [m.findtext("{http://atlassian.com/content}parameter") for m in macros]
    assert lang == ["python", None, None]  # yaml is no language the code macro knows: no parameter
    bodies = [m.findtext("{http://atlassian.com/content}plain-text-body") for m in macros]
    assert bodies == ["if a ]]> b: print('<x>')\n", "key: value\n", "indented & <code>\n"]
    assert root.find(".//span[@style='text-decoration: line-through;']").text == "struck"
    assert root.find(".//img") is None and root.find(".//a[@href='https://grafana.example.com/x.png']") is not None


def test_every_real_postmortem_becomes_well_formed_storage_format(real_corpus):
    read = 0
    for path in sorted(real_corpus.glob("*.md")):
        if path.name == "SOURCES.md":
            continue
        text = path.read_text(encoding="utf-8")
        root = parse_storage(storage(text))
        # Every section heading outside code is there, in order.
        outside = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.M | re.S)
        heads = [re.sub(r"[*_`]", "", h).strip() for h in re.findall(r"^## +(.+?)#*$", outside, flags=re.M)]
        assert ["".join(h.itertext()).strip() for h in root.iter("h2")] == heads, path.name
        read += 1
    assert read == 36
