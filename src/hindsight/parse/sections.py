"""Which of the standard's sections a heading is, whatever words and level it uses.

Real postmortems say "Chronology" for Timeline, "Follow-ups" for Action Items,
"Takeaways" for Lessons Learned; "What went wrong" is a root cause on its own
but the opposite of "What went well" beside it.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .scan import Section

# Canonical section kinds, in the order of the standard's template.
SUMMARY = "summary"
IMPACT = "impact"
TIMELINE = "timeline"
ROOT_CAUSE = "root_cause"
WHAT_HAPPENED = "what_happened"
CONTRIBUTING = "contributing_factors"
FIVE_WHYS = "five_whys"
WENT_WELL = "went_well"
COULD_IMPROVE = "could_improve"
ACTION_ITEMS = "action_items"
LESSONS = "lessons"
APPENDIX = "appendix"

# Exact matches on the normalised heading text.
_EXACT = {
    SUMMARY: ["summary", "overview", "tl;dr", "tldr", "tl dr", "incident summary", "executive summary",
              "abstract", "brief", "synopsis", "description"],
    IMPACT: ["impact", "impact analysis", "customer impact", "user impact", "business impact", "what was impacted",
             "impact assessment", "impact and severity", "scope and impact", "affected", "who was affected"],
    TIMELINE: ["timeline", "chronology", "sequence of events", "timeline of events", "incident timeline",
               "detailed timeline", "events", "event timeline", "follow-up timeline", "follow up timeline",
               "timeline of the incident", "order of events"],
    ROOT_CAUSE: ["root cause", "root causes", "causes", "cause", "root cause analysis", "rca", "why did it happen",
                 "how did this happen", "how did it happen", "what caused it", "what caused the incident",
                 "root cause of the outage", "root cause of the issue", "root cause of the incident",
                 "working theory", "analysis", "causal analysis", "the root cause", "fault", "technical details",
                 "diagnosis", "origin of the incident", "origin of the issue", "origin of the outage",
                 "origin of the problem", "what caused this", "what caused the outage", "why it happened",
                 "cause of the incident", "cause of the outage", "cause and resolution", "the cause", "the causes",
                 "root causes and trigger", "root cause and trigger"],
    WHAT_HAPPENED: ["what happened", "what happened exactly", "incident description", "what went on",
                    "the incident", "incident", "the outage", "outage", "the problem", "the issue", "details",
                    "incident details", "incident overview", "incident report"],
    CONTRIBUTING: ["contributing factors", "contributing factor", "contributing causes", "factors",
                   "contributing conditions"],
    WENT_WELL: ["what went well", "things that went well", "went well", "what went right", "what worked",
                "what worked well", "the good"],
    COULD_IMPROVE: ["what could be improved", "what went poorly", "things that went poorly", "what didn't go well",
                    "what did not go well", "what didn't go so well", "what went badly", "where we got lucky",
                    "what could have gone better", "what could have been better", "areas for improvement",
                    "opportunities", "opportunities for improvement", "things that could be improved",
                    "what we could do better", "improvements", "the bad", "where did we get lucky"],
    ACTION_ITEMS: ["action items", "action item", "actions", "follow-ups", "follow ups", "followups", "follow-up",
                   "follow up", "follow-up items", "follow-up actions", "follow-up improvements", "remediation",
                   "remediations", "remediation items", "corrective actions", "corrective action",
                   "action points", "next steps", "resulting action", "resulting actions",
                   "what we're doing about it", "what we are doing about it", "what we're doing differently",
                   "what we are doing differently", "preventive actions", "preventative actions",
                   "prevention", "todo", "to do", "tasks", "action plan", "mitigations", "repair items",
                   "how are we going to do better in the future", "what we will do", "what's next",
                   "actions taken", "actions planned", "action taken",
                   "what we are doing next", "what we're doing next", "going forward", "moving forward",
                   "future work", "future improvements", "improvements planned", "planned improvements"],
    LESSONS: ["lessons learned", "lessons learnt", "lessons", "lesson learned", "takeaways", "key takeaways",
              "learnings", "what we learned", "key learnings", "what can we learn from this incident and improve",
              "lessons and takeaways", "reflections"],
    APPENDIX: ["appendix", "appendices", "links", "references", "supporting information", "related links",
               "further reading", "resources", "supporting material"],
}
_LOOKUP = {text: kind for kind, texts in _EXACT.items() for text in texts}

# Looser patterns, tried in order when no exact match: the first that matches wins.
_PATTERNS = [
    (FIVE_WHYS, re.compile(r"\b(five|5) whys\b")),
    (CONTRIBUTING, re.compile(r"\bcontributing (factor|cause)")),
    (ACTION_ITEMS, re.compile(r"\b(action items?|follow[- ]?ups?|corrective actions?|remediation|next steps|"
                              r"action points)\b")),
    (WENT_WELL, re.compile(r"\bwent (well|right)\b")),
    (COULD_IMPROVE, re.compile(r"\b(went (poorly|badly)|could (be|have been) improved|(didn't|did not) go( so)? well|"
                               r"got lucky)\b")),
    (LESSONS, re.compile(r"\blessons? (learned|learnt)\b|\btakeaways\b")),
    (TIMELINE, re.compile(r"\btimeline\b|\bchronology\b")),
    # "What is being done to prevent future incidents?", "How are we preventing it from happening again?"
    (ACTION_ITEMS, re.compile(r"\bprevent\w*\b.*\b(again|future|recurr\w*|repeat\w*|reoccur\w*)\b")),
    (ACTION_ITEMS, re.compile(r"\b(resolving|remedial|resulting|preventive|preventative) actions?\b")),
    (ROOT_CAUSE, re.compile(r"^root causes?\b|\broot cause analysis\b|\bwhy did\b.*\bhappen\b|^(the )?root of\b")),
    (IMPACT, re.compile(r"^impact\b")),
    (SUMMARY, re.compile(r"^(incident )?summary\b")),
    # "So what happened?", "What happened on 17th June 2019", "Details of the incident"
    (WHAT_HAPPENED, re.compile(r"\bwhat happened\b|^details of (the )?(incident|issue|exploit|outage|attack|"
                               r"vulnerability|bug|problem)\b")),
    (ROOT_CAUSE, re.compile(r"^(the )?(origin|cause)s? of (the )?(incident|issue|outage|problem|failure)\b")),
    (APPENDIX, re.compile(r"^ap+en?d[a-z]*x\b|^ap+endi")),  # "Apendix", "Appendinx"
]

_INLINE = re.compile(r"\*\*|__|`|~~|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]")


def strip_inline(text: str) -> str:
    """Text without its inline markup: `**_(Update)_ [Notice](url)**` -> `(Update) Notice`."""
    return _INLINE.sub("", _LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)).strip()


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Heading text reduced to the words that name it: `## 3. Root Cause(s) (UTC):` -> `root cause`."""
    t = strip_inline(text)
    t = t.replace("’", "'").replace("&", " and ")
    t = re.sub(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[ivx]+[.)])\s+", "", t, flags=re.I)
    t = re.sub(r"\([^)]*\)", " ", t)
    t = t.lower()
    t = re.sub(r"[?:!.,;]+", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t


def is_exact(text: str) -> bool:
    """Whether a heading is exactly one of the standard's section names or synonyms ("Summary")."""
    return normalise(text) in _LOOKUP or normalise(text) == "what went wrong"


@cache
def classify_text(text: str) -> str | None:
    t = normalise(text)
    if not t:
        return None
    kind = _LOOKUP.get(t)
    if kind:
        return kind
    if t == "what went wrong":
        return "what_went_wrong"  # settled once the siblings are known
    for kind, rx in _PATTERNS:
        if rx.search(t):
            return kind
    return None


def classify(sec: Section) -> str | None:
    """The kind of a section, in the context of its parent (the scanner calls this in order)."""
    parent = sec.parent
    pkind = parent.kind if parent else None
    kind = classify_text(sec.title)
    # Inside a timeline, sub-headings are days or times, not sections.
    if pkind == TIMELINE and kind not in (TIMELINE,):
        return None
    if kind == WHAT_HAPPENED and pkind != ROOT_CAUSE:
        return kind  # settled later: a summary when the document has none
    return kind


def settle(sections: list[Section]) -> None:
    """Decide the kinds that depend on the whole document."""
    kinds = {s.kind for s in sections}
    for s in sections:
        if s.kind == "what_went_wrong":
            siblings = s.parent.children if s.parent else [x for x in sections if x.parent is None]
            beside_well = any(x.kind == WENT_WELL for x in siblings) or WENT_WELL in kinds
            s.kind = COULD_IMPROVE if beside_well else ROOT_CAUSE
        elif s.kind == WHAT_HAPPENED and (s.parent is None or s.parent.kind != ROOT_CAUSE):
            if SUMMARY not in kinds:
                s.kind = SUMMARY
                kinds.add(SUMMARY)
