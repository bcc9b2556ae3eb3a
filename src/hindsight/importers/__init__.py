"""Timelines from where the incident happened: the pager, the chat, the incident tool, a spreadsheet.

Each source is read into `Event`s, the same for every vendor: when, what,
which source and its id there, a link where the source has one, and a kind
the review understands (`ack`, `mitigated`). `hindsight.importers.timeline`
merges events into a postmortem's Timeline table; `hindsight.importers.api`
fetches the same documents live; `hindsight.importers.incident` reads the
incident itself, for `hindsight new --from`.

Sources (`--from`), with the vendor's reference (docs/importing.md has more):

- `pagerduty`: `GET /incidents/{id}/log_entries` responses (one page or
  several), `GET /incidents/{id}/notes`, and `GET /incidents/{id}`
  (https://developer.pagerduty.com/api-reference/).
- `opsgenie`: `GET /v2/alerts/{id}/logs` and `GET /v2/alerts/{id}/notes`
  responses (https://docs.opsgenie.com/docs/alert-api-continued).
- `slack`: a workspace export, the zip or its folder
  (https://slack.com/help/articles/220556107).
- `incidentio`: `GET /v2/incident_updates`, `GET /v2/incident_timeline_items`
  and `GET /v2/incidents/{id}` responses (https://api-docs.incident.io/).
- `csv`: `time,event[,source]` rows, or JSON Lines with those keys.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ReadError
from ..text import split_lines

FORMATS = ("pagerduty", "opsgenie", "slack", "incidentio", "csv")
#: What an event is, across vendors; `--only` takes these.
KINDS = ("trigger", "ack", "escalate", "assign", "notify", "note", "status", "mitigated", "resolve", "message",
         "other")
#: How a kind is marked in its row, so the review measures time to acknowledge and to mitigate
#: (`hindsight.review.measures` reads these tags).
MARKS = {"ack": "[ack]", "mitigated": "[mitigated]"}
#: The vendor's name as a row shows it.
NAMES = {"pagerduty": "PagerDuty", "opsgenie": "Opsgenie", "slack": "Slack", "incidentio": "incident.io",
         "csv": "CSV"}
#: The longest event text a row keeps; the rest is cut at a word, with `…`.
MAX_TEXT = 400
#: The largest export or saved response read (a Slack export zip may be larger; its files are read one
#: by one).
MAX_FILE_BYTES = 256 * 1024 * 1024

_SPACE = re.compile(r"[\s\u2028\u2029\u0085\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_PIPE = re.compile(r"(?<!\\)\|")
_TODO = re.compile(r"\[(?=(?:TODO|TBD)\b)", re.I)
_FRACTION = re.compile(r"(\.\d{6})\d+")


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, as a source recorded it."""

    at: dt.datetime  # aware
    text: str  # one line of Markdown, safe in a table cell
    source: str  # one of FORMATS
    id: str  # the source's own id, which the next import recognises
    kind: str = "other"
    url: str | None = None
    #: The first sign the service was restored, when nothing else says it was mitigated (a resolve).
    restores: bool = False

    @property
    def mark(self) -> str | None:
        """The tag its row carries for the review: `[ack]`, `[mitigated]`, or none."""
        return MARKS["mitigated"] if self.restores else MARKS.get(self.kind)


@dataclass(frozen=True, slots=True)
class Incident:
    """The incident itself, as the pager or incident tool records it (for `hindsight new --from`)."""

    source: str
    id: str
    title: str
    start: dt.datetime | None  # when the impact started, or the incident was opened
    end: dt.datetime | None  # when it was resolved; None while it is open
    severity: str | None = None  # as the vendor names it (`P2`, `Major`); configuration maps it
    url: str | None = None
    reference: str | None = None  # how people name it: `#1234`, `INC-123`


