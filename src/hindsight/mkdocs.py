"""The MkDocs plugin `hindsight`: postmortems, action items and monthly reviews in an existing MkDocs site.

`plugins: [search, hindsight]` in `mkdocs.yml` (with `techdocs-core` in
Backstage TechDocs) adds, under `postmortems/` (or where the incidents folder
already is in the docs):

- `index.md`: what needs attention (the portal's home page) and every
  postmortem, newest first;
- one page per postmortem: the document as written, rendered as every other
  rendering of it is (raw HTML shown as text, no request anywhere);
- `actions.md`: every action item, as the portal's board lists them;
- `reviews.md` and `reviews/YYYY-MM.md`: each month's review, with its
  charts.

The pages come from the portal's templates and the workspace's answers (the
same calls as `hindsight site build`), so they count what the portal counts.
Only what the configured `groups` may read is built: by default nobody's, so no
restricted postmortem is in the site. Nothing else of the incidents folder
reaches the site when it is inside the docs folder: its raw Markdown files are
replaced by these pages (a restricted or unreadable one by nothing), and the
incident register is left out.

    plugins:
      - search
      - hindsight:
          path: postmortems       # where in the site (default: as above)
          groups: []              # whose restricted postmortems to include
          today: 2026-05-01       # the date figures are computed as of (default: the build's day)
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config as BaseConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

log = get_plugin_logger(__name__)
CSS = "assets/hindsight.css"


class HindsightConfig(BaseConfig):
    path = opt.Optional(opt.Type(str))
    groups = opt.ListOfItems(opt.Type(str), default=[])
    today = opt.Optional(opt.Type((str, dt.date)))
    title = opt.Type(str, default="Postmortems")


@dataclass
class _Page:
    """One page this plugin adds: its title, whether it is in the navigation, and how its HTML is made
    (given its own address in the docs, which its links are relative to)."""

    title: str
    in_nav: bool
    render: Callable[[str], str]


class HindsightPlugin(BasePlugin[HindsightConfig]):
    """Adds the postmortems, the action items and the monthly reviews to an MkDocs site."""

    def on_config(self, config):
        from .access import Viewer
        from .config import load
        from .errors import HindsightError
        from .workspace import Workspace

        root = Path(config.config_file_path or ".").resolve().parent
        try:
            self.ws = Workspace(load(root))
        except HindsightError as e:
            raise PluginError(f"hindsight: {e}") from None
        self.viewer = Viewer.member_of([g.strip() for g in self.config.groups if g.strip()], can_edit=False,
                                       name="docs")
        today = self.config.today
        try:
            self.today = today if isinstance(today, dt.date) else dt.date.fromisoformat(today) if today else \
                dt.date.today()
        except ValueError:
            raise PluginError(f"hindsight: `today: {today}` is not a date; write it as YYYY-MM-DD") from None
        self.docs = Path(config.docs_dir).resolve()
        self.folder = self.ws.folder.resolve()
        self.inside = self.folder == self.docs or self.docs in self.folder.parents
        base = self.config.path if self.config.path is not None else \
            self.folder.relative_to(self.docs).as_posix() if self.inside else "postmortems"
        self.base = base.strip("/")
        if ".." in Path(self.base).parts or Path(self.base).is_absolute():
            raise PluginError(f"hindsight: `path: {self.config.path}` must be a folder inside the docs")
        self.pages = self._plan()
        if isinstance(config.nav, list) and not _mentions(config.nav, self._uri("")):
            config.nav.append({self.config.title: [self._uri("index.md"), self._uri("actions.md"),
                                                   self._uri("reviews.md")]})
        config.extra_css.append(CSS)
        return config

    def on_files(self, files: Files, config) -> Files:
        from importlib.resources import files as resources

        register = (self.folder / self.ws.config.get("register")).resolve()
        for f in list(files):
            path = Path(f.abs_src_path).resolve() if f.abs_src_path else None
            if path is None or not (path == register or (self.folder in path.parents and path.suffix.lower() in
                                                           (".md", ".markdown"))):
                continue
            # Fail closed: a postmortem reaches the site only as the page made of it, for whom may read it.
            files.remove(f)
            log.debug("left out %s: the site shows the postmortems as Hindsight's pages", f.src_uri)
        for uri, page in self.pages.items():
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"hindsight: {uri} is already a page of the docs; set `path:` of the hindsight "
                                  "plugin to a folder of its own")
            # MkDocs themes write a page's title as HTML (in the navigation too): it goes in escaped.
            stub = f"---\ntitle: {json.dumps(html.escape(page.title), ensure_ascii=False)}\n---\n"
            files.append(File.generated(config, uri, content=stub, inclusion=InclusionLevel.INCLUDED if page.in_nav
                                        else InclusionLevel.NOT_IN_NAV))
        css = resources("hindsight.site").joinpath("static/mkdocs.css").read_text(encoding="utf-8")
        files.append(File.generated(config, CSS, content=css))
        self.files = files
        return files

    def on_page_content(self, html: str, page, config, files: Files) -> str:
        made = self.pages.get(page.file.src_uri)
        if made is None or page.file.generated_by is None:
            return html
        body, toc = _with_ids(made.render(page.file.src_uri))
        page.toc = get_toc(toc)
        return f'<div class="hindsight">{body}</div>'

    def _link(self, here: str, uri: str) -> str:
        """The link from the page `here` to the page `uri` (both addresses in the docs)."""
        target, page = self.files.get_file_from_path(uri), self.files.get_file_from_path(here)
        return target.url_relative_to(page) if target is not None and page is not None else "#"

    # -- the pages ---------------------------------------------------------------------------------------
    def _uri(self, name: str) -> str:
        return posixpath.join(self.base, name) if self.base else name

    def _page_uri(self, record) -> str:
        """A postmortem's page: where its file is in the docs (so links to it keep working), else under
        `path`."""
        file = (self.ws.root / record.path).resolve()
        if self.inside and self.config.path is None and self.docs in file.parents:
            return file.relative_to(self.docs).with_suffix(".md").as_posix()
        return self._uri(f"{record.id.replace(':', '/', 1)}.md")  # a source's postmortems: a folder of its own

    def _plan(self) -> dict[str, _Page]:
        from . import review as review_lib
        from .render.html import strip_front_matter, to_html
        from .review import charts, report
        from .site import gather, keep_charts, months
        from .web.templating import READER, environment

        ws, viewer, today = self.ws, self.viewer, self.today
        keep_charts(ws)
        seen = gather(ws, viewer, today)
        uri_of = {r.id: self._page_uri(r) for r in seen.records}
        default = review_lib.default_month(today)
        month_list = months(seen.records, today)

        def portal_uri(path: str) -> str:
            parts = [p for p in path.partition("?")[0].split("/") if p]
            if parts[:1] == ["postmortems"] and len(parts) == 2:
                return uri_of.get(parts[1], self._uri("index.md"))
            if parts[:1] == ["actions"]:
                return self._uri("actions.md")
            if parts[:1] == ["review"]:
                return self._uri(f"reviews/{parts[1]}.md" if len(parts) == 2 else "reviews.md")
            return self._uri("index.md")

        # One environment for every page: a template's `url()` links from the page being made (its address is
        # the template's `request_path`) to the page that stands for a portal path.
        env = environment(static=True, link=lambda here, path: self._link(here, portal_uri(path)))

        def fragment(template: str, here: str, **ctx: Any) -> str:
            tpl = env.get_template(template)
            context = tpl.new_context({"user": READER, "csrf": "", "request_path": here, "today": today, **ctx})
            return "".join(tpl.blocks["main"](context)) if "main" in tpl.blocks else tpl.render(context.get_all())

        chart = charts.home_chart(seen.home.figures, ws.levels)
        items = [a.to_dict(today) | {"file_id": a.file_id} for a in seen.items]
        pages: dict[str, _Page] = {
            self._uri("index.md"): _Page(self.config.title, True, lambda here: (
                fragment("home.html.j2", here, home=seen.home, chart=chart, limit=20) + "<h2>Every postmortem</h2>"
                + fragment("postmortems_results.html.j2", here, listing=seen.listing, snippets={}, q=""))),
            self._uri("actions.md"): _Page("Action items", True, lambda here: "<h1>Action items</h1>" + fragment(
                "actions_results.html.j2", here, total=len(items), items=items)),
        }
        by_file = {(ws.root / r.path).resolve(): uri_of[r.id] for r in seen.records}

        def postmortem(record) -> _Page:
            folder = (ws.root / record.path).resolve().parent
            body = to_html(strip_front_matter(ws.text(viewer, record.id)))
            return _Page(record.title or record.id, False, lambda here: _md_links(
                body, folder, by_file, self.docs, lambda uri: self._link(here, uri)))

        for r in seen.records:
            pages[uri_of[r.id]] = postmortem(r)

        def review(month: str) -> _Page:
            data = ws.review(viewer, month, today)
            return _Page(f"Review {month}", False, lambda here: report.html_body(
                data, ws.levels, lambda ref: self._link(here, uri_of[ref["id"]]) if ref.get("id") in uri_of else None))

        for month in month_list:
            pages[self._uri(f"reviews/{month}.md")] = review(month)
        pages[self._uri("reviews.md")] = _Page("Monthly reviews", True, lambda here: (
            "<h1>Monthly reviews</h1><ul>" + "".join(
                f'<li><a href="{self._link(here, self._uri(f"reviews/{m}.md"))}">{m}</a>'
                + (" (the month that ended last)" if m == default else "") + "</li>" for m in month_list)
            + "</ul>"))
        return pages


_HREF = re.compile(r'href="([^"]*)"')


def _md_links(body: str, here: Path, pages: dict[Path, str], docs: Path, link: Callable[[str], str]) -> str:
    """A postmortem's links to Markdown files (`2025-12-09-db.md#timeline`), as MkDocs makes them in its own
    pages: to the page of that postmortem, or of that page of the docs; any other link as it is."""

    def to(m: re.Match) -> str:
        href = html.unescape(m.group(1))
        path, hash_, fragment = href.partition("#")
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|/", path) or not path.lower().endswith(".md"):
            return m.group(0)
        target = (here / path).resolve()
        uri = pages.get(target)
        if uri is None and docs in target.parents:
            uri = target.relative_to(docs).as_posix()
        return f'href="{html.escape(link(uri) + hash_ + fragment)}"' if uri else m.group(0)

    return _HREF.sub(to, body)



def _mentions(nav: Any, prefix: str) -> bool:
    """Whether the `nav` of mkdocs.yml already names a page under `prefix`."""
    if isinstance(nav, str):
        return nav.startswith(prefix)
    if isinstance(nav, dict):
        return any(_mentions(v, prefix) for v in nav.values())
    if isinstance(nav, list):
        return any(_mentions(v, prefix) for v in nav)
    return False


_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)


def _with_ids(body: str) -> tuple[str, list[dict[str, Any]]]:
    """`body` (Hindsight's own HTML, escaped) with an id on each heading, and the table of contents MkDocs
    themes show beside the page (the `toc` extension's tokens)."""
    from markdown.extensions.toc import slugify, unique

    used: set[str] = set()
    flat: list[dict[str, Any]] = []

    def name(m: re.Match) -> str:
        level, inner = int(m.group(1)), m.group(2)
        text = re.sub(r"<[^>]+>", "", inner)
        ident = unique(slugify(html.unescape(text), "-") or "section", used)
        flat.append({"level": level, "id": ident, "name": inner, "children": []})
        return f'<h{level} id="{ident}">{inner}</h{level}>'

    out = _HEADING.sub(name, body)
    toc: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for item in flat:
        while stack and stack[-1]["level"] >= item["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else toc).append(item)
        stack.append(item)
    return out, toc
