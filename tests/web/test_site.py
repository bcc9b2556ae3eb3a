"""`hindsight site build`: the portal's pages as a static site, read in a real Chromium.

Over `file://` and over a static HTTP server (the site in a sub-folder, as a
project's GitHub Pages are): every page opens without a script or console
error, no request goes outside the site, every link inside it resolves. The
pages say what the portal's pages say; the browser's search finds what the
portal's search finds, word for word, over the 36 real postmortems; a
restricted postmortem is nowhere in the output; a rebuild writes only what
changed.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import sqlite3
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import httpx
from click.testing import CliRunner

from hindsight.cli import main

from ..localserver import running
from .conftest import Server, links_of

SECRET = "2026-03-20-zebracorn-credential-leak"
POOL = "2025-12-09-database-connection-pool-exhaustion"
TODAY = "2026-04-30"


def build(out: Path, *args: str, code: int = 0):
    r = CliRunner().invoke(main, ["site", "build", "--out", str(out), "--today", TODAY, *args])
    assert r.exit_code == code, r.output
    return r


def pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))



def test_every_link_inside_the_site_resolves_to_a_file_of_it(site, tmp_path):
    out = tmp_path / "public"
    build(out)
    assert {"index.html", "postmortems/index.html", "actions/index.html", "review/index.html",
            f"postmortems/{POOL}.html", "review/2026-03.html"} <= set(pages(out))
    checked = 0
    for name in pages(out):
        for link in links_of((out / name).read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:|#", link):
                assert link.startswith(("https://", "http://", "mailto:", "#")), (name, link)
                continue
            target = (out / name).parent / link.partition("?")[0].partition("#")[0]
            assert target.resolve().is_file() and out.resolve() in target.resolve().parents, (name, link)
            checked += 1
    assert checked > 100


def _open_everywhere(page, start: str, names: list[str], inside: str) -> list[str]:
    """Open every page from `start`; the URLs of the requests that went outside `inside`."""
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(inside) else None)
    for name in names:
        response = page.goto(start + name)
        assert response is None or response.ok, name
        page.wait_for_load_state("load")
        assert page.locator("main").count() == 1, name
    return outside


def test_every_page_opens_from_file_and_from_a_static_host_without_errors_or_outside_requests(site, tmp_path, page):
    out = tmp_path / "www" / "team" / "postmortems-site"
    build(out, "--base-url", "https://example.test/team/postmortems-site/")
    names = pages(out)
    assert _open_everywhere(page, out.as_uri() + "/", names, out.as_uri() + "/") == []

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "www"))
    handler.log_message = lambda *a: None
    with running(handler) as base:
        root = base + "/team/postmortems-site/"
        assert _open_everywhere(page, root, names, root) == []
        # The filters of the list and of the board run in the page; their links open filtered.
        page.goto(root + "actions/index.html?overdue=true")
        shown = page.locator("#board tbody tr[data-owner]:not([hidden])")
        assert 0 < shown.count() < page.locator("#board tbody tr[data-owner]").count()
        assert all(c == "true" for c in shown.evaluate_all("rs => rs.map(r => r.dataset.overdue)"))
        page.goto(root + "postmortems/index.html")
        page.fill("input[name=q]", "certificate renewal")
        rows = page.locator("#results tbody tr[data-id]:not([hidden])")
        assert rows.evaluate_all("rs => rs.map(r => r.dataset.id)") == [
            "2026-01-14-checkout-outage-after-certificate-expiry"]
        assert page.locator("#count").inner_text() == "1 postmortem matching “certificate renewal”"
        page.fill("input[name=q]", "zebracorn")
        assert rows.count() == 0 and page.locator("#results tr.none:not([hidden])").count() == 1
        page.click("text=Monthly review")
        assert page.url.endswith("/review/index.html") and page.locator("main svg").count() >= 1
        sitemap = httpx.get(root + "sitemap.xml").text
        assert f"<loc>https://example.test/team/postmortems-site/postmortems/{POOL}.html</loc>" in sitemap


class _Main(HTMLParser):
    """The words of a page's <main>, without what only one shell has: forms (the portal's filters run on
    its server, the site's in the page), share links (the portal renders them on request), the site's list
    of months, and whatever is hidden."""

    SKIP = {"script", "style", "form"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.inside = 0
        self.skipping: list[str] = []
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.inside += 1
        if tag in self.VOID:
            return
        if self.skipping or tag in self.SKIP or "hidden" in a or "share" in (a.get("class") or "").split() \
                or "months" in (a.get("class") or "").split():
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if tag == "main":
            self.inside -= 1
        if self.skipping and tag not in self.VOID:
            self.skipping.pop()

    def handle_data(self, data):
        if self.inside and not self.skipping:
            self.words += data.split()


def _words(html: str) -> list[str]:
    p = _Main()
    p.feed(html)
    return p.words


def test_each_page_says_what_the_portals_page_says(site, tmp_path, serve):
    out = tmp_path / "public"
    # The portal counts as of the real day; the site is built as of the same day.
    r = CliRunner().invoke(main, ["site", "build", "--out", str(out)])
    assert r.exit_code == 0, r.output
    api = serve().client()
    compared = 0
    for name in pages(out):
        path = "/" + re.sub(r"(^|/)index\.html$", "", name).removesuffix(".html")
        portal = api.get(path, follow_redirects=True)
        assert portal.status_code == 200, path
        assert _words((out / name).read_text(encoding="utf-8")) == _words(portal.text), path
        compared += 1
    assert compared >= 12


def _portal_ids(api: httpx.Client, q: str) -> set[str]:
    ids: set[str] = set()
    page = 1
    while True:
        got = api.get("/api/postmortems", params={"q": q, "page": page}).json()
        ids |= {p["id"] for p in got["postmortems"]}
        if len(ids) >= got["total"] or not got["postmortems"]:
            return ids
        page += 1


def _queries(folder: Path) -> list[str]:
    """Words as people type them, taken from the documents themselves: every 23rd word as written (with its
    punctuation, capitals, hyphens, digits and accents), inflected forms, pairs, and the awkward cases."""
    words = []
    for p in sorted(folder.glob("*.md")):
        words += p.read_text(encoding="utf-8").split()
    sample = words[::23]
    odd = sorted({w for w in words if re.search(r"[^\x00-\x7f]", w)})[:60]
    pairs = [f"{a} {b}" for a, b in zip(sample[::7], sample[3::7])][:60]
    hand = ["database", "databases", "Databases,", "connections", "connected", "running", "ran", "failures",
            "on-call", "on call", "postgres", "PostgreSQL", "DNS outage", "rollback", "roll-back", "v2", "10:32",
            "café", "CAFÉ", "naïve", "Straße", "İstanbul", "ﬁle", "日本", "—", "...", "|", "*", '"quoted"', "AND",
            "OR", "NOT", "NEAR", "a", "the", "zebracorn", "(UTC)", "root-cause", "5xx", "HTTP/2", "e.g.",
            "re-deploy", "don't", "it’s", "x\u2028y", "x\u0085y", "x\x1cy", "tab\there", "\ufeffword",
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen x"]
    return sample + odd + pairs + hand


def test_search_in_the_browser_finds_what_the_portal_finds_on_the_real_corpus(real_site, tmp_path, page):
    out = tmp_path / "public"
    r = CliRunner().invoke(main, ["site", "build", "--out", str(out)])
    assert r.exit_code == 0, r.output
    queries = _queries(real_site / "docs" / "incidents")
    assert len(queries) > 600
    page.goto((out / "postmortems" / "index.html").as_uri())
    page.wait_for_function("window.lunr && window.HINDSIGHT_SEARCH")
    found = page.evaluate("qs => qs.map(q => { const s = window.hindsightSearch(q); return s ? [...s] : []; })",
                          queries)
    from hindsight.config import load
    from hindsight.web import create_app
    from hindsight.web.auth import AuthSettings

    with Server(create_app(load(), auth=AuthSettings(), refresh_seconds=0)) as s:
        api = s.client()
        portal = [_portal_ids(api, q) for q in queries]
    wrong = [(q, sorted(set(f) - p), sorted(p - set(f))) for q, f, p in zip(queries, found, portal) if set(f) != p]
    assert not wrong, f"{len(wrong)} of {len(queries)} queries differ (query, only the site's, only the portal's): " \
        f"{wrong[:6]}"
    assert sum(1 for f in found if f) > 400  # the queries find things: the sample is not all misses


def _fts5(tokenize: str, texts: list[str]) -> list[list[str]]:
    """The terms FTS5 makes of each text, in order."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{tokenize}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", enumerate(texts, 1))
    out: list[list[str]] = [[] for _ in texts]
    for doc, term in db.execute("SELECT doc, term FROM v ORDER BY doc, offset"):
        out[doc - 1].append(term)
    return out


