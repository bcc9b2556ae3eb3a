"""A local HTTP server that answers as PagerDuty, Opsgenie and incident.io document their APIs: the
endpoints the importer reads, their pagination, their error bodies and rate limiting, from the same
vendor-shaped documents the file tests read. Real HTTP on loopback; nothing of the client is patched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from ..localserver import JsonHandler, running
from .conftest import EXPORTS

TOKENS = {"pagerduty": "Token token=pd-secret", "opsgenie": "GenieKey og-secret", "incidentio": "Bearer io-secret",
          "slack": "Bearer xoxb-slack-secret"}
SLACK = EXPORTS / "slack-export"
PAGE_CAP = 3  # the most items a page holds here, whatever the client asks: pagination is exercised


def _load(path: str) -> dict:
    return json.loads((EXPORTS / path).read_text())


@dataclass
class Script:
    """What the server does besides answering: faults to inject, and every request it saw."""

    rate_limit: dict[str, int] = field(default_factory=dict)  # path prefix -> 429s to answer first
    fail: dict[str, int] = field(default_factory=dict)  # path prefix -> status to answer every time
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (path, query, Authorization)
    slack_scopes_missing: dict[str, str] = field(default_factory=dict)  # Slack method -> the scope it lacks


def _page(items: list, start: int, size: int) -> tuple[list, bool]:
    size = max(1, min(size, PAGE_CAP))
    return items[start:start + size], start + size < len(items)


class _Handler(JsonHandler):
    script: Script

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        path, query = parts.path, {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        auth = self.headers.get("Authorization", "")
        self.script.requests.append((path, parts.query, auth))
        vendor = "opsgenie" if path.startswith("/v2/alerts") else "incidentio" if path.startswith("/v2/") \
            else "slack" if path.startswith("/api/") else "pagerduty"
        for prefix, left in self.script.rate_limit.items():
            if path.startswith(prefix) and left > 0:
                self.script.rate_limit[prefix] = left - 1
                return self._send(429, {"error": {"message": "Rate Limit Exceeded", "code": 2020}},
                                  {"Retry-After": "1"})
        for prefix, status in self.script.fail.items():
            if path.startswith(prefix):
                return self._send(status, {"error": {"message": "Internal Server Error", "code": 2001}})
        if vendor == "slack":
            return self._send(200, self._slack(path, query, auth))
        if auth != TOKENS[vendor]:
            body = {"error": {"message": "Unauthorized", "code": 2006}} if vendor == "pagerduty" else \
                {"message": "Could not authenticate", "took": 0.0, "requestId": "r-1"}
            return self._send(401, body)
        answer = getattr(self, f"_{vendor}")(path, query)
        if answer is None:
            return self._send(404, {"error": {"message": "Not Found", "code": 2100}} if vendor == "pagerduty"
                              else {"type": "not_found", "status": 404, "request_id": "r-2"})
        if answer == 403:
            return self._send(403, {"error": {"message": "Access Denied", "code": 2010}})
        self._send(200, answer)

    # -- PagerDuty: offset pagination (`limit`, `offset`, `more`) ---------------------------------------
    def _pagerduty(self, path: str, query: dict):
        if path == "/incidents/PFORBIDDEN/log_entries":
            return 403
        if not path.startswith("/incidents/Q1CHK503XYZ"):
            return None
        if path == "/incidents/Q1CHK503XYZ":
            return _load("pagerduty/incident.json")
        if path.endswith("/notes"):
            return _load("pagerduty/notes.json")
        if path.endswith("/log_entries"):
            entries = [e for n in (1, 2) for e in _load(f"pagerduty/log_entries.page{n}.json")["log_entries"]]
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 25))
            items, more = _page(entries, offset, limit)
            return {"log_entries": items, "limit": min(limit, PAGE_CAP), "offset": offset, "more": more,
                    "total": None}
        return None

    # -- Opsgenie: `paging.next`, an absolute URL on the vendor's own host -----------------------------
    def _opsgenie(self, path: str, query: dict):
        alert = "70413a06-38d6-4c85-92b8-5ebc900d42e2"
        if not path.startswith(f"/v2/alerts/{alert}/"):
            return None
        kind = path.rsplit("/", 1)[-1]
        if kind == "logs":
            items = [e for n in (1, 2) for e in _load(f"opsgenie/logs.page{n}.json")["data"]]
        elif kind == "notes":
            items = _load("opsgenie/notes.json")["data"]
        else:
            return None
        offsets = [e["offset"] for e in items]
        start = offsets.index(query["offset"]) + 1 if query.get("offset") in offsets else 0
        page, more = _page(items, start, int(query.get("limit", 20)))
        base = f"https://api.opsgenie.com{path}?identifierType=id&order=asc&direction=next&limit={PAGE_CAP}"
        paging = {"first": f"{base}&offset="}
        if more:
            paging["next"] = f"{base}&offset={page[-1]['offset']}"
        return {"data": page, "paging": paging, "took": 0.01, "requestId": "r-3"}

    # -- Slack's Web API: HTTP 200 with `ok`, cursor pagination (`response_metadata.next_cursor`) ---------
    def _slack(self, path: str, query: dict, auth: str) -> dict:
        if auth != TOKENS["slack"]:
            return {"ok": False, "error": "invalid_auth"}
        method = path.removeprefix("/api/")
        if method == "auth.test":
            return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "hindsight",
                    "team_id": "T0ACME0001", "user_id": "U0BOT00001"}
        if method in self.script.slack_scopes_missing:
            return {"ok": False, "error": "missing_scope", "needed": self.script.slack_scopes_missing[method],
                    "provided": "channels:history"}
        channels = json.loads((SLACK / "channels.json").read_text())
        if method == "users.list":
            return self._slack_page(json.loads((SLACK / "users.json").read_text()), "members", query)
        if method == "conversations.list":
            return self._slack_page(channels, "channels", query)
        channel = next((c for c in channels if c["id"] == query.get("channel")), None)
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        every = [m for day in sorted((SLACK / channel["name"]).glob("*.json")) for m in json.loads(day.read_text())]
        replies: dict[str, list] = {}
        for m in every:
            if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
                replies.setdefault(m["thread_ts"], []).append(m)
        if method == "conversations.history":
            oldest, latest = float(query.get("oldest", 0)), float(query.get("latest", 9e9))
            history = [{**m, **({"reply_count": len(replies[m["ts"]]), "thread_ts": m["ts"]} if m["ts"] in replies
                                else {})}
                       for m in every if not (m.get("thread_ts") and m["thread_ts"] != m["ts"])
                       and oldest <= float(m["ts"]) <= latest]
            return self._slack_page(sorted(history, key=lambda m: -float(m["ts"])), "messages", query)
        if method == "conversations.replies":
            parent = next((m for m in every if m["ts"] == query.get("ts")), None)
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            return self._slack_page([parent, *replies.get(parent["ts"], [])], "messages", query)
        return {"ok": False, "error": "unknown_method"}

    def _slack_page(self, items: list, key: str, query: dict) -> dict:
        start = int(query.get("cursor") or 0)
        page, more = _page(items, start, int(query.get("limit", 100)))
        return {"ok": True, key: page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + len(page)) if more else ""}}

    # -- incident.io: cursor pagination (`page_size`, `after`, `pagination_meta.after`) -----------------
    def _incidentio(self, path: str, query: dict):
        ident = "01JEQ7R3M8ZK2N4P6Q8S0T2V4X"
        if path == f"/v2/incidents/{ident}":
            return _load("incidentio/incident.json")
        key = {"/v2/incident_updates": "incident_updates",
               "/v2/incident_timeline_items": "incident_timeline_items"}.get(path)
        if key is None or query.get("incident_id") != ident:
            return None
        files = ["incidentio/incident_updates.json", "incidentio/incident_updates.page2.json"] \
            if key == "incident_updates" else ["incidentio/incident_timeline_items.json"]
        items = [i for f in files for i in _load(f)[key]]
        ids = [i["id"] for i in items]
        start = ids.index(query["after"]) + 1 if query.get("after") in ids else 0
        page, more = _page(items, start, int(query.get("page_size", 25)))
        meta = {"page_size": min(int(query.get("page_size", 25)), PAGE_CAP)}
        if more:
            meta["after"] = page[-1]["id"]
        return {key: page, "pagination_meta": meta}


@contextmanager
def vendor_server(script: Script | None = None) -> Iterator[tuple[str, Script]]:
    """The server on a free loopback port: (its base URL, its script)."""
    script = script or Script()
    with running(type("Handler", (_Handler,), {"script": script})) as url:
        yield url, script
