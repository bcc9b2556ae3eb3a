"""Action items across the repository: list, stats, and in-place edits."""

from __future__ import annotations

import json
import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight import parse, render
from hindsight.edit import plan_action, set_action

from ..strategies import postmortems
from .conftest import cli

POOL = "2025-12-09-database-connection-pool-exhaustion"
ALERT = f"{POOL}#add-connection-wait-time-alert"
RUNBOOK = f"{POOL}#create-connection-pool-runbook"
LOAD_TEST = f"{POOL}#add-load-test-with-prod-like-data"
ORM_REVIEW = f"{POOL}#review-all-orm-eager-loading"




def test_list_json_has_every_item_with_stable_keys(repo):
    rows = json.loads(cli("actions", "list", "--format", "json", "--today", "2026-02-01").stdout)
    assert len(rows) == 19
    assert set(rows[0]) == {"id", "path", "line", "action", "owner", "due", "status", "ticket", "severity",
                            "incident_date", "overdue"}
    first = rows[0]
    assert first["id"] == f"{ALERT}" and first["owner"] == "@sre-team" and first["due"] == "2025-12-16"
    assert first["status"] == "DONE" and first["ticket"] == "SRE-123" and first["severity"] == "P1"
    assert first["incident_date"] == "2025-12-09" and first["overdue"] is False
    overdue = {r["id"] for r in rows if r["overdue"]}
    assert overdue == {f"{RUNBOOK}", f"{LOAD_TEST}", f"{ORM_REVIEW}",
                       "2026-01-14-checkout-outage-after-certificate-expiry#add-certificate-automation-to-the-dns"}


def test_filters(repo):
    def ids(*args):
        return [r["id"] for r in json.loads(cli("actions", "--format", "json", "--today", "2026-02-01",
                                                *args).stdout)]

    assert len(ids("--owner", "@platform")) == 5 and ids("--owner", "platform") == ids("--owner", "@platform")
    assert len(ids("--status", "done")) == 6 and len(ids("--status", "open")) == 12
    assert len(ids("--severity", "P0")) == 5
    assert len(ids("--since", "2026-03-01")) == 6 and len(ids("--until", "2025-12-31")) == 5
    assert len(ids("--overdue")) == 4
    assert ids("--file", f"{POOL}.md") == [f"{POOL}#{k}" for k in (
        "add-connection-wait-time-alert", "create-connection-pool-runbook", "add-load-test-with-prod-like-data",
        "review-all-orm-eager-loading", "increase-default-pool-size")]


def test_stats_by_hand(repo):
    figures = json.loads(cli("actions", "stats", "--format", "json", "--today", "2026-02-01").stdout)
    # 19 items: 6 DONE, 1 WONTFIX -> 6 / (19 - 1)
    assert (figures["total"], figures["done"], figures["wontfix"], figures["open"], figures["overdue"]) == \
        (19, 6, 1, 12, 4)
    assert figures["completion_rate"] == round(6 / 18, 4)
    assert figures["by_severity"]["P0"] == {"total": 5, "done": 2, "wontfix": 1, "open": 2, "overdue": 1,
                                            "no_status": 0, "completion_rate": 0.5}
    assert figures["by_owner"]["@sre-team"]["done"] == 3
    assert "DONE / (all - WONTFIX)" in figures["formula"]
    text = cli("actions", "stats", "--today", "2026-02-01").stdout
    assert "33%" in text and "DONE / (all - WONTFIX)" in text