def test_the_browser_reads_a_word_as_fts5_reads_it(real_site, tmp_path, page):
    """Every character of Unicode between two letters is split, dropped or folded in the browser as FTS5's
    unicode61 does it; every word of the real postmortems, and its inflections, stems as FTS5's porter."""
    out = tmp_path / "public"
    assert CliRunner().invoke(main, ["site", "build", "--out", str(out)]).exit_code == 0
    page.goto((out / "postmortems" / "index.html").as_uri())
    page.wait_for_function("window.hindsightTokens && window.porterStemmer && window.HINDSIGHT_SEARCH")

    chunks = [" ".join(f"a{chr(c)}b" for c in range(lo, min(lo + 0x10000, 0x110000)) if not 0xD800 <= c < 0xE000)
              for lo in range(0x80, 0x110000, 0x10000)]
    browser = page.evaluate("cs => cs.map(c => window.hindsightTokens(c).join(' '))", chunks)
    for chunk, theirs, ours in zip(chunks, _fts5("unicode61", chunks), browser):
        assert ours == " ".join(theirs), f"first code point {ord(chunk[1]):#x}"

    words = sorted({t for p in (real_site / "docs" / "incidents").glob("*.md")
                    for t in _fts5("unicode61", [p.read_text(encoding="utf-8")])[0]})
    endings = ["", "s", "es", "ed", "ing", "y", "ly", "ness", "ational", "ies", "ied", "eed", "ful", "ment", "ity",
               "iveness", "alli", "bli", "logi", "e", "ll", "ying"]
    # The only words the browser stems unlike FTS5, if they are in no postmortem: `yy` before -ed or -ing
    # (FTS5 reads it as a doubled consonant), and letters outside ASCII.
    made = [w + e for w in words if w.isascii() for e in endings if not re.search("yy(ed|ing)$", w + e)]
    made = sorted(set(made) - set(words))
    assert len(words) > 5_000 and len(made) > 80_000
    for batch in (words, made):
        stems = page.evaluate("ws => ws.map(w => window.hindsightStem(w))", batch)
        theirs = [t[0] if t else "" for t in _fts5("porter unicode61", batch)]
        wrong = [(w, a, b) for w, a, b in zip(batch, stems, theirs) if a != b]
        assert wrong == [], wrong[:20]


