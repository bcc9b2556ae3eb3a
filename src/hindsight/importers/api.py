"""The same documents as a saved export, fetched live from the vendor's API (`--api`), through httpx.

Each vendor's endpoints are read to the last page, and only then is anything
written, so a failure halfway leaves every file as it was. Tokens come from
environment variables, never from a file in the repository:

- `pagerduty`: token `PAGERDUTY_TOKEN`, base URL `pagerduty_url`; `/incidents/{id}`,
  `/incidents/{id}/log_entries` (offset pages) and `/incidents/{id}/notes`.
- `opsgenie`: token `OPSGENIE_API_KEY`, base URL `opsgenie_url`; `/v2/alerts/{id}/logs` and
  `/v2/alerts/{id}/notes` (pages by `paging.next`, always asked of the base URL's host).
- `incidentio`: token `INCIDENT_API_KEY`, base URL `incidentio_url`; `/v2/incidents/{id}`,
  `/v2/incident_updates` and `/v2/incident_timeline_items` (pages by `pagination_meta.after`).
- `slack`: token `SLACK_TOKEN`, base URL `slack_api_url`; `auth.test`, `conversations.list` (to find a
  channel by name), `conversations.history`, `conversations.replies` and `users.list` (pages by
  `response_metadata.next_cursor`). Slack answers failures with `{"ok": false, "error": …}`.

Requests go through `hindsight.remote.Api`: rate limits waited out with a note,
reads retried, `401`, `403` and `404` one line each that says what to do.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from ..errors import InputError, RemoteError
from ..remote import Api
from . import NAMES

#: Pages of one list before the answer is taken to be looping.
MAX_PAGES = 2000
PAGE_SIZE = 100


@dataclass(frozen=True)
class Vendor:
    token_env: str
    option: str  # the configuration option that holds the base URL
    default_url: str
    scheme: str  # how the token is sent in the Authorization header

    def headers(self, token: str) -> dict[str, str]:
        credentials = f"{self.scheme}{token}" if self.scheme.endswith("=") else f"{self.scheme} {token}"
        return {"Authorization": credentials, "Accept": "application/json"}


VENDORS = {
    "pagerduty": Vendor("PAGERDUTY_TOKEN", "pagerduty_url", "https://api.pagerduty.com", "Token token="),
    "opsgenie": Vendor("OPSGENIE_API_KEY", "opsgenie_url", "https://api.opsgenie.com", "GenieKey"),
    "incidentio": Vendor("INCIDENT_API_KEY", "incidentio_url", "https://api.incident.io", "Bearer"),
    "slack": Vendor("SLACK_TOKEN", "slack_api_url", "https://slack.com/api", "Bearer"),
}
#: Slack answers most failures with HTTP 200 and `{"ok": false, "error": …}`: what each means to do.
_SLACK_AUTH = {"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "no_permission"}
_SLACK_MISSING = {"channel_not_found", "not_in_channel", "thread_not_found", "user_not_found"}


class Client(Api):
    """GET requests to one vendor's API, with its token, retries, pages and one clear line per failure."""

    def __init__(self, fmt: str, base_url: str, token: str, *, notice: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep, timeout: float = 30.0):
        self.vendor = VENDORS[fmt]
        super().__init__(NAMES[fmt], base_url, self.vendor.headers(token), token_env=self.vendor.token_env,
                         notice=notice, sleep=sleep, timeout=timeout,
                         not_found="check the incident id and the base URL",
                         forbidden=f"give the token in {self.vendor.token_env} read access to this incident")

    def get(self, path: str, params: dict[str, str | int] | list[tuple[str, str]] | None = None) -> dict:
        data = super().get(path, params)
        if data.get("ok") is False:
            raise self._slack_error(data, path, params)
        return data

    def _slack_error(self, data: dict, path: str, params) -> RemoteError:
        error, env = str(data.get("error") or "an error"), self.vendor.token_env
        if error in _SLACK_AUTH:
            return RemoteError(f"Slack refused the token ({error}); set {env} to a bot or user token of the "
                               "workspace")
        if error == "missing_scope":
            return RemoteError(f"the token in {env} lacks the scope `{data.get('needed') or '?'}` for {path} "
                               "(missing_scope); add it to the Slack app, reinstall the app, and try again")
        if error in _SLACK_MISSING:
            what = (params or {}).get("channel", "") if isinstance(params, dict) else ""
            return RemoteError(f"Slack has no channel `{what}` the token can read ({error}); check the channel, "
                               "and invite the app to it")
        return RemoteError(f"Slack answered {path} with `{error}`")

    def pages(self, path: str, key: str, params: dict[str, str | int], *, style: str) -> list[dict]:
        """Every page of a list: `offset` (PagerDuty), `next` (Opsgenie's `paging.next`), `after`
        (incident.io's `pagination_meta.after`) or `cursor` (Slack's `response_metadata.next_cursor`)."""
        out: list[dict] = []
        query: dict[str, str | int] = dict(params)
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page = self.get(path, query)
            out.append(page)
            items = page.get(key)
            if not isinstance(items, list) or not items:
                return out
            if style == "offset":
                if not page.get("more"):
                    return out
                query["offset"] = int(query.get("offset", 0)) + len(items)
            elif style == "next":
                nxt = (page.get("paging") or {}).get("next") if isinstance(page.get("paging"), dict) else None
                if not isinstance(nxt, str) or not nxt or nxt in seen:
                    return out
                seen.add(nxt)
                # The next page's path and query, asked of the same host: the key never goes elsewhere.
                parts = urlsplit(nxt)
                path, query = parts.path or path, dict(parse_qsl(parts.query))
            else:
                # A token the page gives, sent back as a parameter: (where it is, its name, the parameter).
                holder, field, param = _TOKENS[style]
                meta = page.get(holder) if isinstance(page.get(holder), dict) else {}
                value = meta.get(field)
                if not value or str(value) in seen:
                    return out
                seen.add(str(value))
                query[param] = str(value)
        raise RemoteError(f"{self.name} gave more than {MAX_PAGES} pages of {path}; import a shorter window")


