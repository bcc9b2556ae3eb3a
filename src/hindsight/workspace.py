"""The workspace: the one library object that answers every question the CLI and the portal ask.

    >>> from hindsight.workspace import Workspace
    >>> from hindsight.access import Viewer
    >>> ws = Workspace.open()                                             # doctest: +SKIP
    >>> ws.review(Viewer.local(), "2026-03", today)["action_items"]       # doctest: +SKIP

It owns the configuration, the lifecycle policy, the incident register and a
store of records (`hindsight.store`): each file is read and parsed once per
version. Every read takes a `Viewer` and decides visibility here, once; every
figure, filter, order and default is computed here, once. The shells read
their input, make one call and print the answer, so the CLI's JSON and the
portal's JSON are the same by construction (and `tests/test_parity.py` checks).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import actions as actions_lib
from .access import Viewer
from .errors import InputError, NotFoundError, ReadError, RefusedError
from .records import Reader, Record, display_path
from .store import FolderStore, Store

if TYPE_CHECKING:
    from .config import Config
    from .edit import Change
    from .importers import Event
    from .importers import Incident as RecordedIncident
    from .importers.incident import Scaffold
    from .importers.timeline import Merge
    from .lifecycle import Assessment, Policy
    from .lint import Finding
    from .model import Postmortem
    from .records import ActionRow
    from .register import Incident
    from .remind import Digest
    from .share import Shared
    from .trackers import Outcome, Tracker
    from .trackers.sync import Run, Target

#: Postmortems on one page of a list.
PAGE_SIZE = 25
#: The most postmortems a list page may skip (a larger page number is refused, not scanned).
MAX_PAGE = 10_000
SORTS = ("date", "relevance", "oldest", "severity", "title")
#: The longest search or filter text taken; words past the index's limit are not searched for.
MAX_QUERY = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class PostmortemQuery:
    """Which postmortems to list, in which order, which page. Every filter given must match."""

    q: str | None = None
    severity: str | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    tag: str | None = None
    sort: str = "date"
    page: int = 1
    page_size: int = PAGE_SIZE
    source: str | None = None  # a `[[sources]]` name: only its postmortems

    def __post_init__(self) -> None:
        for name in ("q", "severity", "status", "tag", "source"):
            value = getattr(self, name)
            if value and len(value) > MAX_QUERY:
                raise InputError(f"the {'search' if name == 'q' else name} is {len(value)} characters long; "
                                 f"give at most {MAX_QUERY}")
            value = _CONTROL.sub(" ", value) if value else value
            object.__setattr__(self, name, " ".join(value.split()) if value and value.strip() else None)
        if self.sort not in SORTS:
            raise InputError(f"`{self.sort}` is not an order; use one of {', '.join(SORTS)}")
        if not 1 <= self.page <= MAX_PAGE:
            raise InputError(f"page {self.page} does not exist; pages are numbered from 1 to {MAX_PAGE}")

    @property
    def filters(self) -> bool:
        """Whether any filter is given (a search alone, or nothing, keeps every postmortem)."""
        return any((self.severity, self.status, self.since, self.until, self.tag, self.source))

    def matches(self, r: Record) -> bool:
        if self.severity and (r.severity or "").lower() != self.severity.lower():
            return False
        if self.status and (r.status or "").lower() != self.status.lower():
            return False
        if self.since and (r.date is None or r.date < self.since):
            return False
        if self.until and (r.date is None or r.date > self.until):
            return False
        if self.source and r.source != self.source:
            return False
        if self.tag:
            t = self.tag.lower()
            if not any(t in x.lower() for x in (*r.tags, *r.services)):
                return False
        return True


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of postmortems, the number that match in all, and search snippets for the page."""

    total: int
    page: int
    page_size: int
    items: list[Record]
    snippets: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def html_snippets(self) -> dict[str, str]:
        """The search snippets as safe HTML, the matches in `<mark>`."""
        from .render.html import snippet_html

        return {k: snippet_html(v) for k, v in self.snippets.items()}

    def to_dict(self) -> dict[str, Any]:
        snippets = self.html_snippets()
        return {"total": self.total, "page": self.page, "page_size": self.page_size,
                "postmortems": [r.summary_dict() | ({"snippet": snippets[r.id]} if r.id in snippets else {})
                                for r in self.items]}


