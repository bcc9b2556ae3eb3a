"""Slack: a workspace export, the zip or its folder.

An export holds `channels.json` (and `groups.json`, `mpims.json`, `dms.json`
for private conversations), `users.json`, and one folder per channel with one
JSON file per day, each a list of messages (`ts`, `user`, `text`, `subtype`,
`thread_ts`, `reactions`, `pinned_to`, `files`). One channel is imported; by
default only its curated messages, those pinned (`pinned_to`, or listed in the
channel's `pins`) or carrying a chosen reaction (`:pushpin:`), or every message
with `--all`. Joins, leaves, topic changes and bots are left out unless asked
for. Slack's markup (`<@U123>`, `<#C1|name>`, `<https://…|text>`, `<!here>`,
`*bold*`, `~strike~`) becomes plain Markdown, with people by the names in
`users.json`. With `slack_url` configured (`https://acme.slack.com`), each row
links to its message.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import ReadError
from . import MAX_FILE_BYTES, Event, clean

_JOINS = {"channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name", "channel_archive",
          "channel_unarchive", "group_join", "group_leave", "group_topic", "group_purpose", "group_name",
          "pinned_item", "unpinned_item", "reminder_add", "bot_add", "bot_remove"}
_SKIPPED = {"tombstone", "message_deleted", "message_changed", "joiner_notification_for_inviter"}
_MARKUP = re.compile(r"<([^<>\n]+)>")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")


class _Export:
    """The files of an export, from its zip or its folder."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.names = [p.relative_to(path).as_posix() for p in path.rglob("*.json")]
        else:
            try:
                self.zip = zipfile.ZipFile(path)
                self.names = [n for n in self.zip.namelist() if n.endswith(".json")]
            except FileNotFoundError:
                raise ReadError("no such file or folder; give the zip Slack's export made, or its folder",
                                path=path) from None
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
                raise ReadError(f"not a readable Slack export zip ({e}); export the workspace again, or give the "
                                "unzipped folder", path=path) from None
        # An export zipped with its folder inside (`export/channels.json`): read from that folder.
        tops = [n for n in self.names if PurePosixPath(n).name == "channels.json"]
        root = str(PurePosixPath(min(tops, key=len)).parent) if tops else ""
        self.root = "" if root == "." else root
        self._known = set(self.names)

    def _name(self, name: str) -> str:
        return f"{self.root}/{name}" if self.root else name

    def has(self, name: str) -> bool:
        return self._name(name) in self._known

    def json(self, name: str) -> object:
        full = self._name(name)
        try:
            if self.zip is not None:
                if self.zip.getinfo(full).file_size > MAX_FILE_BYTES:
                    raise ReadError(f"{full} in the export is larger than any day of messages; export again",
                                    path=self.path)
                data = self.zip.read(full)
            else:
                data = (self.path / full).read_bytes()
        except KeyError:
            raise ReadError(f"the export has no {full}; export the workspace again", path=self.path) from None
        except (OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, zlib.error):
            raise ReadError(f"cannot read {full} in the export: the zip is damaged or cut short; export the "
                            "workspace again", path=self.path) from None
        try:
            return json.loads(data.decode("utf-8", "replace").lstrip("\ufeff"))
        except (json.JSONDecodeError, RecursionError) as e:
            detail = f"{e.msg}, line {e.lineno}" if isinstance(e, json.JSONDecodeError) else "nested too deeply"
            raise ReadError(f"{full} in the export is not JSON ({detail}); export the workspace again",
                            path=self.path) from None

    def days(self, folder: str) -> list[str]:
        prefix = self._name(folder) + "/"
        return sorted(n[len(prefix):] for n in self.names if n.startswith(prefix) and _DAY.match(n[len(prefix):]))


