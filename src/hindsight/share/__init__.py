"""One postmortem, every audience (the standard, section 6).

| Audience | Format |
|---|---|
| engineering | the full postmortem: a self-contained HTML page |
| company | a summary for the #incidents Slack channel (mrkdwn or Block Kit) |
| leadership | a one-page brief for P0/P1 (Markdown or HTML) |
| status-page | the external update a customer reads, with every internal detail removed |
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import InputError, RefusedError, RemoteError
from ..model import Postmortem
from ..parse.when import duration_text
from ..render.html import page, strip_front_matter, to_html
from ..standard import AUDIENCES, SHARE_FORMATS, status_label
from .redact import Redactor

FORMATS = SHARE_FORMATS
#: The media type of each format's text; `pdf` is the page Chromium prints (`hindsight.pdf`).
_MEDIA = {"html": "text/html", "pdf": "text/html", "preview": "text/html", "blocks": "application/json",
          "confluence": "application/xhtml+xml"}


@dataclass(frozen=True, slots=True)
class Shared:
    """One postmortem rendered for one audience: the text, its media type, the Slack message (for the
    company audience) and notes for the person sharing it."""

    text: str
    media_type: str
    slack: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()


def _duration(pm: Postmortem) -> str:
    return "duration unknown" if pm.duration_minutes is None else duration_text(pm.duration_minutes)


def _impact_line(pm: Postmortem, *, revenue: bool = True) -> str:
    parts = []
    for m in pm.impact:
        if m.key == "duration" or (m.key == "revenue_impact" and not revenue):
            continue
        if m.key in ("users_affected", "requests_failed", "revenue_impact", "sla_status", "error_rate"):
            parts.append(f"{m.metric}: {m.value}")
    return " · ".join(parts) or "see the postmortem"


def link_for(pm: Postmortem, config: Config, link: str | None) -> str | None:
    if link:
        return link
    base = config.get("share_base_url")
    if base and pm.path:
        p = Path(pm.path)
        if p.is_absolute():
            try:
                p = p.resolve().relative_to(config.root.resolve())
            except ValueError:
                p = Path(p.name)
        return base.rstrip("/") + "/" + p.as_posix()
    return None


# -- engineering ------------------------------------------------------------------------------------

def engineering(pm: Postmortem, text: str) -> str:
    """The whole postmortem as one printable HTML page, safe and with no external request."""
    sub = " · ".join(x for x in (pm.date.isoformat() if pm.date else "", pm.severity or "", pm.status or "") if x)
    return page(pm.title or "Postmortem", to_html(strip_front_matter(text)), subtitle=sub)


# -- company (Slack) --------------------------------------------------------------------------------

def _mrkdwn_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(s: str) -> str:
    """Markdown inline syntax reduced to text: links to their words, emphasis and code marks removed."""
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\*\*|__|`", "", s)
    return s


def _lead(pm: Postmortem) -> str:
    """The summary's first paragraph, as plain text."""
    return _plain(pm.summary.split("\n\n")[0])


def _top_actions(pm: Postmortem, n: int = 3) -> list:
    order = {"IN PROGRESS": 0, "TODO": 1, None: 2, "DONE": 3, "WONTFIX": 4}
    return sorted(pm.action_items, key=lambda a: (order.get(a.status, 2), a.due or dt.date.max))[:n]


def _action_line(a) -> str:
    e = _mrkdwn_escape
    due = f", due {a.due.isoformat()}" if a.due else ""
    return f"• {e(_plain(a.action))} — {e(a.owner or 'no owner')}{due} ({e(a.status or 'no status')})"


def company_mrkdwn(pm: Postmortem, link: str | None) -> str:
    e = _mrkdwn_escape
    lines = [f":rotating_light: *Incident: {e(pm.title or 'untitled')}* ({e(pm.severity or 'no severity')}, "
             f"{_duration(pm)})"]
    if pm.summary:
        lines += ["", e(_lead(pm))]
    lines += ["", f"*Impact:* {e(_plain(_impact_line(pm)))}"]
    items = _top_actions(pm)
    if items:
        lines += ["", "*Top action items:*"] + [_action_line(a) for a in items]
    if link:
        lines += ["", f"<{link}|Read the postmortem>"]
    return "\n".join(lines)


def company_blocks(pm: Postmortem, link: str | None) -> dict[str, Any]:
    """A Slack Block Kit message (with `text` as the notification fallback)."""
    e = _mrkdwn_escape
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Incident: {pm.title or 'untitled'}"[:150]}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*Severity*\n{e(pm.severity or '—')}"},
            {"type": "mrkdwn", "text": f"*Duration*\n{_duration(pm)}"},
            {"type": "mrkdwn", "text": f"*Date*\n{pm.date.isoformat() if pm.date else '—'}"},
            {"type": "mrkdwn", "text": f"*Status*\n{e(pm.status or '—')}"},
        ]},
    ]
    if pm.summary:
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": e(_lead(pm))[:3000]}})
    blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                               "text": f"*Impact:* {e(_plain(_impact_line(pm)))}"[:3000]}})
    items = _top_actions(pm)
    if items:
        text = "*Top action items:*\n" + "\n".join(_action_line(a) for a in items)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    if link:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{link}|Read the postmortem>"}]})
    fallback = f"Incident: {pm.title or 'untitled'} ({pm.severity or 'no severity'}, {_duration(pm)})"
    return {"text": fallback, "blocks": blocks}


