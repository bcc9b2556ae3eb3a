"""Writes that are atomic and never clobber what they did not see."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import ConflictError, WriteError


def create_new(path: Path, text: str) -> None:
    """Write `text` to a file that must not exist yet, atomically.

    The text goes to a temporary file in the same folder, which is then
    hard-linked into place: the link fails if the name exists, so a file that
    appeared meanwhile is never overwritten, and readers never see half a file.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"cannot create the folder ({e.strerror}); check the path and permissions",
                         path=folder) from None
    if path.exists():
        raise ConflictError("already exists; choose another title or date, or edit the existing file",
                            path=path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise WriteError(f"cannot write in this folder ({e.strerror}); check its permissions", path=folder) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise ConflictError("already exists; choose another title or date, or edit the existing file",
                                path=path) from None
        except OSError:
            # File systems without hard links: fall back to an exclusive create.
            try:
                with open(path, "x", encoding="utf-8", newline="\n") as f:
                    f.write(text)
            except FileExistsError:
                raise ConflictError("already exists; choose another title or date, or edit the existing file",
                                    path=path) from None
    except OSError as e:
        raise WriteError(f"cannot write the file ({e.strerror})", path=path) from None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass
