"""Precision and recall of the review's themes and repeat incidents on labelled postmortems.

    python tools/measure_themes.py [--wrong]

`tests/corpus/themes.yaml` gives each postmortem the themes a careful reader gives its causes;
`tests/corpus/repeats.yaml` gives pairs that repeat (or not, or are only possibly related). Both were
written before Hindsight's answers were looked at; their untuned and tuned figures are kept in
`tests/corpus/SOURCES.md`. Themes are scored per (postmortem, theme); repeats per pair, a pair
being called a repeat when the review would list it as one were the two within 90 days.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
SHARED = ROOT.parent / "shared" / "corpus" / "real"
sys.path.insert(0, str(ROOT / "src"))


def path_of(key: str) -> Path:
    return SHARED / key.removeprefix("shared/") if key.startswith("shared/") else CORPUS / "real" / key


def _records(keys):
    from hindsight import read
    from hindsight.records import build

    return {k: build(read(path_of(k)), file_id=k, path=k, version="", themes_extra={}) for k in keys}


def measure():
    """(themes rows, repeats rows): (key, label, got) and (pair, label, related, got, evidence)."""
    import yaml

    from hindsight.review import inverse_frequency, relation

    themes = yaml.safe_load((CORPUS / "themes.yaml").read_text(encoding="utf-8"))
    pairs = yaml.safe_load((CORPUS / "repeats.yaml").read_text(encoding="utf-8"))
    keys = set(themes) | {p["a"] for p in pairs} | {p["b"] for p in pairs}
    recs = _records(sorted(keys))
    # The words particular to a pair are judged against every labelled postmortem, as the review
    # judges them against the postmortems of its window.
    everything = _records(sorted({*keys, *(p.name for p in (CORPUS / "real").glob("*.md"))}))
    idf = inverse_frequency(everything.values())
    theme_rows = [(k, set(v or []), set(recs[k].themes)) for k, v in themes.items()]
    repeat_rows = []
    for p in pairs:
        rel = relation(recs[p["a"]], recs[p["b"]], idf)
        repeat_rows.append(((p["a"], p["b"]), p["repeat"], p.get("related", False), rel))
    return theme_rows, repeat_rows


def _pr(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"precision {p:.3f} recall {r:.3f} (tp {tp} fp {fp} fn {fn})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wrong", action="store_true")
    args = ap.parse_args()
    theme_rows, repeat_rows = measure()
    tp = sum(len(want & got) for _, want, got in theme_rows)
    fp = sum(len(got - want) for _, want, got in theme_rows)
    fn = sum(len(want - got) for _, want, got in theme_rows)
    print(f"themes ({len(theme_rows)} postmortems): {_pr(tp, fp, fn)}")
    if args.wrong:
        for k, want, got in theme_rows:
            if want != got:
                print(f"    {k}: missing {sorted(want - got)} extra {sorted(got - want)}")
    tp = sum(lab and rel.kind == "repeat" for _, lab, _, rel in repeat_rows)
    fp = sum(not lab and rel.kind == "repeat" for _, lab, _, rel in repeat_rows)
    fn = sum(lab and rel.kind != "repeat" for _, lab, _, rel in repeat_rows)
    print(f"repeats ({len(repeat_rows)} pairs): {_pr(tp, fp, fn)}")
    listed = [(lab or related, rel.kind in ("repeat", "related")) for _, lab, related, rel in repeat_rows]
    tp2 = sum(a and b for a, b in listed)
    fp2 = sum(b and not a for a, b in listed)
    fn2 = sum(a and not b for a, b in listed)
    print(f"repeats or possibly related: {_pr(tp2, fp2, fn2)}")
    if args.wrong:
        for (a, b), lab, related, rel in repeat_rows:
            want = "repeat" if lab else ("related" if related else "none")
            if want != rel.kind:
                print(f"    {a} ~ {b}: expected {want}, got {rel.kind} ({rel.evidence})")


if __name__ == "__main__":
    main()
