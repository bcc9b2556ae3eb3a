"""The monthly review, checked against figures computed by hand."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from hindsight.cli import main

from ..conftest import EXAMPLES

CERT = """---
service: payments-gateway
tags: [certificates]
---
# Incident: {title}

**Date:** {date}
**Duration:** 30 minutes (10:00 - 10:30 UTC)
**Severity:** {sev}
**Author:** @sam
**Status:** Published

## Summary

Payments failed for 30 minutes.

## Timeline

| Time (UTC) | Event |
|------------|-------|
| 10:00 | Payment errors alert |
| 10:12 | On-call acknowledges the page |
| 10:20 | Certificate renewed; error rate back to normal |
| 10:30 | Resolved |

## Root Cause Analysis

### What Happened

The TLS certificate of the gateway expired because its renewal job failed.

### Contributing Factors

1. **No expiry monitoring** — nothing watched the served certificate

## Action Items

| Action | Owner | Due Date | Status | Ticket |
|--------|-------|----------|--------|--------|
| Update the certificate runbook | @sam | {due} | {status} | PAY-{n} |
"""


@pytest.fixture
def repo(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    folder = tmp_path / "docs" / "incidents"
    shutil.copytree(EXAMPLES, folder)
    (folder / "2026-03-02-gateway-certificate-expired.md").write_text(CERT.format(
        title="Gateway certificate expired", date="2026-03-02", sev="P0", due="2026-03-09", status="✅ DONE", n=1),
        encoding="utf-8")
    (folder / "2026-03-27-gateway-certificate-expired-again.md").write_text(CERT.format(
        title="Gateway certificate expired again", date="2026-03-27", sev="P2", due="2026-04-03", status="🔲 TODO",
        n=2), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def review(*args):
    r = CliRunner().invoke(main, ["review", *args])
    return r


def data(month, today="2026-04-15"):
    r = review("--month", month, "--today", today, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_figures_by_hand(repo):
    d = data("2026-03")
    assert [p["path"].split("/")[-1] for p in d["postmortems"]] == [
        "2026-03-02-gateway-certificate-expired.md", "2026-03-18-message-queue-backlog.md",
        "2026-03-27-gateway-certificate-expired-again.md"]
    assert d["counts_by_severity"] == {"P0": 1, "P1": 1, "P2": 1, "P3": 0}
    assert d["duration_minutes"] == {"total": 30 + 340 + 30, "median": 30.0}
    # Items: gateway 1 DONE; queue DONE, TODO (due 04-08), TODO (04-30), IN PROGRESS (04-01); again TODO (04-03).
    assert d["action_items"] == {"total": 6, "done": 2, "wontfix": 0, "open": 4, "overdue": 3,
                                 "no_status": 0, "completion_rate": round(2 / 6, 4)}
    # Acknowledged 12 min, 45 min, 12 min after the start; mitigated 20, 340, 20.
    assert d["time_to_acknowledge_minutes"] == {"median": 12.0, "measured": 3}
    assert d["time_to_mitigate_minutes"] == {"median": 20.0, "measured": 3}
    assert [p["path"].split("/")[-1] for p in d["sla_breaches"]] == ["2026-03-18-message-queue-backlog.md"]
    assert d["overdue_by_owner"]["@sam"] == 1


def test_trend_themes_repeats_and_runbooks(repo):
    d = data("2026-03")
    trend = {t["month"]: t["completion_rate"] for t in d["completion_trend"]}
    assert list(trend) == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert trend["2025-10"] is None and trend["2025-12"] == 0.4 and trend["2026-01"] == 0.5  # 2/5, 2/(5-1)
    themes = {t["name"]: [p["path"].split("/")[-1] for p in t["postmortems"]] for t in d["themes"]}
    certs = themes["Certificates, DNS and networking"]
    assert "2026-03-02-gateway-certificate-expired.md" in certs
    assert "2026-03-27-gateway-certificate-expired-again.md" in certs
    assert "2026-01-14-checkout-outage-after-certificate-expiry.md" in certs
    repeat = [r for r in d["repeat_incidents"] if r["reason"] == "service payments-gateway"]
    assert [[p["path"].split("/")[-1] for p in r["postmortems"]] for r in repeat] == [
        ["2026-03-02-gateway-certificate-expired.md", "2026-03-27-gateway-certificate-expired-again.md"]]
    assert repeat[0]["days_apart"] == 25
    runbooks = {(u["text"], u["done"]) for u in d["runbook_updates"]}
    assert {("Update the certificate runbook", True), ("Update the certificate runbook", False)} <= runbooks


def test_late_and_missing_postmortems_of_the_month(repo):
    (repo / "docs" / "incidents" / "register.csv").write_text(
        "id,date,title,severity,resolved_at,postmortem\nINC-9,2026-03-20,Login outage,P1,2026-03-20T12:00,\n",
        encoding="utf-8")
    d = data("2026-03")
    phases = {(a["phase"], a["title"]) for a in d["missing_or_late"]}
    assert ("Missing", "Login outage") in phases
    assert ("Published", "Message queue backlog delayed notifications") in phases


def test_an_empty_month_is_a_valid_report(repo):
    d = data("2025-06")
    assert d["postmortems"] == [] and d["action_items"]["completion_rate"] is None
    assert d["duration_minutes"] == {"total": 0, "median": None}
    assert "No postmortems this month." in review("--month", "2025-06", "--today", "2026-04-15").stdout
    html = review("--month", "2025-06", "--today", "2026-04-15", "--format", "html").stdout
    assert html.count("<svg") == 3
    assert review("--month", "2025-13").exit_code == 2


def test_formulas_are_written_in_the_report(repo):
    md = review("--month", "2026-03", "--today", "2026-04-15").stdout
    assert "DONE / (all - WONTFIX)" in md and "docs/metrics.md" in md


def test_html_report_opens_in_a_browser_with_its_charts(repo, browser, tmp_path):
    out = tmp_path / "review.html"
    assert review("--month", "2026-03", "--today", "2026-04-15", "--format", "html", "-o", str(out)).exit_code == 0
    page = browser.new_page(viewport={"width": 1000, "height": 1200})
    requests = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(out.as_uri())
    assert page.locator("figure.chart svg").count() == 3
    assert page.locator("text=Incidents by severity per month").count() == 1
    box = page.locator("figure.chart svg").first.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    assert requests == [out.as_uri()]
    shot = tmp_path / "review.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20000
    page.close()


def test_the_month_as_an_argument_and_the_last_month_by_default(repo):
    as_option = data("2026-03")
    positional = review("2026-03", "--today", "2026-04-15", "--format", "json")
    by_default = review("--today", "2026-04-15", "--format", "json")
    assert json.loads(positional.stdout) == as_option == json.loads(by_default.stdout)
    assert json.loads(review("--today", "2026-01-10", "--format", "json").stdout)["month"] == "2025-12"
    clash = review("2026-03", "--month", "2026-02")
    assert clash.exit_code == 2 and "two months given" in clash.output
