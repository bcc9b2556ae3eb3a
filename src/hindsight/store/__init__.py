"""Where the workspace gets its records: a small interface and its two implementations.

A store turns the postmortem files of a folder into `Record`s (one per file,
built by `records.Reader`) and keeps them until a file changes. It never
decides who may see what, never filters and never counts: the workspace does,
once, for every shell.

- `FolderStore` (here): reads every file on each refresh, in worker processes
  when there are many. What the CLI uses: nothing is written anywhere.
- `SqliteStore` (`store.sqlite`): the portal's index, `.hindsight/index.sqlite`,
  kept between runs and refreshed by file size and modification time, with
  FTS5 full-text search. Only ever a copy of the files: safe to delete.

A new backend (another database, a static export) is a new module with the
same five methods.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .. import corpus

if TYPE_CHECKING:
    from ..records import Reader, Record


class Store(Protocol):
    """The records of one folder of postmortems."""

    #: Bumped whenever a record changes: a key for caches of anything computed from records.
    generation: int

    def refresh(self, *, force: bool = False) -> dict[str, int]:
        """Bring the records up to date with the files: counts of files added, updated and removed."""
        ...

    def records(self) -> list[Record]:
        """Every file's record, readable or not, in path order."""
        ...

    def search(self, q: str, *, relevance: bool = False) -> list[str] | None:
        """Ids of the files whose text matches every word of `q` (best match first with `relevance`);
        None when this store cannot search."""
        ...

    def best(self, q: str, among: Collection[str], skip: int, take: int) -> list[str]:
        """One page (`take` after `skip`) of the ids in `among` matching `q`, best match first."""
        ...

    def snippets(self, q: str, ids: list[str]) -> dict[str, str]:
        """A short excerpt of each file around the words of `q`, the matches between \\x02 and \\x03."""
        ...


def unique(records: list[Record]) -> list[Record]:
    """Records in path order, the second of two files with one name (the id) marked unreadable."""
    from dataclasses import replace

    seen: dict[str, str] = {}
    out = []
    for r in sorted(records, key=lambda r: r.path):
        if r.id in seen and r.error is None:
            r = replace(r, error=f"{r.path}: another postmortem has the file name `{r.id}.md` ({seen[r.id]}); "
                                 "rename one of them, since ids and links use the name", version=None)
        seen.setdefault(r.id, r.path)
        out.append(r)
    return out


class FolderStore:
    """Every file read afresh at each refresh: the CLI's store."""

    def __init__(self, reader: Reader, folder: Path, *, jobs: int | None = None,
                 progress: Callable[[int], None] | None = None):
        self.reader = reader
        self.folder = folder
        self.jobs = jobs
        self.progress = progress
        self.generation = 0
        self._records: list[Record] | None = None

    def refresh(self, *, force: bool = False) -> dict[str, int]:
        """Forget what was read (the files are read again when next asked for)."""
        if force:
            self._records = None
        return {"added": 0, "updated": 0, "removed": 0}

    def _read(self) -> None:
        paths = corpus.find(self.folder) + [p for f in self.reader.folders[1:] if f.is_dir() for p in corpus.find(f)]
        loaded = corpus.map_files(paths, self.reader, jobs=self.jobs, progress=self.progress)
        self._records = unique([item.value if item.value is not None else self.reader.unreadable(item.path,
                                                                                                 item.error or "")
                                for item in loaded])
        self.generation += 1

    def records(self) -> list[Record]:
        if self._records is None:
            self._read()
        return list(self._records or [])

    def search(self, q: str, *, relevance: bool = False) -> list[str] | None:
        return None

    def best(self, q: str, among: Collection[str], skip: int, take: int) -> list[str]:
        return []

    def snippets(self, q: str, ids: list[str]) -> dict[str, str]:
        return {}
