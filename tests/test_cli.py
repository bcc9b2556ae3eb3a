"""The `hindsight` command, driven as a user would (click's CliRunner, real files, a real git tree)."""

import json
import os
import subprocess

import pytest
from click.testing import CliRunner

from hindsight.cli import main

from .conftest import EXAMPLES, STANDARD_EXAMPLE


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A real git work tree, with the working folder somewhere inside it."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "src" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "src" / "deep")
    return tmp_path


def test_new_then_show_gives_back_what_was_passed(runner, project):
    r = runner.invoke(main, ["new", "Database connection pool exhausted", "--date", "2025-12-09", "--severity",
                             "p1", "--author", "@alice", "--start", "14:30", "--end", "16:45"])
    assert r.exit_code == 0, r.output
    path = project / "docs" / "incidents" / "2025-12-09-database-connection-pool-exhausted.md"
    assert path.is_file()
    assert r.output.strip() == os.path.relpath(path, project / "src" / "deep") or r.output.strip() == str(path)
    shown = json.loads(runner.invoke(main, ["show", str(path), "--format", "json"]).output)
    assert shown["title"] == "Database connection pool exhausted"
    assert shown["date"] == "2025-12-09"
    assert shown["severity"] == "P1"
    assert shown["author"] == "@alice"
    assert shown["status"] == "Draft"
    assert shown["start"] == "2025-12-09T14:30:00+00:00"
    assert shown["end"] == "2025-12-09T16:45:00+00:00"
    assert shown["duration_minutes"] == 135
    # Everything not given is a marked placeholder, not invented content.
    assert shown["summary"] == "" and shown["action_items"] == [] and shown["timeline"] == []
    assert "[TODO:" in path.read_text(encoding="utf-8")


def test_new_with_only_a_start_keeps_it(runner, project):
    r = runner.invoke(main, ["new", "Half known", "--date", "2025-12-09", "--start", "09:05"])
    assert r.exit_code == 0, r.output
    shown = json.loads(runner.invoke(main, ["show", r.output.strip(), "--format", "json"]).output)
    assert shown["start"] == "2025-12-09T09:05:00+00:00" and shown["end"] is None


def test_new_never_overwrites(runner, project):
    args = ["new", "Same title", "--date", "2025-12-09"]
    assert runner.invoke(main, args).exit_code == 0
    path = project / "docs" / "incidents" / "2025-12-09-same-title.md"
    path.write_text("edited by a person\n", encoding="utf-8")
    r = runner.invoke(main, args)
    assert r.exit_code == 2
    assert "already exists" in r.output and "2025-12-09-same-title.md" in r.output
    assert path.read_text(encoding="utf-8") == "edited by a person\n"


def test_new_slug_and_bad_input(runner, project, tmp_path):
    r = runner.invoke(main, ["new", "Ünïcode & Spaces: a very long title that keeps going well past sixty characters",
                             "--date", "2025-12-09", "--dir", str(tmp_path / "out")])
    name = os.path.basename(r.output.strip())
    assert name.startswith("2025-12-09-unicode-spaces-a-very-long-title")
    slug = name[len("2025-12-09-"):-len(".md")]
    assert len(slug) <= 60 and not slug.endswith("-") and slug == slug.lower()
    assert runner.invoke(main, ["new", "X", "--date", "2025-13-01"]).exit_code == 2
    assert runner.invoke(main, ["new", "X", "--start", "25:00"]).exit_code == 2
    assert runner.invoke(main, ["new", "X", "--severity", "P9"]).exit_code == 2
    r = runner.invoke(main, ["new", "!!!"])
    assert r.exit_code == 2 and "no letters or digits" in r.output


