"""Routes of the portal: server-rendered pages (Jinja2, htmx for partial updates) and the JSON API."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import secrets
import subprocess
import threading
from collections import OrderedDict
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FunctionLoader, select_autoescape
from pydantic import BaseModel, ConfigDict

from .. import lifecycle
from ..actions import with_overdue
from ..config import Config
from ..errors import ConflictError, HindsightError
from ..standard import ACTION_STATUSES
from .auth import AuthSettings, User
from .index import Index

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
ACTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}#[A-Za-z0-9._-]{1,40}$")
PAGE_SIZE = 25
CSRF_COOKIE = "hs_csrf"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                               "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class ActionChange(BaseModel):
    """The fields of an action item the portal can change, and the version of the file they were read from."""

    model_config = ConfigDict(extra="forbid")
    status: str | None = None
    owner: str | None = None
    due: str | None = None
    ticket: str | None = None
    version: str | None = None


def _template(name: str) -> str:
    return files("hindsight.web").joinpath(f"templates/{name}").read_text(encoding="utf-8")


class Portal:
    """State shared by the routes: configuration, index, caches."""

    def __init__(self, config: Config, auth: AuthSettings, folder: Path | None = None, refresh_seconds: float = 2.0):
        self.config = config
        self.auth = auth
        self.folder = (folder or config.incidents_dir).resolve()
        self.index = Index(self.folder, config.root / ".hindsight" / "index.sqlite", refresh_seconds)
        self.env = Environment(loader=FunctionLoader(_template), autoescape=select_autoescape(default=True))
        self.env.filters["rate"] = lambda v: "n/a" if v is None else f"{v:.0%}"
        self.env.globals["action_statuses"] = ACTION_STATUSES
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.write_lock = threading.Lock()

    # -- caches keyed by file version -----------------------------------------------------------------
    def cached(self, key: tuple, make):
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > 512:
                self._cache.popitem(last=False)
        return value

    def text(self, row) -> str:
        """The file's text, read once per version for the model, its findings, its page and its shares."""
        from ..parse import read_text

        return self.cached(("text", row["id"], row["version"]), lambda: read_text(row["path"]))

    def model(self, row) -> Any:
        from ..parse import parse

        return self.cached(("model", row["id"], row["version"]), lambda: parse(self.text(row), path=row["path"]))

    def visible_rows(self, user: User, since: str | None = None, until: str | None = None) -> list:
        key = ("rows", self.index.generation, user.groups, since, until)
        return self.cached(key, lambda: self.index.query(user.groups, since=since, until=until, sort="date",
                                                         limit=-1)[0])

    def render(self, name: str, request: Request, user: User, **ctx) -> HTMLResponse:
        tpl = self.env.get_template(name)
        body = tpl.render(user=user, csrf=request.state.csrf, request_path=request.url.path, today=dt.date.today(),
                          **ctx)
        return HTMLResponse(body)


