"""Markdown that Hindsight (and every renderer) reads differently from how it looks (HS113-HS115)."""

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


@rule
class FenceUnclosed(Rule):
    """A code block (```` ``` ```` or `~~~`) that is opened and never closed.

    ## What it does
    Reports the line of a code fence that has no closing fence, when text
    follows it.

    ## Why is this bad?
    Markdown shows everything after an unclosed fence as code, to the end of
    the file: the sections, timeline and action items below it are neither
    rendered nor read, so the action items are not tracked and the linter
    cannot check them.

    ## Example
    ````
    ```
    kubectl rollout undo deploy/api

    ## Action Items
    ````

    Use instead: close the block with ```` ``` ```` after its last line.

    ## References
    CommonMark, "Fenced code blocks": an unclosed fence runs to the end of the document.
    """

    code, name, tags = "HS115", "fence-unclosed", ("structure",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for d in ctx.pm.diagnostics:
            if d.code == "unclosed-fence":
                yield self.finding(ctx, d.line, d.message)
