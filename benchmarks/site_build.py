"""`hindsight site build` speed and size, on real postmortems.

    python benchmarks/site_build.py [--copies 3]

The 36 real postmortems of ../shared/corpus/real (messy, long, with findings)
and the bundled examples, each copied `--copies` times under new dates, are
built into a static site. Prints, measured in one run (compare ratios on a
noisy 2-core machine):

- the first build, with its parts: the workspace's answers, the pages, the search index;
- a rebuild with nothing changed (every page as the last build left it);
- a rebuild after one postmortem changed (its page rendered again, the lists and reviews redone);
- the size of the site and of its search index, beside the postmortems' own size;
- search in a real Chromium: the index loaded, and a query of two words, per query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from hindsight.access import Viewer
from hindsight.config import load
from hindsight.site import build, search
from hindsight.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus" / "real"
EXAMPLES = ROOT / "examples" / "docs" / "incidents"
TODAY = dt.date(2026, 4, 30)


def corpus(folder: Path, copies: int) -> int:
    sources = [p for p in sorted(REAL.glob("*.md")) if p.name != "SOURCES.md"] + sorted(EXAMPLES.glob("*.md"))
    n = 0
    for k in range(copies):
        for p in sources:
            shutil.copy(p, folder / f"{k:02d}-{p.name}")  # each copy a postmortem of its own
            n += 1
    return n


def timed(label: str, fn):
    t0 = time.perf_counter()
    result = fn()
    took = time.perf_counter() - t0
    print(f"{label:<52} {took:8.2f} s")
    return took, result


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        folder = root / "docs" / "incidents"
        folder.mkdir(parents=True)
        n = corpus(folder, args.copies)
        out = root / "site"
        viewer = Viewer.member_of([], name="bench")
        print(f"{n} postmortems, {size(folder) / 1e6:.1f} MB of Markdown")

        ws = Workspace(load(root))
        timed("workspace: read and index every postmortem", lambda: ws.records(viewer))
        docs = [(r.id, r.title or "", ws.document(viewer, r.id, TODAY).text) for r in ws.records(viewer)]
        timed("search index alone (FTS5 terms → lunr)", lambda: search.build(docs))
        first, built = timed("first build", lambda: build(Workspace(load(root)), out, viewer=viewer, today=TODAY))
        again, quiet = timed("rebuild, nothing changed", lambda: build(Workspace(load(root)), out, viewer=viewer,
                                                                         today=TODAY))
        target = sorted(folder.glob("*.md"))[0]
        target.write_text(target.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        one, changed = timed("rebuild, one postmortem changed", lambda: build(Workspace(load(root)), out,
                                                                            viewer=viewer, today=TODAY))
        print(f"  first: {len(built.written)} files, {built.rendered} pages rendered; nothing changed: "
              f"{len(quiet.written)} written, {quiet.rendered} rendered; one changed: {len(changed.written)} "
              f"written, {changed.rendered} rendered")
        print(f"  rebuild / first: {again / first:.2f}; one changed / first: {one / first:.2f}")
        index = out / "static" / "search-index.js"
        print(f"site {size(out) / 1e6:.1f} MB; search index {index.stat().st_size / 1e6:.2f} MB "
              f"({index.stat().st_size / size(folder):.2f}x the Markdown)")
        browse(out)


def browse(out: Path) -> None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        exe = None
    if exe is None:
        print("no Chromium and Playwright: search in the browser not measured")
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        t0 = time.perf_counter()
        page.goto((out / "postmortems" / "index.html").as_uri())
        page.wait_for_function("window.lunr && window.HINDSIGHT_SEARCH && window.porterStemmer")
        loaded = time.perf_counter() - t0
        ms = page.evaluate("""() => {
            window.hindsightSearch('warm up');
            const qs = ['database connection', 'dns outage', 'on-call', 'certificate expired', 'rollback'];
            const t0 = performance.now();
            for (let i = 0; i < 20; i++) { qs.forEach(q => window.hindsightSearch(q)); }
            return (performance.now() - t0) / (20 * qs.length);
        }""")
        print(f"browser: list page and index loaded in {loaded:.2f} s; a query takes {ms:.1f} ms")
        browser.close()


if __name__ == "__main__":
    main()
