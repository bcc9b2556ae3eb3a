"""The root cause a document states in its prose, when it has no Root Cause section.

Real postmortems often say it in passing: "The root cause of these downtimes was
insufficient resources", "The core issue stems from a TOCTOU vulnerability",
"LEAP Mainnet has stopped due to double signing", "Two major oversights led to
this issue:" followed by a list. A careful reader takes such a sentence as the
cause, and does not take "the cause is still unknown" as one.

Sentences are tried in two strengths: one that names the cause ("root cause",
"core issue", "the cause of") wins over one that only links two events ("due
to", "caused by"), wherever they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._blocks import Block

# "While the summary is accurate, the actual root cause was deeper": a cause that corrects an earlier one.
_CORRECTED = re.compile(r"\b(?:actual|real|true|deeper|ultimate)\s+(?:root\s+)?causes?\b", re.I)
_STRONG = re.compile(
    r"\b(?:root[- ]?causes?|(?:core|underlying|main|primary|real|actual|exact|fundamental)\s+"
    r"(?:issue|problem|cause|reason)s?|the\s+causes?\s+of|was\s+caused\s+by|were\s+caused\s+by|"
    r"(?:issue|problem|incident|outage|failure|bug)\s+(?:stem(?:s|med)?|arose|originated)\s+from|"
    r"(?:led|lead|leads)\s+to\s+(?:this|the)\s+(?:issue|incident|outage|problem|failure|exploit)|"
    r"(?:biggest|main|primary|largest|key|major)\s+(?:contributing\s+)?factor)\b",
    re.I)
_WEAK = re.compile(
    r"\b(?:due\s+to|caused\s+by|because\s+of|stem(?:s|med)?\s+from|result(?:s|ed)?\s+from|triggered\s+by|"
    r"was\s+the\s+result\s+of|(?:led|leads)\s+to|"
    # how an attack got in: "through a compromise of the workflows", "injected obfuscated code"
    r"(?:through|via|by)\s+(?:a\s+|the\s+)?compromise|inject(?:ed|ing)\s+(?:\w+\s+){0,2}code|"
    r"exploit(?:ed|ing)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:bug|vulnerability|flaw|weakness))\b",
    re.I)
# What says there is no cause to tell yet.
_UNKNOWN = re.compile(
    r"\b(?:unknown|unclear|not\s+(?:yet\s+)?(?:known|clear|determined|identified|understood)|"
    r"(?:hard|difficult|impossible)\s+to\s+(?:give|say|pinpoint|determine|identify|know)|"
    r"still\s+(?:investigating|under\s+investigation|being\s+investigated)|under\s+investigation|"
    r"no\s+(?:single\s+|clear\s+|definitive\s+)?root\s+cause|(?:is|was|were)\s+not\s+(?:the\s+)?(?:root\s+)?cause|"
    r"ruled\s+out|(?:will|to)\s+(?:determine|identify|find)\s+the\s+(?:root\s+)?cause|"
    r"(?:we\s+)?(?:are\s+)?(?:working|trying)\s+to\s+(?:determine|identify|understand))\b",
    re.I)
# A cause offered as a guess ("It's possible this error was caused by …") yields to one stated as fact.
_HEDGE = re.compile(r"\b(?:it'?s|it is|it was)\s+possible\b|\b(?:possibly|perhaps|maybe|presumably|"
                    r"may|might|could)\s+(?:have\s+)?(?:been\s+)?(?:caused|due|the|a|result)|\bwe\s+(?:suspect|think|believe)\b",
                    re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[*_`])")


@dataclass(slots=True)
class Statement:
    text: str
    block: Block


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def find(blocks: list[Block], near: int | None = None) -> Statement | None:
    """The sentence (with the list it introduces, when it ends in a colon) that states the cause.

    A sentence that only links two events ("due to", "led to") is taken from the first `near` blocks
    (the opening and the account of what happened), never from an aside further on.
    """
    for rx, hedged in ((_CORRECTED, False), (_STRONG, False), (_WEAK, False), (_STRONG, True), (_WEAK, True)):
        for i, b in enumerate(blocks):
            if b.kind not in ("para", "item", "quote") or (rx is _WEAK and near is not None and i >= near):
                continue
            text = b.all_text() if b.kind == "item" else b.text
            sentences = _sentences(text)
            for k, sentence in enumerate(sentences):
                if not rx.search(sentence) or _UNKNOWN.search(sentence) or bool(_HEDGE.search(sentence)) != hedged:
                    continue
                # A paragraph that ends by introducing a list ("The exact cause of events was:") states
                # the cause in that list.
                if sentences[-1].rstrip("*_ ").endswith(":") and (items := _following_list(blocks, i)):
                    return Statement(" ".join([*sentences[k:], *(x.all_text() for x in items)]), b)
                return Statement(sentence, b)
    return None


def _following_list(blocks: list[Block], i: int) -> list[Block]:
    out: list[Block] = []
    for b in blocks[i + 1:]:
        if b.kind != "item":
            break
        if b.depth == 0:
            out.append(b)
    return out
