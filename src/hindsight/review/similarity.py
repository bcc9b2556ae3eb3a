"""Whether two postmortems are the same incident coming back, and the evidence for it.

A repeat is the same service or component failing again, or a strongly similar
cause; a weaker link (a shared theme with some shared cause words) is only
"possibly related". Sharing a keyword theme is not a repeat: a certificate
expiry does not repeat a database pool exhaustion because both mention a
"database", and two security disclosures of different bugs are not one
incident twice.

What a postmortem is about is read from its own words:

- its components: names in code (`fritz`, `StrategyProxy`), names written with a
  capital inside a sentence (Traefik, Prometheus, KIAM), and names with dashes,
  dots or digits (`halt-height`, `cdn-frankfurt-1`), from the title, the summary
  and the cause; plus the front matter's `service`/`component`;
- its cause words: the words of its title and cause (or summary, when it states
  no cause), without the words every postmortem uses.

Words shared by many of the postmortems compared count for little (inverse
document frequency over the records the review reads), so what two documents
share has to be particular to them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Postmortem
    from ..records import Record

def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words every postmortem uses, which say nothing about which incident it was.
_STOP = _set("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers him
his how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out
over own same she should so some such than that the their them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your yes also however
incident incidents outage outages issue issues problem problems postmortem post-mortem mortem root cause causes
caused causing service services user users customer customers team teams time times production prod minutes minute
hours hour day days week weeks today yesterday impact impacted affected affect error errors failure failures failed
fail fails happened happen happens went go going get got make made new old one two three first second last next
many much several some still well like also since around again able way due led lead leading result resulted
resulting issue fix fixed fixing work worked working use used using need needed needs number case cases part postmortems
system systems process processes change changes changed data set state point thing things order instead however
therefore thus though although whether may might must shall see seen saw know known think thought look looked
take took taken give given find found keep kept start started end ended run running ran
""")
_WORD = re.compile(r"[a-z][a-z0-9]+(?:[-_.][a-z0-9]+)*")
_CODE = re.compile(r"`([^`\n]{2,40})`")
_NAMED = re.compile(r"(?<=[a-z0-9,;:)] )([A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Z][a-z]{2,}[A-Z]\w*|"
                    r"[A-Z][a-z]{3,})\b")
_SHAPED = re.compile(r"\b[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+\b|\b[a-z]+\d+[a-z0-9]*\b", re.I)
# Capitalised words that are not names of components.
_NOT_NAMES = _set("""
The This That These Those There Then When While After Before During Since Until Because However Although Though
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
September October November December UTC GMT We Our Yes No Not None All Some Any Each Every Root Cause Summary
Impact Timeline Lessons Action Items What Went Well Could Improved Details Background Status Date Duration Severity
Author Owner Ticket Team Engineer Engineers Incident Postmortem Resolution Detection Trigger Update Updates Service
Services Server Servers Production Internet Security Support Yes
""")
_REPEAT_SIMILARITY = 0.18  # cosine of the cause words, for "a strongly similar cause" on its own
_COMPONENT_SIMILARITY = 0.10  # … and beside a shared component
_RELATED_SIMILARITY = 0.07  # … for "possibly related", beside a shared theme
_COMPONENT_WEIGHT = 2.2  # the inverse frequency a shared component needs to count (rare in the corpus)


def _stem(w: str) -> str:
    if len(w) > 5 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 5 and w.endswith(("ing", "ed")) and "-" not in w:
        return w[:-3] if w.endswith("ing") else w[:-2]
    if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2]


