"""The portal against datasette 0.65.5 serving the same postmortems from SQLite FTS5, side by side in one run.

    python benchmarks/portal_vs_datasette.py [--count 10000] [--duration 10] [--workers 2] [--soak 0]

Generates a corpus of postmortems (every fifth a hurried draft with blame and
missing fields, so pages carry findings), then:

- times a bare parse of every file (worker processes, as `hindsight check`
  parses) and the portal's index built from scratch (target: at most 2x);
- loads the same documents into a SQLite file with an FTS5 table that
  datasette finds (`docs_fts`, content="docs") and serves it with datasette
  0.65.5, installed into a temporary virtualenv by this script;
- starts `hindsight serve --workers N` and waits until its background warmer
  has rendered every postmortem's page (the time it took is printed);
- runs wrk (Debian's package) with 10 connections against both, every request
  distinct (a new 3-word query, or a postmortem chosen at random from all of
  them): search JSON and HTML newest first, search JSON best match, one
  postmortem's page (datasette: its row page). Targets: at least 2x datasette,
  and at least 300 requests/s at p95 under 50 ms for the portal's searches;
- then 200 connections against the portal (target: no errors), and, with
  `--soak S`, S seconds of mixed load, printing the resident memory of the
  portal's processes before and after (target: flat).

Only loopback is ever contacted (and PyPI, once, for datasette).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_speed import _tree_rss_kb  # noqa: E402
from corpus import WORDS, project  # noqa: E402
from load import REPORT, wait_for, wrk  # noqa: E402

HINDSIGHT = Path(sys.executable).parent / "hindsight"
def lua(paths: str) -> str:
    """A wrk script that asks for a path built by the Lua expression `paths` on every request."""
    words = ", ".join(f'"{w}"' for w in WORDS if "-" not in w)
    return f"""
