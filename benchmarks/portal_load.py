"""The portal under load, on loopback: index build time, latency and throughput with wrk.

    python benchmarks/portal_load.py [--count 10000] [--duration 10]

Generates a corpus of postmortems, times the index build from scratch, starts
`hindsight serve` (one uvicorn process) on 127.0.0.1, and runs wrk (Debian's
package: `apt-get install wrk`) against the list, search and postmortem pages:
10 connections for the latency and throughput figures (targets: p95 under
100 ms, at least 300 requests/s), then 50 connections (target: no errors).
Only loopback is ever contacted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import project  # noqa: E402
from load import REPORT, wait_for, wrk  # noqa: E402

HINDSIGHT = Path(sys.executable).parent / "hindsight"
WORDS = ["database", "connection", "pool", "request", "latency", "deploy", "rollback", "alert", "queue", "worker",
         "cache", "certificate"]
VARY = """
math.randomseed(os.time())
words = {WORDS}
request = function()
  local q = words[math.random(#words)] .. "+" .. words[math.random(#words)]
  return wrk.format("GET", "/postmortems?SORTq=" .. q .. "&page=" .. math.random(40))
end
""".replace("WORDS", ", ".join(f'"{w}"' for w in WORDS))
def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = project(root, args.count)
        print(f"{len(paths)} postmortems; {os.cpu_count()} cores", flush=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from hindsight.config import load; from hindsight.records import "
                        "Reader; from hindsight.store.sqlite import SqliteStore; c = load(); SqliteStore("
                        "Reader.for_config(c, c.incidents_dir), c.incidents_dir, c.root / '.hindsight' / "
                        "'index.sqlite').refresh(force=True)"], cwd=root, check=True)
        print(f"index built from scratch in {time.perf_counter() - t0:.1f} s "
              f"({(root / '.hindsight' / 'index.sqlite').stat().st_size / 1e6:.0f} MB)", flush=True)
        server = subprocess.Popen([str(HINDSIGHT), "serve", "--port", str(args.port)], cwd=root,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{args.port}"
        try:
            wait_for(base + "/api/health", 30)
            one = paths[len(paths) // 2].stem
            pages = {"list": "/postmortems?page=3", "search": "/postmortems?q=certificate+rollback",
                     "postmortem": f"/postmortems/{one}"}
            for name, path in pages.items():
                urllib.request.urlopen(base + path, timeout=30).read()  # warm the caches once
                r = wrk(base + path, REPORT, 10, args.duration, root)
                print(f"{name:<11} 10 connections: p95 {r['p95_ms']:6.1f} ms  {r['rps']:7.1f} req/s  "
                      f"errors {int(r['errors'] + r['non2xx'])}", flush=True)
            # A different query and page on every request, so no cached result helps.
            for label, sort in (("newest first, the default", ""), ("best match", "sort=relevance&")):
                r = wrk(base + "/", VARY.replace("SORT", sort) + REPORT, 10, args.duration, root)
                print(f"search, distinct queries ({label}), 10 connections: p95 {r['p95_ms']:6.1f} ms  "
                      f"{r['rps']:7.1f} req/s  errors {int(r['errors'] + r['non2xx'])}", flush=True)
            for name, path in pages.items():
                r = wrk(base + path, REPORT, 50, args.duration, root)
                print(f"{name:<11} 50 connections: p95 {r['p95_ms']:6.1f} ms  {r['rps']:7.1f} req/s  "
                      f"errors {int(r['errors'] + r['non2xx'])} of {int(r['requests'])}", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
