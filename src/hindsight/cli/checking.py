"""`hindsight check`, `hindsight baseline`, `hindsight rules` and `hindsight rule`: the standard, enforced."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import click

from ..errors import HindsightError, NotFoundError
from ._shared import _config, _date, _errors, _list, _progress, _relative, _unreadable, main


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True, help="github: workflow annotations for GitHub Actions.")
@click.option("--select", multiple=True, callback=_list, metavar="RULES",
              help="Only these rules: codes, names or code prefixes, comma-separated (HS3,blame-language).")
@click.option("--ignore", multiple=True, callback=_list, metavar="RULES", help="Skip these rules (same forms).")
@click.option("--today", callback=_date, help="The date for date-dependent rules, YYYY-MM-DD (default: today).")
@click.option("--fix", is_flag=True, help="Apply safe fixes to the files and report what changed.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix, also apply fixes that may change meaning.")
@click.option("--no-cache", is_flag=True, help="Check every file afresh, ignoring .hindsight/cache.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path),
              help="Report and fail only on findings not in this baseline (see `hindsight baseline`).")
@_errors
def check(paths: tuple[Path, ...], fmt: str, select: list[str], ignore: list[str], today: dt.date | None,
          fix: bool, unsafe_fixes: bool, no_cache: bool, jobs: int | None, baseline_file: Path | None) -> None:
    """Check postmortems against the standard (default: the incidents folder).

    Prints `path:line:col: CODE name message` for each finding. Exit 0 when
    there is no error-level finding, 1 when there is one, 2 on a usage,
    configuration or I/O error. `-` reads one document from standard input.

    Example: hindsight check docs/incidents --select HS3,HS401 --today 2026-01-31
    """
    from ..lint import output
    from ..lint.baseline import Baseline

    config = _config()
    baseline = Baseline.load(baseline_file) if baseline_file is not None else None
    results, stdin = _check_results(config, paths, select, ignore, today, fix=fix, unsafe=unsafe_fixes,
                                    no_cache=no_cache, jobs=jobs, progress=fmt == "text")
    findings = [f for r in results for f in r.findings]
    known: list = []
    if baseline is not None:
        findings, known, stale = baseline.split(_fingerprinted(config, findings, stdin))
        if known:
            click.echo(f"hindsight: {len(known)} finding{'s' * (len(known) != 1)} accepted by the baseline "
                       f"{baseline_file}", err=True)
        if stale:
            click.echo(f"hindsight: {stale} baseline entr{'ies' if stale != 1 else 'y'} no longer match a finding "
                       f"(fixed, or the text changed); drop {'them' if stale != 1 else 'it'} with "
                       f"`hindsight baseline --update --file {baseline_file}`", err=True)
    output.write(fmt, findings, sys.stdout)
    fixed = [(r.path, f) for r in results for f in r.fixed]
    for path, f in fixed:
        click.echo(f"fixed {path}:{f.line}: {f.code} {f.name}: {f.fix.description if f.fix else ''}", err=True)
    errors = [r for r in results if r.error]
    for r in errors:
        click.echo(f"hindsight: {r.error}", err=True)
    if fmt == "text":
        click.echo(output.summary(findings, len(results)) + (f"; fixed {len(fixed)}" if fix else ""), err=True)
    if errors:
        sys.exit(2)
    sys.exit(1 if any(f.severity == "error" for f in findings) else 0)


def _check_results(config, paths, select, ignore, today, *, fix=False, unsafe=False, no_cache=False, jobs=None,
                   progress=False):
    """Run the check as `check` does: (results, the bytes read from standard input or None)."""
    from .. import sources
    from ..lint.engine import make_settings
    from ..lint.run import expand, run

    settings = make_settings(config, select_=select, ignore=ignore, today=today or dt.date.today())
    # With no path given: the project's folder and every source's that is on this machine (synced).
    own = [_relative(config.incidents_dir)] + [_relative(s.folder) for s in sources.of(config) if s.folder.is_dir()]
    targets = expand(list(paths) or own)
    stdin = sys.stdin.buffer.read() if any(str(p) == "-" for p in targets) else None
    with _progress(len(targets), "Checking postmortems", enabled=progress) as advance:
        results = run(targets, settings, use_cache=not no_cache, fix=fix, unsafe=unsafe, jobs=jobs,
                      progress=advance, stdin=stdin)
    return results, stdin


def _fingerprinted(config, findings: list, stdin: bytes | None) -> list:
    """Each finding with its baseline fingerprint, its path made relative to the project root so that a
    baseline holds wherever the command runs."""
    from ..lint.baseline import fingerprint
    from ..parse import decode
    from ..records import display_path
    from ..text import split_lines

    lines_of: dict[str, list[str]] = {}
    out = []
    for f in findings:
        if f.path not in lines_of:
            try:
                data = stdin if f.path == "-" and stdin is not None else Path(f.path).read_bytes()
                lines_of[f.path] = split_lines(decode(data, f.path))
            except (OSError, HindsightError):
                lines_of[f.path] = []
        lines = lines_of[f.path]
        text = lines[f.line - 1] if 0 < f.line <= len(lines) else ""
        where = f.path if f.path == "-" else display_path(Path(f.path), config.root, config.incidents_dir)
        out.append((replace(f, path=where), fingerprint(replace(f, path=where), text)))
    return out


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--file", "baseline_file", type=click.Path(path_type=Path),
              help="The baseline to write (default: hindsight-baseline.json at the project root).")
@click.option("--update", is_flag=True, help="Drop the entries no finding matches any more; never add new ones.")
@click.option("--today", callback=_date, help="The date for date-dependent rules, YYYY-MM-DD (default: today).")
@_errors
def baseline(paths: tuple[Path, ...], baseline_file: Path | None, update: bool, today: dt.date | None) -> None:
    """Accept today's findings, so that `check --baseline` fails only on new ones.

    Without --update it writes a new baseline and refuses to replace one (a
    baseline is meant to shrink); with --update it drops what was fixed.

    Example: hindsight baseline && hindsight check --baseline hindsight-baseline.json
    """
    from ..errors import ConflictError
    from ..lint.baseline import Baseline

    config = _config()
    target = baseline_file or config.root / "hindsight-baseline.json"
    results, _ = _check_results(config, paths, [], [], today)
    if any(r.error for r in results):
        _unreadable([r.error for r in results])
        sys.exit(2)
    found = _fingerprinted(config, [f for r in results for f in r.findings], None)
    if update:
        old = Baseline.load(target)
        new = old.shrunk(found)
        new.write()
        click.echo(f"{_relative(target)}: {len(new)} finding{'s' * (len(new) != 1)} kept, "
                   f"{len(old) - len(new)} dropped as fixed")
        return
    if target.exists():
        raise ConflictError("a baseline is already here; it only shrinks: run `hindsight baseline --update` to "
                            "drop what was fixed, or delete the file to start again", path=_relative(target))
    new = Baseline.of(target, found)
    new.write()
    click.echo(f"{_relative(target)}: {len(new)} finding{'s' * (len(new) != 1)} accepted; check with "
               f"`hindsight check --baseline {_relative(target)}`")


@main.command()
def rules() -> None:
    """List every rule: code, name, default severity and what it finds.

    Example: hindsight rules
    """
    from ..lint.registry import all_rules

    for r in all_rules():
        click.echo(f"{r.code}  {r.name:<32} {r.severity:<8} {'fixable ' if r.fixable else ''}{r.summary()}")


@main.command()
@click.argument("name")
@_errors
def rule(name: str) -> None:
    """Print a rule's documentation, by code or name.

    Example: hindsight rule blame-language
    """
    from ..lint.registry import find_rule

    r = find_rule(name)
    if r is None:
        raise NotFoundError(f"no rule is called `{name}`; `hindsight rules` lists them")
    click.echo(f"# {r.code} {r.name}\n\nDefault severity: {r.severity}. Tags: {', '.join(r.tags)}."
               f"{' Fixable.' if r.fixable else ''}\n\n{r.doc()}")
