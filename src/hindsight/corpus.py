"""Every postmortem in a folder, read in parallel."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import ReadError
from .model import Postmortem
from .parse import read

#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64
_SKIP = {"readme.md", "index.md", "_index.md", "template.md"}


@dataclass(slots=True)
class Loaded:
    path: Path
    postmortem: Postmortem | None
    error: str | None = None


def find(folder: Path) -> list[Path]:
    """The Markdown files under `folder` that can be postmortems, sorted by path."""
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise ReadError("no such folder; check the path, or run `hindsight new` to create the first postmortem",
                        path=folder)
    return sorted(p for p in folder.rglob("*.md")
                  if p.name.lower() not in _SKIP and not any(part.startswith(".") for part in p.parts[len(folder.parts):]))


def _load_one(path: Path) -> Loaded:
    try:
        return Loaded(path, read(path))
    except ReadError as e:
        return Loaded(path, None, str(e))


def _load_chunk(paths: list[Path]) -> list[Loaded]:
    return [_load_one(p) for p in paths]


def load(folder: Path, *, jobs: int | None = None, progress: Callable[[int], None] | None = None) -> list[Loaded]:
    """Read every postmortem under `folder`; a file that cannot be read carries its error instead."""
    paths = find(folder)
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        out = []
        for p in paths:
            out.append(_load_one(p))
            if progress:
                progress(1)
        return out
    size = max(8, len(paths) // (jobs * 8))
    chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
    out: list[Loaded] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for result in pool.map(_load_chunk, chunks):
            out.extend(result)
            if progress:
                progress(len(result))
    return out
