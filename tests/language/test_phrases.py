"""The phrase lists are matched only at the words that can start a phrase: the matches must be exactly those
of the whole pattern run over the text, on real postmortems and on any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hindsight.language import Lexicon, Phrases, word_starts

LEX = Lexicon(roster=["Marco"], words=["slapdash"], verbs=["botched"])
LISTS = {name: getattr(LEX, name) for name in ("judgement", "not_judgement", "strong", "weak", "passive",
                                               "human_error", "cause")}


def spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in matches]


def same_as_the_pattern(text: str) -> None:
    shared = word_starts(text, LEX.word_starts)
    for name, phrases in LISTS.items():
        expected = spans(phrases.pattern.finditer(text))
        assert spans(phrases.finditer(text)) == expected, name
        if name not in ("human_error", "cause"):  # the lists `_by_words` reads with one word scan
            assert spans(phrases.finditer(text, shared)) == expected, name


def test_every_real_postmortem_gives_the_same_matches(real_corpus):
    texts = [p.read_text(encoding="utf-8") for p in sorted(real_corpus.glob("*.md"))]
    assert len(texts) >= 30
    found = 0
    for text in texts:
        same_as_the_pattern(text)
        found += sum(1 for p in LISTS.values() for _ in p.finditer(text))
    assert found > 50  # the lists do match real prose: the comparison is not of empty lists


# Text built from the lists' own words, with the separators and look-alikes that decide a boundary.
PIECES = st.sampled_from(["careless", "Carelessly", "forgot", "failed to", "should have", "human error", "o'brien",
                          "someone's", "fat-fingered", "fat", "fingered", "screw-up", "botched", "slapdash",
                          "the engineer", "Marco", "root cause", "caused", "-", "'", "’", " ", "  ", "\n", ".",
                          ",", "x", "didn't", "didn’t", "was ignored by", "@sam", "ß", "İ", "K", "_", "9"])


@given(st.lists(PIECES, max_size=30).map("".join))
@settings(max_examples=400, deadline=None)
def test_any_text_gives_the_same_matches(text):
    same_as_the_pattern(text)


def test_a_prefix_list_matches_inside_longer_words():
    causes = Phrases(["cause"], end=False)
    assert spans(causes.finditer("It caused the outage")) == spans(causes.pattern.finditer("It caused the outage"))
    assert [m.group(0) for m in causes.finditer("It caused the outage")] == ["cause"]
