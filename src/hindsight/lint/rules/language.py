"""Blameless language (HS4xx): the standard's first principle."""

from __future__ import annotations

from collections.abc import Iterator

from .._types import Context, Finding
from ..rule import Rule, rule

_CAUSE_SECTIONS = {"root_cause", "what_happened", "contributing_factors", "five_whys"}


def _section_kinds(ctx: Context) -> dict[int, str | None]:
    """The standard's section kind of every line, by line number."""
    kinds: dict[int, str | None] = {}
    current: str | None = None
    heads = {h.line: h.kind for h in ctx.pm.headings}
    for ln in ctx.scan.lines:
        if ln.no in heads:
            current = heads[ln.no]
        kinds[ln.no] = current
    return kinds


@rule
class BlameLanguage(Rule):
    """Blameful phrasing: a person as the cause of a failure, or a judgement of a person.

    ## What it does
    Finds sentences that make a person the cause ("Bob forgot to update the
    pool settings", "the on-call engineer ignored the alert", "the alert was
    ignored by @jdoe") and judgement words (careless, negligent, sloppy, lazy,
    reckless, incompetent, fault, blame, fat-fingered, screwed up). It also reads
    blame from the shape of a sentence: a counterfactual about a person ("had
    Marco read the runbook…"), responsibility placed on a person ("the fault
    lies with the release manager", "Root cause: Dave."), a mistake with a
    person as its agent ("his misclick", "an oversight by the reviewer"), harm
    with a person as its subject ("the intern took down the payments API"), an
    omission told over two sentences ("We asked Lisa to verify the backups. She
    never did."), a question that presumes a failure ("Why did Tom ignore the
    alert?") and praise beside damage. Saying that a person acted is fine
    ("Alice increased the pool size", "Kim dropped the temporary table once the
    backfill finished"), and so is a counterfactual about a system ("the
    pipeline should have blocked the release"), a system described with a
    human verb ("the scheduler forgot the lock") and blame quoted to reject it
    ("it would be easy to say the engineer should have checked, but…"). Each
    finding names the phrase and suggests a system-focused rewrite.

    ## Why is this bad?
    Blame makes people hide mistakes, and the next incident's postmortem gets
    less honest. It also stops the analysis at a person instead of the system
    that let the mistake happen or made it costly.

    ## Example
    `Bob forgot to update the pool settings before the release.`

    Use instead: `The pool settings were not updated before the release; the
    release checklist does not include them and no check compares them.`

    ## Options
    `roster`: names of people on the team (so plain first names are known);
    `blame_words` and `blame_verbs`: more phrases to flag.

    ## References
    The standard, section 1 (Blameless Culture): "Focus on systems, not people".
    """

    code, name, tags = "HS401", "blame-language", ("language",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for unit, hits in zip(ctx.suspect_units, ctx.blame):
            for hit in hits:
                if hit.kind == "human-error":
                    continue  # human-error-root-cause reports these
                line, col = unit.locate(hit.start)
                phrase = " ".join(hit.phrase.split())
                what = "judges a person" if hit.kind == "judgement" else "makes a person the cause"
                yield self.finding(ctx, line, f"blameful phrasing `{phrase}` {what}; {hit.suggestion}", column=col)


@rule
class HumanErrorRootCause(Rule):
    """"Human error" given as a cause.

    ## What it does
    Finds "human error", "operator error", "user error", "mistake by …" and the
    like when they are given as a cause: in a root-cause section, next to
    "caused by", "due to", "root cause", or standing alone as an answer.
    Sentences that say human error is *not* a cause are left alone.

    ## Why is this bad?
    Human error is where the analysis should start, not end: the question is
    what in the system made the error possible and let it do harm.

    ## Example
    `Root cause: human error during the maintenance.`

    Use instead: `Root cause: the maintenance script accepted a production host
    name without confirmation.`

    ## References
    The standard, section 1: "Human error is a symptom of a deeper system
    problem, not a cause." (Sidney Dekker)
    """

    code, name, tags = "HS402", "human-error-root-cause", ("language",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        from ...language import find_human_error  # not at import: a warm `check` never reads prose

        kinds = _section_kinds(ctx)
        for unit, blame, words in zip(ctx.suspect_units, ctx.blame, ctx.words):
            first_line = unit.starts[0][1]
            in_cause = kinds.get(first_line) in _CAUSE_SECTIONS
            hits = find_human_error(unit.text, ctx.lexicon, cause_context=in_cause, words=words)
            hits += [h for h in blame if h.kind == "human-error"]
            for hit in hits:
                line, col = unit.locate(hit.start)
                yield self.finding(ctx, line, f"`{' '.join(hit.phrase.split())}` is given as a cause; "
                                              f"{hit.suggestion}", column=col)
