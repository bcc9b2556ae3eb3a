"""The portal's pages: home, postmortems, one postmortem, action items, new postmortem, monthly review."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import ConflictError, HindsightError
from .app import Portal, html_snippet, lifecycle_rows

AUDIENCES = {"engineering": "html", "company": "mrkdwn", "leadership": "html", "status-page": "html"}


def document_html(text: str, findings: list) -> str:
    """The postmortem rendered safely, each lint finding placed right after the block it concerns."""
    from ..render.html import _md, split_front_matter, strip_comments

    offset, body = split_front_matter(text.lstrip("\ufeff").replace("\r\n", "\n"))
    body = strip_comments(body)
    md = _md()
    tokens = md.parse(body)
    by_line: dict[int, list] = {}
    for f in findings:
        by_line.setdefault(f.line, []).append(f)
    placed: set[int] = set()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        j = i
        if tok.nesting == 1 and tok.level == 0:
            depth = 0
            while j < len(tokens):
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        block = tokens[i:j + 1]
        out.append(md.renderer.render(block, md.options, {}))
        if tok.map:
            a, b = tok.map[0] + offset + 1, tok.map[1] + offset
            here = [f for ln in range(a, b + 1) for f in by_line.get(ln, [])]
            if here:
                placed.update(range(a, b + 1))
                out.append(_asides(here))
        i = j + 1
    rest = [f for ln, fs in sorted(by_line.items()) if ln not in placed for f in fs]
    return (_asides(rest) if rest else "") + "".join(out)


def _asides(findings: list) -> str:
    items = "".join(f'<li class="{html.escape(f.severity)}"><a href="#" title="line {f.line}">L{f.line}</a> '
                    f"<code>{html.escape(f.code)}</code> {html.escape(f.message)}</li>" for f in findings)
    return f'<aside class="findings"><ul>{items}</ul></aside>'


def register(app: FastAPI, portal: Portal, **h: Any) -> None:
    user_of = h["user_of"]

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request):
        user = user_of(request)
        rows = portal.visible_rows(user)
        assessed = portal.cached(("assessed", portal.index.generation, user.groups, dt.date.today()),
                                 lambda: lifecycle_rows(portal, rows))
        late = [a for a in assessed if a.state == "late"]
        open_major = [r for r in rows if r["severity"] in ("P0", "P1") and (r["status"] or "") != "Complete"]
        overdue, overdue_total = h["action_rows"](user, overdue=True, limit=20)
        month = dt.date.today().strftime("%Y-%m")
        figures = h["review_data"](user, month)
        months = [t["month"] for t in figures["completion_trend"]]
        chart = portal.cached(("home-chart", month, portal.index.generation, dt.date.today(), user.groups),
                              lambda: _chart(months, figures, portal))
        missing = _missing(portal)
        return portal.render("home.html.j2", request, user, late=late, open_major=open_major[:20],
                             overdue=overdue, overdue_total=overdue_total, figures=figures, chart=chart,
                             missing=missing, total=len(rows))

    @app.get("/postmortems", response_class=HTMLResponse, include_in_schema=False)
    def postmortems(request: Request, q: str | None = None, severity: str | None = None, status: str | None = None,
                    since: str | None = None, until: str | None = None, tag: str | None = None,
                    sort: str = "date", page: int = Query(1, ge=1)):
        user = user_of(request)
        rows, total, snippets = h["listing"](user, q, severity, status, _date(since), _date(until), tag, sort, page)
        ctx = dict(rows=rows, total=total, page=page, pages=max(1, (total + 24) // 25),
                   snippets={k: html_snippet(v) for k, v in snippets.items()}, q=q or "", severity=severity or "",
                   status=status or "", since=since or "", until=until or "", tag=tag or "", sort=sort,
                   statuses=portal.config.get("statuses"), levels=portal.config.get("severity_levels"))
        name = "postmortems_results.html.j2" if request.headers.get("HX-Request") else "postmortems.html.j2"
        return portal.render(name, request, user, **ctx)

    @app.get("/postmortems/{file_id}", response_class=HTMLResponse, include_in_schema=False)
    def postmortem(request: Request, file_id: str):
        user = user_of(request)
        row = h["row_or_404"](file_id, user)
        pm = portal.model(row)
        found = h["findings_for"](row)
        doc = portal.cached(("doc", row["id"], row["version"], dt.date.today()),  # like its findings
                            lambda: document_html(portal.text(row), found))
        mine = h["action_rows"](user, file_id=row["id"])[0]
        return portal.render("postmortem.html.j2", request, user, row=row, pm=pm, doc=doc, findings=found,
                             actions=mine, audiences=list(AUDIENCES))

    @app.get("/postmortems/{file_id}/share/{audience}", include_in_schema=False)
    def shared(request: Request, file_id: str, audience: str):
        from .. import share

        if audience not in AUDIENCES:
            raise HTTPException(404, "no such audience")
        row = h["row_or_404"](file_id, user_of(request))
        try:
            out = share.render(portal.model(row), portal.text(row), audience, AUDIENCES[audience], portal.config)
        except HindsightError as e:
            raise HTTPException(403, str(e)) from None
        media = "text/html" if AUDIENCES[audience] == "html" else "text/plain"
        return Response(out, media_type=f"{media}; charset=utf-8")

    @app.get("/actions", response_class=HTMLResponse, include_in_schema=False)
    def actions(request: Request, owner: str | None = None, status: str | None = None,
                severity: str | None = None, overdue: bool = False):
        user = user_of(request)
        rows, total = h["action_rows"](user, owner, status, severity, overdue, limit=500)
        ctx = dict(items=rows, total=total, owner=owner or "", status=status or "",
                   severity=severity or "", overdue=overdue, levels=portal.config.get("severity_levels"))
        name = "actions_results.html.j2" if request.headers.get("HX-Request") else "actions.html.j2"
        return portal.render(name, request, user, **ctx)

    @app.post("/actions/{action_id:path}", response_class=HTMLResponse, include_in_schema=False)
    async def action_edit(request: Request, action_id: str):
        user = user_of(request)
        form = await request.form()
        change = {k: str(form[k]) for k in ("status", "ticket", "version") if form.get(k)}
        try:
            item = h["edit_action"](user, action_id, change)
            message, cls = "saved", "ok"
        except ConflictError:
            item = h["current_action"](action_id) or {}
            message, cls = (f"not saved: someone changed this postmortem since you loaded it; its status is now "
                            f"{item.get('status') or 'empty'}"), "late"
        except HTTPException as e:
            item = h["current_action"](action_id) or {}
            message, cls = f"not saved: {e.detail}", "late"
        item.setdefault("file_id", action_id.split("#", 1)[0])
        return portal.render("action_row.html.j2", request, user, a=item, message=message, message_class=cls)

    @app.get("/new", response_class=HTMLResponse, include_in_schema=False)
    def new_form(request: Request):
        user = user_of(request)
        return portal.render("new.html.j2", request, user, error=None, values={}, today_iso=dt.date.today())

    @app.post("/new", include_in_schema=False)
    async def new_submit(request: Request):
        from .. import scaffold

        user = user_of(request)
        form = await request.form()
        values = {k: str(form.get(k) or "").strip() for k in ("title", "date", "severity", "start", "end")}
        if not user.can_edit:
            return portal.render("new.html.j2", request, user, error="you may not create postmortems here",
                                 values=values, today_iso=dt.date.today())
        try:
            date = dt.date.fromisoformat(values["date"]) if values["date"] else dt.date.today()
            with portal.write_lock:
                path = scaffold.new_postmortem(values["title"], portal.folder, date=date,
                                               severity=values["severity"] or None,
                                               author=f"@{user.name}" if user.name != "anonymous" else None,
                                               start=values["start"] or None, end=values["end"] or None)
                h["commit"](path, user, f"New postmortem: {values['title']}")
                portal.index.refresh(force=True)
        except (HindsightError, ValueError) as e:
            return portal.render("new.html.j2", request, user, error=str(e), values=values,
                                 today_iso=dt.date.today())
        return RedirectResponse(f"/postmortems/{path.stem}", status_code=303)

    @app.get("/review", include_in_schema=False)
    def review_now(month: str | None = None):
        wanted = month if month and re.fullmatch(r"\d{4}-\d{2}", month) else f"{dt.date.today():%Y-%m}"
        return RedirectResponse(f"/review/{wanted}", status_code=307)

    @app.get("/review/{month}", response_class=HTMLResponse, include_in_schema=False)
    def review(request: Request, month: str):
        from ..review import report

        user = user_of(request)
        data = h["review_data"](user, month)
        # Keyed like the data it renders (which depends on the user's groups), never by object identity.
        body = portal.cached(("review-html", month, portal.index.generation, dt.date.today(), user.groups),
                             lambda: report.html_body(data, list(portal.config.get("severity_levels"))))
        return portal.render("review.html.j2", request, user, month=month, body=body)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise HTTPException(400, f"`{value}` is not a date; write YYYY-MM-DD") from None


def _missing(portal: Portal) -> list:
    from .. import lifecycle, register

    try:
        incidents = register.read(portal.folder / portal.config.get("register"), portal.config.get("severity_levels"))
    except HindsightError:
        return []
    names = {Path(r["path"]).name: Path(r["path"]) for r in portal.index.files()}
    return lifecycle.missing(incidents, names, lifecycle.Policy.from_config(portal.config), dt.date.today())


def _chart(months: list[str], figures: dict, portal: Portal) -> str:
    from ..review import charts

    return charts.severity_by_month(months, figures["severity_by_month"], list(portal.config.get("severity_levels")))

