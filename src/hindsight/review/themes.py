"""Recurring themes: what a postmortem's causes are about.

Two sources, both explainable:

1. Front-matter `tags` (`tags: [database, deploy]`), mapped onto the taxonomy
   through its synonyms.
2. The cause text itself: what happened, the contributing factors and the
   answers of the five whys (not the summary or timeline, which describe
   symptoms). A theme applies when one of its keywords appears there as a
   whole word.

The built-in taxonomy is below; `themes` in configuration adds themes or
synonyms (`name = ["keyword", …]`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Postmortem

TAXONOMY: dict[str, tuple[str, ...]] = {
    "Deploys and releases": ("deploy", "deploys", "deployed", "deployment", "release", "releases", "rollout",
                             "roll-out", "rollback", "rolled back", "canary", "hotfix", "promotion", "promoted"),
    "Configuration changes": ("config", "configuration", "misconfiguration", "misconfigured", "feature flag", "flag",
                              "settings", "allow-list", "allowlist", "yaml", "terraform", "helm values"),
    "Capacity and load": ("capacity", "load", "traffic", "spike", "scaling", "autoscaling", "quota", "throttling",
                          "throttled", "saturation", "saturated", "exhausted", "exhaustion", "overload",
                          "overloaded", "pool size", "rate limit", "rate limits", "backlog"),
    "Database": ("database", "db", "query", "queries", "index", "schema migration", "database migration",
                 "replica", "replication",
                 "postgres", "postgresql", "mysql", "orm", "connection pool", "deadlock"),
    "Monitoring and alerting": ("monitoring", "alert", "alerts", "alerting", "observability", "dashboard",
                                "detection", "paging", "page", "metrics", "logging", "logs"),
    "Certificates, DNS and networking": ("certificate", "certificates", "tls", "ssl", "dns", "expiry", "expired",
                                         "network", "networking", "firewall", "load balancer", "cdn", "routing"),
    "Dependencies and third parties": ("provider", "vendor", "third-party", "third party", "upstream",
                                       "dependency", "dependencies", "external service", "partner"),
    "Testing and staging": ("test", "tests", "testing", "staging", "load test", "load tests", "smoke test",
                            "test coverage", "qa"),
    "Runbooks and process": ("runbook", "runbooks", "playbook", "process", "checklist", "procedure", "on-call",
                             "escalation", "handover", "documentation"),
    "Security and access": ("security", "credential", "credentials", "token", "tokens", "secret", "secrets",
                            "permission", "permissions", "access", "vulnerability", "phishing", "leak", "leaked"),
    "Storage and disk": ("disk", "disks", "storage", "filesystem", "file system", "disk space", "backup",
                         "backups", "archive", "partition", "inode", "inodes"),
    "Scheduling and time": ("cron", "schedule", "scheduler", "time zone", "timezone", "clock", "expiration",
                            "ttl"),
}


@cache
def _compiled(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, re.Pattern]]:
    merged: dict[str, list[str]] = {k: list(v) for k, v in TAXONOMY.items()}
    for name, words in extra:
        merged.setdefault(name, []).extend(words)
    return [(name, re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len,
                                                                                      reverse=True))
                              + r")(?![\w-])", re.I)) for name, words in merged.items()]


def cause_text(pm: Postmortem) -> str:
    rc = pm.root_cause
    parts = [rc.what_happened, rc.statement]
    parts += [f"{f.title} {f.description}" for f in rc.contributing_factors]
    parts += [w.answer for w in rc.five_whys]
    return "\n".join(p for p in parts if p)


def themes_of(pm: Postmortem, extra: dict[str, list[str]] | None = None) -> set[str]:
    """The themes of one postmortem, from its tags and its cause text."""
    patterns = _compiled(tuple((k, tuple(v)) for k, v in sorted((extra or {}).items())))
    found: set[str] = set()
    tags = pm.front_matter.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    tag_text = " ".join(str(t) for t in tags)
    text = cause_text(pm)
    for name, rx in patterns:
        if (tag_text and rx.search(tag_text)) or name.lower() in tag_text.lower() or (text and rx.search(text)):
            found.add(name)
    return found
