"""Locks that hold across the processes of one machine: the portal's workers share one index and one clone.

A `ProcessLock` is a lock file taken with `flock`: the kernel releases it when
its process ends, however it ends, so a worker killed mid-edit never leaves a
lock behind. Within one process a thread lock is taken first, so threads queue
in Python rather than on the file. Where `flock` does not exist (Windows), the
lock holds between the threads of one process only, which is all a single
portal process needs.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]


class ProcessLock:
    """An exclusive lock on `path` for every process and thread of this machine that takes it."""

    def __init__(self, path: Path):
        self.path = path
        self._thread = threading.RLock()
        self._fd: int | None = None
        self._depth = 0

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def acquire(self, blocking: bool = True) -> bool:
        if not self._thread.acquire(blocking):
            return False
        if self._depth == 0 and fcntl is not None:
            try:
                fcntl.flock(self._open(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                self._thread.release()
                return False
        self._depth += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and fcntl is not None and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread.release()

    def __enter__(self) -> ProcessLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
