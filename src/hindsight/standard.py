"""What the organisation's postmortem standard fixes, as data (see ../shared/standard/)."""

#: Action-item statuses (section 5).
ACTION_STATUSES = ("TODO", "IN PROGRESS", "DONE", "WONTFIX")
#: The emoji the standard's template writes before each action-item status.
STATUS_EMOJI = {"TODO": "🔲", "IN PROGRESS": "🔄", "DONE": "✅", "WONTFIX": "❌"}
#: The statuses that close an action item: done, or decided against. Every other one is open.
CLOSED_STATUSES = ("DONE", "WONTFIX")
#: Severity levels of the classification table (section 3).
SEVERITIES = ("P0", "P1", "P2", "P3")
#: Document statuses of the lifecycle, in order (section 4).
DOCUMENT_STATUSES = ("Draft", "In Review", "Published", "Complete")
#: Hours from the incident to the draft postmortem, where the standard makes it mandatory (section 3).
DRAFT_DEADLINE_HOURS = {"P0": 48, "P1": 7 * 24}


def status_label(status: str | None) -> str:
    """A status as the template writes it (`✅ DONE`); any other text as it is."""
    return f"{STATUS_EMOJI[status]} {status}" if status in STATUS_EMOJI else (status or "")
