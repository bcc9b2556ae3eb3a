"""The 36 real postmortems in ../shared/corpus/real, read as a careful person would.

Each expectation was written by reading the document: its title, the incident
date, how many timeline events it has with the first and last resolved, and
how many action items. Prose-only documents have no timeline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
from markdown_it import MarkdownIt

from hindsight import read
from hindsight.parse.scan import scan

from ..conftest import STANDARD_EXAMPLE


class E(NamedTuple):
    title: str | None
    date: str | None
    events: int
    first: str | None
    last: str | None
    actions: int


EXPECTED = {
    "01": E("A List of Post-mortems!", None, 0, None, None, 0),  # a list of links, not a postmortem
    "02": E("Kubernetes network infrastructure IP starvation", "2019-11-29", 14, "2019-11-29T12:00:00+01:00",
            "2019-12-05T12:00:00+01:00", 4),
    "03": E("Log4Shell investigations", "2021-12-10", 26, "2021-12-10T00:00:00+00:00", "2022-01-04T11:03:00+00:00", 6),
    "04": E("Total node failure", "2023-02-13", 16, "2023-02-13T07:30:00+00:00", "2023-02-14T11:59:00+00:00", 6),
    "05": E("Kube state metrics exposing wrong labels", "2024-06-06", 7, "2024-06-06T11:27:00+00:00",
            "2024-06-07T09:41:00+00:00", 2),
    "06": E("January 23rd, 2019 Prow Outage", "2019-01-23", 11, "2019-01-22T14:54:00-08:00",
            "2019-01-23T08:36:00-08:00", 2),
    "07": E("February 5th, 2019 Partial Prow Outage", "2019-02-05", 12, "2019-02-05T08:47:00-08:00",
            "2019-02-05T14:31:00-08:00", 1),
    "08": E("March 26th, 2019 Boskos Outage", "2019-03-26", 10, "2018-12-05T16:21:00-07:00",
            "2019-03-27T08:10:00-07:00", 3),
    "09": E("May 30th, 2019 Prow Flakiness", "2019-05-30", 11, None, "2019-05-31T07:00:00-07:00", 2),
    "10": E("Minority split 2021-08-27 post mortem", "2021-08-27", 4, "2021-08-17T00:00:00+00:00",
            "2021-08-27T00:00:00+00:00", 0),
    "11": E("Self-Destruct Inflation Vulnerability Postmortem", "2022-02-02", 17, "2022-02-02T16:25:00+00:00",
            "2022-02-06T02:50:00+00:00", 11),
    "12": E("Retrospective: OP Drop #1", "2022-05-31", 48, "2022-05-31T00:00:00-08:00", "2022-05-31T17:57:00-08:00",
            11),
    "13": E("[Public] 4/26 Transaction Delays Post-Mortem", "2023-04-26", 0, None, None, 2),
    "14": E("docs.rs outage postmortem", "2019-10-21", 13, "2019-10-20T00:55:00+00:00", "2019-10-21T19:27:00+00:00",
            4),
    "15": E("crates.io incident report for 2020-02-20", "2020-02-20", 17, "2020-02-20T21:17:00+00:00",
            "2020-02-21T14:10:00+00:00", 5),
    "16": E("DNS Outage on 2023-01-25", "2023-01-25", 0, None, None, 0),
    "17": E("crates.io Postmortem: Broken Crate Downloads", "2023-07-20", 16, "2023-07-19T12:32:00+00:00",
            "2023-07-20T14:10:00+00:00", 3),
    "18": E("Rustup 1.24.0 release incident report for 2021-04-27", "2021-04-27", 0, None, None, 2),
    "19": E("Incident Report: Leaked GitHub Personal Access Token", "2024-06-28", 6, None,
            "2024-06-28T07:26:00-04:00", 0),
    "20": E("Incident Report: Organizations Team privileges", "2025-04-14", 8, "2025-04-14T16:37:00+00:00",
            "2025-04-14T19:06:00+00:00", 0),
    "21": E("Incident Report: User Account Takeover", "2023-11-22", 10, "2023-11-22T08:42:33+00:00",
            "2023-11-22T15:53:00+00:00", 0),
    "22": E("Security Incident Disclosure", "2018-07-31", 0, None, None, 4),
    "23": E("Security Incident Disclosure", "2021-04-18", 0, None, None, 5),
    "24": E("Global Outage: 504 Timeouts", "2022-12-13", 16, "2022-12-13T18:53:00+00:00", "2022-12-13T19:16:00+00:00",
            3),
    "25": E("The Queues ☃️ down in Queueville", "2022-12-20", 12, "2022-12-20T13:00:00+00:00",
            "2022-12-20T18:18:00+00:00", 0),
    "26": E("Fritz Timeouts", "2023-01-07", 0, None, None, 4),
    "27": E("Security incident: Redis cache exposed to public internet", "2023-07-16", 7, "2023-07-09T19:16:00+00:00",
            "2023-07-16T13:02:00+00:00", 9),
    "28": E("2020-08-28 - Memory overload on WER cluster", "2020-08-28", 6, "2020-08-28T20:52:00+05:30",
            "2020-08-28T21:46:00+05:30", 5),
    "29": E("2023-02-01 Heavy use of dask-gateway induced critical pod evictions", "2023-02-01", 1,
            "2023-02-01T00:00:00+01:00", "2023-02-01T00:00:00+01:00", 5),
    "30": E("Incident report July 11 2025 - CloudBank health check fail plus GroupExporter pod restarts", "2025-07-11",
            15, "2025-07-11T12:42:00+01:00", "2025-07-14T11:20:00+01:00", 2),
    "31": E("Incident report August 12 2025 - LEAP hub outage", "2025-08-12", 17, "2025-08-12T17:00:00+01:00",
            "2025-08-12T21:16:00+01:00", 5),
    "32": E("Post-mortem: Downtime on November 11, 2018", "2018-11-11", 0, None, None, 1),
    "33": E("Post-mortem: Downtime on November 30, 2022", "2022-11-30", 5, "2022-11-30T09:49:00+00:00",
            "2022-11-30T10:03:00+00:00", 2),
    "34": E("Post-Mortem: Severe Service Degradation on April 8, 2020", "2020-04-08", 11, "2020-04-08T11:11:00+00:00",
            "2020-04-08T13:11:00+00:00", 2),
    "35": E("August 12, 2016 incident report", "2016-08-12", 0, None, None, 5),
    "36": E("Incident Report: Phishing Attack", "2025-07-26", 20, "2025-07-26T13:14:00-04:00",
            "2025-07-28T12:54:00-04:00", 0),
}

SHOW_KEYS = {"path", "title", "date", "start", "end", "duration_minutes", "severity", "author", "status", "summary",
             "impact", "timeline", "root_cause", "went_well", "could_improve", "action_items", "lessons", "appendix",
             "front_matter", "headings", "diagnostics"}


def _files(corpus: Path) -> dict[str, Path]:
    return {p.name[:2]: p for p in sorted(corpus.glob("[0-9][0-9]-*.md"))}


def test_the_corpus_is_complete(real_corpus):
    assert sorted(_files(real_corpus)) == sorted(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_read_as_a_careful_reader_would(real_corpus, key):
    path = _files(real_corpus)[key]
    pm = read(path)
    exp = EXPECTED[key]
    first = pm.timeline[0].at.isoformat() if pm.timeline and pm.timeline[0].at else None
    last = pm.timeline[-1].at.isoformat() if pm.timeline and pm.timeline[-1].at else None
    got = E(pm.title, pm.date.isoformat() if pm.date else None, len(pm.timeline), first, last, len(pm.action_items))
    assert got == exp
    data = json.loads(pm.to_json())
    assert set(data) >= SHOW_KEYS
    assert not [d for d in pm.diagnostics if d.severity == "error"]


def test_details_a_reader_would_notice(real_corpus):
    f = _files(real_corpus)
    pm = read(f["36"])  # dual EDT/UTC times under weekday date headings
    assert pm.timeline[5].time_text == "20:07 EDT (00:07 UTC)"
    assert pm.timeline[5].event.startswith("The volunteer PyPI Admin shares findings")
    assert pm.timeline[6].at.isoformat() == "2025-07-27T06:34:00-04:00"
    pm = read(f["21"])  # seconds, and a bold **Date:** line inside the timeline
    assert pm.timeline[0].precision == "second"
    pm = read(f["09"])  # [???] and a night that crosses midnight
    assert pm.timeline[0].time_text == "???" and pm.timeline[0].at is None
    assert pm.timeline[-2].at.isoformat() == "2019-05-30T23:55:00-07:00"
    pm = read(f["27"])  # CRLF, a 3-column timeline, action table with Expected Date and Status
    assert [a.status for a in pm.action_items].count("DONE") == 2
    assert pm.action_items[0].due.isoformat() == "2023-07-16"
    pm = read(f["31"])  # checked and unchecked boxes, two timelines
    assert [a.status for a in pm.action_items] == ["TODO", "TODO", "TODO", "DONE", "DONE"]
    pm = read(f["17"])  # five whys as nested bullets with bold questions
    assert pm.root_cause.five_whys[0].question == "Why were the redirect URLs broken?"
    assert pm.root_cause.five_whys[0].answer.startswith("There was a bug introduced in pull request")
    pm = read(f["15"])  # ticket keys as reference links
    assert pm.action_items[0].ticket == "#2226"
    assert pm.action_items[0].ticket_url == "https://github.com/rust-lang/crates.io/issues/2226"
    pm = read(f["07"])  # chat logs in the appendix are not timeline events
    assert all(e.line < 105 for e in pm.timeline)


def test_the_fast_scanner_agrees_with_commonmark(real_corpus):
    """Headings, table rows and fenced code found line by line match markdown-it-py's tree."""
    md = MarkdownIt("commonmark").enable("table")
    for path in [*sorted(real_corpus.glob("*.md")), STANDARD_EXAMPLE]:
        text = path.read_text(encoding="utf-8")
        sc = scan(text)
        offset = sc.front_matter[3] if sc.front_matter else 0
        tokens = md.parse("\n".join(text.splitlines()[offset:]))

        def lines_of(*types, tokens=tokens, offset=offset):
            return sorted({t.map[0] + 1 + offset for t in tokens if t.type in types and t.map})

        assert [ln.no for ln in sc.lines if ln.kind == "heading"] == lines_of("heading_open"), path.name
        assert [ln.no for ln in sc.lines if ln.kind == "table"] == lines_of("tr_open"), path.name
        source = text.splitlines()
        fenced = {n for t in tokens if t.type == "fence" and t.map
                  for n in range(t.map[0] + 1 + offset, t.map[1] + 1 + offset)
                  if not source[n - 1].lstrip().startswith(">")}  # quoted chat logs stay quotes
        assert {ln.no for ln in sc.lines if ln.kind in ("code", "fence")} == fenced, path.name
