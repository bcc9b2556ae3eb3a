"""Sign-in, CSRF and security headers: what every request passes through before any route sees it."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from .portal import Portal

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
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: The names a portal without sign-in (`--auth none`, loopback only) answers to. Any other Host is a page
#: elsewhere that made its name point at this machine (DNS rebinding) and must read nothing.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _refuse(request: Request, status: int, message: str) -> Response:
    resp: Response = JSONResponse({"detail": message}, status_code=status) \
        if request.url.path.startswith("/api/") else HTMLResponse(f"<h1>{status}</h1><p>{message}</p>",
                                                                  status_code=status)
    resp.headers.update(SECURITY_HEADERS)
    return resp


def _host(header: str) -> str:
    """The name of a Host header, without its port (`[::1]:8000` -> `::1`)."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


#: The one route no signed-in person calls: the git host's webhook, which proves itself by its signature.
HOOK_PATH = "/api/hooks/git"
#: The largest webhook body read (GitHub's limit for a delivery).
MAX_HOOK_BODY = 25 * 1024 * 1024


def hook_signed(secret: str, headers, body: bytes) -> bool:
    """Whether a webhook delivery carries `secret`: GitHub's `X-Hub-Signature-256: sha256=<hmac>`, Gitea's
    `X-Gitea-Signature: <hmac>` (HMAC-SHA256 of the body), GitLab's `X-Gitlab-Token`, or a bearer token."""
    import hashlib
    import hmac

    mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    given = [("sha256=" + mac, headers.get("x-hub-signature-256")), (mac, headers.get("x-gitea-signature")),
             (secret, headers.get("x-gitlab-token"))]
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given.append((secret, auth[7:].strip()))
    return any(sent is not None and secrets.compare_digest(want.encode(), sent.strip().encode())
               for want, sent in given)


def install(app: FastAPI, portal: Portal) -> None:
    """Every request: who is asking (or 401), a CSRF token checked on writes, the security headers."""

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if request.url.path == HOOK_PATH and request.method == "POST":
            # Not a person: no sign-in and no CSRF token; the route checks the delivery's signature.
            if int(request.headers.get("content-length") or 0) > MAX_HOOK_BODY:
                return _refuse(request, 413, "the webhook's body is too large")
            resp = await call_next(request)
            resp.headers.update(SECURITY_HEADERS)
            return resp
        if portal.auth.mode == "none" and _host(request.headers.get("host", "")) not in LOOPBACK_HOSTS:
            return _refuse(request, 421, "this portal answers only at 127.0.0.1 or localhost")
        user = portal.auth.user(request.client.host if request.client else None, request.headers)
        if user is None:
            return _refuse(request, 401, "sign in through the company proxy")
        request.state.user = user
        token = request.cookies.get(CSRF_COOKIE)
        request.state.csrf = token or secrets.token_urlsafe(24)
        if request.method not in _SAFE_METHODS:
            sent = request.headers.get("X-CSRF-Token")
            if sent is None and request.headers.get("content-type", "").startswith(
                    "application/x-www-form-urlencoded"):
                # The body is read (and replayed to the route), not parsed as a form here: a form parsed
                # in middleware would leave the route waiting for a body already consumed.
                sent = (parse_qs((await request.body()).decode("utf-8", "replace")).get("csrf") or [None])[0]
            if not token or not sent or not secrets.compare_digest(token, str(sent)):
                return _refuse(request, 403, "missing or wrong CSRF token; reload the page")
        if portal.refresh_seconds <= 0 and request.url.path != "/api/health" and \
                not request.url.path.startswith("/static/"):
            portal.workspace.refresh(force=True)  # no watcher: look at the files on every request
        resp = await call_next(request)
        resp.headers.update(SECURITY_HEADERS)
        if not token:
            resp.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=False, samesite="strict")
        return resp
