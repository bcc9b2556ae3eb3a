"""The portal's SQLite index behind the workspace: search pages, their order and snippets, on a real file."""

from __future__ import annotations

from hindsight.access import Viewer
from hindsight.config import Config
from hindsight.records import Reader
from hindsight.store.sqlite import SqliteStore
from hindsight.workspace import PostmortemQuery, Workspace

DOC = """{front}# Incident: {title}

**Date:** {date}
**Severity:** P2
**Status:** Draft

## Summary

{summary}
"""
PUBLIC = Viewer.member_of([])


def write(folder, n: int, summary: str, *, restricted: bool = False) -> str:
    date = f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}"
    front = "---\nclassification: restricted\nallowed_groups: [security]\n---\n" if restricted else ""
    name = f"{date}-incident-{n}"
    (folder / f"{name}.md").write_text(DOC.format(front=front, title=f"Incident {n}", date=date, summary=summary),
                                       encoding="utf-8")
    return name


def workspace(tmp_path, folder, refresh_seconds=2.0) -> tuple[Workspace, SqliteStore]:
    config = Config(root=tmp_path)
    store = SqliteStore(Reader.for_config(config, folder), folder, tmp_path / ".hindsight" / "index.sqlite",
                        refresh_seconds=refresh_seconds)
    return Workspace(config, folder=folder, store=store), store


def test_search_pages_are_newest_first_with_snippets_and_hide_restricted(tmp_path):
    folder = tmp_path / "docs" / "incidents"
    folder.mkdir(parents=True)
    matching = [write(folder, n, f"The replica lagged behind the primary during run {n}.") for n in range(0, 60, 2)]
    for n in range(1, 60, 2):
        write(folder, n, "A certificate expired.")
    secret = write(folder, 61, "The replica key leaked.", restricted=True)
    ws, store = workspace(tmp_path, folder)
    store.refresh()

    seen = []
    for page in range(1, 4):
        listing = ws.postmortems(PUBLIC, PostmortemQuery(q="replica", page=page, page_size=12))
        assert listing.total == 30
        assert all("\x02replica\x03" in listing.snippets[r.id].lower() for r in listing.items)
        seen += [r.id for r in listing.items]
    assert seen == sorted(matching, reverse=True)  # every match once, newest first, across pages

    listing = ws.postmortems(Viewer.member_of(["security"]), PostmortemQuery(q="replica", page_size=5))
    assert listing.total == 31 and listing.items[0].id == secret
    best = ws.postmortems(PUBLIC, PostmortemQuery(q="replica primary", sort="relevance", page_size=100))
    assert {r.id for r in best.items} == set(matching)
    # Pages of the best-match order are slices of the one order, and count what newest-first counts.
    paged = [ws.postmortems(PUBLIC, PostmortemQuery(q="replica primary", sort="relevance", page=n, page_size=7))
             for n in range(1, 6)]
    assert [r.id for p in paged for r in p.items] == [r.id for r in best.items]
    newest = ws.postmortems(PUBLIC, PostmortemQuery(q="replica primary", page_size=7))
    assert {p.total for p in paged} == {best.total} == {newest.total} == {30}
    assert [r.id for r in ws.postmortems(Viewer.member_of(["security"]), PostmortemQuery(
        q="replica", sort="relevance", page_size=100)).items].count(secret) == 1  # seen by its group, once
    assert ws.postmortems(PUBLIC, PostmortemQuery(q="zebracorn")).total == 0
    # A restricted document's words give it away to nobody outside its groups: no hit, no snippet.
    assert ws.postmortems(PUBLIC, PostmortemQuery(q="leaked")).total == 0


def test_an_unreadable_file_leaves_every_query_and_is_not_read_again_until_it_changes(tmp_path):
    folder = tmp_path / "docs" / "incidents"
    folder.mkdir(parents=True)
    good = write(folder, 1, "The replica lagged.")
    broken = write(folder, 2, "The replica lagged again.")
    ws, store = workspace(tmp_path, folder, refresh_seconds=0)
    store.refresh()
    assert ws.postmortems(PUBLIC, PostmortemQuery(q="replica")).total == 2

    path = folder / f"{broken}.md"
    path.write_bytes(b"\x00\x01binary" * 100)  # replaced by something that is not a postmortem
    assert store.refresh(force=True) == {"added": 0, "updated": 1, "removed": 0}
    listing = ws.postmortems(PUBLIC, PostmortemQuery(q="replica"))
    assert listing.total == 1 and [r.id for r in listing.items] == [good]  # its old text is not served
    assert ws.postmortems(PUBLIC).total == 1 and broken not in {r.id for r in ws.records(PUBLIC)}
    assert [e for e in ws.errors() if "binary file" in e] == [
        f"docs/incidents/{broken}.md: this is a binary file, not Markdown text; give the path of a .md file"]
    assert store.refresh(force=True) == {"added": 0, "updated": 0, "removed": 0}  # not re-read while unchanged

    write(folder, 2, "The replica lagged once more.")
    assert store.refresh(force=True)["updated"] == 1
    assert ws.postmortems(PUBLIC, PostmortemQuery(q="replica")).total == 2


