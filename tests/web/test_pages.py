"""The portal's pages in a real browser: Playwright driving Debian's Chromium against uvicorn on loopback."""

from __future__ import annotations

import subprocess

from hindsight.web.auth import AuthSettings

POOL = "2025-12-09-database-connection-pool-exhaustion"
LOAD_TEST = f"{POOL}#add-load-test-with-prod-like-data"
ORM_REVIEW = f"{POOL}#review-all-orm-eager-loading"


def test_every_page_opens(serve, page):
    s = serve()
    for path, heading in (("/", "Postmortems"), ("/postmortems", "Postmortems"), ("/actions", "Action items"),
                          ("/review/2026-01", "Monthly postmortem review: 2026-01")):
        page.goto(s.url + path)
        assert page.locator("h1").first.inner_text() == heading
    page.goto(s.url + f"/postmortems/{POOL}")
    assert page.locator("article.doc h1").inner_text() == "Incident: Database connection pool exhaustion"
    assert page.locator("aside.side h2").first.inner_text().startswith("Findings")
    assert page.locator("figure.chart svg").count() == 0
    page.goto(s.url + "/review/2026-01")
    assert page.locator("figure.chart svg").count() == 3


def test_search_and_filter(serve, page):
    s = serve()
    page.goto(s.url + "/postmortems")
    page.fill("input[name=q]", "certificate renewal")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=matching “certificate renewal”")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 1 and "Checkout outage" in rows.first.inner_text()
    assert page.locator("table.results mark").count() >= 1
    page.fill("input[name=q]", "")
    page.select_option("select[name=severity]", "P2")
    page.wait_for_selector("#count:has-text('2 postmortems')")
    assert "severity=P2" in page.url


def test_changing_a_status_edits_the_file(serve, page, site):
    s = serve(AuthSettings(allow_edits=True))
    page.goto(s.url + "/actions?status=open")
    row = page.locator("tr", has_text=f"{LOAD_TEST}")
    row.locator("select[name=status]").select_option("DONE")
    row.locator("button").click()
    page.wait_for_selector(f"tr:has-text('{LOAD_TEST}') >> text=saved")
    text = (site / "docs" / "incidents" / f"{POOL}.md").read_text(encoding="utf-8")
    assert "| Add load test with prod-like data | @platform | 2025-12-30 | ✅ DONE | PLAT-456 |" in text
    log = subprocess.run(["git", "-C", str(site), "log", "-1", "--format=%s"], capture_output=True, text=True)
    assert log.stdout.startswith(f"{LOAD_TEST}: status")


def test_a_stale_edit_is_refused_and_the_current_value_shown(serve, page, site):
    s = serve(AuthSettings(allow_edits=True))
    page.goto(s.url + "/actions?status=open")
    path = site / "docs" / "incidents" / f"{POOL}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("| 🔲 TODO | BE-789 |", "| 🔄 IN PROGRESS | BE-789 |"),
                    encoding="utf-8")  # someone else edits after the page was loaded
    row = page.locator("tr", has_text=f"{ORM_REVIEW}")
    row.locator("select[name=status]").select_option("DONE")
    row.locator("button").click()
    page.wait_for_selector(f"tr:has-text('{ORM_REVIEW}') >> text=not saved")
    assert "its status is now IN PROGRESS" in page.locator("tr", has_text=f"{ORM_REVIEW}").inner_text()
    assert "| 🔄 IN PROGRESS | BE-789 |" in path.read_text(encoding="utf-8")


def test_creating_a_postmortem_through_the_form(serve, page, site):
    s = serve(AuthSettings(allow_edits=True))
    page.goto(s.url + "/new")
    page.fill("input[name=title]", "Queue workers stalled")
    page.fill("input[name=date]", "2026-05-02")
    page.select_option("select[name=severity]", "P1")
    page.fill("input[name=start]", "09:00")
    page.fill("input[name=end]", "10:30")
    page.click("button[type=submit]")
    page.wait_for_url("**/postmortems/2026-05-02-queue-workers-stalled")
    assert page.locator("article.doc h1").inner_text() == "Incident: Queue workers stalled"
    created = site / "docs" / "incidents" / "2026-05-02-queue-workers-stalled.md"
    assert "**Duration:** 1 hour 30 minutes (09:00 - 10:30 UTC)" in created.read_text(encoding="utf-8")


def test_read_only_portal_offers_no_edits(serve, page):
    s = serve()
    page.goto(s.url + "/actions")
    assert page.locator("table.board select[name=status]").count() == 0
    assert page.locator("nav >> text=New postmortem").count() == 0
