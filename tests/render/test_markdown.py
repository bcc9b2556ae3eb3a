"""Model to Markdown in the standard's template, and back."""

import datetime as dt

from hypothesis import HealthCheck, given, settings

from hindsight import parse, read, render
from hindsight.model import ActionItem, Postmortem

from ..conftest import STANDARD_EXAMPLE
from ..strategies import postmortems

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


def test_a_timeline_over_several_days_reads_back_on_its_days():
    pm = parse("# Incident: X\n\n**Date:** 2025-03-04\n\n## Timeline\n\n"
               "- 2025-03-03 09:00 Deploy\n- 2025-03-04 10:00 Alert\n- 2025-03-05 09:00 Fixed\n")
    again = parse(render(pm))
    assert [e.at for e in again.timeline] == [e.at for e in pm.timeline]
    assert [e.at.day for e in again.timeline] == [3, 4, 5]