def test_new_uses_the_configured_folder(runner, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.hindsight]\nincidents_dir = "postmortems"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(main, ["new", "Configured", "--date", "2025-01-02"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "postmortems" / "2025-01-02-configured.md").is_file()


def test_unknown_config_key_names_file_and_line(runner, tmp_path, monkeypatch):
    (tmp_path / "hindsight.toml").write_text('# config\nincident_dir = "x"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(main, ["new", "X"])
    assert r.exit_code == 2
    assert "hindsight.toml:2: unknown option `incident_dir`" in r.output


def test_show_json_has_the_stable_keys(runner):
    data = json.loads(runner.invoke(main, ["show", str(STANDARD_EXAMPLE), "--format", "json"]).output)
    for key in ("path", "title", "date", "start", "end", "duration_minutes", "severity", "author", "status",
                "summary", "impact", "timeline", "root_cause", "went_well", "could_improve", "action_items",
                "lessons", "appendix", "front_matter", "headings", "diagnostics"):
        assert key in data
    assert set(data["timeline"][0]) >= {"at", "time_text", "event", "line"}
    assert set(data["action_items"][0]) >= {"id", "action", "owner", "due", "status", "ticket", "line"}
    assert set(data["root_cause"]) == {"what_happened", "statement", "contributing_factors", "five_whys"}
    assert data["start"] == "2025-12-09T14:30:00+00:00"


def test_show_text_is_readable(runner):
    r = runner.invoke(main, ["show", str(EXAMPLES / "2026-01-14-checkout-outage-after-certificate-expiry.md")],
                      env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert "Checkout outage after certificate expiry" in r.output
    assert "2026-01-15 00:27" in r.output  # the timeline crossed midnight
    assert "Write the manual certificate renewal runbook" in r.output


def test_show_reads_stdin(runner):
    r = runner.invoke(main, ["show", "-", "--format", "json"], input=STANDARD_EXAMPLE.read_bytes())
    assert json.loads(r.output)["severity"] == "P1"


def test_show_bad_files_fail_with_one_clear_line(runner, tmp_path):
    binary = tmp_path / "x.md"
    binary.write_bytes(b"\x00\x01\x02")
    latin1 = tmp_path / "y.md"
    latin1.write_bytes(b"# Caf\xe9\n")
    for path, words in ((binary, "binary file"), (latin1, "not valid UTF-8"), (tmp_path / "none.md", "no such file")):
        r = runner.invoke(main, ["show", str(path)])
        assert r.exit_code == 2
        assert words in r.output and str(path) in r.output
        assert "Traceback" not in r.output


def test_list_reads_every_example(runner):
    r = runner.invoke(main, ["list", str(EXAMPLES), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert len(rows) == 5
    by_date = {row["date"]: row for row in rows}
    assert by_date["2025-12-09"]["severity"] == "P1"
    assert by_date["2025-12-09"]["open_action_items"] == 3
    assert by_date["2026-01-14"]["open_action_items"] == 2  # DONE and WONTFIX are closed
    table = runner.invoke(main, ["list", str(EXAMPLES)])
    assert "Checkout outage" in table.output and "5 postmortems" in table.output


def test_list_in_parallel_matches_serial(runner, tmp_path):
    text = STANDARD_EXAMPLE.read_text(encoding="utf-8")
    for i in range(80):
        (tmp_path / f"2025-12-{i % 28 + 1:02d}-incident-{i}.md").write_text(text, encoding="utf-8")
    serial = json.loads(runner.invoke(main, ["list", str(tmp_path), "--format", "json", "--jobs", "1"]).output)
    parallel = json.loads(runner.invoke(main, ["list", str(tmp_path), "--format", "json", "--jobs", "2"]).output)
    assert serial == parallel and len(serial) == 80


def test_list_reports_unreadable_files_and_keeps_going(runner, tmp_path):
    (tmp_path / "2025-01-01-good.md").write_text(STANDARD_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "2025-01-02-bad.md").write_bytes(b"\x00binary")
    r = runner.invoke(main, ["list", str(tmp_path), "--format", "json"])
    assert r.exit_code == 2
    assert len(json.loads(r.stdout)) == 1
    assert "2025-01-02-bad.md" in r.stderr and "binary" in r.stderr


def test_list_of_a_missing_folder(runner, tmp_path):
    r = runner.invoke(main, ["list", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "no such folder" in r.output


def test_every_command_has_help_with_an_example(runner):
    for name, cmd in main.commands.items():
        assert "Example:" in (cmd.help or ""), name
        assert runner.invoke(main, [name, "--help"]).exit_code == 0


def test_the_readme_first_command_runs_on_the_bundled_examples(monkeypatch):
    import re
    import shlex

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n# 1\..*?\n(python3 -m venv[^\n]+)", readme, re.S).group(1)
    monkeypatch.chdir(ROOT)
    steps = [shlex.split(part)[1:] for part in first.split(" && ") if part.startswith(".venv/bin/hindsight ")]
    assert [s[0] for s in steps] == ["list", "check", "review"]
    for args in steps:
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, (args, r.output)
    review = CliRunner().invoke(main, steps[-1]).stdout
    assert "# Monthly postmortem review: 2026-03" in review and "No postmortems this month." not in review


def test_document_text_is_printed_as_text_never_as_terminal_markup(tmp_path, monkeypatch):
    folder = tmp_path / "docs" / "incidents"
    folder.mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (folder / "2026-01-02-markup.md").write_text(
        "# Incident: Fix [/x] and [bold]DNS[/bold] :fire:\n\n**Date:** 2026-01-02\n\n## Action Items\n\n"
        "| Action | Owner | Due Date | Status |\n|---|---|---|---|\n"
        "| Rotate [red]keys[/red] [#12] | @a | 2026-01-05 | TODO |\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args, text in ((["list"], "Fix [/x] and [bold]DNS[/bold] :fire:"), (["actions"], "[red]keys[/red]"),
                       (["show", "2026-01-02-markup"], "[bold]DNS[/bold]"), (["status"], "[/x]")):
        r = CliRunner().invoke(main, args, env={"COLUMNS": "200"})
        assert r.exit_code == 0, (args, r.output)
        assert text in r.stdout, (args, r.stdout)
