"""`hindsight check` as users and CI run it: exit codes, formats, selection, fixes, the cache."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from hindsight.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
CLEAN = FIXTURES / "2025-12-09-clean.md"
BLAME = FIXTURES / "2025-12-09-blame-language.md"


def put(repo: Path, source: Path, name: str | None = None) -> Path:
    dest = repo / "docs" / "incidents" / (name or source.name)
    shutil.copyfile(source, dest)
    return dest


def run(*args, input=None):
    return CliRunner().invoke(main, ["check", *args, "--today", "2025-12-11"], input=input)


def test_exit_codes_and_text_output(repo):
    put(repo, CLEAN)
    r = run()
    assert r.exit_code == 0, r.output
    assert "0 errors" in r.stderr
    put(repo, BLAME)
    r = run()
    assert r.exit_code == 1
    lines = [ln for ln in r.stdout.splitlines() if ln]
    assert all(re.match(r"^docs/incidents/[\w.-]+\.md:\d+:\d+: HS\d{3} [a-z-]+ .+", ln) for ln in lines), lines
    assert any("HS401 blame-language blameful phrasing `Bob forgot to`" in ln for ln in lines)
    assert run("docs/incidents/nope.md").exit_code == 2


def test_json_format_has_stable_keys(repo):
    put(repo, BLAME)
    data = json.loads(run("--format", "json").stdout)
    assert data and set(data[0]) == {"path", "line", "column", "code", "name", "severity", "message", "fixable"}
    assert {d["code"] for d in data} == {"HS401"}


def test_sarif_and_github_formats(repo):
    put(repo, BLAME)
    sarif = json.loads(run("--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] == "HS401" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] > 1
    rule_ids = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert rule_ids[result["ruleIndex"]] == "HS401"
    gh = run("--format", "github").stdout.splitlines()
    assert gh[0].startswith("::error file=docs/incidents/2025-12-09-blame-language.md,line=")
    assert ",title=HS401 blame-language::" in gh[0]


def test_select_and_ignore_by_code_name_or_prefix(repo):
    put(repo, FIXTURES / "2025-12-09-action-item-no-ticket.md")
    put(repo, BLAME)
    codes = lambda *a: {d["code"] for d in json.loads(run("--format", "json", *a).stdout)}  # noqa: E731
    assert codes() == {"HS401", "HS307"}
    assert codes("--select", "HS3") == {"HS307"}
    assert codes("--select", "blame-language") == {"HS401"}
    assert codes("--ignore", "HS4,action-item-no-ticket") == set()
    r = run("--select", "HS999")
    assert r.exit_code == 2 and "no rule is called `HS999`" in r.stderr


def test_configuration_severity_per_file_ignores_and_unknown_keys(repo):
    put(repo, FIXTURES / "2025-12-09-action-item-no-ticket.md")
    (repo / "hindsight.toml").write_text('[rules.action-item-no-ticket]\nseverity = "error"\n', encoding="utf-8")
    assert run().exit_code == 1
    (repo / "hindsight.toml").write_text('[per_file_ignores]\n"docs/incidents/2025-*" = ["HS3"]\n'
                                         '[rules.HS307]\nseverity = "error"\n', encoding="utf-8")
    assert run().exit_code == 0
    (repo / "hindsight.toml").write_text('why_count = 5\nblame_word = ["x"]\n', encoding="utf-8")
    r = run()
    assert r.exit_code == 2 and "hindsight.toml:2: unknown option `blame_word`" in r.stderr
    (repo / "hindsight.toml").write_text('why_count = "five"\n', encoding="utf-8")
    r = run()
    assert r.exit_code == 2 and "hindsight.toml:1: `why_count` must be a whole number" in r.stderr


def test_roster_in_configuration_catches_plain_names(repo):
    path = put(repo, CLEAN)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "- Team collaborated effectively", "- Zed failed to page the database team"), encoding="utf-8")
    assert run().exit_code == 0
    (repo / "hindsight.toml").write_text('roster = ["Zed"]\n', encoding="utf-8")
    r = run()
    assert r.exit_code == 1 and "`Zed failed to`" in r.stdout


def test_fix_changes_only_the_target_bytes_and_reports(repo):
    path = put(repo, FIXTURES / "2025-12-09-action-item-status-spelling.md")
    before = path.read_bytes()
    r = run("--fix")
    after = path.read_bytes()
    assert "fixed docs/incidents/2025-12-09-action-item-status-spelling.md:110: HS308" in r.stderr
    assert after == before.replace(b"| todo | BE-789 |", "| 🔲 TODO | BE-789 |".encode())
    assert r.exit_code == 0


def test_fix_keeps_crlf_and_bom(repo):
    src = (FIXTURES / "2025-12-09-invalid-status.md").read_text(encoding="utf-8").replace("Finished", "complete")
    path = repo / "docs" / "incidents" / "2025-12-09-crlf.md"
    path.write_bytes(b"\xef\xbb\xbf" + src.replace("\n", "\r\n").encode())
    run("--fix")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"**Status:** Complete" in data
    assert data.count(b"\r\n") == src.count("\n") and b"\n" not in data.replace(b"\r\n", b"")


def test_unsafe_fixes_only_when_asked(repo):
    path = put(repo, FIXTURES / "2025-12-09-duration-mismatch.md")
    run("--fix")
    text = path.read_text(encoding="utf-8")
    assert "**Duration:** 3 hours (14:30 - 16:45 UTC)" in text and "| Duration | 3h |" in text
    run("--fix", "--unsafe-fixes")
    text = path.read_text(encoding="utf-8")
    assert "**Duration:** 2h 15m (14:30 - 16:45 UTC)" in text and "| Duration | 2h 15m |" in text


def test_a_stale_write_is_refused(repo):
    from hindsight.config import load
    from hindsight.lint.engine import make_settings
    from hindsight.lint.run import _check_one

    path = put(repo, FIXTURES / "2025-12-09-action-item-status-spelling.md")
    settings = make_settings(load(), today=None)
    import hindsight.lint.run as runmod

    real = runmod.check_text

    def meanwhile(text, p, s):  # someone saves the file while it is being checked
        findings = real(text, p, s)
        if not meanwhile.done:
            meanwhile.done = True
            path.write_text(text + "\nedited by a person\n", encoding="utf-8")
        return findings

    meanwhile.done = False
    runmod.check_text = meanwhile
    try:
        result = _check_one(path, settings, fix=True, unsafe=False)
    finally:
        runmod.check_text = real
    assert result.error and "changed on disk" in result.error
    assert path.read_text(encoding="utf-8").endswith("edited by a person\n")
    assert "| todo | BE-789 |" in path.read_text(encoding="utf-8")


def test_stdin(repo):
    r = run("-", input=BLAME.read_bytes())
    assert r.exit_code == 1 and r.stdout.startswith("-:")


def test_unreadable_files_are_io_errors(repo):
    put(repo, CLEAN)
    (repo / "docs" / "incidents" / "2025-12-10-binary.md").write_bytes(b"\x00\x01")
    r = run()
    assert r.exit_code == 2 and "2025-12-10-binary.md: this is a binary file" in r.stderr


def test_the_cache_is_used_and_invalidated(repo):
    path = put(repo, CLEAN)
    assert run().exit_code == 0
    cache = repo / ".hindsight" / "cache" / "check.json"
    assert cache.is_file()
    assert (repo / ".hindsight" / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")
    # Forge the cached result: a warm run must report it without reading the file.
    data = json.loads(cache.read_text(encoding="utf-8"))
    entry = data["entries"][next(iter(data["entries"]))]
    entry[-1] = [[1, 1, "HS999", "forged", "error", "from the cache", False]]
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert "from the cache" in run().stdout
    assert "from the cache" not in run("--no-cache").stdout
    # A change to the file is seen.
    path.write_text(BLAME.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert "HS401" in run().stdout


def test_rules_and_rule_commands():
    r = CliRunner().invoke(main, ["rules"])
    assert r.exit_code == 0 and "HS401  blame-language" in r.output
    assert len(r.output.splitlines()) >= 29
    for key in ("HS401", "blame-language"):
        doc = CliRunner().invoke(main, ["rule", key]).output
        assert doc.startswith("# HS401 blame-language") and "## Why is this bad?" in doc
    r = CliRunner().invoke(main, ["rule", "nope"])
    assert r.exit_code == 2 and "no rule is called `nope`" in r.output


def test_generated_docs_are_current_and_complete():
    from hindsight.lint.docs import check_sections, configuration_page, rule_pages

    assert check_sections() == []
    folder = ROOT / "docs" / "rules"
    assert {p.name for p in folder.glob("*.md")} == set(rule_pages()), "run: python -m hindsight.lint.docs"
    for name, text in rule_pages().items():
        assert (folder / name).read_text(encoding="utf-8") == text, f"docs/rules/{name} is stale"
    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == configuration_page()


def test_documented_github_actions_step_works(repo):
    workflow = re.search(r"```yaml\n(# \.github/workflows/.*?)```", (ROOT / "docs" / "ci.md").read_text(), re.S)
    command = re.findall(r"- run: (hindsight check[^\n]*)", workflow.group(1))[0]
    put(repo, BLAME)
    exe = Path(sys.executable).parent / "hindsight"
    r = subprocess.run([str(exe), *command.split()[1:]], capture_output=True, text=True, cwd=repo)
    assert r.returncode == 1
    assert r.stdout.startswith("::error file=docs/incidents/2025-12-09-blame-language.md,line=")


def test_pre_commit_hook_try_repo(repo, tmp_path_factory):
    """The hook from .pre-commit-hooks.yaml, installed by pre-commit itself into its own environment."""
    put(repo, BLAME)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    exe = Path(sys.executable).parent / "pre-commit"
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    r = subprocess.run([str(exe), "try-repo", str(ROOT), "hindsight-check", "--all-files"], cwd=repo,
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "HS401 blame-language" in r.stdout
    shutil.copyfile(CLEAN, repo / "docs" / "incidents" / BLAME.name)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    r = subprocess.run([str(exe), "try-repo", str(ROOT), "hindsight-check", "--all-files"], cwd=repo,
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
