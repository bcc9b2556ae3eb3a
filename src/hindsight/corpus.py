"""The postmortem files of a folder, and work over many files in parallel.

Parsing is CPU-bound, so many files are read by worker processes. Sending
whole models back between processes costs as much as parsing them, so the work
that needs the model (a record for the workspace, findings for `check`) runs
in the worker too: `map_files(paths, fn)` returns `fn(path)` for each file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from .errors import ReadError

T = TypeVar("T")

#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64
_SKIP = {"readme.md", "index.md", "_index.md", "template.md"}


@dataclass(slots=True)
class Loaded(Generic[T]):
    path: Path
    value: T | None  # fn(path), or None when it raised a ReadError
    error: str | None = None


def find(folder: Path) -> list[Path]:
    """The Markdown files under `folder` that can be postmortems, sorted by path."""
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise ReadError("no such folder; check the path, or run `hindsight new` to create the first postmortem",
                        path=folder)
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # .git, .hindsight …
        found.extend(os.path.join(dirpath, f) for f in filenames
                     if f.endswith(".md") and f.lower() not in _SKIP)
    return [Path(p) for p in sorted(found)]


def _run_chunk(paths: list[Path], fn: Callable[[Path], Any]) -> list[Loaded]:
    out = []
    for p in paths:
        try:
            out.append(Loaded(p, fn(p)))
        except ReadError as e:
            out.append(Loaded(p, None, str(e)))
    return out


def map_files(paths: list[Path], fn: Callable[[Path], T], *, jobs: int | None = None,
              progress: Callable[[int], None] | None = None) -> list[Loaded[T]]:
    """`fn(path)` for every path, in worker processes when there are many; a `ReadError` becomes the error.

    `fn` must be picklable (a module-level function, or a `functools.partial` of one).
    """
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        out: list[Loaded[T]] = []
        for p in paths:
            out.extend(_run_chunk([p], fn))
            if progress:
                progress(1)
        return out
    size = max(8, len(paths) // (jobs * 8))
    chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
    out = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for result in pool.map(partial(_run_chunk, fn=fn), chunks):
            out.extend(result)
            if progress:
                progress(len(result))
    return out
