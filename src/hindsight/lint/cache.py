"""The check cache: findings by file, so an unchanged tree is only stat-ed.

One JSON file, `.hindsight/cache/check.json` under the project root, mapping
each path to its modification time, size and findings. It is
valid for one set of settings (rules, options, hindsight version and, when a
date-dependent rule runs, the day): any change starts it afresh. It is only
ever a copy: deleting it, or `--no-cache`, loses nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .._io import private_dir, write_file
from ..errors import WriteError

VERSION = 3


class Cache:
    def __init__(self, root: Path, key: dict[str, Any]):
        self.file = root / ".hindsight" / "cache" / "check.json"
        self.key = json.dumps({"v": VERSION, **key}, sort_keys=True, default=str)
        self.entries: dict[str, list[Any]] = {}
        self.dirty = False
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if data.get("key") == self.key:
                self.entries = data["entries"]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no cache yet, or one from other settings: start afresh

    def by_stat(self, path: str, st: os.stat_result) -> list[dict[str, Any]] | None:
        e = self.entries.get(path)
        if e is not None and e[0] == st.st_mtime_ns and e[1] == st.st_size:
            return e[2]
        return None

    def store(self, path: str, st: os.stat_result, findings: list[dict[str, Any]]) -> None:
        self.entries[path] = [st.st_mtime_ns, st.st_size, findings]
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; a read-only project just goes without one."""
        if not self.dirty:
            return
        try:
            private_dir(self.file.parent.parent)
            write_file(self.file, json.dumps({"key": self.key, "entries": self.entries},
                                             separators=(",", ":")).encode("utf-8"))
        except WriteError:
            pass