def _users(export: _Export) -> dict[str, str]:
    if not export.has("users.json"):
        raise ReadError("the export has no users.json, so nobody's name can be shown; export the workspace again "
                        "(users.json is part of every standard export)", path=export.path)
    users = export.json("users.json")
    if not isinstance(users, list):
        raise ReadError("users.json in the export is not a list of members; export the workspace again",
                        path=export.path)
    out = {}
    for u in users:
        if isinstance(u, dict) and isinstance(u.get("id"), str):
            profile = u.get("profile") if isinstance(u.get("profile"), dict) else {}
            out[u["id"]] = str(profile.get("display_name") or profile.get("real_name") or u.get("real_name")
                               or u.get("name") or u["id"])
    return out


def _channels(export: _Export) -> list[dict]:
    found = []
    for name in ("channels.json", "groups.json", "mpims.json", "dms.json"):
        if export.has(name):
            data = export.json(name)
            found += [c for c in data if isinstance(c, dict) and (c.get("name") or c.get("id"))] \
                if isinstance(data, list) else []
    if not found:
        raise ReadError("this is not a Slack export: it has no channels.json; give the zip Slack's export made, "
                        "or its folder", path=export.path)
    return found


def plain(text: str, users: dict[str, str], channels: dict[str, str]) -> str:
    """Slack's message markup as plain Markdown."""
    text = text or ""
    def one(m: re.Match) -> str:
        target, _, label = m.group(1).partition("|")
        if target.startswith("@"):
            return "@" + (label or users.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or channels.get(target[1:], target[1:]))
        if target.startswith("!"):
            if target.startswith("!subteam^"):
                return label or "@team"
            if target.startswith("!date^"):
                return label or target
            return "@" + target[1:].split("^")[0]
        if target.startswith("mailto:"):
            return label or target[7:]
        return f"[{label}]({target})" if label and label != target else target
    text = _MARKUP.sub(one, text) if "<" in text else text
    if "*" in text:
        text = _BOLD.sub(r"**\1**", text)
    if "~" in text:
        text = _STRIKE.sub(r"~~\1~~", text)
    return html.unescape(text) if "&" in text else text


def _pins(channel: dict) -> set[str]:
    return {str(p.get("id")) for p in channel.get("pins") or [] if isinstance(p, dict) and p.get("id")}


def _choose(channels: list[dict], channel: str | None, path: Path) -> dict:
    listed = ", ".join(sorted(str(c.get("name") or c.get("id")) for c in channels)[:10])
    if channel is None:
        if len(channels) != 1:
            raise ReadError(f"the export has {len(channels)} channels; choose one with --channel ({listed})",
                            path=path)
        return channels[0]
    wanted = channel.lstrip("#")
    chosen = next((c for c in channels if wanted in (c.get("name"), c.get("id"))), None)
    if chosen is None:
        raise ReadError(f"the export has no channel `{channel}`; its channels are {listed}", path=path)
    return chosen


def _text(m: dict, users: dict[str, str], names: dict[str, str]) -> str:
    text = plain(str(m.get("text") or ""), users, names)
    if not text.strip():
        # A bot's message or a file shared without a comment says it elsewhere.
        parts = [str(a.get("fallback") or a.get("text") or "") for a in m.get("attachments") or []
                 if isinstance(a, dict)]
        parts += [f"shared {f.get('title') or f.get('name')}" for f in m.get("files") or []
                  if isinstance(f, dict) and (f.get("title") or f.get("name"))]
        text = plain(" ".join(p for p in parts if p), users, names)
    return text


@dataclass
class _Channel:
    """What reading a channel's messages needs, from an export or from the API."""

    id: str
    name: str
    users: dict[str, str]  # member id -> the name shown
    names: dict[str, str]  # channel id -> name, for `<#C1>` mentions
    pins: set[str] = field(default_factory=set)  # `ts` of the pinned messages the channel lists
    workspace_url: str = ""


