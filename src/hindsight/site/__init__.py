"""`hindsight site build`: the portal's pages as a static, read-only site.

The home page, the postmortem list, each postmortem with its findings and
action items, the action board and every month's review, rendered with the
portal's templates from the same workspace calls, so a page looks and counts
the same in both. Links are relative (`../postmortems/x.html`), every asset is
in the site (no request leaves it), and it opens from any static host or from
`file://`. Search runs in the browser, over a prebuilt lunr index of the same
words the portal's index holds (`hindsight.site.search`); the filters of the
list and of the board run in the browser too.

Only what the `Viewer` may see is built: by default nobody's groups, so no
restricted postmortem, item, word or count is in the site; `--groups` builds
the site a group's members would see, to publish where only they can read it.

A rebuild renders a postmortem's page only when its file (or the day, or the
build's settings) changed since the last build, and writes a file only when
its bytes change; a page whose postmortem is gone, or no longer visible, is
removed. `.hindsight-site.json` in the output remembers what was built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import private_dir, write_file
from ..errors import InputError, WriteError

if TYPE_CHECKING:
    from ..access import Viewer
    from ..actions import ActionItem
    from ..records import Record
    from ..workspace import Home, Listing, Workspace

AUDIENCES = ("engineering", "company")
MANIFEST = ".hindsight-site.json"
#: Items shown under a heading of the home page, as in the portal.
HOME_LIMIT = 20
#: The static files every page uses: the portal's stylesheet, the search library, the site's script.
ASSETS = {"static/portal.css": ("hindsight.web", "static/portal.css"),
          "static/lunr.min.js": ("hindsight.site", "static/lunr.min.js"),
          "static/lunr.LICENSE.txt": ("hindsight.site", "static/lunr.LICENSE.txt"),
          "static/stemmer.LICENSE.txt": ("hindsight.site", "static/stemmer.LICENSE.txt"),
          "static/site.js": ("hindsight.site", "static/site.js")}


@dataclass
class Built:
    """What a build did: the files written (their bytes changed), how many were already as built, and the
    files removed."""

    out: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rendered: int = 0  # postmortem pages rendered (the others were as the last build left them)


@dataclass
class Gathered:
    """What the pages of a published site show, asked of the workspace once: the postmortems the reader may
    see, the home page's answers, the whole list, every action item."""

    records: list[Record]
    home: Home
    listing: Listing
    items: list[ActionItem]


def gather(ws: Workspace, viewer: Viewer, today: dt.date) -> Gathered:
    """The workspace's answers the site and the MkDocs plugin show, as the portal asks for them."""
    from ..actions import ActionQuery
    from ..workspace import PostmortemQuery

    records = ws.records(viewer)
    return Gathered(records, ws.home(viewer, today),
                    ws.postmortems(viewer, PostmortemQuery(page_size=max(1, len(records)))),
                    ws.actions(viewer, ActionQuery(), today))


def keep_charts(ws: Workspace) -> None:
    """Keep the charts drawn for this project in its `.hindsight/charts/`, so a rebuild draws none again."""
    from ..review import charts

    charts.use_cache(private_dir(ws.root / ".hindsight") / "charts")


def months(records: list[Record], today: dt.date) -> list[str]:
    """The months a published site has a review of, newest first: every month with a postmortem, and the
    month the review opens with (the one that ended last)."""
    from ..review import default_month

    return sorted({r.date.strftime("%Y-%m") for r in records if r.date} | {default_month(today)}, reverse=True)


