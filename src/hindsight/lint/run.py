"""`hindsight check` over many files: the cache, parallel workers and fixes written back."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .. import corpus
from .._io import replace_text
from ..errors import HindsightError, ReadError
from ._types import Finding
from .cache import Cache
from .engine import Settings, check_text
from .fix import apply_fixes


@dataclass(slots=True)
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    error: str | None = None


def expand(paths: list[Path]) -> list[Path]:
    """Files to check: folders are searched for postmortems; `-` stands for standard input."""
    out: list[Path] = []
    for p in paths:
        if str(p) == "-":
            out.append(p)
            continue
        try:
            is_dir = stat.S_ISDIR(os.stat(p).st_mode)
        except OSError:
            raise ReadError("no such file or folder; check the path", path=p) from None
        out.extend(corpus.find(p) if is_dir else [p])
    return out


def _check_one(path: Path, settings: Settings, fix: bool, unsafe: bool) -> FileResult:
    from ..parse import decode, read_bytes

    data = read_bytes(path)
    text = decode(data, path)
    findings = check_text(text, str(path), settings)
    result = FileResult(str(path), findings)
    if fix and any(f.fix for f in findings):
        # Fixes can reveal others (a recomputed duration disagrees with the Impact row): apply until stable.
        new, applied = text, []
        for _ in range(5):
            new_text, done = apply_fixes(new, findings, unsafe=unsafe)
            if not done or new_text == new:
                break
            new, applied = new_text, applied + done
            findings = check_text(new, str(path), settings)
        if applied and new != text:
            try:
                replace_text(path, new, expected=data, bom=data.startswith(b"\xef\xbb\xbf"))
            except HindsightError as e:
                result.error = str(e)
                return result
            result.fixed = applied
            result.findings = findings
    for f in result.findings:
        f.fixable = f.fix is not None
        if not fix:
            f.fix = None  # fixes stay in the worker unless they are to be applied
    return result


def run(paths: list[Path], settings: Settings, *, use_cache: bool = True, fix: bool = False, unsafe: bool = False,
        jobs: int | None = None, progress: Callable[[int], None] | None = None,
        stdin: bytes | None = None) -> list[FileResult]:
    """Check files (`expand`ed already: no folders), `-` read from `stdin`, in path order."""
    files = paths
    results: dict[int, FileResult] = {}
    cache = Cache(settings.config.root, settings.cache_key()) if use_cache and not fix else None
    todo: list[tuple[int, Path]] = []
    stats: dict[int, os.stat_result] = {}
    for i, p in enumerate(files):
        if str(p) == "-":
            from ..parse import decode

            try:
                results[i] = FileResult("-", check_text(decode(stdin or b"", "<stdin>"), "-", settings))
            except ReadError as e:
                results[i] = FileResult("-", error=str(e))
            continue
        if cache is not None:
            try:
                st = p.stat()
            except OSError:
                st = None
            if st is not None:
                stats[i] = st
                hit = cache.by_stat(str(p), st)
                if hit is not None:
                    name = str(p)
                    # (Finding.from_row, inlined: a warm run turns tens of thousands of rows into findings)
                    results[i] = FileResult(name, [Finding(name, r[0], r[1], r[2], r[3], r[4], r[5], None, r[6])
                                                   for r in hit])
                    if progress:
                        progress(1)
                    continue
        todo.append((i, p))
    worker = partial(_check_one, settings=settings, fix=fix, unsafe=unsafe)
    done = corpus.map_files([p for _, p in todo], worker, jobs=jobs, progress=progress)
    for (i, p), loaded in zip(todo, done):
        r = loaded.value if loaded.value is not None else FileResult(str(p), error=loaded.error)
        results[i] = r
        if cache is not None and r.error is None and i in stats:  # (no cache when fixing: files change)
            cache.store(str(p), stats[i], [f.to_row() for f in r.findings])
    if cache is not None:
        cache.save()
    return [results[i] for i in range(len(files))]