def company_html(pm: Postmortem, link: str | None) -> str:
    """A preview of the Slack message as a page: what the channel will read, without Slack's markup."""
    body = "<h1>Company summary</h1>" + '<div class="slack-preview">' + company_fragment(pm, link) + "</div>"
    return page("Company summary (Slack)", body, subtitle="The Slack message, as it will read in #incidents")


def company_fragment(pm: Postmortem, link: str | None) -> str:
    """What the company reads of a postmortem (the Slack message's words), as HTML: the summary, the impact,
    the top action items."""
    import html

    e = html.escape
    parts = [f"<p><strong>Incident: {e(pm.title or 'untitled')}</strong> ({e(pm.severity or 'no severity')}, "
             f"{e(_duration(pm))})</p>"]
    if pm.summary:
        parts.append(f"<p>{e(_lead(pm))}</p>")
    parts.append(f"<p><strong>Impact:</strong> {e(_plain(_impact_line(pm)))}</p>")
    items = _top_actions(pm)
    if items:
        parts.append("<p><strong>Top action items:</strong></p><ul>" + "".join(
            f"<li>{e(_plain(a.action))} — {e(a.owner or 'no owner')}"
            f"{', due ' + a.due.isoformat() if a.due else ''} ({e(a.status or 'no status')})</li>" for a in items)
            + "</ul>")
    if link:
        parts.append(f'<p><a href="{e(link)}">Read the postmortem</a></p>')
    return "".join(parts)


def post(webhook_url: str, payload: dict[str, Any]) -> None:
    """Send a message to a Slack incoming webhook; an HTTP error is an error, never retried silently."""
    from slack_sdk.webhook import WebhookClient

    try:
        response = WebhookClient(webhook_url, timeout=15).send_dict(payload)
    except Exception as e:  # noqa: BLE001 - network errors of any kind become one clear message
        raise RemoteError(f"could not reach the Slack webhook ({type(e).__name__}: {e}); nothing was posted") \
            from None
    if response.status_code != 200:
        raise RemoteError(f"Slack answered HTTP {response.status_code} ({response.body.strip()[:200]}); the "
                             "message was not posted. Check the webhook URL")


# -- leadership --------------------------------------------------------------------------------------

def leadership_markdown(pm: Postmortem, link: str | None) -> str:
    out = [f"# Leadership brief: {pm.title or 'untitled'}", "",
           f"**{pm.severity or 'Severity not set'}** · {pm.date.isoformat() if pm.date else 'date unknown'} · "
           f"{_duration(pm)} · status {pm.status or 'unknown'}", "", "## What happened", "",
           _lead(pm) if pm.summary else "The summary is not written yet.", "",
           "## Customer and revenue impact", ""]
    rows = [m for m in pm.impact if m.key in ("users_affected", "requests_failed", "error_rate", "revenue_impact")]
    out += [f"- **{m.metric}:** {m.value}" for m in rows] or ["- Not stated in the postmortem."]
    out += ["", "## SLA", ""]
    if pm.sla:
        detail = ", ".join(x for x in (f"target {pm.sla.target}%" if pm.sla.target is not None else "",
                                       f"actual {pm.sla.actual}%" if pm.sla.actual is not None else "") if x)
        out.append(f"{pm.sla.status or 'Unknown'}" + (f" ({detail})" if detail else ""))
    else:
        out.append("Not stated in the postmortem.")
    out += ["", "## What we are doing", "", "| Action | Owner | Due | Status |", "|---|---|---|---|"]
    for a in pm.action_items:
        status = status_label(a.status)
        out.append(f"| {_plain(a.action).replace('|', '/')} | {a.owner or '—'} | "
                   f"{a.due.isoformat() if a.due else '—'} | {status or '—'} |")
    if not pm.action_items:
        out.append("| No action items yet | | | |")
    out += ["", "## The ask", "", _ask(pm)]
    if link:
        out += ["", f"Full postmortem: {link}"]
    return "\n".join(out) + "\n"


def _ask(pm: Postmortem) -> str:
    ask = pm.front_matter.get("ask")
    if isinstance(ask, str) and ask.strip():
        return ask.strip()
    open_items = pm.open_action_items
    unowned = [a for a in open_items if not a.owner or not a.due]
    if unowned:
        return (f"Name an owner and a date for {len(unowned)} action item{'s' * (len(unowned) != 1)} that have "
                "none, so the fixes are scheduled.")
    if open_items:
        nxt = min((a.due for a in open_items if a.due), default=None)
        return (f"Keep the {len(open_items)} open action item{'s' * (len(open_items) != 1)} prioritised"
                + (f"; the next is due {nxt.isoformat()}." if nxt else "."))
    return "No decision needed: every action item is closed."


def leadership_html(pm: Postmortem, link: str | None) -> str:
    return page(f"Leadership brief: {pm.title or 'untitled'}", to_html(leadership_markdown(pm, link)))


