"""Postmortems in many repositories: a project reading two git sources (bare remotes in a temporary folder,
cloned by `hindsight sources sync`) and a path source, through the CLI and the portal."""

from __future__ import annotations

import json
import shutil
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from hindsight.cli import main
from hindsight.config import load
from hindsight.errors import ConfigError
from hindsight.web import create_app
from hindsight.web.auth import AuthSettings

from ..conftest import EXAMPLES
from .conftest import Server

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
       "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
DOC = """# Incident: {title}

**Date:** 2026-03-{day:02d}
**Duration:** 30 minutes (10:00 - 10:30 UTC)
**Severity:** P2
**Author:** @{team}
**Status:** Draft

## Summary

{summary}

## Action Items

| Action | Owner | Due Date | Status | Ticket |
|--------|-------|----------|--------|--------|
| Add an alert on {word} | @{team} | 2026-04-01 | 🔲 TODO | {team}-1 |
"""
#: One file name in two repositories: the ids must still differ.
SAME_NAME = "2026-03-10-queue-backlog.md"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout.strip()


def repository(tmp: Path, name: str, docs: dict[str, str]) -> Path:
    """A bare remote holding `docs` in docs/incidents, as each team's service repository would."""
    bare = tmp / f"{name}.git"
    git(tmp, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = tmp / f"seed-{name}"
    git(tmp, "init", "-q", "-b", "main", str(seed))
    folder = seed / "docs" / "incidents"
    folder.mkdir(parents=True)
    for file, text in docs.items():
        (folder / file).write_text(text, encoding="utf-8")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "--allow-empty", "-m", f"{name} postmortems")
    git(seed, "push", "-q", str(bare), "main")
    return bare


def doc(team: str, day: int, word: str) -> str:
    return DOC.format(title=f"{team} {word} incident", day=day, team=team, word=word,
                      summary=f"The {word} of the {team} service failed.")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A hub project (a clone of its own remote, with the examples) reading three sources: two git
    repositories and a work tree on this machine."""
    payments = repository(tmp_path, "payments", {SAME_NAME: doc("payments", 10, "zanzibar"),
                                                 "2026-03-12-card-declines.md": doc("payments", 12, "declines")})
    search = repository(tmp_path, "search", {SAME_NAME: doc("search", 11, "quokka")})
    local = tmp_path / "billing"
    (local / "docs" / "incidents").mkdir(parents=True)
    (local / "docs" / "incidents" / "2026-03-14-invoice-delay.md").write_text(doc("billing", 14, "invoices"),
                                                                              encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main", str(local))
    git(local, "add", "-A")
    git(local, "commit", "-qm", "billing")
    hub_remote = repository(tmp_path, "hub", {})
    hub = tmp_path / "hub"
    git(tmp_path, "clone", "-q", str(hub_remote), str(hub))
    shutil.copytree(EXAMPLES, hub / "docs" / "incidents", dirs_exist_ok=True)
    (hub / "hindsight.toml").write_text(f"""
[[sources]]
name = "payments"
url = "{payments}"

[[sources]]
name = "search"
url = "{search}"
branch = "main"
share_base_url = "https://git.example.com/search/blob/main"

