"""The incident register: incidents that happened, whether or not they have a postmortem.

A CSV file (`docs/incidents/register.csv` by default) with the columns
`id, date, title, severity, resolved_at, postmortem`, or a YAML list of
mappings with the same keys. Teams keep it by hand or with
`hindsight register add`. It is how `hindsight status` finds the worst
failure of the process: a P0 or P1 incident whose postmortem was never written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ._io import create_new, replace_text
from .errors import ConflictError, InputError, ReadError
from .scaffold import slugify

T = TypeVar("T")
COLUMNS = ("id", "date", "title", "severity", "resolved_at", "postmortem")
UTC = dt.timezone.utc


@dataclass
class Incident:
    id: str
    date: dt.date
    title: str
    severity: str
    resolved_at: dt.datetime | None
    postmortem: str | None
    register: str  # the file it was read from
    line: int


def _date(value: str, where: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ReadError(f"`{value}` in column {column} is not a date; write it as YYYY-MM-DD", path=where) from None


def _datetime(value: str, where: str) -> dt.datetime | None:
    v = value.strip()
    if not v:
        return None
    try:
        d = dt.datetime.fromisoformat(v.replace("Z", "+00:00").replace(" ", "T", 1) if len(v) > 10 else v)
    except ValueError:
        raise ReadError(f"`{value}` in column resolved_at is not a date and time; write it as "
                        "YYYY-MM-DDTHH:MM (UTC unless an offset is given)", path=where) from None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def _row(data: dict[str, str], where: str, line: int, severities: list[str]) -> Incident:
    loc = f"{where}:{line}"
    missing = [c for c in ("date", "title", "severity") if not (data.get(c) or "").strip()]
    if missing:
        raise ReadError(f"the row has no {', '.join(missing)}; every incident needs a date, a title and a "
                        "severity", path=loc)
    sev = data["severity"].strip().upper()
    if sev not in severities:
        raise ReadError(f"severity `{data['severity']}` is not one of {', '.join(severities)}", path=loc)
    date = _date(data["date"], loc, "date")
    title = data["title"].strip()
    return Incident(id=(data.get("id") or "").strip() or f"{date.isoformat()}-{slugify(title)}", date=date,
                    title=title, severity=sev, resolved_at=_datetime(data.get("resolved_at") or "", loc),
                    postmortem=(data.get("postmortem") or "").strip() or None, register=where, line=line)


def read(path: Path, severities: list[str], *, shown: str | None = None) -> list[Incident]:
    """The incidents of a register; a missing file is an empty register. Errors name it as `shown`."""
    if not path.exists():
        return []
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReadError(f"cannot read the register ({e.strerror})", path=shown or path) from None
    return _incidents(data, Path(shown) if shown else path, severities)


def _incidents(data: bytes, path: Path, severities: list[str]) -> list[Incident]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReadError(f"byte {e.start} is not valid UTF-8; save the register as UTF-8 CSV or YAML",
                        path=path, line=data.count(b"\n", 0, e.start) + 1) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(text, str(path), severities)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown or "date" not in header:
        raise ReadError(f"the header must be {','.join(COLUMNS)}"
                        + (f"; unknown column `{unknown[0]}`" if unknown else ""), path=f"{path}:1")
    out = []
    for data in reader:
        clean = {(k or "").strip().lower(): (v if isinstance(v, str) else "") for k, v in data.items()}
        if not any(v.strip() for v in clean.values()):
            continue
        out.append(_row(clean, str(path), reader.line_num, severities))
    return out


def _read_yaml(text: str, where: str, severities: list[str]) -> list[Incident]:
    import yaml

    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ReadError(f"invalid YAML ({getattr(e, 'problem', e)})",
                        path=f"{where}:{mark.line + 1}" if mark else where) from None
    if not isinstance(data, list):
        raise ReadError("the register must be a list of incidents (`- date: …`)", path=where)
    lines = [i + 1 for i, ln in enumerate(text.splitlines()) if ln.startswith("-")]
    out = []
    for n, item in enumerate(data):
        if not isinstance(item, dict):
            raise ReadError("each incident must be a mapping with date, title, severity…",
                            path=f"{where}:{lines[n] if n < len(lines) else 1}")
        row = {str(k).lower(): "" if v is None else str(v) for k, v in item.items()}
        out.append(_row(row, where, lines[n] if n < len(lines) else 1, severities))
    return out


def add(path: Path, incident: dict[str, str], severities: list[str]) -> Incident:
    """Append an incident to a CSV register (created with its header when absent), atomically."""
    if path.suffix.lower() in (".yaml", ".yml"):
        raise InputError("`register add` writes CSV registers; add YAML entries by hand", path=path)
    data = path.read_bytes() if path.exists() else None
    existing = _incidents(data, path, severities) if data is not None else []
    new = _row({k: incident.get(k) or "" for k in COLUMNS}, str(path), len(existing) + 2, severities)
    if any(e.id == new.id for e in existing):
        raise ConflictError(f"the register already has an incident `{new.id}`; give another --id", path=path)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([new.id, new.date.isoformat(), new.title, new.severity,
                     new.resolved_at.isoformat() if new.resolved_at else "", new.postmortem or ""])
    if data is None:
        create_new(path, ",".join(COLUMNS) + "\n" + buf.getvalue())
        return new
    text = data.decode("utf-8-sig")
    if text and not text.endswith("\n"):
        text += "\n"
    replace_text(path, text + buf.getvalue(), expected=data, bom=data.startswith(b"\xef\xbb\xbf"))
    return new


def find_postmortem(incident: Incident, postmortems: dict[str, T]) -> T | None:
    """The postmortem of an incident: the path the register names, else a file of that date and title."""
    if incident.postmortem:
        name = Path(incident.postmortem).name
        return postmortems.get(name)
    date = incident.date.isoformat()
    wanted = set(slugify(incident.title).split("-"))
    best = None
    for name, path in postmortems.items():
        if not name.startswith(date):
            continue
        words = set(re.sub(r"\.md$", "", name[len(date) + 1:]).split("-"))
        overlap = len(words & wanted) / max(1, len(wanted))
        if overlap >= 0.5 and (best is None or overlap > best[0]):
            best = (overlap, path)
    return best[1] if best else None
