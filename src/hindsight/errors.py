"""Errors raised by the Hindsight library, by kind.

The library raises; only the CLI and the web layer translate errors, by their
type, into exit codes or HTTP responses (the status a kind maps to is given
below). Every message says what happened, then what to do.

    HindsightError
    ├── NotFoundError      no such postmortem, action item, rule or file, or one the
    │                      asker may not see (404)
    ├── InputError         a value the user gave cannot be used: a month, a status,
    │                      a date, a transition the lifecycle does not allow (400)
    ├── RefusedError       the asker may see it but not do this: a read-only portal,
    │                      a restricted postmortem shared too widely (403)
    ├── ReadError          a file could not be read as a postmortem (missing,
    │                      binary, not UTF-8, too large)
    ├── ConfigError        hindsight.toml / [tool.hindsight] is wrong
    ├── WriteError         a file could not be written
    │   └── ConflictError  the file changed on disk since it was read, or
    │                      already exists where a new one would go (409)
    └── RemoteError        a service Hindsight talks to (Slack, a tracker) failed (502)
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


class NotFoundError(HindsightError):
    """What was asked for does not exist, or the asker may not see it (the two look the same)."""


class InputError(HindsightError):
    """A value given by the user cannot be used."""


class RefusedError(HindsightError):
    """The asker may not do this."""


class ReadError(HindsightError):
    """A file could not be read as a postmortem."""


class ConfigError(HindsightError):
    """The configuration is invalid."""


class WriteError(HindsightError):
    """A file could not be written."""


class ConflictError(WriteError):
    """A write would overwrite something it did not see."""


class RemoteError(HindsightError):
    """A service Hindsight talks to (Slack, a tracker) could not be reached or answered with an error (502).
    `status` is the HTTP status it answered, when it answered."""

    def __init__(self, message: str, *, status: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.status = status
