"""Markdown postmortems in, `Postmortem` models out.

`parse(text)` reads text and never raises; `read(path)` reads a file and raises
`ReadError` when the file is missing, binary, not UTF-8 or too large
(`read_bytes` and `read_text` are its first steps, for callers that need them).
`timeline_columns` says which columns of a timeline table hold the time and the
event, as the reader decides it (the timeline importer writes rows the same way).

The pieces other packages share are public modules of this package:

- `hindsight.parse.scan`: the fence-aware line scanner (lines, table cells, sections);
- `hindsight.parse.when`: dates, times, zones and durations, read and written;
- `hindsight.parse.sections`: the standard's section names and their synonyms.

Lines themselves are `hindsight.text`; statuses and placeholders are `hindsight.standard`.
Modules whose names start with `_` are this package's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._document import MAX_BYTES, decode, parse, parse_with_scan, read, read_bytes, read_text
    from ._timeline import timeline_columns

__all__ = ["MAX_BYTES", "decode", "parse", "parse_with_scan", "read", "read_bytes", "read_text",
           "timeline_columns"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the scanner and word lists of this package are used by
    # commands (a warm `hindsight check`) that never build a model.
    if name == "timeline_columns":
        from ._timeline import timeline_columns

        return timeline_columns
    if name in __all__:
        from . import _document

        return getattr(_document, name)
    raise AttributeError(name)