# -- status page -------------------------------------------------------------------------------------

def status_page(pm: Postmortem, config: Config) -> str:
    """The external update: what happened, when, impact, what we are doing; nothing internal."""
    if pm.restricted:
        raise RefusedError("this postmortem is restricted; it cannot be shared on the status page", path=pm.path)
    r = Redactor.from_config(config)
    # Only what the document says, and only what a customer may read: a section with nothing to say is
    # left out, never filled with a sentence the document does not support.
    happened = r.clean(_plain(pm.summary.split("\n\n")[0])) if pm.summary else ""
    if not happened:
        raise InputError("this postmortem has nothing the status page can say: its summary is empty, or every "
                         "sentence of it names a person, a ticket or money. Write a summary a customer may read "
                         "(what happened, to whom, for how long) and share it again", path=pm.path)
    when = ""
    if pm.start and pm.end:
        when = f"{pm.start:%B %-d, %Y, %H:%M} to {pm.end:%H:%M} {pm.timezone}"
    elif pm.date:
        when = f"{pm.date:%B %-d, %Y}"
    title = r.sentence(_plain(pm.title or "")) or (f"Incident on {pm.date:%B %-d, %Y}" if pm.date else "Incident")
    out = [f"## {title}", "", "**Status:** Resolved"]
    if when:
        out.append(f"**When:** {when}" + (f" ({_duration(pm)})" if pm.duration_minutes is not None else ""))
    out += ["", "### What happened", "", happened]
    impact = [(m.metric, r.value(m.value)) for m in pm.impact
              if m.key in ("users_affected", "requests_failed", "error_rate")]
    impact = [(k, v) for k, v in impact if v]
    if impact:
        out += ["", "### Impact", ""] + [f"- {k}: {v}" for k, v in impact]
    actions = [r.sentence(_plain(a.action)) for a in pm.action_items if a.status != "WONTFIX"]
    actions = [a for a in actions if a]
    if actions:
        out += ["", "### What we are doing", ""] + [f"- {a}" for a in actions]
    out += ["", "We apologise for the disruption."]
    return "\n".join(out) + "\n"


def share(pm: Postmortem, text: str, audience: str, fmt: str | None, config: Config,
          link: str | None = None, *, allow_restricted: bool = False) -> Shared:
    """A postmortem for one audience, in one of its formats (the first by default).

    Every audience is wider than a restricted postmortem's groups: its rendering is refused unless
    `allow_restricted` says the person sharing it knows (the status page refuses it always).
    """
    if audience not in FORMATS:
        raise InputError(f"unknown audience `{audience}`; use one of {', '.join(AUDIENCES)}")
    if pm.restricted and (audience == "status-page" or not allow_restricted):
        groups = ", ".join(pm.classification.allowed_groups) or "no group"
        why = "" if pm.classification.certain else " (its classification cannot be read with certainty)"
        raise RefusedError(
            f"this postmortem is restricted to {groups}{why}; the {audience} audience is wider, so it is not "
            + ("rendered for the status page" if audience == "status-page" else
               "rendered. Pass --allow-restricted to render it for people you know may read it"), path=pm.path)
    fmt = fmt or FORMATS[audience][0]
    if fmt not in FORMATS[audience]:
        raise InputError(f"the format `{fmt}` is not available for {audience}; use "
                         f"{' or '.join(FORMATS[audience])}")
    notes = []
    if audience == "leadership" and pm.severity not in ("P0", "P1"):
        notes.append(f"the standard asks for a leadership brief for P0/P1; this is {pm.severity or 'unrated'}")
    if fmt == "confluence":
        notes.append(f"the Confluence page's title: {pm.title or 'Postmortem'}")
    out = render(pm, text, audience, fmt, config, link)
    slack = company_blocks(pm, link_for(pm, config, link)) if audience == "company" else None
    return Shared(out, _MEDIA.get(fmt, "text/plain") + "; charset=utf-8", slack, tuple(notes))


def render(pm: Postmortem, text: str, audience: str, fmt: str | None, config: Config,
           link: str | None = None) -> str:
    """The rendering of one postmortem for one audience, as text to print or save."""
    link = link_for(pm, config, link)
    if audience == "engineering":
        if fmt == "confluence":
            from .confluence import storage

            return storage(text)
        return engineering(pm, text)
    if audience == "company":
        if fmt == "preview":
            return company_html(pm, link)
        return json.dumps(company_blocks(pm, link), indent=2, ensure_ascii=False) + "\n" if fmt == "blocks" \
            else company_mrkdwn(pm, link) + "\n"
    if audience == "leadership":
        return leadership_html(pm, link) if fmt in ("html", "pdf") else leadership_markdown(pm, link)
    if audience == "status-page":
        from ..parse import parse
        from .redact import strip_internal

        # Internal blocks go before parsing, so nothing inside them reaches any field.
        body = status_page(parse(strip_internal(text), path=pm.path), config)
        return page("Status update", to_html(body)) if fmt == "html" else body
    raise InputError(f"unknown audience `{audience}`; use one of {', '.join(AUDIENCES)}")
