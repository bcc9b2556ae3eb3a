"""An imported timeline as the portal shows it: rows with their source's link, never the import's bookkeeping."""

from __future__ import annotations

import json
import shutil
import subprocess

from click.testing import CliRunner

from hindsight.cli import main

from ..conftest import FIXTURES

POOL = "2025-12-09-database-connection-pool-exhaustion"
PD = [FIXTURES / "imports" / "pagerduty" / n for n in ("log_entries.page1.json", "log_entries.page2.json",
                                                         "notes.json")]


def test_imported_rows_show_with_their_link_and_nothing_of_the_import(serve, page, site):
    r = CliRunner().invoke(main, ["import", "timeline", *map(str, PD), "--from", "pagerduty", "--into", POOL])
    assert r.exit_code == 0, r.output
    subprocess.run(["git", "-C", str(site), "commit", "-qam", "Import the PagerDuty log"], check=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin"})
    s = serve()
    page.goto(f"{s.url}/postmortems/{POOL}")
    row = page.locator("article.doc tr", has_text="[ack] Acknowledged by Dana Reyes.")
    assert row.count() == 1
    link = row.locator("a", has_text="PagerDuty")
    assert link.get_attribute("href") == "https://acme.pagerduty.com/incidents/Q1CHK503XYZ/log_entries/R1ACK00003"
    body = page.locator("body").inner_text()
    assert "hindsight-import" not in body and "<!--" not in body
    timeline = s.client().get(f"/api/postmortems/{POOL}").json()["timeline"]
    ack = next(e for e in timeline if e["event"].startswith("[ack] Acknowledged by Dana Reyes."))
    assert ack["at"] == "2025-12-09T14:32:00+00:00" and "<!--" not in ack["event"]


def test_both_shells_measure_the_imported_acknowledgement_alike(serve, site):
    shutil.copy(FIXTURES / "imports" / "2025-12-09-checkout-api-503s.md", site / "docs" / "incidents")

    def review_cli() -> dict:
        r = CliRunner().invoke(main, ["review", "2025-12", "--format", "json", "--groups", ""])  # as the portal
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    before = review_cli()["time_to_acknowledge_minutes"]
    r = CliRunner().invoke(main, ["import", "timeline", *map(str, PD), "--from", "pagerduty", "--into",
                                  "2025-12-09-checkout-api-503s"])
    assert r.exit_code == 0, r.output
    after = review_cli()
    assert after["time_to_acknowledge_minutes"]["measured"] == before["measured"] + 1
    s = serve()
    assert s.client().get("/api/review/2025-12").json() == after
