"""The CLI and the portal give the same answers: same files, same day, same person asking.

Each question is asked of `hindsight … --format json` (in-process, with `--groups` naming the asker's
groups) and of the portal's JSON API (a real uvicorn on loopback, signed in through the trusted-proxy
headers), over the bundled examples plus a restricted postmortem and an incident register, and over
the 36 real postmortems. Every count on the home page is then checked against the list it heads.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from hindsight.cli import main

from .conftest import header_auth

POOL = "2025-12-09-database-connection-pool-exhaustion"
SECRET = "2026-03-20-zebracorn-credential-leak"
#: Who asks: no groups, an SRE (who may not see the restricted postmortem), security (who may).
ASKERS = {"": {"X-Forwarded-User": "ann", "X-Forwarded-Groups": ""},
          "sre": {"X-Forwarded-User": "alice", "X-Forwarded-Groups": "sre"},
          "security": {"X-Forwarded-User": "sam", "X-Forwarded-Groups": "security"}}
REGISTER = ("id,date,title,severity,resolved_at,postmortem\n"
            "INC-7,2026-03-25,Payments API down,P0,2026-03-25T18:00,\n"
            "INC-8,2026-03-20,Zebracorn key leak,P1,,docs/incidents/" + SECRET + ".md\n")
STATUSES = ["todo", "TODO", "to do", "in progress", "in-progress", "IN PROGRESS", "🔄", "done", "Done", "✅",
            "won't fix", "wontfix", "WONTFIX", "open", "OPEN"]


def cli_json(*args: str):
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


@pytest.fixture
def portal(serve, site):
    (site / "docs" / "incidents" / "register.csv").write_text(REGISTER, encoding="utf-8")
    s = serve(header_auth())
    return {groups: s.client(**headers) for groups, headers in ASKERS.items()}


def test_the_review_is_the_same_in_both_shells_for_every_month_and_asker(portal):
    for groups, api in portal.items():
        for month in ("2025-12", "2026-01", "2026-03", "2026-04"):
            assert cli_json("review", month, "--format", "json", "--groups", groups) == \
                api.get(f"/api/review/{month}").json(), (groups, month)
        # With no month, both review the month that ended last.
        assert cli_json("review", "--format", "json", "--groups", groups) == api.get("/api/review").json()
    march = portal["sre"].get("/api/review/2026-03").json()
    assert {a["title"] for a in march["missing_or_late"] if a["phase"] == "Missing"} == {"Payments API down"}
    # The restricted postmortem is written, so its incident is not "missing", even for those who cannot see it.
    assert "Zebracorn key leak" not in json.dumps(march)
    assert SECRET not in json.dumps(march) and SECRET in json.dumps(portal["security"].get("/api/review/2026-03")
                                                                    .json())


def test_action_items_are_the_same_under_every_filter_and_status_spelling(portal):
    filters = [[], ["--overdue"], ["--severity", "P1"], ["--owner", "@sre-team"], ["--owner", "SRE-TEAM"],
               ["--since", "2026-01-01"], ["--until", "2026-01-31"], ["--file", f"{POOL}.md"]]
    filters += [["--status", s] for s in STATUSES]
    for groups, api in portal.items():
        for f in filters:
            params = {k.lstrip("-"): (v if v is not None else "true") for k, v in zip(f[::2], f[1::2] or [None])}
            if f == ["--overdue"]:
                params = {"overdue": "true"}
            cli_rows = cli_json("actions", "list", "--format", "json", "--groups", groups, *f)
            assert cli_rows == api.get("/api/actions", params=params).json(), (groups, f)
            assert cli_json("actions", "stats", "--format", "json", "--groups", groups, *f) == \
                api.get("/api/actions/stats", params=params).json(), (groups, f)
    # Every spelling of a status finds the same items.
    done = {json.dumps(cli_json("actions", "--format", "json", "--status", s)) for s in ("done", "Done", "✅")}
    assert len(done) == 1
    bad = CliRunner().invoke(main, ["actions", "--status", "maybe"])
    assert bad.exit_code == 2 and portal[""].get("/api/actions", params={"status": "maybe"}).status_code == 400


def test_status_lists_and_one_postmortem_are_the_same_in_both_shells(portal):
    for groups, api in portal.items():
        assert cli_json("status", "--format", "json", "--groups", groups) == api.get("/api/status").json()
        listed = cli_json("list", "--format", "json", "--groups", groups)
        assert listed == api.get("/api/postmortems").json()["postmortems"]
        assert len(listed) == api.get("/api/health").json()["postmortems"]
        for file_id in (POOL, SECRET):
            page = api.get(f"/api/postmortems/{file_id}")
            r = CliRunner().invoke(main, ["show", file_id, "--format", "json", "--groups", groups])
            if page.status_code == 404:
                assert r.exit_code == 2 and f"no postmortem `{file_id}.md`" in r.stderr
                continue
            assert json.loads(r.stdout) == page.json()
            assert page.json()["findings"] and page.json()["path"] == f"docs/incidents/{file_id}.md"


def _sections(html: str) -> dict[str, tuple[int, str]]:
    """Each home-page heading with the count it shows and the HTML of the list under it."""
    out = {}
    for m in re.finditer(r"<h2>([^<(]+?) \((\d+)\)</h2>(.*?)(?=<h2>|</section>)", html, re.S):
        out[m.group(1).strip()] = (int(m.group(2)), m.group(3))
    return out


def _check_home(html: str, limit: int = 20) -> dict[str, int]:
    counts = {}
    for heading, (count, body) in _sections(html).items():
        shown = len(re.findall(r"<li[ >]", body)) + len(re.findall(r"<tr><td", body))
        assert shown == min(count, limit), heading
        if count > limit:
            assert f"of {count}" in body, heading
        counts[heading] = count
    figure = re.search(r"<dt>Overdue action items</dt><dd[^>]*>(\d+)</dd>", html)
    assert figure and int(figure.group(1)) == counts["Overdue action items"]
    return counts


def test_every_count_on_the_home_page_is_the_length_of_its_list(portal):
    for groups, api in portal.items():
        counts = _check_home(api.get("/").text)
        today = dt.date.today().isoformat()
        overdue = cli_json("actions", "--overdue", "--format", "json", "--groups", groups, "--today", today)
        assert counts["Overdue action items"] == len(overdue) > 0


def test_the_shells_agree_on_the_real_corpus(real_site, serve):
    s = serve(header_auth())
    api = s.client(**ASKERS["sre"])
    for month in ("2023-07", "2024-01", "2019-11"):
        assert cli_json("review", month, "--format", "json", "--groups", "sre") == \
            api.get(f"/api/review/{month}").json(), month
    assert cli_json("actions", "--format", "json", "--groups", "sre") == api.get("/api/actions").json()
    assert cli_json("status", "--format", "json", "--groups", "sre") == api.get("/api/status").json()
    counts = _check_home(api.get("/").text)
    assert max(counts.values()) > 20  # a long list is cut, and says how long it is


def test_the_review_page_and_the_cli_open_the_same_month(portal):
    api = portal["sre"]
    page = api.get("/review", follow_redirects=False)
    assert page.status_code == 307
    month = cli_json("review", "--format", "json", "--groups", "sre")["month"]
    assert page.headers["location"] == f"/review/{month}"
    assert month == (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert api.get("/review/2026-13").status_code == 400 and api.get("/api/review/0000-01").status_code == 400