def components(pm: Postmortem, services: Iterable[str] = ()) -> tuple[str, ...]:
    """The names of the things a postmortem is about (lower case, in order of first mention)."""
    from .themes import cause_text

    text = "\n".join(filter(None, [pm.title or "", pm.summary, cause_text(pm)]))
    found: list[str] = [s.lower() for s in services]
    for m in _CODE.finditer(text):
        name = m.group(1).strip().lower()
        if re.fullmatch(r"[\w.@/-]{2,40}", name) and not name.isdigit():
            found.append(name)
    for m in _NAMED.finditer(text):
        if m.group(1) not in _NOT_NAMES:
            found.append(m.group(1).lower())
    for m in _SHAPED.finditer(text):
        w = m.group(0).lower()
        if not re.fullmatch(r"v?\d+(?:\.\d+)*|\d+[a-z]{1,3}|[a-z]{1,2}\d", w):
            found.append(w)
    return tuple(dict.fromkeys(_stem(w) for w in found))


def cause_words(pm: Postmortem) -> tuple[tuple[str, int], ...]:
    """The words of a postmortem's title, cause, summary and what went wrong, with counts."""
    from .themes import cause_text

    text = "\n".join(filter(None, [pm.title or "", cause_text(pm), pm.summary,
                                    *(n.text for n in pm.could_improve)]))
    return tuple(sorted(Counter(_words(text)).items()))


def inverse_frequency(records: Iterable[Record]) -> dict[str, float]:
    """log(N / documents holding the word) over the records compared, for cause words and components."""
    recs = list(records)
    df: Counter[str] = Counter()
    for r in recs:
        df.update({w for w, _ in r.cause_words} | set(r.components))
    n = max(len(recs), 1)
    return {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}


@dataclass(frozen=True, slots=True)
class Relation:
    """How two postmortems are related: `repeat`, `related` (possibly) or `none`, and why."""

    kind: str
    evidence: str = ""


def relation(a: Record, b: Record, idf: dict[str, float] | None = None) -> Relation:
    """Whether `b` repeats `a` (the same service or component, or a strongly similar cause), is possibly
    related to it (a shared theme and some shared cause words), or neither; with the evidence."""
    idf = idf if idf is not None else inverse_frequency([a, b])
    shared_service = sorted(set(a.services) & set(b.services))
    if shared_service:
        return Relation("repeat", f"service {', '.join(shared_service)}")
    default = max(idf.values(), default=1.0)
    shared_parts = sorted((c for c in set(a.components) & set(b.components)
                           if idf.get(c, default) >= _COMPONENT_WEIGHT), key=lambda c: -idf.get(c, default))
    sim, shared_words = _cosine(dict(a.cause_words), dict(b.cause_words), idf)
    shared_themes = sorted(set(a.themes) & set(b.themes))
    if shared_parts and sim >= _COMPONENT_SIMILARITY:
        return Relation("repeat", f"component {', '.join(shared_parts[:3])}; cause words: "
                                  f"{', '.join(shared_words[:5])}")
    if sim >= _REPEAT_SIMILARITY:
        return Relation("repeat", f"similar cause ({sim:.2f}): {', '.join(shared_words[:5])}")
    if shared_parts or (shared_themes and sim >= _RELATED_SIMILARITY) or sim >= _COMPONENT_SIMILARITY:
        why = [f"component {', '.join(shared_parts[:3])}"] if shared_parts else []
        why += [f"theme {', '.join(shared_themes)}"] if shared_themes else []
        why += [f"cause words: {', '.join(shared_words[:5])}"] if shared_words else []
        return Relation("related", "; ".join(why))
    return Relation("none")


def _cosine(a: dict[str, int], b: dict[str, int], idf: dict[str, float]) -> tuple[float, list[str]]:
    default = max(idf.values(), default=1.0)

    def weight(w: str, n: int) -> float:
        return (1 + math.log(n)) * idf.get(w, default)

    va = {w: weight(w, n) for w, n in a.items()}
    vb = {w: weight(w, n) for w, n in b.items()}
    shared = set(va) & set(vb)
    dot = sum(va[w] * vb[w] for w in shared)
    na = math.sqrt(sum(x * x for x in va.values()))
    nb = math.sqrt(sum(x * x for x in vb.values()))
    if not dot or not na or not nb:
        return 0.0, []
    top = sorted(shared, key=lambda w: (-(va[w] * vb[w]), w))
    return dot / (na * nb), top
