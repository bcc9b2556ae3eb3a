"""The MkDocs plugin, in real `mkdocs build --strict` runs of real MkDocs projects.

The postmortems, the board and the reviews become pages of the docs site with
links that resolve; the counts are the CLI's; a restricted postmortem, the
raw files of the incidents folder and the incident register reach the site
only as the plugin allows.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from hindsight.cli import main

from .conftest import links_of

SECRET = "2026-03-20-zebracorn-credential-leak"
POOL = "2025-12-09-database-connection-pool-exhaustion"


def mkdocs(project: Path, yml: str, *, ok: bool = True) -> subprocess.CompletedProcess:
    (project / "mkdocs.yml").write_text(yml, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "out"], cwd=project,
                          capture_output=True, text=True, timeout=300)
    assert (done.returncode == 0) == ok, done.stderr
    return done



def broken_links(out: Path) -> tuple[int, list[tuple[str, str]]]:
    """Every link inside the built site to where it leads: how many, and those that lead to no file."""
    checked, broken = 0, []
    for page in sorted(out.rglob("*.html")):
        if page.name == "404.html":
            continue  # MkDocs's own, linked from the site's root wherever it is served
        for link in links_of(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:|#|//", link):
                continue
            target = (page.parent / link.partition("#")[0].partition("?")[0]).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append((str(page.relative_to(out)), link))
    return checked, broken


def cli_json(*args: str):
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


def test_the_plugin_adds_the_pages_to_a_docs_site_with_links_that_resolve(site):
    docs = site / "docs"
    (docs / "index.md").write_text("# Checkout\n\nOur [postmortems](incidents/index.md).\n", encoding="utf-8")
    (docs / "incidents" / "register.csv").write_text(
        "id,date,title,severity,resolved_at,postmortem\nINC-8,2026-03-20,Zebracorn key leak,P1,,\n", encoding="utf-8")
    (docs / "incidents" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    mkdocs(site, "site_name: Checkout\nplugins:\n  - search\n  - hindsight:\n      today: 2026-04-30\n")
    out = site / "out"
    pages = {p.relative_to(out).as_posix() for p in out.rglob("index.html")}
    assert {"incidents/index.html", f"incidents/{POOL}/index.html", "incidents/actions/index.html",
            "incidents/reviews/index.html", "incidents/reviews/2026-03/index.html"} <= pages
    checked, broken = broken_links(out)
    assert broken == [] and checked > 200

    # Nothing of the restricted postmortem, nor the register that names it; the folder's other files stay.
    everything = b"\n".join(p.read_bytes() for p in out.rglob("*") if p.is_file()).lower()
    assert b"zebracorn" not in everything and not (out / "incidents" / "register.csv").exists()
    assert (out / "incidents" / "chart.png").is_file()
    # MkDocs' own search indexes the pages the plugin made.
    indexed = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert any(d["location"].startswith(f"incidents/{POOL}/") and "connection pool" in d["text"] for d in indexed)

    # The counts are the CLI's, for the same reader on the same day.
    home = (out / "incidents" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<dt>Postmortems</dt><dd>5</dd>", home)
    board = (out / "incidents" / "actions" / "index.html").read_text(encoding="utf-8")
    items = cli_json("actions", "list", "--format", "json", "--groups", "", "--today", "2026-04-30")
    assert board.count("<tr id=\"row-") == len(items) > 10
    overdue = [a for a in items if a.get("overdue")]
    assert f"Overdue action items ({len(overdue)})" in home

    # Each postmortem is the document as written, headings in the page's table of contents.
    pool = (out / "incidents" / POOL / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="timeline">Timeline</h2>' in pool and 'href="#root-cause-analysis"' in pool
    nav = (out / "index.html").read_text(encoding="utf-8")
    assert all(t in nav for t in (">Postmortems", ">Action items", ">Monthly reviews"))


def test_a_groups_site_has_their_postmortems_and_raw_html_is_shown_as_text(site):
    doc = site / "docs" / "incidents" / "2026-04-01-odd.md"
    doc.write_text("# Incident: Odd <script>alert(1)</script>\n\n**Date:** 2026-04-01\n**Severity:** P3\n\n"
                   "## Summary\n\n<img src=x onerror=alert(2)> and [the pool one](2025-12-09-database-connection-pool"
                   "-exhaustion.md).\n", encoding="utf-8")
    (site / "docs" / "index.md").write_text("# Docs\n", encoding="utf-8")
    mkdocs(site, "site_name: Sec\nplugins:\n  - hindsight:\n      groups: [security]\n      today: 2026-04-30\n")
    out = site / "out"
    assert (out / "incidents" / SECRET / "index.html").is_file()
    odd = (out / "incidents" / "2026-04-01-odd" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in odd and "<script>alert" not in odd and "<img" not in odd
    assert "<title>Odd &lt;script&gt;" in odd
    assert broken_links(out)[1] == []


def test_docs_elsewhere_an_explicit_nav_and_a_clash(tmp_path, monkeypatch):
    import shutil

    from ..conftest import EXAMPLES

    shutil.copytree(EXAMPLES, tmp_path / "postmortems-src")
    (tmp_path / "hindsight.toml").write_text('incidents_dir = "postmortems-src"\n', encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Service\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yml = "site_name: S\nnav:\n  - Home: index.md\nplugins:\n  - hindsight:\n      today: 2026-04-30\n"
    mkdocs(tmp_path, yml)
    out = tmp_path / "out"
    assert (out / "postmortems" / POOL / "index.html").is_file()
    nav = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="postmortems/"' in nav and 'href="postmortems/actions/"' in nav
    assert broken_links(out)[1] == []

    (tmp_path / "docs" / "postmortems").mkdir()
    (tmp_path / "docs" / "postmortems" / "index.md").write_text("# Ours\n", encoding="utf-8")
    done = mkdocs(tmp_path, yml, ok=False)
    assert "postmortems/index.md is already a page of the docs; set `path:`" in done.stderr
    mkdocs(tmp_path, yml.replace("today:", "path: incidents/all\n      today:"))
    assert (out / "incidents" / "all" / POOL / "index.html").is_file()
