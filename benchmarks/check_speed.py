"""`hindsight check` against markdownlint-cli2 and a bare read, side by side in one run.

    python benchmarks/check_speed.py [--count 10000] [--defects 5] [--skip-markdownlint]

On a generated corpus of postmortems (about 8 KB each; every `--defects`th a
hurried draft with blame, missing fields and placeholders, so the check has
findings to report: 0 for clean documents only) it times, as separate
processes from a cold start:

- a bare Python script that only reads every file (the floor);
- `hindsight check --no-cache` (cold), with the peak memory of its whole
  process tree (main process and workers, sampled from /proc), as text and
  as `--format json`;
- `hindsight check` twice more: the first fills the cache, the second is the
  warm run over an unchanged tree;
- `markdownlint-cli2` with its default rules on the same files (installed with
  npm into a temporary folder by this script).

It prints the figures and the ratios the project set as targets: cold check at
least 25x faster than markdownlint-cli2, peak memory under 100 MB, warm run
within 2x of the bare read.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import project  # noqa: E402

HINDSIGHT = Path(sys.executable).parent / "hindsight"


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def timed(label: str, cmd: list[str], cwd: Path, *, memory: bool = False) -> float:
    peak = 0
    t0 = time.perf_counter()
    # As installed for real: Python writes and reuses its bytecode caches (some sandboxes switch that off).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    if memory:
        def sample():
            nonlocal peak
            while proc.poll() is None:
                peak = max(peak, _tree_rss_kb(proc.pid))
                time.sleep(0.02)
        t = threading.Thread(target=sample)
        t.start()
    proc.wait()
    elapsed = time.perf_counter() - t0
    if memory:
        t.join()
    extra = f"   peak memory {peak / 1024:.0f} MB" if memory else ""
    print(f"{label:<48} {elapsed:8.2f} s  (exit {proc.returncode}){extra}", flush=True)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--defects", type=int, default=5, help="every Nth postmortem a draft with findings (0: none)")
    ap.add_argument("--skip-markdownlint", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = project(root, args.count, defects=args.defects)
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        print(f"{len(paths)} postmortems, {size:.1f} KB on average; {os.cpu_count()} cores", flush=True)
        bare = timed("bare Python: read every file", [sys.executable, "-c",
                     "import pathlib\nfor p in pathlib.Path('docs/incidents').rglob('*.md'): p.read_bytes()"], root)
        cold = timed("hindsight check --no-cache (cold)", [str(HINDSIGHT), "check", "--no-cache"], root, memory=True)
        timed("hindsight check --no-cache --format json (cold)", [str(HINDSIGHT), "check", "--no-cache", "--format",
                                                                  "json"], root, memory=True)
        timed("hindsight check (fills the cache)", [str(HINDSIGHT), "check"], root)
        warm = timed("hindsight check (warm: nothing changed)", [str(HINDSIGHT), "check"], root)
        print(f"warm / bare read: {warm / bare:.2f}x (target: within 2x)")
        if args.skip_markdownlint or shutil.which("npm") is None:
            return
        npm_dir = root / "npm"
        npm_dir.mkdir()
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(npm_dir),
                        "markdownlint-cli2"], check=True, stdout=subprocess.DEVNULL)
        mdl = timed("markdownlint-cli2, default rules", [str(npm_dir / "node_modules" / ".bin" / "markdownlint-cli2"),
                                                         "docs/incidents/**/*.md"], root)
        print(f"markdownlint-cli2 / hindsight cold: {mdl / cold:.1f}x (target: at least 25x)")


if __name__ == "__main__":
    main()
