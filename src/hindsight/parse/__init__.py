"""Markdown postmortems in, `Postmortem` models out.

`parse(text)` reads text and never raises; `read(path)` reads a file and raises
`ReadError` when the file is missing, binary, not UTF-8 or too large
(`read_bytes` and `read_text` are its first steps, for callers that need them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._document import MAX_BYTES, decode, parse, read, read_bytes, read_text

__all__ = ["MAX_BYTES", "decode", "parse", "read", "read_bytes", "read_text"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the scanner and word lists of this package are used by
    # commands (a warm `hindsight check`) that never build a model.
    if name in __all__:
        from . import _document

        return getattr(_document, name)
    raise AttributeError(name)
