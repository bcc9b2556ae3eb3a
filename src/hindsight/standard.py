"""What the organisation's postmortem standard fixes, as data (see ../shared/standard/), and the
one reading of the ways people write it: status spellings and the template's placeholders.

The parser, the linter, the editor and the shells all import these; none keeps its own copy.
"""

from __future__ import annotations

import re

#: Action-item statuses (section 5).
ACTION_STATUSES = ("TODO", "IN PROGRESS", "DONE", "WONTFIX")
#: The emoji the standard's template writes before each action-item status.
STATUS_EMOJI = {"TODO": "🔲", "IN PROGRESS": "🔄", "DONE": "✅", "WONTFIX": "❌"}
#: The statuses that close an action item: done, or decided against. Every other one is open.
CLOSED_STATUSES = ("DONE", "WONTFIX")
#: Severity levels of the classification table (section 3).
SEVERITIES = ("P0", "P1", "P2", "P3")
#: Other scales' levels and the standard's level each stands for, by default (`severity_map` in
#: configuration replaces it): SEV1 is the most severe level where SEV scales are used.
SEVERITY_MAP = {"SEV0": "P0", "SEV1": "P0", "SEV2": "P1", "SEV3": "P2", "SEV4": "P3", "SEV5": "P3",
                "Critical": "P0", "Highest": "P0", "Blocker": "P0", "High": "P1", "Major": "P1", "Medium": "P2",
                "Moderate": "P2", "Minor": "P2", "Low": "P3", "Lowest": "P3", "Trivial": "P3"}


def _scale_key(value: str) -> str:
    return re.sub(r"[\s_\-.:]+", "", value).lower()


def severity_level(value: str | None, mapping: dict[str, str] | None = None) -> str | None:
    """The standard's level (P0-P3) that a severity written on another scale stands for, by `mapping`
    (`SEV-1`, `Sev 1` and `sev1` are the same key); None when it stands for none."""
    if value is None:
        return None
    table = {_scale_key(k): v for k, v in (SEVERITY_MAP if mapping is None else mapping).items()}
    return table.get(_scale_key(value))
#: Document statuses of the lifecycle, in order (section 4).
DOCUMENT_STATUSES = ("Draft", "In Review", "Published", "Complete")
#: The audiences a postmortem is shared with (section 6), and the formats Hindsight renders for each
#: (the first is the default): the full document, a Slack summary, a brief, a status-page update.
SHARE_FORMATS = {"engineering": ("html", "pdf", "confluence"), "company": ("mrkdwn", "blocks", "preview"),
                 "leadership": ("md", "html", "pdf"), "status-page": ("md", "html")}
AUDIENCES = tuple(SHARE_FORMATS)
#: Hours from the incident to the draft postmortem, where the standard makes it mandatory (section 3).
DRAFT_DEADLINE_HOURS = {"P0": 48, "P1": 7 * 24}


def status_label(status: str | None) -> str:
    """A status as the template writes it (`✅ DONE`); any other text as it is."""
    return f"{STATUS_EMOJI[status]} {status}" if status in STATUS_EMOJI else (status or "")


# -- how people write an action item's status ------------------------------------------------------

#: Every spelling read as one of the standard's four statuses (lower case; emoji as they are).
STATUS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "TODO": ("todo", "to do", "to-do", "open", "not started", "planned", "new", "backlog", "🔲", "⬜",
             "☐", "[ ]", "not done"),
    "IN PROGRESS": ("in progress", "in-progress", "inprogress", "wip", "doing", "ongoing", "started", "underway",
                    "work in progress", "🔄", "🚧", "⏳", "in review"),
    "DONE": ("done", "complete", "completed", "closed", "fixed", "resolved", "finished", "shipped", "merged",
             "✅", "✔", "✔️", "☑", "☑️", "[x]", "implemented", "deployed"),
    "WONTFIX": ("wontfix", "won't fix", "wont fix", "won't do", "will not fix", "will not do", "cancelled",
                "canceled", "declined", "rejected", "dropped", "obsolete", "❌", "✖", "⛔"),
}
_STATUS_LOOKUP = {w: s for s, words in STATUS_SPELLINGS.items() for w in words}
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200d]+")
_MARKS = (("✅", "DONE"), ("🔄", "IN PROGRESS"), ("🔲", "TODO"), ("❌", "WONTFIX"), ("🚧", "IN PROGRESS"))


def read_status(text: str | None) -> str | None:
    """`✅ DONE`, `Done`, `[x]`, `🔄 In progress`, `won't fix` as one of the standard's four.

    Text that is none of them comes back as written (stripped); empty text is None.
    """
    if text is None:
        return None
    raw = text.strip()
    if not raw:
        return None
    t = raw.lower().replace("’", "'").strip(" .*_`")
    if t in _STATUS_LOOKUP:
        return _STATUS_LOOKUP[t]
    bare = _EMOJI.sub("", t).strip(" .*_`")
    if bare in _STATUS_LOOKUP:
        return _STATUS_LOOKUP[bare]
    if not bare:
        for emoji, status in _MARKS:
            if emoji in t:
                return status
    return raw


def is_open_status(status: str | None) -> bool:
    """An item with this (read) status is open: not DONE or WONTFIX (no status, or another text, is open)."""
    return status not in CLOSED_STATUSES


# -- the template's placeholders ---------------------------------------------------------------------

#: A `[TODO: …]` or `[TBD]` marker (any case): the part is not written yet. A link whose words are
#: "TODO" (`[TODO](https://…)`) is a link, not a marker.
TODO_MARKER = re.compile(r"\[(?:TODO|TBD)\b[^\]\n]*(?:\](?!\()|$)", re.I | re.M)
#: The template's own placeholder text: its title and its instruction line.
TEMPLATE_TEXT = ("[Brief Title]", "One paragraph executive summary:")
#: Any placeholder left in a document: a marker or the template's text (what `placeholder-text` reports).
PLACEHOLDER = re.compile("|".join([*(re.escape(t) for t in TEMPLATE_TEXT), TODO_MARKER.pattern]), re.I)
# A metadata value that says nothing (`TBD`, `?`, `—`). `TODO` is one too, except as an action's status.
_BLANK = re.compile(r"\s*(?:TBD|TBC|N/?A|\?+|-+|—)\s*", re.I)
_BLANK_OR_TODO = re.compile(r"\s*(?:TBD|TBC|TODO|N/?A|\?+|-+|—)\s*", re.I)


def is_placeholder(text: str | None) -> bool:
    """Text holding a `[TODO: …]` marker is not written yet: the parser keeps it out of the model."""
    return bool(text) and TODO_MARKER.search(text) is not None


def placeholders(text: str) -> list[re.Match[str]]:
    """Every placeholder in a line: markers and the template's own text."""
    return list(PLACEHOLDER.finditer(text)) if text else []


def is_blank_value(text: str | None, *, todo: bool = True) -> bool:
    """A field's value that says nothing: a placeholder, `TBD`, `N/A`, `?`, `—` (and `TODO` unless `todo=False`)."""
    if not text or not text.strip():
        return True
    return is_placeholder(text) or (_BLANK_OR_TODO if todo else _BLANK).fullmatch(text) is not None
