"""The portal's index: a SQLite copy of the postmortem files, for lists, search and the action board.

`.hindsight/index.sqlite` (WAL mode, FTS5 for full-text search). It is only
ever a copy: built from the files when missing, refreshed when a file's size
or modification time changes (checked at most every `refresh_seconds`), and
safe to delete at any time.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import corpus
from .._io import private_dir
from ..actions import rows_of
from ..standard import CLOSED_STATUSES

SCHEMA_VERSION = 5
# An open action item, as SQL (the statuses are the standard's constants, not user input).
_OPEN = f"(a.status IS NULL OR a.status NOT IN ({', '.join(repr(s) for s in CLOSED_STATUSES)}))"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY, path TEXT UNIQUE, mtime_ns INTEGER, size INTEGER, version TEXT,
  title TEXT, date TEXT, severity TEXT, status TEXT, end_at TEXT, duration_minutes INTEGER,
  restricted INTEGER, allowed_groups TEXT, tags TEXT, service TEXT, summary TEXT,
  total_actions INTEGER, open_actions INTEGER, error TEXT
);
CREATE INDEX IF NOT EXISTS files_date ON files(date);
-- The list's order (newest first): a search walks it and stops at the page it shows.
CREATE INDEX IF NOT EXISTS files_newest ON files(date DESC, id);
CREATE INDEX IF NOT EXISTS files_path ON files(path);
CREATE TABLE IF NOT EXISTS actions (
  id TEXT PRIMARY KEY, file_id TEXT, line INTEGER, action TEXT, owner TEXT, due TEXT, status TEXT,
  ticket TEXT, severity TEXT, incident_date TEXT, closed TEXT
);
CREATE INDEX IF NOT EXISTS actions_file ON actions(file_id);
CREATE INDEX IF NOT EXISTS actions_date ON actions(incident_date);
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61');
"""


def _row(path: Path) -> dict[str, Any]:
    """Everything the index keeps about one file (run in worker processes)."""
    from ..edit import version
    from ..parse import decode, parse, read_bytes

    data = read_bytes(path)
    st = path.stat()
    text = decode(data, path)
    pm = parse(text, path=str(path))
    fm = pm.front_matter
    groups = fm.get("allowed_groups") or []
    tags = fm.get("tags") or []
    service = fm.get("service") or fm.get("services") or ""
    return {
        "id": path.stem, "path": str(path), "mtime_ns": st.st_mtime_ns, "size": st.st_size, "version": version(data),
        "title": pm.title, "date": pm.date.isoformat() if pm.date else None, "severity": pm.severity,
        "status": pm.status, "end_at": pm.end.isoformat() if pm.end else None,
        "duration_minutes": pm.duration_minutes,
        "restricted": int(pm.restricted),
        "allowed_groups": json.dumps(groups if isinstance(groups, list) else [groups]),
        "tags": json.dumps(tags if isinstance(tags, list) else [tags]),
        "service": ", ".join(service) if isinstance(service, list) else str(service),
        "summary": pm.summary[:600], "total_actions": len(pm.action_items),
        "open_actions": len(pm.open_action_items), "error": None,
        "body": text, "actions": rows_of(pm),
    }


