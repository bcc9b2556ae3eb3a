"""Blameless language: finding where a postmortem makes a person the cause.

Saying that a person acted is fine ("@jdoe rolled back to v2.3.0", "Alice
increased the pool size"). A person as the *cause* ("Bob forgot to update the
pool settings", "the alert was ignored by the on-call engineer"), a judgement
of a person ("careless", "sloppy", "Bob's fault") and human error given as a
cause are not: the standard's first principle is "focus on systems, not
people".

The analysis is rule-based and explainable: phrases from word lists
(`data/blame.toml`, extendable in configuration), and for phrases that blame
only a person (`failed to`, `should have`, `ignored`), a look at the subject of
the clause: a name, an @handle, a role ("the engineer") or a pronoun is a
person; "the pipeline should have blocked the release" is a system.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from . import _structure

__all__ = ["Hit", "Lexicon", "find_blame", "find_human_error", "present_triggers", "words_of", "worth_a_look"]

_NEGATION = re.compile(r"\b(?:not|no|never|nobody|none|without|n't|neither|nor|isn't|wasn't|aren't|weren't)\b"
                       r"|n't\b", re.I)
_BOUNDARY = re.compile(r"[.!?](?=\s|$)|[;()\[\]—–|]|:(?=\s|$)|,|\s-\s|\b(?:and|but|because|so|when|after|before|"
                       r"while|which|then|since|as|if|or|once|until|although|though|where|whereas)\b", re.I)
_TOKEN = re.compile(r"@[\w.-]+|[\w'’-]+(?:\.[\w'’-]+)*")
_ADVERBS = {"simply", "also", "then", "just", "again", "never", "already", "probably", "apparently",
            "unfortunately", "clearly", "obviously", "completely", "totally", "once", "still", "even", "somehow",
            "repeatedly", "initially", "later", "subsequently", "actually", "really", "basically", "only",
            "accidentally", "mistakenly", "inadvertently", "unintentionally", "carelessly", "himself",
            "herself", "themselves", "ourselves", "all", "both", "who", "had", "has", "have", "was", "were",
            "is", "are", "did", "does", "do", "being", "been"}
_DETERMINERS = {"the", "a", "an", "our", "their", "his", "her", "one", "that", "this", "another", "some", "two",
                "several", "its", "my", "your", "new", "junior", "senior", "primary", "secondary", "on-call",
                "oncall", "responding", "same", "other", "first", "second"}


@dataclass(frozen=True, slots=True)
class Hit:
    """A blameful phrase at text[start:end]."""

    start: int
    end: int
    phrase: str
    kind: str  # "judgement", "person-cause" or "human-error"
    suggestion: str


@cache
def _data() -> dict[str, list[str]]:
    raw = files("hindsight.language").joinpath("data/blame.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


@cache
def first_names() -> frozenset[str]:
    """Common first names (a data file), so a plain `Bob` is read as a person."""
    raw = files("hindsight.language").joinpath("data/first_names.txt").read_text(encoding="utf-8")
    return frozenset(w for line in raw.splitlines() if not line.startswith("#") for w in line.split())


# Words are runs of letters, digits and @: "didn't" is "didn" and "t", "fat-fingered" is "fat" and "fingered".
_WORDS = re.compile(r"[a-z0-9@]+")


def words_of(text: str) -> set[str]:
    """The lower-case words of a text, split the same way the trigger words are."""
    return set(_WORDS.findall(text.lower()))


_COMMON = {"was", "were", "is", "are", "the", "a", "an", "to", "of", "for", "by", "on", "not", "no", "did", "do",
           "had", "has", "have", "be", "been", "t", "s", "it", "this", "that", "in", "at", "with", "his", "her",
           "their", "my", "our", "your", "made", "ran", "could", "should", "would"}


def _first_words(phrases: Iterable[str]) -> set[str]:
    """A word each phrase must contain: its first uncommon word (the first word if all are common)."""
    out = set()
    for p in phrases:
        words = _WORDS.findall(p.lower())
        if words:
            out.add(next((w for w in words if w not in _COMMON), words[0]))
    return out


# Words that may stand between the words of a phrase without changing it: "could easily have prevented".
_FILLER = r"\s+(?:(?:easily|just|simply|really|clearly|obviously|certainly|definitely|probably|also|even|never|"\
          r"completely|totally|entirely)\s+)?"


def _alternation(phrases: Iterable[str]) -> str:
    parts = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", _FILLER).replace("'", "['’]") for p in parts)


#: Where a phrase can start: a word not inside a longer word (the phrases' own `(?<![\w-])`). Apostrophes end
#: it, as they end a word for that look-behind ("o'brien" has a word start at "brien").
_WORD_START = re.compile(r"(?<![\w-])\w[\w-]*")


def word_starts(text: str, only: frozenset[str] | None = None) -> list[tuple[int, str]]:
    """(offset, lower-cased word) of every word of `text` where a phrase can start; of the words in `only`."""
    words = [(m.start(), m.group(0).lower()) for m in _WORD_START.finditer(text)]
    return words if only is None else [aw for aw in words if aw[1] in only]


class Phrases:
    """A list of phrases as one case-blind pattern, matched only where one of them can start.

    Python's regular expressions try every branch of an alternation at every position of a text, so a
    list of a hundred phrases costs a hundred tries per character. Here the text's words are read once
    and the pattern is tried only at a word that begins some phrase: the cost follows the prose, and
    barely the length of the lists. The matches are exactly `pattern.finditer`'s (`tests/language/
    test_phrases.py` checks it on every real postmortem).
    """

    def __init__(self, phrases: Iterable[str], *, end: bool = True):
        phrases = [p for p in phrases if p.strip()]
        boundary = r"(?![\w-])" if end else ""
        self.pattern = re.compile(rf"(?<![\w-])(?:{_alternation(phrases)}){boundary}", re.I)
        # The word each phrase starts with, as `_WORD_START` reads words. A match starts with exactly that word
        # (what follows it in the phrase is not part of a word), or, with no `end` boundary, with a word it begins.
        self.starts = frozenset(m.group(0) for p in phrases if (m := _WORD_START.match(p.strip().lower())))
        self.prefix = not end

    def _starts(self, word: str) -> bool:
        return word in self.starts or (self.prefix and any(word.startswith(s) for s in self.starts))

    def finditer(self, text: str, at: list[tuple[int, str]] | None = None) -> Iterator[re.Match[str]]:
        """The matches in `text`; `at`, the (offset, lower-cased word) of its words (`word_starts`), when the
        caller read them already for several lists."""
        end = 0
        for a, w in at if at is not None else word_starts(text):
            if a < end or not self._starts(w):
                continue
            m = self.pattern.match(text, a)
            if m is not None:
                end = m.end() if m.end() > a else a + 1
                yield m

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


class Lexicon:
    """The word lists, compiled; built once per configuration."""

    def __init__(self, *, roster: Iterable[str] = (), words: Iterable[str] = (), verbs: Iterable[str] = ()):
        d = _data()
        self.roster = frozenset(n.strip() for n in roster if n.strip())
        self.names = first_names() | self.roster
        self.roles = frozenset(r.lower() for r in d["roles"])
        self.persons = frozenset(d["persons"])
        self.team = frozenset(d["team"])
        self.systems = frozenset(d["systems"])
        self.judgement = Phrases([*d["judgement"], *words])
        self.not_judgement = Phrases(d["not_judgement"])
        self.possessive_fault = re.compile(r"(?<![\w-])([\w@.-]+)['’]s\s+(?:fault|mistake|error|carelessness|"
                                           r"negligence|screw-?up)(?![\w-])|\b(?:his|her|their|my|our|your)\s+"
                                           r"(?:fault|carelessness|negligence)(?![\w-])", re.I)
        self.strong = Phrases(d["strong"])
        self.weak = Phrases([*d["weak"], *verbs])
        self.passive = Phrases(d["passive"])
        self.human_error = Phrases(d["human_error"])
        # Words that can start a blameful phrase: text with none of them needs no closer look, and
        # that is most text, so this one set lookup per word is what checking usually costs.
        self.triggers = frozenset(_first_words([*d["judgement"], *words, *d["strong"], *d["weak"], *verbs,
                                                *d["passive"]]) | {"fault", "mistake", "error", "carelessness",
                                                                   "negligence", "screw-up", "screwup"})
        self.human_triggers = frozenset(_first_words(d["human_error"]))
        # Lower-case words that name a person ("engineer", "she", "on-call" as "on" and "call"…).
        # The last word of each role is what names the person ("incident commander" is a commander, not
        # an incident).
        self.person_words = frozenset(_WORDS.findall(phrase.lower())[-1] for phrase in [*self.roles, *self.persons]
                                      if _WORDS.findall(phrase.lower())) - {"call", "worker", "lead", "one"}
        # A text that names a person may blame one by the shape of a sentence alone ("Had Marco read
        # the runbook…"), so naming a person makes it worth the closer look too.
        self.lexical_triggers = self.triggers
        self.triggers = self.triggers | self.person_words | {"who"} | {n.lower() for n in self.names}
        self.cause = Phrases(d["cause_words"], end=False)
        self.word_starts = frozenset().union(*(p.starts for p in (self.judgement, self.not_judgement, self.strong,
                                                                  self.weak, self.passive)))

    # -- who is the subject -------------------------------------------------------------------------
    def kind_of(self, words: list[str]) -> str | None:
        """`person`, `team`, `system` or None for a noun phrase (the clause's subject)."""
        lowered = [w.lower() for w in words]
        # "the engineer who pushed the config…", "the author of the PR…": the head comes first.
        # "the engineer who pushed the config…", "the author of the PR…", "the monitoring system for
        # docs.flutter.dev": the head comes first.
        for joint in ("who", "of", "for", "in", "at", "with", "from"):
            if joint in lowered[1:]:
                words = words[:lowered.index(joint, 1)]
                lowered = lowered[:len(words)]
        # "the developer creating the pull request misjudged…": a participle after a person starts a
        # phrase that describes them.
        for i in range(1, len(words)):
            if words[i].lower().endswith("ing") and self._is_person_word(words[i - 1], first=False):
                words = words[:i]
                break
        words = [w for w in words if w.lower() not in _ADVERBS]
        if not words:
            return None
        head = words[-1]
        low = head.lower().strip("'’")
        if head.endswith(("'s", "’s")):
            return "system"  # "Bob's change failed to…": the subject is the change
        if self._is_person_word(head, first=len(words) == 1):
            return "person"
        if len(words) >= 2 and f"{words[-2].lower()} {low}" in self.roles:
            return "person"
        if low in self.team or (len(words) >= 2 and f"{words[-2].lower()} {low}" in self.team):
            return "team"
        if low in self.systems or (len(words) >= 2 and f"{words[-2].lower()} {low}" in self.systems):
            return "system"
        # "the engineer on call failed to…": a person further back in the phrase.
        for w in words[:-1]:
            if not w.endswith(("'s", "’s")) and self._is_person_word(w, first=False) and w.lower() not in _DETERMINERS:
                return "person"
        return None

    def is_person(self, phrase: str) -> bool:
        """Whether a noun phrase ("the on-call engineer", "@sam", "Marco") names a person."""
        return self.kind_of(_TOKEN.findall(phrase)) == "person"

    def is_person_word(self, word: str) -> bool:
        """Whether one word names a person: a name, an @handle, a role, `he`/`she`/`someone`."""
        return self._is_person_word(word, first=False)

    def _is_person_word(self, w: str, *, first: bool) -> bool:
        if w.startswith("@") and len(w) > 1:
            return True
        if w in self.names or w in self.roster:
            return True
        low = w.lower()
        return low in self.roles or low in self.persons

    def subject_before(self, text: str, start: int) -> list[str]:
        """The words of the clause before `start`, back to the nearest clause boundary."""
        window = text[max(0, start - 120):start]
        cut = 0
        for m in _BOUNDARY.finditer(window):
            cut = m.end()
        words = [w for w in _TOKEN.findall(window[cut:]) if not w.isdigit()]
        if not words:
            m = re.search(r"([\w@.'’-]+(?:\s+[\w@.'’-]+){0,3})\s+(?:who|that)\s*$", window[:cut].rstrip())
            if m and window[:cut].rstrip().endswith(("who", "that")):
                words = _TOKEN.findall(m.group(1))
        return words[-8:]

    def person_after(self, text: str, end: int) -> str | None:
        """The person named right after `end` ("…ignored by the on-call engineer"), if any."""
        m = re.match(r"\s*((?:[\w@.'’-]+\s+){0,3}[\w@.'’-]+)", text[end:end + 80])
        if not m:
            return None
        words = _TOKEN.findall(m.group(1))
        for i, w in enumerate(words):
            if w.endswith(("'s", "’s")):
                return None  # "caused by Bob's change": the change
            if self._is_person_word(w, first=i == 0) or w.lower() in ("him", "her", "me", "them", "us"):
                if w.lower() in ("them", "us"):
                    return None
                return " ".join(words[:i + 1])
            if w.lower() not in _DETERMINERS:
                return None
        return None


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 60):start]
    cut = 0
    for m in _BOUNDARY.finditer(before):
        cut = m.end()
    tokens = re.findall(r"[\w']+", before[cut:])[-5:]
    return any(_NEGATION.fullmatch(t) or t.lower().endswith("n't") for t in tokens)


def _inside(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and b <= e for s, e in spans)


def _suggest(phrase: str) -> str:
    p = phrase.lower()
    if any(w in p for w in ("forgot", "neglect", "bother", "skip", "missed", "overlook", "disregard")):
        return "say which step was not done and what in the process let it be missed (no checklist, prompt or check)"
    if "should" in p or "ought" in p or "supposed" in p or "could have" in p:
        return "say what the system should have done instead, e.g. `the pipeline did not require …`"
    if "ignor" in p or "respond" in p or "escalat" in p:
        return "say that the signal was not acted on and why it did not stand out (noise, routing, wording)"
    if any(w in p for w in ("fail", "check", "test", "verif", "notice", "review", "validat", "confirm", "catch")):
        return "say which check did not happen and why nothing in the system required it"
    return "describe the change and why the system let it cause harm, e.g. `the change reached production " \
           "without a review step`"


def present_triggers(text: str, lex: Lexicon) -> frozenset[str]:
    """The trigger words a whole document contains: when none, no part of it needs a closer look."""
    words = words_of(text)
    handles = frozenset({"@"}) if "@" in text else frozenset()  # any @handle, as a substring
    return frozenset(lex.triggers & words) | frozenset(lex.human_triggers & words) | handles


def worth_a_look(text: str, lex: Lexicon, words: set[str] | None = None) -> bool:
    """Whether a piece of prose can hold blame at all: a word of the lists, or a person named beside a
    word one of the sentence shapes needs. Most prose holds neither, and is never looked at closer."""
    words = words if words is not None else words_of(text)
    if not lex.lexical_triggers.isdisjoint(words) or not lex.human_triggers.isdisjoint(words):
        return True
    return not _structure.KEYS.isdisjoint(words) and _names_a_person(text, words, lex)


def find_blame(text: str, lex: Lexicon, words: set[str] | None = None) -> list[Hit]:
    """Blameful phrases in a piece of prose (a paragraph, a list item, a table row).

    `words` is `words_of(text)`, when the caller already has it.
    """
    words = words if words is not None else words_of(text)
    lexical = not lex.lexical_triggers.isdisjoint(words)
    if not lexical and "@" not in text and lex.triggers.isdisjoint(words):
        return []
    hits = _by_words(text, lex) if lexical else []
    if hits or not _structure.KEYS.isdisjoint(words):
        hits = _by_shape(text, lex, hits)
    hits.sort(key=lambda h: h.start)
    return hits


def _by_words(text: str, lex: Lexicon) -> list[Hit]:
    """The blame the word lists find: judgements, failures with a person as subject, passives."""
    hits: list[Hit] = []
    at = word_starts(text, lex.word_starts)  # the words any of the lists below can start with, read once
    exempt = [(m.start(), m.end()) for m in lex.not_judgement.finditer(text, at)]
    for m in lex.judgement.finditer(text, at):
        if _inside(exempt, m.start(), m.end()) or _negated(text, m.start()):
            continue
        if m.group(0).lower().endswith("ly") and lex.kind_of(lex.subject_before(text, m.start())) == "system":
            continue  # "the backup script carelessly overwrote…": a system described as a person
        hits.append(Hit(m.start(), m.end(), m.group(0), "judgement",
                        "describe what happened and what in the system made it likely, without judging a person"))
    for m in lex.possessive_fault.finditer(text):
        if not _negated(text, m.start()):
            hits.append(Hit(m.start(), m.end(), m.group(0), "judgement",
                            "say what in the system failed instead of whose fault it was"))
    for rx, strong in ((lex.strong, True), (lex.weak, False)):
        for m in rx.finditer(text, at):
            if any(h.start <= m.start() < h.end or m.start() <= h.start < m.end() for h in hits):
                continue
            subject = lex.subject_before(text, m.start())
            kind = lex.kind_of(subject)
            if kind == "person" or (strong and kind in ("team", None) and not _system_ahead(text, m.start(), lex)):
                start = m.start()
                if subject and kind == "person":
                    # Point at the subject too: "Bob forgot to".
                    first = text.rfind(subject[0], max(0, m.start() - 120), m.start())
                    start = first if first >= 0 else start
                hits.append(Hit(start, m.end(), text[start:m.end()], "person-cause", _suggest(m.group(0))))
    for m in lex.passive.finditer(text, at):
        who = lex.person_after(text, m.end())
        if who and not any(h.start <= m.start() < h.end for h in hits):
            kind = "human-error" if re.match(r"(mistakes?|errors?)\b", m.group(0), re.I) else "person-cause"
            end = m.end() + text[m.end():].find(who) + len(who)
            hits.append(Hit(m.start(), end, text[m.start():end], kind,
                            "human error is a symptom, not a cause: name the condition that made it possible"
                            if kind == "human-error" else _suggest(m.group(0))))
    return hits


_SUGGEST_SHAPE = {
    "person-cause": "say what in the system let this happen, not who did it: the missing check, prompt or guard",
    "judgement": "describe what happened and what in the system made it likely, without judging a person",
}


def _by_shape(text: str, lex: Lexicon, hits: list[Hit]) -> list[Hit]:
    """Add the blame only a sentence's shape shows, and drop what a sentence quotes in order to reject."""
    out = list(hits)
    for s in _SENTENCE.finditer(text):
        a, sentence = s.start(), s.group(0)
        if _structure.rejects(sentence):
            out = [h for h in out if not (a <= h.start < s.end())]
            continue
        words = words_of(sentence)
        if not _names_a_person(sentence, words, lex):
            continue  # every shape is about a person: a sentence that names none needs no closer look
        for start, end, kind in _structure.find(sentence, lex.is_person, lex.is_person_word, words):
            start, end = a + start, a + end
            if _negated(text, start) or any(h.start < end and start < h.end for h in out):
                continue
            out.append(Hit(start, end, text[start:end].strip(), kind, _SUGGEST_SHAPE[kind]))
    return out


def _names_a_person(sentence: str, words: set[str], lex: Lexicon) -> bool:
    """Whether a sentence has a word that can name a person: a role, `he`/`she`/`his`/`her`/`someone`,
    an @handle, a name."""
    if "@" in sentence or not words.isdisjoint(lex.person_words) or "who" in words or "team" in words:
        return True
    return any(w in lex.names for w in _CAPITALISED.findall(sentence))


_CAPITALISED = re.compile(r"\b[A-Z][a-zà-ÿ-]+")


def _system_ahead(text: str, start: int, lex: Lexicon) -> bool:
    """A strong phrase with no subject in its clause still reads as system-made when a system precedes it."""
    return lex.kind_of(lex.subject_before(text, start)) == "system"


_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_NOT_A_CAUSE = re.compile(r"\b(?:symptom|not (?:a |the )?(?:root )?cause|isn't|is not|wasn't|was not|rather than|"
                          r"instead of|beyond|more than|never|no)\b", re.I)


def find_human_error(text: str, lex: Lexicon, *, cause_context: bool = False,
                     words: set[str] | None = None) -> list[Hit]:
    """"Human error" and the like given as a cause; `cause_context` when the text is a root-cause section."""
    if lex.human_triggers.isdisjoint(words if words is not None else words_of(text)):
        return []
    hits: list[Hit] = []
    for s in _SENTENCE.finditer(text):
        sentence = s.group(0)
        for m in lex.human_error.finditer(sentence):
            if _NOT_A_CAUSE.search(sentence) or _structure.rejects(sentence):
                continue
            standalone = len(sentence.strip(" -*.:\n")) <= len(m.group(0)) + 12
            if cause_context or standalone or lex.cause.search(sentence):
                a = s.start() + m.start()
                hits.append(Hit(a, a + len(m.group(0)), m.group(0), "human-error",
                                "human error is a symptom, not a cause (the standard, section 1): name the "
                                "system condition that made the error possible or its effect large"))
    return hits