def events(path: Path, *, channel: str | None, everything: bool, reactions: tuple[str, ...], bots: bool,
           joins: bool, workspace_url: str = "") -> list[Event]:
    """The chosen messages of one channel of a workspace export (the zip or its folder)."""
    export = _Export(path)
    channels = _channels(export)
    users = _users(export)
    chosen = _choose(channels, channel, path)
    folder = str(chosen.get("name") or chosen.get("id"))
    ch = _Channel(id=str(chosen.get("id") or folder), name=folder, users=users, pins=_pins(chosen),
                  names={str(c.get("id", "")): str(c.get("name", "")) for c in channels}, workspace_url=workspace_url)
    days = export.days(folder)
    if not days:
        raise ReadError(f"the export has no messages of #{folder} (no {folder}/YYYY-MM-DD.json files); export "
                        "a window that includes the incident", path=path)

    def messages():
        for day in days:
            found = export.json(f"{folder}/{day}")
            for m in found if isinstance(found, list) else []:
                yield f"{folder}/{day}", m

    return _events(messages(), ch, everything=everything, reactions=reactions, bots=bots, joins=joins, where=path)


def live(channel: str, *, base_url: str, token: str, everything: bool, reactions: tuple[str, ...], bots: bool,
         joins: bool, since: dt.datetime | None = None, until: dt.datetime | None = None, workspace_url: str = "",
         notice=None) -> list[Event]:
    """The chosen messages of one channel, read through Slack's Web API (`hindsight.importers.api`)."""
    from .api import fetch_slack

    got = fetch_slack(channel, base_url=base_url, token=token, oldest=since.timestamp() if since else None,
                      latest=until.timestamp() if until else None, notice=notice)
    ch = _Channel(id=got.id, name=got.name, users=got.users, names={got.id: got.name},
                  workspace_url=workspace_url or got.workspace_url)
    return _events(((f"#{got.name}", m) for m in got.messages), ch, everything=everything, reactions=reactions,
                   bots=bots, joins=joins, where=f"Slack channel {channel}")


def _events(messages, ch: _Channel, *, everything: bool, reactions: tuple[str, ...], bots: bool, joins: bool,
            where: Path | str) -> list[Event]:
    """Events of the messages (each with where it was read) that the options choose."""
    wanted_reactions = {r.strip(":") for r in reactions}
    out = []
    for place, m in messages:
        if not isinstance(m, dict) or not m.get("ts"):
            continue
        subtype = str(m.get("subtype") or "")
        if subtype in _SKIPPED or (subtype in _JOINS and not joins) or \
                ((subtype == "bot_message" or m.get("bot_id")) and not bots):
            continue
        ts = str(m["ts"])
        pinned = bool(m.get("pinned_to")) or bool(m.get("pinned_info")) or ts in ch.pins
        reacted = any(isinstance(r, dict) and r.get("name") in wanted_reactions for r in m.get("reactions") or [])
        if not (everything or pinned or reacted):
            continue
        try:
            at = dt.datetime.fromtimestamp(float(ts), dt.UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            raise ReadError(f"{place}: `ts` {ts[:30]!r} is not a Slack timestamp; export the workspace again",
                            path=where) from None
        text = _text(m, ch.users, ch.names)
        if not text.strip():
            continue
        who = ch.users.get(str(m.get("user", "")), "") or _author(m)
        thread = m.get("thread_ts")
        reply = bool(thread) and str(thread) != ts
        out.append(Event(at=at, text=clean(f"{'↳ ' if reply else ''}{who + ': ' if who else ''}{text}"),
                         source="slack", id=f"{ch.id}/{ts}", kind="message",
                         url=_permalink(ch.workspace_url, ch.id, ts, str(thread) if reply else None)))
    return out


def _author(m: dict) -> str:
    """The name a message shows when its author is not in users.json (a bot, a deleted member)."""
    profile = m.get("user_profile") if isinstance(m.get("user_profile"), dict) else {}
    bot = m.get("bot_profile") if isinstance(m.get("bot_profile"), dict) else {}
    return str(profile.get("display_name") or profile.get("real_name") or m.get("username") or bot.get("name") or "")


def _permalink(base: str, cid: str, ts: str, thread: str | None) -> str | None:
    if not base or not re.fullmatch(r"\d+\.\d+", ts):
        return None
    url = f"{base.rstrip('/')}/archives/{cid}/p{ts.replace('.', '')}"
    return f"{url}?thread_ts={thread}&cid={cid}" if thread else url