def test_markdown_and_csv_formats(repo):
    md = cli("actions", "--format", "markdown", "--file", f"{POOL}.md").stdout.splitlines()
    assert md[0] == "| ID | Action | Owner | Due | Status | Ticket |"
    assert md[2] == f"| {ALERT} | Add connection wait time alert | @sre-team | 2025-12-16 | ✅ DONE | SRE-123 |"
    csv_lines = cli("actions", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "id,path,line,action,owner,due,status,ticket,severity,incident_date,overdue"
    assert len(csv_lines) == 20


def test_set_changes_exactly_one_cell_and_keeps_emoji_style(repo):
    path = repo / "docs" / "incidents" / f"{POOL}.md"
    before = path.read_bytes()
    r = cli("actions", "set", f"{LOAD_TEST}", "done")
    assert r.exit_code == 0, r.output
    assert f"{POOL}.md:109: status: 🔲 TODO -> ✅ DONE" in r.stdout
    after = path.read_bytes()
    assert after == before.replace("| 🔲 TODO | PLAT-456 |".encode(), "| ✅ DONE | PLAT-456 |".encode())
    r = cli("actions", "set", f"{LOAD_TEST}", "--owner", "@qa", "--due", "2026-02-15", "--ticket", "QA-1")
    assert r.exit_code == 0, r.output
    line = path.read_text(encoding="utf-8").splitlines()[108]
    assert line == "| Add load test with prod-like data | @qa | 2026-02-15 | ✅ DONE | QA-1 |"


def test_set_keeps_a_padded_table_aligned():
    text = ("# Incident: X\n\n**Date:** 2025-01-02\n\n## Action Items\n\n"
            "| Action     | Owner   | Due        | Status      |\n"
            "|------------|---------|------------|-------------|\n"
            "| Add alert  | @sre    | 2025-01-09 | TODO        |\n")
    pm = parse(text, path="2025-01-02-x.md")
    edits, _ = plan_action(text, pm, "2025-01-02-x#add-alert", status="in progress")
    from hindsight.text import apply

    new = apply(text, edits).splitlines()[-1]
    assert new == "| Add alert  | @sre    | 2025-01-09 | IN PROGRESS |"
    assert new.index("|", 40) == text.splitlines()[-1].index("|", 40)


def test_checklists_and_bullets(tmp_path):
    path = tmp_path / "2025-01-02-x.md"
    path.write_text("# Incident: X\n\n**Date:** 2025-01-02\n\n## Action Items\n\n- [ ] Add alert\n"
                    "- Write runbook\n", encoding="utf-8")
    set_action(path, "2025-01-02-x#add-alert", status="DONE")
    assert "- [x] Add alert\n" in path.read_text(encoding="utf-8")
    from hindsight.errors import HindsightError

    with pytest.raises(HindsightError, match="can be TODO or DONE"):
        set_action(path, "2025-01-02-x#add-alert", status="IN PROGRESS")
    with pytest.raises(HindsightError, match="not a table row"):
        set_action(path, "2025-01-02-x#write-runbook", status="DONE")


def test_bad_input_gets_one_line_and_nothing_is_written(repo):
    path = repo / "docs" / "incidents" / f"{POOL}.md"
    before = path.read_bytes()
    for args, words in (
        (["actions", "set", f"{POOL}#99", "DONE"], f"no action item `{POOL}#99`"),
        (["actions", "set", "nope#1", "DONE"], "no postmortem `nope.md`"),
        (["actions", "set", f"{ALERT}", "finished-ish"], "is not an action-item status"),
        (["actions", "set", f"{ALERT}", "--owner", "@a, @b"], "more than one owner"),
        (["actions", "set", f"{ALERT}"], "nothing to change"),
    ):
        r = cli(*args)
        assert r.exit_code == 2, args
        assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert path.read_bytes() == before
    os.chmod(path, stat.S_IRUSR)
    try:
        r = cli("actions", "set", f"{LOAD_TEST}", "DONE")
        assert r.exit_code == 2 and "read-only" in r.stderr
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert path.read_bytes() == before


def test_a_stale_version_is_refused(repo):
    from hindsight.edit import version
    from hindsight.errors import ConflictError

    path = repo / "docs" / "incidents" / f"{POOL}.md"
    seen = version(path.read_bytes())
    set_action(path, f"{LOAD_TEST}", status="IN PROGRESS", expected_version=seen)  # first editor wins
    after_first = path.read_bytes()
    with pytest.raises(ConflictError, match="changed since you read it"):
        set_action(path, f"{LOAD_TEST}", status="DONE", expected_version=seen)  # second saw the old file
    assert path.read_bytes() == after_first


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_edit_changes_exactly_the_target_cell(data):
    pm = data.draw(postmortems())
    if not pm.action_items:
        return
    text = render(pm)
    parsed = parse(text, path="2025-01-01-x.md")
    item = data.draw(st.sampled_from(parsed.action_items))
    field = data.draw(st.sampled_from(["status", "owner", "due", "ticket"]))
    value = {"status": data.draw(st.sampled_from(["TODO", "IN PROGRESS", "DONE", "WONTFIX"])),
             "owner": "@" + data.draw(WORD), "due": data.draw(st.dates()),
             "ticket": "T-" + str(data.draw(st.integers(1, 9999)))}[field]
    if field not in item.cells:
        return
    from hindsight.text import apply

    edits, _ = plan_action(text, parsed, item.id, **{field: value})
    new = apply(text, edits)
    old_lines, new_lines = text.splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert changed in ([], [item.line - 1])
    if changed:
        span = item.cells[field]
        old, new_line = old_lines[span.line - 1], new_lines[span.line - 1]
        assert old[:span.start] == new_line[:span.start]  # nothing before the cell changed
        tail_old = old[old.index("|", span.end):]
        assert new_line.endswith(tail_old)  # nothing after the cell's closing pipe changed
        again = parse(new, path="2025-01-01-x.md").action_items[parsed.action_items.index(item)]
        got = {"status": again.status, "owner": again.owner, "due": again.due, "ticket": again.ticket}[field]
        assert got == value
