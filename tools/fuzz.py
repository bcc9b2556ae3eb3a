"""Coverage-guided fuzzing of the parser, the linter and the editor (atheris, libFuzzer underneath).

    pip install atheris
    python tools/fuzz.py [--seconds 600] [--target all|parse|check|edit] [--corpus DIR]

Each input is a document (bytes); the targets are the ones every file goes through:

- parse: `decode` then `parse` never raise anything but `ReadError` on any bytes;
- check: `check_text` with every rule never raises;
- edit: every action item the document has can be given every field (`plan_action`); the edit either
  is refused with an `InputError`, or changes only bytes inside its cell and reads back as asked.

A crash is written to `tests/fixtures/fuzz/` (`crash-<hash>.md`), where the test suite replays it on every
run (`tests/security/test_fuzz_reproducers.py`), so that it stays fixed. The seed corpus is the bundled
examples, the standard's own example, the lint fixtures and the real postmortems beside the repository.
This is not a test: run it for minutes or hours, not in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPRODUCERS = ROOT / "tests" / "fixtures" / "fuzz"
sys.path.insert(0, str(ROOT / "src"))


def target_parse(data: bytes) -> None:
    from hindsight.errors import ReadError
    from hindsight.parse import decode, parse

    try:
        text = decode(data, "fuzz.md")
    except ReadError:
        return
    pm = parse(text, path="2025-12-09-fuzz.md")
    pm.to_json()  # the model always serialises, whatever the document held


def target_check(data: bytes) -> None:
    from hindsight.config import Config
    from hindsight.errors import ReadError
    from hindsight.lint import check_text, make_settings
    from hindsight.parse import decode

    try:
        text = decode(data, "fuzz.md")
    except ReadError:
        return
    check_text(text, "2025-12-09-fuzz.md", make_settings(Config(root=ROOT), today=dt.date(2026, 1, 1)))


def target_edit(data: bytes) -> None:
    from hindsight.edit import plan_action
    from hindsight.errors import InputError, ReadError
    from hindsight.parse import decode, parse
    from hindsight.text import apply

    try:
        text = decode(data, "fuzz.md")
    except ReadError:
        return
    pm = parse(text, path="2025-12-09-fuzz.md")
    for item in pm.action_items[:5]:
        for change in ({"status": "DONE"}, {"owner": "@fuzz"}, {"ticket": "FZ-1|2"}, {"due": dt.date(2026, 1, 2)}):
            try:
                edits, _ = plan_action(text, pm, item.id, **change)
            except InputError:
                continue
            after = parse(apply(text, edits), path="2025-12-09-fuzz.md")
            assert [a.id for a in after.action_items] == [a.id for a in pm.action_items], (item.id, change)


TARGETS = {"parse": target_parse, "check": target_check, "edit": target_edit}


def run_all(data: bytes) -> None:
    for fn in TARGETS.values():
        fn(data)


def _seeds() -> list[Path]:
    seeds = list((ROOT / "examples").rglob("*.md")) + list((ROOT / "tests" / "lint" / "fixtures").glob("*.md"))
    seeds += [ROOT / "tests" / "fixtures" / "standard-example.md"]
    real = ROOT.parent / "shared" / "corpus" / "real"
    seeds += sorted(real.glob("*.md")) if real.is_dir() else []
    return seeds


def main() -> None:
    import atheris

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--target", choices=["all", *TARGETS], default="all")
    ap.add_argument("--corpus", type=Path, default=ROOT / ".hindsight" / "fuzz-corpus")
    args = ap.parse_args()
    args.corpus.mkdir(parents=True, exist_ok=True)
    for seed in _seeds():
        (args.corpus / seed.name).write_bytes(seed.read_bytes())
    fn = run_all if args.target == "all" else TARGETS[args.target]

    def one(data: bytes) -> None:
        try:
            fn(data)
        except Exception:
            REPRODUCERS.mkdir(parents=True, exist_ok=True)
            (REPRODUCERS / f"crash-{hashlib.sha1(data).hexdigest()[:12]}.md").write_bytes(data)
            raise

    with atheris.instrument_imports():
        import hindsight.edit  # noqa: F401
        import hindsight.lint  # noqa: F401
        import hindsight.parse._document  # noqa: F401
    atheris.Setup([sys.argv[0], str(args.corpus), f"-max_total_time={args.seconds}", "-max_len=65536",
                   "-rss_limit_mb=4096"], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
