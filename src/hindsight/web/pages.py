"""The portal's pages: home, postmortems, one postmortem, action items, new postmortem, monthly review.

Each page makes the same workspace call as the API route and the CLI command that show the same thing,
and only renders the answer (Jinja2; htmx swaps the results of filters and the board's edits).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..actions import ActionQuery
from ..errors import ConflictError, HindsightError, InputError, NotFoundError, RefusedError
from ..review import charts
from ..standard import AUDIENCES
from ..workspace import PostmortemQuery

if TYPE_CHECKING:
    from ..access import Viewer
from .portal import Portal, portal_of, user_of

router = APIRouter(include_in_schema=False)
#: How the portal shows each audience: the format it asks the library for.
SHARE_VIEW = {"engineering": "html", "company": "preview", "leadership": "html", "status-page": "html"}
#: Items shown under a heading of the home page; the heading counts them all.
HOME_LIMIT = 20
BOARD_LIMIT = 500


def _date(value: str | None, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise InputError(f"{name} `{value}` is not a date; write YYYY-MM-DD") from None


def review_link(ref: dict[str, Any]) -> str | None:
    return f"/postmortems/{ref['id']}" if ref.get("id") else None


@router.get("/", response_class=HTMLResponse)
def home(request: Request, source: str | None = None):
    portal, user = portal_of(request), user_of(request)
    today = portal.today()
    h = portal.workspace.home(user.viewer, today, source=source or None)
    chart = portal.cached(("home-chart", h.month, portal.workspace.store.generation, today, user.viewer.cache_key(),
                           source), lambda: charts.home_chart(h.figures, portal.workspace.levels))
    return portal.render("home.html.j2", request, home=h, chart=chart, limit=HOME_LIMIT)


@router.get("/postmortems", response_class=HTMLResponse)
def postmortems(request: Request, q: str | None = None, severity: str | None = None, status: str | None = None,
                since: str | None = None, until: str | None = None, tag: str | None = None,
                sort: str = "date", page: int = 1, source: str | None = None):
    portal, user = portal_of(request), user_of(request)
    query = PostmortemQuery(q=q, severity=severity, status=status, since=_date(since, "since"),
                            until=_date(until, "until"), tag=tag, sort=sort, page=page, source=source)
    listing = portal.workspace.postmortems(user.viewer, query)
    ctx = dict(listing=listing, snippets=listing.html_snippets(), q=q or "",
               severity=severity or "", status=status or "", since=since or "", until=until or "", tag=tag or "",
               sort=sort, statuses=portal.workspace.policy.statuses, levels=portal.workspace.levels)
    name = "postmortems_results.html.j2" if request.headers.get("HX-Request") else "postmortems.html.j2"
    return portal.render(name, request, **ctx)


@router.get("/postmortems/{file_id}", response_class=HTMLResponse)
def postmortem(request: Request, file_id: str):
    portal, user = portal_of(request), user_of(request)
    part = postmortem_part(portal, user.viewer, file_id, portal.today())
    return portal.render("postmortem.html.j2", request, title=part["title"], main_html=part["main"])


def postmortem_part(portal: Portal, viewer: Viewer, file_id: str, today: dt.date) -> dict[str, str]:
    """The body of a postmortem's page and its title: the same for everyone who may read it, so kept
    rendered (`web.pagecache`) under the file's version, the index's version of it and the day. Only
    the file's bytes are read when it is kept; visibility is decided first, every time."""
    from ..render.html import with_findings

    ws = portal.workspace
    head = ws.head(viewer, file_id)

    def make() -> dict[str, str]:
        doc = ws.document(viewer, head.file, today)
        body = with_findings(doc.text, doc.findings)
        items = ws.actions(viewer, ActionQuery(file=doc.id), today)
        main = portal.env.get_template("postmortem_main.html.j2").render(
            doc=doc, pm=doc.pm, body=body, actions=items, audiences=AUDIENCES, today=today)
        return {"title": doc.pm.title or doc.id, "main": main}

    return portal.page_cache.get(f"postmortem/{head.id}", portal.page_cache.key(head.version, head.indexed, today),
                                 make)


@router.get("/postmortems/{file_id}/share/{audience}")
def shared(request: Request, file_id: str, audience: str):
    portal, user = portal_of(request), user_of(request)
    if audience not in SHARE_VIEW:
        raise NotFoundError(f"no audience `{audience}`; the audiences are {', '.join(AUDIENCES)}")
    # The engineering page is the document its reader may already see; the other audiences are wider.
    out = portal.workspace.share(user.viewer, file_id, audience, SHARE_VIEW[audience], portal.today(),
                                 allow_restricted=audience == "engineering")
    return Response(out.text, media_type=out.media_type)


