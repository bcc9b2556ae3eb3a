"""What the sections say: summary, impact, timeline, root cause (HS2xx)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...parse.when import duration_text
from .._types import Context, Edit, Finding, Fix
from ..rule import Rule, rule


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().lower())


@rule
class SummaryTooLong(Rule):
    """The Summary is more than one paragraph or longer than the word limit.

    ## What it does
    Counts the paragraphs and words of the Summary section.

    ## Why is this bad?
    The standard asks for a one-paragraph executive summary: it is what the
    company channel and leadership read, and they stop at the first paragraph.

    ## Example
    A summary of three paragraphs retelling the timeline.

    Use instead: one paragraph saying what users saw, for how long, why, and the impact.

    ## Options
    `summary_max_words` (default 150).

    ## References
    The standard, section 2 (Summary) and section 6 (Sharing).
    """

    code, name, severity, tags = "HS201", "summary-too-long", "warning", ("content",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        summary = ctx.pm.summary
        span = ctx.pm.spans.get("summary")
        if not summary or not span:
            return
        paragraphs = [p for p in summary.split("\n\n") if p.strip()]
        words = len(summary.split())
        limit = ctx.config.get("summary_max_words")
        if len(paragraphs) > 1:
            yield self.finding(ctx, span.line, f"the summary has {len(paragraphs)} paragraphs; keep it to one")
        if words > limit:
            yield self.finding(ctx, span.line, f"the summary has {words} words, more than {limit}")


@rule
class ImpactMetricMissing(Rule):
    """A required Impact metric is missing.

    ## What it does
    Checks that the Impact table has a row for each configured metric
    (Duration, Users Affected, Requests Failed and SLA Status by default). A
    missing Duration row is filled from the Duration field (safe fix).

    ## Why is this bad?
    The monthly review compares incidents by these numbers; a missing one turns
    into a blank in every report.

    ## Example
    An Impact table with only `| Duration | 2h 15m |`.

    Use instead: rows for Users Affected, Requests Failed and SLA Status too.

    ## Options
    `required_metrics`.

    ## References
    The standard, section 2 (Impact).
    """

    code, name, tags, fixable = "HS202", "impact-metric-missing", ("content",), True

    def check(self, ctx: Context) -> Iterator[Finding]:
        span = ctx.pm.spans.get("impact")
        if span is None:
            return  # missing-section reports a missing Impact section
        # Rows still holding a placeholder value count as present: placeholder-text reports them.
        present = {_norm(m.metric) for m in ctx.pm.impact} | {m.key for m in ctx.pm.impact if m.key}
        for ln in ctx.scan.lines[span.line:span.end_line]:
            if ln.kind == "table":
                present.add(_norm(re.sub(r"[*_`]", "", ln.text.strip().strip("|").split("|")[0])))
        delim = next((ln for ln in ctx.scan.lines if ln.kind == "delim" and ln.no > span.line), None)
        for metric in ctx.config.get("required_metrics"):
            key = _norm(metric).replace(" ", "_")
            if _norm(metric) in present or key in present:
                continue
            fix = None
            if key == "duration" and ctx.pm.duration_minutes is not None and delim is not None:
                value = duration_text(ctx.pm.duration_minutes)
                fix = Fix("add the Duration row from the Duration field",
                          (Edit(delim.no + 1, 0, delim.no + 1, 0, f"| Duration | {value} |\n"),))
            yield self.finding(ctx, span.line, f"the Impact table has no `{metric}` row", fix=fix)


@rule
class SlaStatusInconsistent(Rule):
    """SLA Status contradicts its own target and actual figures.

    ## What it does
    Reads `SLA Status` as Met or Breached with its target and actual
    percentages, and reports Met when actual < target, or Breached when
    actual ≥ target.

    ## Why is this bad?
    SLA breaches are counted in the monthly review and may be owed to
    customers; a contradictory row is either a hidden breach or a false alarm.

    ## Example
    `| SLA Status | Met (target: 99.9%, actual: 99.2%) |`

    Use instead: `| SLA Status | Breached (target: 99.9%, actual: 99.2%) |`

    ## References
    The standard, section 2 (Impact).
    """

    code, name, tags = "HS203", "sla-status-inconsistent", ("content",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        sla = ctx.pm.sla
        if not sla or sla.target is None or sla.actual is None:
            return
        if sla.status == "Met" and sla.actual < sla.target:
            yield self.finding(ctx, sla.line, f"SLA Status says Met but actual {sla.actual}% is below the "
                                              f"target {sla.target}%")
        elif sla.status == "Breached" and sla.actual >= sla.target:
            yield self.finding(ctx, sla.line, f"SLA Status says Breached but actual {sla.actual}% meets the "
                                              f"target {sla.target}%")


@rule
class TimelineOrder(Rule):
    """A timeline event is earlier than the one before it.

    ## What it does
    Compares each event's resolved time with the previous one (after dates
    have advanced across midnight).

    ## Why is this bad?
    The timeline is the review meeting's first agenda item; events out of
    order hide cause and effect, and usually mean a typo in a time.

    ## Example
    ```
    | 15:50 | Started scanning images |
    | 14:30 | Initial contact with the vendor |
    ```

    Use instead: put events in the order they happened, or correct the time.

    ## References
    The standard, section 2 (Timeline) and section 4 (meeting agenda).
    """

    code, name, tags = "HS204", "timeline-order", ("timeline",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        prev = None
        for e in ctx.pm.timeline:
            if e.at is None or e.precision == "date":
                continue
            if prev is not None and e.at < prev.at:
                yield self.finding(ctx, e.line, f"`{e.time_text}` is earlier than `{prev.time_text}` on line "
                                                f"{prev.line}")
            prev = e


@rule
class TimelineWindow(Rule):
    """No timeline event at the stated start or end of the incident.

    ## What it does
    With a Duration range such as `(14:30 - 16:45 UTC)`, checks that the
    timeline has an event at 14:30 and one at 16:45.

    ## Why is this bad?
    The start and end are the incident's most important moments: detection
    time and time to resolve are measured from them.

    ## Example
    Duration `(14:30 - 16:45 UTC)` with a timeline from 14:32 to 16:00.

    Use instead: add the 14:30 alert and the 16:45 resolution to the timeline.

    ## References
    The standard, section 2 (Timeline).
    """

    code, name, severity, tags = "HS205", "timeline-window", "warning", ("timeline",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        pm = ctx.pm
        if not pm.timeline or "timeline" not in pm.spans:
            return
        times = {e.at for e in pm.timeline if e.at is not None and e.precision != "date"}
        line = pm.spans["timeline"].line
        for label, when in (("start", pm.start), ("end", pm.end)):
            if when is not None and when not in times:
                yield self.finding(ctx, line, f"no timeline event at the incident's {label}, "
                                              f"{when:%H:%M} ({pm.timezone})")


@rule
class TimelineUnparseableTime(Rule):
    """A timeline row whose time cannot be read.

    ## What it does
    Reports timeline events with no time or a time the parser cannot read
    (`[???]`, `--:--`, `2023-MM-DD`).

    ## Why is this bad?
    Such events cannot be ordered or measured; durations and time to detect
    come out wrong.

    ## Example
    `- [???] Degradation began`

    Use instead: `- [13:05] Degradation began` (an estimate is better than nothing;
    say it is one in the text).

    ## References
    The standard, section 2 (Timeline).
    """

    code, name, tags = "HS206", "timeline-unparseable-time", ("timeline",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for d in ctx.pm.diagnostics:
            if d.code in ("timeline-unreadable-time", "timeline-no-time"):
                yield self.finding(ctx, d.line, d.message)


@rule
class FiveWhysIncomplete(Rule):
    """Fewer whys than required, or a why without an answer.

    ## What it does
    Counts the question/answer pairs of the Five Whys (5 by default) and checks
    that each question has an answer.

    ## Why is this bad?
    Stopping early lands on a symptom ("the database was overloaded") instead of
    the system cause the standard asks for.

    ## Example
    Two whys, the second without an answer.

    Use instead: keep asking until the answer is something the organisation can change.

    ## Options
    `why_count` (default 5).

    ## References
    The standard, section 2 (Five Whys).
    """

    code, name, tags = "HS207", "five-whys-incomplete", ("root-cause",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        span = ctx.pm.spans.get("five_whys")
        if span is None:
            return
        whys = ctx.pm.root_cause.five_whys
        want = ctx.config.get("why_count")
        if ctx.has_placeholder(span.line, span.end_line):
            return
        if len(whys) < want:
            yield self.finding(ctx, span.line, f"the Five Whys has {len(whys)} why{'s' if len(whys) != 1 else ''}; "
                                               f"ask at least {want}")
        for w in whys:
            if not w.answer.strip():
                yield self.finding(ctx, w.line, f"`{w.question}` has no answer")


@rule
class NoContributingFactors(Rule):
    """Contributing Factors is empty.

    ## What it does
    Checks that the Contributing Factors section lists at least one factor.

    ## Why is this bad?
    Incidents have several causes; listing none leaves the review meeting's
    15 minutes on contributing factors with nothing to discuss.

    ## Example
    `### Contributing Factors` followed by nothing.

    Use instead: `1. **Missing Monitoring** — No alert on connection wait time`

    ## References
    The standard, section 2 (Root Cause Analysis) and section 4 (agenda).
    """

    code, name, tags = "HS208", "no-contributing-factors", ("root-cause",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        span = ctx.pm.spans.get("contributing_factors")
        if span is not None and not ctx.pm.root_cause.contributing_factors \
                and not ctx.has_placeholder(span.line, span.end_line):
            yield self.finding(ctx, span.line, "Contributing Factors lists no factor")


@rule
class NoLessonsLearned(Rule):
    """Lessons Learned is empty.

    ## What it does
    Checks that the Lessons Learned section says something.

    ## Why is this bad?
    Learning is the point of a postmortem; the monthly review collects lessons
    to update runbooks.

    ## Example
    `## Lessons Learned` followed by the next heading.

    Use instead: `1. Load tests must simulate realistic data volumes`

    ## References
    The standard, section 1 (Continuous Learning) and section 6 (Monthly Review).
    """

    code, name, tags = "HS209", "no-lessons-learned", ("content",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        span = ctx.pm.spans.get("lessons")
        if span is not None and not ctx.pm.lessons and not ctx.has_placeholder(span.line, span.end_line):
            yield self.finding(ctx, span.line, "Lessons Learned is empty")
