"""The portal's SQLite index: search pages, their order and their snippets, on a real file."""

from __future__ import annotations

from hindsight.web.index import Index

DOC = """{front}# Incident: {title}

**Date:** {date}
**Severity:** P2
**Status:** Draft

## Summary

{summary}
"""


def write(folder, n: int, summary: str, *, restricted: bool = False) -> str:
    date = f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}"
    front = "---\nclassification: restricted\nallowed_groups: [security]\n---\n" if restricted else ""
    name = f"{date}-incident-{n}"
    (folder / f"{name}.md").write_text(DOC.format(front=front, title=f"Incident {n}", date=date, summary=summary),
                                       encoding="utf-8")
    return name


def test_search_pages_are_newest_first_with_snippets_and_hide_restricted(tmp_path):
    folder = tmp_path / "docs" / "incidents"
    folder.mkdir(parents=True)
    matching = [write(folder, n, f"The replica lagged behind the primary during run {n}.") for n in range(0, 60, 2)]
    for n in range(1, 60, 2):
        write(folder, n, "A certificate expired.")
    secret = write(folder, 61, "The replica key leaked.", restricted=True)
    index = Index(folder, tmp_path / ".hindsight" / "index.sqlite")
    index.refresh()

    seen = []
    for page in range(3):
        rows, total = index.query(frozenset(), q="replica", limit=12, offset=page * 12)
        assert total == 30
        assert all("\x02replica\x03" in r["snip"].lower() for r in rows)
        seen += [r["id"] for r in rows]
    assert seen == sorted(matching, reverse=True)  # every match once, newest first, across pages

    rows, total = index.query(frozenset({"security"}), q="replica", limit=5)
    assert total == 31 and rows[0]["id"] == secret
    rows, _ = index.query(frozenset(), q="replica primary", sort="relevance", limit=100)
    assert {r["id"] for r in rows} == set(matching)
    assert index.query(frozenset(), q="zebracorn")[1] == 0


def test_an_unreadable_file_leaves_every_query_and_is_not_read_again_until_it_changes(tmp_path):
    folder = tmp_path / "docs" / "incidents"
    folder.mkdir(parents=True)
    good = write(folder, 1, "The replica lagged.")
    broken = write(folder, 2, "The replica lagged again.")
    index = Index(folder, tmp_path / ".hindsight" / "index.sqlite", refresh_seconds=0)
    index.refresh()
    assert index.query(frozenset(), q="replica")[1] == 2

    path = folder / f"{broken}.md"
    path.write_bytes(b"\x00\x01binary" * 100)  # replaced by something that is not a postmortem
    assert index.refresh(force=True) == {"added": 0, "updated": 1, "removed": 0}
    rows, total = index.query(frozenset(), q="replica")
    assert total == 1 and [r["id"] for r in rows] == [good]  # its old text is not served
    assert index.query(frozenset())[1] == 1 and index.file(broken) is None
    assert "binary file" in index.db.execute("SELECT error FROM files WHERE id = ?", (broken,)).fetchone()[0]
    assert index.refresh(force=True) == {"added": 0, "updated": 0, "removed": 0}  # not re-read while unchanged

    write(folder, 2, "The replica lagged once more.")
    assert index.refresh(force=True)["updated"] == 1
    assert index.query(frozenset(), q="replica")[1] == 2
