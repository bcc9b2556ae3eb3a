"""What every route of the portal shares: the workspace, the signed-in user, the templates, a page cache.

Routes get it with `portal_of(request)` and the user with `user_of(request)`;
nothing in a route decides what a figure means: it asks the workspace, as the
CLI does, and renders the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..replica import Writer
from ..workspace import Cache, Workspace
from .auth import AuthSettings, User
from .pagecache import PageCache
from .templating import environment


class Portal:
    """The portal's one service object, over one workspace."""

    def __init__(self, workspace: Workspace, auth: AuthSettings, *, refresh_seconds: float = 2.0,
                 today: dt.date | None = None, writer: Writer | None = None, hook_secret: str | None = None,
                 page_cache: PageCache | None = None):
        self.workspace = workspace
        self.writer = writer or Writer(workspace)
        #: The git host's webhook secret (`POST /api/hooks/git`); None: no webhook.
        self.hook_secret = hook_secret
        self.pinned_today = today
        self.auth = auth
        self.refresh_seconds = refresh_seconds
        self.env = environment()
        self.pages = Cache(256)  # rendered HTML, keyed by what it shows
        #: Rendered parts of pages shared by the portal's processes (a postmortem's body, say).
        self.page_cache = page_cache or PageCache(workspace.root / ".hindsight" / "pages.sqlite",
                                                  config=_config_text(workspace))

    def today(self) -> dt.date:
        """The date deadlines and overdue items are measured against: today, unless the portal was started
        as of another day (`hindsight serve --today`, for a demo of the bundled examples)."""
        return self.pinned_today or dt.date.today()

    def cached(self, key: tuple, make: Callable[[], Any]) -> Any:
        return self.pages.get(key, make)

    def render(self, name: str, request: Request, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        user: User = request.state.user
        ctx.setdefault("sources", self.workspace.sources())
        ctx.setdefault("source", request.query_params.get("source") or "")
        body = self.env.get_template(name).render(user=user, csrf=request.state.csrf, request_path=request.url.path,
                                                  today=self.today(), **ctx)
        return HTMLResponse(body, status_code=status_code)


def _config_text(workspace: Workspace) -> str:
    """The configuration's text, part of every rendered part's key (rules and options change findings)."""
    source = workspace.config.source
    try:
        return source.read_text(encoding="utf-8", errors="replace") if source is not None else ""
    except OSError:
        return ""


def portal_of(request: Request) -> Portal:
    return request.app.state.portal


def user_of(request: Request) -> User:
    return request.state.user