math.randomseed(os.time() + tonumber(tostring({{}}):sub(8), 16))
words = {{{words}}}
function w() return words[math.random(#words)] end
function q() return w() .. "+" .. w() .. "+" .. w() end
IDS
request = function()
  return wrk.format("GET", {paths})
end
""" + REPORT


def datasette_db(root: Path, paths: list[Path]) -> Path:
    """The same documents in SQLite, with the FTS5 table datasette's `_search` uses."""
    from hindsight.parse import parse

    db_path = root / "postmortems.db"
    db = sqlite3.connect(db_path)
    db.executescript("""
        CREATE TABLE docs (id INTEGER PRIMARY KEY, name TEXT, title TEXT, date TEXT, severity TEXT, status TEXT,
                           body TEXT);
        CREATE INDEX docs_date ON docs (date);
        CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content="docs", tokenize='porter unicode61');
    """)
    for p in paths:
        text = p.read_text(encoding="utf-8")
        pm = parse(text)
        db.execute("INSERT INTO docs (name, title, date, severity, status, body) VALUES (?, ?, ?, ?, ?, ?)",
                   (p.stem, pm.title, pm.date.isoformat() if pm.date else None, pm.severity, pm.status, text))
    db.execute("INSERT INTO docs_fts (rowid, title, body) SELECT id, title, body FROM docs")
    db.commit()
    db.close()
    return db_path


def install_datasette(tmp: Path) -> Path:
    venv = tmp / "datasette-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "datasette==0.65.5"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return venv / "bin" / "datasette"


def timed_run(label: str, code: str, cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=cwd, check=True)
    elapsed = time.perf_counter() - t0
    print(f"{label:<52} {elapsed:7.1f} s", flush=True)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--soak", type=int, default=0, help="seconds of mixed load for the memory figure")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "project"
        paths = project(root, args.count, defects=5)
        print(f"{len(paths)} postmortems (every fifth a draft with findings); {os.cpu_count()} cores", flush=True)
        parse_s = timed_run("bare parse of every file (worker processes)",
                            "from pathlib import Path; from hindsight import corpus; from hindsight.parse import "
                            "read; corpus.map_files(corpus.find(Path('docs/incidents')), read)", root)
        index_s = timed_run("the portal's index built from scratch",
                            "from hindsight.config import load; from hindsight.web.app import open_index; "
                            "c = load(); open_index(c, c.incidents_dir.resolve()).refresh(force=True)", root)
        print(f"index / parse: {index_s / parse_s:.2f}x (target: at most 2x)", flush=True)
        db_path = datasette_db(tmp, paths)
        datasette = install_datasette(tmp)
        ds_port, hs_port = args.port + 1, args.port
        ds = subprocess.Popen([str(datasette), "serve", str(db_path), "--port", str(ds_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = time.perf_counter()
        hs = subprocess.Popen([str(HINDSIGHT), "serve", "--port", str(hs_port), "--workers", str(args.workers)],
                              cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ds_base, hs_base = f"http://127.0.0.1:{ds_port}", f"http://127.0.0.1:{hs_port}"
        try:
            wait_for(ds_base + "/postmortems/docs.json?_size=1")
            wait_for(hs_base + "/api/health")
            pages = root / ".hindsight" / "pages.sqlite"
            while True:
                try:
                    with sqlite3.connect(pages) as db:
                        kept = db.execute("SELECT count(*) FROM pages").fetchone()[0]
                except sqlite3.Error:
                    kept = 0
                if kept >= len(paths):
                    break
                time.sleep(1)
            print(f"portal up and every page rendered ahead by its warmer: {time.perf_counter() - t0:.0f} s",
                  flush=True)
            names = [p.stem for p in paths]
            hs_ids = "ids = {" + ", ".join(f'"{n}"' for n in names) + "}"
            ds_ids = f"ids = {{}} for i = 1, {len(paths)} do ids[i] = i end"
            pick = "ids[math.random(#ids)]"
            cases = [
                ("search JSON, newest first", '"/api/postmortems?q=" .. q()',
                 '"/postmortems/docs.json?_sort_desc=date&_size=25&_search=" .. q()'),
                ("search HTML, newest first", '"/postmortems?q=" .. q()',
                 '"/postmortems/docs?_sort_desc=date&_size=25&_search=" .. q()'),
                ("search JSON, best match", '"/api/postmortems?sort=relevance&q=" .. q()',
                 '"/postmortems/docs.json?_size=25&_search=" .. q()'),
                ("one postmortem's page", f'"/postmortems/" .. {pick}', f'"/postmortems/docs/" .. {pick}'),
            ]
            print(f"\n10 connections, every request distinct; the portal with {args.workers} workers", flush=True)
            print(f"{'':<28} {'hindsight':>24}   {'datasette 0.65.5':>24}   ratio", flush=True)
            for label, hs_path, ds_path in cases:
                h = wrk(hs_base, lua(hs_path).replace("IDS", hs_ids), 10, args.duration, tmp)
                d = wrk(ds_base, lua(ds_path).replace("IDS", ds_ids), 10, args.duration, tmp)
                print(f"{label:<28} {h['rps']:7.1f} req/s p95 {h['p95_ms']:6.1f} ms   "
                      f"{d['rps']:7.1f} req/s p95 {d['p95_ms']:6.1f} ms   {h['rps'] / max(d['rps'], 0.1):5.2f}x"
                      f"{'' if h['errors'] + h['non2xx'] + d['errors'] + d['non2xx'] == 0 else '  (errors!)'}",
                      flush=True)
            print("\n200 connections against the portal", flush=True)
            for label, hs_path, _ in cases:
                h = wrk(hs_base, lua(hs_path).replace("IDS", hs_ids), 200, args.duration, tmp)
                print(f"{label:<28} {h['rps']:7.1f} req/s p95 {h['p95_ms']:7.1f} ms  errors {int(h['errors'])}, "
                      f"non-2xx {int(h['non2xx'])} of {int(h['requests'])}", flush=True)
            if args.soak:
                before = _tree_rss_kb(hs.pid)
                mixed = ('(math.random(2) == 1) and ("/postmortems?q=" .. q()) or ("/postmortems/" .. '
                         f'{pick})')
                h = wrk(hs_base, lua(mixed).replace("IDS", hs_ids), 10, args.soak, tmp)
                after = _tree_rss_kb(hs.pid)
                print(f"\nsoak {args.soak} s mixed: {h['rps']:.0f} req/s; portal processes' memory "
                      f"{before / 1024:.0f} MB before, {after / 1024:.0f} MB after", flush=True)
        finally:
            for proc in (hs, ds):
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    main()
