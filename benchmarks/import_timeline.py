"""Timeline import speed: reading big exports, and merging into a postmortem that already has rows.

    python benchmarks/import_timeline.py [--messages 100000] [--entries 10000] [--rows 500]

Prints, measured in one run (compare ratios on a noisy 2-core machine):

- a Slack export of `--messages` messages in one channel (a zip, as Slack makes it), read for its
  pinned messages and for every message;
- PagerDuty log entries (`--entries`, in pages of 100), read;
- a merge of `--rows` events into the checkout postmortem, with a bare parse of the result beside it:
  the merge parses the document, then reads the result back (twice when a day has to be written), so
  it should cost a few parses;
- the same import again, which finds every row unchanged and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
import zipfile
from pathlib import Path

from hindsight.importers import Event, Options, read_events
from hindsight.importers.timeline import plan
from hindsight.parse import parse

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "imports" / "2025-12-09-checkout-api-503s.md"
START = dt.datetime(2025, 12, 9, 14, 30, tzinfo=dt.UTC)


def timed(label: str, fn, count: int = 0, unit: str = "") -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn()
    took = time.perf_counter() - t0
    rate = f"  {count / took:12,.0f} {unit}/s" if count else ""
    print(f"{label:<58} {took * 1000:9.1f} ms{rate}")
    return took, result


def slack_export(folder: Path, messages: int) -> Path:
    users = [{"id": f"U{n:04d}", "name": f"user{n}", "profile": {"real_name": f"Person {n}"}} for n in range(50)]
    day = [{"type": "message", "user": f"U{n % 50:04d}", "ts": f"{START.timestamp() + n * 0.25:.6f}",
            "text": f"<@U{(n + 1) % 50:04d}> checking shard {n % 97}: p99 latency is {n % 900} ms "
                    f"<https://grafana.example.com/d/{n}|dashboard> &amp; the pool is at {n % 100}%",
            **({"pinned_to": ["C1"]} if n % 1000 == 0 else {}),
            **({"reactions": [{"name": "pushpin", "users": ["U0001"], "count": 1}]} if n % 777 == 0 else {})}
           for n in range(messages)]
    archive = folder / "slack.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("channels.json", json.dumps([{"id": "C1", "name": "inc-1"}]))
        z.writestr("users.json", json.dumps(users))
        z.writestr("inc-1/2025-12-09.json", json.dumps(day))
    return archive


def pagerduty_pages(folder: Path, entries: int) -> list[Path]:
    kinds = ["trigger", "notify", "acknowledge", "annotate", "escalate", "assign", "resolve"]
    paths = []
    for page in range(0, entries, 100):
        rows = [{"id": f"R{n:07d}", "type": f"{kinds[n % len(kinds)]}_log_entry",
                 "summary": f"Step {n} of the response by Dana Reyes.",
                 "created_at": (START + dt.timedelta(seconds=n)).isoformat().replace("+00:00", "Z"),
                 "agent": {"type": "user_reference", "summary": "Dana Reyes"},
                 "channel": {"type": "note", "summary": f"Note {n}: shard {n % 97} drained"},
                 "html_url": f"https://acme.pagerduty.com/incidents/Q1/log_entries/R{n:07d}"}
                for n in range(page, min(page + 100, entries))]
        path = folder / f"page{page // 100:04d}.json"
        path.write_text(json.dumps({"log_entries": rows, "limit": 100, "offset": page,
                                    "more": page + 100 < entries}))
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        archive = slack_export(folder, args.messages)
        print(f"Slack export: {args.messages:,} messages, {archive.stat().st_size / 2**20:.1f} MiB zipped")
        timed("read the pinned and :pushpin: messages", lambda: read_events([archive], "slack"),
              args.messages, "messages")
        timed("read every message (--all)", lambda: read_events([archive], "slack", Options(everything=True)),
              args.messages, "messages")
        pages = pagerduty_pages(folder, args.entries)
        print(f"PagerDuty: {args.entries:,} log entries in {len(pages)} pages")
        timed("read every page", lambda: read_events(pages, "pagerduty"), args.entries, "entries")

    text = FIXTURE.read_text(encoding="utf-8")
    events = [Event(at=START + dt.timedelta(seconds=17 * n), text=f"Step {n}: shard {n % 97} drained, p99 back "
                    f"to {n % 300} ms", source="csv", id=f"e{n}", kind="note") for n in range(args.rows)]
    print(f"Merge: {args.rows} events into {FIXTURE.name} ({len(parse(text).timeline)} rows)")
    took, merge = timed("merge (plan: place, write, read back)", lambda: plan(text, events, shown="x.md"),
                        args.rows, "rows")
    bare, _ = timed("one parse of the merged document", lambda: parse(merge.text))
    again, _ = timed("the same import again (all unchanged)", lambda: plan(merge.text, events, shown="x.md"),
                     args.rows, "rows")
    print(f"merge = {took / bare:.1f} parses of the result; import again = {again / bare:.1f} parses")


if __name__ == "__main__":
    main()
