"""The portal's index: the records and the text of every postmortem in SQLite, with FTS5 search.

`.hindsight/index.sqlite` (WAL mode). It is only ever a copy: built from the
files when missing or made by another version of Hindsight or another
configuration, refreshed when a file's size or modification time changes
(checked at most every `refresh_seconds`, or by a background watcher), and
safe to delete at any time. The records are also kept in memory, so a request
reads no row it does not show: SQLite answers only the searches.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .. import corpus
from .._io import private_dir
from ..records import RECORD_VERSION, Record
from . import unique

if TYPE_CHECKING:
    from ..records import Reader

SCHEMA_VERSION = 6
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
-- `file` is the absolute path on this machine; the record holds the path as the shells show it.
CREATE TABLE IF NOT EXISTS files (file TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, record TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, body, tokenize='porter unicode61');
"""
#: At most this many words in one search: each is a term FTS5 must intersect.
MAX_TERMS = 16


def fts_query(q: str) -> str:
    """Every word of `q` as a quoted FTS5 term (so no word is read as an operator), ANDed."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in q.split()[:MAX_TERMS])


class SqliteStore:
    """Records kept in SQLite between runs, with the documents' text for full-text search."""

    def __init__(self, reader: Reader, folder: Path, db_path: Path, *, refresh_seconds: float = 2.0,
                 jobs: int | None = None):
        self.reader = reader
        self.folder = folder
        self.db_path = db_path
        self.refresh_seconds = refresh_seconds
        self.jobs = jobs
        self.generation = 0
        self._local = threading.local()
        self._lock = threading.Lock()
        self._checked: float | None = None
        self._records: dict[str, Record] = {}  # by absolute file path
        self._rowids: dict[int, str] = {}  # docs rowid -> absolute file path
        # generation, records, id -> rowid, rowid -> id
        self._listed: tuple[int, list[Record], dict[str, int], dict[int, str]] | None = None
        self._words: dict[tuple[int, str], frozenset[str]] = {}  # (generation, word) -> ids, for searches
        self._lock_words = threading.Lock()
        private_dir(db_path.parent)
        fingerprint = hashlib.sha256(json.dumps([RECORD_VERSION, reader.themes_extra, str(folder),
                                                 str(reader.history_before or "")]).encode()).hexdigest()
        with self._connect() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            found = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone() \
                if version == SCHEMA_VERSION else None
            if version != SCHEMA_VERSION or found is None or found[0] != fingerprint:
                db.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS actions; "
                                 "DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS meta;")
                db.executescript(SCHEMA)
                db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            for rowid, file, data in db.execute("SELECT rowid, file, record FROM files"):
                self._records[file] = Record.from_store(json.loads(data))
                self._rowids[rowid] = file

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @property
    def db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    # -- keeping it a faithful copy ------------------------------------------------------------------
    def refresh(self, *, force: bool = False) -> dict[str, int]:
        """Bring the index up to date with the files; at most every `refresh_seconds` unless forced."""
        nothing = {"added": 0, "updated": 0, "removed": 0}
        if not force and self._checked is not None and time.monotonic() - self._checked < self.refresh_seconds:
            return nothing
        with self._lock:
            if not force and self._checked is not None and \
                    time.monotonic() - self._checked < self.refresh_seconds:
                return nothing
            stats = self._sync()
            self._checked = time.monotonic()
        return stats

    def _sync(self) -> dict[str, int]:
        on_disk: dict[str, tuple[Path, os.stat_result]] = {}
        for p in corpus.find(self.folder) if self.folder.is_dir() else []:
            try:
                on_disk[str(p.resolve())] = (p, p.stat())
            except OSError:
                continue
        known = self._records
        changed = [key for key, (p, st) in on_disk.items()
                   if key not in known or known[key].mtime_ns != st.st_mtime_ns or known[key].size != st.st_size]
        removed = [key for key in known if key not in on_disk]
        loaded = corpus.map_files([on_disk[k][0] for k in changed], self.reader.read, jobs=self.jobs) \
            if changed else []
        records = dict(self._records)
        rowids = dict(self._rowids)
        db = self.db
        with db:
            for key in removed:
                self._delete(db, key, rowids)
                records.pop(key, None)
            for key, item in zip(changed, loaded):
                record, text = item.value if item.value is not None else (
                    self.reader.unreadable(item.path, item.error or ""), "")
                self._delete(db, key, rowids)
                cur = db.execute("INSERT INTO files (file, mtime_ns, size, record) VALUES (?, ?, ?, ?)",
                                 (key, record.mtime_ns, record.size,
                                  json.dumps(record.to_store(), ensure_ascii=False)))
                if record.error is None:
                    # The text shares the file row's rowid: deleting it later is a key lookup.
                    db.execute("INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)",
                               (cur.lastrowid, record.title or "", text))
                rowids[cur.lastrowid] = key
                records[key] = record
        if changed or removed:
            self._records, self._rowids = records, rowids
            self.generation += 1
        return {"added": sum(1 for k in changed if k not in known), "updated": sum(1 for k in changed if k in known),
                "removed": len(removed)}

    @staticmethod
    def _delete(db: sqlite3.Connection, file: str, rowids: dict[int, str]) -> None:
        row = db.execute("SELECT rowid FROM files WHERE file = ?", (file,)).fetchone()
        if row is not None:
            db.execute("DELETE FROM docs WHERE rowid = ?", (row[0],))
            db.execute("DELETE FROM files WHERE rowid = ?", (row[0],))
            rowids.pop(row[0], None)

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

    # -- reading -------------------------------------------------------------------------------------
    def records(self) -> list[Record]:
        if self._checked is None:
            self.refresh(force=True)
        return self._listing()[1]

    def _listing(self) -> tuple[int, list[Record], dict[str, int], dict[int, str]]:
        listed = self._listed
        if listed is None or listed[0] != self.generation:
            records, rowids = self._records, self._rowids
            by_path = {p: i for i, p in rowids.items()}
            of_id = {r.id: by_path[p] for p, r in records.items() if p in by_path}
            listed = (self.generation, unique(list(records.values())), of_id, {i: k for k, i in of_id.items()})
            self._listed = listed
        return listed

    def search(self, q: str, *, relevance: bool = False) -> list[str] | None:
        """Ids of the documents holding every word of `q`: in FTS5's best-match order with `relevance`,
        else in no order, from the documents of each word (kept until the index changes), intersected."""
        words = q.split()[:MAX_TERMS]
        if not words:
            return []
        if relevance:
            id_of = self._listing()[3]
            try:
                return [id_of[i] for (i,) in self.db.execute(
                    "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank", (fts_query(q),)) if i in id_of]
            except sqlite3.OperationalError:
                return []
        sets = sorted((self._word(w) for w in dict.fromkeys(words)), key=len)
        found = set(sets[0]).intersection(*sets[1:]) if sets else set()
        return list(found)

    def _word(self, word: str) -> frozenset[str]:
        """The ids of the documents holding one word (as FTS5 tokenises and stems it)."""
        key = (self.generation, word)
        cached = self._words.get(key)
        if cached is not None:
            return cached
        id_of = self._listing()[3]
        try:
            ids = frozenset(id_of[i] for (i,) in self.db.execute("SELECT rowid FROM docs WHERE docs MATCH ?",
                                                                 (fts_query(word),)) if i in id_of)
        except sqlite3.OperationalError:
            ids = frozenset()
        with self._lock_words:
            if len(self._words) > 256:
                self._words.clear()
            self._words[key] = ids
        return ids

    def snippets(self, q: str, ids: list[str]) -> dict[str, str]:
        terms = fts_query(q)
        of_id = self._listing()[2]
        rowids = [of_id[i] for i in ids if i in of_id]
        if not terms or not rowids:
            return {}
        out = {}
        for rowid, snip in self.db.execute(
                "SELECT rowid, snippet(docs, 1, char(2), char(3), '…', 12) FROM docs WHERE docs MATCH ? "
                f"AND rowid IN ({', '.join('?' * len(rowids))})", [terms, *rowids]):
            out[self._records[self._rowids[rowid]].id] = snip
        return out
