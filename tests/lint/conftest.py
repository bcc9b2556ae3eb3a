"""Fixtures of the linter's tests."""

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A real git work tree with a docs/incidents folder, as the working folder."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "docs" / "incidents").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path