@dataclass(slots=True)
class Document:
    """One postmortem as a reader sees it: its text, its model and what `hindsight check` finds in it."""

    id: str
    path: str
    file: Path
    version: str
    text: str
    pm: Postmortem
    findings: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        """The model's JSON, with the file's id, version (for edits) and findings: `show --format json`."""
        data = self.pm.model_dump(mode="json")
        return {"id": self.id, "version": self.version, **data,
                "findings": [f.to_dict() | {"path": self.path} for f in self.findings]}


@dataclass(frozen=True, slots=True)
class Head:
    """A postmortem's file as it is now: its version, and the version the index last read (`indexed`;
    the action items and figures shown beside it come from that one)."""

    id: str
    path: str
    file: Path
    version: str
    indexed: str


@dataclass(slots=True)
class Home:
    """The portal's first page: what needs attention now. Every count is the length of its list."""

    month: str
    postmortems: int
    open_major: list[Record]
    late: list[Assessment]
    missing: list[Assessment]
    overdue: list[ActionRow]
    figures: dict[str, Any]
    register_error: str | None = None
    historical: int = 0  # postmortems from before the standard: no deadlines, not in the lists above


class Cache:
    """A small LRU of computed answers, keyed by what they depend on."""

    def __init__(self, size: int = 512):
        self._data: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


