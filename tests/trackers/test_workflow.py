"""The scheduled workflow of docs/follow-ups.md, run as GitHub Actions would run it: each step's `run`, in
order, in a git work tree with a bare remote, against local servers that answer as GitHub and Slack do."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import yaml
from click.testing import CliRunner

from hindsight.cli import main

from ..conftest import ROOT
from .conftest import SEARCH, items
from .servers import GitHubHandler, serve, webhook


def _workflow() -> dict:
    text = (ROOT / "docs" / "follow-ups.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.github/workflows/postmortem-follow-ups\.yml\n.*?)```", text, re.S).group(1)
    return yaml.safe_load(block)


def test_the_documented_workflow_syncs_commits_reminds_and_fails_on_a_late_postmortem(project, tmp_path):
    flow = _workflow()
    assert flow[True]["schedule"][0]["cron"] and flow["permissions"] == {"contents": "write", "issues": "write"}
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git_env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@x"}
    # A checkout of `main` that tracks its remote, as actions/checkout leaves it.
    for cmd in (["git", "add", "-A"], ["git", "commit", "-qm", "postmortems"], ["git", "branch", "-M", "main"],
                ["git", "remote", "add", "origin", str(remote)], ["git", "push", "-q", "-u", "origin", "main"]):
        subprocess.run(cmd, check=True, cwd=project, env=git_env)
    exits = []
    with serve(GitHubHandler) as (api, state), webhook() as (hook, received):
        secrets = {"GITHUB_TOKEN": "gh-secret", "SLACK_WEBHOOK_URL": hook}
        for step in flow["jobs"]["follow-ups"]["steps"]:
            script = step.get("run", "")
            env = {k: re.sub(r"\$\{\{ secrets\.(\w+) \}\}", lambda m: secrets[m.group(1)], str(v))
                   for k, v in (step.get("env") or {}).items()}
            env["GITHUB_API_URL"] = api  # as the Actions runner sets it
            script = script.replace("${{ github.repository }}", "acme/ops")
            if script.startswith("hindsight "):
                args = [os.path.expandvars(a) if "$" in a else a for a in shlex.split(
                    script.replace("$SLACK_WEBHOOK_URL", env.get("SLACK_WEBHOOK_URL", "")))]
                r = CliRunner().invoke(main, args[1:], env=env)
                exits.append((args[1], r.exit_code))
            elif script.startswith("git "):
                subprocess.run(["bash", "-ec", script], check=True, cwd=project, env={**git_env, **env})
    assert exits == [("actions", 0), ("remind", 0), ("status", 1)]
    # The sync made the issues and wrote their keys; the commit reached the remote.
    assert len(state.issues) == 4 and items(project, SEARCH)[0][2] == "acme/ops#1"
    log = subprocess.run(["git", "--git-dir", str(remote), "log", "--format=%s", "main"], capture_output=True,
                         text=True, check=True).stdout.split("\n")
    assert log[0] == "Sync action items with their issues"
    shown = subprocess.run(["git", "--git-dir", str(remote), "show", f"main:docs/incidents/{SEARCH}.md"],
                           capture_output=True, text=True, check=True).stdout
    assert "[acme/ops#1](https://github.com/acme/ops/issues/1)" in shown
    # The digest reached the channel.
    [(_, message)] = received
    assert message["text"].startswith("Postmortem follow-ups")
