"""Timelines as people write them: tables, bullets, headings, zones and midnight."""

import datetime as dt
import textwrap

import pytest

from hindsight import parse


def events(body: str, head: str = "# Incident: X\n\n**Date:** 2025-12-09\n\n## Timeline\n\n"):
    pm = parse(head + textwrap.dedent(body))
    return [(e.at.isoformat() if e.at else None, e.time_text, e.event) for e in pm.timeline]


@pytest.mark.parametrize("line,time_text", [
    ("- 14:30 Alert fired", "14:30"),
    ("- [14:30] Alert fired", "14:30"),
    ("- **14:30** Alert fired", "14:30"),
    ("- `14:30` Alert fired", "14:30"),
    ("- 14:30 – Alert fired", "14:30"),
    ("- 14:30 - Alert fired", "14:30"),
    ("- 14:30: Alert fired", "14:30"),
    ("* 14:30, Alert fired", "14:30"),
    ("14:30 – Alert fired", "14:30"),
    ("- 2:30 PM: Alert fired", "2:30 PM"),
    ("- 1430: Alert fired", None),
    ("- 14:30:00 Alert fired", "14:30:00"),
])
def test_bullet_forms(line, time_text):
    got = events(line + "\n")
    assert len(got) == 1
    at, text, event = got[0]
    if time_text is None:  # four digits are a time only with a date or a zone
        assert event.endswith("Alert fired")
        return
    assert at == "2025-12-09T14:30:00+00:00"
    assert text == time_text
    assert event == "Alert fired"


def test_table_any_column_order_and_rows_without_outer_pipes():
    got = events("""
        Event | Time (UTC)
        ---|---
        Alert fired | 14:30
        Resolved | 16:45
    """)
    assert got == [("2025-12-09T14:30:00+00:00", "14:30", "Alert fired"),
                   ("2025-12-09T16:45:00+00:00", "16:45", "Resolved")]


def test_zone_labels_and_stated_zone():
    got = events("""
        All times in PST.

        - 09:00 First
        - 10:00 EDT Second
        - 11:00 UTC+1 Third
    """)
    assert [g[0] for g in got] == ["2025-12-09T09:00:00-08:00", "2025-12-09T10:00:00-04:00",
                                   "2025-12-09T11:00:00+01:00"]
    assert parse("# Incident: X\n\n**Date:** 2025-12-09\n\n## Timeline\n\nAll times in PST.\n\n- 09:00 a\n").timezone \
        == "PST"


def test_region_zone_follows_daylight_saving():
    got = events("- 2024-06-28 7:09 AM Eastern: reported\n- 2024-12-28 7:09 AM Eastern: again\n")
    assert got[0][0] == "2024-06-28T07:09:00-04:00"
    assert got[1][0] == "2024-12-28T07:09:00-05:00"


def test_crossing_midnight_advances_the_date():
    got = events("""
        | Time (UTC) | Event |
        |---|---|
        | 23:40 | Certificate expires |
        | 23:55 | Cause found |
        | 00:27 | Resolved |
    """)
    assert [g[0] for g in got] == ["2025-12-09T23:40:00+00:00", "2025-12-09T23:55:00+00:00",
                                   "2025-12-10T00:27:00+00:00"]


def test_small_disorder_is_kept_not_taken_for_midnight():
    got = events("- 15:50 later\n- 14:30 earlier, written out of order\n")
    assert [g[0] for g in got] == ["2025-12-09T15:50:00+00:00", "2025-12-09T14:30:00+00:00"]


def test_day_headings_and_full_dates():
    got = events("""
        ### 2025-12-10

        - 09:00 Next morning

        ### 2025-12-11 Thursday

        - 10:00 Day after
        - 2025-12-12 08:00 Written in full
    """)
    assert [g[0] for g in got] == ["2025-12-10T09:00:00+00:00", "2025-12-11T10:00:00+00:00",
                                   "2025-12-12T08:00:00+00:00"]


def test_one_heading_per_time_with_the_text_below():
    got = events("""
        Times in BST

        ### July 11, 2025, 12:42 PM
        Incident declared
        > a pasted alert is not part of it

        ### 12:49 PM
        PR reverted

        - and a detail bullet
    """)
    assert got == [("2025-07-11T12:42:00+01:00", "July 11, 2025, 12:42 PM", "Incident declared"),
                   ("2025-07-11T12:49:00+01:00", "12:49 PM", "PR reverted and a detail bullet")]


def test_base_date_stated_in_the_section():
    got = events("""
        Unless otherwise noted all events happened on 2019-10-21, and all times are in UTC.

        - **2019-10-20 00:55: builds started failing**
        - 01:38: site down
    """)
    assert [g[0] for g in got] == ["2019-10-20T00:55:00+00:00", "2019-10-21T01:38:00+00:00"]


def test_month_day_without_year_takes_the_nearest_year():
    got = events("- [12-05 16:21] bug introduced\n- [03-26 23:04] outage\n",
                 head="# March 26th, 2019 Outage\n\n## Timeline\n\n")
    assert [g[0] for g in got] == ["2018-12-05T16:21:00+00:00", "2019-03-26T23:04:00+00:00"]


def test_unreadable_times_are_kept_with_a_diagnostic():
    pm = parse("# Incident: X\n\n**Date:** 2025-12-09\n\n## Timeline\n\n- [???] Degradation began\n"
               "- 2023-MM-DD: token created\n")
    assert [(e.at, e.time_text, e.event) for e in pm.timeline] == [
        (None, "???", "Degradation began"), (None, "2023-MM-DD", "token created")]
    assert [d.code for d in pm.diagnostics] == ["timeline-unreadable-time"] * 2
    assert pm.diagnostics[0].line == 7


def test_date_only_rows():
    pm = parse("# Incident: X\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 2021-12-10 | Published |\n"
               "| 2021-12-10   15:40 | Became aware |\n| 2019-12-03 --:-- | Surge |\n")
    assert [(e.date, e.precision, e.time_text) for e in pm.timeline] == [
        (dt.date(2021, 12, 10), "date", "2021-12-10"),
        (dt.date(2021, 12, 10), "minute", "2021-12-10   15:40"),
        (dt.date(2019, 12, 3), "date", "2019-12-03 --:--")]


def test_times_in_code_quotes_and_appendix_are_not_events():
    got = events("""
        - 14:30 Real event

        ```
        14:31 a log line in a code block
        ## Not a heading
        ```

        > 14:32 a quoted chat message

        ## Appendix

        - 14:33 chat log line
    """)
    assert [g[2] for g in got] == ["Real event"]


def test_synonym_headings():
    for heading in ("Chronology", "Sequence of events", "Timeline of events", "Timeline (UTC)"):
        pm = parse(f"# Incident: X\n\n**Date:** 2025-12-09\n\n## {heading}\n\n- 14:30 a\n")
        assert len(pm.timeline) == 1, heading


def test_a_clock_range_is_not_a_zone_offset():
    # `15:30-17:54` is a span of time; only `T…-07:00` or `hh:mm:ss-07:00` is an offset.
    got = events("""
        - 15:30-17:54 Elevated errors
        - 2025-12-09T10:00-07:00 Paged
        - 10:00:00-07:00 Acknowledged
    """)
    assert got[0][0] == "2025-12-09T15:30:00+00:00"
    assert got[1][0] == "2025-12-09T10:00:00-07:00"
    assert got[2][0] == "2025-12-09T10:00:00-07:00"
