"""The JSON API: the same workspace calls as the CLI's `--format json`, with the same answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from ..actions import ActionQuery
from ..workspace import PostmortemQuery
from .portal import portal_of, user_of

router = APIRouter(prefix="/api", tags=["api"])


class ActionChange(BaseModel):
    """The fields of an action item the portal can change, and the version of the file they were read from
    (as `GET /api/postmortems/{id}` gives it): an edit of a file that changed since is refused (409)."""

    model_config = ConfigDict(extra="forbid")
    version: str
    status: str | None = None
    owner: str | None = None
    due: str | None = None
    ticket: str | None = None


@router.get("/health")
def health(request: Request) -> dict[str, Any]:
    ws = portal_of(request).workspace
    return {"status": "ok", "postmortems": len(ws.records(user_of(request).viewer))}


@router.post("/hooks/git", include_in_schema=True)
async def git_hook(request: Request) -> dict[str, Any]:
    """The git host's push webhook: pull the shared repository now, so this replica shows a new commit at
    once. Signed with the portal's secret (`HINDSIGHT_HOOK_SECRET`) as GitHub or Gitea sign (an HMAC-SHA256
    of the body), or carrying it as GitLab does (`X-Gitlab-Token`) or as `Authorization: Bearer`."""
    from fastapi import HTTPException
    from starlette.concurrency import run_in_threadpool

    from ..errors import NotFoundError, RefusedError
    from .security import MAX_HOOK_BODY, hook_signed

    portal = portal_of(request)
    if portal.hook_secret is None:
        raise NotFoundError("no webhook here: start the portal with --push and HINDSIGHT_HOOK_SECRET set")
    body = b""
    async for chunk in request.stream():  # a body sent in chunks has no Content-Length to refuse it by
        body += chunk
        if len(body) > MAX_HOOK_BODY:
            raise HTTPException(413, "the webhook's body is too large")
    if not hook_signed(portal.hook_secret, request.headers, body):
        raise RefusedError("the webhook's signature is missing or wrong; set the same secret on the git host")
    pulled = await run_in_threadpool(portal.writer.pull)
    return {"pulled": pulled, "generation": portal.workspace.store.generation}


@router.get("/postmortems")
def postmortems(request: Request, q: str | None = None, severity: str | None = None, status: str | None = None,
                since: dt.date | None = None, until: dt.date | None = None, tag: str | None = None,
                sort: str = "date", page: int = 1, source: str | None = None) -> dict[str, Any]:
    """One page of the postmortems you may see (`hindsight list`), with search snippets when `q` is given;
    of one `[[sources]]` repository with `source`."""
    portal = portal_of(request)
    query = PostmortemQuery(q=q, severity=severity, status=status, since=since, until=until, tag=tag, sort=sort,
                            page=page, source=source)
    return portal.workspace.postmortems(user_of(request).viewer, query).to_dict()


@router.get("/postmortems/{file_id}")
def postmortem(request: Request, file_id: str) -> dict[str, Any]:
    """One postmortem: the model, its id, the version to send back with an edit, and its findings
    (`hindsight show ID --format json`)."""
    portal = portal_of(request)
    return portal.workspace.document(user_of(request).viewer, file_id, portal.today()).to_dict()


@router.get("/actions")
def actions(request: Request, owner: str | None = None, status: str | None = None, severity: str | None = None,
            since: dt.date | None = None, until: dt.date | None = None, overdue: bool = False,
            file: str | None = None, source: str | None = None) -> list[dict[str, Any]]:
    """Action items of the postmortems you may see (`hindsight actions --format json`)."""
    portal = portal_of(request)
    today = portal.today()
    query = ActionQuery(owner=owner, status=status, severity=severity, since=since, until=until, overdue=overdue,
                        file=file, source=source)
    return [a.to_dict(today) for a in portal.workspace.actions(user_of(request).viewer, query, today)]


@router.get("/actions/stats")
def action_stats(request: Request, owner: str | None = None, status: str | None = None,
                 severity: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
                 overdue: bool = False, file: str | None = None, source: str | None = None) -> dict[str, Any]:
    """Completion figures (`hindsight actions stats --format json`)."""
    portal = portal_of(request)
    query = ActionQuery(owner=owner, status=status, severity=severity, since=since, until=until, overdue=overdue,
                        file=file, source=source)
    return portal.workspace.action_stats(user_of(request).viewer, query, portal.today())


@router.get("/actions/{action_id:path}")
def action(request: Request, action_id: str) -> dict[str, Any]:
    """One action item as its file holds it now, with the file's `version` to send back with a change."""
    from .edits import current

    return current(portal_of(request), user_of(request), action_id)


@router.patch("/actions/{action_id:path}")
def change_action(request: Request, action_id: str, change: ActionChange) -> JSONResponse:
    """Change an action item in its file: only its cells change, atomically; 409 if `version` is stale."""
    from .edits import CurrentConflict, edit_action

    portal = portal_of(request)
    try:
        return JSONResponse(edit_action(portal, user_of(request), action_id, change.model_dump(exclude_none=True)))
    except CurrentConflict as e:
        return JSONResponse({"detail": str(e.error), "current": e.current}, status_code=409)


@router.get("/status")
def status(request: Request) -> list[dict[str, Any]]:
    """Every postmortem's phase and next deadline, then missing ones (`hindsight status --format json`)."""
    portal = portal_of(request)
    return [a.to_dict() for a in portal.workspace.status(user_of(request).viewer, portal.today())]


@router.get("/review")
def review_default(request: Request, source: str | None = None) -> dict[str, Any]:
    """The monthly review of the month that ended last (`hindsight review --format json`)."""
    portal = portal_of(request)
    return portal.workspace.review(user_of(request).viewer, None, portal.today(), source=source)


@router.get("/review/{month}")
def review(request: Request, month: str, source: str | None = None) -> dict[str, Any]:
    """The monthly review of a month, YYYY-MM (`hindsight review MONTH --format json`); of one `[[sources]]`
    repository with `source`."""
    portal = portal_of(request)
    return portal.workspace.review(user_of(request).viewer, month, portal.today(), source=source)

