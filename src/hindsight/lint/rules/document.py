"""The document as a whole: its file name, title, sections and metadata (HS1xx)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ...parse.sections import classify_text
from ...parse.when import duration_text, find_range, parse_duration
from ...standard import placeholders, severity_level
from .._types import Context, Edit, Finding, Fix
from ..rule import Rule, rule

_FILENAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
_METADATA = ("date", "duration", "severity", "author", "status")


@cache
def _absolute(folder: Path) -> str:
    return os.path.join(os.path.realpath(folder), "")


def _inside(path: Path, folder: Path) -> bool:
    return os.path.realpath(path).startswith(_absolute(folder))


@rule
class FilenameConvention(Rule):
    """Postmortem file not named `YYYY-MM-DD-kebab-title.md` or not under the incidents folder.

    ## What it does
    Checks that the file name is the incident date followed by a lower-case,
    hyphenated title, and that the file lives under the configured incidents
    folder (`docs/incidents` by default).

    ## Why is this bad?
    The standard stores every postmortem at `docs/incidents/YYYY-MM-DD-incident-title.md`.
    Tools, people and links find postmortems by that name; a file elsewhere or
    named otherwise is missed by the monthly review.

    ## Example
    `docs/Postmortem DB pool.md`

    Use instead: `docs/incidents/2025-12-09-db-connection-pool-exhaustion.md`

    ## References
    The standard, section 2 (Postmortem Template).
    """

    code, name, tags = "HS101", "filename-convention", ("structure",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.path in ("-", "<stdin>"):
            return
        p = Path(ctx.path)
        if not _FILENAME.match(p.name):
            yield self.finding(ctx, 1, f"file name `{p.name}` is not `YYYY-MM-DD-kebab-title.md`")
        if not ctx.config.in_project or not _inside(p, ctx.config.root):
            return  # a file checked from outside any project has no incidents folder to be in
        if not _inside(p, ctx.config.incidents_dir):
            yield self.finding(ctx, 1, f"file is not under the incidents folder `{ctx.config.get('incidents_dir')}`")


@rule
class TitleFormat(Rule):
    """The first heading is not `# Incident: <title>`.

    ## What it does
    Checks that the document opens with a level-1 heading of the form
    `# Incident: <brief title>`.

    ## Why is this bad?
    The standard's template starts every postmortem this way, so that lists,
    search results and shared summaries show a consistent, recognisable title.

    ## Example
    `## DB outage`

    Use instead: `# Incident: Database connection pool exhaustion`

    ## References
    The standard, section 2 (Postmortem Template).
    """

    code, name, tags = "HS102", "title-format", ("structure",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        heads = [ln for ln in ctx.scan.lines if ln.kind == "heading"]
        h1 = heads[0] if heads else None
        if h1 is None:
            yield self.finding(ctx, 1, "the document has no title; start it with `# Incident: <title>`")
        elif h1.level != 1 or not re.match(r"^Incident:\s+\S", h1.content):
            yield self.finding(ctx, h1.no, f"the title `{h1.text.strip()}` is not `# Incident: <title>`")


@rule
class MissingSection(Rule):
    """A section the standard requires is absent.

    ## What it does
    Checks that every required section is present: Summary, Impact, Timeline,
    Root Cause Analysis with What Happened, Contributing Factors and Five
    Whys, What Went Well, What Could Be Improved, Action Items and Lessons
    Learned. Headings are recognised by their common synonyms too.

    ## Why is this bad?
    A postmortem without a timeline, root cause or action items cannot teach
    anything or be followed up; reviewers miss the gap.

    ## Example
    A postmortem with `## Summary`, `## Timeline` and nothing else.

    Use instead: every section of the standard's template (`hindsight new` writes them).

    ## Options
    `required_sections`: the list of section names (default: the standard's).

    ## References
    The standard, section 2 (Postmortem Template).
    """

    code, name, tags = "HS103", "missing-section", ("structure",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        kinds = {h.kind for h in ctx.pm.headings if h.kind}
        for section in ctx.config.get("required_sections"):
            kind = classify_text(section)
            if kind == "what_went_wrong":
                kind = "could_improve"
            if kind and kind not in kinds and not (kind == "what_happened" and ctx.pm.root_cause.what_happened):
                yield self.finding(ctx, 1, f"the `{section}` section is missing; add `## {section}`")


@rule
class EmptySection(Rule):
    """A section heading with nothing under it.

    ## What it does
    Finds headings followed directly by the next heading (or the end of the
    file) with no text, list, table or sub-section in between.

    ## Why is this bad?
    An empty section looks complete in a table of contents but says nothing; it
    usually means the postmortem was published before it was finished.

    ## Example
    ```
    ## Lessons Learned

    ## Appendix
    ```

    Use instead: write the lessons, or remove the heading if the section is optional.

    ## References
    The standard, section 2 (Postmortem Template).
    """

    code, name, tags = "HS104", "empty-section", ("structure",)
    # These have their own rules, with a more specific message.
    _OWN_RULE = {"contributing_factors", "lessons"}

    def check(self, ctx: Context) -> Iterator[Finding]:
        lines = ctx.scan.lines
        heads = [i for i, ln in enumerate(lines) if ln.kind == "heading"]
        kinds = {h.line: h.kind for h in ctx.pm.headings}
        for pos, idx in enumerate(heads):
            ln = lines[idx]
            nxt = heads[pos + 1] if pos + 1 < len(heads) else len(lines)
            has_children = nxt < len(lines) and lines[nxt].level > ln.level
            if (pos == 0 and ln.level == 1) or has_children or kinds.get(ln.no) in self._OWN_RULE:
                continue
            if not any(b.kind not in ("blank", "hr", "comment") for b in lines[idx + 1:nxt]):
                yield self.finding(ctx, ln.no, f"the section `{ln.content}` is empty")


@rule
class PlaceholderText(Rule):
    """Template text left in place.

    ## What it does
    Finds the template's placeholders: `[Brief Title]`, the instruction
    `One paragraph executive summary:`, and the `[TODO: …]` markers that
    `hindsight new` writes.

    ## Why is this bad?
    A placeholder in a published postmortem means a part was never written,
    and readers stop trusting the document.

    ## Example
    `# Incident: [Brief Title]`

    Use instead: `# Incident: Database connection pool exhaustion`

    ## References
    The standard, section 2 (Postmortem Template).
    """

    code, name, tags = "HS105", "placeholder-text", ("structure",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for ln in ctx.scan.lines:
            if ln.kind in ("code", "fence", "comment", "front", "blank") or \
                    ("[" not in ln.text and "executive summary" not in ln.text):
                continue
            for m in placeholders(ln.text):
                yield self.finding(ctx, ln.no, f"template placeholder `{m.group(0)}` left in place; write the "
                                               "real content", column=m.start() + 1)


@rule
class MissingMetadata(Rule):
    """Date, Duration, Severity, Author or Status is missing.

    ## What it does
    Checks for the metadata lines under the title: `**Date:**`, `**Duration:**`,
    `**Severity:**`, `**Author:**` and `**Status:**` (front matter keys count too).

    ## Why is this bad?
    Deadlines, the monthly review and the action-item tracker all work from
    these fields; without them a postmortem drops out of every report.

    ## Example
    A postmortem with only `**Date:** 2025-12-09`.

    Use instead:
    ```
    **Date:** 2025-12-09
    **Duration:** 2 hours 15 minutes (14:30 - 16:45 UTC)
    **Severity:** P1
    **Author:** @incident-commander
    **Status:** Draft
    ```

    ## References
    The standard, section 2 (Postmortem Template).
    """

    code, name, tags = "HS106", "missing-metadata", ("metadata",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        line = ctx.pm.spans["title"].line if "title" in ctx.pm.spans else 1
        for field in _METADATA:
            if field not in ctx.pm.spans:
                yield self.finding(ctx, line, f"`**{field.title()}:**` is missing; add it under the title")


@rule
class InvalidSeverity(Rule):
    """Severity is not one of the configured levels.

    ## What it does
    Checks that Severity is one of the configured levels (P0, P1, P2, P3 by default).
    A level of another scale (`SEV1`, `Sev-2`, `Critical`) is reported with a fix
    to the level `severity_map` says it stands for; the fix is safe when the
    mapping is your own configuration, and needs `--unsafe-fixes` when it is the
    default one (scales differ between organisations).

    ## Why is this bad?
    Severity decides whether a postmortem is mandatory and how soon it is due;
    an unknown level escapes both, and a level read as another (SEV1 as P1)
    sets the wrong deadline.

    ## Example
    `**Severity:** SEV1`

    Use instead: `**Severity:** P0`

    ## Options
    `severity_levels`: the allowed levels. `severity_map`: other scales' levels
    and the allowed level each stands for.

    ## References
    The standard, section 3 (Severity Classification).
    """

    code, name, tags = "HS107", "invalid-severity", ("metadata",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        levels = ctx.config.get("severity_levels")
        sev = ctx.pm.severity
        if sev is None or sev in levels:
            return
        span = ctx.pm.spans.get("severity")
        line = span.line if span else 1
        level = severity_level(sev, ctx.config.get("severity_map"))
        raw = ctx.lines[line - 1] if 0 < line <= len(ctx.lines) else ""
        col = raw.find(sev)
        if level not in levels or col < 0:
            yield self.finding(ctx, line, f"severity `{sev}` is not one of {', '.join(levels)}")
            return
        own = "severity_map" in ctx.config.values
        fix = Fix(f"write the severity as `{level}`", (Edit(line, col, line, col + len(sev), level),), safe=own)
        yield self.finding(ctx, line, f"severity `{sev}` is on another scale than {', '.join(levels)}; "
                                      f"{'your' if own else 'the default'} `severity_map` reads it as {level}",
                           fix=fix, column=col + 1)


@rule
class InvalidStatus(Rule):
    """Document status is not a step of the lifecycle.

    ## What it does
    Checks that Status is one of the lifecycle statuses (Draft, In Review,
    Published, Complete by default). A status in the wrong case is fixed.

    ## Why is this bad?
    Deadline tracking follows the status; an unknown status leaves the
    postmortem in no phase at all.

    ## Example
    `**Status:** done`

    Use instead: `**Status:** Complete`

    ## Options
    `statuses`: the lifecycle, in order.

    ## References
    The standard, section 4 (Postmortem Process).
    """

    code, name, tags, fixable = "HS108", "invalid-status", ("metadata",), True

    def check(self, ctx: Context) -> Iterator[Finding]:
        statuses = ctx.config.get("statuses")
        status = ctx.pm.status
        if status is None or status in statuses:
            return
        span = ctx.pm.spans.get("status")
        line = span.line if span else 1
        fix = None
        canon = next((s for s in statuses if s.lower() == status.lower().replace("-", " ")), None)
        raw = ctx.lines[line - 1] if 0 < line <= len(ctx.lines) else ""
        col = raw.find(status)
        if canon and col >= 0:
            fix = Fix(f"write the status as `{canon}`", (Edit(line, col, line, col + len(status), canon),))
        yield self.finding(ctx, line, f"status `{status}` is not one of {', '.join(statuses)}", fix=fix,
                           column=col + 1 if col >= 0 else 1)


@rule
class InvalidDate(Rule):
    """A date, time or duration that cannot be read.

    ## What it does
    Reports the Date field, the Duration and action-item due dates that the
    parser could not read.

    ## Why is this bad?
    An unreadable date silently removes the postmortem from deadlines, overdue
    checks and the monthly review.

    ## Example
    `**Date:** 9th of Dec` or `| Add alert | @sre | soon | 🔲 TODO |`

    Use instead: `**Date:** 2025-12-09`, due `2025-12-16`.

    ## References
    The standard, sections 2 and 5.
    """

    code, name, tags = "HS109", "invalid-date", ("metadata",)
    _CODES = {"unreadable-date", "unreadable-duration", "action-item-unreadable-due"}

    def check(self, ctx: Context) -> Iterator[Finding]:
        for d in ctx.pm.diagnostics:
            if d.code in self._CODES:
                yield self.finding(ctx, d.line, d.message)


@rule
class DateMismatch(Rule):
    """The file name's date differs from the Date field.

    ## What it does
    Compares the `YYYY-MM-DD` at the start of the file name with `**Date:**`.

    ## Why is this bad?
    One of them is wrong, and tools that sort by either will disagree about
    which month the incident belongs to.

    ## Example
    `2025-12-10-db-pool.md` with `**Date:** 2025-12-09`

    Use instead: rename the file or correct the date so they agree.

    ## References
    The standard, section 2.
    """

    code, name, tags = "HS110", "date-mismatch", ("metadata",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        m = _FILENAME.match(Path(ctx.path).name) or re.match(r"^(\d{4})-(\d{2})-(\d{2})", Path(ctx.path).name)
        span = ctx.pm.spans.get("date")
        if not m or not span or ctx.pm.date is None:
            return
        written = "-".join(m.groups()[:3])
        if written != ctx.pm.date.isoformat():
            yield self.finding(ctx, span.line, f"the file name says {written} but the Date field says "
                                               f"{ctx.pm.date.isoformat()}")


@rule
class DurationMismatch(Rule):
    """The stated duration disagrees with its own range or with the Impact table.

    ## What it does
    Compares the Duration's length (`2 hours 15 minutes`) with its range
    (`14:30 - 16:45`), and the metadata's duration with the Impact table's
    Duration row. The Impact row is fixed from the metadata (safe); the length
    is recomputed from the range only with `--unsafe-fixes`.

    ## Why is this bad?
    Readers quote whichever number they see first; the monthly review adds up
    durations and would add up the wrong one.

    ## Example
    `**Duration:** 3 hours (14:30 - 16:45 UTC)`

    Use instead: `**Duration:** 2 hours 15 minutes (14:30 - 16:45 UTC)`

    ## References
    The standard, section 2.
    """

    code, name, tags, fixable = "HS111", "duration-mismatch", ("metadata",), True

    def check(self, ctx: Context) -> Iterator[Finding]:
        pm = ctx.pm
        span = pm.spans.get("duration")
        if pm.duration_text and span:
            stated = parse_duration(pm.duration_text)
            rng = find_range(pm.duration_text)
            if stated is not None and rng and pm.start and pm.end:
                actual = round((pm.end - pm.start).total_seconds() / 60)
                if abs(actual - stated) > 1:
                    raw = ctx.lines[span.line - 1]
                    head = pm.duration_text.split("(", 1)[0].rstrip()
                    col = raw.find(head)
                    fix = Fix(f"write the duration as {duration_text(actual)}",
                              (Edit(span.line, col, span.line, col + len(head), duration_text(actual)),),
                              safe=False) if col >= 0 else None
                    yield self.finding(ctx, span.line, f"duration `{head}` is {stated} min but its range "
                                                       f"{pm.start:%H:%M}-{pm.end:%H:%M} is {actual} min", fix=fix)
        if pm.duration_minutes is None:
            return
        for m in pm.impact:
            if m.key == "duration" and m.quantity is not None and abs(m.quantity - pm.duration_minutes) > 1:
                raw = ctx.lines[m.line - 1]
                col = raw.find(m.value, raw.find("|", raw.find(m.metric)))
                want = duration_text(pm.duration_minutes)
                fix = Fix(f"write the Impact duration as {want}", (Edit(m.line, col, m.line, col + len(m.value),
                                                                        want),)) if col >= 0 else None
                yield self.finding(ctx, m.line, f"the Impact table says {m.value} but the Duration field says "
                                                f"{pm.duration_minutes} min", fix=fix)
