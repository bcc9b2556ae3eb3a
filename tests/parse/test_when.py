"""Durations, dates in prose and zones."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hindsight import parse
from hindsight.parse.when import duration_text, find_date, parse_duration


@pytest.mark.parametrize("text,minutes", [
    ("2 hours 15 minutes (14:30 - 16:45 UTC)", 135), ("2h 15m", 135), ("~1hr", 60), ("27 minutes", 27),
    ("seven days", 7 * 24 * 60), ("1 hour and 31 minutes", 91), ("90 min", 90), ("1.5 hours", 90),
    ("half an hour", 30), ("no idea", None),
])
def test_durations(text, minutes):
    assert parse_duration(text) == minutes


def test_duration_from_a_range_alone_and_across_midnight():
    pm = parse("# Incident: X\n\n**Date:** 2026-01-14\n**Duration:** 23:40 - 00:27 UTC\n")
    assert pm.duration_minutes == 47
    assert pm.end == dt.datetime(2026, 1, 15, 0, 27, tzinfo=dt.timezone.utc)


def test_duration_disagreeing_with_its_range_keeps_what_is_written():
    pm = parse("# Incident: X\n\n**Date:** 2025-12-09\n**Duration:** 3 hours (14:30 - 16:45 UTC)\n")
    assert pm.duration_minutes == 180 and (pm.end - pm.start).seconds == 135 * 60


@pytest.mark.parametrize("text,date", [
    ("On Friday 29 November 2019, we scaled", dt.date(2019, 11, 29)),
    ("On 31st July 2018 a researcher", dt.date(2018, 7, 31)),
    ("On Tuesday, December 13th, 2022 at 18:52", dt.date(2022, 12, 13)),
    ("DNS Outage on 2023-01-25", dt.date(2023, 1, 25)),
    ("we may 2022 reconsider", None),
    ("version 2.3.1 was released", None),
])
def test_dates_in_prose(text, date):
    found = find_date(text)
    assert (found[0] if found else None) == date


def test_incident_date_sources_in_order():
    # The Date field wins over the title and the summary.
    assert parse("# Incident on 2020-01-01\n\n**Date:** 2021-02-02\n").date == dt.date(2021, 2, 2)
    # Then the title, then the summary's first date.
    assert parse("# Outage of 2020-01-01\n\n## Summary\n\nOn 2020-03-03 it broke.\n").date == dt.date(2020, 1, 1)
    assert parse("# Outage\n\n## Summary\n\nOn March 3, 2020 it broke.\n").date == dt.date(2020, 3, 3)
    # A blog post's front-matter date is its publication date: the timeline's first day comes first.
    pm = parse("---\ndate: 2023-12-04\n---\n# Report\n\n## Timeline\n\n**Date: 2023-11-22**\n\n- 08:42 created\n")
    assert pm.date == dt.date(2023, 11, 22)
    assert parse("# X\n", path="docs/incidents/2024-05-06-x.md").date == dt.date(2024, 5, 6)


def test_severity_and_metadata_forms():
    pm = parse("# Incident: X\n\n- **Date**: 2020-04-08\n- **Authors**: Lukas, Dani\n\nSeverity: SEV-1\n")
    # Another scale is kept as written: the linter says it is not the standard's, and what it maps to.
    assert (pm.date, pm.author, pm.severity) == (dt.date(2020, 4, 8), "Lukas, Dani", "SEV-1")
    assert parse("**Severity:** P1 (High)\n").severity == "P1"


@given(st.integers(min_value=0, max_value=60 * 24 * 30), st.booleans())
def test_durations_written_by_hindsight_read_back_the_same(minutes, long):
    assert parse_duration(duration_text(minutes, long=long)) == minutes