def replica_cause(tmp_path):
    """A folder with one postmortem whose cause is about a replica (the theme `Replication`, when configured)."""
    folder = tmp_path / "docs" / "incidents"
    folder.mkdir(parents=True)
    name = write(folder, 1, "The replica lagged.")
    with (folder / f"{name}.md").open("a", encoding="utf-8") as f:
        f.write("\n## Root Cause Analysis\n\n### What Happened\n\nThe replica fell behind its primary.\n")
    return folder


def test_the_index_survives_a_restart_and_is_rebuilt_for_another_configuration(tmp_path):
    folder = replica_cause(tmp_path)
    ws, store = workspace(tmp_path, folder)
    first = ws.records(PUBLIC)
    again, _ = workspace(tmp_path, folder)  # a new process: the records come from the file, unchanged
    assert again.records(PUBLIC) == first and again.store.generation == store.generation  # nothing read again
    themed = Config(root=tmp_path, values={"themes": {"Replication": ["replica"]}})
    other = SqliteStore(Reader.for_config(themed, folder), folder, tmp_path / ".hindsight" / "index.sqlite")
    assert "Replication" in other.records()[0].themes  # another taxonomy: every record rebuilt


WRITER = """
import sys
from pathlib import Path
from hindsight.config import Config
from hindsight.records import Reader
from hindsight.store.sqlite import SqliteStore

root, rounds = Path(sys.argv[1]), int(sys.argv[2])
folder = root / "docs" / "incidents"
store = SqliteStore(Reader.for_config(Config(root=root), folder), folder, root / ".hindsight" / "index.sqlite")
for n in range(rounds):
    word = "beta" if n % 2 == 0 else "alpha"
    for p in sorted(folder.glob("*.md")):
        p.write_text(p.read_text(encoding="utf-8").replace("alpha" if word == "beta" else "beta", word),
                     encoding="utf-8")
    store.refresh(force=True)  # one change to the index: every file of this round at once
print(store.generation)
"""


def test_another_process_s_change_is_seen_whole_and_never_half_written(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "docs" / "incidents"
    folder.mkdir(parents=True)
    for n in range(40):
        write(folder, n, f"Round word alpha, document {n}.")
    ws, store = workspace(tmp_path, folder)
    assert {r.summary.split(",")[0] for r in store.records()} == {"Round word alpha"}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), "12"], stdout=subprocess.PIPE, text=True)
    seen = set()
    while writer.poll() is None:
        words = {r.summary.split(",")[0] for r in store.records()}  # this process only reads: no scan
        assert len(words) == 1, words  # all of one round, never some files of the next
        seen |= words
        # The search answers from the same index: every document holds the round's word, or none does.
        found = ws.postmortems(PUBLIC, PostmortemQuery(q="beta", page_size=100)).total
        assert found in (0, 40)
    assert writer.returncode == 0
    final = int(writer.stdout.read())
    assert store.records() and store.generation == final
    assert seen == {"Round word alpha", "Round word beta"}  # both rounds were seen from here, each whole


def test_one_process_scans_on_its_timer_and_another_takes_over_when_it_ends(tmp_path):
    folder = tmp_path / "docs" / "incidents"
    folder.mkdir(parents=True)
    write(folder, 1, "First words.")
    _, leader = workspace(tmp_path, folder, refresh_seconds=0)
    _, follower = workspace(tmp_path, folder, refresh_seconds=0)
    assert leader.leading and not follower.leading
    leader.refresh()
    write(folder, 2, "A new postmortem.")
    assert follower.refresh() == {"added": 0, "updated": 0, "removed": 0}  # a follower does not scan
    assert len(follower.records()) == 1
    assert leader.refresh()["added"] == 1
    assert len(follower.records()) == 2  # what the leader wrote, read back from the index
    leader.close()
    assert follower.leading  # the lock passed on
    write(folder, 3, "Another.")
    assert follower.refresh()["added"] == 1


def test_a_process_holding_the_index_reads_it_all_again_when_another_rebuilds_it(tmp_path):
    folder = replica_cause(tmp_path)
    _, old = workspace(tmp_path, folder)
    assert old.records() and "Replication" not in old.records()[0].themes
    themed = Config(root=tmp_path, values={"themes": {"Replication": ["replica"]}})
    new = SqliteStore(Reader.for_config(themed, folder), folder, tmp_path / ".hindsight" / "index.sqlite")
    new.refresh(force=True)  # the index made again for another configuration
    assert new.generation > old.generation
    assert "Replication" in old.records()[0].themes  # the old holder reads the rebuilt rows, not its own copy
