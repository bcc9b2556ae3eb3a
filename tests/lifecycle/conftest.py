import shutil
import subprocess

import pytest
from click.testing import CliRunner

from hindsight.cli import main

from ..conftest import EXAMPLES


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A real git work tree holding the example postmortems under docs/incidents, as the working folder."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copytree(EXAMPLES, tmp_path / "docs" / "incidents")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args):
    return CliRunner().invoke(main, list(args))
