"""Themes and repeat incidents on labelled real postmortems: the review's claims hold at the figures
measured when they were tuned (tests/corpus/SOURCES.md), and every repeat says why."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hindsight import parse

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("measure_themes", ROOT / "tools" / "measure_themes.py")
measure_themes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(measure_themes)


def _pr(tp, fp, fn):
    return tp / (tp + fp), tp / (tp + fn)


def test_themes_and_repeats_hold_their_tuned_figures():
    themes, repeats = measure_themes.measure()
    p, r = _pr(sum(len(w & g) for _, w, g in themes), sum(len(g - w) for _, w, g in themes),
               sum(len(w - g) for _, w, g in themes))
    assert p >= 0.74 and r >= 0.70, (p, r)
    p, r = _pr(sum(lab and rel.kind == "repeat" for _, lab, _, rel in repeats),
               sum(not lab and rel.kind == "repeat" for _, lab, _, rel in repeats),
               sum(lab and rel.kind != "repeat" for _, lab, _, rel in repeats))
    assert p >= 0.76 and r >= 0.62, (p, r)
    for _, _, _, rel in repeats:
        if rel.kind != "none":
            assert rel.evidence, "a repeat or a possible relation always says why"


def _record(text: str, name: str):
    from hindsight.records import build

    return build(parse(text, path=name), file_id=name, path=name, version="", themes_extra={})


POOL = """# Incident: Database connection pool exhausted

**Date:** 2026-01-05

## Summary

Checkout failed for an hour because the database connection pool was exhausted.

## Root Cause Analysis

### What Happened

A query regression held database connections ten times longer, and the connection pool ran out.
"""
CERT = """# Incident: Certificate expired on the API gateway

**Date:** 2026-02-10

## Summary

The API gateway's TLS certificate expired and clients could not connect; the renewal job had stopped.

## Root Cause Analysis

### What Happened

The certificate renewal cron job failed silently after a database credentials change, so the
certificate expired.
"""
POOL_AGAIN = POOL.replace("2026-01-05", "2026-02-20").replace("A query regression", "A new report query")


def test_a_certificate_expiry_does_not_repeat_a_pool_exhaustion():
    from hindsight.review import inverse_frequency, relation

    pool, cert, again = _record(POOL, "a.md"), _record(CERT, "b.md"), _record(POOL_AGAIN, "c.md")
    idf = inverse_frequency([pool, cert, again])
    assert relation(pool, cert, idf).kind != "repeat"
    rel = relation(pool, again, idf)
    assert rel.kind == "repeat" and "pool" in rel.evidence


def test_a_search_index_is_not_a_database_theme_and_an_exposed_cache_is_a_security_one():
    from hindsight.review.themes import themes_of

    text = ("# Incident: Search results stale\n\n## Summary\n\nThe search index publisher stalled, so search "
            "results were a day old.\n")
    assert "Database" not in themes_of(parse(text))
    text = ("# Security incident: Redis cache exposed to the public internet\n\n## Summary\n\nA firewall "
            "service did not start after an update, and the cache was reachable from the internet.\n")
    assert "Security and access" in themes_of(parse(text))
