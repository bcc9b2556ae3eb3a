"""Writes that are atomic and never clobber what they did not see."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import ConflictError, WriteError

_EXISTS = "already exists; choose another title or date, or edit the existing file"


def new_file_mode() -> int:
    """The mode a new file gets (0o666 less the umask), as any other program would create it: the
    temporary file a write is staged in is 0o600 whatever the umask."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            umask = next(int(ln.split()[1], 8) for ln in f if ln.startswith("Umask:"))
    except (OSError, StopIteration, ValueError):
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def _stage(path: Path, data: bytes, place: Callable[[str], None], shown: str | None = None) -> None:
    """Write `data` to a temporary file beside `path`, flushed to disk, then let `place` put it there.

    Whatever `place` does (link, rename, or refuse), the temporary file never stays behind.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise WriteError(f"cannot write in this folder ({e.strerror}); check its permissions",
                         path=Path(shown).parent if shown else path.parent) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        place(tmp)
    except OSError as e:
        raise WriteError(f"cannot write the file ({e.strerror})", path=shown or path) from None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _mkdir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"cannot create the folder ({e.strerror}); check the path and permissions",
                         path=folder) from None


def create_new(path: Path, text: str) -> None:
    """Write `text` to a file that must not exist yet, atomically.

    The text goes to a temporary file in the same folder, which is then
    hard-linked into place: the link fails if the name exists, so a file that
    appeared meanwhile is never overwritten, and readers never see half a file.
    """
    _mkdir(path.parent)
    if path.exists():
        raise ConflictError(_EXISTS, path=path)
    data = text.encode("utf-8")

    def place(tmp: str) -> None:
        os.chmod(tmp, new_file_mode())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise ConflictError(_EXISTS, path=path) from None
        except OSError:
            # File systems without hard links: fall back to an exclusive create.
            try:
                with open(path, "xb") as f:
                    f.write(data)
            except FileExistsError:
                raise ConflictError(_EXISTS, path=path) from None

    _stage(path, data, place)


def replace_text(path: Path, text: str, *, expected: bytes, bom: bool = False, shown: str | None = None) -> None:
    """Replace a file's content atomically, refusing if it changed since it was read as `expected`.

    The new content goes to a temporary file in the same folder, which takes the
    old file's permissions and then replaces it in one rename: readers see the
    old file or the new one, never a mix.
    """
    try:
        current = path.read_bytes()
    except OSError as e:
        raise WriteError(f"cannot read the file before writing ({e.strerror})", path=shown or path) from None
    if current != expected:
        raise ConflictError("the file changed on disk since it was read; nothing was written. Run the command "
                            "again on the new content", path=shown or path)

    def place(tmp: str) -> None:
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        if path.read_bytes() != expected:  # a last look, just before the rename
            raise ConflictError("the file changed on disk while it was being written; nothing was written",
                                path=shown or path)
        os.replace(tmp, path)

    _stage(path, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"), place, shown)


def write_file(path: Path, data: bytes) -> None:
    """Write an output file (an invite, a report) atomically, replacing any previous one."""
    _mkdir(path.parent)

    def place(tmp: str) -> None:
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else new_file_mode())
        os.replace(tmp, path)

    _stage(path, data, place)


def private_dir(folder: Path) -> Path:
    """Create `folder` (Hindsight's `.hindsight/` caches) with a .gitignore that keeps it out of git."""
    _mkdir(folder)
    gitignore = folder / ".gitignore"
    if not gitignore.exists():
        try:
            gitignore.write_text("# Hindsight's caches: rebuilt from the postmortems at any time.\n*\n",
                                 encoding="utf-8")
        except OSError:
            pass  # a read-only project: the caches still work, git may just list them
    return folder
