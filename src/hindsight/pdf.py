"""PDF of a Hindsight page (a postmortem, a monthly review), printed by headless Chromium.

Chromium prints the page exactly as a browser shows it, with the page's print
stylesheet (`templates/page.css`: each section on a new page, no table row
split across pages, the charts kept as vectors), so there is no second layout
engine to keep in step with the HTML. The page is printed from a private
temporary folder with a throwaway profile and with every host name resolving
to nothing, so printing makes no request anywhere, and the PDF is written
atomically where it was asked for.

The browser is the `browser` configuration option, or `$HINDSIGHT_BROWSER`, or
the first of Chromium, Chrome and Edge found on the PATH or where they install
themselves on macOS.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ._io import write_file
from .errors import ConfigError, WriteError

#: Browser commands tried in order on the PATH.
COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "microsoft-edge")
#: Where the browsers install themselves outside the PATH.
PLACES = ("/Applications/Chromium.app/Contents/MacOS/Chromium",
          "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
          "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge")
#: Seconds a print may take before it is given up.
TIMEOUT = 120


def find_browser(configured: str = "") -> str:
    """The browser to print with: `configured`, `$HINDSIGHT_BROWSER`, or the first one installed."""
    named = configured or os.environ.get("HINDSIGHT_BROWSER", "")
    if named:
        found = shutil.which(named)
        if found:
            return found
        source = "`browser` in configuration" if configured else "HINDSIGHT_BROWSER"
        raise ConfigError(f"the browser `{named}` (from {source}) is not an executable; name Chromium, Chrome or "
                          "Edge by its path")
    for command in COMMANDS:
        found = shutil.which(command)
        if found:
            return found
    for place in PLACES:
        if os.access(place, os.X_OK):
            return place
    raise ConfigError("no Chromium, Chrome or Edge found to print the PDF with: install one (Debian and Ubuntu: "
                      "`apt-get install chromium`), or name it with HINDSIGHT_BROWSER=/path/to/chrome or `browser` "
                      "in configuration; or write --format html and print that page from any browser")


def print_pdf(html: str, out: Path, *, browser: str = "") -> None:
    """Print the self-contained page `html` to the PDF `out`."""
    exe = find_browser(browser)
    with tempfile.TemporaryDirectory(prefix="hindsight-pdf-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        pdf = Path(tmp) / "page.pdf"
        args = [exe, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-sync", "--disable-background-networking",
                "--disable-component-update", "--disable-dev-shm-usage", "--mute-audio",
                f"--user-data-dir={Path(tmp) / 'profile'}", "--host-resolver-rules=MAP * ~NOTFOUND",
                "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox (containers, CI)
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, check=False,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise WriteError(f"{exe} did not print the PDF within {TIMEOUT} s; try again, or write --format html "
                             "and print it from a browser", path=out) from None
        except OSError as e:
            raise ConfigError(f"cannot run {exe} ({e.strerror}); name a working browser with HINDSIGHT_BROWSER") \
                from None
        data = pdf.read_bytes() if pdf.is_file() else b""
        if not data.startswith(b"%PDF-"):
            said = [ln for ln in (done.stderr or "").splitlines() if ln.strip()]
            raise WriteError(f"{exe} printed no PDF (exit {done.returncode})"
                             + (f": {said[-1].strip()[:300]}" if said else "")
                             + "; write --format html and print it from a browser", path=out)
    write_file(out, data)


__all__ = ["find_browser", "print_pdf"]
