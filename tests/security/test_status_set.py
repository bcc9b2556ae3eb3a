"""`hindsight status set`: the lifecycle's next step only, the file's own line endings, nothing on a file
that cannot take it."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from hindsight.cli import main

BODY = ("# Incident: X{eol}{eol}**Date:** 2025-12-09{eol}**Status:** {status}{eol}{eol}## Action Items{eol}{eol}"
        "| Action | Owner | Due Date | Status |{eol}|---|---|---|---|{eol}"
        "| Add alert | @a | 2025-12-16 | {item} |{eol}")


def status_set(path, status, *extra):
    return CliRunner().invoke(main, ["status", "set", str(path), status, "--today", "2025-12-12", *extra])


@pytest.fixture
def doc(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def make(status="Draft", item="TODO", eol="\n"):
        path = tmp_path / "2025-12-09-x.md"
        path.write_bytes(BODY.format(eol=eol, status=status, item=item).encode())
        return path

    return make


@pytest.mark.parametrize("start, target, why", [
    ("Draft", "Published", "after Draft comes In Review, not Published"),
    ("Draft", "Complete", "after Draft comes In Review, not Complete"),
    ("Published", "In Review", "the lifecycle does not go back"),
    ("In Review", "In Review", "it is already In Review"),
    ("Published", "Complete", "1 action item is still open"),
    ("Shipped", "In Review", "`Shipped` is not a step of the lifecycle; a postmortem starts at Draft"),
])
def test_a_transition_the_lifecycle_does_not_make_is_refused_unless_forced(doc, start, target, why):
    path = doc(status=start)
    before = path.read_bytes()
    r = status_set(path, target)
    assert r.exit_code == 2 and why in r.stderr and "--force" in r.stderr, r.stderr
    assert path.read_bytes() == before
    assert status_set(path, target, "--force").exit_code == 0
    assert f"**Status:** {target}" in path.read_text(encoding="utf-8")


def test_the_next_step_is_made_and_complete_once_every_item_is_closed(doc):
    path = doc(status="Published", item="✅ DONE")
    assert status_set(path, "complete").exit_code == 0
    assert "completed: 2025-12-12" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_a_file_keeps_its_line_endings(doc, eol):
    path = doc(eol=eol)
    assert status_set(path, "In Review").exit_code == 0
    data = path.read_bytes().decode()
    assert data.startswith(f"---{eol}reviewed: 2025-12-12{eol}---{eol}# Incident: X{eol}")
    lone_lf = re.search(r"(?<!\r)\n", data)
    assert lone_lf is None and (eol == "\r\n" or "\n" not in data)


def test_a_front_matter_block_that_never_closes_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "2025-12-09-x.md"
    path.write_text("---\nseverity: P1\n# Incident: X\n\n**Status:** Draft\n", encoding="utf-8")
    before = path.read_bytes()
    r = status_set(path, "In Review")
    assert r.exit_code == 2 and "never closes" in r.stderr and path.read_bytes() == before


def test_an_empty_file_is_not_a_postmortem_to_move(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "2025-12-09-x.md"
    path.write_bytes(b"")
    r = status_set(path, "Draft")
    assert r.exit_code == 2 and "the file is empty" in r.stderr and path.read_bytes() == b""
