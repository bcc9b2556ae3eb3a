"""Sharing one postmortem with the standard's four audiences."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from hindsight.cli import main

from ..conftest import EXAMPLES

HERE = Path(__file__).resolve().parent
INTERNAL = HERE / "internal-details.md"
CHECKOUT = EXAMPLES / "2026-01-14-checkout-outage-after-certificate-expiry.md"


def share(path, *args, cwd=None):
    return CliRunner().invoke(main, ["share", str(path), *args])


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "hindsight.toml").write_text('public_domains = ["shop.example.com"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# Everything in the fixture that a customer must never see.
INTERNAL_MARKERS = ["@alice-sre", "@bob-dba", "@carol", "Alice", "Carol", "db-primary-03", "10.0.3.17", "kubectl",
                    "grafana.internal", "SRE-123", "SRE-124", "SRE-125", "DOC-9", "#4567", "SECRET-MARKER",
                    "vault.corp", "$48,000", "48,000", "revenue", "wiki.corp", "sre-oncall", "example.net",
                    "Revenue Impact"]


def test_status_page_contains_no_internal_detail(project):
    r = share(INTERNAL, "--audience", "status-page")
    assert r.exit_code == 0, r.output
    out = r.stdout
    for marker in INTERNAL_MARKERS:
        assert marker not in out, marker
    # …and still says what a customer needs.
    assert "shop.example.com" in out and "https://status.shop.example.com/incidents" in out
    assert "**When:** February 10, 2026, 09:10 to 10:15 UTC (1h 5m)" in out
    assert "Users Affected: ~9,000" in out and "Requests Failed: ~21,000 (33% error rate)" in out
    assert "### What we are doing" in out and "Alert on failover of an internal system within 1 minute" in out
    html = share(INTERNAL, "--audience", "status-page", "--format", "html").stdout
    for marker in INTERNAL_MARKERS:
        assert marker not in html, marker


def test_restricted_postmortems_are_never_shared_externally(project, tmp_path):
    path = tmp_path / "2026-02-11-restricted.md"
    path.write_text("---\nclassification: restricted\nallowed_groups: [security]\n---\n"
                    + INTERNAL.read_text(encoding="utf-8").split("---\n", 2)[2], encoding="utf-8")
    r = share(path, "--audience", "status-page")
    assert r.exit_code == 2 and "restricted" in r.stderr and r.stdout == ""


def test_engineering_page_is_self_contained_and_safe(project, tmp_path):
    path = tmp_path / "2026-02-12-x.md"
    path.write_text("# Incident: X <script>alert(1)</script>\n\n**Date:** 2026-02-12\n\n## Summary\n\n"
                    "<img src=x onerror=alert(1)> ![chart](https://grafana.example.com/render.png)\n\n"
                    "<!-- a reviewer's note -->\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    out = share(path, "--audience", "engineering").stdout
    assert out.startswith("<!DOCTYPE html>") and "<style>" in out and "@media print" in out
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<img" not in out and 'href="https://grafana.example.com/render.png"' in out
    assert "reviewer's note" not in out and "<table>" in out
    assert 'src="http' not in out and "<link" not in out


def test_company_summary_mrkdwn_and_blocks(project):
    text = share(CHECKOUT, "--audience", "company", "--link", "https://git.example.com/pm").stdout
    assert text.startswith(":rotating_light: *Incident: Checkout outage after certificate expiry* (P0, 47m)")
    assert "*Impact:* Users Affected: ~31,000" in text and "SLA Status: Breached" in text
    assert "• Add certificate automation to the DNS migration checklist — @platform, due 2026-01-28" in text
    assert text.rstrip().endswith("<https://git.example.com/pm|Read the postmortem>")
    blocks = json.loads(share(CHECKOUT, "--audience", "company", "--format", "blocks").stdout)
    assert blocks["text"].startswith("Incident: Checkout outage")
    kinds = [b["type"] for b in blocks["blocks"]]
    assert kinds[0] == "header" and "section" in kinds
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks["blocks"])


class _Slack(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Slack.received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self.send_response(_Slack.status)
        self.end_headers()
        self.wfile.write(b"ok" if _Slack.status == 200 else b"invalid_token")

    def log_message(self, *args):
        pass


@pytest.fixture
def slack():
    server = HTTPServer(("127.0.0.1", 0), _Slack)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Slack.received.clear()
    _Slack.status = 200
    yield f"http://127.0.0.1:{server.server_address[1]}/services/T000/B000/XXXX"
    server.shutdown()


def test_post_sends_the_block_kit_payload(project, slack):
    r = share(CHECKOUT, "--audience", "company", "--post", slack)
    assert r.exit_code == 0, r.output
    path, ctype, payload = _Slack.received[0]
    assert path == "/services/T000/B000/XXXX" and ctype.startswith("application/json")
    assert payload["text"].startswith("Incident: Checkout outage") and payload["blocks"][0]["type"] == "header"


def test_post_failure_is_a_clear_error_and_not_retried(project, slack):
    _Slack.status = 403
    r = share(CHECKOUT, "--audience", "company", "--post", slack)
    assert r.exit_code == 2 and "Slack answered HTTP 403 (invalid_token)" in r.stderr
    assert len(_Slack.received) == 1
    r = share(CHECKOUT, "--audience", "company", "--post", "http://127.0.0.1:9/nothing-listens-here")
    assert r.exit_code == 2 and "could not reach the Slack webhook" in r.stderr


def test_leadership_brief(project):
    md = share(CHECKOUT, "--audience", "leadership").stdout
    for heading in ("## What happened", "## Customer and revenue impact", "## SLA", "## What we are doing",
                    "## The ask"):
        assert heading in md
    assert "**Revenue Impact:** ~$142,000 estimated" in md and "Breached (target 99.95%, actual 99.89%)" in md
    assert "| Write the manual certificate renewal runbook | @payments | 2026-02-04 | 🔲 TODO |" in md
    assert "Keep the 2 open action items prioritised; the next is due 2026-01-28." in md
    html = share(CHECKOUT, "--audience", "leadership", "--format", "html").stdout
    assert "<h2>The ask</h2>" in html
    r = share(EXAMPLES / "2026-02-03-search-latency-during-index-rebuild.md", "--audience", "leadership")
    assert "for P0/P1" in r.stderr


def test_wrong_format_for_audience(project):
    r = share(CHECKOUT, "--audience", "company", "--format", "html")
    assert r.exit_code == 2 and "not available for company" in r.stderr


def test_pages_in_a_real_browser(project, browser, tmp_path):
    page_file = tmp_path / "engineering.html"
    evil = tmp_path / "2026-02-12-evil.md"
    evil.write_text("# Incident: Evil\n\n<script>window.pwned = 1</script>\n\n## Summary\n\nText.\n", encoding="utf-8")
    assert share(evil, "--audience", "engineering", "-o", str(page_file)).exit_code == 0
    page = browser.new_page()
    requests = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(page_file.as_uri())
    assert page.evaluate("window.pwned") is None
    assert "<script>window.pwned = 1</script>" in page.inner_text("main")
    assert requests == [page_file.as_uri()]
    shot = tmp_path / "engineering.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5000
    page.close()
