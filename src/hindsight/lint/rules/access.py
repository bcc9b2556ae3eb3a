"""Who may read a postmortem (HS112): the classification, read so that doubt means restricted."""

from __future__ import annotations

from collections.abc import Iterator

from .._types import Context, Finding
from ..rule import Rule, rule


@rule
class ClassificationUncertain(Rule):
    """A classification that cannot be read with certainty, so the postmortem is treated as restricted.

    ## What it does
    Reports a postmortem whose front matter does not say, the one certain way,
    who may read it: front matter that does not parse, `Classification:` in
    another case, a list or an unknown word as the value, `allowed_groups`
    without `classification: restricted`, or a classification written outside
    the front matter (a blank line before the opening `---`, a block that never
    closes, a `**Classification:**` line in the body). Hindsight treats every
    such document as restricted, shown only to its allowed groups (none, when
    they cannot be read either), until the classification is fixed.

    ## Why is this bad?
    A postmortem meant to be restricted must never become public because of a
    typo; one meant to be public must not silently disappear from the portal.
    Failing closed protects the first; this finding fixes the second.

    ## Example
    ```
    ---
    Classification: Restricted
    allowed_groups: security
    ---
    ```

    Use instead:
    ```
    ---
    classification: restricted
    allowed_groups: [security]
    ---
    ```
    or `classification: public`.

    ## References
    The standard, section 6 (Sharing & Learning: who each document is shared with).
    """

    code, name, tags = "HS112", "classification-uncertain", ("metadata", "access")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for d in ctx.pm.diagnostics:
            if d.code == "classification-uncertain":
                yield self.finding(ctx, d.line, d.message)