#: Pagination by a token: Slack's `response_metadata.next_cursor` (sent back as `cursor`), incident.io's
#: `pagination_meta.after` (sent back as `after`).
_TOKENS = {"cursor": ("response_metadata", "next_cursor", "cursor"), "after": ("pagination_meta", "after", "after")}


def token(fmt: str, environ: dict[str, str] | None = None) -> str:
    env = VENDORS[fmt].token_env
    value = (environ if environ is not None else os.environ).get(env, "").strip()
    if not value:
        raise InputError(f"--api needs a {NAMES[fmt]} API token in the environment variable {env} (never in a file "
                         "in the repository)")
    return value


def fetch(fmt: str, incident_id: str, *, base_url: str, token: str, incident: bool = False,
          notice: Callable[[str], None] | None = None, sleep: Callable[[float], None] = time.sleep) -> list[dict]:
    """Every document the vendor holds for an incident (an Opsgenie alert), as saved responses would be."""
    if fmt not in VENDORS or fmt == "slack":
        raise InputError(f"--api fetches the incidents of pagerduty, opsgenie and incidentio; {NAMES.get(fmt, fmt)} "
                         "is read from its export (a Slack channel with `fetch_slack`)")
    ident = incident_id.strip()
    if not ident or any(c in ident for c in "/?#%\\") or len(ident) > 200:
        raise InputError(f"`{incident_id[:60]}` is not an incident id; give the id the {NAMES[fmt]} URL shows")
    with Client(fmt, base_url, token, notice=notice, sleep=sleep) as api:
        if fmt == "pagerduty":
            docs = [api.get(f"/incidents/{ident}")] if incident else []
            docs += api.pages(f"/incidents/{ident}/log_entries", "log_entries",
                              {"limit": PAGE_SIZE, "offset": 0, "time_zone": "UTC"}, style="offset")
            docs.append(api.get(f"/incidents/{ident}/notes"))
        elif fmt == "opsgenie":
            query = {"identifierType": "id", "order": "asc", "direction": "next", "limit": PAGE_SIZE}
            docs = api.pages(f"/v2/alerts/{ident}/logs", "data", query, style="next")
            docs += api.pages(f"/v2/alerts/{ident}/notes", "data", query, style="next")
        else:
            docs = [api.get(f"/v2/incidents/{ident}")] if incident else []
            query = {"incident_id": ident, "page_size": PAGE_SIZE}
            docs += api.pages("/v2/incident_updates", "incident_updates", query, style="after")
            docs += api.pages("/v2/incident_timeline_items", "incident_timeline_items", query, style="after")
    return docs