def _all_bytes(out: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())


def test_a_restricted_postmortem_is_nowhere_in_the_site_but_in_its_groups_own(site, tmp_path, page):
    out = tmp_path / "public"
    build(out)
    everything = _all_bytes(out).lower()
    for secret in (b"zebracorn", b"credential leak", b"signing key", b"through a build log"):
        assert secret not in everything, secret
    home = (out / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<dt>Postmortems</dt><dd>5</dd>", home)
    index = (out / "static" / "search-index.js").read_text(encoding="utf-8")
    assert len(json.loads(index.split("=", 1)[1].rstrip().rstrip(";"))["docs"]) == 5

    security = tmp_path / "security"
    build(security, "--groups", " security ")
    assert (security / "postmortems" / f"{SECRET}.html").is_file()
    assert re.search(r"<dt>Postmortems</dt><dd>6</dd>", (security / "index.html").read_text(encoding="utf-8"))
    page.goto((security / "postmortems" / "index.html").as_uri())
    page.fill("input[name=q]", "zebracorn keys")
    assert page.locator("#results tbody tr[data-id]:not([hidden])").evaluate_all(
        "rs => rs.map(r => r.dataset.id)") == [SECRET]

    # The same folder rebuilt for everyone: the group's pages go, and nothing of them is left.
    build(security)
    assert b"zebracorn" not in _all_bytes(security).lower()


def test_a_rebuild_writes_only_what_a_change_touches(site, tmp_path):
    out = tmp_path / "public"
    r = build(out)
    # Every page is new, and the restricted postmortem's is not among them.
    assert "0 unchanged" in r.stderr and "5 postmortem page(s) rendered" in r.stderr
    files = [p for p in out.rglob("*") if p.is_file() and p.name != ".hindsight-site.json"]
    again = build(out).stderr
    assert f"0 file(s) written, {len(files)} unchanged, 0 removed; 0 postmortem page(s) rendered" in again
    before = {n: (out / n).stat().st_mtime_ns for n in pages(out)}

    doc = site / "docs" / "incidents" / f"{POOL}.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Connection pool", "Connection pool (the primary's)", 1),
                   encoding="utf-8")
    r = build(out)
    assert "1 postmortem page(s) rendered" in r.stderr
    changed = {n for n in pages(out) if (out / n).stat().st_mtime_ns != before[n]}
    assert f"postmortems/{POOL}.html" in changed
    assert not any(n.startswith("postmortems/2026-") for n in changed), changed
    page = (out / "postmortems" / f"{POOL}.html").read_text(encoding="utf-8")
    assert "Connection pool (the primary's) exhausted" in page

    doc.unlink()
    r = build(out)
    # Its page goes, and so does the review of its month, which has no postmortem left.
    assert "2 removed" in r.stderr and not (out / "postmortems" / f"{POOL}.html").exists()
    assert not (out / "review" / "2025-12.html").exists() and (out / "review" / "2026-01.html").exists()