class Workspace:
    """Every postmortem of one incidents folder, and every answer computed from them."""

    def __init__(self, config: Config, *, folder: Path | None = None, store: Store | None = None,
                 jobs: int | None = None, progress: Callable[[int], None] | None = None):
        from .lifecycle import Policy

        self.config = config
        self.folder = folder if folder is not None else config.incidents_dir
        self.policy: Policy = Policy.from_config(config)
        self.levels: list[str] = list(config.get("severity_levels"))
        self.reader = Reader.for_config(config, self.folder)
        self.store: Store = store if store is not None else FolderStore(self.reader, self.folder, jobs=jobs,
                                                                         progress=progress)
        self._cache = Cache()

    @classmethod
    def open(cls, start: Path | None = None, **kwargs: Any) -> Workspace:
        """The workspace of the project at or above `start` (the working folder by default)."""
        from .config import load

        return cls(load(start), **kwargs)

    @property
    def root(self) -> Path:
        return self.config.root

    def display(self, path: Path) -> str:
        """A path as every answer shows it: relative to the project root, never where it is on this machine."""
        return display_path(path, self.root, self.folder)

    def file_link(self, ref: dict[str, Any]) -> str | None:
        """Where a postmortem (`{"path": …}`) is read outside the portal: `share_base_url` + its path; for a
        source's postmortem, that source's own `share_base_url` + its path in that repository (none when the
        source sets none: the project's base would point at the wrong repository)."""
        path = ref.get("path")
        if not path:
            return None
        for prefix, base in self._source_links:
            if path.startswith(prefix):
                return f"{base.rstrip('/')}/{path[len(prefix):]}" if base else None
        base = self.config.get("share_base_url")
        return f"{base.rstrip('/')}/{path}" if base else None

    @cached_property
    def _source_links(self) -> list[tuple[str, str | None]]:
        """(how the paths of a source's files begin, its `share_base_url`) for each source this workspace reads."""
        from . import sources

        if not self.reader.sources:
            return []
        return [(display_path(s.root, self.root, self.folder).rstrip("/") + "/", s.share_base_url)
                for s in sources.of(self.config)]

    # -- records ---------------------------------------------------------------------------------------
    def refresh(self, *, force: bool = False) -> None:
        self.store.refresh(force=force)

    def _all(self) -> list[Record]:
        """Every readable record, newest first (then by id): the one order of a list."""
        self.store.records()  # the store reads the files on first use, and its generation tells
        return self._cache.get(("all", self.store.generation), lambda: sorted(
            (r for r in self.store.records() if r.readable),
            key=lambda r: (-(r.date.toordinal() if r.date else 0), r.id)))

    def errors(self) -> list[str]:
        """What could not be read, one message per file (path and line, and what to do)."""
        return [r.error or "" for r in self.store.records() if not r.readable]

    def records(self, viewer: Viewer, *, source: str | None = None) -> list[Record]:
        """Every postmortem the viewer may see, newest first (of one `[[sources]]` entry, with `source`)."""
        if source is not None:
            name = self.source_name(source)
            return [r for r in self.records(viewer) if r.source == name]
        every = self._all()
        if viewer.sees_everything:
            return every
        return self._cache.get(("visible", self.store.generation, viewer.cache_key()),
                               lambda: [r for r in every if viewer.may_see(r.restricted, r.allowed_groups)])

    def record(self, viewer: Viewer, file_id: str) -> Record:
        """One postmortem's record by id; `NotFoundError` when there is none the viewer may see."""
        by_id = self._cache.get(("by-id", self.store.generation), lambda: {r.id: r for r in self._all()})
        r = by_id.get(file_id)
        if r is None or not viewer.may_see(r.restricted, r.allowed_groups):
            raise self._not_found(file_id)
        return r

    def _not_found(self, file_id: str) -> NotFoundError:
        return NotFoundError(f"no postmortem `{file_id}.md` in {self.display(self.folder)}; `hindsight list` "
                             "shows them")

    def postmortems(self, viewer: Viewer, query: PostmortemQuery = PostmortemQuery()) -> Listing:
        """One page of the postmortems the viewer may see that match the query (kept until a file changes)."""
        self.source_name(query.source)
        self._all()
        return self._cache.get(("listing", self.store.generation, viewer.cache_key(), query),
                               lambda: self._listing(viewer, query))

    def _listing(self, viewer: Viewer, query: PostmortemQuery) -> Listing:
        records = self.records(viewer)
        if query.filters:
            records = [r for r in records if query.matches(r)]
        first = (query.page - 1) * query.page_size
        if query.q:
            found = self.store.search(query.q)
            if found is None:
                raise InputError("searching needs the portal's index; run `hindsight serve`")
            hits = set(found)
            records = [r for r in records if r.id in hits]
        if query.q and query.sort == "relevance":
            # Counted from the words' documents, as newest first is; only the page is read in FTS5's order.
            among = {r.id: r for r in records}
            page = [among[i] for i in self.store.best(query.q, among.keys(), first, query.page_size)]
        else:
            records = _sorted(records, query.sort)
            page = records[first:first + query.page_size]
        snippets = self.store.snippets(query.q, [r.id for r in page]) if query.q and page else {}
        return Listing(len(records), query.page, query.page_size, page, snippets)

    # -- one postmortem ----------------------------------------------------------------------------------
    def file_of(self, viewer: Viewer, ref: str | Path) -> Path:
        """The file of a postmortem given by id, or by path (inside the incidents folder or not)."""
        if isinstance(ref, Path) or "/" in str(ref) or str(ref).endswith(".md"):
            return Path(ref)
        record = self.record(viewer, str(ref))
        return self._file(record)

    def _file(self, record: Record) -> Path:
        for base in (self.root, self.folder):
            p = base / record.path
            if p.is_file():
                return p
        return self.folder / f"{record.id}.md"

    def document(self, viewer: Viewer, ref: str | Path, today: dt.date) -> Document:
        """One postmortem, read from its file now (so an edit or a change of classification is seen)."""
        file, shown, v, text, pm = self._read(viewer, ref)
        findings = self._cache.get(("findings", str(file.resolve()), v, today),
                                   lambda: self._check(text, file, today))
        return Document(self.reader.file_id(file), shown, file, v, text, pm, findings)

    def head(self, viewer: Viewer, file_id: str) -> Head:
        """Which version of a postmortem the viewer would read now, without parsing it when the index holds
        a record made from these very bytes (visibility is then the record's, decided by the same parser
        from the same text); otherwise the file is parsed and visibility decided from it, as `document`
        does. A key for anything rendered from the file: `NotFoundError` when the viewer may not see it."""
        from .edit import version
        from .parse import read_bytes

        record = self.record(viewer, file_id)
        file = self._file(record)
        shown = self.display(file)
        v = version(read_bytes(file, shown=shown))
        if record.version != v:
            v = self._read(viewer, file)[2]  # parsed: visibility as the file says now
        return Head(record.id, shown, file, v, record.version or "")

    def text(self, viewer: Viewer, ref: str | Path) -> str:
        """One postmortem's text, read from its file now, without checking it (`document` checks it too)."""
        return self._read(viewer, ref)[3]

    def _read(self, viewer: Viewer, ref: str | Path) -> tuple[Path, str, str, str, Postmortem]:
        from .edit import version
        from .parse import decode, parse, read_bytes

        file = self.file_of(viewer, ref)
        shown = self.display(file)
        data = read_bytes(file, shown=shown)
        v = version(data)
        text, pm = self._cache.get(("model", str(file.resolve()), v), lambda: _parsed(decode(data, shown), shown,
                                                                                    parse))
        if not viewer.may_see(pm.restricted, pm.classification.allowed_groups):
            raise self._not_found(file.stem)
        return file, shown, v, text, pm

    def parse_text(self, data: bytes, name: str, today: dt.date) -> Document:
        """A postmortem that is not a file (standard input), read like one."""
        from .edit import version
        from .parse import decode, parse

        text = decode(data, name)
        pm = parse(text, path=None)
        return Document("-", name, Path(name), version(data), text, pm, self._check(text, None, today))

    def _check(self, text: str, file: Path | None, today: dt.date) -> list[Finding]:
        from .lint.engine import check_text, make_settings

        settings = self._cache.get(("settings", today), lambda: make_settings(self.config, today=today))
        return check_text(text, str(file) if file is not None else "-", settings)

    # -- action items ------------------------------------------------------------------------------------
    def actions(self, viewer: Viewer, query: actions_lib.ActionQuery, today: dt.date) -> list[ActionRow]:
        """The action items of every postmortem the viewer may see that match the query, in the one order."""
        self.source_name(query.source)
        self._all()
        return self._cache.get(("actions", self.store.generation, viewer.cache_key(), query, today),
                               lambda: self._actions(viewer, query, today))

    def _actions(self, viewer: Viewer, query: actions_lib.ActionQuery, today: dt.date) -> list[ActionRow]:
        if query.file_id:  # one postmortem's items: look at its record alone
            try:
                records = [self.record(viewer, query.file_id)]
            except NotFoundError:
                records = []
        else:
            records = self.records(viewer)
        rows = [a for r in records for a in r.action_items]
        return actions_lib.select(rows, query, today)

    def action_stats(self, viewer: Viewer, query: actions_lib.ActionQuery, today: dt.date) -> dict[str, Any]:
        return actions_lib.stats(self.actions(viewer, query, today), today)

    def action(self, viewer: Viewer, action_id: str) -> ActionRow:
        file_id = action_id.partition("#")[0]
        record = self.record(viewer, file_id)
        for a in record.action_items:
            if a.id.lower() == action_id.lower():
                return a
        raise NotFoundError(f"no action item `{action_id}`; `hindsight actions` lists the ids")

    # -- the process ---------------------------------------------------------------------------------------
    def incidents(self) -> list[Incident]:
        """The incident register's incidents (an empty list when there is no register)."""
        from . import register

        path = self.folder / self.config.get("register")
        try:
            st = path.stat()
        except OSError:
            return []
        key = ("register", str(path), st.st_mtime_ns, st.st_size)
        return self._cache.get(key, lambda: register.read(path, self.levels, shown=self.display(path)))

    def status(self, viewer: Viewer, today: dt.date) -> list[Assessment]:
        """Each visible postmortem's phase and next deadline, then incidents whose required postmortem is missing."""
        from . import lifecycle

        out = [lifecycle.assess(r, self.policy, today) for r in self.records(viewer)]
        return out + lifecycle.missing(self.incidents(), self._all(), self.policy, today)

    def review(self, viewer: Viewer, month: str | None, today: dt.date, *,
               source: str | None = None) -> dict[str, Any]:
        """The monthly review (of the month that ended last, when none is given) of what the viewer may see:
        across every source, or of one (`source`, a `[[sources]]` name; the register's incidents are the
        project's own, so they are left out of one source's review)."""
        from . import review as lib

        month = month or lib.default_month(today)
        lib.parse_month(month)
        source = self.source_name(source)
        incidents = self.incidents() if source is None else []
        key = ("review", month, today, self.store.generation, viewer.cache_key(), id(incidents), source)

        def of_source(records: list[Record]) -> list[Record]:
            return records if source is None else [r for r in records if r.source == source]

        return self._cache.get(key, lambda: lib.compute(of_source(self.records(viewer)), month, today,
                                                        levels=self.levels, policy=self.policy, incidents=incidents,
                                                        written=of_source(self._all())))

    def sources(self) -> list[str]:
        """The names of the configured `[[sources]]`, in order."""
        return [name for name, _ in self.reader.sources]

    def source_name(self, name: str | None) -> str | None:
        """`name` when it is a configured source (None for none given); `InputError` naming the sources else."""
        if name and name not in self.sources():
            known = ", ".join(self.sources()) or "none is configured"
            raise InputError(f"no source `{name}`; the sources are: {known}")
        return name or None

    def home(self, viewer: Viewer, today: dt.date, *, source: str | None = None) -> Home:
        """What needs attention now: open P0/P1 postmortems, late and missing ones, overdue items; across every
        source, or of one (`source`: its postmortems and items; the register's missing postmortems are the
        project's own, so they are left out)."""
        source = self.source_name(source)
        self._all()
        return self._cache.get(("home", self.store.generation, viewer.cache_key(), today, self._register_key(),
                                source), lambda: self._home(viewer, today, source))

    def _register_key(self) -> tuple:
        try:
            st = (self.folder / self.config.get("register")).stat()
            return (st.st_mtime_ns, st.st_size)
        except OSError:
            return ()

    def _home(self, viewer: Viewer, today: dt.date, source: str | None) -> Home:
        from . import lifecycle

        records = self.records(viewer, source=source)
        closing = self.policy.statuses[-1].lower()
        majors = [r for r in records if r.severity in self.levels[:2] and (r.status or "").lower() != closing
                  and not r.historical]
        late = [a for a in (lifecycle.assess(r, self.policy, today) for r in records) if a.state == "late"]
        register_error = None
        try:
            missing = lifecycle.missing(self.incidents(), self._all(), self.policy, today) if source is None else []
        except ReadError as e:
            missing, register_error = [], str(e)
        overdue = self.actions(viewer, actions_lib.ActionQuery(overdue=True, source=source), today)
        month = f"{today:%Y-%m}"
        try:
            figures = self.review(viewer, month, today, source=source)
        except ReadError:
            from . import review as lib

            figures = lib.compute(records, month, today, levels=self.levels, policy=self.policy)
        return Home(month, len(records), majors, late, missing, overdue, figures, register_error,
                    historical=sum(r.historical for r in records))

    # -- sharing -----------------------------------------------------------------------------------------
    def share(self, viewer: Viewer, ref: str | Path, audience: str, fmt: str | None, today: dt.date, *,
              link: str | None = None, allow_restricted: bool = False, post: bool = False) -> Shared:
        """One postmortem rendered for one of the standard's four audiences.

        A restricted postmortem is refused for every audience unless `allow_restricted`, and always
        when the rendering is to be posted (`post`): nothing restricted leaves for a channel.
        """
        from . import share as lib

        doc = self.document(viewer, ref, today)
        if post and doc.pm.restricted:
            raise RefusedError("this postmortem is restricted; nothing restricted is posted to Slack", path=doc.path)
        return lib.share(doc.pm, doc.text, audience, fmt, self.config, link, allow_restricted=allow_restricted)

    # -- edits -----------------------------------------------------------------------------------------
    def editable_file(self, viewer: Viewer, ref: str | Path) -> Path:
        """The file of a postmortem the viewer may change: `NotFoundError` when they may not see it,
        `RefusedError` when they may see it but not edit."""
        return self._editable(viewer, ref)

    def _editable(self, viewer: Viewer, ref: str | Path) -> Path:
        if not viewer.can_edit:
            # Refused only once the postmortem is known to be visible: otherwise it does not exist.
            self.file_of(viewer, ref)
            raise RefusedError("you may not edit here: the portal is read-only for you")
        return self.file_of(viewer, ref)

    def set_action(self, viewer: Viewer, action_id: str, *, status: str | None = None, owner: str | None = None,
                   due: dt.date | None = None, ticket: str | None = None, today: dt.date,
                   expected_version: str | None = None) -> tuple[Path, list[Change]]:
        """Change an action item's cells in its file, in place; the file and what changed."""
        from .edit import set_action

        file_id, sep, _ = action_id.partition("#")
        if not sep or not file_id:
            raise InputError(f"`{action_id}` is not an action-item id; ids look like 2025-12-09-db-pool#3")
        file = self._editable(viewer, file_id)
        doc = self.document(viewer, file, today)  # visibility as the file says now, not as last indexed
        changes = set_action(file, action_id, status=status, owner=owner, due=due, ticket=ticket, today=today,
                             expected_version=expected_version or None, shown=doc.path)
        self.refresh(force=True)
        return file, changes

    def set_status(self, viewer: Viewer, ref: str | Path, status: str, today: dt.date, *,
                   expected_version: str | None = None, force: bool = False) -> tuple[Path, list[Change]]:
        """Move a postmortem to the next status of the lifecycle (any status with `force`)."""
        from .edit import set_status

        file = self._editable(viewer, ref)
        doc = self.document(viewer, file, today)
        changes = set_status(file, status, statuses=list(self.policy.statuses), today=today,
                             expected_version=expected_version, shown=doc.path, force=force)
        self.refresh(force=True)
        return file, changes

    def new_postmortem(self, viewer: Viewer, title: str, *, date: dt.date, severity: str | None = None,
                       author: str | None = None, start: str | None = None, end: str | None = None) -> Path:
        """A new postmortem from the template. For someone who may not see every postmortem, a name already
        taken gets the next number, so the answer never tells whether a hidden postmortem exists."""
        from . import scaffold

        if not viewer.can_edit:
            raise RefusedError("you may not create postmortems here")
        path = scaffold.new_postmortem(title, self.folder, date=date, severity=severity, author=author,
                                       start=start, end=end, numbered=not viewer.sees_everything)
        self.refresh(force=True)
        return path

    def scaffold_incident(self, incident: RecordedIncident, events: list[Event], *, zone: str = "UTC",
                          title: str | None = None, author: str | None = None, severity: str | None = None,
                          max_rows: int | None = None) -> Scaffold:
        """A new postmortem's text from a pager's or incident tool's incident, its severity mapped by this
        project's configuration (`import_severity`, then `severity_map`) unless `severity` is given; nothing is
        written."""
        from .config import default_of
        from .importers import incident as from_incident
        from .importers.timeline import MAX_ROWS

        # A source the configuration does not name keeps its default mapping.
        per_source = {**default_of("import_severity"), **self.config.get("import_severity")}
        level = severity or from_incident.severity_for(incident, per_source, self.config.get("severity_map"))
        return from_incident.scaffold(incident, events, zone=zone, title=title, author=author, severity=level,
                                      max_rows=max_rows or MAX_ROWS)

    def new_from_incident(self, viewer: Viewer, made: Scaffold) -> Path:
        """Write a scaffolded postmortem in the incidents folder, atomically; never overwrites."""
        from . import scaffold

        if not viewer.can_edit:
            raise RefusedError("you may not create postmortems here")
        path = scaffold.write_new(self.folder, made.date, made.title, made.text,
                                  numbered=not viewer.sees_everything)
        self.refresh(force=True)
        return path

    def remind(self, viewer: Viewer, today: dt.date, *, owner: str | None = None) -> Digest:
        """The overdue and due-soon action items by owner, and the late postmortems, the viewer may see (for one
        owner: their items, and the postmortems they wrote)."""
        from .remind import digest

        rows = self.actions(viewer, actions_lib.ActionQuery(status=actions_lib.OPEN), today)
        late = self.status(viewer, today)
        if owner:
            late = [a for a in late if a.state == "late" and a.id and (
                self.document(viewer, a.id, today).pm.author or "").lstrip("@").lower() == owner.lstrip("@").lower()]
        links = {a.path: link for a in rows if (link := self.file_link({"path": a.path}))}
        return digest(rows, late, today, soon_days=self.policy.due_soon_days, owner=owner, links=links)

    def sync_actions(self, viewer: Viewer, tracker: Tracker, *, today: dt.date, prefer: str | None = None,
                     mode: str = "sync", include_closed: bool = False, allow_restricted: bool = False) -> Run:
        """Every action item the viewer may see, synced with its ticket (`hindsight.trackers.sync`): one
        `Outcome` per item, as it goes. A restricted postmortem's items are left out unless
        `allow_restricted`: a tracker's readers are not the postmortem's."""
        from .trackers import Outcome
        from .trackers.owners import Owners
        from .trackers.sync import Run, run

        if mode == "sync" and not viewer.can_edit:
            raise RefusedError("you may not edit here")
        targets, hidden = self._sync_targets(viewer, today, allow_restricted)

        def outcomes() -> Iterator[Outcome]:
            for shown in hidden:
                yield Outcome(shown, 1, "", "restricted", "its items are not synced (--allow-restricted "
                                                          "syncs them, for a tracker only its readers can see)")
            yield from run(targets, tracker, owners=Owners.for_config(self.config), prefer=prefer, mode=mode,
                           include_closed=include_closed, today=today)
            if mode == "sync":
                self.refresh(force=True)

        return Run(len(targets) + len(hidden), outcomes())

    def _sync_targets(self, viewer: Viewer, today: dt.date, allow_restricted: bool) -> tuple[list[Target], list[str]]:
        from .text import split_lines
        from .trackers.sync import Target

        targets: list[Target] = []
        hidden: list[str] = []
        for record in sorted(self.records(viewer), key=lambda r: r.path):
            doc = self.document(viewer, record.id, today)
            if not doc.pm.action_items:
                continue
            if doc.pm.restricted and not allow_restricted:
                hidden.append(doc.path)
                continue
            lines = split_lines(doc.text)
            for item in doc.pm.action_items:
                span = item.cells.get("ticket")
                cell = lines[span.line - 1][span.start:span.end] if span else ""
                targets.append(Target(doc.file, doc.path, item, cell, doc.pm.title or record.id,
                                      self.file_link({"path": doc.path}), doc.pm.severity, doc.pm.date))
        return targets, hidden

    def import_timeline(self, viewer: Viewer, ref: str | Path, events: list[Event], *, today: dt.date,
                        dry_run: bool = False, max_rows: int | None = None,
                        expected_version: str | None = None) -> tuple[Path, Merge]:
        """Merge imported events into a postmortem's Timeline, in place (`hindsight.importers.timeline`)."""
        from .importers.timeline import MAX_ROWS, import_into

        file = self._editable(viewer, ref)
        doc = self.document(viewer, file, today)
        merge = import_into(file, events, dry_run=dry_run, shown=doc.path, expected_version=expected_version,
                            max_rows=max_rows or MAX_ROWS)
        if merge.changed and not dry_run:
            self.refresh(force=True)
        return file, merge


def _parsed(text: str, shown: str, parse: Callable[..., Postmortem]) -> tuple[str, Postmortem]:
    return text, parse(text, path=shown)


def _sorted(records: list[Record], sort: str) -> list[Record]:
    if sort == "oldest":
        return sorted(records, key=lambda r: (r.date or dt.date.max, r.id))
    if sort == "severity":
        return sorted(records, key=lambda r: (r.severity or "~", -(r.date.toordinal() if r.date else 0), r.id))
    if sort == "title":
        return sorted(records, key=lambda r: ((r.title or "").casefold(), r.id))
    return records  # newest first (the records' own order), or best match as the search ranked them


__all__ = ["Cache", "Document", "Home", "Listing", "PostmortemQuery", "Workspace"]
