"""Blame read from the shape of a sentence, not from a single word.

The word lists in `data/blame.toml` catch a judgement ("careless") or a failure
with a person as its subject ("Bob forgot to"). Blame is also said in forms that
no single word gives away, and each is recognised here by who the clause is
about and what it says of them:

- a counterfactual about a person: "if only the on-call engineer had looked",
  "had Marco read the runbook", "a more experienced engineer would not have";
- responsibility placed on a person: "the fault lies with the release manager",
  "this one is on his shoulders", "Tom's doing", "root cause: Dave";
- a mistake with a person as its agent: "his misclick", "Dave's botched
  migration", "an oversight by the reviewer";
- harm done by a person: "the intern took down the payments API", "Ravi wiped the
  staging cluster while testing his script" (a person who deletes a stale record
  after checking it is acting, not harming);
- an omission left unsaid: "We asked Lisa to verify the backups. She never did.";
- a question that presumes a person's failure: "Why did Tom ignore the alert?";
- sarcasm: praise for a person next to the damage done.

A sentence that quotes blame in order to reject it ("it would be easy to say the
engineer should have checked, but nothing told them to") is not blame: `rejects`
says so, and the caller drops what was found in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# A noun phrase of up to four words: "the on-call engineer", "@sam", "our release engineer".
_NP = r"(?P<np>(?:@[\w.-]+|[\w'’-]+)(?:\s+(?:@[\w.-]+|[\w'’-]+)){0,3}?)"
_ADV = r"(?:(?:just|simply|really|easily|clearly|obviously|even|only|actually|certainly|quickly)\s+)?"

# A past participle: "had Marco read", "had Yusuf double-checked", "had the DBA been paying attention".
_PP = (r"(?:been|[a-z]+-?[a-z]*ed|done|read|seen|known|run|taken|gone|written|made|kept|left|thought|caught|"
       r"told|got|gotten|given|begun|understood|heard|felt|found|held|sent|set|put|built|spent|paid|shut)")
_COUNTERFACTUAL = [
    # "If only the on-call engineer had looked", "if Priya had waited", "if @sam had just paused"
    re.compile(r"\bif\s+(?:only\s+)?" + _NP + r"\s+had\s+" + _ADV + r"(?!to\b)[a-z]+", re.I),
    # "Had Marco read the runbook", "had the DBA been paying attention"
    re.compile(r"(?:^|[,;:(]\s*|\b(?:if|only)\s+)had\s+" + _NP + r"\s+" + _ADV + _PP + r"\b", re.I),
]
# "Things would have gone differently had the DBA been paying attention"
_LATE_HAD = re.compile(r"\bhad\s+" + _NP + r"\s+" + _ADV + _PP + r"\b", re.I)
_WOULD_HAVE = re.compile(r"\b(?:would|could|might)(?:n['’]t)?\s+(?:not\s+|never\s+)?have\b", re.I)
# "The on-call engineer could have stopped the cascade": what a person could have done instead.
_COULD_HAVE = re.compile(_NP + r"\s+(?:could|might)\s+" + _ADV + r"have\s+" + _ADV + r"(?!been\b)" + _PP + r"\b", re.I)
_COMPARATIVE = re.compile(r"\ban?\s+(?:(?:more|less)\s+)?(?:experienced|careful|attentive|competent|diligent|senior|"
                          r"skilled|cautious|thorough|knowledgeable|qualified)\s+" + _NP
                          + r"\s+(?:would|could|might)\b", re.I)
_JOB = re.compile(r"\b(?:done|do|did|doing)\s+(?:their|his|her)\s+(?:job|jobs|homework)\b", re.I)

_RESPONSIBILITY = [
    re.compile(r"\b(?:fault|blame|responsibility|culpability)\s+(?:for\s+(?:[\w'’-]+\s+){1,4})?(?:lies|lay|rests|rested|"
               r"belongs|falls|fell|sits|sat|is|was)\s+(?:squarely\s+|entirely\s+|solely\s+|firmly\s+|clearly\s+)?"
               r"(?:with|on|to|upon)\s+" + _NP + r"(?=\s*(?:[.,;:!?)]|$|\s+(?:for|and|who|alone)(?![\w'’-])))", re.I),
    re.compile(r"\b(?:hold|held|holding|consider|considered|deem|deemed|find|found)\s+" + _NP
               + r"\s+(?:accountable|responsible|liable|culpable|at\s+fault)\b", re.I),
    re.compile(r"\b(?:was|is)\s+(?:all\s+|entirely\s+|solely\s+|squarely\s+)?(?:down\s+to|on)\s+" + _NP
               + r"\s*(?:[.!;]|$)", re.I),
    re.compile(r"\bcauses?(?:\s+of\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+)?\s*(?::|—|–|\s-|\s+was|\s+is)\s+(?:simply\s+)?"
               + _NP + r"\s*(?:[.!;]|$)", re.I),
    re.compile(r"\b(?:trigger|culprit)\s*(?::|-|—|was|is)\s+" + _NP + r"\s*(?:[.!]|$)", re.I),
    re.compile(_NP + r"\s+(?:is|was|are|were)\s+(?:solely\s+|fully\s+|entirely\s+|directly\s+)?"
               r"(?:responsible|accountable|to\s+blame)\s+for\s+(?:the|this|that|an?)\s+(?:[\w'’-]+\s+)?(?:outage|incident|failure|downtime|"
               r"breakage|mess|loss|problem|issue)\b", re.I),
]
_SHOULDERS = re.compile(r"\b(?:on|upon)\s+(?:his|her)\s+shoulders\b|\b(?:his|her)\s+(?:doing|fault|mistake|error|"
                        r"screw-?up|blunder|negligence|carelessness)\b", re.I)
_DOING = re.compile(r"(?P<np>[\w@.-]+)['’]s\s+(?:own\s+)?doing\b", re.I)

# "his misclick", "Dave's botched migration", "Anna's decision to skip the review"
_MISTAKE_NOUN = (r"(?:mistakes?|errors?|misclicks?|typos?|blunders?|slips?|lapses?|oversights?|goofs?|fumbles?|"
                 r"screw-?ups?|mess-?ups?|misjudge?ments?|miscalculations?|carelessness|negligence|sloppiness|"
                 r"inattention|inexperience)")
_BAD = r"(?:botched|bad|careless|sloppy|silly|stupid|hasty|rushed|reckless|unreviewed|untested|unapproved|faulty|wrong)"
_POSSESSIVE = re.compile(
    r"(?P<np>@[\w.-]+|[A-Za-z][\w-]*|(?:the|our|a|an)\s+(?:[\w-]+\s+)?[\w-]+)['’]s\s+(?:(?:own|big|simple|small|"
    r"costly)\s+)?(?:" + _MISTAKE_NOUN + r"|" + _BAD + r"\s+[\w-]+|decision\s+to\s+(?:skip|ignore|bypass|disable|rush|"
    r"force|not)|lack\s+of\s+(?:attention|care|diligence|experience|focus))\b", re.I)
_PRONOUN_MISTAKE = re.compile(r"\b(?:his|her)\s+(?:" + _MISTAKE_NOUN + r"|" + _BAD + r"\s+[\w-]+)\b", re.I)
_BY_PERSON = re.compile(r"\b" + _MISTAKE_NOUN + r"\s+(?:made\s+|committed\s+)?by\s+(?P<np>(?:@[\w.-]+|[\w'’-]+)"
                        r"(?:\s+(?:@[\w.-]+|[\w'’-]+)){0,4})", re.I)
_ON_PART = re.compile(r"\bon\s+" + _NP + r"['’]s\s+part\b|\bon\s+the\s+part\s+of\s+(?P<np2>(?:the\s+|our\s+|an?\s+)?"
                      r"[\w@.'’-]+(?:\s+[\w'’-]+)?)", re.I)

# Harm a person did: verbs whose outcome is harm, and verbs that harm only with a sign of it.
_HARM = re.compile(r"\b(?:took|takes|take|brought|brings|bring|knocked)\s+(?:[\w'’-]+\s+){0,3}?(?:down|out|offline)\b|"
                   r"\btriggered\s+(?:the|an?)\s+(?:[\w'’-]+\s+){0,4}?(?:outage|incident|failure|downtime)\b|"
                   r"\b(?:corrupted|destroyed|"
                   r"trashed|nuked|wrecked|blew\s+away|crashed|messed\s+up|screwed\s+up|fat-fingered|"
                   r"fat\s+fingered|botched)\b", re.I)
_REMOVE = re.compile(r"\b(?:wiped|deleted|dropped|erased|purged|truncated|overwrote|overwritten|removed|killed|"
                     r"shut\s+down|shutdown|force-pushed|force\s+pushed|reset|rebooted|restarted|disabled|"
                     r"unplugged|revoked|expired|drained)\b", re.I)
_HARM_SIGN = re.compile(r"\b(?:wrong|by\s+accident|by\s+mistake|accidentally|unintentionally|inadvertently|"
                        r"mistakenly|while\s+(?:testing|debugging|experimenting|playing)|instead\s+of|in\s+production|"
                        r"(?:the|a)\s+production|every|all\s+(?:the\s+)?(?:servers|nodes|hosts|regions|users|data|"
                        r"tables|backups)|took\s+down|brought\s+down|outage)\b", re.I)
_PURPOSE = re.compile(r"\b(?:after|once|to\s+(?:free|clear|fix|recover|restore|stop|mitigate|unblock|reclaim)|"
                      r"as\s+(?:the|our)\s+(?:runbook|procedure|plan)|following|per\s+the|so\s+that|which\s+(?:fixed|"
                      r"resolved|restored|cleared)|and\s+(?:reprovisioned|restored|recreated|the\s+error\s+rate)|"
                      r"before\s+the\s+upgrade)\b", re.I)

_ELLIPSIS = re.compile(_NP + r"\s+(?:never\s+did|never\s+bothered|didn['’]t|did\s+not|wouldn['’]t|would\s+not|"
                       r"couldn['’]t\s+be\s+bothered)\s*(?:[.!]|$)", re.I)

_QUESTION = re.compile(
    r"\b(?:why|how)\s+(?:on\s+earth\s+)?(?P<aux>did|didn['’]t|could|couldn['’]t|would|wouldn['’]t|was|wasn['’]t|were|"
    r"weren['’]t|had|hadn['’]t|does|doesn['’]t|do|don['’]t)\s+" + _NP + r"\s+(?P<neg>not\s+|never\s+)?" + _ADV
    + r"(?P<verb>ignore|ignoring|ignored|miss|missing|missed|forget|forgetting|forgot|forgotten|overlook|overlooking|"
      r"skip|skipping|skipped|neglect|neglecting|check|checking|notice|noticing|read|see|test|verify|look|ask|wait|"
      r"escalate|catch|review|follow|bother|think|approve|approving|push|pushing|merge|merging|deploy|deploying|"
      r"delete|deleting|run|restart|restarting|rush|rushing)\b", re.I)
# "How could the reviewer approve a change that…": incredulity at what a person did, whatever the verb.
_HOW_COULD = re.compile(r"\bhow\s+(?:on\s+earth\s+)?(?:could|can|would|did)\s+(?P<rest>[^?]{3,160})\?", re.I)
_FAILING = {"ignore", "ignoring", "ignored", "miss", "missing", "missed", "forget", "forgetting", "forgot",
            "forgotten", "overlook", "overlooking", "skip", "skipping", "skipped", "neglect", "neglecting", "rush",
            "rushing"}
_THINKING = re.compile(r"\bwhat\s+(?:was|were|is)\s+" + _NP + r"\s+thinking\b|\bwho\s+(?:on\s+earth|the\s+hell|in\s+"
                       r"their\s+right\s+mind)\b", re.I)

_PRAISE = re.compile(r"\b(?:genius|brilliant|great\s+job|nice\s+work|nice\s+job|well\s+done|stellar|nailed|"
                     r"bravo|hero)\b", re.I)
_DAMAGE = re.compile(r"\b(?:empty|emptied|down|broke|broken|deleted|lost|outage|gone|failed|wiped|again|took|"
                     r"destroyed|corrupted)\b", re.I)
_OF_COURSE = re.compile(r"^\s*(?:and\s+)?of\s+course,?\s+" + _NP + r"\s+(?:picked|chose|decided|pushed|deployed|"
                        r"shipped|merged|ran|went|did|had)\b", re.I)

# A sentence that mentions blame in order to reject it.
_REJECTS = re.compile(
    r"\b(?:(?:it\s+)?(?:would\s+be|is|was|seems|may\s+be)\s+(?:easy|tempting)\s+to\s+(?:say|blame|conclude|think)|"
    r"would\s+miss\s+the\s+point|"
    r"(?:do|does|did)\s+not\s+accept|don['’]t\s+accept|(?:we\s+)?reject(?:ed)?\s+(?:the\s+)?(?:idea|notion|framing)|"
    r"rather\s+than\s+blam|instead\s+of\s+blam|not\s+looking\s+for\s+(?:someone|somebody|anyone|a\s+person)|"
    r"(?:is|was)\s+where\s+(?:an|the)\s+investigation\s+(?:starts|begins)|was\s+rewritten|we\s+rewrote|"
    r"(?:was|were)\s+replaced\s+(?:by|with)|avoids?\s+the\s+(?:phrase|word|term)|did\s+nothing\s+wrong|"
    r"nobody\s+(?:was|is|did)|no\s+one\s+(?:was|is|did)|not\s+(?:about|a\s+question\s+of)\s+(?:who|blame)|"
    r"no\s+(?:single\s+)?(?:person|individual|engineer|one|team\s+member)\s+(?:is|was|were|should|can|could)\b)\b",
    re.I)


def rejects(sentence: str) -> bool:
    """Whether a sentence quotes or weighs blame in order to reject it."""
    return bool(_REJECTS.search(sentence))


Found = tuple[int, int, str]  # start, end, kind


def _any(words: set[str], *keys: str) -> bool:
    return not words.isdisjoint(keys)


_RESPONSIBILITY_WORDS = ("fault", "blame", "responsibility", "culpability", "accountable", "responsible", "liable",
                         "culpable", "down", "on", "cause", "causes", "trigger", "culprit")
def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HARM_WORDS = _set("""took takes take brought brings bring knocked triggered corrupted destroyed trashed nuked
wrecked blew crashed messed screwed fat botched wiped deleted dropped erased purged truncated overwrote overwritten
removed killed shut shutdown force reset rebooted restarted disabled unplugged revoked expired drained""")
_MISTAKE_WORDS = _set("""mistake mistakes error errors misclick misclicks typo typos blunder blunders slip slips
lapse lapses oversight oversights goof goofs fumble fumbles screw screwup screwups mess messup misjudgment misjudgement
misjudgments misjudgements miscalculation miscalculations carelessness negligence sloppiness inattention inexperience
botched bad careless sloppy silly stupid hasty rushed reckless unreviewed untested unapproved faulty wrong decision
lack doing""")


#: The words one of which each shape needs (as `find` checks them): a text with none has no shape of blame.
KEYS = frozenset({"had", "could", "might", "would", "job", "jobs", "homework", "part", "by", "shoulders", "did", "didn",
                  "never", "wouldn", "couldn", "why", "how", "thinking", "who", "genius", "brilliant", "great", "nice",
                  "well", "stellar", "nailed", "bravo", "hero", "course", "his", "her",
                  *_RESPONSIBILITY_WORDS}) | _HARM_WORDS | _MISTAKE_WORDS


def find(sentence: str, is_person: Callable[[str], bool], is_person_word: Callable[[str], bool],
         words: set[str]) -> Iterator[Found]:
    """Blame in one sentence, by its shape; `is_person` says whether a noun phrase names a person,
    `is_person_word` whether one word does ("Pat", "@kim", "intern", "she"). `words` are the sentence's
    lower-case words: each shape is tried only when a word it needs is there."""
    if "had" in words:
        for rx in _COUNTERFACTUAL:
            for m in rx.finditer(sentence):
                if is_person(m.group("np")):
                    yield m.start(), m.end(), "person-cause"
        if _WOULD_HAVE.search(sentence):
            for m in _LATE_HAD.finditer(sentence):
                if is_person(m.group("np")):
                    yield m.start(), m.end(), "person-cause"
    if _any(words, "could", "might"):
        for m in _COULD_HAVE.finditer(sentence):
            np = m.group("np").split()
            if np and is_person(" ".join(np[-3:])) and (len(np) == 1 or is_person(" ".join(np))):
                yield m.start(), m.end(), "person-cause"
    if _any(words, "would", "could", "might"):
        for m in _COMPARATIVE.finditer(sentence):
            if is_person(m.group("np")):
                yield m.start(), m.end(), "judgement"
    if "job" in words or "jobs" in words or "homework" in words:
        for m in _JOB.finditer(sentence):
            yield m.start(), m.end(), "judgement"
    if _any(words, *_RESPONSIBILITY_WORDS):
        for rx in _RESPONSIBILITY:
            for m in rx.finditer(sentence):
                if is_person(m.group("np")):
                    yield m.start(), m.end(), "person-cause"
    mistakes = not _MISTAKE_WORDS.isdisjoint(words)
    if (mistakes or "shoulders" in words) and _any(words, "his", "her"):
        for rx in (_SHOULDERS, _PRONOUN_MISTAKE):
            for m in rx.finditer(sentence):
                yield m.start(), m.end(), "judgement"
    if mistakes and ("'" in sentence or "’" in sentence):
        for rx in (_DOING, _POSSESSIVE):
            for m in rx.finditer(sentence):
                if is_person(m.group("np")):
                    yield m.start(), m.end(), "person-cause"
    if "part" in words:
        for m in _ON_PART.finditer(sentence):
            if is_person(m.group("np") or m.group("np2")):
                yield m.start(), m.end(), "person-cause"
    if mistakes and "by" in words:
        for m in _BY_PERSON.finditer(sentence):
            # "an oversight by the deploy engineer left the flag on": the longest start of the phrase
            # that names a person.
            np = m.group("np").split()
            for k in range(len(np), 0, -1):
                if is_person(" ".join(np[:k])):
                    yield m.start(), m.start("np") + len(" ".join(np[:k])), "person-cause"
                    break
    if not _HARM_WORDS.isdisjoint(words):
        yield from _harm(sentence, is_person_word)
    if _any(words, "did", "didn", "never", "wouldn", "would", "couldn"):
        for m in _ELLIPSIS.finditer(sentence):
            if is_person(m.group("np")):
                yield m.start(), m.end(), "person-cause"
    if _any(words, "why", "how"):
        for m in _QUESTION.finditer(sentence):
            negative = bool(m.group("neg")) or m.group("aux").lower().endswith(("n't", "n’t"))
            if is_person(m.group("np")) and (m.group("verb").lower() in _FAILING or negative):
                yield m.start(), m.end(), "person-cause"
        for m in _HOW_COULD.finditer(sentence):
            rest = m.group("rest").split()
            if any(is_person(" ".join(rest[:k])) for k in range(1, min(4, len(rest) - 1) + 1)):
                yield m.start(), m.end(), "judgement"
    if _any(words, "thinking", "who"):
        for m in _THINKING.finditer(sentence):
            if m.group("np") is None or is_person(m.group("np")):
                yield m.start(), m.end(), "judgement"
    if _any(words, "genius", "brilliant", "great", "nice", "well", "stellar", "nailed", "bravo", "hero") and \
            _PRAISE.search(sentence) and _DAMAGE.search(sentence) and _mentions_person(sentence, is_person):
        m = _PRAISE.search(sentence)
        yield m.start(), m.end(), "judgement"
    if "course" in words:
        m = _OF_COURSE.search(sentence)
        if m and is_person(m.group("np")):
            yield m.start(), m.end(), "judgement"


_CLAUSE_SEPS = (", ", "; ", ": ", " and ", " but ", " so ")
_SKIPPED = {"accidentally", "then", "just", "also", "mistakenly", "inadvertently", "unintentionally", "had", "has",
            "have", "quickly", "immediately", "unknowingly", "somehow", "later", "again"}
_PASSIVE_AUX = {"been", "was", "were", "is", "are", "be", "being", "got", "get", "gets"}


def _harm(sentence: str, is_person_word: Callable[[str], bool]) -> Iterator[Found]:
    """A person as the subject of a harmful act: `The intern took down the payments API`.

    The word right before the verb (past adverbs) must name the person: in "a migration that lead to
    corrupted indexes" or "the archive has been destroyed" no person does the harm.
    """
    for rx, needs_sign in ((_HARM, False), (_REMOVE, True)):
        for m in rx.finditer(sentence):
            clause_start = max(sentence.rfind(sep, 0, m.start()) for sep in _CLAUSE_SEPS)
            clause_start = clause_start + 1 if clause_start >= 0 else 0
            words = re.findall(r"@[\w.-]+|[\w'’-]+", sentence[clause_start:m.start()])
            while words and words[-1].lower() in _SKIPPED:
                words.pop()
            if not words or words[-1].lower() in _PASSIVE_AUX or not is_person_word(words[-1]):
                continue
            if needs_sign:
                rest = sentence[m.start():]
                if not _HARM_SIGN.search(sentence[clause_start:]) or _PURPOSE.search(rest):
                    continue
            yield clause_start, m.end(), "person-cause"


def _mentions_person(sentence: str, is_person: Callable[[str], bool]) -> bool:
    """A person or a team named in the sentence (sarcasm is aimed at either)."""
    words = re.findall(r"@[\w.-]+|[\w'’-]+", sentence)
    return any(is_person(w) or is_person(" ".join(words[i:i + 3])) or w.lower() == "team"
               for i, w in enumerate(words))
