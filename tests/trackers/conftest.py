"""A project whose postmortems have action items to track: open, in progress, done, with a ticket of
another tracker, in a table without a Ticket column, and in a restricted postmortem."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hindsight.cli import main
from hindsight.parse import read

from ..conftest import FIXTURES

FOLLOWUPS = FIXTURES / "followups"
SEARCH = "2026-01-05-search-outage"
CACHE = "2026-01-09-cache-stampede"
SECRET = "2026-01-11-signing-key-rotation"
CONFIG = '''catalog = ["catalog-info.yaml"]

[owners."@dana"]
github = "dana-r"
jira = "5b10ac8d82e05b22cc7d4ef5"
'''


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    incidents = tmp_path / "docs" / "incidents"
    incidents.mkdir(parents=True)
    for name in (SEARCH, CACHE, SECRET):
        shutil.copy(FOLLOWUPS / f"{name}.md", incidents)
    shutil.copy(FOLLOWUPS / "catalog-info.yaml", tmp_path)
    (tmp_path / "hindsight.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    for var in ("GITHUB_TOKEN", "GITHUB_API_URL", "JIRA_USER", "JIRA_API_TOKEN", "JIRA_PAT", "JIRA_URL"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def doc(project: Path, name: str) -> Path:
    return project / "docs" / "incidents" / f"{name}.md"


def items(project: Path, name: str) -> list[tuple[str, str | None, str | None]]:
    """(action, status, ticket) of each action item, as the reader reads them back."""
    return [(a.action, a.status, a.ticket) for a in read(doc(project, name)).action_items]


def hindsight(*args, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)