def _fingerprint(ws: Workspace, audience: str, base_url: str, today: dt.date, viewer: Viewer) -> str:
    """What every page depends on besides its postmortem: the templates, the configuration, the day."""
    from importlib.metadata import version

    parts = [version("hindsight"), audience, base_url, today.isoformat(), str(viewer.cache_key()),
             json.dumps(ws.config.values, sort_keys=True, default=str)]
    for name in sorted(files("hindsight.web").joinpath("templates").iterdir(), key=lambda p: p.name):
        parts.append(name.read_text(encoding="utf-8"))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def build(ws: Workspace, out: Path, *, viewer: Viewer, today: dt.date, audience: str = "engineering",
          base_url: str = "") -> Built:
    """Build (or rebuild) the site in `out`."""
    from .. import review as review_lib
    from ..actions import ActionQuery
    from ..render.html import with_findings
    from ..review import charts, report
    from ..share import company_fragment
    from ..web.templating import READER, environment, relative, site_file
    from . import search

    if audience not in AUDIENCES:
        raise InputError(f"--audience `{audience}`: a site is built for {' or '.join(AUDIENCES)}")
    out = out.resolve()
    if out == ws.root.resolve() or out in ws.folder.resolve().parents or out == ws.folder.resolve():
        raise InputError(f"the site would be written over the project ({out}); give --out a folder of its own, "
                         "such as site/")
    old = _manifest(out)
    if not old and out.is_dir() and any(out.iterdir()):
        # Not a folder this command built: its files may be someone's, or an older site's pages of
        # postmortems this site must not show; neither is ours to keep or to remove.
        raise InputError(f"{out} holds files `hindsight site build` did not write (no readable {MANIFEST} in it); "
                         "give --out an empty or new folder")
    env = environment(static=True)
    key = _fingerprint(ws, audience, base_url, today, viewer)
    pages: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    built = Built(out)

    def render(template: str, path: str, **ctx: Any) -> None:
        html = env.get_template(template).render(user=READER, csrf="", request_path=path, today=today, **ctx)
        pages[site_file(path)] = html.encode("utf-8")

    keep_charts(ws)
    seen = gather(ws, viewer, today)
    records = seen.records
    render("home.html.j2", "/", home=seen.home, chart=charts.home_chart(seen.home.figures, ws.levels),
           limit=HOME_LIMIT)
    render("postmortems.html.j2", "/postmortems", listing=seen.listing, snippets={}, q="", severity="", status="",
           since="", until="", tag="", sort="date", statuses=ws.policy.statuses, levels=ws.levels)
    render("actions.html.j2", "/actions", items=[a.to_dict(today) | {"file_id": a.file_id} for a in seen.items],
           total=len(seen.items), owner="", status="", severity="", overdue=False, levels=ws.levels)

    def kept(name: str, token: str) -> bool:
        """Whether the file `name` the last build wrote from what `token` stands for is still what it
        was (then it is kept as it is, not made again)."""
        keys[name] = token
        if old.get("pages", {}).get(name) == token and (out / name).is_file():
            pages[name] = (out / name).read_bytes()
            return True
        return False

    for r in records:
        path = f"/postmortems/{r.id}"
        if kept(site_file(path), f"{r.version}:{key}"):  # the key names the day, settings and templates
            continue
        built.rendered += 1
        doc = ws.document(viewer, r.id, today)
        if audience == "company":
            body, findings = company_fragment(doc.pm, None), None
        else:
            body, findings = with_findings(doc.text, doc.findings), doc.findings
        render("postmortem.html.j2", path, doc=doc, pm=doc.pm, body=body, findings=findings,
               actions=ws.actions(viewer, ActionQuery(file=doc.id), today), audiences=())

    shown = months(records, today)
    for month in shown:
        data = ws.review(viewer, month, today)
        here = site_file(f"/review/{month}")  # /review (review/index.html) is in the same folder
        body = report.html_body(data, ws.levels, lambda ref, here=here: relative(
            here, f"/postmortems/{ref['id']}") if ref.get("id") else None)
        for path in (f"/review/{month}", *(["/review"] if month == review_lib.default_month(today) else [])):
            render("review.html.j2", path, month=month, body=body, months=shown)

    # The search index is made again only when a postmortem (or what the site is built as) changed.
    index = hashlib.sha256("\x1f".join([key, *(f"{r.id}:{r.version}" for r in records)]).encode()).hexdigest()[:16]
    if not kept("static/search-index.js", index):
        pages["static/search-index.js"] = search.script("HINDSIGHT_SEARCH", search.build(
            [_searched(ws, viewer, r, audience, today) for r in records])
            | {"docs": [_summary(r) for r in records]}).encode("utf-8")
    if not kept("static/search-tokens.js", f"sqlite {sqlite3.sqlite_version}"):
        pages["static/search-tokens.js"] = search.script("HINDSIGHT_TOKENS", search.tokenizer()).encode("utf-8")
    pages["static/stemmer.js"] = search.stemmer_script(
        files("hindsight.site").joinpath("static/stemmer.js").read_text(encoding="utf-8")).encode("utf-8")
    for name, (package, resource) in ASSETS.items():
        pages[name] = files(package).joinpath(resource).read_bytes()
    if base_url:
        pages["sitemap.xml"] = _sitemap(base_url, sorted(p for p in pages if p.endswith(".html"))).encode()
    _write(out, pages, old, built)
    _save_manifest(out, {"fingerprint": key, "pages": keys, "files": sorted(pages)})
    return built


