"""The portal as an ASGI application: one workspace over the SQLite index, the routers, the error mapping."""

from __future__ import annotations

import datetime as dt
import logging
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..config import Config
from ..errors import (
    ConfigError,
    ConflictError,
    HindsightError,
    InputError,
    NotFoundError,
    ReadError,
    RefusedError,
    RemoteError,
    WriteError,
)
from ..records import Reader
from ..store.sqlite import SqliteStore
from ..workspace import Workspace
from . import api, pages, security
from .auth import AuthSettings
from .portal import Portal

#: The HTTP status of each kind of error the library raises (the most specific kind first).
STATUS = ((NotFoundError, 404), (InputError, 400), (RefusedError, 403), (ConflictError, 409), (ReadError, 422),
          (ConfigError, 500), (WriteError, 500), (RemoteError, 502), (HindsightError, 500))
STATIC = {"htmx.min.js": "text/javascript", "portal.css": "text/css"}
#: The one answer for anything that does not exist or that the asker may not see.
NOT_FOUND = "no such postmortem or action item"


#: How uvicorn serves the portal, whatever the number of processes (see `server_config`).
SERVER_OPTIONS: dict[str, Any] = {"proxy_headers": False, "forwarded_allow_ips": "", "server_header": False}


def server_config(app: FastAPI, host: str, port: int, *, log_level: str = "warning"):
    """How the portal is served (by `hindsight serve`, and by the tests): uvicorn, with the server's own
    reading of `X-Forwarded-For` switched off. The portal alone decides whom to trust, from the address
    that really connected (`--trusted-proxy`); a server that rewrote that address from a header any
    client can send would let anyone claim to be the proxy."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level=log_level, **SERVER_OPTIONS)


def status_of(error: HindsightError) -> int:
    return next(code for kind, code in STATUS if isinstance(error, kind))


def open_index(config: Config, folder: Path, *, refresh_seconds: float = 2.0) -> SqliteStore:
    """The portal's index of `folder` (`.hindsight/index.sqlite`), opened; not yet brought up to date."""
    return SqliteStore(Reader.for_config(config, folder), folder, config.root / ".hindsight" / "index.sqlite",
                       refresh_seconds=refresh_seconds)


def create_app(config: Config, *, auth: AuthSettings | None = None, folder: Path | None = None,
               refresh_seconds: float = 2.0, today: dt.date | None = None, push: bool = False,
               pull_interval: float = 0, hook_secret: str | None = None) -> FastAPI:
    """The portal as an ASGI application (serve it with uvicorn, or test it with httpx).

    With `push`, the portal is a replica serving a clone: each edit is committed and pushed to the clone's
    upstream (`hindsight.replica`), the upstream is pulled every `pull_interval` seconds (0: only on the
    git host's webhook, `POST /api/hooks/git` signed with `hook_secret`)."""
    from ..replica import Writer

    folder = (folder or config.incidents_dir).resolve()
    store = open_index(config, folder, refresh_seconds=refresh_seconds)
    workspace = Workspace(config, folder=folder, store=store)
    writer = Writer(workspace, push=push)
    for done in writer.start():  # the upstream's newest; what a replica stopped mid-edit left is set aside
        logging.getLogger("hindsight").warning("%s", done)
    store.refresh(force=True)
    if refresh_seconds > 0:
        store.watch(refresh_seconds)  # requests never wait for a folder scan
    if push and pull_interval > 0:
        _pull_every(writer, store, pull_interval)
    portal = Portal(workspace, auth or AuthSettings(), refresh_seconds=refresh_seconds, today=today, writer=writer,
                    hook_secret=hook_secret)
    # FastAPI's own docs page loads Swagger UI from a CDN, which the portal's CSP (rightly) refuses: the
    # portal draws its own from the OpenAPI document instead.
    app = FastAPI(title="Hindsight", version="0.1.0", docs_url=None, openapi_url="/api/openapi.json",
                  redoc_url=None, description="Postmortems as code: the same data as the pages and the CLI.")
    app.state.portal = portal
    security.install(app, portal)
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(HindsightError)
    async def library_error(request: Request, error: HindsightError) -> Response:
        # What does not exist and what the asker may not see get one answer, word for word.
        return _error(request, status_of(error), NOT_FOUND if isinstance(error, NotFoundError) else str(error))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
                             for e in error.errors()[:5])
        return _error(request, 400, f"the request is not valid ({problems}); fix it and send it again")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return _error(request, error.status_code, str(error.detail))

    @app.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs(request: Request) -> Response:
        spec = app.openapi()
        routes = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                   "description": op.get("description", ""),
                   "params": [(p["name"], p.get("in", ""), p.get("required", False)) for p in op.get("parameters", [])],
                   "body": "requestBody" in op}
                  for path, ops in spec["paths"].items() for method, op in ops.items()]
        return portal.render("api_docs.html.j2", request, routes=routes, spec=spec)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in STATIC:
            raise NotFoundError("no such file")
        data = files("hindsight.web").joinpath(f"static/{name}").read_bytes()
        return Response(data, media_type=STATIC[name], headers={"Cache-Control": "public, max-age=3600"})

    return app


#: Where `hindsight serve --workers N` hands its settings to the worker processes (JSON; no secret in it).
SETTINGS_ENV = "HINDSIGHT_SERVE"
#: The webhook's shared secret, read from the environment only (a command line is visible to every user).
HOOK_SECRET_ENV = "HINDSIGHT_HOOK_SECRET"


def from_environment() -> FastAPI:
    """The app of one worker process of `hindsight serve --workers N` (uvicorn's factory), from the settings
    the serving command put in `HINDSIGHT_SERVE`. Every worker opens the one index the command built."""
    import json
    import os

    from ..config import load

    s = json.loads(os.environ[SETTINGS_ENV])
    config = load(Path(s["root"]))
    auth = AuthSettings(s["auth"], s["allow_edits"], s["trusted"], config.get("roles"))
    return create_app(config, auth=auth, folder=Path(s["folder"]) if s["folder"] else None,
                      today=dt.date.fromisoformat(s["today"]) if s["today"] else None, push=s["push"],
                      pull_interval=s["pull_interval"], hook_secret=os.environ.get(HOOK_SECRET_ENV) or None)


def _pull_every(writer, store: SqliteStore, seconds: float) -> None:
    """Pull the upstream on a timer, from the leading process only (the others see it through the index)."""
    import threading
    import time

    def loop() -> None:
        while True:
            time.sleep(seconds)
            if not store.leading:
                continue
            try:
                writer.pull()
            except HindsightError as e:  # the remote is down: said once per failed pull, tried again later
                logging.getLogger("hindsight").warning("pull failed: %s", e)

    threading.Thread(target=loop, name="hindsight-pull", daemon=True).start()


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    portal: Portal = request.app.state.portal
    if getattr(request.state, "user", None) is None:
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status)
    return portal.render("error.html.j2", request, status_code=status, status=status, message=message)
