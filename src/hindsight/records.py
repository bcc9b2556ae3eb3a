"""What every view needs to know of one postmortem file, computed once per version of the file.

A `Record` is a small, typed, rebuildable copy of the facts the shells ask
about (the list, the action board, deadlines, the monthly review, visibility),
taken from the one model by `record_of`. The CLI builds records afresh from the
files (in worker processes when there are many); the portal's index keeps them
in SQLite until a file changes. Both get them from the same function, so the
two shells cannot count differently. Nothing here is ever edited: a record is
thrown away and rebuilt when its file changes.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .standard import is_open_status

if TYPE_CHECKING:
    from .config import Config
    from .model import Postmortem

#: Bumped whenever what a record holds changes, so stored copies are rebuilt.
RECORD_VERSION = 6


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


@cache
def _date(s: str | None) -> dt.date | None:
    # One object per day however many records name it: a portal holds ten thousand records in memory.
    return dt.date.fromisoformat(s) if s else None


def _shared(s: str | None) -> str | None:
    """A string read back from the index, as the one copy every record that holds it shares (paths, owners,
    statuses, the words of causes repeat across records and items)."""
    return sys.intern(s) if s is not None else None


def _datetime(s: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(s) if s else None


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One action item, with the facts of its postmortem that filters and figures need."""

    id: str
    file_id: str
    path: str
    line: int
    action: str
    owner: str | None
    due: dt.date | None
    status: str | None
    ticket: str | None
    closed: dt.date | None
    severity: str | None
    incident_date: dt.date | None
    historical: bool = False  # of a historical postmortem: never overdue
    source: str | None = None  # the `[[sources]]` its postmortem is from; None: the project's own

    @property
    def is_open(self) -> bool:
        return is_open_status(self.status)

    def overdue(self, today: dt.date) -> bool:
        """Past its due date and still open: the one definition of an overdue item."""
        return self.due is not None and self.due < today and self.is_open and not self.historical

    def to_dict(self, today: dt.date) -> dict[str, Any]:
        """The JSON shape of an action item, in the CLI and the API alike."""
        return {"id": self.id, "path": self.path, "line": self.line, "action": self.action, "owner": self.owner,
                "due": _iso(self.due), "status": self.status, "ticket": self.ticket, "severity": self.severity,
                "incident_date": _iso(self.incident_date), "overdue": self.overdue(today)}

    def _store(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("due", "closed", "incident_date"):
            d[k] = _iso(d[k])
        return d

    @classmethod
    def _load(cls, d: dict[str, Any]) -> ActionRow:
        return cls(**{**d, "due": _date(d["due"]), "closed": _date(d["closed"]),
                      "incident_date": _date(d["incident_date"]),
                      **{k: _shared(d.get(k)) for k in ("file_id", "path", "owner", "status", "severity", "source")}})


@dataclass(frozen=True, slots=True)
class RunbookUpdate:
    """A runbook or playbook change a postmortem asks for, in an action item or a lesson."""

    kind: str  # "action item" or "lesson"
    text: str
    id: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """The facts of one postmortem file that lists, filters, deadlines and the review are computed from.

    `error` is set (and every other fact empty) when the file could not be read.
    """

    id: str
    path: str  # relative to the project root, with forward slashes
    version: str | None = None
    mtime_ns: int = 0
    size: int = 0
    error: str | None = None
    title: str | None = None
    date: dt.date | None = None
    severity: str | None = None
    status: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    duration_minutes: int | None = None
    restricted: bool = False
    allowed_groups: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    summary: str = ""
    sla_status: str | None = None
    themes: tuple[str, ...] = ()
    historical: bool = False  # written before the standard was adopted (lifecycle.is_historical)
    components: tuple[str, ...] = ()  # names of what it is about (review.similarity)
    cause_words: tuple[tuple[str, int], ...] = ()  # the words of its cause, with counts
    minutes_to_acknowledge: float | None = None
    minutes_to_mitigate: float | None = None
    runbook_updates: tuple[RunbookUpdate, ...] = ()
    action_items: tuple[ActionRow, ...] = field(default=())
    source: str | None = None  # the `[[sources]]` it is from; None: the project's own folder

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def open_action_items(self) -> list[ActionRow]:
        return [a for a in self.action_items if a.is_open]

    def summary_dict(self) -> dict[str, Any]:
        """One line of a postmortem list, in the CLI's `list --format json` and the API alike."""
        return {"id": self.id, "path": self.path, "date": _iso(self.date), "severity": self.severity,
                "status": self.status, "title": self.title, "restricted": self.restricted,
                "action_items": len(self.action_items), "open_action_items": len(self.open_action_items)} | (
                    {"source": self.source} if self.source else {})

    # -- a stored copy (the portal's index) -------------------------------------------------------------
    def to_store(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["date"] = _iso(self.date)
        d["start"] = self.start.isoformat() if self.start else None
        d["end"] = self.end.isoformat() if self.end else None
        d["runbook_updates"] = [asdict(u) for u in self.runbook_updates]
        d["action_items"] = [a._store() for a in self.action_items]
        return d

    @classmethod
    def from_store(cls, d: dict[str, Any]) -> Record:
        return cls(**{**d, "date": _date(d["date"]), "start": _datetime(d["start"]), "end": _datetime(d["end"]),
                      "allowed_groups": tuple(d["allowed_groups"]), "tags": tuple(d["tags"]),
                      "services": tuple(d["services"]), "themes": tuple(d["themes"]),
                      "components": tuple(d["components"]),
                      "cause_words": tuple((_shared(w), n) for w, n in d["cause_words"]),
                      "id": _shared(d["id"]), "path": _shared(d["path"]),
                      "runbook_updates": tuple(RunbookUpdate(**u) for u in d["runbook_updates"]),
                      "action_items": tuple(ActionRow._load(a) for a in d["action_items"])})


def display_path(path: Path, root: Path, folder: Path) -> str:
    """Where a file is, as the shells show it: relative to the project root (or to its folder, outside
    it); a file outside both is shown as it was given."""
    p = path.resolve()
    for base in (root.resolve(), folder.resolve()):
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(str(x).strip() for x in items if str(x).strip())


def build(pm: Postmortem, *, file_id: str, path: str, version: str, themes_extra: dict[str, list[str]],
          mtime_ns: int = 0, size: int = 0, history_before: dt.date | None = None, source: str | None = None) -> Record:
    """The record of a parsed postmortem."""
    from .lifecycle import is_historical
    from .review.measures import ACK, MITIGATED, RUNBOOK, duration, marker_minutes
    from .review.similarity import cause_words, components
    from .review.themes import themes_of

    fm = pm.front_matter
    historical = is_historical(fm, pm.date, history_before)
    # An item of a source's postmortem is named after its qualified file id (`payments:2025-…#add-alert`).
    rows = tuple(ActionRow(id=f"{file_id}#{a.id.partition('#')[2]}" if source else a.id, file_id=file_id,
                           path=path, line=a.line, action=a.action, owner=a.owner, due=a.due, status=a.status,
                           ticket=a.ticket, closed=a.closed, severity=pm.severity, incident_date=pm.date,
                           historical=historical, source=source) for a in pm.action_items)
    runbooks = [RunbookUpdate("action item", a.action, a.id, a.status) for a in pm.action_items
                if RUNBOOK.search(a.action)]
    runbooks += [RunbookUpdate("lesson", n.text) for n in pm.lessons if RUNBOOK.search(n.text)]
    services: list[str] = []
    for key in ("service", "services", "component", "components", "system"):
        services += [s.lower() for s in _strings(fm.get(key))]
    return Record(
        id=file_id, path=path, version=version, mtime_ns=mtime_ns, size=size, source=source,
        title=pm.title, date=pm.date, severity=pm.severity, status=pm.status, start=pm.start, end=pm.end,
        duration_minutes=duration(pm), restricted=pm.restricted,
        allowed_groups=tuple(pm.classification.allowed_groups),
        tags=_strings(fm.get("tags")), services=tuple(dict.fromkeys(services)), summary=pm.summary[:600],
        sla_status=pm.sla.status if pm.sla else None, themes=tuple(sorted(themes_of(pm, themes_extra))),
        historical=historical,
        components=components(pm, services), cause_words=cause_words(pm),
        minutes_to_acknowledge=marker_minutes(pm, ACK), minutes_to_mitigate=marker_minutes(pm, MITIGATED),
        runbook_updates=tuple(runbooks), action_items=rows)


@dataclass(frozen=True, slots=True)
class Reader:
    """Reads one file into its record (and its text, for a search index): picklable, for worker processes."""

    root: Path
    folder: Path
    themes_extra: tuple[tuple[str, tuple[str, ...]], ...] = ()
    history_before: dt.date | None = None
    #: The other repositories read with the project's folder: (name, incidents folder) each (`hindsight.sources`).
    sources: tuple[tuple[str, Path], ...] = ()

    @classmethod
    def for_config(cls, config: Config, folder: Path) -> Reader:
        from . import sources
        from .lifecycle import history_before

        extra = tuple(sorted((k, tuple(v)) for k, v in config.get("themes").items()))
        # The sources are read with the project's own folder, not with a folder named on the command line.
        own = folder.resolve() == config.incidents_dir.resolve()
        return cls(config.root, folder, extra, history_before(config),
                   tuple((s.name, s.folder) for s in sources.of(config)) if own else ())

    @property
    def folders(self) -> tuple[Path, ...]:
        """Every folder whose postmortems are read: the project's, then each source's."""
        return (self.folder, *(f for _, f in self.sources))

    def source_of(self, path: Path) -> str | None:
        """The name of the source a file is from; None for the project's own folder (or no folder)."""
        p = path.resolve()
        for name, folder in self.sources:
            if p.is_relative_to(folder.resolve()):
                return name
        return None

    def file_id(self, path: Path) -> str:
        """A postmortem's id: its file name without `.md`, after `NAME:` when it is from a source."""
        name = self.source_of(path)
        return f"{name}:{path.stem}" if name else path.stem

    def __call__(self, path: Path) -> Record:
        return self.read(path)[0]

    def read(self, path: Path) -> tuple[Record, str]:
        """The record of one file and its text; an unreadable file gives a record with its error and no text."""
        from .edit import version
        from .errors import ReadError
        from .parse import decode, parse, read_bytes

        shown = display_path(path, self.root, self.folder)
        try:
            data = read_bytes(path)
            st = path.stat()
            text = decode(data, shown)
        except ReadError as e:
            return self.unreadable(path, str(ReadError(e.message, path=shown, line=e.line))), ""
        except OSError as e:
            return self.unreadable(path, f"{shown}: cannot read the file ({e.strerror})"), ""
        pm = parse(text, path=shown)
        record = build(pm, file_id=self.file_id(path), path=shown, version=version(data), source=self.source_of(path),
                       themes_extra={k: list(v) for k, v in self.themes_extra}, mtime_ns=st.st_mtime_ns,
                       size=st.st_size, history_before=self.history_before)
        return record, text

    def unreadable(self, path: Path, error: str) -> Record:
        """The record of a file that could not be read: it is listed nowhere, and its error is kept."""
        try:
            st = path.stat()
            mtime, size = st.st_mtime_ns, st.st_size
        except OSError:
            mtime, size = 0, 0
        return Record(id=self.file_id(path), path=display_path(path, self.root, self.folder), mtime_ns=mtime,
                      size=size, error=error, source=self.source_of(path))
