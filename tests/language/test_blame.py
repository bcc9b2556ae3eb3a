"""The blame-language analyser on labelled sentences.

Each set and its untuned and tuned figures are described in README.md beside
them; `python tools/measure_blame.py --wrong --kinds` prints the figures.
"""

from pathlib import Path

import pytest

from hindsight.language import Lexicon, find_blame, find_human_error

HERE = Path(__file__).resolve().parent


def labelled(name):
    """(label, sentence) of a set; sets with a middle column (source or kind) have it skipped."""
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            parts = line.split("\t")
            yield parts[0] == "1", parts[-1]


def flagged(sentence, lex):
    return bool(find_blame(sentence, lex) or find_human_error(sentence, lex))


#: The floor of each set: the project's bar (precision 0.95, recall 0.90), or below it where the set's
#: tuned figure is (blame_real has 12 blameful sentences; two are read wrongly, see its README).
FLOORS = {"blame_sentences.tsv": (0.95, 0.90), "blame_sentences_2.tsv": (0.95, 0.90),
          "blame_real.tsv": (0.95, 0.80), "blame_kinds.tsv": (0.95, 0.90), "blame_kinds_2.tsv": (0.95, 0.90)}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_precision_and_recall(name):
    lex = Lexicon()
    pairs = [(label, flagged(s, lex)) for label, s in labelled(name)]
    tp = sum(lab and pred for lab, pred in pairs)
    fp = sum(pred and not lab for lab, pred in pairs)
    fn = sum(lab and not pred for lab, pred in pairs)
    want_p, want_r = FLOORS[name]
    assert tp / (tp + fp) >= want_p, f"precision {tp / (tp + fp):.3f}"
    assert tp / (tp + fn) >= want_r, f"recall {tp / (tp + fn):.3f}"


def test_every_set_is_measured():
    assert {p.name for p in HERE.glob("*.tsv")} == set(FLOORS)


def test_the_issue_examples():
    lex = Lexicon()
    for ok in ("@jdoe rolled back to v2.3.0 at 14:45", "Alice increased the pool size",
               "The pipeline should have blocked the release"):
        assert not flagged(ok, lex), ok
    for bad in ("Bob forgot to update the pool settings", "the engineer carelessly ran the deletion"):
        assert flagged(bad, lex), bad


def test_roster_and_extra_words_from_configuration():
    plain = Lexicon()
    assert not find_blame("Zed failed to run the migration.", plain)
    assert find_blame("Zed failed to run the migration.", Lexicon(roster=["Zed"]))
    assert find_blame("The change was yolo'd into prod.", Lexicon(words=["yolo'd"]))


def test_findings_say_what_and_suggest_a_rewrite():
    hit = find_blame("Bob forgot to update the pool settings.", Lexicon())[0]
    assert hit.phrase == "Bob forgot to"
    assert "checklist" in hit.suggestion or "process" in hit.suggestion