def create_app(config: Config, *, auth: AuthSettings | None = None, folder: Path | None = None,
               refresh_seconds: float = 2.0) -> FastAPI:
    """The portal as an ASGI application (serve it with uvicorn, or test it with httpx)."""
    portal = Portal(config, auth or AuthSettings(), folder, refresh_seconds)
    portal.index.refresh(force=True)
    if refresh_seconds > 0:
        portal.index.watch(refresh_seconds)  # requests never wait for a folder scan
    app = FastAPI(title="Hindsight", version="0.1.0", docs_url="/api/docs", openapi_url="/api/openapi.json",
                  redoc_url=None, description="Postmortems as code: the same data as the pages and the CLI.")
    app.state.portal = portal

    @app.middleware("http")
    async def guard(request: Request, call_next):
        user = portal.auth.user(request.client.host if request.client else None, request.headers)
        if user is None:
            resp: Response = JSONResponse({"detail": "sign in through the company proxy"}, status_code=401) \
                if request.url.path.startswith("/api/") else HTMLResponse(
                    "<h1>401</h1><p>Sign in through the company proxy.</p>", status_code=401)
            resp.headers.update(SECURITY_HEADERS)
            return resp
        request.state.user = user
        token = request.cookies.get(CSRF_COOKIE)
        request.state.csrf = token or secrets.token_urlsafe(24)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            sent = request.headers.get("X-CSRF-Token")
            if sent is None and request.headers.get("content-type", "").startswith(
                    "application/x-www-form-urlencoded"):
                # The body is read (and replayed to the route), not parsed as a form here: a form parsed
                # in middleware would leave the route waiting for a body already consumed.
                sent = (parse_qs((await request.body()).decode("utf-8", "replace")).get("csrf") or [None])[0]
            if not token or not sent or not secrets.compare_digest(token, str(sent)):
                resp = JSONResponse({"detail": "missing or wrong CSRF token; reload the page"}, status_code=403)
                resp.headers.update(SECURITY_HEADERS)
                return resp
        if refresh_seconds <= 0 and request.url.path != "/api/health" and not request.url.path.startswith("/static/"):
            portal.index.refresh(force=True)  # no watcher: look at the files on every request
        resp = await call_next(request)
        resp.headers.update(SECURITY_HEADERS)
        if not token:
            resp.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=False, samesite="strict")
        return resp

    def user_of(request: Request) -> User:
        return request.state.user

    def row_or_404(file_id: str, user: User):
        if not ID.match(file_id):
            raise HTTPException(404, "no such postmortem")
        row = portal.index.file(file_id)
        if row is None or not user.may_see(row["restricted"], row["allowed_groups"]):
            raise HTTPException(404, "no such postmortem")  # restricted ones do not exist for others
        return row

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    # -- static -------------------------------------------------------------------------------------
    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str):
        allowed = {"htmx.min.js": "text/javascript", "portal.css": "text/css"}
        if name not in allowed:
            raise HTTPException(404)
        data = files("hindsight.web").joinpath(f"static/{name}").read_bytes()
        return Response(data, media_type=allowed[name], headers={"Cache-Control": "public, max-age=3600"})

    # -- the JSON API -------------------------------------------------------------------------------
    @app.get("/api/health", tags=["api"])
    def health(request: Request) -> dict[str, Any]:
        return {"status": "ok", "postmortems": portal.index.query(user_of(request).groups, limit=0)[1]}

    @app.get("/api/postmortems", tags=["api"])
    def api_postmortems(request: Request, q: str | None = None, severity: str | None = None,
                        status: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
                        tag: str | None = None, sort: str = "date", page: int = Query(1, ge=1)) -> dict[str, Any]:
        rows, total, snippets = listing(user_of(request), q, severity, status, since, until, tag, sort, page)
        return {"total": total, "page": page, "page_size": PAGE_SIZE,
                "postmortems": [_row_json(r, snippets.get(r["id"])) for r in rows]}

    @app.get("/api/postmortems/{file_id}", tags=["api"])
    def api_postmortem(request: Request, file_id: str) -> JSONResponse:
        row = row_or_404(file_id, user_of(request))
        pm = portal.model(row)
        data = json.loads(pm.to_json())
        data["id"] = row["id"]
        data["version"] = row["version"]
        data["findings"] = [f.to_dict() for f in findings_for(row)]
        return JSONResponse(data)

    @app.get("/api/actions", tags=["api"])
    def api_actions(request: Request, owner: str | None = None, status: str | None = None,
                    severity: str | None = None, overdue: bool = False) -> list[dict[str, Any]]:
        return [_action_json(a) for a in action_rows(user_of(request), owner, status, severity, overdue)[0]]

    @app.patch("/api/actions/{action_id:path}", tags=["api"])
    def api_patch_action(request: Request, action_id: str, change: ActionChange) -> JSONResponse:
        """Change an action item in its file: one cell, atomically; 409 if `version` is stale."""
        user = user_of(request)
        try:
            item = edit_action(user, action_id, change.model_dump(exclude_none=True))
        except ConflictError as e:
            return JSONResponse({"detail": str(e), "current": current_action(action_id)}, status_code=409)
        return JSONResponse(item)

    @app.get("/api/review/{month}", tags=["api"])
    def api_review(request: Request, month: str) -> dict[str, Any]:
        return review_data(user_of(request), month)

    # -- helpers shared by pages and API ----------------------------------------------------------------
    def listing(user: User, q, severity, status, since, until, tag, sort, page):
        args = dict(q=q, severity=severity, status=status, since=since.isoformat() if since else None,
                    until=until.isoformat() if until else None, tag=tag, sort=sort, limit=PAGE_SIZE,
                    offset=(page - 1) * PAGE_SIZE)
        # Results are kept until the index changes: popular searches cost one query per change.
        key = ("query", portal.index.generation, user.groups, tuple(sorted(args.items())))
        rows, total = portal.cached(key, lambda: portal.index.query(user.groups, **args))
        snippets = {r["id"]: r["snip"] for r in rows if r["snip"] is not None}
        return rows, total, snippets

    def findings_for(row) -> list:
        from ..lint.engine import check_text, make_settings

        return portal.cached(("findings", row["id"], row["version"], dt.date.today()), lambda: check_text(
            portal.text(row), row["path"], make_settings(portal.config, today=dt.date.today())))

    def action_rows(user: User, owner=None, status=None, severity=None, overdue=False, file_id=None,
                    limit=None) -> tuple[list[dict[str, Any]], int]:
        today = dt.date.today()
        rows, total = portal.index.visible_actions(user.groups, owner=owner, status=status, severity=severity,
                                                   overdue_before=today.isoformat() if overdue else None,
                                                   file_id=file_id, limit=limit)
        return with_overdue(rows, today), total

    def current_action(action_id: str) -> dict[str, Any] | None:
        file_id = action_id.split("#", 1)[0]
        portal.index.refresh(force=True)
        row = portal.index.db.execute("SELECT * FROM actions WHERE id = ?", (action_id,)).fetchone()
        frow = portal.index.file(file_id)
        if row is None or frow is None:
            return None
        return _action_json(with_overdue([dict(row) | {"path": frow["path"], "version": frow["version"]}],
                                         dt.date.today())[0])

    def edit_action(user: User, action_id: str, change: dict[str, Any]) -> dict[str, Any]:
        from ..edit import set_action

        if not user.can_edit:
            raise HTTPException(403, "you may not edit: the portal is read-only for you")
        if not ACTION_ID.match(action_id):
            raise HTTPException(404, "no such action item")
        file_id = action_id.split("#", 1)[0]
        row = row_or_404(file_id, user)
        unknown = set(change) - {"status", "owner", "due", "ticket", "version"}
        if unknown:
            raise HTTPException(400, f"unknown field {sorted(unknown)[0]}; use status, owner, due, ticket, version")
        due = None
        if change.get("due"):
            try:
                due = dt.date.fromisoformat(str(change["due"]))
            except ValueError:
                raise HTTPException(400, f"due `{change['due']}` is not a date; write YYYY-MM-DD") from None
        with portal.write_lock:
            try:
                changes = set_action(Path(row["path"]), action_id, status=change.get("status") or None,
                                     owner=change.get("owner") or None, due=due, ticket=change.get("ticket") or None,
                                     expected_version=change.get("version") or None)
            except ConflictError:
                raise
            except HindsightError as e:
                raise HTTPException(400, str(e)) from None
            commit(Path(row["path"]), user, f"{action_id}: " + "; ".join(
                f"{c.field} {c.before or '(empty)'} -> {c.after}" for c in changes) if changes else action_id)
            portal.index.refresh(force=True)
        current = current_action(action_id)
        return current or {}

    def commit(path: Path, user: User, message: str) -> None:
        """Commit one edited file as the signed-in user, when the folder is in a git work tree."""
        root = subprocess.run(["git", "-C", str(path.parent), "rev-parse", "--show-toplevel"], capture_output=True,
                              text=True)
        if root.returncode != 0:
            return
        env = {"GIT_COMMITTER_NAME": "Hindsight portal", "GIT_COMMITTER_EMAIL": "hindsight@localhost",
               "PATH": "/usr/bin:/bin:/usr/local/bin"}
        author = f"{user.name} <{user.name if '@' in user.name else user.name + '@users.hindsight'}>"
        subprocess.run(["git", "-C", str(path.parent), "add", "--", str(path)], capture_output=True, env=env)
        subprocess.run(["git", "-C", str(path.parent), "commit", "-q", "-m", message, f"--author={author}", "--",
                        str(path)], capture_output=True, env=env)

    def review_data(user: User, month: str) -> dict[str, Any]:
        from .. import review as lib

        try:
            since, until = lib.span(month)
        except HindsightError as e:
            raise HTTPException(400, str(e)) from None
        rows = portal.visible_rows(user, since=since.isoformat(), until=until.isoformat())
        key = ("review", month, portal.index.generation, dt.date.today(), user.groups)
        return portal.cached(key, lambda: lib.compute([portal.model(r) for r in rows], month, dt.date.today(),
                                                      portal.config))

    # -- pages --------------------------------------------------------------------------------------
    from . import pages

    pages.register(app, portal, listing=listing, row_or_404=row_or_404, findings_for=findings_for,
                   action_rows=action_rows, edit_action=edit_action, current_action=current_action,
                   review_data=review_data, commit=commit, user_of=user_of)
    return app


