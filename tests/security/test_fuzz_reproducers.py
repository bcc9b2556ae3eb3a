"""Every input the coverage-guided fuzzer (`tools/fuzz.py`) ever crashed on, replayed: each stays fixed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPRODUCERS = sorted((ROOT / "tests" / "fixtures" / "fuzz").glob("*.md"))


def _fuzz():
    spec = importlib.util.spec_from_file_location("hindsight_fuzz", ROOT / "tools" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", REPRODUCERS, ids=lambda p: p.name)
def test_a_kept_reproducer_no_longer_fails(path):
    _fuzz().run_all(path.read_bytes())


def test_the_fuzzer_targets_run_on_its_seeds():
    fuzz = _fuzz()
    seeds = fuzz._seeds()
    assert len(seeds) > 20
    for seed in seeds[:10]:
        fuzz.run_all(seed.read_bytes())
