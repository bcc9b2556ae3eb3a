"""A real project (a git work tree with docs/incidents) to import into, and the vendors' export files."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hindsight.cli import main
from hindsight.parse import read

from ..conftest import FIXTURES

EXPORTS = FIXTURES / "imports"
PD = [EXPORTS / "pagerduty" / n for n in ("log_entries.page1.json", "log_entries.page2.json", "notes.json")]
POSTMORTEM = "2025-12-09-checkout-api-503s"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A git work tree holding the checkout postmortem (two rows a person wrote), the working folder its root."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    incidents = tmp_path / "docs" / "incidents"
    incidents.mkdir(parents=True)
    shutil.copy(EXPORTS / f"{POSTMORTEM}.md", incidents)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def doc(project) -> Path:
    return project / "docs" / "incidents" / f"{POSTMORTEM}.md"


def hindsight(*args: str, env: dict[str, str] | None = None):
    """Run the command as a user would; the result has `exit_code`, `stdout` and `stderr`."""
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def rows(path: Path) -> list[tuple[str, str]]:
    """The timeline as the reader reads it back: (UTC time, event) per row."""
    return [(e.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if e.at else "", e.event)
            for e in read(path).timeline]
