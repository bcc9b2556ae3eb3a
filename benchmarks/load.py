"""What the portal benchmarks share: a wrk run on loopback and its report, and waiting for a server."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path

#: wrk's `done` hook: one line of figures, transport errors and non-2xx answers apart.
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT p95_ms=%.2f rps=%.1f requests=%d errors=%d non2xx=%d\\n",
    latency:percentile(95) / 1000, summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def wrk(url: str, script: str, connections: int, duration: int, tmp: Path) -> dict[str, float]:
    """Run wrk (2 threads) with a Lua `script` that ends with `REPORT`; its figures by name."""
    f = tmp / "bench.lua"
    f.write_text(script, encoding="utf-8")
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(f), url],
                         capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


def wait_for(url: str, seconds: float = 120) -> None:
    """Return once `url` answers; raise when it has not within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
