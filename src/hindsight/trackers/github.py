"""GitHub issues (REST API, https://docs.github.com/en/rest/issues/issues) as the tracker of action items.

The API's address is `GITHUB_API_URL` (set in GitHub Actions, and for GitHub
Enterprise Server `https://HOST/api/v3`), `https://api.github.com` otherwise;
the token is `GITHUB_TOKEN` (Issues: read and write). A ticket's state is
`open`, `completed` (closed as completed, or closed with no reason), or
`not_planned` (closed as not planned, or as a duplicate): DONE and WONTFIX in
the file, and every other status is open. Issues Hindsight creates carry the
label `tracker_label` (`postmortem`), labels for the severity and the incident
date, and the item's id in a comment of their body.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from ..errors import InputError, RemoteError
from ..model import ActionItem
from ..remote import Api
from . import MARKER_PREFIX, NewTicket, Ticket

DEFAULT_API = "https://api.github.com"
_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_MARKER = re.compile(r"<!--\s*" + MARKER_PREFIX + r":\s*(\S+)\s*-->")
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
#: The states that close an item, and the one that reopens it.
_CLOSE = {"DONE": "completed", "WONTFIX": "not_planned"}


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class GitHub:
    """The issues of one repository."""

    name = "GitHub"

    def __init__(self, repo: str, *, token: str, api_url: str = DEFAULT_API, label: str = "postmortem",
                 notice: Callable[[str], None] | None = None):
        if not _REPO.fullmatch(repo or ""):
            raise InputError(f"`{repo}` is not a repository; give --github OWNER/REPO")
        self.owner, self.repo = repo.split("/")
        self.where = repo
        self.label = label
        self.notice = notice or (lambda _msg: None)
        self.api = Api("GitHub", api_url, {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
                                           "X-GitHub-Api-Version": "2022-11-28"}, token_env="GITHUB_TOKEN",
                       notice=notice, not_found=f"check --github {repo} and that GITHUB_TOKEN can see it",
                       forbidden="give GITHUB_TOKEN read and write access to the repository's issues")
        self._issues = f"/repos/{self.owner}/{self.repo}/issues"

    def close(self) -> None:
        self.api.close()

    # -- reading -------------------------------------------------------------------------------------
    def key_of(self, item: ActionItem) -> str | None:
        for text in (item.ticket_url, item.ticket):
            if not text:
                continue
            t = text.strip()
            m = re.fullmatch(r"https?://[^/\s]+/([^/\s]+)/([^/\s]+)/issues/(\d+)(?:[#?]\S*)?", t)
            if m and (m.group(1).lower(), m.group(2).lower()) == (self.owner.lower(), self.repo.lower()):
                return f"{self.where}#{m.group(3)}"
            m = re.fullmatch(r"(?:([\w.-]+)/([\w.-]+))?#(\d+)", t)
            if m and (not m.group(1) or (m.group(1).lower(), m.group(2).lower()) == (self.owner.lower(),
                                                                                    self.repo.lower())):
                return f"{self.where}#{m.group(3)}"
        return None

    def _ticket(self, issue: dict) -> Ticket:
        reason = issue.get("state_reason")
        state = "open" if issue.get("state") == "open" else \
            "not_planned" if reason in ("not_planned", "duplicate") else "completed"
        m = _MARKER.search(issue.get("body") or "")
        closed = str(issue.get("closed_at") or "")[:10] if state != "open" else ""
        return Ticket(key=f"{self.where}#{issue['number']}", url=str(issue.get("html_url") or ""),
                      state=state, marker=m.group(1) if m else None, title=str(issue.get("title") or ""),
                      closed=_date(closed))

    def listing(self) -> dict[str, Ticket]:
        found: dict[str, Ticket] = {}
        url: str | None = self._issues
        params: dict | None = {"state": "all", "labels": self.label, "per_page": 100}
        base = urlsplit(self.api.base)
        for _ in range(1000):
            response = self.api.request("GET", url, params=params)
            page = response.json()
            for issue in page if isinstance(page, list) else []:
                if isinstance(issue, dict) and "pull_request" not in issue and issue.get("number"):
                    t = self._ticket(issue)
                    if t.marker:
                        found.setdefault(t.marker, t)
            m = _NEXT.search(response.headers.get("link", ""))
            if not m:
                return found
            nxt = urlsplit(m.group(1))
            if (nxt.scheme, nxt.netloc) != (base.scheme, base.netloc):
                raise RemoteError(f"GitHub's next page is on another host ({nxt.netloc}); the token is not sent "
                                  "there. Check GITHUB_API_URL")
            url, params = m.group(1), None
        raise RemoteError(f"GitHub gave more than 1000 pages of issues labelled `{self.label}`")

    def get(self, key: str) -> Ticket:
        return self._ticket(self.api.get(f"{self._issues}/{key.rsplit('#', 1)[-1]}"))

    # -- writing -------------------------------------------------------------------------------------
    def create(self, new: NewTicket) -> Ticket:
        body = self._body(new)
        payload: dict = {"title": new.title, "body": body, "labels": [self.label, *new.labels]}
        if new.assignee:
            payload["assignees"] = [new.assignee]
        for _ in range(3):
            try:
                issue = self.api.json("POST", self._issues, json=payload)
                break
            except RemoteError as e:
                # A 422 makes nothing, so asking again is safe: without an assignee GitHub will not take (not a
                # collaborator), or without labels a server will not take by name.
                said = str(e).lower()
                if e.status not in (400, 422):
                    raise
                dropped = next((k for k in ("assignees", "labels") if k in payload and k.rstrip("s") in said), None)
                if dropped is None:
                    raise
                self.notice(f"GitHub would not take the {dropped} of `{new.title}`; created without them")
                payload.pop(dropped)
        else:
            raise RemoteError(f"GitHub would not create the issue `{new.title}`")
        ticket = self._ticket(issue)
        if new.status in _CLOSE:
            ticket = self.move(ticket, new.status)
        return ticket

    def _body(self, new: NewTicket) -> str:
        where = f"[{new.postmortem}]({new.link})" if new.link else f"{new.postmortem} (`{new.path}`)"
        facts = [f"Action item of the postmortem {where}"
                 + (f", incident of {new.incident.isoformat()}" if new.incident else "")
                 + (f" ({new.severity})" if new.severity else "") + "."]
        if new.owner:
            facts.append(f"Owner: {new.owner}")
        if new.due:
            facts.append(f"Due: {new.due.isoformat()}")
        return "\n\n".join(facts) + "\n\n_Kept in step with the postmortem by `hindsight actions sync`._\n" \
            f"<!-- {MARKER_PREFIX}: {new.marker} -->\n"

    def move(self, ticket: Ticket, status: str | None) -> Ticket:
        number = ticket.key.rsplit("#", 1)[1]
        payload = {"state": "closed", "state_reason": _CLOSE[status]} if status in _CLOSE else \
            {"state": "open", "state_reason": "reopened"}
        return self._ticket(self.api.json("PATCH", f"{self._issues}/{number}", json=payload))

    # -- what a state means ------------------------------------------------------------------------------
    def agrees(self, status: str | None, state: str) -> bool:
        return _CLOSE.get(status or "", "open") == state

    def status_for(self, state: str, current: str | None) -> str:
        if state == "open":
            return current if current in ("TODO", "IN PROGRESS") else "TODO"
        return "DONE" if state == "completed" else "WONTFIX"

    def cell(self, ticket: Ticket) -> str:
        return f"[{ticket.key}]({ticket.url})" if ticket.url else ticket.key