def clean(text: object) -> str:
    """A source's text as one line of a table cell: whitespace and odd line breaks as spaces, no control
    characters or lone surrogates, `|` escaped, nothing that opens an HTML tag or comment (the text is
    shown as written, never as markup), at most `MAX_TEXT` characters."""
    text = _SPACE.sub(" ", _CONTROL.sub("", str(text))).strip()
    if len(text) > MAX_TEXT:
        cut = text[:MAX_TEXT - 1]
        text = (cut[:cut.rfind(" ")] if " " in cut[MAX_TEXT // 2:] else cut).rstrip() + "…"
    if "<" in text or ">" in text:
        text = _TAG.sub("&lt;", text).replace("-->", "--&gt;")
    text = text.rstrip("\\")
    if "|" in text:
        text = _PIPE.sub(r"\\|", text)
    # A backtick left open would hide the cell's closing pipe, and `[TODO: …]` would read as the template's
    # placeholder: both are written as character references, which show as the same characters.
    if text.count("`") % 2:
        k = text.rfind("`")
        text = text[:k] + "&#96;" + text[k + 1:]
    if "[" in text:
        text = _TODO.sub("&#91;", text)
    return text


def timestamp(value: object, where: str, *, tz: dt.tzinfo | None = None) -> dt.datetime:
    """An ISO 8601 time (`2024-05-01T14:02:00Z`, `…+02:00`, `2024-05-01 14:02`); one without a zone is read
    in `tz`, and is an error naming `where` when no zone is given."""
    if not isinstance(value, str) or not value.strip():
        raise ReadError(f"{where} has no time; each event needs an ISO 8601 time such as 2024-05-01T14:02:00Z")
    text = _FRACTION.sub(r"\1", value.strip())
    text = re.sub(r"\s*(?:UTC|GMT|Z)$", "+00:00", text, flags=re.I)
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ReadError(f"{where}: `{value[:40]}` is not a time; write it as ISO 8601, e.g. "
                        "2024-05-01T14:02:00Z") from None
    if at.tzinfo is None:
        if tz is None:
            raise ReadError(f"{where}: `{value[:40]}` has no time zone; add one (`Z`, `+02:00`) or give --tz")
        at = at.replace(tzinfo=tz)
    return at


def read_file_bytes(path: Path) -> bytes:
    """A source file's bytes; a clear error when it is missing, a folder, or larger than any export."""
    try:
        if path.is_dir():
            raise ReadError("is a folder; give the saved response or export file (a Slack export may be a "
                            "folder: use --from slack)", path=path)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReadError(f"is {size // 2**20} MiB, more than any export Hindsight reads "
                            f"({MAX_FILE_BYTES // 2**20} MiB); export a shorter window", path=path)
        return path.read_bytes()
    except OSError as e:
        raise ReadError(f"cannot read the file ({e.strerror}); check the path", path=path) from None


def load_json(path: Path) -> list[object]:
    """The JSON documents of a file: one response, an array of responses (pages), or one per line."""
    data = read_file_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        raise ReadError("is a zip file, not a saved JSON response; a Slack export is read with --from slack",
                        path=path)
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    if not text.strip():
        raise ReadError("the file is empty; save the API response or export in it", path=path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as first:
        # One response per line (JSON Lines), or one broken response.
        docs: list[object] = []
        for no, line in enumerate(split_lines(text), 1):
            if line.strip():
                try:
                    docs.append(json.loads(line))
                except json.JSONDecodeError as e:
                    wrong = e if docs else first
                    raise ReadError(f"not JSON ({wrong.msg}, column {wrong.colno}); save the response as the API "
                                    "returned it", path=path, line=no if docs else first.lineno) from None
        return docs
    except RecursionError:
        raise ReadError("is nested too deeply to be an API response", path=path) from None
    if isinstance(doc, list) and doc and all(isinstance(d, dict) and _is_page(d) for d in doc):
        return doc
    return [doc]


def _is_page(doc: dict) -> bool:
    """A whole response (a page of a list, or one incident), not one item of a list (a log entry also names
    its incident)."""
    lists = ("log_entries", "notes", "data", "incident_updates", "incident_timeline_items", "timeline_items")
    return any(isinstance(doc.get(k), list) for k in lists) or isinstance(doc.get("log_entry"), dict) or (
        isinstance(doc.get("incident"), dict) and "created_at" not in doc and "type" not in doc)


def guess(doc: object) -> str | None:
    """Which vendor a JSON document looks like it came from, for the message when `--from` is wrong."""
    if isinstance(doc, dict):
        if "log_entries" in doc or "log_entry" in doc or "notes" in doc or (isinstance(doc.get("incident"), dict)
                                                     and "incident_number" in doc["incident"]):
            return "pagerduty"
        if (isinstance(doc.get("data"), list) and "paging" in doc) or "requestId" in doc:
            return "opsgenie"
        if any(k in doc for k in ("incident_updates", "incident_timeline_items", "pagination_meta")) or (
                isinstance(doc.get("incident"), dict) and "reference" in doc["incident"]):
            return "incidentio"
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "ts" in doc[0]:
        return "slack"
    return None


def wrong_vendor(path: Path | str, want: str, doc: object) -> ReadError:
    other = guess(doc)
    keys = ", ".join(f"`{k}`" for k in sorted(doc)[:6]) if isinstance(doc, dict) and doc else \
        f"a {type(doc).__name__}" if doc not in ({}, []) else "nothing"
    hint = f"; it looks like {NAMES[other]}: use --from {other}" if other and other != want else \
        f"; save the {NAMES[want]} response as the API returned it (docs/importing.md)"
    article = "an" if NAMES[want][0].lower() in "aeio" else "a"
    return ReadError(f"this is not {article} {NAMES[want]} response (it holds {keys}){hint}", path=path)


def json_events(fmt: str, docs: list[object], where: Path | str, context: list[object] | None = None) -> list[Event]:
    """The events of saved or fetched JSON responses of a vendor, oldest first, each once. `context` is
    every response read together (the incident whose link each event gets, the notes a log entry points
    to), when `docs` are one file's."""
    from . import incidentio, opsgenie, pagerduty

    reader = {"pagerduty": pagerduty, "opsgenie": opsgenie, "incidentio": incidentio}.get(fmt)
    if reader is None:
        raise ReadError(f"`{fmt}` has no JSON responses to read; use one of pagerduty, opsgenie, incidentio")
    return settle(reader.events(docs, where, docs if context is None else context))


@dataclass(frozen=True, slots=True)
class Options:
    """How to read a source, beyond its format: the zone of times written without one, and for a Slack
    export the channel, which messages (every one, or those pinned or with one of `reactions`), bots and
    joins, and the workspace's address for links."""

    tz: dt.tzinfo | None = None
    channel: str | None = None
    everything: bool = False
    reactions: tuple[str, ...] = ("pushpin",)
    bots: bool = False
    joins: bool = False
    slack_url: str = ""
    #: The window a live Slack channel is read in (`conversations.history`'s `oldest` and `latest`).
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def read_events(paths: Iterable[Path | str], fmt: str, options: Options = Options()) -> list[Event]:
    """Every event of export files (or a Slack export folder), oldest first, each once."""
    return _read(fmt, [Path(p) for p in paths], options)[0]


def _read(fmt: str, paths: list[Path], options: Options) -> tuple[list[Event], list[object]]:
    """The events of the files, and the JSON responses they hold (none for Slack and CSV)."""
    from . import csvfile, slack

    if fmt not in FORMATS:
        raise ReadError(f"unknown source `{fmt}`; use one of {', '.join(FORMATS)}")
    if not paths:
        raise ReadError("give at least one file to import from")
    if fmt == "slack":
        return settle(e for p in paths for e in slack.events(
            p, channel=options.channel, everything=options.everything, reactions=options.reactions,
            bots=options.bots, joins=options.joins, workspace_url=options.slack_url)), []
    if fmt == "csv":
        return settle(e for p in paths for e in csvfile.events(p, tz=options.tz)), []
    files = [(p, load_json(p)) for p in paths]
    every = [doc for _, docs in files for doc in docs]
    return settle(e for p, docs in files for e in json_events(fmt, docs, p, every)), every


def load(fmt: str, sources: list[str], *, options: Options = Options(), api: bool = False, base_url: str = "",
         token: str = "", incident: bool = False,
         notice: Callable[[str], None] | None = None) -> tuple[list[Event], Incident | None]:
    """The events of export files (or, with `api`, of the incident whose id is `sources[0]`, fetched live),
    and with `incident` the incident itself (for `hindsight new --from`)."""
    from . import api as live
    from .incident import read_incident, require_source

    if incident:
        require_source(fmt)
    if api and fmt == "slack":
        from . import slack

        if len(sources) != 1:
            raise ReadError("--api --from slack takes one channel (its id or its name), not files")
        return settle(slack.live(sources[0], base_url=base_url, token=token, everything=options.everything,
                                 reactions=options.reactions, bots=options.bots, joins=options.joins,
                                 since=options.since, until=options.until, workspace_url=options.slack_url,
                                 notice=notice)), None
    if api:
        if len(sources) != 1:
            raise ReadError("--api takes one incident id (an Opsgenie alert id), not files")
        docs: list[object] = list(live.fetch(fmt, sources[0], base_url=base_url, token=token, incident=incident,
                                             notice=notice))
        where: Path | str = f"{NAMES[fmt]} incident {sources[0]}"
        events = json_events(fmt, docs, where)
    else:
        paths = [Path(s) for s in sources]
        events, docs = _read(fmt, paths, options)
        where = paths[0] if len(paths) == 1 else ", ".join(map(str, paths))
    return events, read_incident(fmt, docs, where) if incident else None


def settle(events: Iterable[Event]) -> list[Event]:
    """Oldest first; one event per id, and one per minute and text (a page saved twice, a note both
    logged and listed: the one with a link is kept). When no event before the first resolve reads as
    mitigation the way the review reads it, that resolve is marked as the moment the service was restored:
    a pager resolves when the alert's condition clears."""
    from ..review.measures import MITIGATED

    seen: set[tuple[str, str]] = set()
    said: set[tuple[str, str]] = set()
    out = []
    for e in sorted(events, key=lambda e: (e.at.astimezone(dt.UTC).replace(second=0, microsecond=0),
                                           e.url is None, e.at, e.id)):
        key, same = (e.source, e.id), (e.at.astimezone(dt.UTC).strftime("%Y%m%d%H%M"), e.text.casefold())
        if key in seen or same in said or not e.text:
            continue
        seen.add(key)
        said.add(same)
        out.append(replace(e, restores=False) if e.restores else e)  # decided again over everything read
    out.sort(key=lambda e: (e.at, e.id))
    first = next((i for i, e in enumerate(out) if e.kind == "resolve"), None)
    if first is not None and not any(e.kind == "mitigated" or MITIGATED.search(e.text) for e in out[:first]):
        out[first] = replace(out[first], restores=True)
    return out


def only(events: list[Event], kinds: str | None = None, since: dt.datetime | None = None,
         until: dt.datetime | None = None) -> list[Event]:
    """The events of the kinds named (`ack,note`), between `since` and `until`. Without kinds, every kind
    but `notify` (a page sent to each person: many rows that say nothing of the incident)."""
    wanted = set(KINDS) - {"notify"}
    if kinds:
        wanted = {k.strip().lower() for k in kinds.split(",") if k.strip()}
        unknown = wanted - set(KINDS)
        if unknown:
            raise ReadError(f"--only `{', '.join(sorted(unknown))}` is not a kind; use {', '.join(KINDS)}")
    return [e for e in events if e.kind in wanted and (since is None or e.at >= since)
            and (until is None or e.at <= until)]


__all__ = ["FORMATS", "KINDS", "MARKS", "MAX_TEXT", "NAMES", "Event", "Incident", "Options", "clean", "guess",
           "json_events", "load", "load_json", "only", "read_events", "read_file_bytes", "settle", "timestamp",
           "wrong_vendor"]
