"""Hypothesis strategies shared by the property tests: generated postmortems."""

import datetime as dt

from hypothesis import strategies as st

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

UTC = dt.timezone.utc

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
