"""Precision and recall of the blame-language analyser on the labelled sentence sets.

    python tools/measure_blame.py [--wrong] [--kinds]

Each set under `tests/language/` is measured when it is added, before the analyser is changed for
it; that untuned figure is kept beside the tuned one in `tests/language/README.md`. A sentence is
flagged when the analyser finds blame or human error as a cause in it (as the linter's HS401 and
HS402 do).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tests" / "language"
sys.path.insert(0, str(ROOT / "src"))

SETS = ("blame_sentences.tsv", "blame_sentences_2.tsv", "blame_real.tsv", "blame_kinds.tsv", "blame_kinds_2.tsv")


def labelled(name: str):
    """(label, group, sentence) of a set: a group is the source document or the kind, when the set has one."""
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        label, sentence = parts[0], parts[-1]
        group = parts[1] if len(parts) == 3 else ""
        yield label == "1", group, sentence


def flagged(sentence: str, lex) -> bool:
    from hindsight.language import find_blame, find_human_error

    return bool(find_blame(sentence, lex) or find_human_error(sentence, lex))


def score(rows) -> tuple[float, float, int, int, int, int]:
    tp = sum(lab and pred for lab, pred in rows)
    fp = sum(pred and not lab for lab, pred in rows)
    fn = sum(lab and not pred for lab, pred in rows)
    tn = sum(not lab and not pred for lab, pred in rows)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn, tn


def measure(name: str, lex=None):
    from hindsight.language import Lexicon

    lex = lex or Lexicon()
    return [(lab, flagged(s, lex), group, s) for lab, group, s in labelled(name)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wrong", action="store_true", help="list every sentence judged wrongly")
    ap.add_argument("--kinds", action="store_true", help="recall or specificity per kind of sentence")
    ap.add_argument("sets", nargs="*", default=list(SETS))
    args = ap.parse_args()
    for name in args.sets:
        rows = measure(name)
        p, r, tp, fp, fn, tn = score([(a, b) for a, b, _, _ in rows])
        print(f"{name}: precision {p:.3f} recall {r:.3f}  (tp {tp} fp {fp} fn {fn} tn {tn}, {len(rows)} sentences)")
        if args.kinds:
            by = defaultdict(list)
            for lab, pred, group, _ in rows:
                by[group].append(lab == pred)
            for group, oks in sorted(by.items()):
                print(f"    {group or '-'}: {sum(oks)}/{len(oks)}")
        if args.wrong:
            for lab, pred, group, s in rows:
                if lab != pred:
                    print(f"    {'missed' if lab else 'false '} [{group}] {s}")


if __name__ == "__main__":
    main()
