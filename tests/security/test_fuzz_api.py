"""The portal's JSON API, fuzzed from its own OpenAPI document (schemathesis, bounded): no input is a 5xx.

Writes are allowed (`--auth none --allow-edits`, with a CSRF token), so the generated edits really run
against a copy of the examples in a git work tree.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from hindsight.config import load
from hindsight.web import create_app
from hindsight.web.auth import AuthSettings

from ..conftest import EXAMPLES
from ..web.conftest import RESTRICTED, Server


def _app(root: Path):
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    folder = root / "docs" / "incidents"
    shutil.copytree(EXAMPLES, folder)
    (folder / "2026-03-20-zebracorn-credential-leak.md").write_text(RESTRICTED, encoding="utf-8")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "init"], check=True, env=env)
    return create_app(load(root), auth=AuthSettings(allow_edits=True), refresh_seconds=0)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(_app(tmp_path_factory.mktemp("fuzz"))).__enter__()
    yield s
    s.__exit__()


CALLS: list[int] = []


def test_no_generated_request_is_a_server_error(server):
    schema = schemathesis.openapi.from_url(server.url + "/api/openapi.json")
    token = "fuzz-token"
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def request(case):
            response = case.call(base_url=server.url, headers={"Host": "127.0.0.1", "X-CSRF-Token": token},
                                 cookies={"hs_csrf": token})
            CALLS.append(response.status_code)
            assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body,
                                                response.status_code, response.text[:500])
            if response.status_code == 404:
                assert "zebracorn" not in response.text.lower()

        request()
    # Bounded, but not empty: every operation was called, and some calls got through to a 200.
    assert len(CALLS) >= 5 * len(operations) and 200 in CALLS
