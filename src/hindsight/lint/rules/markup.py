"""Markdown that Hindsight (and every renderer) reads differently from how it looks (HS113, HS114)."""

from __future__ import annotations

from collections.abc import Iterator

from .._types import Context, Finding
from ..rule import Rule, rule


@rule
class TableMalformed(Rule):
    """A table row with more or fewer cells than its header, or rows of pipes with no delimiter row.

    ## What it does
    Reports a timeline or action-item row whose cell count differs from the
    header's, and lines that look like a table (`| a | b |`) but have no
    delimiter row (`|---|---|`) under the first, so Markdown shows them as a
    paragraph of text.

    ## Why is this bad?
    A row with a missing cell loses a field: an action item without its Status
    or Owner cell cannot be tracked or edited. A table without its delimiter row
    is not a table at all: its action items and events are not read.

    ## Example
    ```
    | Action | Owner | Due Date | Status |
    | Add alert | @sre | 2025-12-16 | TODO |
    | Write runbook | @ops |
    ```

    Use instead:
    ```
    | Action | Owner | Due Date | Status |
    |--------|-------|----------|--------|
    | Add alert | @sre | 2025-12-16 | TODO |
    | Write runbook | @ops | 2025-12-20 | TODO |
    ```

    ## References
    The standard, section 2 (the template's tables) and section 5 (Required Fields).
    """

    code, name, tags = "HS113", "table-malformed", ("structure",)
    _CODES = ("ragged-table-row", "table-without-delimiter")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for d in ctx.pm.diagnostics:
            if d.code in self._CODES:
                yield self.finding(ctx, d.line, d.message)


@rule
class FrontMatterInvalid(Rule):
    """Front matter that does not parse as YAML (`---`) or TOML (`+++`), or is not a mapping.

    ## What it does
    Reports the front-matter block at the top of a postmortem when its syntax
    is wrong, with the line the YAML or TOML reader stopped at.

    ## Why is this bad?
    Nothing in a broken block is read: not the tags and services the monthly
    review groups by, not the dates of the lifecycle, not the classification.
    A postmortem whose front matter cannot be read is treated as restricted
    (`classification-uncertain`), so it also disappears from the portal.

    ## Example
    ```
    ---
    tags: [database, deploy
    ---
    ```

    Use instead: `tags: [database, deploy]`.

    ## References
    The standard, section 2 (the document's header fields).
    """

    code, name, tags = "HS114", "front-matter-invalid", ("structure",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for d in ctx.pm.diagnostics:
            if d.code == "front-matter-invalid":
                yield self.finding(ctx, d.line, d.message)
