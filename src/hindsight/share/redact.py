"""Taking internal details out of text meant for customers (the status page).

Removed: anything between `<!-- internal -->` and `<!-- /internal -->`; @handles
and people's names (the configured roster and common first names); e-mail
addresses; URLs and host names outside the configured public domains; IP
addresses; inline code (commands, hosts, paths); ticket keys (`SRE-123`,
`#1234`); money figures and any sentence about revenue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Config

_INTERNAL = re.compile(r"<!--\s*internal\s*-->.*?(?:<!--\s*/\s*internal\s*-->|\Z)", re.S | re.I)
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9][\w.-]*")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL = re.compile(r"<?\b[a-z][a-z0-9+.-]*://[^\s<>)\]]+>?", re.I)
_HOST = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z][a-z0-9-]*[a-z0-9]|[a-z])\b", re.I)
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){3,7}\b", re.I)
_CODE = re.compile(r"`+[^`]*`+")
_TICKET = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d{1,7}\b|(?<![\w&])#\d{1,7}\b")
_MONEY = re.compile(r"[~≈]?\s*(?:[$€£¥]\s?\d[\d,.]*\s*(?:k|m|million|thousand)?"
                    r"|\d[\d,.]*\s*(?:USD|EUR|GBP|dollars|euros))", re.I)
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

    def clean(self, text: str) -> str:
        """The text with every internal detail removed or replaced by a neutral phrase."""
        t = strip_internal(text)
        t = _CODE.sub("an internal component", t)
        t = _EMAIL.sub("our team", t)
        t = _URL.sub(self._url, t)
        t = _IP.sub("an internal system", t)
        t = _HOST.sub(self._host, t)
        t = _HANDLE.sub("our team", t)
        t = re.sub(r"\b[A-Z][a-z]+\b", lambda m: "our team" if m.group(0) in self.names else m.group(0), t)
        t = _TICKET.sub("", t)
        t = " ".join(s for s in re.split(r"(?<=[.!?])\s+", t) if not re.search(r"\brevenue|\bcost us\b", s, re.I))
        t = _MONEY.sub("", t)
        t = re.sub(r"\s+(?:and|or|,)\s*\)", ")", t)
        t = re.sub(r"\(\s*(?:see\s*)?[,;]?\s*\)", "", t)
        t = re.sub(r"\s+([,.;:!?])", r"\1", t)
        t = re.sub(r"\bour team(?:,? and our team)+", "our team", t)
        t = re.sub(r"(^|[.!?]\s+)our team", lambda m: m.group(1) + "Our team", t)
        return re.sub(r"[ \t]{2,}", " ", t).strip()


def strip_internal(text: str) -> str:
    """Text without `<!-- internal -->…<!-- /internal -->` blocks (an unclosed block runs to the end)."""
    return _INTERNAL.sub("", text)
