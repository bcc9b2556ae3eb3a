"""Every input the coverage-guided fuzzer (`tools/fuzz.py`) ever crashed on, replayed: each stays fixed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPRODUCERS = sorted((ROOT / "tests" / "fixtures" / "fuzz").glob("*.md"))


def _fuzz():
    spec = importlib.util.spec_from_file_location("hindsight_fuzz", ROOT / "tools" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_kept_reproducer_and_the_fuzzers_seeds_run_through_every_target():
    fuzz = _fuzz()
    seeds = fuzz._seeds()
    assert len(seeds) > 20
    for path in [*REPRODUCERS, *seeds[:10]]:
        fuzz.run_all(path.read_bytes())
