"""Recurring themes: what a postmortem's causes are about.

Two sources, both explainable:

1. Front-matter `tags` (`tags: [database, deploy]`), mapped onto the taxonomy
   through its synonyms.
2. The document's own words, weighed by where they stand: the title and the
   stated cause count most, then the contributing factors and the rest of the
   cause text, then the summary and what could be improved. A theme applies when its keywords weigh at
   least as much as one mention in the title or the stated cause, and at least
   a third as much as the document's leading theme: a narrative that mentions
   "logs" once on its way to a database failure is not about monitoring.

The built-in taxonomy is below; `themes` in configuration adds themes or
synonyms (`name = ["keyword", …]`). `evidence` says which words gave each theme.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Postmortem

TAXONOMY: dict[str, tuple[str, ...]] = {
    "Deploys and releases": ("deploy", "deploys", "deployed", "deploying", "deployment", "deployments", "release",
                             "releases", "released", "rollout", "roll-out", "rolled out", "rollback", "rolled back",
                             "canary", "hotfix", "promotion", "upgrade", "upgraded", "upgrades", "upgrading",
                             "pipeline", "pipelines", "ci/cd", "version bump", "new version", "binary",
                             "patch release"),
    "Configuration changes": ("config", "configs", "configuration", "misconfiguration", "misconfigured",
                              "feature flag", "flag", "settings", "setting", "allow-list", "allowlist", "yaml",
                              "terraform", "helm values", "helm chart", "parameter", "parameters", "limitrange",
                              "limitranges", "resource limits", "resource requests", ".env", "version lock",
                              "page rules", "rule", "rules", "default settings", "gas limit", "slippage"),
    "Capacity and load": ("capacity", "load", "traffic", "spike", "scaling", "autoscaling", "quota", "throttling",
                          "throttled", "saturation", "saturated", "exhausted", "exhaustion", "overload",
                          "overloaded", "pool size", "rate limit", "rate limits", "backlog", "memory", "oom",
                          "out of memory", "oom killer", "cpu", "starvation", "resources", "insufficient resources",
                          "spam", "flood", "flooded", "queue", "queues", "memory leak", "high memory", "notready",
                          "growth", "ip starvation", "file watches", "block times", "block time"),
    "Database": ("database", "databases", "db", "sql", "slow query", "database index", "schema migration",
                 "database migration", "replica", "replication", "postgres", "postgresql", "mysql", "mariadb",
                 "couchdb", "mongodb", "orm", "connection pool", "deadlock", "foreign key", "innodb"),
    "Monitoring and alerting": ("monitoring", "monitored", "alert", "alerts", "alerting", "alerted", "observability",
                                "dashboard", "detection", "detected late", "paging", "paged", "metrics", "no alert",
                                "not alerted", "went unnoticed", "unnoticed", "noticed late"),
    "Certificates, DNS and networking": ("certificate", "certificates", "tls", "ssl", "dns", "expiry", "expired",
                                         "network", "networking", "firewall", "load balancer", "cdn", "routing",
                                         "ingress", "reverse proxy", "proxy", "alb", "elb", "target group",
                                         "target groups", "headers", "header", "vpc", "cni", "subnet", "subnets",
                                         "ip address", "ip addresses", "peers", "peer", "p2p", "dht", "nftables",
                                         "ports", "port", "mx records", "records", "cloudflare", "cache headers"),
    "Dependencies and third parties": ("provider", "vendor", "third-party", "third party", "upstream",
                                       "dependency", "dependencies", "external service", "partner", "package",
                                       "packages", "library", "libraries", "gem", "gems", "npm", "crate", "crates",
                                       "vendor specific", "transitive", "supply chain", "supply-chain"),
    "Testing and staging": ("test", "tests", "tested", "testing", "untested", "staging", "load test", "load tests",
                            "smoke test", "smoke testing", "test coverage", "qa", "sandbox", "testnet",
                            "test suite", "integration tests"),
    "Runbooks and process": ("runbook", "runbooks", "playbook", "checklist", "procedure", "procedures", "on-call",
                             "escalation", "handover", "documentation", "review process", "offboarding",
                             "migration process", "operational procedure", "human-readable", "manual process"),
    "Security and access": ("security", "credential", "credentials", "token", "tokens", "secret", "secrets",
                            "permission", "permissions", "access", "vulnerability", "vulnerabilities", "phishing",
                            "leak", "leaked", "exposed", "exposure", "public internet", "unauthorized", "attacker",
                            "attackers", "attack", "exploit", "exploited", "exploiter", "malware", "malicious",
                            "compromise", "compromised", "breach", "privilege", "privileges", "least-privilege",
                            "2fa", "mfa", "whitehat", "bug bounty", "hijacked", "exfiltrate", "exfiltrated",
                            "account takeover", "executable stack", "immunefi", "protestware", "adfs", "sso"),
    "Storage and disk": ("disk", "disks", "storage", "filesystem", "file system", "disk space", "backup",
                         "backups", "archive", "inode", "inodes", "disk full", "root filesystem", "volume",
                         "volumes", "log size", "filled up"),
    "Scheduling and time": ("cron", "cronjob", "cron job", "scheduled job", "time zone", "timezone", "clock",
                            "expiration", "leap second", "daylight saving", "scheduled pipeline", "timeslot"),
}

# Where a word stands, and how much it says about what the incident was.
_WEIGHTS = {"title": 3.0, "statement": 3.0, "factors": 2.0, "cause": 1.0, "summary": 1.0, "improve": 1.0}
_ENOUGH = 2.0  # one mention in the title or the stated cause, or two in the story
_SHARE = 0.34  # of the leading theme's weight
_CAP = 3  # mentions of one keyword in one place that count


@cache
def _compiled(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, re.Pattern]]:
    merged: dict[str, list[str]] = {k: list(v) for k, v in TAXONOMY.items()}
    for name, words in extra:
        merged.setdefault(name, []).extend(words)
    return [(name, re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len,
                                                                                      reverse=True))
                              + r")(?![\w-])", re.I)) for name, words in merged.items()]


def cause_text(pm: Postmortem) -> str:
    """What the postmortem says caused the incident: what happened, the stated cause, the factors, the whys."""
    rc = pm.root_cause
    parts = [rc.what_happened, rc.statement]
    parts += [f"{f.title} {f.description}" for f in rc.contributing_factors]
    parts += [w.answer for w in rc.five_whys]
    return "\n".join(p for p in parts if p)


def _places(pm: Postmortem) -> dict[str, str]:
    rc = pm.root_cause
    return {
        "title": pm.title or "",
        "statement": rc.statement,
        "factors": "\n".join(f.title for f in rc.contributing_factors),
        "cause": "\n".join(filter(None, [rc.what_happened, *(f.description for f in rc.contributing_factors),
                                          *(w.answer for w in rc.five_whys)])),
        "summary": pm.summary,
        # What went wrong and what was learned name the gaps: "no alert fired", "we did not test".
        "improve": "\n".join(n.text for n in [*pm.could_improve, *pm.lessons]),
    }


def evidence(pm: Postmortem, extra: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Each theme of one postmortem, with the words that gave it (tags first)."""
    patterns = _compiled(tuple((k, tuple(v)) for k, v in sorted((extra or {}).items())))
    tags = pm.front_matter.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    tag_text = " ".join(str(t) for t in tags)
    places = _places(pm)
    scores: dict[str, float] = {}
    words: dict[str, list[str]] = {}
    for name, rx in patterns:
        if tag_text and (rx.search(tag_text) or name.lower() in tag_text.lower()):
            words[name] = [f"tag: {tag_text}"]
            scores[name] = float("inf")
            continue
        total = 0.0
        seen: dict[str, int] = {}
        for place, text in places.items():
            if not text:
                continue
            counts: dict[str, int] = {}
            for m in rx.finditer(text):
                w = m.group(0).lower()
                counts[w] = counts.get(w, 0) + 1
            for w, n in counts.items():
                total += _WEIGHTS[place] * min(n, _CAP)
                seen[w] = seen.get(w, 0) + n
        if total:
            scores[name] = total
            words[name] = [w for w, _ in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))][:5]
    if not scores:
        return {}
    top = max((s for s in scores.values() if s != float("inf")), default=0.0)
    return {name: words[name] for name, s in scores.items()
            if s == float("inf") or (s >= _ENOUGH and s >= _SHARE * top)}


def themes_of(pm: Postmortem, extra: dict[str, list[str]] | None = None) -> set[str]:
    """The themes of one postmortem, from its tags and its words (see `evidence`)."""
    return set(evidence(pm, extra))
