"""The portal's templates, for the portal, the static site (`hindsight site build`) and the MkDocs plugin alike.

One Jinja environment, with the same filters and globals in all three, so a
page cannot look or count differently in them. Templates link with
`url(path)`: the portal path itself in the portal (`/postmortems/x`); in the
static site the file that stands for it, relative to the page being written
(`../postmortems/x.html`), so the site works from any folder of any static
host and from `file://`; in an MkDocs site, the page the plugin made for it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

from jinja2 import Environment, FunctionLoader, pass_context, select_autoescape

from ..standard import ACTION_STATUSES, STATUS_EMOJI


@dataclass(frozen=True)
class Reader:
    """Whom a page read outside the portal is for: nobody signed in, who may change nothing."""

    name: str = ""
    role: str = "reader"
    can_edit: bool = False


READER = Reader()


def _template(name: str) -> str:
    return files("hindsight.web").joinpath(f"templates/{name}").read_text(encoding="utf-8")


def site_file(path: str) -> str:
    """The file of the static site that stands for a portal path: `/` → `index.html`, `/postmortems/x` →
    `postmortems/x.html`, `/actions?overdue=true` → `actions/index.html?overdue=true`."""
    path, _, query = path.partition("?")
    parts = [p for p in path.split("/") if p]
    if not parts:
        out = "index.html"
    elif parts[0] == "static":
        out = "/".join(parts)
    elif len(parts) == 1:
        out = f"{parts[0]}/index.html"
    else:
        # A postmortem from a source (`payments:2025-…`) gets a folder of its source's name: no colon in a file
        # name (which Windows refuses, and which a relative link would read as a URL scheme).
        out = "/".join(parts[:-1]) + f"/{parts[-1].replace(':', '/', 1)}.html"
    return out + (f"?{query}" if query else "")


def relative(page: str, path: str) -> str:
    """From the site file `page`, the link to the portal path `path` (for HTML rendered outside a template)."""
    target, _, query = site_file(path).partition("?")
    return posixpath.relpath(target, posixpath.dirname(page) or ".") + (f"?{query}" if query else "")


def site_link(here: str, path: str) -> str:
    """In the static site, the link from the page of the portal path `here` to the portal path `path`."""
    return relative(site_file(here), path)


def environment(*, static: bool = False, link: Callable[[str, str], str] | None = None) -> Environment:
    """The environment of the portal's templates; `static` for pages read outside the portal, where
    `link(here, path)` is the link from the page of the portal path `here` to the portal path `path`
    (by default, `site_link`: the static site's files)."""
    from ..parse.when import duration_text

    env = Environment(loader=FunctionLoader(_template), autoescape=select_autoescape(default=True))
    env.filters["rate"] = lambda v: "n/a" if v is None else f"{v:.0%}"
    env.filters["minutes"] = lambda v: "n/a" if v is None else duration_text(round(v))
    env.globals["action_statuses"] = ACTION_STATUSES
    env.globals["status_class"] = lambda s: {"DONE": "done", "WONTFIX": "wontfix", "IN PROGRESS": "doing",
                                             "TODO": "todo"}.get(s or "", "unknown")
    env.globals["status_emoji"] = STATUS_EMOJI
    if static:
        to = link or site_link
        env.globals["url"] = pass_context(lambda ctx, path: to(ctx.get("request_path") or "/", path))
    else:
        env.globals["url"] = lambda path: path
    env.globals["static_site"] = static
    return env


__all__ = ["READER", "Reader", "environment", "relative", "site_file", "site_link"]
