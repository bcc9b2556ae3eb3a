"""Jira as the tracker of action items: Jira Cloud (REST API v3, descriptions in the Atlassian Document
Format) and Jira Data Center (REST API v2).

- Cloud: `JIRA_USER` (the account's e-mail) and `JIRA_API_TOKEN`, basic auth;
  https://developer.atlassian.com/cloud/jira/platform/rest/v3/
- Data Center: `JIRA_PAT`, a personal access token, as a bearer token;
  https://docs.atlassian.com/software/jira/docs/api/REST/latest/

The site is the `jira_url` option (`https://acme.atlassian.net`) or `--jira-url`.
A ticket's state is read from its status *category*, never its status name
(workflows name statuses as they like): `new` (To Do), `indeterminate` (In
Progress) or `done`, and `wontdo` when it is done with a resolution such as
Won't Do, Won't Fix, Declined or Duplicate. A ticket is moved with a transition
the issue itself offers (`GET …/transitions`) into the wanted category, since
transition ids differ from one workflow to another. The tickets Hindsight made
are found with JQL by the `tracker_label` label; each names its action item in
its description.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ..errors import InputError, RemoteError
from ..model import ActionItem
from ..remote import Api
from . import MARKER_PREFIX, NewTicket, Ticket

_PROJECT = re.compile(r"[A-Z][A-Z0-9_]{1,9}")
_MARKER = re.compile(re.escape(MARKER_PREFIX) + r":\s*(\S+)")
_WONT = re.compile(r"won'?t|not (?:do|fix)|declin|duplicat|reject|invalid|cannot reproduce|obsolete", re.I)
#: The status category each file status moves a ticket into.
_CATEGORY = {None: "new", "TODO": "new", "IN PROGRESS": "indeterminate", "DONE": "done", "WONTFIX": "done"}
_FIELDS = "summary,status,resolution,resolutiondate,description,labels"


class Jira:
    """The issues of one Jira project."""

    name = "Jira"

    def __init__(self, project: str, *, url: str, user: str = "", api_token: str = "", pat: str = "",
                 issue_type: str = "Task", label: str = "postmortem", notice: Callable[[str], None] | None = None):
        if not _PROJECT.fullmatch(project or ""):
            raise InputError(f"`{project}` is not a Jira project key; give --jira KEY (upper-case, as SRE)")
        if not url:
            raise InputError("the Jira site is unknown; set `jira_url` in the configuration (https://acme.atlassian."
                             "net) or give --jira-url")
        self.project, self.where, self.site = project, f"Jira project {project}", url.rstrip("/")
        self.issue_type, self.label = issue_type, label
        self.notice = notice or (lambda _msg: None)
        if pat:
            self.cloud, headers, auth, env = False, {"Authorization": f"Bearer {pat}"}, None, "JIRA_PAT"
        elif user and api_token:
            self.cloud, headers, auth, env = True, {}, (user, api_token), "JIRA_API_TOKEN"
        else:
            raise InputError("--jira needs credentials in the environment: JIRA_USER and JIRA_API_TOKEN (Jira "
                             "Cloud), or JIRA_PAT (Jira Data Center)")
        self.v = "3" if self.cloud else "2"
        self._classic_search = False
        self.api = Api("Jira", self.site, {"Accept": "application/json", **headers}, token_env=env, auth=auth,
                       notice=notice, not_found=f"check the issue key, the project {project} and jira_url",
                       forbidden="give the account permission to browse, create and transition issues in "
                                 f"{project}")

    def close(self) -> None:
        self.api.close()

    # -- reading -------------------------------------------------------------------------------------
    def key_of(self, item: ActionItem) -> str | None:
        for text in (item.ticket_url, item.ticket):
            if not text:
                continue
            m = re.search(r"(?:/browse/|^)([A-Z][A-Z0-9_]{1,9}-\d+)(?:[/?#]\S*)?$", text.strip())
            if m and m.group(1).split("-")[0] == self.project:
                return m.group(1)
        return None

    def _ticket(self, issue: dict) -> Ticket:
        fields = issue.get("fields") if isinstance(issue.get("fields"), dict) else {}
        status = fields.get("status") if isinstance(fields.get("status"), dict) else {}
        category = status.get("statusCategory") if isinstance(status.get("statusCategory"), dict) else {}
        state = str(category.get("key") or "new")
        resolution = fields.get("resolution") if isinstance(fields.get("resolution"), dict) else {}
        if state == "done" and _WONT.search(str(resolution.get("name") or "")):
            state = "wontdo"
        m = _MARKER.search(_text(fields.get("description")))
        key = str(issue.get("key") or "")
        resolved = str(fields.get("resolutiondate") or "")[:10] if state in ("done", "wontdo") else ""
        try:
            closed = dt.date.fromisoformat(resolved) if resolved else None
        except ValueError:
            closed = None
        return Ticket(key=key, url=f"{self.site}/browse/{key}", state=state, marker=m.group(1) if m else None,
                      title=str(fields.get("summary") or ""), closed=closed)

    def listing(self) -> dict[str, Ticket]:
        jql = f'project = "{self.project}" AND labels = "{self.label}" ORDER BY created ASC'
        found: dict[str, Ticket] = {}
        token: str | None = None
        start = 0
        for _ in range(1000):
            if self.cloud and not self._classic_search:
                body: dict[str, Any] = {"jql": jql, "fields": _FIELDS.split(","), "maxResults": 100}
                if token:
                    body["nextPageToken"] = token
                try:
                    page = self.api.json("POST", "/rest/api/3/search/jql", json=body)
                except RemoteError as e:
                    if e.status not in (404, 405, 410) or token:
                        raise
                    self._classic_search = True  # a site that has only the older `GET /search`
                    continue
            elif self.cloud:
                page = self.api.get("/rest/api/3/search", {"jql": jql, "fields": _FIELDS, "startAt": start,
                                                           "maxResults": 100})
            else:
                page = self.api.get("/rest/api/2/search", {"jql": jql, "fields": _FIELDS, "startAt": start,
                                                           "maxResults": 100})
            issues = [i for i in (page or {}).get("issues") or [] if isinstance(i, dict)]
            for issue in issues:
                t = self._ticket(issue)
                if t.marker:
                    found.setdefault(t.marker, t)
            if self.cloud and not self._classic_search:
                token = page.get("nextPageToken")
                if not token or page.get("isLast") or not issues:
                    return found
            else:
                start += len(issues)
                if not issues or start >= int(page.get("total") or 0):
                    return found
        raise RemoteError(f"Jira gave more than 1000 pages of issues labelled `{self.label}`")

    def get(self, key: str) -> Ticket:
        return self._ticket(self.api.get(f"/rest/api/{self.v}/issue/{key}", {"fields": _FIELDS}))

    # -- writing -------------------------------------------------------------------------------------
    def create(self, new: NewTicket) -> Ticket:
        fields: dict[str, Any] = {"project": {"key": self.project}, "summary": new.title[:250],
                                  "issuetype": {"name": self.issue_type},
                                  "labels": [self.label, *(re.sub(r"\s+", "-", x) for x in new.labels)],
                                  "description": self._description(new)}
        optional = {}
        if new.due:
            optional["duedate"] = new.due.isoformat()
        if new.assignee:
            optional["assignee"] = {"accountId": new.assignee} if self.cloud else {"name": new.assignee}
        try:
            made = self.api.json("POST", f"/rest/api/{self.v}/issue", json={"fields": {**fields, **optional}})
        except RemoteError as e:
            dropped = [k for k in optional if k in str(e)] if e.status == 400 else []
            if not dropped:
                raise
            # A screen without the due date, or an assignee who cannot be assigned: made without them (a
            # 400 creates nothing, so trying again is safe).
            self.notice(f"Jira would not take {' and '.join(dropped)} for `{new.title}`; created without")
            made = self.api.json("POST", f"/rest/api/{self.v}/issue",
                                 json={"fields": {**fields, **{k: v for k, v in optional.items() if k not in dropped}}})
        ticket = self.get(str((made or {}).get("key")))
        if _CATEGORY.get(new.status) != "new":
            ticket = self.move(ticket, new.status)
        return ticket

    def _description(self, new: NewTicket) -> Any:
        lead = "Action item of the postmortem "
        tail = (f", incident of {new.incident.isoformat()}" if new.incident else "") + \
            (f" ({new.severity})" if new.severity else "") + "."
        facts = [f"Owner: {new.owner}" if new.owner else "", f"Due: {new.due.isoformat()}" if new.due else ""]
        footer = f"Kept in step with the postmortem by hindsight actions sync. {MARKER_PREFIX}: {new.marker}"
        if not self.cloud:
            where = f"[{new.postmortem}|{new.link}]" if new.link else f"{new.postmortem} ({new.path})"
            return "\n\n".join(p for p in [lead + where + tail, *facts, footer] if p)
        title = {"type": "text", "text": new.postmortem}
        if new.link:
            title["marks"] = [{"type": "link", "attrs": {"href": new.link}}]
        paragraphs = [[{"type": "text", "text": lead}, title, {"type": "text", "text": tail}],
                      *([{"type": "text", "text": f}] for f in facts if f), [{"type": "text", "text": footer}]]
        return {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": p} for p in paragraphs]}

    def move(self, ticket: Ticket, status: str | None) -> Ticket:
        wanted = _CATEGORY.get(status, "new")
        offered = self.api.get(f"/rest/api/{self.v}/issue/{ticket.key}/transitions").get("transitions") or []
        to = next((t for t in offered if isinstance(t, dict) and isinstance(t.get("to"), dict)
                   and (t["to"].get("statusCategory") or {}).get("key") == wanted), None)
        if to is None:
            names = ", ".join(str(t.get("name")) for t in offered if isinstance(t, dict)) or "none"
            raise RemoteError(f"{ticket.key} offers no transition into the {wanted} category (it offers: {names}); "
                              "move it by hand")
        self.api.json("POST", f"/rest/api/{self.v}/issue/{ticket.key}/transitions",
                      json={"transition": {"id": str(to.get("id"))}})
        return self.get(ticket.key)

    # -- what a state means ------------------------------------------------------------------------------
    def agrees(self, status: str | None, state: str) -> bool:
        if state in ("done", "wontdo"):
            # A workflow may have no resolution for "won't do": a closed item and a done issue agree.
            return status in ("DONE", "WONTFIX") if state == "done" else status == "WONTFIX"
        return _CATEGORY.get(status, "new") == state

    def status_for(self, state: str, current: str | None) -> str:
        return {"new": "TODO", "indeterminate": "IN PROGRESS", "wontdo": "WONTFIX"}.get(state, "DONE")

    def cell(self, ticket: Ticket) -> str:
        return f"[{ticket.key}]({ticket.url})"


def _text(node: Any) -> str:
    """The words of a description: a string (API v2) or an Atlassian Document Format tree (v3)."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return (node.get("text") or "") + " ".join(_text(c) for c in node.get("content") or [])
    if isinstance(node, list):
        return " ".join(_text(c) for c in node)
    return ""
