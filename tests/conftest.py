from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STANDARD_EXAMPLE = FIXTURES / "standard-example.md"
EXAMPLES = ROOT / "examples" / "docs" / "incidents"


def shared_dir() -> Path | None:
    """The organisation's shared folder (standard and corpus), beside the repository."""
    env = os.environ.get("HINDSIGHT_SHARED")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    for c in candidates:
        if (c / "corpus" / "real").is_dir():
            return c
    return None


@pytest.fixture(scope="session")
def real_corpus() -> Path:
    shared = shared_dir()
    if shared is None:
        if os.environ.get("CI"):
            pytest.fail("the real corpus (../shared/corpus/real) is missing; CI must run beside shared/")
        pytest.skip("the real corpus (../shared/corpus/real) is not beside this checkout")
    return shared / "corpus" / "real"


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's package) driven by Playwright; CI requires it, elsewhere it may skip."""
    import shutil

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    required = os.environ.get("HINDSIGHT_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if exe is None or sync_playwright is None:
        if required:
            pytest.fail("Chromium and Playwright are required (HINDSIGHT_REQUIRE_BROWSER=1) but missing")
        pytest.skip("no Chromium or Playwright on this machine: `apt-get install chromium` to run browser tests")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=BROWSER_ARGS)
        yield b
        b.close()
