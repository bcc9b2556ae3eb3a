"""Errors raised by the Hindsight library.

The library raises; only the CLI and the web layer translate errors into exit
codes or HTTP responses. Every message says what happened, then what to do.

    HindsightError
    ├── ReadError          a file could not be read as a postmortem (missing,
    │                      binary, not UTF-8, too large)
    ├── ConfigError        hindsight.toml / [tool.hindsight] is wrong
    └── WriteError         a file could not be written
        └── ConflictError  the file changed on disk since it was read, or
                           already exists where a new one would go
"""

from __future__ import annotations

from pathlib import Path


class HindsightError(Exception):
    """Base class of every error Hindsight raises on purpose."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class ReadError(HindsightError):
    """A file could not be read as a postmortem."""


class ConfigError(HindsightError):
    """The configuration is invalid."""


class WriteError(HindsightError):
    """A file could not be written."""


class ConflictError(WriteError):
    """A write would overwrite something it did not see."""
