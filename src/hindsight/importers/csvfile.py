"""CSV and JSON Lines: a timeline kept in a spreadsheet or written by a script.

CSV: one row per event, `time,event[,source]`. A first row naming the columns
(`time`, `event`, and optionally `source` and `id`, in any order) is read as a
header. JSON Lines: one object per line with those keys. `time` is ISO 8601
(`2024-05-01T14:02:00Z`, `2024-05-01 14:02+02:00`); a time without a zone is
read in `--tz`, and is an error without it. A row's id is its `id` column, else
its time and text, so importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import ReadError
from . import Event, clean, read_file_bytes, timestamp

_TIME = ("time", "timestamp", "at", "when", "date", "datetime")
_EVENT = ("event", "description", "what", "message", "text", "summary")


def _event(at: dt.datetime, text: str, source: str, given_id: str) -> Event:
    ident = given_id.strip() or hashlib.sha1(f"{at.isoformat()}|{text}".encode("utf-8", "replace")).hexdigest()[:12]
    shown = f"{text} ({source})" if source.strip() else text
    return Event(at=at, text=clean(shown), source="csv", id=ident, kind="other")


def events(path: Path, *, tz: dt.tzinfo | None) -> list[Event]:
    text = read_file_bytes(path).decode("utf-8", "replace").lstrip("\ufeff")
    if "\x00" in text:
        raise ReadError("is not a text file; save the timeline as CSV (`time,event`) or JSON Lines", path=path)
    if not text.strip():
        raise ReadError("the file is empty; write one `time,event` row per line", path=path)
    if text.lstrip().startswith("{"):
        return list(_jsonl(text, path, tz))
    return list(_csv(text, path, tz))


def _csv(text: str, path: Path, tz: dt.tzinfo | None) -> Iterator[Event]:
    columns = {"time": 0, "event": 1, "source": 2, "id": None}
    reader = csv.reader(io.StringIO(text, newline=""))
    first = True
    try:
        for row in reader:
            no = reader.line_num
            if not row or not any(c.strip() for c in row):
                continue
            if first:
                first = False
                header = [c.strip().lower() for c in row]
                if any(h in _TIME for h in header):
                    columns = _columns(header)
                    if columns["event"] is None:
                        raise ReadError("the header names no event column; name it `event`", path=path, line=no)
                    continue
            cell = {k: row[i] if i is not None and i < len(row) else "" for k, i in columns.items()}
            if not cell["event"].strip():
                raise ReadError("a row needs a time and an event: `2024-05-01T14:02:00Z,Alert fired`", path=path,
                                line=no)
            at = timestamp(cell["time"], f"{path}:{no}", tz=tz)
            yield _event(at, cell["event"], cell["source"], cell["id"])
    except csv.Error as e:
        raise ReadError(f"not a CSV file ({e}); quote cells that hold commas or line breaks", path=path,
                        line=reader.line_num) from None


def _columns(header: list[str]) -> dict[str, int | None]:
    """Which column holds what, by a header row's names: the event column is the one named for it (`event`,
    `description`, `what happened`), else the first that is not the time."""
    time = next(i for i, h in enumerate(header) if h in _TIME)
    named = {h: i for i, h in enumerate(header)}
    event = next((i for i, h in enumerate(header) if i != time and any(w in h.split() for w in _EVENT)), None)
    if event is None:
        event = next((i for i, h in enumerate(header) if i != time and h not in ("source", "id")), None)
    return {"time": time, "event": event, "source": named.get("source"), "id": named.get("id")}


def _jsonl(text: str, path: Path, tz: dt.tzinfo | None) -> Iterator[Event]:
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as e:
            reason = e.msg if isinstance(e, json.JSONDecodeError) else "nested too deeply"
            raise ReadError(f"not a JSON object ({reason}); write one {{\"time\": …, \"event\": …}} per line",
                            path=path, line=no) from None
        if not isinstance(obj, dict) or not str(obj.get("event") or "").strip():
            raise ReadError("each line needs `time` and `event`", path=path, line=no)
        yield _event(timestamp(obj.get("time"), f"{path}:{no}", tz=tz), str(obj["event"]),
                     str(obj.get("source") or ""), str(obj.get("id") or ""))
