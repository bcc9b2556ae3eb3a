"""Converting postmortems of any shape into the standard's template: same facts, nothing dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsight import parse
from hindsight.convert import convert_file, words

from .conftest import ROOT

OURS = sorted((ROOT / "tests" / "corpus" / "real").glob("*.md"))


def facts(pm):
    return {"severity": pm.severity, "duration": pm.duration_minutes,
            "timeline": [e.at for e in pm.timeline],
            "actions": [(a.action, a.owner, a.status, a.due) for a in pm.action_items]}


def check_conversion(path: Path) -> None:
    conv = convert_file(path)
    source = parse(conv.markdown)
    if conv.problem:  # only a document whose date nobody can tell, and the message says how to fix it
        assert source.date is None and "**Date:**" in conv.problem
        return
    out = parse(conv.text)
    assert conv.name.startswith(out.date.isoformat()) and conv.name.endswith(".md")
    if source.date:
        assert out.date == source.date
    assert facts(out) == facts(source)
    # Every non-blank line's words are in the output; a time, due date or status is
    # written in the standard's form instead.
    times: dict[int, set[str]] = {}
    for e in source.timeline:
        if e.at is not None:
            times.setdefault(e.line, set()).update(words(e.time_text))
    for a in source.action_items:
        times.setdefault(a.line, set()).update(words(a.due_text or "") if a.due else set(),
                                               words(a.status_text or "") if a.status else set())
    written = words(conv.text)
    for no, line in enumerate(conv.markdown.splitlines(), 1):
        missing = words(line) - written - times.get(no, set())
        assert not missing, f"{path.name}:{no} lost {sorted(missing)[:5]}: {line!r}"
    for first, last in conv.kept:  # what was not placed is there verbatim
        for line in conv.markdown.splitlines()[first - 1:last]:
            assert line in conv.text


@pytest.mark.parametrize("path", OURS, ids=lambda p: p.stem)
def test_our_real_corpus_converts_with_its_facts_and_every_line(path):
    check_conversion(path)


def test_the_shared_real_corpus_converts_with_its_facts_and_every_line(real_corpus):
    docs = sorted(p for p in real_corpus.glob("*.md") if p.name != "SOURCES.md")
    assert len(docs) >= 36
    for path in docs:
        check_conversion(path)
