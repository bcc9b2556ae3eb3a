"""A generated corpus of realistic postmortems in the standard's format (about 8 KB each).

Used by the benchmarks; deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from hindsight import render, slugify
from hindsight.model import (
    ActionItem,
    ContributingFactor,
    ImpactMetric,
    Link,
    Note,
    Postmortem,
    RootCause,
    TimelineEvent,
    Why,
)

WORDS = [
    "database", "connection", "pool", "request", "latency", "deploy", "rollback", "alert", "pager", "queue",
    "worker", "cache", "certificate", "region", "replica", "shard", "index", "timeout", "retry", "backoff",
    "config", "migration", "release", "traffic", "load", "balancer", "kubernetes", "node", "disk", "memory",
    "cpu", "throttle", "dashboard", "runbook", "on-call", "customer", "checkout", "payment", "login",
    "search", "notification", "webhook", "dns", "tls", "network", "storage",
]
UTC = dt.timezone.utc


def _sentence(rng: random.Random, lo: int = 8, hi: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return (" ".join(words)).capitalize()


def make(rng: random.Random, i: int) -> Postmortem:
    date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2400))
    start = dt.datetime.combine(date, dt.time(rng.randint(0, 22), rng.randint(0, 59)), UTC)
    minutes = rng.randint(5, 600)
    events = sorted(rng.sample(range(0, minutes + 60), k=min(minutes + 60, rng.randint(14, 24))))
    line = dict(line=1, end_line=1)
    return Postmortem(
        title=f"{_sentence(rng, 3, 6)} {i}", date=date, start=start, end=start + dt.timedelta(minutes=minutes),
        duration_minutes=minutes, severity=rng.choice(["P0", "P1", "P1", "P2", "P3"]), author="@" + rng.choice(WORDS),
        status=rng.choice(["Draft", "In Review", "Published", "Complete"]),
        summary=" ".join(_sentence(rng) + "." for _ in range(5)),
        impact=[ImpactMetric(metric=m, value=v, **line) for m, v in (
            ("Duration", f"{minutes // 60}h {minutes % 60}m"), ("Users Affected", f"~{rng.randint(10, 90000):,}"),
            ("Requests Failed", f"~{rng.randint(10, 900000):,} ({rng.randint(1, 40)}% error rate)"),
            ("Revenue Impact", f"~${rng.randint(0, 90000):,} estimated"),
            ("SLA Status", "Breached (target: 99.9%, actual: 99.2%)"))],
        timeline=[TimelineEvent(at=start + dt.timedelta(minutes=o), time_text="", event=_sentence(rng),
                                precision="minute", **line) for o in events],
        root_cause=RootCause(
            what_happened=" ".join(_sentence(rng) + "." for _ in range(4)),
            contributing_factors=[ContributingFactor(title=_sentence(rng, 2, 4), description=_sentence(rng), **line)
                                  for _ in range(4)],
            five_whys=[Why(question=f"Why {_sentence(rng, 4, 9).lower()}?", answer=_sentence(rng), **line)
                       for _ in range(5)]),
        went_well=[Note(text=_sentence(rng), **line) for _ in range(4)],
        could_improve=[Note(text=_sentence(rng), **line) for _ in range(4)],
        action_items=[ActionItem(id="", action=_sentence(rng, 4, 9), owner="@" + rng.choice(WORDS),
                                 due=date + dt.timedelta(days=rng.randint(3, 90)),
                                 status=rng.choice(["TODO", "IN PROGRESS", "DONE", "WONTFIX"]),
                                 ticket=f"SRE-{rng.randint(1, 9999)}", **line) for _ in range(rng.randint(3, 7))],
        lessons=[Note(text=_sentence(rng), **line) for _ in range(3)],
        appendix=[Link(text=_sentence(rng, 2, 3), url=f"https://grafana.example.com/d/{i}-{k}", line=1)
                  for k in range(3)],
    )


#: Sentences that blame people, the kind `hindsight check` exists to catch, as real drafts write them.
BLAME = [
    "John forgot to restart the {w} service after the change.",
    "The on-call engineer should have noticed the {w} alert sooner.",
    "This was caused by human error during the {w} rollout.",
    "Sarah failed to follow the {w} runbook.",
    "The deploy was pushed carelessly by the {w} team without review.",
    "Mike's mistake in the {w} config took the site down.",
    "Nobody bothered to check the {w} dashboard.",
    "The engineer ignored the {w} warning and pushed anyway.",
]


def defective(rng: random.Random, pm: Postmortem) -> Postmortem:
    """The same postmortem as a hurried draft writes it: blame in the prose, owners and due dates missing,
    placeholders left in, a section dropped. `hindsight check` finds a few dozen problems in it."""
    blame = [rng.choice(BLAME).format(w=rng.choice(WORDS)) for _ in range(12)]
    root = pm.root_cause.model_copy(update={"what_happened": pm.root_cause.what_happened + " " + " ".join(blame[:4])})
    timeline = [e.model_copy(update={"event": e.event + " " + blame[4 + k]}) if k < 4 else e
                for k, e in enumerate(pm.timeline)]
    items = [a.model_copy(update={"owner": None, "due": None}) if k % 2 == 0 else a
             for k, a in enumerate(pm.action_items)]
    return pm.model_copy(update={
        "summary": pm.summary + " " + " ".join(blame[8:10]), "root_cause": root, "timeline": timeline,
        "action_items": items, "lessons": [], "could_improve": [Note(text=b, line=1, end_line=1) for b in blame[10:]],
        "author": None, "status": "[TODO]"})


def generate(folder: Path, count: int, seed: int = 7, *, defects: int = 0) -> list[Path]:
    """`count` postmortems in `folder`; with `defects` N, every Nth is a hurried draft (`defective`)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        pm = make(rng, i)
        if defects and i % defects == 0:
            pm = defective(rng, pm)
        path = folder / f"{pm.date.isoformat()}-{slugify(pm.title)}.md"
        path.write_text(render(pm), encoding="utf-8")
        paths.append(path)
    return paths


def project(root: Path, count: int, *, defects: int = 0) -> list[Path]:
    """A project at `root` (its `hindsight.toml`) with `count` generated postmortems in docs/incidents."""
    paths = generate(root / "docs" / "incidents", count, defects=defects)
    (root / "hindsight.toml").write_text('incidents_dir = "docs/incidents"\n', encoding="utf-8")
    return paths
