"""The one model of a postmortem.

Everything Hindsight does reads a postmortem file through the parser into a
`Postmortem`. Every element carries the lines it came from (`line` and
`end_line`, 1-based and inclusive), so a linter can point at it and an editor
can change it in place.

Dates and times are timezone-aware: a time written without a zone takes the
zone the document states ("All times in PST", "Time (UTC)"), UTC by default.
In JSON they are ISO 8601 strings with an explicit offset (`+00:00`, never `Z`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from .standard import ACTION_STATUSES, CLOSED_STATUSES, SEVERITIES  # noqa: F401  (re-exported)

DateTime = Annotated[
    dt.datetime,
    PlainSerializer(lambda v: v.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """Lines of the source a part of the document came from (1-based, inclusive)."""

    line: int
    end_line: int


class Diagnostic(_Model):
    """Something the parser noticed while reading: never fatal, always located."""

    severity: Literal["error", "warning", "info"]
    code: str = Field(description="Stable kebab-case identifier, e.g. `ragged-table-row`.")
    message: str
    line: int | None = None


class Heading(_Model):
    level: int
    text: str
    kind: str | None = Field(None, description="The standard's section this heading was read as, if any.")
    line: int


class ImpactMetric(_Model):
    """One row of the Impact table, with a typed value where the standard defines one."""

    metric: str
    value: str
    key: str | None = Field(
        None,
        description="Canonical metric: duration, users_affected, requests_failed, error_rate, "
        "revenue_impact or sla_status; null for others.",
    )
    quantity: float | None = Field(None, description="The number in the value (minutes for duration).")
    unit: str | None = None
    line: int
    end_line: int


class Sla(_Model):
    status: str | None = Field(None, description="`Met`, `Breached` or the text as written.")
    target: float | None = Field(None, description="Target availability in percent.")
    actual: float | None = Field(None, description="Actual availability in percent.")
    line: int


class TimelineEvent(_Model):
    at: DateTime | None = Field(
        None, description="When it happened, resolved to a full date-time; null when the time cannot be read."
    )
    date: dt.date | None = Field(None, description="The day of the event, when known even without a time.")
    precision: Literal["date", "minute", "second"] | None = None
    time_text: str = Field(description="The time as written in the document.")
    event: str
    line: int
    end_line: int


class ContributingFactor(_Model):
    title: str
    description: str = ""
    line: int
    end_line: int


class Why(_Model):
    question: str
    answer: str = ""
    line: int
    end_line: int


class RootCause(_Model):
    what_happened: str = ""
    #: The cause as the document states it in prose ("The root cause … was …"), read when it has no
    #: Root Cause section; its line is `spans["root_cause"]`.
    statement: str = ""
    contributing_factors: list[ContributingFactor] = []
    five_whys: list[Why] = []


class Note(_Model):
    """One item of a free-form list: what went well, what could be improved, a lesson."""

    text: str
    line: int
    end_line: int


class Link(_Model):
    text: str
    url: str
    line: int


class CellSpan(_Model):
    """Where a field is written: line (1-based) and columns [start, end) of its text, for in-place edits."""

    line: int
    start: int
    end: int


class ActionItem(_Model):
    id: str = Field(description="Stable identifier: `<file stem>#<n>`, n from an ID column or the position.")
    action: str
    owner: str | None = None
    due: dt.date | None = None
    due_text: str | None = Field(None, description="The due date as written.")
    status: str | None = Field(
        None, description="TODO, IN PROGRESS, DONE or WONTFIX; the text as written when it is none of them."
    )
    status_text: str | None = Field(None, description="The status as written (`✅ DONE`, `done`, `[x]`).")
    ticket: str | None = None
    ticket_url: str | None = None
    priority: str | None = None
    closed: dt.date | None = Field(None, description="When it was closed, from a Closed column, where known.")
    form: Literal["table", "checklist", "list", "heading", "paragraph"] = "list"
    cells: dict[str, CellSpan] = Field(
        {}, description="Where each editable field is written (table cells, or a checklist's box).")
    line: int
    end_line: int

    @property
    def is_open(self) -> bool:
        """Not DONE or WONTFIX (no status, or one outside the standard's four, is open)."""
        return self.status not in CLOSED_STATUSES

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today and self.is_open


class Classification(_Model):
    """Who may read the postmortem: everyone, or only the members of its allowed groups."""

    level: str | None = Field(None, description="The classification as written (`restricted`, `public`…).")
    restricted: bool = Field(False, description="Only members of `allowed_groups` may see it. True whenever "
                                                "the classification cannot be read with certainty.")
    allowed_groups: list[str] = []
    certain: bool = Field(True, description="Written the one certain way: `classification:` in front matter.")
    line: int | None = None


class Postmortem(_Model):
    """A postmortem as read from its Markdown file."""

    path: str | None = None
    title: str | None = None
    date: dt.date | None = Field(None, description="The incident date.")
    start: DateTime | None = None
    end: DateTime | None = None
    duration_minutes: int | None = None
    duration_text: str | None = None
    timezone: str = Field("UTC", description="The zone the document's times are read in.")
    severity: str | None = None
    author: str | None = None
    status: str | None = None
    summary: str = ""
    impact: list[ImpactMetric] = []
    sla: Sla | None = None
    timeline: list[TimelineEvent] = []
    root_cause: RootCause = RootCause()
    went_well: list[Note] = []
    could_improve: list[Note] = []
    action_items: list[ActionItem] = []
    lessons: list[Note] = []
    appendix: list[Link] = []
    front_matter: dict[str, Any] = {}
    classification: Classification = Classification()
    headings: list[Heading] = []
    spans: dict[str, Span] = Field(
        {}, description="Where each scalar field and each section was read: title, date, summary, timeline…"
    )
    diagnostics: list[Diagnostic] = []

    @property
    def restricted(self) -> bool:
        """Only its `allowed_groups` may see it: restricted in front matter, or not readable with certainty."""
        return self.classification.restricted

    @property
    def open_action_items(self) -> list[ActionItem]:
        return [a for a in self.action_items if a.is_open]

    def to_json(self, *, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)


class CheckFinding(_Model):
    """A finding of `hindsight check`, as `show --format json` and the API give it."""

    path: str
    line: int
    column: int
    code: str = Field(description="The rule's code, e.g. `HS401`.")
    name: str = Field(description="The rule's kebab-case name, e.g. `blame-language`.")
    severity: Literal["error", "warning"]
    message: str
    fixable: bool = False


class PostmortemDocument(Postmortem):
    """A postmortem file as a reader is given it: the model, the file's id and version, and its findings."""

    id: str = Field(description="The file name without `.md`: what links and action-item ids use.")
    version: str = Field(description="A hash of the file's bytes; send it back with an edit, which is refused "
                                     "if the file changed since.")
    findings: list[CheckFinding] = []


def json_schema() -> dict[str, Any]:
    """The JSON Schema of what `hindsight show --format json` (and `GET /api/postmortems/{id}`) prints."""
    schema = PostmortemDocument.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://hindsight.dev/schema/postmortem.schema.json"
    return schema
