"""Rendered parts of the portal's pages, kept in SQLite and shared by every process of the portal.

A postmortem's page is its file parsed, checked against the standard and
rendered: about 12 ms of work. Each part rendered is kept here under a name
(one row per name: a newer version replaces the older) and a key made of
everything it was rendered from (the file's version, the index's version of
it, the day, the templates and Hindsight's version), so it is never served
stale: a changed file, a new day or a new release has another key. The
processes of `hindsight serve --workers N` and a background warmer
(`hindsight.web.warm`) fill it; like the index it is only a copy, safe to
delete (`.hindsight/pages.sqlite`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import zlib
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

from .._io import private_dir

SCHEMA = "CREATE TABLE IF NOT EXISTS pages (name TEXT PRIMARY KEY, key TEXT NOT NULL, body BLOB NOT NULL)"


def fingerprint(config: str = "") -> str:
    """What every rendered part depends on besides its file: Hindsight's own code and templates (the parser,
    the rules, the renderer: any change to them is another key) and the project's configuration."""
    h = hashlib.sha256(config.encode())
    root = Path(str(files("hindsight")))
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".j2", ".toml", ".json", ".txt") and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(root)).encode() + f.read_bytes())
    return h.hexdigest()[:16]


class PageCache:
    """Rendered page parts by name and key, in one SQLite file (WAL) that several processes share."""

    def __init__(self, db_path: Path, *, config: str = ""):
        self.db_path = db_path
        self.fingerprint = fingerprint(config)
        self._local = threading.local()
        private_dir(db_path.parent)
        self._db().execute(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.db_path, timeout=30, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def key(self, *parts: object) -> str:
        return "|".join([self.fingerprint, *map(str, parts)])

    def has(self, name: str, key: str) -> bool:
        return self._db().execute("SELECT 1 FROM pages WHERE name = ? AND key = ?", (name, key)).fetchone() is not None

    def get(self, name: str, key: str, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The part kept under `name` for `key`; made (and kept) when there is none for that key."""
        row = self._db().execute("SELECT body FROM pages WHERE name = ? AND key = ?", (name, key)).fetchone()
        if row is not None:
            return json.loads(zlib.decompress(row[0]))
        value = make()
        self.put(name, key, value)
        return value

    def put(self, name: str, key: str, value: dict[str, Any]) -> None:
        body = zlib.compress(json.dumps(value, ensure_ascii=False).encode(), 6)
        try:
            self._db().execute("INSERT OR REPLACE INTO pages (name, key, body) VALUES (?, ?, ?)", (name, key, body))
        except sqlite3.OperationalError:
            pass  # another process holds the write lock past the timeout: the part is made again next time

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
