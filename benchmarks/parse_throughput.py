"""Parse throughput on a generated corpus of 10,000 postmortems.

    python benchmarks/parse_throughput.py [--count 10000] [--keep DIR]

Prints files per second for: reading the bytes only (the floor), parsing in
one process, `hindsight list`'s parallel load, and markdown-it-py's full
CommonMark parse for comparison (when installed). Ratios measured in one run
are what to compare on a noisy 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate  # noqa: E402

from hindsight.access import Viewer  # noqa: E402
from hindsight.config import Config  # noqa: E402
from hindsight.parse import decode, parse  # noqa: E402
from hindsight.workspace import Workspace  # noqa: E402


def timed(label: str, n: int, fn) -> float:
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    print(f"{label:<44} {dt:8.2f} s  {n / dt:10.0f} files/s  {dt / n * 1000:7.3f} ms/file")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "incidents"
        t0 = time.perf_counter()
        paths = generate(folder, args.count)
        size = sum(p.stat().st_size for p in paths)
        print(f"generated {len(paths)} postmortems, {size / len(paths) / 1024:.1f} KB on average, "
              f"in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} cores")
        n = len(paths)
        floor = timed("read bytes only", n, lambda: [p.read_bytes() for p in paths])
        def parse_all():
            for p in paths:  # results are dropped, as a command that reports and moves on would
                parse(decode(p.read_bytes(), p), str(p))

        serial = timed("parse, one process", n, parse_all)
        par = timed("hindsight list's records (parallel)", n,
                    lambda: Workspace(Config(root=folder.parent), folder=folder).records(Viewer.local()))
        try:
            from markdown_it import MarkdownIt

            md = MarkdownIt("commonmark").enable("table")
            def mdit_all():
                for p in paths:
                    md.parse(p.read_text(encoding="utf-8"))

            mdit = timed("markdown-it-py parse only, one process", n, mdit_all)
            print(f"markdown-it-py / hindsight parse (one process): {mdit / serial:.1f}x")
        except ImportError:
            pass
        print(f"parallel speed-up over one process: {serial / par:.2f}x; parse cost over reading: "
              f"{serial / floor:.0f}x")


if __name__ == "__main__":
    main()
