"""Local HTTP servers that answer as GitHub's REST API (issues) and Jira's REST API (Cloud v3 and Data
Center v2) document them: the endpoints `actions sync` uses, with their pagination, error bodies and rate
limits, over issues kept in memory. Real HTTP on loopback; nothing of the client is patched."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from ..localserver import JsonHandler, running

PAGE = 2  # the most items a page holds here, whatever is asked: pagination is always exercised


@dataclass
class State:
    """The server's issues, the faults to inject, and every request it saw."""

    issues: dict[str, dict] = field(default_factory=dict)  # GitHub: number -> issue; Jira: key -> issue
    requests: list[tuple[str, str, dict | None]] = field(default_factory=list)  # (method, path?query, body)
    faults: list[tuple[str, str, int, dict]] = field(default_factory=list)  # (method, path regex, status, headers)
    create_then_fail: int = 0  # creates that store the issue but answer 502 (the client never learns its key)
    refuse_create_at: int | None = None  # the create (1st, 2nd …) answered 500 with nothing made
    users: set[str] = field(default_factory=lambda: {"dana-r", "sam-o", "5b10ac8d82e05b22cc7d4ef5"})
    labels_by_id: bool = False  # GitHub: a server that takes label ids, not names (as some compatible ones do)
    classic_search: bool = False  # Jira Cloud: a site with only the older `GET /rest/api/3/search`

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _ in self.requests if m in ("POST", "PATCH", "PUT", "DELETE")
                and not p.startswith("/rest/api/3/search")]


