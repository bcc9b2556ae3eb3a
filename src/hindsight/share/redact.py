"""Taking internal details out of text meant for customers (the status page).

The unit is the sentence: a customer reads whole sentences or none, never one
cut into fragments ("Our team Smith", "… per; see …"). Left out whole: anything
between `<!-- internal -->` and `<!-- /internal -->`; a sentence that names or
speaks as a person (@handles, e-mail addresses, the configured roster and
common first names, a name in parentheses, `I`); one about money or revenue;
one whose ticket keys (`SRE-123`, `#1234`) are part of it rather than an aside.
Replaced by a neutral phrase: URLs and host names outside the configured
public domains, IP addresses, inline code (commands, hosts, paths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Config

_INTERNAL = re.compile(r"<!--\s*internal\s*-->.*?(?:<!--\s*/\s*internal\s*-->|\Z)", re.S | re.I)
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9][\w.-]*")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL = re.compile(r"<?\b[a-z][a-z0-9+.-]*://[^\s<>)\]]*[^\s<>)\].,;:!?'\"]>?", re.I)
_HOST = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z][a-z0-9-]*[a-z0-9]|[a-z])\b", re.I)
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){3,7}\b", re.I)
_CODE = re.compile(r"`+[^`]*`+")
_TICKET = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d{1,7}\b|(?<![\w&])#\d{1,7}\b")
_MONEY = re.compile(r"[~≈]?\s*(?:[$€£¥]\s?\d[\d,.]*\s*(?:k|m|million|thousand)?"
                    r"|\d[\d,.]*\s*(?:USD|EUR|GBP|dollars|euros))", re.I)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|mine|myself)\b")
_PAREN_NAME = re.compile(r"\((?:[A-Z][a-z]+\s){1,2}[A-Z][a-z]+\)")
_TICKET_ASIDE = re.compile(r"\s*\((?:see|cf\.|in|via|tracked in|ticket)?\s*(?:(?:[A-Z][A-Z0-9]{1,9}-\d{1,7}|#\d{1,7}"
                           r"|<?https?://[^\s)]+>?)(?:\s*(?:,|and)\s*)?)+\)", re.I)
# A sentence that lost a word it needed: "… per; see …", "… at .", "… with and …".
_DANGLING = re.compile(r"\b(?:per|see|via|cf)\s*[;,.:!?)]|[;,]\s*[;,.]|\(\s*\)", re.I)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# Host-looking words that are not hosts.
_NOT_HOSTS = {"e.g", "i.e", "etc", "vs", "v2.3", "a.m", "p.m"}
_TLDS = {"com", "net", "org", "io", "dev", "app", "cloud", "ai", "co", "uk", "de", "fr", "eu", "us", "internal",
         "local", "corp", "lan", "intra", "svc", "cluster", "home", "prod", "test", "example", "gov", "edu", "info",
         "biz", "me", "tech", "sh", "au", "nl", "se", "no", "dk", "fi", "jp", "in", "ch", "at", "be", "es", "it", "ca"}


@dataclass
class Redactor:
    public_domains: tuple[str, ...]
    names: frozenset[str]

    @classmethod
    def from_config(cls, config: Config) -> Redactor:
        from ..language import first_names

        return cls(tuple(d.lower().lstrip(".") for d in config.get("public_domains")),
                   frozenset(config.get("roster")) | first_names())

    def _public(self, host: str) -> bool:
        h = host.lower().rstrip(".")
        return any(h == d or h.endswith("." + d) for d in self.public_domains)

    def _url(self, m: re.Match) -> str:
        url = m.group(0).strip("<>")
        host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.I).split("/")[0].split(":")[0].split("@")[-1]
        return url if self._public(host) else "our internal systems"

    def _host(self, m: re.Match) -> str:
        h = m.group(0)
        if h.lower() in _NOT_HOSTS or h.split(".")[-1].lower() not in _TLDS or self._public(h):
            return h
        return "an internal system"

    def _person(self, sentence: str) -> bool:
        """Whether a sentence names or speaks as a person: a handle, an address, a known name, `I`."""
        if _HANDLE.search(sentence) or _EMAIL.search(sentence) or _FIRST_PERSON.search(sentence):
            return True
        if _PAREN_NAME.search(sentence):
            return True
        return any(w in self.names for w in re.findall(r"\b[A-Z][a-z]+\b", sentence))

    def value(self, text: str) -> str | None:
        """A short value (an Impact figure) as a customer may read it, or None."""
        t = " ".join(text.split())
        if not t or self._person(t) or _MONEY.search(t) or _TICKET.search(t):
            return None
        return _HOST.sub(self._host, _IP.sub("an internal system", _URL.sub(self._url, _CODE.sub("an internal "
                                                                                                  "component", t))))

    def sentence(self, text: str) -> str | None:
        """One sentence as a customer may read it, or None when it cannot be said publicly.

        A sentence about a person, about money or revenue, or whose ticket references are woven into
        it is left out whole, never cut into fragments; hosts, addresses, URLs outside the public
        domains and inline code become neutral phrases.
        """
        t = " ".join(text.split())
        if not t or self._person(t) or _MONEY.search(t) or re.search(r"\brevenue|\bcost us\b", t, re.I):
            return None
        t = _TICKET_ASIDE.sub("", t)  # "(see SRE-123)", "(#4567)": an aside that only points at a ticket
        if _TICKET.search(t):
            return None
        t = _CODE.sub("an internal component", t)
        t = _URL.sub(self._url, t)
        t = _IP.sub("an internal system", t)
        t = _HOST.sub(self._host, t)
        t = re.sub(r"\(\s*(?:see\s*)?[,;]?\s*\)", "", t)
        t = re.sub(r"\s+([,.;:!?])", r"\1", t)
        t = re.sub(r"[ \t]{2,}", " ", t).strip()
        if not re.search(r"[A-Za-z]{2,}", t) or _DANGLING.search(t):
            return None
        return t

    def clean(self, text: str) -> str:
        """The sentences of a text a customer may read, without the ones that cannot be said publicly."""
        kept = [s for s in (self.sentence(x) for x in _SENTENCES.split(strip_internal(text))) if s]
        return " ".join(kept)


def strip_internal(text: str) -> str:
    """Text without `<!-- internal -->…<!-- /internal -->` blocks (an unclosed block runs to the end)."""
    return _INTERNAL.sub("", text)
