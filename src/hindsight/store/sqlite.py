"""The portal's index: the records and the text of every postmortem in SQLite, with FTS5 search.

`.hindsight/index.sqlite` (WAL mode). It is only ever a copy: built from the
files when missing or made by another version of Hindsight or another
configuration, refreshed when a file's size or modification time changes,
and safe to delete at any time.

Several processes may share one index (`hindsight serve --workers N`). Each
change to it is one transaction that stamps the rows it writes with the next
`generation`; a process keeps the records of one generation in memory (so a
request reads no row it does not show: SQLite answers only the searches) and
catches up by reading the rows stamped after it. A reader never sees a half-
written change. Scanning the folder is the leader's job: the one process
holding `index.sqlite.lock` scans on its timer, the others only catch up, and
when the leader ends another takes the lock. Any process may still scan on
demand (after its own edit); two scans at once are harmless, since each
writes a file's row only if the row still has the old size and time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from .. import corpus
from .._io import private_dir
from ..locks import ProcessLock
from ..records import RECORD_VERSION, Record
from . import unique

if TYPE_CHECKING:
    from ..records import Reader

SCHEMA_VERSION = 7
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
-- `file` is the absolute path on this machine (the record holds the path as the shells show it).
-- `gen` is the generation of the change that wrote the row.
CREATE TABLE IF NOT EXISTS files (file TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, record TEXT,
                                  gen INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS files_gen ON files (gen);
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, body, tokenize='porter unicode61');
"""
#: What a refresh that changed nothing reports.
_NOTHING = {"added": 0, "updated": 0, "removed": 0}
#: At most this many words in one search: each is a term FTS5 must intersect.
MAX_TERMS = 16
#: The words whose documents are kept between searches. Each is a set of up to every id (half a megabyte
#: for a word in all of 10,000 documents), so this bounds a process's memory; past it, the set starts again.
WORDS_KEPT = 64


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
        # What this process holds, swapped whole: (generation, records by absolute path, docs rowid -> path).
        self._state: tuple[int, dict[str, Record], dict[int, str]] = (0, {}, {})
        self._local = threading.local()
        self._lock = threading.Lock()
        self._checked: float | None = None
        # generation, records, id -> rowid, rowid -> id
        self._listed: tuple[int, list[Record], dict[str, int], dict[int, str]] | None = None
        self._words: dict[tuple[int, str], frozenset[str]] = {}  # (generation, word) -> ids, for searches
        self._lock_words = threading.Lock()
        self._lock_state = threading.Lock()
        private_dir(db_path.parent)
        self._leader = ProcessLock(db_path.with_name(db_path.name + ".lock"))
        self._leading = False
        fingerprint = hashlib.sha256(json.dumps([RECORD_VERSION, reader.themes_extra, str(folder),
                                                 str(reader.history_before or ""),
                                                 [(n, str(f)) for n, f in reader.sources]]).encode()).hexdigest()
        db = self.db
        db.execute("BEGIN IMMEDIATE")  # two processes starting at once: one makes the schema, one finds it
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            found = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone() \
                if version == SCHEMA_VERSION else None
            if version != SCHEMA_VERSION or found is None or found[0] != fingerprint:
                # Made again from nothing, its generation still only grows: a process that held the old
                # index sees a newer generation and reads every row again.
                try:
                    before = int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
                except (sqlite3.Error, TypeError, ValueError):
                    before = 0
                for table in ("files", "actions", "docs", "meta"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
                db.execute("INSERT INTO meta VALUES ('generation', ?)", (str(before),))
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._catch_up()

    def _connect(self) -> sqlite3.Connection:
        # Transactions are begun and ended here, explicitly (isolation_level None): a change must hold
        # the write lock from its first read (BEGIN IMMEDIATE), and a catch-up must read one snapshot.
        db = sqlite3.connect(self.db_path, timeout=30, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @property
    def db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    @property
    def generation(self) -> int:
        """The generation of the index whose records this process holds (the index's, once caught up)."""
        return self._state[0]

    @property
    def leading(self) -> bool:
        """Whether this process scans the folder on its timer (it holds the leader's lock, or just took it)."""
        if not self._leading:
            self._leading = self._leader.acquire(blocking=False)
        return self._leading

    def close(self) -> None:
        """Give up leading (another process takes it at its next tick) and this thread's connection."""
        if self._leading:
            self._leader.release()
            self._leading = False
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- keeping it a faithful copy ------------------------------------------------------------------
    def refresh(self, *, force: bool = False) -> dict[str, int]:
        """Bring the index up to date with the files and this process up to date with the index.

        At most every `refresh_seconds` unless forced. Forced, or in the leading process, the folder is
        scanned; otherwise only what other processes wrote to the index is read.
        """
        if not force and not self._due():
            return dict(_NOTHING)
        with self._lock:
            if not force and not self._due():
                return dict(_NOTHING)
            return self._update(scan=force or self.leading)

    def _due(self) -> bool:
        return self._checked is None or time.monotonic() - self._checked >= self.refresh_seconds

    def _update(self, *, scan: bool) -> dict[str, int]:
        """Scan the folder into the index (with `scan`), then catch up with the index; under `_lock`."""
        stats = self._sync() if scan else dict(_NOTHING)
        self._catch_up()
        self._checked = time.monotonic()
        return stats

    def _sync(self) -> dict[str, int]:
        """Write what changed on disk into the index, as one change."""
        on_disk: dict[str, tuple[Path, os.stat_result]] = {}
        for p in (p for folder in self.reader.folders if folder.is_dir() for p in corpus.find(folder)):
            try:
                on_disk[str(p.resolve())] = (p, p.stat())
            except OSError:
                continue
        db = self.db
        known = {file: (mtime, size) for file, mtime, size in db.execute("SELECT file, mtime_ns, size FROM files")}
        changed = [key for key, (p, st) in on_disk.items() if known.get(key) != (st.st_mtime_ns, st.st_size)]
        removed = [key for key in known if key not in on_disk]
        if not changed and not removed:
            return dict(_NOTHING)
        # Files are read before the write lock is taken: a long first build never blocks another process.
        loaded = corpus.map_files([on_disk[k][0] for k in changed], self.reader.read, jobs=self.jobs) \
            if changed else []
        written = 0
        db.execute("BEGIN IMMEDIATE")
        try:
            gen = int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]) + 1
            for key in removed:
                written += self._delete(db, key)
            for key, item in zip(changed, loaded):
                record, text = item.value if item.value is not None else (
                    self.reader.unreadable(item.path, item.error or ""), "")
                row = db.execute("SELECT mtime_ns, size FROM files WHERE file = ?", (key,)).fetchone()
                if row is not None and tuple(row) == (record.mtime_ns, record.size):
                    continue  # another process wrote this version of the file already
                self._delete(db, key)
                cur = db.execute("INSERT INTO files (file, mtime_ns, size, record, gen) VALUES (?, ?, ?, ?, ?)",
                                 (key, record.mtime_ns, record.size,
                                  json.dumps(record.to_store(), ensure_ascii=False), gen))
                if record.error is None:
                    # The text shares the file row's rowid: deleting it later is a key lookup.
                    db.execute("INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)",
                               (cur.lastrowid, record.title or "", text))
                written += 1
            if written:
                db.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(gen),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return {"added": sum(1 for k in changed if k not in known), "updated": sum(1 for k in changed if k in known),
                "removed": len(removed)}

    @staticmethod
    def _delete(db: sqlite3.Connection, file: str) -> int:
        row = db.execute("SELECT rowid FROM files WHERE file = ?", (file,)).fetchone()
        if row is None:
            return 0
        db.execute("DELETE FROM docs WHERE rowid = ?", (row[0],))
        db.execute("DELETE FROM files WHERE rowid = ?", (row[0],))
        return 1

    def _catch_up(self) -> None:
        """Hold the records of the index's newest generation: read only the rows written since ours."""
        db = self.db
        if int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]) == self.generation:
            return
        db.execute("BEGIN")  # one snapshot: the rows and the generation they add up to
        try:
            gen = int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
            rebuilt = gen < self.generation  # the index was made again from nothing: read it all
            fresh = db.execute("SELECT rowid, file, record FROM files WHERE gen > ?",
                               (-1 if rebuilt else self.generation,)).fetchall()
            present = dict(db.execute("SELECT rowid, file FROM files").fetchall())
        finally:
            db.execute("COMMIT")
        files = set(present.values())
        with self._lock_state:
            if gen <= self.generation and not rebuilt:
                return  # another thread of this process caught up as far or further meanwhile
            records = {} if rebuilt else {file: r for file, r in self._state[1].items() if file in files}
            for _, file, data in fresh:
                records[file] = Record.from_store(json.loads(data))
            # Swapped whole: a request holds the old records or the new ones, never a mixture.
            self._state = (gen, records, present)

    def watch(self, interval: float) -> threading.Thread:
        """Refresh in the background every `interval` seconds, so no request waits for a folder scan."""
        def loop():
            while True:
                time.sleep(interval)
                try:
                    with self._lock:
                        self._update(scan=self.leading)
                except Exception:  # noqa: BLE001 - a failed scan is retried at the next tick
                    continue

        t = threading.Thread(target=loop, name="hindsight-index", daemon=True)
        t.start()
        return t

    # -- reading -------------------------------------------------------------------------------------
    def records(self) -> list[Record]:
        if self._checked is None:
            self.refresh(force=True)
        else:
            # What another process wrote is seen at once (one indexed read when nothing changed), so a
            # person who edits through one worker reads the edit back through any other.
            self._catch_up()
        return self._listing()[1]

    def _listing(self) -> tuple[int, list[Record], dict[str, int], dict[int, str]]:
        listed = self._listed
        generation, records, rowids = self._state
        if listed is None or listed[0] != generation:
            by_path = {p: i for i, p in rowids.items()}
            of_id = {r.id: by_path[p] for p, r in records.items() if p in by_path}
            listed = (generation, unique(list(records.values())), of_id, {i: k for k, i in of_id.items()})
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

    def best(self, q: str, among: Collection[str], skip: int, take: int) -> list[str]:
        """One page of the ids in `among` that match `q`, in FTS5's best-match order: the first `take` after
        `skip`. Rows are read from SQLite until the page is full, not all of them."""
        id_of = self._listing()[3]
        out: list[str] = []
        try:
            cur = self.db.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank", (fts_query(q),))
        except sqlite3.OperationalError:
            return out
        try:
            while len(out) < take:
                rows = cur.fetchmany(max(take, 64))
                if not rows:
                    break
                for (i,) in rows:
                    file_id = id_of.get(i)
                    if file_id is None or file_id not in among:
                        continue
                    if skip:
                        skip -= 1
                    elif len(out) < take:
                        out.append(file_id)
        finally:
            cur.close()  # no statement left open on the connection (it would hold a read snapshot)
        return out

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
            if len(self._words) > WORDS_KEPT:
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
            record = self._state[1].get(self._state[2].get(rowid, ""))
            if record is not None:  # a row written after this process's generation is not shown yet
                out[record.id] = snip
        return out
