"""The labelled corpus of real postmortems: complete, sourced, and read at least as well as when tuned.

`tools/measure_reading.py` prints the figures; this test keeps them from falling. A batch's floor is
its figure after tuning (tests/corpus/SOURCES.md); its untuned figure, measured before any change was
made for it, is the honest one and stays in SOURCES.md.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
_spec = importlib.util.spec_from_file_location("measure_reading", ROOT / "tools" / "measure_reading.py")
measure_reading = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(measure_reading)

#: Facts read right per batch after tuning; a change that reads fewer is a regression.
FLOOR = {1: 107, 2: 359}


def test_every_document_is_labelled_and_sourced():
    facts = measure_reading.load()
    files = {p.name for p in (CORPUS / "real").glob("*.md")}
    assert files == set(facts), "every document has labels in facts.yaml, and every label a document"
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(\d\d\d?-[^`]+\.md)`", sources))
    assert files <= listed, f"not in SOURCES.md: {sorted(files - listed)}"
    for name, labels in facts.items():
        assert labels.get("batch") in FLOOR, f"{name}: its batch has no floor"
        assert set(labels) - {"batch"} <= set(measure_reading.FACTS), name


@pytest.mark.parametrize("batch", sorted(FLOOR))
def test_each_batch_is_read_at_least_as_well_as_when_it_was_tuned(batch):
    results = measure_reading.measure(batch)[batch]
    ok = sum(r[1] for rs in results.values() for r in rs)
    wrong = [f"{name}: {fact}: expected {label!r}, read {got!r}"
             for fact, rs in results.items() for name, good, label, got in rs if not good]
    assert ok >= FLOOR[batch], "\n".join(wrong)
