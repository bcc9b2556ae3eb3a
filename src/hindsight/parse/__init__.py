"""Markdown postmortems in, `Postmortem` models out.

`parse(text)` reads text and never raises; `read(path)` reads a file and raises
`ReadError` when the file is missing, binary, not UTF-8 or too large.
"""

from ._document import MAX_BYTES, decode, parse, read

__all__ = ["MAX_BYTES", "decode", "parse", "read"]
