"""The blame-language analyser on labelled sentences.

`blame_sentences.tsv` was written with the analyser; `blame_sentences_2.tsv`
was written afterwards and first measured without tuning (precision 0.964,
recall 0.900), then used to fix what it found. Both must stay above the bar
the project set: precision ≥ 0.9, recall ≥ 0.85.
"""

from pathlib import Path

import pytest

from hindsight.language import Lexicon, find_blame, find_human_error

HERE = Path(__file__).resolve().parent


def labelled(name):
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, sentence = line.split("\t", 1)
            yield label == "1", sentence


def flagged(sentence, lex):
    return bool(find_blame(sentence, lex) or find_human_error(sentence, lex))


@pytest.mark.parametrize("name", ["blame_sentences.tsv", "blame_sentences_2.tsv"])
def test_precision_and_recall(name):
    lex = Lexicon()
    pairs = [(label, flagged(s, lex)) for label, s in labelled(name)]
    tp = sum(lab and pred for lab, pred in pairs)
    fp = sum(pred and not lab for lab, pred in pairs)
    fn = sum(lab and not pred for lab, pred in pairs)
    assert tp / (tp + fp) >= 0.9, f"precision {tp / (tp + fp):.3f}"
    assert tp / (tp + fn) >= 0.85, f"recall {tp / (tp + fn):.3f}"


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