def _row_json(r, snippet: str | None = None) -> dict[str, Any]:
    return {"id": r["id"], "path": r["path"], "date": r["date"], "severity": r["severity"], "status": r["status"],
            "title": r["title"], "action_items": r["total_actions"], "open_action_items": r["open_actions"],
            **({"snippet": html_snippet(snippet)} if snippet is not None else {})}


def _action_json(a: dict[str, Any]) -> dict[str, Any]:
    """An action row (with `overdue`) in the CLI's JSON shape."""
    return {"id": a["id"], "path": a.get("path"), "line": a["line"], "action": a["action"], "owner": a["owner"],
            "due": a["due"], "status": a["status"], "ticket": a["ticket"], "severity": a["severity"],
            "incident_date": a["incident_date"],
            "overdue": a["overdue"],
            **({"version": a["version"]} if "version" in a else {})}


def html_snippet(snippet: str | None) -> str:
    """An FTS snippet as safe HTML: the document's text escaped, the matches in <mark>."""
    return html.escape(snippet or "").replace("\x02", "<mark>").replace("\x03", "</mark>")


def lifecycle_rows(portal: Portal, rows: list) -> list:
    """Lifecycle assessments from the index, without reading the files."""
    from ..model import ActionItem, Postmortem

    policy = lifecycle.Policy.from_config(portal.config)
    today = dt.date.today()
    acts: dict[str, list] = {}
    for a in portal.index.actions():
        acts.setdefault(a["file_id"], []).append(a)
    out = []
    for r in rows:
        items = [ActionItem.model_construct(id=a["id"], action=a["action"], status=a["status"],
                                            due=dt.date.fromisoformat(a["due"]) if a["due"] else None)
                 for a in acts.get(r["id"], [])]
        pm = Postmortem.model_construct(
            path=r["path"], title=r["title"], severity=r["severity"], status=r["status"],
            date=dt.date.fromisoformat(r["date"]) if r["date"] else None,
            end=dt.datetime.fromisoformat(r["end_at"]) if r["end_at"] else None, action_items=items)
        a = lifecycle.assess(pm, policy, today)
        a.path = r["id"]
        out.append(a)
    return out


