"""How many of a careful reader's facts Hindsight reads right, per batch of real postmortems.

    python tools/measure_reading.py [--batch N] [--wrong]

The facts are `tests/corpus/facts.yaml` (title, incident date, severity, timeline count with its first
and last event, action items, the root cause, the duration), written by reading each document of
`tests/corpus/real/` before looking at what Hindsight reads. Each batch is measured when it is added,
before any change is made for it: that untuned figure is the honest one, and is kept beside the tuned
one in `tests/corpus/SOURCES.md`. `--wrong` lists every fact read wrongly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT / "src"))

FACTS = ("title", "date", "severity", "events", "first", "last", "actions", "root_cause", "duration")


def load() -> dict[str, dict[str, Any]]:
    import yaml

    return yaml.safe_load((CORPUS / "facts.yaml").read_text(encoding="utf-8"))


def _options(v: Any) -> list[Any]:
    return v if isinstance(v, list) and not (len(v) == 2 and all(isinstance(x, int) for x in v)) else [v]


def _event_matches(e, label: str) -> bool:
    if e is None:
        return False
    if "T" not in label:
        day = e.date or (e.at.date() if e.at else None)
        return day is not None and day.isoformat() == label
    want = dt.datetime.fromisoformat(label)
    return e.at is not None and e.precision != "date" and e.at.replace(second=0, microsecond=0) == want


def cause_text(pm) -> str:
    rc = pm.root_cause
    parts = [rc.what_happened, rc.statement, *(f"{f.title} {f.description}" for f in rc.contributing_factors),
             *(w.answer for w in rc.five_whys)]
    return " ".join(" ".join(parts).split()).lower()


def check(pm, fact: str, label: Any) -> tuple[bool, Any]:
    """Whether the reader's value of one fact agrees with the label, and what the reader read."""
    if fact == "title":
        got = pm.title
        return (got is None if label is None else got in _options(label)), got
    if fact == "date":
        got = pm.date.isoformat() if pm.date else None
        return (got is None if label is None else got in [str(x) for x in _options(label)]), got
    if fact == "severity":
        return (pm.severity == label), pm.severity
    if fact == "events":
        return len(pm.timeline) == label, len(pm.timeline)
    if fact in ("first", "last"):
        e = (pm.timeline[0] if fact == "first" else pm.timeline[-1]) if pm.timeline else None
        got = (e.at.isoformat() if e and e.at and e.precision != "date" else (e.date.isoformat() if e and e.date
                                                                                else None)) if e else None
        return (e is None if label is None else _event_matches(e, str(label))), got
    if fact == "actions":
        return len(pm.action_items) == label, len(pm.action_items)
    if fact == "root_cause":
        text = cause_text(pm)
        if label is None:
            return not text, text[:80]
        return any(str(x).lower() in text for x in _options(label)), text[:80]
    if fact == "duration":
        got = pm.duration_minutes
        if label is None:
            return got is None, got
        if isinstance(label, list):
            return got is not None and label[0] <= got <= label[1], got
        return got == label, got
    raise ValueError(fact)


def measure(batch: int | None = None) -> dict[int, dict[str, list]]:
    """{batch: {fact: [(file, ok, label, got), …]}}"""
    from hindsight import read

    out: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for name, labels in sorted(load().items()):
        b = labels.get("batch", 0)
        if batch is not None and b != batch:
            continue
        pm = read(CORPUS / "real" / name)
        for fact in FACTS:
            if fact in labels:
                ok, got = check(pm, fact, labels[fact])
                out[b][fact].append((name, ok, labels[fact], got))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int)
    ap.add_argument("--wrong", action="store_true", help="list every fact read wrongly")
    args = ap.parse_args()
    results = measure(args.batch)
    total_ok = total = 0
    for b, facts in sorted(results.items()):
        ok = sum(r[1] for rs in facts.values() for r in rs)
        n = sum(len(rs) for rs in facts.values())
        total_ok, total = total_ok + ok, total + n
        docs = len({r[0] for rs in facts.values() for r in rs})
        per = "  ".join(f"{f} {sum(r[1] for r in rs)}/{len(rs)}" for f, rs in facts.items())
        print(f"batch {b}: {ok}/{n} facts right ({ok / n:.0%}) over {docs} documents  |  {per}")
        if args.wrong:
            for f, rs in facts.items():
                for name, good, label, got in rs:
                    if not good:
                        print(f"    {name}: {f}: expected {label!r}, read {got!r}")
    if total:
        print(f"all: {total_ok}/{total} facts right ({total_ok / total:.0%})")


if __name__ == "__main__":
    main()
