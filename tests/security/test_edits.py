"""Edits that must not corrupt a file: every value a table cell cannot hold is escaped or refused, an id
names the same row whatever moved around it, and only the target bytes ever change."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hindsight.cli import main
from hindsight.edit import set_action
from hindsight.errors import InputError, NotFoundError

DOC = """# Incident: X

**Date:** 2025-12-09
**Status:** Draft

## Action Items

| Action | Owner | Due Date | Status | Ticket |
|--------|-------|----------|--------|--------|
| Add connection wait time alert | @sre | 2025-12-16 | TODO | SRE-1 |
| Create connection pool runbook | @sre | 2025-12-20 | TODO | SRE-2 |
| Review all ORM eager loading | @backend | 2026-01-10 | TODO | BE-3 |
"""
ALERT = "2025-12-09-x#add-connection-wait-time-alert"


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "2025-12-09-x.md"
    path.write_text(DOC, encoding="utf-8")
    return path


def test_an_id_names_the_same_row_when_rows_are_inserted_deleted_or_reordered(doc):
    lines = DOC.splitlines(keepends=True)
    rows = lines[9:12]
    # Someone adds a row at the top, moves the alert to the bottom and deletes the runbook.
    doc.write_text("".join(lines[:9] + ["| A new first item | @new | 2026-02-01 | TODO | N-1 |\n", rows[2], rows[0]]),
                   encoding="utf-8")
    set_action(doc, ALERT, status="DONE")
    text = doc.read_text(encoding="utf-8")
    assert "| Add connection wait time alert | @sre | 2025-12-16 | DONE | SRE-1 |" in text
    assert "| A new first item | @new | 2026-02-01 | TODO | N-1 |" in text
    assert "| Review all ORM eager loading | @backend | 2026-01-10 | TODO | BE-3 |" in text


def test_an_id_whose_row_changed_its_words_is_refused(doc):
    doc.write_text(DOC.replace("Add connection wait time alert", "Add a queue depth alert"), encoding="utf-8")
    before = doc.read_bytes()
    with pytest.raises(NotFoundError, match="no action item"):
        set_action(doc, ALERT, status="DONE")
    assert doc.read_bytes() == before


def test_an_id_column_gives_the_ids(tmp_path):
    path = tmp_path / "2025-12-09-y.md"
    text = DOC.replace("| Action |", "| ID | Action |").replace("|--------|-------|", "|----|--------|-------|", 1)
    for n, start in enumerate(("| Add connection", "| Create", "| Review"), start=1):
        text = text.replace(start, f"| {n} {start}")
    path.write_text(text, encoding="utf-8")
    set_action(path, "2025-12-09-y#2", status="DONE")
    assert "| 2 | Create connection pool runbook | @sre | 2025-12-20 | DONE | SRE-2 |" in path.read_text()


@pytest.mark.parametrize("value, stored", [
    ("X|Y", "X\\|Y"), ("SRE-9 | SRE-10", "SRE-9 \\| SRE-10"), ("  padded  ", "padded"),
    ("https://tracker.example/issues/9?a=1&b=|", "https://tracker.example/issues/9?a=1&b=\\|"),
])
def test_a_pipe_in_a_ticket_is_escaped_and_reads_back(doc, value, stored):
    set_action(doc, ALERT, ticket=value)
    text = doc.read_text(encoding="utf-8")
    assert f"| {stored} |" in text and text.count("\n") == DOC.count("\n")
    r = CliRunner().invoke(main, ["show", str(doc), "--format", "json"])
    import json

    items = json.loads(r.stdout)["action_items"]
    assert len(items) == 3 and items[0]["ticket"] == value.strip()


@pytest.mark.parametrize("value", ["X\nY", "X\r\nY", "X\rY", "line\u2028break", "para\u2029graph", "nul\x00",
                                   "bell\x07", "tab\there", "\ud800", "x" * 501, "next\x85line"])
@pytest.mark.parametrize("field", ["ticket", "owner"])
def test_a_value_a_cell_cannot_hold_is_refused_and_nothing_is_written(doc, value, field):
    before = doc.read_bytes()
    with pytest.raises(InputError):
        set_action(doc, ALERT, **{field: value})
    assert doc.read_bytes() == before


def test_the_cli_refuses_a_newline_ticket_with_one_line(doc, monkeypatch):
    monkeypatch.chdir(doc.parent)
    before = doc.read_bytes()
    r = CliRunner().invoke(main, ["actions", "set", ALERT, "--ticket", "A\n## Injected", "--dir", str(doc.parent)])
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1 and "line break" in r.stderr
    assert doc.read_bytes() == before


# -- one definition of a line, whatever the document holds --------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from hindsight import parse  # noqa: E402
from hindsight.edit import plan_action  # noqa: E402
from hindsight.text import apply, line_starts  # noqa: E402

#: Every character some program breaks a line at; only \n, \r\n and \r end a line in Markdown.
ODD_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
PROSE = st.text(alphabet=st.sampled_from(list("abc xyz.,:#*|`-") + list(ODD_BREAKS) + ["é", "😀", "\t"]),
                max_size=40)
CELL = st.text(alphabet=st.sampled_from(list("abcdef XYZ-_.#@/:") + list(ODD_BREAKS) + ["|", "é"]),
               min_size=1, max_size=20).filter(lambda s: s.strip() and not s.strip().startswith("|"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_edit_changes_only_its_cell_whatever_line_breaks_the_document_holds(data):
    eol = data.draw(st.sampled_from(["\n", "\r\n", "\r"]))
    prose = data.draw(st.lists(PROSE, max_size=6))
    n = data.draw(st.integers(1, 4))
    actions = [f"Do thing {i} " + data.draw(st.text(alphabet=st.sampled_from(list("abc ") + list(ODD_BREAKS)),
                                                      max_size=8)) for i in range(n)]
    lines = ["# Incident: Hostile", "", "**Date:** 2025-12-09", "", "## Summary", "", *prose, "",
             "## Action Items", "", "| Action | Owner | Due Date | Status | Ticket |", "|---|---|---|---|---|"]
    lines += [f"| {a} | @o{i} | 2026-01-0{i + 1} | TODO | T-{i} |" for i, a in enumerate(actions)]
    text = eol.join(lines) + eol
    pm = parse(text, path="2025-12-09-hostile.md")
    if any(p.lstrip(" ").startswith(("```", "~~~")) for p in "\n".join(prose).splitlines()):
        # An unclosed fence hides the rest, as it does in every renderer: the reader must say so.
        assert any(d.code == "unclosed-fence" for d in pm.diagnostics) or len(pm.action_items) == n
        return
    assert len(pm.action_items) == n  # an odd character never splits or hides a row
    item = data.draw(st.sampled_from(pm.action_items))
    field = data.draw(st.sampled_from(["status", "owner", "ticket"]))
    value = {"status": data.draw(st.sampled_from(["DONE", "in progress", "✅", "won't fix"])),
             "owner": "@" + data.draw(st.text(alphabet="abcxyz", min_size=1, max_size=6)),
             "ticket": data.draw(CELL)}[field]
    # The item by its id in its file, or by the id a `[[sources]]` repository's postmortem has (`payments:…`).
    ref = data.draw(st.sampled_from([item.id, f"payments:{item.id}"]))
    try:
        edits, _ = plan_action(text, pm, ref, **{field: value})
    except InputError:
        assert field == "ticket" and any(c in value.strip() for c in ODD_BREAKS)
        return
    new = apply(text, edits)
    # The bytes that changed all lie inside the target cell (with the padding up to its closing pipe).
    head = 0
    while head < min(len(text), len(new)) and text[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(text), len(new)) - head and text[-1 - tail] == new[-1 - tail]:
        tail += 1
    span = item.cells[field]
    start = line_starts(text)[span.line - 1] + span.start
    pipe = text.index("|", line_starts(text)[span.line - 1] + span.end)
    assert new == text or (start <= head and len(text) - tail <= pipe), (text, new)
    again = parse(new, path="2025-12-09-hostile.md")
    assert [a.id for a in again.action_items] == [a.id for a in pm.action_items]


def test_a_table_without_its_delimiter_row_and_a_short_row_are_named_for_what_they_are(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "2026-01-02-x.md"
    head = "# Incident: X\n\n**Date:** 2026-01-02\n\n## Action Items\n\n| Action | Owner | Due Date | Status |\n"
    path.write_text(head + "| Add alert | @a | 2026-01-05 | TODO |\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(path), "--select", "HS113"])
    assert r.exit_code == 1 and "no delimiter row" in r.stdout and "`|---|---|---|---|` after line 7" in r.stdout
    path.write_text(head + "|---|---|---|---|\n| Fix the alert | @b |\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["actions", "set", "2026-01-02-x#fix-the-alert", "DONE", "--dir", str(tmp_path)])
    assert r.exit_code == 2 and "has fewer cells than the table's header" in r.stderr
    r = CliRunner().invoke(main, ["check", str(path), "--select", "HS113"])
    assert "row has 2 cells, the header has 4" in r.stdout
