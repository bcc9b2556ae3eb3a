"""The portal's JSON API and access control, against a real uvicorn on loopback."""

from __future__ import annotations

import subprocess
import threading

from hindsight.web.auth import AuthSettings

from .conftest import header_auth

POOL = "2025-12-09-database-connection-pool-exhaustion"
RUNBOOK = f"{POOL}#create-connection-pool-runbook"
RUNBOOK_URL = RUNBOOK.replace("#", "%23")
LOAD_TEST = f"{POOL}#add-load-test-with-prod-like-data"
LOAD_TEST_URL = LOAD_TEST.replace("#", "%23")
ORM_REVIEW = f"{POOL}#review-all-orm-eager-loading"
ORM_REVIEW_URL = ORM_REVIEW.replace("#", "%23")
SECRET = "2026-03-20-zebracorn-credential-leak"
SRE = {"X-Forwarded-User": "alice", "X-Forwarded-Groups": "sre"}
SECURITY = {"X-Forwarded-User": "sam", "X-Forwarded-Groups": "security"}


def test_health_list_filters_search_and_openapi(serve):
    s = serve()
    c = s.client()
    assert c.get("/api/health").json() == {"status": "ok", "postmortems": 5}
    listing = c.get("/api/postmortems").json()
    assert listing["total"] == 5 and listing["postmortems"][0]["id"] == "2026-04-22-login-errors-after-config-push"
    assert set(listing["postmortems"][0]) >= {"id", "path", "date", "severity", "status", "title", "action_items",
                                              "open_action_items"}
    assert [p["id"] for p in c.get("/api/postmortems", params={"severity": "P0"}).json()["postmortems"]] == [
        "2026-01-14-checkout-outage-after-certificate-expiry"]
    assert c.get("/api/postmortems", params={"since": "2026-03-01"}).json()["total"] == 2
    found = c.get("/api/postmortems", params={"q": "certificate renewal"}).json()["postmortems"]
    assert found[0]["id"] == "2026-01-14-checkout-outage-after-certificate-expiry"
    assert "<mark>" in found[0]["snippet"]
    paths = c.get("/api/openapi.json").json()["paths"]
    assert {"/api/postmortems", "/api/postmortems/{file_id}", "/api/actions", "/api/actions/{action_id}",
            "/api/review/{month}", "/api/health"} <= set(paths)


