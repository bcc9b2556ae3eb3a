"""Model to Markdown in the standard's template, and back."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight import parse, read, render
from hindsight.model import (
    ActionItem,
    ContributingFactor,
    ImpactMetric,
    Link,
    Note,
    Postmortem,
    RootCause,
    TimelineEvent,
    Why,
)

from ..conftest import STANDARD_EXAMPLE

UTC = dt.timezone.utc


def test_the_standards_example_renders_back_to_its_own_layout():
    original = STANDARD_EXAMPLE.read_text(encoding="utf-8")
    rendered = render(read(STANDARD_EXAMPLE))
    # Only the template's instruction to the author is not carried over.
    assert rendered == original.replace("One paragraph executive summary:\n\n", "")


def test_wrapped_lines_never_start_with_markdown_markers():
    pm = Postmortem(title="X", summary=("word " * 12 + "- 1. # > | ") * 4)
    text = render(pm)
    summary = text.split("## Summary\n\n", 1)[1].split("\n\n", 1)[0]
    assert all(not line[2:].startswith(("-", "1.", "#", ">", "|")) for line in summary.splitlines())
    assert " ".join(parse(text).summary.split()) == " ".join(pm.summary.split())


def test_pipes_in_cells_survive():
    pm = Postmortem(title="X", date=dt.date(2025, 1, 2), action_items=[
        ActionItem(id="x#1", action="Split a | b", owner="@o", status="TODO", line=1, end_line=1)])
    assert parse(render(pm)).action_items[0].action == "Split a | b"


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=9)
SENTENCE = st.lists(WORD, min_size=1, max_size=14).map(" ".join)


@st.composite
def postmortems(draw) -> Postmortem:
    date = draw(st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)))
    start = dt.datetime.combine(date, dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))), UTC)
    minutes = draw(st.integers(1, 900))
    offsets = sorted(draw(st.lists(st.integers(0, 36 * 60), max_size=8)))
    n_items = draw(st.integers(0, 6))
    with_tickets = draw(st.booleans())
    return Postmortem(
        title=draw(SENTENCE),
        date=date,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        duration_minutes=minutes,
        severity=draw(st.sampled_from(["P0", "P1", "P2", "P3"])),
        author="@" + draw(WORD),
        status=draw(st.sampled_from(["Draft", "In Review", "Published", "Complete"])),
        summary="\n\n".join(draw(st.lists(SENTENCE, min_size=1, max_size=3))),
        impact=[ImpactMetric(metric=draw(SENTENCE), value=draw(SENTENCE), line=1, end_line=1)
                for _ in range(draw(st.integers(0, 4)))],
        timeline=[TimelineEvent(at=start + dt.timedelta(minutes=o), time_text="", event=draw(SENTENCE),
                                precision="minute", line=1, end_line=1) for o in offsets],
        root_cause=RootCause(
            what_happened="\n\n".join(draw(st.lists(SENTENCE, max_size=2))),
            contributing_factors=[ContributingFactor(title=draw(SENTENCE), description=draw(SENTENCE), line=1,
                                                     end_line=1) for _ in range(draw(st.integers(0, 4)))],
            five_whys=[Why(question=f"Why {draw(SENTENCE)}?", answer=draw(SENTENCE), line=1, end_line=1)
                       for _ in range(draw(st.integers(0, 5)))],
        ),
        went_well=[Note(text=draw(SENTENCE), line=1, end_line=1) for _ in range(draw(st.integers(0, 3)))],
        could_improve=[Note(text=draw(SENTENCE), line=1, end_line=1) for _ in range(draw(st.integers(0, 3)))],
        action_items=[ActionItem(
            id=f"x#{i}", action=draw(SENTENCE), owner="@" + draw(WORD),
            due=draw(st.dates(date, date + dt.timedelta(days=400))),
            status=draw(st.sampled_from(["TODO", "IN PROGRESS", "DONE", "WONTFIX"])),
            ticket=f"{draw(st.sampled_from(['SRE', 'PLAT', 'OPS']))}-{draw(st.integers(1, 99999))}"
            if with_tickets else None, line=1, end_line=1) for i in range(n_items)],
        lessons=[Note(text=draw(SENTENCE), line=1, end_line=1) for _ in range(draw(st.integers(0, 3)))],
        appendix=[Link(text=draw(SENTENCE), url=f"https://example.com/{draw(WORD)}", line=1)
                  for _ in range(draw(st.integers(0, 3)))],
    )


def essentials(pm: Postmortem) -> dict:
    """What a reader sees: every value, none of the source positions."""
    rc = pm.root_cause
    return {
        "meta": (pm.title, pm.date, pm.start, pm.end, pm.duration_minutes, pm.severity, pm.author, pm.status),
        "summary": pm.summary,
        "impact": [(m.metric, m.value) for m in pm.impact],
        "timeline": [(e.at, e.event) for e in pm.timeline],
        "what_happened": rc.what_happened,
        "factors": [(f.title, f.description) for f in rc.contributing_factors],
        "whys": [(w.question, w.answer) for w in rc.five_whys],
        "notes": [[n.text for n in notes] for notes in (pm.went_well, pm.could_improve, pm.lessons)],
        "actions": [(a.action, a.owner, a.due, a.status, a.ticket) for a in pm.action_items],
        "appendix": [(link.text, link.url) for link in pm.appendix],
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(postmortems())
def test_parse_of_render_gives_back_the_model(pm):
    again = parse(render(pm))
    assert essentials(again) == essentials(pm)
    assert not [d for d in again.diagnostics if d.severity != "info"]
