"""The portal as an ASGI application: one workspace over the SQLite index, the routers, the error mapping."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path

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


def server_config(app: FastAPI, host: str, port: int, *, log_level: str = "warning"):
    """How the portal is served (by `hindsight serve`, and by the tests): uvicorn, with the server's own
    reading of `X-Forwarded-For` switched off. The portal alone decides whom to trust, from the address
    that really connected (`--trusted-proxy`); a server that rewrote that address from a header any
    client can send would let anyone claim to be the proxy."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level=log_level, proxy_headers=False,
                          forwarded_allow_ips="", server_header=False)


def status_of(error: HindsightError) -> int:
    return next(code for kind, code in STATUS if isinstance(error, kind))


def create_app(config: Config, *, auth: AuthSettings | None = None, folder: Path | None = None,
               refresh_seconds: float = 2.0, today: dt.date | None = None) -> FastAPI:
    """The portal as an ASGI application (serve it with uvicorn, or test it with httpx)."""
    folder = (folder or config.incidents_dir).resolve()
    store = SqliteStore(Reader.for_config(config, folder), folder, config.root / ".hindsight" / "index.sqlite",
                        refresh_seconds=refresh_seconds)
    workspace = Workspace(config, folder=folder, store=store)
    store.refresh(force=True)
    if refresh_seconds > 0:
        store.watch(refresh_seconds)  # requests never wait for a folder scan
    portal = Portal(workspace, auth or AuthSettings(), refresh_seconds=refresh_seconds, today=today)
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


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    portal: Portal = request.app.state.portal
    if getattr(request.state, "user", None) is None:
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status)
    return portal.render("error.html.j2", request, status_code=status, status=status, message=message)
