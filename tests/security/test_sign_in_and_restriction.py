"""Sign-in and restricted postmortems: nobody is who they say because of a header, nothing restricted
leaks through a refusal, a typo in the front matter, the CLI or a path."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading

import httpx
import pytest
from click.testing import CliRunner

from hindsight.cli import main
from hindsight.web.auth import AuthSettings

from .conftest import RESTRICTED, header_auth

POOL = "2025-12-09-database-connection-pool-exhaustion"
SECRET = "2026-03-20-zebracorn-credential-leak"
SECRET_ITEM = f"{SECRET}%23rotate-every-zebracorn-key"
SRE = {"X-Forwarded-User": "alice", "X-Forwarded-Groups": "sre"}
SECURITY = {"X-Forwarded-User": "sam", "X-Forwarded-Groups": "security"}
FORGED = [
    {"X-Forwarded-For": "10.9.9.9"}, {"X-Forwarded-For": "10.9.9.9, 127.0.0.1"},
    {"X-Forwarded-For": "127.0.0.1, 10.9.9.9"}, {"X-Real-IP": "10.9.9.9"},
    {"Forwarded": "for=10.9.9.9;proto=https"}, {"X-Forwarded-For": "10.9.9.9", "X-Forwarded-Proto": "https"},
    {"X-Client-IP": "10.9.9.9"}, {"True-Client-IP": "10.9.9.9"}, {"X-Forwarded-Host": "10.9.9.9"},
]


def commits(site) -> int:
    return int(subprocess.run(["git", "-C", str(site), "rev-list", "--count", "HEAD"], capture_output=True,
                              text=True).stdout)


# -- forged identity ---------------------------------------------------------------------------------

def test_no_header_makes_a_client_the_trusted_proxy(serve, site):
    s = serve(AuthSettings("header", False, ["10.9.9.9"], {"editor": ["sre"]}))
    before = commits(site)
    for forged in FORGED:
        c = s.client(**SECURITY, **forged)
        assert c.get("/api/health").status_code == 401, forged
        assert c.get(f"/api/postmortems/{SECRET}").status_code == 401, forged
        assert c.get(f"/postmortems/{SECRET}").status_code == 401, forged
        r = c.patch(f"/api/actions/{POOL}%23add-connection-wait-time-alert", json={"status": "DONE", "version": "x"})
        assert r.status_code in (401, 403), forged  # refused before any route: no CSRF cookie was ever given
    assert commits(site) == before


def test_a_proxy_on_the_same_host_still_signs_people_in(serve):
    s = serve(AuthSettings("header", False, ["127.0.0.1"], {"editor": ["sre"]}))
    # The proxy passes on the person's own address, as oauth2-proxy does: it must not change who connected.
    c = s.client(**SECURITY, **{"X-Forwarded-For": "203.0.113.7"})
    assert c.get("/api/health").json() == {"status": "ok", "postmortems": 6}
    assert c.get(f"/api/postmortems/{SECRET}").status_code == 200


def test_no_sign_in_answers_only_at_loopback_names(serve):
    s = serve(AuthSettings(allow_edits=True))
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost.evil", "10.0.0.1:8000"):
        r = httpx.get(s.url + "/api/postmortems", headers={"Host": host})
        assert r.status_code == 421 and "Zebracorn" not in r.text and "Database" not in r.text, host
    for host in ("127.0.0.1", f"127.0.0.1:{s.port}", f"localhost:{s.port}", "[::1]:80"):
        assert httpx.get(s.url + "/api/health", headers={"Host": host}).status_code == 200, host


# -- refusals that reveal nothing -------------------------------------------------------------------

def test_a_refused_edit_answers_exactly_as_for_an_item_that_does_not_exist(serve, site):
    s = serve(header_auth())
    outsider = s.client(**SRE)  # an editor, outside the restricted postmortem's groups
    version = outsider.get(f"/api/postmortems/{POOL}").json()["version"]
    hidden = SECRET_ITEM
    missing = "2026-03-21-no-such-postmortem%231"
    for change in ({"status": "DONE", "version": version}, {"ticket": "X", "version": version}, {"status": "DONE"},
                   {"owner": "@me", "version": "0" * 32}):
        a = outsider.patch(f"/api/actions/{hidden}", json=change)
        b = outsider.patch(f"/api/actions/{missing}", json=change)
        assert (a.status_code, a.content) == (b.status_code, b.content), change
        assert b"zebracorn" not in a.content.lower() and b"SEC-1" not in a.content
    for form in ({"status": "DONE", "version": version}, {"ticket": "X"}):
        a = outsider.post(f"/actions/{hidden}", data=form)
        b = outsider.post(f"/actions/{missing}", data=form)
        assert a.status_code == b.status_code == 404 and a.content == b.content
        assert b"zebracorn" not in a.content.lower() and b"SEC-1" not in a.content
    for path in (f"/api/postmortems/{SECRET}", f"/postmortems/{SECRET}", f"/postmortems/{SECRET}/share/company"):
        a, b = outsider.get(path), outsider.get(path.replace(SECRET, "2026-03-21-no-such-postmortem"))
        assert (a.status_code, a.content) == (b.status_code, b.content) and a.status_code == 404, path


def test_a_viewer_refused_an_edit_is_told_why_and_shown_nothing(serve, site):
    s = serve(header_auth())
    insider = s.client(**SECURITY)  # may read the restricted postmortem, may not edit
    version = insider.get(f"/api/postmortems/{SECRET}").json()["version"]
    r = insider.patch(f"/api/actions/{SECRET_ITEM}", json={"status": "DONE", "version": version})
    assert r.status_code == 403 and set(r.json()) == {"detail"} and "Rotate" not in r.text
    r = insider.post(f"/actions/{SECRET_ITEM}", data={"status": "DONE", "version": version})
    assert r.status_code == 403 and "Rotate" not in r.text and "SEC-1" not in r.text and version not in r.text


def test_creating_a_postmortem_never_confirms_a_hidden_one(serve, site):
    s = serve(header_auth())
    editor = s.client(**SRE)
    form = {"title": "Zebracorn credential leak", "date": "2026-03-20", "severity": "P1"}
    r = editor.post("/new", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/postmortems/{SECRET}-2"
    text = (site / "docs" / "incidents" / f"{SECRET}.md").read_text(encoding="utf-8")
    assert text == RESTRICTED  # the hidden one is untouched
    r = editor.post("/new", data={"title": "Brand new title", "date": "2026-03-20"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/postmortems/2026-03-20-brand-new-title"


# -- restriction that fails closed -----------------------------------------------------------------------

VARIANTS = {
    "unparseable": "---\nclassification: restricted\nallowed_groups: [security\n---\n",
    "key-case": "---\nClassification: Restricted\nallowed_groups: [security]\n---\n",
    "list-value": "---\nclassification: [restricted]\nallowed_groups: [security]\n---\n",
    "blank-line-first": "\n---\nclassification: restricted\nallowed_groups: [security]\n---\n",
    "never-closed": "---\nclassification: restricted\nallowed_groups: [security]\n",
    "unknown-word": "---\nclassification: need-to-know\nallowed_groups: [security]\n---\n",
    "groups-only": "---\nallowed_groups: [security]\n---\n",
    "body-line": "**Classification:** Restricted\n\n",
    "details-table": "| **Classification** | Confidential |\n| --- | --- |\n| **Allowed groups** | security |\n\n",
    "toml": "+++\nClassification = \"restricted\"\n+++\n",
}
BODY = RESTRICTED.split("---\n", 2)[2]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_classification_that_cannot_be_read_for_certain_is_restricted(serve, site, name):
    path = site / "docs" / "incidents" / SECRET.replace("zebracorn", "quokka") / ".." / f"{SECRET}-{name}.md"
    path = path.resolve()
    path.write_text(VARIANTS[name] + BODY.replace("Zebracorn", "Quokka").replace("zebracorn", "quokka"),
                    encoding="utf-8")
    s = serve(header_auth())
    outsider = s.client(**SRE)
    assert path.stem not in {p["id"] for p in outsider.get("/api/postmortems").json()["postmortems"]}
    assert outsider.get("/api/postmortems", params={"q": "quokka"}).json()["total"] == 0
    assert outsider.get(f"/api/postmortems/{path.stem}").status_code == 404
    assert "quokka" not in json.dumps(outsider.get("/api/actions").json()).lower()
    assert "quokka" not in outsider.get("/review/2026-03").text.lower()
    r = CliRunner().invoke(main, ["check", str(path), "--select", "HS112"])
    assert r.exit_code == 1 and "HS112 classification-uncertain" in r.stdout, r.output
    assert "treated as restricted" in r.stdout


# -- the CLI shares nothing the portal hides ---------------------------------------------------------------

class _Slack(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        self.received.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_a_restricted_postmortem_is_shared_only_when_asked_and_never_posted(site):
    file = f"docs/incidents/{SECRET}.md"
    for audience in ("engineering", "company", "leadership", "status-page"):
        r = CliRunner().invoke(main, ["share", file, "--audience", audience])
        assert r.exit_code == 2 and "restricted to security" in r.stderr and "Zebracorn" not in r.stdout, audience
    assert CliRunner().invoke(main, ["share", file, "--audience", "company", "--allow-restricted"]).exit_code == 0
    assert CliRunner().invoke(main, ["share", file, "--audience", "status-page", "--allow-restricted"]).exit_code == 2
    server = http.server.HTTPServer(("127.0.0.1", 0), _Slack)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        r = CliRunner().invoke(main, ["share", file, "--audience", "company", "--allow-restricted", "--post", url])
        assert r.exit_code == 2 and "nothing restricted is posted" in r.stderr
        assert _Slack.received == []
    finally:
        server.shutdown()


def test_the_review_marks_restricted_postmortems_and_groups_leave_them_out(site):
    everything = CliRunner().invoke(main, ["review", "2026-03", "--today", "2026-04-30"]).stdout
    assert "Zebracorn credential leak (`docs/incidents/" in everything and "**(restricted)**" in everything
    assert "This review includes 1 restricted postmortem" in everything
    public = CliRunner().invoke(main, ["review", "2026-03", "--today", "2026-04-30", "--groups", "sre"]).stdout
    assert "Zebracorn" not in public and "restricted" not in public


# -- where the files live is nobody's business -----------------------------------------------------------

def test_no_answer_names_where_the_files_are_on_the_server(serve, site):
    (site / "docs" / "incidents" / "2026-05-01-broken.md").write_bytes(b"\x00binary")
    s = serve(header_auth())
    c = s.client(**SECURITY)
    secret_root = str(site)
    pages = ["/", "/postmortems", f"/postmortems/{POOL}", "/actions", "/review/2026-03", "/api/postmortems",
             f"/api/postmortems/{POOL}", "/api/actions", "/api/status", "/api/review/2026-03",
             "/postmortems/2026-05-01-broken", "/api/postmortems/2026-05-01-broken",
             f"/postmortems/{POOL}/share/engineering"]
    for page in pages:
        assert secret_root not in c.get(page).text, page
    assert c.get(f"/api/postmortems/{POOL}").json()["path"] == f"docs/incidents/{POOL}.md"