class _Base(JsonHandler):
    state: State

    def _body(self) -> dict | None:
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n)) if n else None

    def _route(self, method: str) -> None:
        body = self._body()
        self.state.requests.append((method, self.path, body))
        for i, (m, rx, status, headers) in enumerate(self.state.faults):
            if m == method and re.search(rx, self.path):
                self.state.faults.pop(i)
                return self._send(status, {"message": "injected failure"}, headers)
        parts = urlsplit(self.path)
        self.handle_request(method, parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}, body)

    def do_GET(self) -> None:  # noqa: N802
        self._route("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._route("POST")

    def do_PATCH(self) -> None:  # noqa: N802
        self._route("PATCH")


# -- GitHub: https://docs.github.com/en/rest/issues/issues -----------------------------------------------

class GitHubHandler(_Base):
    repo = "acme/ops"
    token = "Bearer gh-secret"

    def handle_request(self, method, path, query, body) -> None:
        if self.headers.get("Authorization") != self.token:
            return self._send(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        base = f"/repos/{self.repo}/issues"
        if not path.startswith(base):
            return self._send(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
        rest = path[len(base):]
        if rest == "" and method == "POST":
            return self._create(body or {})
        if rest == "" and method == "GET":
            return self._list(query)
        m = re.fullmatch(r"/(\d+)", rest)
        if not m or m.group(1) not in self.state.issues:
            return self._send(404, {"message": "Not Found"})
        issue = self.state.issues[m.group(1)]
        if method == "GET":
            return self._send(200, issue)
        if method == "PATCH":
            if "state" in body:
                issue["state"] = body["state"]
                issue["state_reason"] = body.get("state_reason") if body["state"] == "closed" else "reopened"
                issue["closed_at"] = "2026-01-02T10:00:00Z" if body["state"] == "closed" else None
            return self._send(200, issue)
        return self._send(404, {"message": "Not Found"})

    def _create(self, body: dict) -> None:
        if self.state.refuse_create_at == len(self.state.issues) + 1:
            self.state.refuse_create_at = None
            return self._send(500, {"message": "Server Error"})
        if not body.get("title"):
            return self._send(422, {"message": "Validation Failed", "errors": [{"resource": "Issue", "field": "title",
                                                                                "code": "missing_field"}]})
        if self.state.labels_by_id and any(not isinstance(x, int) for x in body.get("labels") or []):
            return self._send(422, {"message": "Validation Failed", "errors": [
                {"resource": "Issue", "field": "labels", "code": "invalid"}]})
        bad = [a for a in body.get("assignees") or [] if a not in self.state.users]
        if bad:
            return self._send(422, {"message": "Validation Failed", "errors": [
                {"value": bad[0], "resource": "Issue", "field": "assignees", "code": "invalid"}]})
        number = str(len(self.state.issues) + 1)
        host = f"http://{self.headers.get('Host')}"
        issue = {"id": 1000 + int(number), "number": int(number), "title": body["title"], "body": body.get("body"),
                 "state": "open", "state_reason": None, "html_url": f"https://github.com/{self.repo}/issues/{number}",
                 "url": f"{host}/repos/{self.repo}/issues/{number}",
                 "labels": [{"name": n} for n in body.get("labels") or []],
                 "assignees": [{"login": a} for a in body.get("assignees") or []], "closed_at": None}
        self.state.issues[number] = issue
        if self.state.create_then_fail:
            self.state.create_then_fail -= 1
            return self._send(502, {"message": "Server Error"})
        self._send(201, issue)

    def _list(self, query: dict) -> None:
        label = query.get("labels")
        every = [i for i in self.state.issues.values()
                 if (not label or any(lb["name"] == label for lb in i["labels"]))
                 and query.get("state", "open") in ("all", i["state"])]
        # A pull request shows up in the issues list too; the client must leave it out.
        every.append({"number": 9999, "title": "A pull request", "state": "open", "pull_request": {"url": "x"},
                      "labels": [{"name": label}], "body": "<!-- hindsight-action: not-an-item -->"})
        size, page = min(int(query.get("per_page", 30)), PAGE), int(query.get("page", 1))
        items = every[(page - 1) * size: page * size]
        headers = {}
        if page * size < len(every):
            host = self.headers.get("Host")
            headers["Link"] = (f'<http://{host}/repos/{self.repo}/issues?state=all&labels={label}&per_page={size}'
                               f'&page={page + 1}>; rel="next"')
        self._send(200, items, headers)


# -- Jira: https://developer.atlassian.com/cloud/jira/platform/rest/v3/ (and v2 for Data Center) -----------

#: The workflow's transitions, from any status: ids as one workflow numbers them (never guessable).
TRANSITIONS = [("711", "Start work", "In Progress", "indeterminate"), ("811", "Finish", "Closed", "done"),
               ("911", "Back to backlog", "Backlog", "new"), ("1011", "Won't do", "Won't Do", "done")]


class JiraHandler(_Base):
    project = "SRE"
    basic = "Basic " + base64.b64encode(b"bot@acme.test:jira-secret").decode()
    pat = "Bearer jira-pat"

    def handle_request(self, method, path, query, body) -> None:
        auth = self.headers.get("Authorization")
        if auth not in (self.basic, self.pat):
            return self._send(401, {"errorMessages": ["You are not authenticated. Authentication required to "
                                                      "perform this operation."], "errors": {}})
        m = re.fullmatch(r"/rest/api/([23])/(.*)", path)
        if not m:
            return self._send(404, {"errorMessages": ["Not found"], "errors": {}})
        v, rest = m.group(1), m.group(2)
        if (v == "3") != (auth == self.basic):
            return self._send(404, {"errorMessages": [f"API v{v} is not served to this kind of account"]})
        if rest == "issue" and method == "POST":
            return self._create(v, body or {})
        if rest == "search/jql" and method == "POST" and v == "3" and not self.state.classic_search:
            return self._search(body or {}, cloud=True)
        if rest == "search" and method == "GET" and (v == "2" or self.state.classic_search):
            return self._search(query, cloud=False)
        m = re.fullmatch(r"issue/([A-Z]+-\d+)(/transitions)?", rest)
        if not m or m.group(1) not in self.state.issues:
            return self._send(404, {"errorMessages": ["Issue does not exist or you do not have permission to see "
                                                      "it."], "errors": {}})
        issue = self.state.issues[m.group(1)]
        if not m.group(2):
            return self._send(200, issue)
        if method == "GET":
            return self._send(200, {"expand": "transitions", "transitions": [
                {"id": i, "name": n, "to": {"name": s, "statusCategory": {"key": c, "name": c.title()}}}
                for i, n, s, c in TRANSITIONS]})
        chosen = next((t for t in TRANSITIONS if t[0] == str((body or {}).get("transition", {}).get("id"))), None)
        if chosen is None:
            return self._send(400, {"errorMessages": ["Transition id is not valid for this issue."], "errors": {}})
        _, name, status, category = chosen
        issue["fields"]["status"] = {"name": status, "statusCategory": {"key": category}}
        issue["fields"]["resolution"] = {"name": "Won't Do" if name == "Won't do" else "Done"} \
            if category == "done" else None
        self._send(204)

    def _create(self, v: str, body: dict) -> None:
        fields = body.get("fields") or {}
        if (fields.get("project") or {}).get("key") != self.project:
            return self._send(400, {"errorMessages": [], "errors": {"project": "valid project is required"}})
        if not fields.get("summary") or not (fields.get("issuetype") or {}).get("name"):
            return self._send(400, {"errorMessages": [], "errors": {"summary": "You must specify a summary."}})
        description = fields.get("description")
        if description is not None and (v == "3") != isinstance(description, dict):
            return self._send(400, {"errorMessages": [], "errors": {
                "description": "Operation value must be an Atlassian Document" if v == "3" else "must be a string"}})
        who = fields.get("assignee")
        if who and (who.get("accountId") or who.get("name")) not in self.state.users:
            return self._send(400, {"errorMessages": [], "errors": {"assignee": "User cannot be assigned issues."}})
        key = f"{self.project}-{len(self.state.issues) + 101}"
        self.state.issues[key] = {"id": str(10000 + len(self.state.issues)), "key": key,
                                  "self": f"http://{self.headers.get('Host')}/rest/api/{v}/issue/{key}",
                                  "fields": {"summary": fields["summary"], "labels": fields.get("labels") or [],
                                             "description": description, "duedate": fields.get("duedate"),
                                             "assignee": who, "resolution": None,
                                             "status": {"name": "To Do", "statusCategory": {"key": "new"}}}}
        self._send(201, {"id": self.state.issues[key]["id"], "key": key, "self": self.state.issues[key]["self"]})

    def _search(self, q: dict, *, cloud: bool) -> None:
        jql = str(q.get("jql") or "")
        project = re.search(r'project\s*=\s*"?([A-Z]+)', jql)
        label = re.search(r'labels\s*=\s*"?([\w-]+)', jql)
        every = [i for i in self.state.issues.values() if (not project or i["key"].startswith(project.group(1) + "-"))
                 and (not label or label.group(1) in i["fields"]["labels"])]
        size = min(int(q.get("maxResults", 50)), PAGE)
        start = int(q.get("nextPageToken") or 0) if cloud else int(q.get("startAt", 0))
        page = every[start:start + size]
        if cloud:
            more = start + size < len(every)
            return self._send(200, {"issues": page, **({"nextPageToken": str(start + size)} if more else {}),
                                    "isLast": not more})
        self._send(200, {"startAt": start, "maxResults": size, "total": len(every), "issues": page})


@contextmanager
def serve(handler: type[_Base], state: State | None = None) -> Iterator[tuple[str, State]]:
    """The server on a free loopback port: (its base URL, its state)."""
    state = state or State()
    with running(type("H", (handler,), {"state": state})) as url:
        yield url, state


class SlackWebhookHandler(BaseHTTPRequestHandler):
    """A Slack incoming webhook: takes a JSON message, answers `ok` (or `invalid_token` with `status`)."""

    received: list
    status: int = 200

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, json.loads(body)))
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b"ok" if self.status == 200 else b"invalid_token")


@contextmanager
def webhook() -> Iterator[tuple[str, list]]:
    """A webhook on a free loopback port: (its URL, the messages it received)."""
    received: list = []
    with running(type("W", (SlackWebhookHandler,), {"received": received})) as url:
        yield f"{url}/services/T0/B0/hooksecret", received
