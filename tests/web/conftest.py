"""A real portal: uvicorn on loopback in a thread, over a real git work tree of postmortems."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time

import httpx
import pytest
import uvicorn

from hindsight.config import load
from hindsight.web import create_app, server_config
from hindsight.web.auth import AuthSettings

from ..conftest import EXAMPLES

RESTRICTED = """---
classification: restricted
allowed_groups: [security]
---
# Incident: Zebracorn credential leak

**Date:** 2026-03-20
**Duration:** 20 minutes (08:00 - 08:20 UTC)
**Severity:** P1
**Author:** @sec
**Status:** Draft

## Summary

The zebracorn signing key leaked through a build log.

## Timeline

| Time (UTC) | Event |
|------------|-------|
| 08:00 | Leak detected |
| 08:20 | Key rotated |

## Action Items

| Action | Owner | Due Date | Status | Ticket |
|--------|-------|----------|--------|--------|
| Rotate every zebracorn key | @sec | 2026-03-22 | 🔲 TODO | SEC-1 |
"""


def links_of(html: str) -> list[str]:
    """Every `href` and `src` of a page, as written."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(v for k, v in attrs if k in ("href", "src") and v)

    Links().feed(html)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path, monkeypatch):
    """The examples plus a restricted postmortem, in a git work tree with one commit."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    folder = tmp_path / "docs" / "incidents"
    shutil.copytree(EXAMPLES, folder)
    (folder / "2026-03-20-zebracorn-credential-leak.md").write_text(RESTRICTED, encoding="utf-8")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-qm", "init"], check=True,
                   env={**env, "PATH": "/usr/bin:/bin"})
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def real_site(site, real_corpus):
    """`site` with the 36 real postmortems added."""
    folder = site / "docs" / "incidents"
    for p in real_corpus.glob("*.md"):
        if p.name != "SOURCES.md":
            shutil.copy(p, folder / p.name)
    return site


class Server:
    def __init__(self, app):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Served as `hindsight serve` serves it.
        self.server = uvicorn.Server(server_config(app, "127.0.0.1", self.port))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def client(self, **headers) -> httpx.Client:
        c = httpx.Client(base_url=self.url, headers=headers, timeout=30)
        c.get("/api/health")  # receives the CSRF cookie
        c.headers["X-CSRF-Token"] = c.cookies.get("hs_csrf") or ""
        return c


@pytest.fixture
def serve(site):
    """Start a portal: serve(auth=AuthSettings(...)) -> Server, stopped after the test."""
    started = []

    def start(auth: AuthSettings | None = None, refresh_seconds: float = 0.0) -> Server:
        s = Server(create_app(load(), auth=auth or AuthSettings(), refresh_seconds=refresh_seconds)).__enter__()
        started.append(s)
        return s

    yield start
    for s in started:
        s.__exit__()


@pytest.fixture
def page(browser):
    """A browser page that fails the test on any script error or console error (but a refused write's 4xx)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    p = context.new_page()
    errors = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    # A refused write answers 4xx on purpose (and the page shows why); Chromium logs each such response.
    refused = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" and not refused.match(m.text) else None)
    yield p
    context.close()
    assert errors == []


def header_auth(**roles) -> AuthSettings:
    return AuthSettings("header", False, ["127.0.0.1"], roles or {"editor": ["sre"], "admin": ["leads"]})