@dataclass
class Index:
    folder: Path
    db_path: Path
    refresh_seconds: float = 2.0

    def __post_init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._checked = 0.0
        self.generation = 0  # bumped whenever the index changes: a key for caches
        private_dir(self.db_path.parent)
        with self._connect() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                db.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS actions; "
                                 "DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS meta;")
                db.executescript(SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.row_factory = sqlite3.Row
        return db

    @property
    def db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    # -- keeping it a faithful copy ------------------------------------------------------------------
    def refresh(self, *, force: bool = False, jobs: int | None = None) -> dict[str, int]:
        """Bring the index up to date with the files; at most every `refresh_seconds` unless forced."""
        now = time.monotonic()
        if not force and now - self._checked < self.refresh_seconds:
            return {"added": 0, "updated": 0, "removed": 0}
        with self._lock:
            if not force and time.monotonic() - self._checked < self.refresh_seconds:
                return {"added": 0, "updated": 0, "removed": 0}
            stats = self._sync(jobs)
            self._checked = time.monotonic()
        return stats

    def _sync(self, jobs: int | None) -> dict[str, int]:
        on_disk: dict[str, os.stat_result] = {}
        for p in corpus.find(self.folder) if self.folder.is_dir() else []:
            try:
                on_disk[str(p)] = p.stat()
            except OSError:
                continue
        known = {r["path"]: (r["mtime_ns"], r["size"], r["id"])
                 for r in self.db.execute("SELECT path, mtime_ns, size, id FROM files")}
        changed = [Path(p) for p, st in on_disk.items()
                   if p not in known or known[p][0] != st.st_mtime_ns or known[p][1] != st.st_size]
        removed = [known[p][2] for p in known if p not in on_disk]
        rows = corpus.map_files(changed, _row, jobs=jobs) if changed else []
        db = self.db
        with db:
            for file_id in removed:
                self._delete(db, file_id)
            for loaded in rows:
                if known:
                    self._delete(db, loaded.path.stem)
                if loaded.value is None:
                    # Unreadable (binary, not UTF-8, too large): kept with its error, so it is not re-read
                    # at every scan and its old content is not served; it stays out of every query.
                    st = on_disk[str(loaded.path)]
                    db.execute("INSERT INTO files (id, path, mtime_ns, size, restricted, error) VALUES "
                               "(?, ?, ?, ?, 0, ?)", (loaded.path.stem, str(loaded.path), st.st_mtime_ns,
                                                      st.st_size, loaded.error))
                    continue
                r = loaded.value
                cols = [k for k in r if k not in ("body", "actions")]
                cur = db.execute(f"INSERT INTO files ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                 [r[k] for k in cols])
                # The document's text shares the file row's rowid: deleting it later is a key lookup.
                db.execute("INSERT INTO docs (rowid, id, title, body) VALUES (?, ?, ?, ?)",
                           (cur.lastrowid, r["id"], r["title"] or "", r["body"]))
                db.executemany("INSERT OR REPLACE INTO actions VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
                    (a["id"], r["id"], a["line"], a["action"], a["owner"], a["due"], a["status"], a["ticket"],
                     a["severity"], a["incident_date"], a["closed"]) for a in r["actions"]])
        if changed or removed:
            self.generation += 1
        return {"added": sum(1 for p in changed if str(p) not in known), "updated": sum(1 for p in changed
                                                                                          if str(p) in known),
                "removed": len(removed)}

    @staticmethod
    def _delete(db: sqlite3.Connection, file_id: str) -> None:
        row = db.execute("SELECT rowid FROM files WHERE id = ?", (file_id,)).fetchone()
        if row is not None:
            db.execute("DELETE FROM docs WHERE rowid = ?", (row[0],))
        db.execute("DELETE FROM files WHERE id = ?", (file_id,))
        db.execute("DELETE FROM actions WHERE file_id = ?", (file_id,))

    def watch(self, interval: float) -> threading.Thread:
        """Refresh in the background every `interval` seconds, so no request waits for a folder scan."""
        def loop():
            while True:
                time.sleep(interval)
                try:
                    self.refresh(force=True)
                except Exception:  # noqa: BLE001 - a failed scan is retried at the next tick
                    continue

        t = threading.Thread(target=loop, name="hindsight-index", daemon=True)
        t.start()
        return t

    def touch(self) -> None:
        """Make the next request re-check the files (after the portal itself wrote one)."""
        self._checked = 0.0

    # -- reading -------------------------------------------------------------------------------------
    def file(self, file_id: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM files WHERE id = ? AND error IS NULL", (file_id,)).fetchone()

    def files(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM files ORDER BY date DESC, id").fetchall()

    # -- queries done in SQL: filters, visibility, order and pages ---------------------------------------
    @staticmethod
    def _visible(groups: frozenset[str], alias: str = "f") -> tuple[str, list]:
        readable = f"{alias}.error IS NULL"
        if not groups:
            return f"{readable} AND {alias}.restricted = 0", []
        marks = ", ".join("?" * len(groups))
        return (f"{readable} AND ({alias}.restricted = 0 OR EXISTS (SELECT 1 FROM json_each({alias}.allowed_groups) "
                f"WHERE value IN ({marks})))", sorted(groups))

    def query(self, groups: frozenset[str], *, q: str | None = None, severity: str | None = None,
              status: str | None = None, since: str | None = None, until: str | None = None,
              tag: str | None = None, sort: str = "date", limit: int = 25,
              offset: int = 0) -> tuple[list[sqlite3.Row], int]:
        """One page of the postmortems a user may see, with the total count; search snippets when `q`."""
        where, params = self._visible(groups)
        clauses, args = [where], list(params)
        for col, value, op in (("severity", severity, "= ? COLLATE NOCASE"), ("status", status, "= ? COLLATE NOCASE"),
                               ("date", since, ">= ?"), ("date", until, "<= ?")):
            if value:
                clauses.append(f"f.{col} {op}")
                args.append(value)
        if tag:
            clauses.append("(f.tags LIKE ? OR f.service LIKE ?)")
            args += [f"%{tag}%", f"%{tag}%"]
        order = {"oldest": "f.date ASC, f.id", "severity": "f.severity ASC, f.date DESC",
                 "title": "f.title COLLATE NOCASE ASC"}.get(sort, "f.date DESC, f.id")
        terms = " ".join('"' + t.replace('"', '""') + '"' for t in (q or "").split() if t.strip())
        if terms:
            where = " AND ".join(clauses)
            total = self.db.execute(f"SELECT count(*) FROM docs JOIN files f ON f.rowid = docs.rowid "
                                    f"WHERE docs MATCH ? AND {where}", [terms, *args]).fetchone()[0]
            # The page first, then snippets for its rows only: SQLite computes the select list of every
            # match before sorting, and a snippet for each of 10,000 matches costs a second.
            if sort == "relevance":  # bm25 over every match: the costly order, on request only
                sql = (f"SELECT f.rowid FROM docs JOIN files f ON f.rowid = docs.rowid WHERE docs MATCH ? "
                       f"AND {where} ORDER BY rank")
            else:  # newest first walks the date index and stops at the page, instead of sorting every match
                hint = "INDEXED BY files_newest " if order.startswith("f.date DESC") else ""
                sql = (f"SELECT f.rowid FROM files f {hint}WHERE f.rowid IN "
                       f"(SELECT rowid FROM docs WHERE docs MATCH ?) AND {where} ORDER BY {order}")
            page = [r[0] for r in self.db.execute(f"{sql} LIMIT ? OFFSET ?", [terms, *args, limit, offset])]
            if not page:
                return [], total
            got = {r["rowid"]: r for r in self.db.execute(
                "SELECT f.rowid AS rowid, f.*, snippet(docs, 2, char(2), char(3), '…', 12) AS snip "
                f"FROM docs JOIN files f ON f.rowid = docs.rowid WHERE docs MATCH ? "
                f"AND docs.rowid IN ({', '.join('?' * len(page))})", [terms, *page])}
            return [got[i] for i in page if i in got], total
        base = f"FROM files f WHERE {' AND '.join(clauses)}"
        total = self.db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        rows = self.db.execute(f"SELECT f.*, NULL AS snip {base} ORDER BY {order} LIMIT ? OFFSET ?",
                               [*args, limit, offset]).fetchall()
        return rows, total

    def visible_actions(self, groups: frozenset[str], *, owner: str | None = None, status: str | None = None,
                        severity: str | None = None, overdue_before: str | None = None, file_id: str | None = None,
                        limit: int | None = None) -> tuple[list[sqlite3.Row], int]:
        where, params = self._visible(groups)
        clauses, args = [where], list(params)
        if owner:
            clauses.append("ltrim(a.owner, '@') = ltrim(?, '@') COLLATE NOCASE")
            args.append(owner)
        if status == "open":
            clauses.append(_OPEN)
        elif status:
            clauses.append("a.status = ?")
            args.append(status.upper())
        if severity:
            clauses.append("a.severity = ? COLLATE NOCASE")
            args.append(severity)
        if overdue_before:
            clauses.append(f"a.due < ? AND {_OPEN}")
            args.append(overdue_before)
        if file_id:
            clauses.append("a.file_id = ?")
            args.append(file_id)
        base = f"FROM actions a JOIN files f ON f.id = a.file_id WHERE {' AND '.join(clauses)}"
        total = self.db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        sql = f"SELECT a.*, f.path AS path, f.version AS version {base} ORDER BY a.incident_date DESC, a.id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.db.execute(sql, args).fetchall(), total

    def actions(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT a.*, f.path AS path, f.restricted AS restricted, "
                               "f.allowed_groups AS allowed_groups FROM actions a JOIN files f ON f.id = a.file_id "
                               "ORDER BY a.incident_date DESC, a.id").fetchall()