[[sources]]
name = "billing"
path = "../billing"
""", encoding="utf-8")
    (hub / ".gitignore").write_text(".hindsight/\n", encoding="utf-8")
    git(hub, "add", "-A")
    git(hub, "commit", "-qm", "hub")
    git(hub, "push", "-q", "origin", "main")
    monkeypatch.chdir(hub)
    return hub


def cli(*args: str) -> str:
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_sync_clones_each_source_then_updates_it(project, tmp_path):
    out = cli("sources", "sync")
    assert "payments: cloned" in out and "2 postmortems" in out
    assert "search: cloned" in out and "billing: path, 1 postmortems" in out
    clone = project / ".hindsight" / "sources" / "payments"
    assert git(clone, "rev-list", "--count", "HEAD") == "1" and (clone / "docs" / "incidents" / SAME_NAME).exists()
    assert "payments: unchanged" in cli("sources", "sync")
    # A new postmortem pushed to the payments repository arrives with the next sync.
    seed = tmp_path / "seed-payments"
    (seed / "docs" / "incidents" / "2026-03-20-refunds.md").write_text(doc("payments", 20, "refunds"),
                                                                        encoding="utf-8")
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "refunds")
    git(seed, "push", "-q", str(tmp_path / "payments.git"), "main")
    assert "payments: updated" in cli("sources", "sync")
    assert "payments:2026-03-20-refunds" in cli("list", "--format", "json")


def test_the_cli_lists_tracks_and_reviews_across_every_source(project):
    cli("sources", "sync")
    listed = {r["id"]: r for r in json.loads(cli("list", "--format", "json"))}
    own = {p.stem for p in EXAMPLES.glob("*.md")}
    assert own <= set(listed)  # the project's own, with plain ids
    assert {"payments:2026-03-10-queue-backlog", "search:2026-03-10-queue-backlog",
            "payments:2026-03-12-card-declines", "billing:2026-03-14-invoice-delay"} <= set(listed)
    assert listed["search:2026-03-10-queue-backlog"]["source"] == "search"
    only = json.loads(cli("list", "--format", "json", "--source", "payments"))
    assert sorted(r["id"] for r in only) == ["payments:2026-03-10-queue-backlog", "payments:2026-03-12-card-declines"]
    items = json.loads(cli("actions", "--format", "json", "--today", "2026-04-10"))
    ids = {a["id"] for a in items}
    assert "search:2026-03-10-queue-backlog#add-an-alert-on-quokka" in ids
    assert "payments:2026-03-10-queue-backlog#add-an-alert-on-zanzibar" in ids
    overdue = json.loads(cli("actions", "--format", "json", "--today", "2026-04-10", "--overdue", "--source",
                             "billing"))
    assert [a["id"] for a in overdue] == ["billing:2026-03-14-invoice-delay#add-an-alert-on-invoices"]
    every = json.loads(cli("review", "2026-03", "--format", "json", "--today", "2026-04-10"))
    one = json.loads(cli("review", "2026-03", "--format", "json", "--today", "2026-04-10", "--source", "search"))
    ids_every = {p["id"] for p in every["postmortems"]}
    assert {"payments:2026-03-12-card-declines", "search:2026-03-10-queue-backlog"} <= ids_every
    assert [p["id"] for p in one["postmortems"]] == ["search:2026-03-10-queue-backlog"]
    r = CliRunner().invoke(main, ["list", "--source", "nowhere"])
    assert r.exit_code != 0 and "no source `nowhere`; the sources are: payments, search, billing" in r.output


def test_the_portal_searches_and_edits_each_source_in_its_own_repository(project, tmp_path):
    cli("sources", "sync")
    app = create_app(load(project), auth=AuthSettings("none", True), refresh_seconds=0, push=True,
                     today=__import__("datetime").date(2026, 4, 10))
    with Server(app) as s, closing(s.client()) as c:
        found = c.get("/api/postmortems", params={"q": "quokka"}).json()
        assert [p["id"] for p in found["postmortems"]] == ["search:2026-03-10-queue-backlog"]
        assert c.get("/postmortems/search:2026-03-10-queue-backlog").status_code == 200
        # The CLI and the portal give the same list of one source.
        api = c.get("/api/postmortems", params={"source": "payments"}).json()["postmortems"]
        assert [p["id"] for p in api] == [r["id"] for r in json.loads(cli("list", "--format", "json",
                                                                          "--source", "payments"))]
        item = "search:2026-03-10-queue-backlog#add-an-alert-on-quokka"
        version = c.get(f"/api/actions/{item.replace('#', '%23')}").json()["version"]
        r = c.patch(f"/api/actions/{item.replace('#', '%23')}", json={"version": version, "status": "DONE"})
        assert r.status_code == 200, r.text
    # The edit is a commit of the search repository, pushed to it; nothing changed in the others.
    assert "DONE" in git(tmp_path / "search.git", "show", f"main:docs/incidents/{SAME_NAME}")
    assert "TODO" in git(tmp_path / "payments.git", "show", f"main:docs/incidents/{SAME_NAME}")
    assert git(tmp_path / "hub.git", "rev-list", "--count", "main") == "2"  # the empty seed and the hub commit
    assert git(tmp_path / "search.git", "log", "-1", "--format=%s", "main").startswith(item)


def test_a_bad_source_names_the_file_and_line(tmp_path, monkeypatch):
    (tmp_path / "hindsight.toml").write_text('severity_levels = ["P0"]\n\n[[sources]]\nname = "a b"\npath = "x"\n',
                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as e:
        from hindsight import sources

        sources.of(load())
    assert "hindsight.toml:3" in str(e.value) and "letters, digits" in str(e.value)
    r = CliRunner().invoke(main, ["list"])
    assert r.exit_code != 0 and "hindsight.toml:3" in r.output


def test_check_reads_every_synced_source(project):
    cli("sources", "sync")
    r = CliRunner().invoke(main, ["check", "--format", "json", "--today", "2026-04-10"])
    paths = {f["path"] for f in json.loads(r.output)}
    assert any(p.startswith(".hindsight/sources/search/") for p in paths)
    assert any("billing/docs/incidents/2026-03-14-invoice-delay.md" in p for p in paths)


def test_the_static_site_has_a_page_for_each_source_s_postmortems_and_its_links_resolve(project, tmp_path):
    from .conftest import links_of

    cli("sources", "sync")
    out = tmp_path / "site"
    cli("site", "build", "--out", str(out), "--today", "2026-04-10")
    page = out / "postmortems" / "search" / "2026-03-10-queue-backlog.html"
    assert page.is_file() and "quokka" in page.read_text(encoding="utf-8")
    assert not [p for p in out.rglob("*") if ":" in p.name]  # no file name a Windows disk would refuse
    for html in (out / "postmortems" / "index.html", page):
        for link in links_of(html.read_text(encoding="utf-8")):
            if link.startswith(("http:", "https:", "#", "mailto:")):
                continue
            assert ":" not in link.split("/")[0], link  # a relative link is never read as a URL scheme
            target = (html.parent / link.split("?")[0].split("#")[0]).resolve()
            assert target.exists(), (html, link)


def test_the_portal_pages_filter_by_source_and_each_count_is_its_list(project, page):
    import datetime as dt

    cli("sources", "sync")
    app = create_app(load(project), auth=AuthSettings("none", False), refresh_seconds=0, today=dt.date(2026, 4, 10))
    with Server(app) as s:
        page.goto(s.url + "/postmortems")
        rows = page.locator("table.results tbody tr")
        every = rows.count()
        page.select_option("select[name=source]", "payments")
        page.wait_for_url("**source=payments**")
        page.wait_for_selector("#count:has-text('2 postmortems')")
        titles = sorted(t.strip() for t in page.locator("#results tbody tr a").all_inner_texts())
        assert titles == ["payments declines incident", "payments zanzibar incident"]
        assert every > 2
        # The home page of one source: its count is its list's length.
        page.goto(s.url + "/?source=search")
        assert page.locator("h1").inner_text() == "Postmortems of search"
        assert page.locator(".figures dd").first.inner_text() == "1"
        # The review of one source, chosen from the review page's form.
        page.goto(s.url + "/review/2026-03")
        page.select_option("select[name=source]", "billing")
        page.click("form.filters button")
        page.wait_for_url("**/review/2026-03?source=billing")
        body = page.locator("article.doc").inner_text()
        assert "invoice" in body.lower() and "quokka" not in body.lower() and "declines" not in body.lower()
        with closing(s.client()) as c:
            assert c.get("/?source=nowhere").status_code == 400


def test_the_cli_and_the_api_agree_on_every_source_filter(project):
    import datetime as dt

    cli("sources", "sync")
    app = create_app(load(project), auth=AuthSettings("none", False), refresh_seconds=0, today=dt.date(2026, 4, 10))
    with Server(app) as s, closing(s.client()) as c:
        for name in (None, "payments", "search", "billing"):
            flag = ["--source", name] if name else []
            params = {"source": name} if name else {}
            assert c.get("/api/actions", params=params).json() == json.loads(
                cli("actions", "--format", "json", "--today", "2026-04-10", *flag))
            assert c.get("/api/actions/stats", params=params).json() == json.loads(
                cli("actions", "stats", "--format", "json", "--today", "2026-04-10", *flag))
            assert c.get("/api/review/2026-03", params=params).json() == json.loads(
                cli("review", "2026-03", "--format", "json", "--today", "2026-04-10", *flag))


def test_links_to_a_source_s_files_point_into_its_own_repository(project):
    from hindsight.access import Viewer
    from hindsight.workspace import Workspace

    cli("sources", "sync")
    (project / "hindsight.toml").write_text((project / "hindsight.toml").read_text(encoding="utf-8").replace(
        "[[sources]]", 'share_base_url = "https://git.example.com/hub/blob/main"\n\n[[sources]]', 1),
        encoding="utf-8")
    ws = Workspace.open(project)
    links = {r.id: ws.file_link({"path": r.path}) for r in ws.records(Viewer.local())}
    assert links["search:2026-03-10-queue-backlog"] == \
        "https://git.example.com/search/blob/main/docs/incidents/2026-03-10-queue-backlog.md"
    assert links["payments:2026-03-10-queue-backlog"] is None  # no base of its own: no link to a wrong place
    own = next(p.stem for p in EXAMPLES.glob("*.md"))
    assert links[own] == f"https://git.example.com/hub/blob/main/docs/incidents/{own}.md"


@pytest.mark.parametrize("path", [".", "docs/incidents/team", "../hub/docs"])
def test_a_source_that_overlaps_a_folder_already_read_is_refused(tmp_path, monkeypatch, path):
    hub = tmp_path / "hub"
    (hub / "docs" / "incidents" / "team").mkdir(parents=True)
    (hub / "hindsight.toml").write_text(f'[[sources]]\nname = "again"\npath = "{path}"\nincidents_dir = "docs"\n'
                                        if path == "." else
                                        f'[[sources]]\nname = "again"\npath = "{path}"\nincidents_dir = "."\n',
                                        encoding="utf-8")
    monkeypatch.chdir(hub)
    r = CliRunner().invoke(main, ["list"])
    assert r.exit_code == 2 and "overlaps the project's own incidents folder" in r.output
    assert "hindsight.toml:1" in r.output
