"""Action items: the standard's required fields and statuses (HS3xx)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...parse.scan import row_cell_columns
from ...standard import ACTION_STATUSES, STATUS_EMOJI, status_label
from .._types import Context, Edit, Finding, Fix
from ..rule import Rule, rule

_SEPARATORS = re.compile(r",|/|&|\+|;|\band\b", re.I)
_VAGUE_CARE = re.compile(r"^\s*(?:be|being|stay|remain)\s+(?:more\s+|extra\s+|very\s+)?(?:careful|vigilant|attentive|"
                         r"cautious|diligent|mindful|aware)\b|\b(?:try|strive)\s+(?:harder|to be)\b|"
                         r"\bpay (?:more )?attention\b|\bdouble[- ]check\b|\bbe more careful\b", re.I)
_VAGUE_VERBS = ("investigate", "look into", "look at", "consider", "explore", "think about", "discuss", "review",
                "improve", "enhance", "better", "revisit", "evaluate", "check", "monitor", "follow up",
                "follow-up", "research", "assess", "analyze", "analyse", "fix", "address", "handle", "work on")
_GENERIC = {"monitoring", "alerting", "alerts", "testing", "tests", "process", "processes", "documentation", "docs",
            "communication", "things", "it", "this", "issue", "issues", "problem", "problems", "stuff",
            "observability", "reliability", "quality", "performance", "security", "the issue", "the problem",
            "the process", "our process", "our processes", "the system", "stability", "resilience", "options"}


def _cell_fix(ctx: Context, line: int, old: str, new: str, description: str) -> Fix | None:
    raw = ctx.lines[line - 1] if 0 < line <= len(ctx.lines) else ""
    for a, b in row_cell_columns(raw):
        if raw[a:b] == old:
            return Fix(description, (Edit(line, a, line, b, new),))
    return None


@rule
class ActionItemMissingField(Rule):
    """An action item without an owner, a due date or a status.

    ## What it does
    Checks that every action item has the standard's required fields: the
    action, an owner, a due date and a status (the ticket has its own rule).

    ## Why is this bad?
    Follow-ups are where postmortem programmes fail: an item without an owner
    or a date is never done, and nobody notices.

    ## Example
    `- Add connection wait time alert`

    Use instead: `| Add connection wait time alert | @sre-team | 2025-12-16 | 🔲 TODO | SRE-123 |`

    ## References
    The standard, section 5 (Action Item Tracking: Required Fields).
    """

    code, name, tags = "HS301", "action-item-missing-field", ("action-items",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for a in ctx.pm.action_items:
            missing = [f for f, v in (("owner", a.owner), ("due date", a.due or a.due_text), ("status", a.status))
                       if not v]
            if missing:
                yield self.finding(ctx, a.line, f"action item `{_short(a.action)}` has no {' , '.join(missing)}"
                                   .replace(" , ", ", "))


@rule
class ActionItemMultipleOwners(Rule):
    """An action item with more than one owner.

    ## What it does
    Finds owners such as `@alice, @bob`, `@sre / @platform` or `Alice and Bob`.

    ## Why is this bad?
    The standard asks for a single person accountable: with two owners, each
    expects the other to do it.

    ## Example
    `| Create runbook | @alice, @bob | 2025-12-20 | 🔲 TODO | SRE-124 |`

    Use instead: one owner, who may ask others for help.

    ## References
    The standard, section 5 (Owner: single person accountable).
    """

    code, name, tags = "HS302", "action-item-multiple-owners", ("action-items",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for a in ctx.pm.action_items:
            if a.owner and (len(re.findall(r"@[\w.-]+", a.owner)) > 1 or _SEPARATORS.search(a.owner)):
                yield self.finding(ctx, a.line, f"action item `{_short(a.action)}` has several owners "
                                                f"(`{a.owner}`); name one person accountable")


# What to write instead of statuses whose meaning is not one of the four (so no fix is offered).
_STATUS_HINTS = {
    "blocked": "a blocked item is IN PROGRESS (or TODO if not started), with what blocks it in its ticket",
    "pending": "say whether it is TODO (not started) or IN PROGRESS (started, waiting on something)",
    "on hold": "an item on hold is TODO or IN PROGRESS, with why in its ticket; WONTFIX if it is dropped",
    "waiting": "a waiting item is IN PROGRESS, with what it waits for in its ticket",
}


@rule
class ActionItemInvalidStatus(Rule):
    """An action item status that is not TODO, IN PROGRESS, DONE or WONTFIX.

    ## What it does
    Checks each action item's status against the standard's four (with or
    without their emoji: 🔲 TODO, 🔄 IN PROGRESS, ✅ DONE).

    ## Why is this bad?
    Completion rates count DONE and WONTFIX; any other status is neither open
    nor closed and falls out of the numbers.

    ## Example
    `| Add alert | @sre | 2025-12-16 | Blocked |`

    Use instead: `🔄 IN PROGRESS`, and say what blocks it in the ticket.

    ## References
    The standard, section 5 (Status: TODO, IN PROGRESS, DONE, WONTFIX).
    """

    code, name, tags = "HS303", "action-item-invalid-status", ("action-items",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for a in ctx.pm.action_items:
            if a.status and a.status not in ACTION_STATUSES:
                hint = _STATUS_HINTS.get(a.status.strip().lower(), "write the one it is")
                yield self.finding(ctx, a.line, f"status `{a.status}` of `{_short(a.action)}` is not one of "
                                                f"{', '.join(ACTION_STATUSES)}; {hint}")


@rule
class ActionItemDueBeforeIncident(Rule):
    """An action item due before the incident happened.

    ## What it does
    Compares each due date with the incident date.

    ## Why is this bad?
    It is a typo (usually the year), and it makes the item overdue from the
    day it is written.

    ## Example
    Incident 2026-01-14, due `2025-01-21`.

    Use instead: `2026-01-21`.

    ## References
    The standard, section 5 (Due Date: realistic deadline).
    """

    code, name, tags = "HS304", "action-item-due-before-incident", ("action-items",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.pm.date is None:
            return
        for a in ctx.pm.action_items:
            if a.due and a.due < ctx.pm.date:
                yield self.finding(ctx, a.line, f"`{_short(a.action)}` is due {a.due} but the incident was on "
                                                f"{ctx.pm.date}")


@rule
class ActionItemOverdue(Rule):
    """An action item past its due date and not DONE or WONTFIX.

    ## What it does
    Compares due dates with today (or `--today`). Items of a historical
    postmortem (front matter `historical: true`, or before `history_before`)
    are never overdue.

    ## Why is this bad?
    Overdue follow-ups are how the same incident happens twice.

    ## Example
    `| Add alert | @sre | 2025-12-16 | 🔲 TODO |` checked on 2026-01-10.

    Use instead: finish it, move the date with a reason in the ticket, or mark it WONTFIX.

    ## References
    The standard, section 5 (Status Tracking) and section 6 (Monthly Review).
    """

    code, name, severity, tags, volatile = "HS305", "action-item-overdue", "warning", ("action-items",), True

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.today is None or ctx.historical:
            return
        for a in ctx.pm.action_items:
            if a.overdue(ctx.today):
                days = (ctx.today - a.due).days
                yield self.finding(ctx, a.line, f"`{_short(a.action)}` was due {a.due} ({days} day"
                                                f"{'s' if days != 1 else ''} ago) and is {a.status or 'not done'}")


@rule
class ActionItemVague(Rule):
    """An action item that is not a specific, measurable task.

    ## What it does
    Finds actions such as "Be more careful when deploying", "Improve
    monitoring", "Investigate": an exhortation to people, or a vague verb with
    no specific object.

    ## Why is this bad?
    Nobody can tell when "improve monitoring" is done, so it never is; "be more
    careful" puts the fix on people instead of the system.

    ## Example
    `- Improve monitoring`

    Use instead: `- Alert when connection wait time exceeds 100 ms for 5 minutes`

    ## References
    The standard, section 5 (Action: specific, measurable task) and section 1 (Fix the system).
    """

    code, name, severity, tags = "HS306", "action-item-vague", "warning", ("action-items",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for a in ctx.pm.action_items:
            why = vague(a.action)
            if why:
                yield self.finding(ctx, a.line, f"action item `{_short(a.action)}` is {why}; make it a "
                                                "specific task whose completion anyone can check")


def vague(action: str) -> str | None:
    """Why an action is vague, or None."""
    text = re.sub(r"[*_`]", "", action).strip().rstrip(".")
    if _VAGUE_CARE.search(text):
        return "an exhortation to people, not a change to the system"
    words = text.split()
    if len(words) <= 1:
        return "a single word"
    low = text.lower()
    for verb in _VAGUE_VERBS:
        if low == verb or low.startswith(verb + " "):
            rest = low[len(verb):].strip()
            rest = re.sub(r"^(?:the|our|a|an|more|better|further)\s+", "", rest)
            if not rest or rest in _GENERIC or (len(rest.split()) == 1 and rest.rstrip("s") in
                                                 {g.rstrip("s") for g in _GENERIC}):
                return f"a vague verb (`{verb}`) with no specific object"
    return None


@rule
class ActionItemNoTicket(Rule):
    """An action item without a ticket.

    ## What it does
    Checks that each action item links to a tracking issue (a Ticket column,
    an issue link, or a key such as `SRE-123`).

    ## Why is this bad?
    Work is planned and done in the tracker; an item that exists only in the
    postmortem is forgotten once the incident closes.

    ## Example
    `| Add alert | @sre | 2025-12-16 | 🔲 TODO |`

    Use instead: add a Ticket column: `| Add alert | @sre | 2025-12-16 | 🔲 TODO | SRE-123 |`

    ## References
    The standard, section 5 (Ticket: link to tracking issue).
    """

    code, name, severity, tags = "HS307", "action-item-no-ticket", "warning", ("action-items",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for a in ctx.pm.action_items:
            if not a.ticket:
                yield self.finding(ctx, a.line, f"action item `{_short(a.action)}` has no ticket")


@rule
class ActionItemStatusSpelling(Rule):
    """An action item status not written the standard's way.

    ## What it does
    Finds statuses in a table that mean one of the standard's four but are
    spelled otherwise (`done`, `In progress`, `To Do`, `✅`), and rewrites them
    as the standard does (`✅ DONE`; without the emoji when the table uses none).

    ## Why is this bad?
    One spelling keeps tables scannable and lets every tool (and grep) find
    the open items.

    ## Example
    `| Add alert | @sre | 2025-12-16 | done |`

    Use instead: `| Add alert | @sre | 2025-12-16 | ✅ DONE |`

    ## References
    The standard, section 5 (Status Tracking).
    """

    code, name, severity, tags, fixable = "HS308", "action-item-status-spelling", "warning", ("action-items",), True

    def check(self, ctx: Context) -> Iterator[Finding]:
        rows = [a for a in ctx.pm.action_items
                if a.status in ACTION_STATUSES and a.status_text and a.line == a.end_line
                and ctx.lines[a.line - 1].count("|") >= 2]
        uses_emoji = any(a.status_text[:1] in STATUS_EMOJI.values() for a in rows)
        for a in rows:
            want = status_label(a.status) if uses_emoji else a.status
            written = a.status_text.strip()
            if written in (want, a.status, status_label(a.status)):
                continue
            fix = _cell_fix(ctx, a.line, written, want, f"write the status as `{want}`")
            yield self.finding(ctx, a.line, f"status `{written}` is written `{want}` in the standard", fix=fix)


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"
