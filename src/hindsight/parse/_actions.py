"""Action items from tables, checklists, bullets and headings.

Owner, due date, status and ticket come from table columns where there is a
table, and from the text itself otherwise: `- [x] Add alert (@sre, due
2025-12-16, SRE-123)`, `#### 1) Cron cleanup scheduled @malte_j`,
`- [#2226]: Add simple logging`, `- Implement guards (done)`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache

from ..model import ActionItem, CellSpan, Diagnostic
from ..standard import is_blank_value, read_status
from ._blocks import Block
from .scan import Line
from .sections import normalise
from .when import match_date

_COLUMNS = {
    "id": ["id", "#", "no", "nr", "number", "ref id"],
    "action": ["action", "action item", "item", "task", "description", "what", "title", "summary", "remediation",
               "follow-up", "follow up", "corrective action", "todo", "action items", "actions", "recommendation"],
    "owner": ["owner", "owners", "assignee", "assignees", "assigned to", "who", "responsible", "dri", "lead",
              "team", "owner(s)"],
    "due": ["due", "due date", "deadline", "expected date", "target date", "eta", "by", "when", "date", "target",
            "due by", "expected"],
    "status": ["status", "state", "progress", "done"],
    "ticket": ["ticket", "issue", "bug", "link", "tracking", "tracking issue", "jira", "pr", "reference", "ref",
               "url", "tickets", "issues", "links", "tracker"],
    "priority": ["priority", "prio", "importance"],
    "closed": ["closed", "closed on", "done on", "completed", "completed on", "date closed", "date done",
               "resolved on", "finished"],
}
_COLUMN_LOOKUP = {w: k for k, words in _COLUMNS.items() for w in words}

_TICKET_URL = re.compile(
    r"https?://\S+?/(?:issues|pull|pulls|merge_requests|browse|tickets?|ticket|bugs?|show_bug\.cgi\?id=|"
    r"-/issues|project/[^/\s]+/issue|incidents?)/?[\w.-]*\d[\w.-]*")
_TICKET_KEY = re.compile(r"(?<![\w/#-])([A-Z][A-Z0-9]{1,9}-\d{1,7})(?![\w-])")
_TICKET_HASH = re.compile(r"(?<![\w&/])(#\d{1,7})(?!\w)")
_MD_LINK = re.compile(
    r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\](?:\[([^\]]*)\])?")
_COMMENT = re.compile(r"<!--.*?-->")
_BARE_URL = re.compile(r"<?(https?://[^\s>)]+)>?")
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9][\w.-]*[A-Za-z0-9_]|(?<![\w.])@[A-Za-z0-9]")
_OWNER_LABEL = re.compile(r"\b(?:owner|owners|assignee|assigned to|owned by|dri)\s*(?:[:=]\s*|\s+(?=@))"
                          r"(@?[\w.-]+(?:\s+[A-Z][\w.-]+)?)", re.I)
# A due date as written in prose: "2025-03-20", "March 20", "Mar. 20th, 2025".
_DATE = r"(?:19|20)\d\d-\d\d-\d\d|(?-i:[A-Z])[a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?(?:,? (?:19|20)\d\d)?"
_DUE_LABEL = re.compile(r"\b(?:due(?: date)?|deadline|by|eta|target)\s*[:=]?\s*(" + _DATE + ")", re.I)
# Metadata written inside the action's text, removed from it once read: "(due 2025-03-20)",
# "[owner: Bob]", "[OPS-12]", ", by 2025-03-20", "— @alice".
_META_GROUP = re.compile(r"\s*[(\[]\s*(?:owner|owners|assignee|due(?: date)?|deadline|eta|by|ticket|status|"
                         r"priority)\s*[:=]?[^)\]]*[)\]]|\s*\[\s*[A-Z][A-Z0-9]{1,9}-\d+\s*\]", re.I)
_TRAILING_DUE = re.compile(r"[,;]?\s*(?:—|–|-)?\s*\b(?:due|by|deadline)\s*[:=]?\s*(?:" + _DATE + r")\s*\.?\s*$", re.I)
_LEADING_OWNER = re.compile(r"^(@[A-Za-z0-9][\w.-]*)\s*[:—–-]\s+")
_TRAILING_STATUS = re.compile(r"\s*[\(\[]\s*(done|in progress|wip|wontfix|won't fix|won't do|wont do|not planned|"
                              r"dropped|todo|complete|completed|"
                              r"cancelled|canceled|ongoing|started)\s*[\)\]]\s*\.?\s*$", re.I)
_LEADING_PRIORITY = re.compile(r"^\*\*(HIGH|MEDIUM|LOW|CRITICAL|P[0-4]|URGENT)\*\*\s*[:\-–—]?\s*", re.I)
_BOLD_TITLE = re.compile(r"^\*\*(?P<title>[^*]{3,}?)\*\*\s*[:.\-–—]\s*(?P<rest>.*)$")
_LEADING_TICKET = re.compile(r"^\[(#?[\w-]*\d+)\](?:\([^)]*\))?\s*:\s*")
_ACTION_LABEL = re.compile(r"^\s*\*\*\s*actions?\s+(taken|planned|pending|completed|done|to take|next)\s*:?\s*\*\*"
                           r"\s*:?\s*$", re.I)
# "No immediate action items.", "None.", "N/A": a section that says it has nothing to do.
_NO_ACTIONS = re.compile(r"^\s*(?:no\b[^.]{0,40}\b(?:action|follow[- ]?up|task|item)s?\b[^.]{0,30}|none|n/?a|nothing"
                         r"(?:\s+to\s+do)?)\s*[.!]?\s*$", re.I)
_COMMITMENT = re.compile(r"(?:^|[,;:]\s+)(?:we will|we'll|we intend to|we plan to|we are going to|"
                         r"we're going to)\b", re.I)


#: Words an item's key is made of, at most, and its longest length.
KEY_WORDS, KEY_CHARS = 8, 40


def key_of(action: str) -> str:
    """The id of an action item without an ID column: its first words, as lower-case ASCII kebab-case.

    It names the row by what it says, not where it is, so an id copied from an old message either finds
    the same item or (when the item's words changed) finds nothing; never another item.
    """
    import unicodedata

    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", action)  # a link's words, not its address
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", text)[:KEY_WORDS]
    key = ""
    for w in words:
        if key and len(key) + 1 + len(w) > KEY_CHARS:
            break
        key = f"{key}-{w}" if key else w[:KEY_CHARS]
    return key


@dataclass(slots=True)
class _Draft:
    action: str
    line: int
    end_line: int
    owner: str | None = None
    due_text: str | None = None
    status_text: str | None = None
    ticket: str | None = None
    ticket_url: str | None = None
    priority: str | None = None
    number: str | None = None
    closed_text: str | None = None
    form: str = "list"
    cells: dict[str, CellSpan] = field(default_factory=dict)


class ActionReader:
    def __init__(self, stem: str, incident: dt.date | None, refdefs: dict[str, str],
                 diagnostics: list[Diagnostic]):
        self.stem = stem
        self.incident = incident
        self.refdefs = refdefs
        self.diagnostics = diagnostics
        self.drafts: list[_Draft] = []

    def items(self) -> list[ActionItem]:
        """The items, each with an id that survives rows inserted, deleted or moved around it: the
        number in the table's ID column, else a slug of the action's words (`#add-connection-alert`)."""
        out: list[ActionItem] = []
        used: set[str] = set()
        for pos, d in enumerate(self.drafts, start=1):
            n = d.number if d.number and d.number not in used else key_of(d.action) or str(pos)
            base, k = n, 2
            while n in used:
                n, k = f"{base}-{k}", k + 1
            used.add(n)
            due = _read_due(d.due_text, self.incident)
            if d.due_text and due is None:
                self.diagnostics.append(Diagnostic(
                    severity="warning", code="action-item-unreadable-due", line=d.line,
                    message=f"cannot read the due date `{d.due_text}`; write it as YYYY-MM-DD"))
            out.append(ActionItem(
                id=f"{self.stem}#{n}", action=d.action, owner=d.owner, due=due, due_text=d.due_text,
                status=read_status(d.status_text), status_text=d.status_text, ticket=d.ticket,
                ticket_url=d.ticket_url, priority=d.priority, closed=_read_due(d.closed_text, self.incident),
                form=d.form, cells=d.cells, line=d.line, end_line=d.end_line))
        return out

    # -- a section of action items ------------------------------------------------------------------
    def read_section(self, blocks: list[Block], lines: list[Line]) -> None:
        has_structure = any(b.kind in ("item", "table") for b in blocks)
        heading_items = _heading_items(blocks)
        default_status: str | None = None
        for pos, b in enumerate(blocks):
            if b.kind == "para":
                m = _ACTION_LABEL.match(b.text)
                if m:
                    default_status = "DONE" if m.group(1).lower() in ("taken", "completed", "done") else "TODO"
                elif not has_structure and not heading_items and not b.text.rstrip().endswith(":") \
                        and not _NO_ACTIONS.match(b.text):
                    self._add_text(b.text, lines[b.start].no, lines[b.end - 1].no, None)
                    if self.drafts and self.drafts[-1].line == lines[b.start].no:
                        self.drafts[-1].form = "paragraph"
            elif b.kind == "table":
                self._table(b, lines)
            elif b.kind == "item" and b.depth == 0:
                self._item(b, lines, default_status)
            elif b.kind == "heading" and pos in heading_items:
                self._add_text(b.text, lines[b.start].no, lines[b.start].no, None, heading=True)
                if self.drafts and self.drafts[-1].line == lines[b.start].no:
                    self.drafts[-1].form = "heading"

    def read_labelled_lists(self, blocks: list[Block], lines: list[Line]) -> None:
        """Bullets under `**Actions planned:**` / `**Actions taken:**` labels outside an action section."""
        status = None
        for b in blocks:
            if b.kind == "para":
                m = _ACTION_LABEL.match(b.text)
                status = ("DONE" if m.group(1).lower() in ("taken", "completed", "done") else "TODO") if m else None
            elif b.kind == "heading":
                status = None
            elif b.kind == "item" and b.depth == 0 and status:
                self._item(b, lines, status)

    def read_commitments(self, blocks: list[Block], lines: list[Line]) -> None:
        """`- We will add monitoring for replica lag`: a promise made outside any action-item section."""
        for b in blocks:
            if b.kind == "item" and b.depth == 0 and _COMMITMENT.search(b.text.split(". ")[0]):
                self._add_text(b.text, lines[b.start].no, lines[b.end - 1].no, None)

    # -- forms --------------------------------------------------------------------------------------
    def _item(self, b: Block, lines: list[Line], default_status: str | None) -> None:
        start, end = lines[b.start].no, lines[b.end - 1].no
        checked_children = [c for c in b.children if c.check is not None]
        if b.check is None and checked_children and not b.text.rstrip().endswith(":"):
            for c in b.children:
                self._item(c, lines, default_status)
            return
        text = b.text
        if b.children and text.rstrip().endswith(":"):
            text = text.rstrip() + " " + ", ".join(c.all_text() for c in b.children)
        status = None
        cells: dict[str, CellSpan] = {}
        if b.check is not None:
            status = "DONE" if b.check == "x" else "TODO"
            raw = lines[b.start].text
            col = raw.find("[", len(raw) - len(raw.lstrip()) + len(b.marker))
            if col >= 0:
                cells["status"] = CellSpan(line=start, start=col, end=col + 3)
        self._add_text(text, start, end, status or default_status)
        if self.drafts and self.drafts[-1].line == start:
            self.drafts[-1].form = "checklist" if b.check is not None else "list"
            self.drafts[-1].cells = cells

    def _add_text(self, text: str, start: int, end: int, status: str | None, *, heading: bool = False) -> None:
        d = _Draft(action="", line=start, end_line=end, status_text=status)
        t = text.strip()
        if heading:
            t = re.sub(r"^\s*(?:\d+[.)]|[ivx]+[.)])\s+", "", t)
        m = _LEADING_PRIORITY.match(t)
        if m:
            d.priority = m.group(1).upper()
            t = t[m.end():]
        m = _LEADING_TICKET.match(t)
        if m:
            d.ticket = m.group(1)
            d.ticket_url = self.refdefs.get(m.group(1).lower())
            t = t[m.end():]
        m = _TRAILING_STATUS.search(t)
        if m:
            d.status_text = m.group(1)
            t = t[:m.start()]
        if t.startswith(("✅", "🔄", "🔲", "❌")):
            d.status_text = d.status_text or t[0]
            t = t[1:].strip()
        # Tickets: the first link to an issue tracker, or a key such as SRE-123 or #2226.
        if d.ticket is None:
            self._find_ticket(t, d)
        t = _strip_trailing_ticket(t, d)
        m = _DUE_LABEL.search(t)
        if m:
            d.due_text = m.group(1)
        m = _LEADING_OWNER.match(t)
        if m:  # "@alice: add the alert"
            d.owner = m.group(1)
            t = t[m.end():]
        m = _OWNER_LABEL.search(t)
        if m and d.owner is None:
            d.owner = m.group(1).strip(" ,.;)]")
        # Metadata groups and a trailing due date are read; they are not part of the action.
        t = _META_GROUP.sub("", t)
        t = _TRAILING_DUE.sub("", t).strip()
        if d.owner is None:
            handles = list(_HANDLE.finditer(t))
            if handles:
                last = handles[-1]
                tail = t[last.end():].strip(" `)*_.,;")
                if not tail or heading:
                    d.owner = last.group(0)
                    head = re.sub(r"[\s`(*_]*(?:—|–|-|,)?[\s`(]*$", "", t[:last.start()])
                    if head.count("**") % 2:  # "**Add the alert** (@carol)": keep the bold closed
                        head += "**"
                    t = (head + " " + t[last.end():].lstrip(" `)*_")).strip()
        t = t.replace("~~", "")
        m = _BOLD_TITLE.match(t)
        if m and m.group("rest"):
            t = m.group("title").strip()
        t = re.sub(r"\s*\(\s*\)\s*", " ", t).strip(" -–—,;")
        if not t and d.ticket:
            t = d.ticket
        if not t or _is_placeholder(t):
            return
        d.action = t
        self.drafts.append(d)

    def _find_ticket(self, t: str, d: _Draft) -> None:
        for m in _MD_LINK.finditer(t):
            url = m.group(2)
            if _TICKET_URL.match(url) or _TICKET_KEY.fullmatch(m.group(1)) or _TICKET_HASH.fullmatch(m.group(1)):
                d.ticket, d.ticket_url = m.group(1).strip("` ") or url, url
                return
        for m in _REF_LINK.finditer(t):
            url = self.refdefs.get((m.group(2) or m.group(1)).lower())
            if url and _TICKET_URL.match(url):
                d.ticket, d.ticket_url = m.group(1), url
                return
        for m in _BARE_URL.finditer(t):
            if _TICKET_URL.match(m.group(1)):
                d.ticket = d.ticket_url = m.group(1).rstrip(".,;")
                return
        m = _TICKET_KEY.search(t) or _TICKET_HASH.search(t)
        if m:
            d.ticket = m.group(1)

    def _table(self, b: Block, lines: list[Line]) -> None:
        cols: dict[str, int] = {}
        for i, h in enumerate(b.header):
            key = _column(h)
            if key and key not in cols:
                cols[key] = i
        if "action" not in cols:
            free = [i for i in range(len(b.header)) if i not in cols.values()]
            if not free:
                return
            cols["action"] = free[0]
        for idx, cells, spans in b.rows:
            no = lines[idx].no
            if len(cells) != len(b.header):
                self.diagnostics.append(Diagnostic(
                    severity="warning", code="ragged-table-row", line=no,
                    message=f"action-item row has {len(cells)} cells, the header has {len(b.header)}; "
                            "add the missing cells or remove the extra ones"))

            def cell(key: str, cells: list[str] = cells, cols: dict[str, int] = cols) -> str | None:
                i = cols.get(key)
                v = cells[i].strip() if i is not None and i < len(cells) else ""
                if "<!--" in v:
                    v = _COMMENT.sub("", v).strip()  # invisible, as a sync's record of the last status
                return v or None

            action = cell("action")
            if not action or _is_placeholder(action):
                continue
            d = _Draft(action=action, line=no, end_line=no, owner=_clean_owner(cell("owner")),
                       due_text=_none_if_placeholder(cell("due")), status_text=_none_if_placeholder(cell("status")),
                       priority=cell("priority"), number=(cell("id") or "").strip("#") or None,
                       closed_text=_none_if_placeholder(cell("closed")), form="table",
                       cells={key: CellSpan(line=no, start=spans[i][0], end=spans[i][1])
                              for key, i in cols.items() if i < len(spans)})
            ticket = cell("ticket")
            if ticket and not _is_placeholder(ticket):
                m = _MD_LINK.search(ticket)
                d.ticket, d.ticket_url = (m.group(1), m.group(2)) if m else (ticket, None)
                if d.ticket_url is None and (u := _BARE_URL.fullmatch(ticket)):
                    d.ticket_url = u.group(1)
            else:
                self._find_ticket(action, d)
            if d.owner and _is_placeholder(d.owner):
                d.owner = None
            self.drafts.append(d)


@cache
def _column(header: str) -> str | None:
    n = normalise(header)
    return _COLUMN_LOOKUP.get(n) or _COLUMN_LOOKUP.get(n.rstrip("s"))


def _heading_items(blocks: list[Block]) -> set[int]:
    """Headings inside an action section that are items themselves (no list or table under them)."""
    out: set[int] = set()
    for pos, b in enumerate(blocks):
        if b.kind != "heading":
            continue
        nxt = next((x for x in blocks[pos + 1:] if x.kind == "heading"), None)
        under = blocks[pos + 1: blocks.index(nxt) if nxt else len(blocks)]
        if not any(x.kind in ("item", "table") for x in under):
            out.add(pos)
    return out


def _strip_trailing_ticket(t: str, d: _Draft) -> str:
    """Drop `([#11956](url))`, `<https://…/issues/89>` or `— https://…/pull/6555` at the end of an action."""
    if not d.ticket_url and not d.ticket:
        return t
    pats = [r"\s*[(\[]?\s*(?:see\s+)?" + re.escape(x) + r"\s*[)\]]?\s*\.?\s*$" for x in
            (d.ticket_url or "", f"[{d.ticket}]({d.ticket_url})" if d.ticket_url else "", f"<{d.ticket_url}>",
             f"[{d.ticket}]" if d.ticket else "")
            if x]
    for p in sorted(pats, key=len, reverse=True):
        new = re.sub(r"\s*[—–:-]?" + p, "", t)
        if new != t and new.strip():
            return new.strip()
    m = re.search(r"\s*\(\s*\[[^\]]*\]\([^)]*\)\s*\)\s*\.?$", t)
    if m and d.ticket_url and d.ticket_url in m.group(0):
        return t[:m.start()].strip()
    return t


def _clean_owner(owner: str | None) -> str | None:
    if owner is None:
        return None
    o = owner.strip().strip("`*_")
    return o or None


def _is_placeholder(text: str) -> bool:
    return is_blank_value(text, todo=False)


def _none_if_placeholder(text: str | None) -> str | None:
    return None if text is None or _is_placeholder(text) else text


def _read_due(text: str | None, incident: dt.date | None) -> dt.date | None:
    if not text:
        return None
    s = text.strip().strip("*_`")
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        pass
    r = match_date(s, 0, kinds=("iso", "mdy", "dmy", "us"))
    if r is None:
        return None
    y, m, d, _ = r
    if y is None:
        ref = incident or dt.date.today()
        # A due date without a year is the first such day on or after the incident.
        for yy in (ref.year, ref.year + 1):
            try:
                cand = dt.date(yy, m, d)
            except ValueError:
                return None
            if cand >= ref - dt.timedelta(days=7):
                return cand
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None