def _searched(ws: Workspace, viewer: Viewer, r: Record, audience: str, today: dt.date) -> tuple[str, str, str]:
    """What search finds a postmortem by: the words its page shows, the whole text or what the company reads."""
    from ..actions import ActionQuery
    from ..share import company_fragment

    if audience == "engineering":
        return r.id, r.title or "", ws.text(viewer, r.id)
    doc = ws.document(viewer, r.id, today)
    actions = ws.actions(viewer, ActionQuery(file=doc.id), today)
    return doc.id, doc.pm.title or "", " ".join([_text(company_fragment(doc.pm, None)), *(a.action for a in actions)])


def _text(html: str) -> str:
    """The words of an HTML fragment."""
    from html.parser import HTMLParser

    words: list[str] = []
    parser = HTMLParser()
    parser.handle_data = words.append  # type: ignore[method-assign]
    parser.feed(html)
    parser.close()
    return " ".join(words)


def _summary(r) -> dict[str, Any]:
    """What the search shows of a postmortem it finds, in the list's order."""
    return {"id": r.id, "title": r.title or r.id, "date": r.date.isoformat() if r.date else None,
            "severity": r.severity, "status": r.status}


def _sitemap(base_url: str, pages: list[str]) -> str:
    from xml.sax.saxutils import escape

    base = base_url.rstrip("/") + "/"
    urls = "".join(f"<url><loc>{escape(base + p)}</loc></url>" for p in pages)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' \
           f"{urls}</urlset>\n"


def _manifest(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_manifest(out: Path, data: dict[str, Any]) -> None:
    write_file(out / MANIFEST, json.dumps(data, indent=1).encode("utf-8"))


def _inside(name: str) -> bool:
    path = Path(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name and "\0" not in name


def _write(out: Path, pages: dict[str, bytes], old: dict[str, Any], built: Built) -> None:
    for name, data in sorted(pages.items()):
        path = out / name
        try:
            if path.is_file() and path.read_bytes() == data:
                built.unchanged += 1
                continue
        except OSError:
            pass
        write_file(path, data)
        built.written.append(name)
    for name in old.get("files", []):
        # The manifest is a file in the output folder, so it is read as hostile: only a relative path inside
        # the site is ever removed.
        if name not in pages and isinstance(name, str) and _inside(name):
            try:
                (out / name).unlink()
                built.removed.append(name)
            except FileNotFoundError:
                pass
            except OSError as e:
                raise WriteError(f"cannot remove {name} ({e.strerror})", path=out) from None


__all__ = ["AUDIENCES", "Built", "Gathered", "build", "gather", "keep_charts", "months"]
