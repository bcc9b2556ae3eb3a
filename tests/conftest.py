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