@dataclass
class SlackChannel:
    """One channel's messages read through Slack's Web API, with what naming them needs."""

    id: str
    name: str
    messages: list[dict]  # thread replies included
    users: dict[str, str]  # member id -> the name shown
    workspace_url: str  # `https://acme.slack.com/`, for links


_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{6,}")


def fetch_slack(channel: str, *, base_url: str, token: str, oldest: float | None = None,
                latest: float | None = None, notice: Callable[[str], None] | None = None,
                sleep: Callable[[float], None] = time.sleep) -> SlackChannel:
    """A channel's history (`conversations.history`, and `conversations.replies` for each thread) between
    `oldest` and `latest`, its members' names (`users.list`) and the workspace's address (`auth.test`).
    The token needs `channels:history` (`groups:history` for a private channel) and `users:read`, and
    `channels:read` to find a channel by its name."""
    wanted = channel.strip().lstrip("#")
    if not wanted or len(wanted) > 80 or any(c in wanted for c in "/?#&%\\ "):
        raise InputError(f"`{channel[:60]}` is not a Slack channel; give its id (C0123ABCD) or its name")
    window = {k: f"{v:.6f}" for k, v in (("oldest", oldest), ("latest", latest)) if v is not None}
    with Client("slack", base_url, token, notice=notice, sleep=sleep) as api:
        url = str(api.get("/auth.test").get("url") or "")
        cid, name = wanted, wanted
        if not _CHANNEL_ID.fullmatch(wanted):
            found = [c for page in api.pages("/conversations.list", "channels", {
                "types": "public_channel,private_channel", "exclude_archived": "false", "limit": 200},
                style="cursor") for c in page.get("channels") or [] if isinstance(c, dict)]
            match = next((c for c in found if c.get("name") == wanted), None)
            if match is None:
                raise RemoteError(f"Slack has no channel named `{wanted}` the token can see; check the name, or "
                                  "give the channel's id")
            cid = str(match.get("id"))
        history = [m for page in api.pages("/conversations.history", "messages", {
            "channel": cid, "limit": 200, "inclusive": "true", **window}, style="cursor")
                   for m in page.get("messages") or [] if isinstance(m, dict)]
        replies = []
        for parent in history:
            if parent.get("reply_count") and parent.get("ts"):
                replies += [m for page in api.pages("/conversations.replies", "messages", {
                    "channel": cid, "ts": str(parent["ts"]), "limit": 200}, style="cursor")
                            for m in page.get("messages") or [] if isinstance(m, dict) and m.get("ts") != parent["ts"]]
        users = {}
        for page in api.pages("/users.list", "members", {"limit": 200}, style="cursor"):
            for u in page.get("members") or []:
                if isinstance(u, dict) and u.get("id"):
                    profile = u.get("profile") if isinstance(u.get("profile"), dict) else {}
                    users[str(u["id"])] = str(profile.get("display_name") or profile.get("real_name")
                                              or u.get("real_name") or u.get("name") or u["id"])
    return SlackChannel(id=cid, name=name, messages=history + replies, users=users, workspace_url=url)