def test_the_site_never_writes_over_or_removes_what_it_did_not_make(site, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my page", encoding="utf-8")
    r = build(mine, code=2)
    assert "holds files `hindsight site build` did not write" in r.output and "empty or new folder" in r.output
    assert (mine / "index.html").read_text(encoding="utf-8") == "my page"
    r = build(site, code=2)
    assert "over the project" in r.output

    out = tmp_path / "public"
    build(out)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep", encoding="utf-8")
    manifest = json.loads((out / ".hindsight-site.json").read_text(encoding="utf-8"))
    manifest["files"] += ["../precious.txt", str(outside), "", 7]
    (out / ".hindsight-site.json").write_text(json.dumps(manifest), encoding="utf-8")
    build(out)
    assert outside.read_text(encoding="utf-8") == "keep"

    (out / ".hindsight-site.json").write_text("{not json", encoding="utf-8")
    assert "no readable .hindsight-site.json" in build(out, code=2).output


def test_the_company_site_shows_what_the_company_reads(site, tmp_path, page):
    out, engineering = tmp_path / "company", tmp_path / "engineering"
    build(out, "--audience", "company")
    build(engineering)
    shown = (out / "postmortems" / f"{POOL}.html").read_text(encoding="utf-8")
    assert "Findings" not in shown and "Timeline" not in shown and "Root Cause" not in shown
    assert "Top action items" in shown and "Users Affected: ~12,000" in shown
    assert "Timeline" in (engineering / "postmortems" / f"{POOL}.html").read_text(encoding="utf-8")

    # Search finds a postmortem by what its page shows, and by no word the company does not read.
    def finds(folder: Path, q: str) -> list[str]:
        page.goto((folder / "postmortems" / "index.html").as_uri())
        page.wait_for_function("window.lunr && window.HINDSIGHT_SEARCH")
        return sorted(page.evaluate("q => [...window.hindsightSearch(q)]", q))

    assert finds(engineering, "rollback unchanged") == [POOL] and finds(out, "rollback unchanged") == []
    assert finds(out, "connection wait alert") == [POOL]  # an action item on its page
    assert finds(out, "intermittent 503") == finds(engineering, "intermittent 503") == [POOL]


def test_the_site_is_the_same_bytes_when_built_twice(site, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build(a)
    shutil.rmtree(site / ".hindsight")  # the charts drawn again, not read from the cache
    build(b)
    assert pages(a) == pages(b)
    for name in [*pages(a), "static/search-index.js"]:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
