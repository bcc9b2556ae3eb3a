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

from corpus import generate  # noqa: E402

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
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT p95_ms=%.2f rps=%.1f requests=%d errors=%d\\n",
    latency:percentile(95) / 1000, summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout))
end
"""


def wrk(url: str, connections: int, duration: int, script: Path) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


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
        paths = generate(root / "docs" / "incidents", args.count)
        (root / "hindsight.toml").write_text('incidents_dir = "docs/incidents"\n', encoding="utf-8")
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
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/api/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            one = paths[len(paths) // 2].stem
            script = root / "report.lua"
            script.write_text(LUA, encoding="utf-8")
            pages = {"list": "/postmortems?page=3", "search": "/postmortems?q=certificate+rollback",
                     "postmortem": f"/postmortems/{one}"}
            for name, path in pages.items():
                urllib.request.urlopen(base + path, timeout=30).read()  # warm the caches once
                r = wrk(base + path, 10, args.duration, script)
                print(f"{name:<11} 10 connections: p95 {r['p95_ms']:6.1f} ms  {r['rps']:7.1f} req/s  "
                      f"errors {int(r['errors'])}", flush=True)
            # A different query and page on every request, so no cached result helps.
            for label, sort in (("newest first, the default", ""), ("best match", "sort=relevance&")):
                distinct = root / "distinct.lua"
                distinct.write_text(VARY.replace("SORT", sort) + LUA, encoding="utf-8")
                r = wrk(base + "/", 10, args.duration, distinct)
                print(f"search, distinct queries ({label}), 10 connections: p95 {r['p95_ms']:6.1f} ms  "
                      f"{r['rps']:7.1f} req/s  errors {int(r['errors'])}", flush=True)
            for name, path in pages.items():
                r = wrk(base + path, 50, args.duration, script)
                print(f"{name:<11} 50 connections: p95 {r['p95_ms']:6.1f} ms  {r['rps']:7.1f} req/s  "
                      f"errors {int(r['errors'])} of {int(r['requests'])}", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