def test_a_postmortem_has_the_show_json_findings_and_version(serve, site):
    import json

    from click.testing import CliRunner

    from hindsight.cli import main

    c = serve().client()
    data = c.get(f"/api/postmortems/{POOL}").json()
    assert data["title"] == "Database connection pool exhaustion" and data["duration_minutes"] == 135
    assert len(data["timeline"]) == 11 and data["version"]
    # The findings are `hindsight check`'s, in its JSON shape (its overdue items, for one).
    checked = json.loads(CliRunner().invoke(main, ["check", f"docs/incidents/{POOL}.md", "--format", "json",
                                                   "--no-cache"]).stdout)
    assert checked and [(f["line"], f["code"], f["message"]) for f in data["findings"]] == [
        (f["line"], f["code"], f["message"]) for f in checked]
    assert c.get("/api/postmortems/nope").status_code == 404
    assert c.get("/api/postmortems/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert c.get("/api/review/2026-01").json()["postmortems"][0]["severity"] == "P0"


def test_auth_none_is_read_only_unless_edits_are_allowed(serve, site):
    c = serve().client()
    version = c.get(f"/api/postmortems/{POOL}").json()["version"]
    r = c.patch(f"/api/actions/{LOAD_TEST_URL}", json={"status": "DONE", "version": version})
    assert r.status_code == 403
    for key, value in (("user.name", "Repo Owner"), ("user.email", "owner@example.com")):
        subprocess.run(["git", "-C", str(site), "config", key, value], check=True)
    w = serve(AuthSettings(allow_edits=True)).client()
    r = w.patch(f"/api/actions/{LOAD_TEST_URL}", json={"status": "DONE", "version": version})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "DONE"
    text = (site / "docs" / "incidents" / f"{POOL}.md").read_text(encoding="utf-8")
    assert "| Add load test with prod-like data | @platform | 2025-12-30 | ✅ DONE | PLAT-456 |" in text
    log = subprocess.run(["git", "-C", str(site), "log", "-1", "--format=%an <%ae>|%s"], capture_output=True,
                         text=True)
    # Without sign-in there is nobody to name: the commit is the repository's own git identity's.
    assert log.stdout.strip() == f"Repo Owner <owner@example.com>|{LOAD_TEST}: status 🔲 TODO -> ✅ DONE"


def test_csrf_token_is_required_for_writes(serve):
    w = serve(AuthSettings(allow_edits=True)).client()
    del w.headers["X-CSRF-Token"]
    r = w.patch(f"/api/actions/{LOAD_TEST_URL}", json={"status": "DONE"})
    assert r.status_code == 403 and "CSRF" in r.text


def test_two_editors_one_change(serve, site):
    s = serve(AuthSettings(allow_edits=True))
    a, b = s.client(), s.client()
    version = a.get(f"/api/postmortems/{POOL}").json()["version"]
    before = (site / "docs" / "incidents" / f"{POOL}.md").read_text(encoding="utf-8")
    results = {}

    def edit(name, client, status):
        results[name] = client.patch(f"/api/actions/{ORM_REVIEW_URL}", json={"status": status, "version": version})

    threads = [threading.Thread(target=edit, args=("a", a, "DONE")),
               threading.Thread(target=edit, args=("b", b, "WONTFIX"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409]
    loser = next(r for r in results.values() if r.status_code == 409).json()
    assert "changed since you read it" in loser["detail"] and loser["current"]["status"] in ("DONE", "WONTFIX")
    after = (site / "docs" / "incidents" / f"{POOL}.md").read_text(encoding="utf-8")
    changed = [(x, y) for x, y in zip(before.splitlines(), after.splitlines()) if x != y]
    assert len(changed) == 1 and ("✅ DONE" in changed[0][1]) != ("❌ WONTFIX" in changed[0][1])


def test_header_auth_trusts_only_the_proxy(serve):
    s = serve(header_auth())
    assert s.client().get("/api/health").status_code == 401
    assert s.client(**SRE).get("/api/health").status_code == 200
    untrusted = serve(AuthSettings("header", False, ["10.9.9.9"], {}))
    assert untrusted.client(**SRE).get("/api/postmortems").status_code == 401


def test_roles_from_groups(serve):
    s = serve(header_auth())
    viewer = s.client(**{"X-Forwarded-User": "vic", "X-Forwarded-Groups": "support"})
    editor = s.client(**SRE)
    version = editor.get(f"/api/postmortems/{POOL}").json()["version"]
    assert viewer.patch(f"/api/actions/{RUNBOOK_URL}", json={"status": "DONE", "version": version}).status_code == 403
    r = editor.patch(f"/api/actions/{RUNBOOK_URL}", json={"ticket": "SRE-999", "version": version})
    assert r.status_code == 200 and r.json()["ticket"] == "SRE-999"
    assert editor.patch(f"/api/actions/{RUNBOOK_URL}", json={"status": "maybe later"}).status_code == 400
    assert editor.patch(f"/api/actions/{POOL}%2399", json={"status": "DONE"}).status_code == 400


def test_restricted_postmortems_are_invisible_outside_their_groups(serve):
    s = serve(header_auth())
    outsider, insider = s.client(**SRE), s.client(**SECURITY)
    for c, visible in ((outsider, False), (insider, True)):
        assert (c.get("/api/health").json()["postmortems"] == 6) is visible
        ids = [p["id"] for p in c.get("/api/postmortems", params={"q": ""}).json()["postmortems"]]
        assert (SECRET in ids) is visible
        assert bool(c.get("/api/postmortems", params={"q": "zebracorn"}).json()["postmortems"]) is visible
        assert (c.get(f"/api/postmortems/{SECRET}").status_code == 200) is visible
        assert any(a["id"].startswith(SECRET) for a in c.get("/api/actions").json()) is visible
        assert (c.get("/api/review/2026-03").json()["counts_by_severity"]["P1"] == 2) is visible
        for page in ("/", "/postmortems", "/postmortems?q=zebracorn", "/actions", "/review/2026-03"):
            text = c.get(page).text  # its title or its action item, not the query echoed back
            assert ("credential leak" in text or "zebracorn key" in text) is visible, page
        assert (c.get(f"/postmortems/{SECRET}").status_code == 200) is visible
        assert (c.get(f"/postmortems/{SECRET}/share/engineering").status_code == 200) is visible
        version = c.get(f"/api/postmortems/{POOL}").json()["version"]
        r = c.patch(f"/api/actions/{SECRET}%23rotate-every-zebracorn-key", json={"status": "DONE", "version": version})
        # The outsider is an editor, yet the item does not exist for them; the insider may only read.
        assert r.status_code == (403 if visible else 404)


def test_security_headers_and_script_shown_as_text(serve, site):
    evil = site / "docs" / "incidents" / "2026-05-01-evil.md"
    evil.write_text("# Incident: Evil <script>alert(1)</script>\n\n**Date:** 2026-05-01\n\n## Summary\n\n"
                    "<script>alert(2)</script>\n", encoding="utf-8")
    c = serve().client()
    r = c.get("/postmortems/2026-05-01-evil")
    assert "<script>alert" not in r.text and "&lt;script&gt;alert(2)&lt;/script&gt;" in r.text
    for h in ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"):
        assert h in r.headers
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_the_index_is_a_copy_rebuilt_and_refreshed(serve, site):
    c = serve().client()
    path = site / "docs" / "incidents" / f"{POOL}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("# Incident: Database connection pool exhaustion",
                                                             "# Incident: Pool exhaustion, renamed"), encoding="utf-8")
    assert c.get(f"/api/postmortems/{POOL}").json()["title"] == "Pool exhaustion, renamed"
    assert c.get("/api/postmortems", params={"q": "renamed"}).json()["total"] == 1
    (site / "docs" / "incidents" / f"{POOL}.md").unlink()
    assert c.get("/api/postmortems").json()["total"] == 4
    index = site / ".hindsight" / "index.sqlite"
    assert index.exists()
    for suffix in ("", "-wal", "-shm"):
        p = index.with_name(index.name + suffix)
        if p.exists():
            p.unlink()
    c2 = serve().client()
    assert c2.get("/api/postmortems").json()["total"] == 4 and index.exists()


def test_cached_home_chart_and_review_page_are_never_shared_across_groups(serve, site):
    import datetime as dt
    import re

    from .conftest import RESTRICTED

    today = dt.date.today().isoformat()
    for group, sev in (("legal", "P0"), ("finance", "P3")):
        text = RESTRICTED.replace("[security]", f"[{group}]").replace("2026-03-20", today).replace("P1", sev)
        (site / "docs" / "incidents" / f"{today}-{group}-only.md").write_text(
            text.replace("Zebracorn credential leak", f"{group} only"), encoding="utf-8")
    s = serve(header_auth())
    legal = s.client(**{"X-Forwarded-User": "lee", "X-Forwarded-Groups": "legal"})
    finance = s.client(**{"X-Forwarded-User": "fin", "X-Forwarded-Groups": "finance"})
    assert legal.get("/api/health").json() == finance.get("/api/health").json()  # as many postmortems each

    def chart(c):
        return re.search(r"<svg.*?</svg>", c.get("/").text, re.S).group(0)

    # Legal's P0 this month is in its chart; finance's chart has a P3 instead, even right after.
    assert chart(legal) != chart(finance)
    month = today[:7]
    assert "legal only" in legal.get(f"/review/{month}").text
    page = finance.get(f"/review/{month}").text
    assert "finance only" in page and "legal only" not in page