@router.get("/actions", response_class=HTMLResponse)
def actions(request: Request, owner: str | None = None, status: str | None = None, severity: str | None = None,
            overdue: bool = False, source: str | None = None):
    portal, user = portal_of(request), user_of(request)
    today = portal.today()
    items = portal.workspace.actions(user.viewer, ActionQuery(owner=owner, status=status, severity=severity,
                                                              overdue=overdue, source=source), today)
    versions = _versions(portal, user, items[:BOARD_LIMIT])
    ctx = dict(items=[a.to_dict(today) | {"file_id": a.file_id, "version": versions.get(a.file_id)}
                      for a in items[:BOARD_LIMIT]], total=len(items), owner=owner or "", status=status or "",
               severity=severity or "", overdue=overdue, levels=portal.workspace.levels)
    name = "actions_results.html.j2" if request.headers.get("HX-Request") else "actions.html.j2"
    return portal.render(name, request, **ctx)


def _versions(portal, user, items) -> dict[str, str | None]:
    """The version of each file the board shows, to send back with an edit (only editors need them)."""
    if not user.can_edit:
        return {}
    wanted = {a.file_id for a in items}
    return {r.id: r.version for r in portal.workspace.records(user.viewer) if r.id in wanted}


@router.post("/actions/{action_id:path}", response_class=HTMLResponse)
async def action_edit(request: Request, action_id: str):
    from .edits import CurrentConflict, current, edit_action

    portal, user = portal_of(request), user_of(request)
    form = await request.form()
    change = {k: str(form[k]) for k in ("status", "ticket", "version") if form.get(k)}
    try:
        item = edit_action(portal, user, action_id, change)
        return portal.render("action_row.html.j2", request, a=item, message="saved", message_class="ok")
    except CurrentConflict as e:
        return portal.render("action_row.html.j2", request, status_code=409, a=e.current or {},
                             message=f"not saved: someone changed this postmortem since you loaded it; its status "
                                     f"is now {(e.current or {}).get('status') or 'empty'}", message_class="late")
    except NotFoundError:
        # The same answer, word for word, for an item that does not exist and one the user may not see.
        return portal.render("action_row.html.j2", request, status_code=404, a={},
                             message="not saved: no such action item", message_class="late")
    except (InputError, RefusedError, ConflictError) as e:
        code = 403 if isinstance(e, RefusedError) else 409 if isinstance(e, ConflictError) else 400
        # Only someone who may change the item is shown it again; a refused viewer gets the refusal alone.
        row = current(portal, user, action_id) if code != 403 else {}
        return portal.render("action_row.html.j2", request, status_code=code, a=row,
                             message=f"not saved: {e.message}", message_class="late")


@router.get("/new", response_class=HTMLResponse)
def new_form(request: Request):
    portal = portal_of(request)
    return portal.render("new.html.j2", request, error=None, values={}, today_iso=portal.today(),
                         levels=portal.workspace.levels)


@router.post("/new")
async def new_submit(request: Request):
    portal, user = portal_of(request), user_of(request)
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("title", "date", "severity", "start", "end")}
    try:
        date = _date(values["date"], "date") or portal.today()
        from ..git import Author

        path = portal.writer.new_postmortem(
            user.viewer, Author.of(user.name), values["title"], date=date, severity=values["severity"] or None,
            author=f"@{user.name}" if user.name != "anonymous" else None, start=values["start"] or None,
            end=values["end"] or None)
    except HindsightError as e:
        code = 403 if isinstance(e, RefusedError) else 409 if isinstance(e, ConflictError) else 400
        return portal.render("new.html.j2", request, status_code=code, error=e.message, values=values,
                             today_iso=portal.today(), levels=portal.workspace.levels)
    return RedirectResponse(f"/postmortems/{path.stem}", status_code=303)


@router.get("/review")
def review_now(request: Request, month: str | None = None, source: str | None = None):
    from urllib.parse import quote

    from .. import review as lib

    portal = portal_of(request)
    wanted = month or lib.default_month(portal.today())
    lib.parse_month(wanted)
    name = portal.workspace.source_name(source) if source else None
    return RedirectResponse(f"/review/{wanted}" + (f"?source={quote(name)}" if name else ""), status_code=307)


@router.get("/review/{month}", response_class=HTMLResponse)
def review(request: Request, month: str, source: str | None = None):
    from ..review import report

    portal, user = portal_of(request), user_of(request)
    ws = portal.workspace
    today = portal.today()
    data = ws.review(user.viewer, month, today, source=source or None)
    # Keyed like the data it renders (which depends on the user's groups), never by object identity.
    body = portal.cached(("review-html", month, ws.store.generation, today, user.viewer.cache_key(), source or None),
                         lambda: report.html_body(data, ws.levels, review_link))
    return portal.render("review.html.j2", request, month=month, body=body)
