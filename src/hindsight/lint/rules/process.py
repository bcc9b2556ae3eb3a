"""The process in time (HS5xx): postmortems written within the standard's deadlines."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from .._types import Context, Finding
from ..rule import Rule, rule


@cache
def _first_commits(root: str) -> dict[str, dt.datetime]:
    """When each file under a git work tree was first committed (one `git log` for the whole tree)."""
    try:
        out = subprocess.run(["git", "-C", root, "log", "--diff-filter=A", "--format=@%aI", "--name-only",
                              "--no-renames"], capture_output=True, text=True, timeout=60, check=True).stdout
        top = subprocess.run(["git", "-C", root, "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, dt.datetime] = {}
    when = None
    for line in out.splitlines():
        if line.startswith("@"):
            when = dt.datetime.fromisoformat(line[1:])
        elif line.strip() and when is not None:
            # git log lists newest first: the last time a path is seen is its first commit.
            found[str((Path(top) / line.strip()).resolve())] = when
    return found


def drafted_at(ctx: Context) -> dt.datetime | None:
    """When the postmortem was drafted: `drafted` in front matter, else its first commit."""
    value = ctx.pm.front_matter.get("drafted")
    if isinstance(value, str):
        try:
            d = dt.datetime.fromisoformat(value)
            return d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)
        except ValueError:
            try:
                return dt.datetime.combine(dt.date.fromisoformat(value[:10]), dt.time(23, 59), dt.timezone.utc)
            except ValueError:
                return None
    if ctx.path in ("-", "<stdin>"):
        return None
    path = Path(ctx.path).resolve()
    return _first_commits(str(path.parent)).get(str(path))


@rule
class PostmortemOverdue(Rule):
    """A postmortem drafted later than its severity's deadline (P0: 48 hours, P1: a week, by default).

    ## What it does
    Compares the incident (its end, or its date) with when the postmortem was
    drafted: the `drafted` date in front matter (which `hindsight status set`
    records), or else the file's first commit in git. Files with neither are
    not judged.

    The deadline is the lifecycle's, the same one `hindsight status` uses:
    `[policy.<severity>] draft_hours` in configuration (counted in working days
    when `business_days = true`); a severity without `draft_hours` is not judged,
    and neither is a historical postmortem (`historical: true`, or before
    `history_before`).

    ## Why is this bad?
    Memories fade and logs rotate: the standard makes P0 and P1 postmortems
    mandatory and due within 48 hours and one week.

    ## Example
    A P0 incident on 2025-12-09 whose postmortem was first committed on 2025-12-15.

    Use instead: draft it by 2025-12-11, even if rough, and refine it in review.

    ## Options
    `policy` (`draft_hours` per severity) and `business_days`, shared with the lifecycle.

    ## References
    The standard, section 3 (Severity Classification) and section 4 (Timeline).
    """

    # A warning: lateness in the past cannot be fixed by editing the file, and must not fail CI forever.
    code, name, severity, tags, volatile = "HS501", "postmortem-overdue", "warning", ("process",), True

    def check(self, ctx: Context) -> Iterator[Finding]:
        from ...lifecycle import incident_end

        pm = ctx.pm
        policy = ctx.policy
        if ctx.historical:
            return  # written before the standard: its deadlines never applied
        hours = policy.draft_hours.get(pm.severity or "")
        incident = incident_end(pm)
        if hours is None or incident is None:
            return
        drafted = drafted_at(ctx)
        if drafted is None:
            return
        if drafted > policy.add_hours(incident, hours):
            span = pm.spans.get("severity")
            days = (drafted - incident).total_seconds() / 86400
            yield self.finding(ctx, span.line if span else 1,
                               f"a {pm.severity} postmortem is due within {hours} hours of the incident; this one "
                               f"was drafted {days:.1f} days after it ({drafted.date()})")
