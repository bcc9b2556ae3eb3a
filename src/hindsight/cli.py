"""The `hindsight` command: a thin shell over the library.

Exit codes: 0 success, 1 findings at error level (`check`), 2 usage,
configuration or I/O error. Library errors become one line on stderr that says
what to do. Modules are imported inside the commands, so each command pays only
for what it uses (a warm `hindsight check` never builds a model).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from functools import wraps
from pathlib import Path

import click

from .errors import HindsightError


def _errors(fn):
    """Turn a `HindsightError` into `hindsight: <message>` on stderr and exit code 2."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except HindsightError as e:
            click.echo(f"hindsight: {e}", err=True)
            sys.exit(2)

    return wrapper


def _date(ctx, param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"`{value}` is not a date; write it as YYYY-MM-DD") from None


def _list(ctx, param, value: tuple[str, ...]) -> list[str]:
    return [part.strip() for v in value for part in v.split(",") if part.strip()]


def _config():
    from .config import load

    return load()


def _relative(path: Path) -> Path:
    """A path inside the working folder as the user would type it (findings then read `docs/…:12:1`)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hindsight")
def main() -> None:
    """Blameless incident postmortems as code.

    The Markdown files under docs/incidents/ are the truth; every command reads
    them through one parser.

    Example: hindsight check docs/incidents
    """


@main.command()
@click.argument("title")
@click.option("--date", callback=_date, help="Incident date, YYYY-MM-DD (default: today).")
@click.option("--severity", type=click.Choice(["P0", "P1", "P2", "P3"], case_sensitive=False),
              help="Severity per the standard's classification.")
@click.option("--author", help="Author, e.g. @incident-commander.")
@click.option("--start", help="Start of the incident, HH:MM (UTC).")
@click.option("--end", help="End of the incident, HH:MM (UTC).")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write in (default: docs/incidents under the project root).")
@_errors
def new(title: str, date, severity, author, start, end, directory: Path | None) -> None:
    """Create a postmortem from the standard's template and print its path.

    Never overwrites an existing file.

    Example: hindsight new "Database connection pool exhausted" --date 2025-12-09
    --severity P1 --author @alice --start 14:30 --end 16:45
    """
    from . import scaffold

    folder = directory or _config().incidents_dir
    path = scaffold.new_postmortem(title, folder, date=date, severity=severity, author=author,
                                   start=start, end=end)
    click.echo(_display(path))


def _display(path: Path) -> str:
    """The path relative to the working folder when it is inside it, as the user would type it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_errors
def show(file: Path, fmt: str) -> None:
    """Print one postmortem: a readable summary, or the model as JSON.

    FILE may be `-` to read the document from standard input.

    Example: hindsight show docs/incidents/2025-12-09-db-pool.md --format json
    """
    from .parse import decode, parse, read

    if str(file) == "-":
        pm = parse(decode(sys.stdin.buffer.read(), "<stdin>"), path=None)
    else:
        pm = read(file)
    if fmt == "json":
        click.echo(pm.to_json())
    else:
        from .views import print_postmortem

        print_postmortem(pm, _console())
    for d in pm.diagnostics:
        if d.severity == "error":
            click.echo(f"{pm.path or '-'}:{d.line or 1}: {d.message}", err=True)


@main.command("list")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@_errors
def list_(directory: Path | None, fmt: str, jobs: int | None) -> None:
    """List every postmortem under a folder (default: the incidents folder).

    Shows date, severity, status, title and open action items. Files that
    cannot be read are reported on stderr, and the exit code is then 2.

    Example: hindsight list docs/incidents --format json
    """
    from . import corpus
    from .views import postmortem_row, print_list

    folder = directory or _relative(_config().incidents_dir)
    with _progress(len(corpus.find(folder)), "Reading postmortems", enabled=fmt == "table") as advance:
        loaded = corpus.load(folder, postmortem_row, jobs=jobs, progress=advance)
    rows = [item.value for item in loaded if item.value is not None]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        print_list(rows, _console())
    failed = [item for item in loaded if item.error]
    for item in failed:
        click.echo(f"hindsight: {item.error}", err=True)
    if failed:
        sys.exit(2)


class _progress:
    """A progress bar on stderr when it is a terminal and the work is long; otherwise nothing."""

    def __init__(self, total: int, label: str, *, enabled: bool = True, threshold: int = 100):
        self.total, self.label = total, label
        self.enabled = enabled and total >= threshold and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.progress import Progress

        self.bar = Progress(console=_console(stderr=True), transient=True)
        self.bar.__enter__()
        task = self.bar.add_task(self.label, total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


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
@_errors
def check(paths: tuple[Path, ...], fmt: str, select: list[str], ignore: list[str], today: dt.date | None,
          fix: bool, unsafe_fixes: bool, no_cache: bool, jobs: int | None) -> None:
    """Check postmortems against the standard (default: the incidents folder).

    Prints `path:line:col: CODE name message` for each finding. Exit 0 when
    there is no error-level finding, 1 when there is one, 2 on a usage,
    configuration or I/O error. `-` reads one document from standard input.

    Example: hindsight check docs/incidents --select HS3,HS401 --today 2026-01-31
    """
    from .lint import output
    from .lint.engine import make_settings
    from .lint.run import expand, run

    config = _config()
    settings = make_settings(config, select_=select, ignore=ignore, today=today or dt.date.today())
    targets = expand(list(paths) or [_relative(config.incidents_dir)])
    stdin = sys.stdin.buffer.read() if any(str(p) == "-" for p in targets) else None
    with _progress(len(targets), "Checking postmortems", enabled=fmt == "text") as advance:
        results = run(targets, settings, use_cache=not no_cache, fix=fix, unsafe=unsafe_fixes, jobs=jobs,
                      progress=advance, stdin=stdin)
    findings = [f for r in results for f in r.findings]
    sys.stdout.write(output.FORMATS[fmt](findings))
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


@main.command()
def rules() -> None:
    """List every rule: code, name, default severity and what it finds.

    Example: hindsight rules
    """
    from .lint.registry import all_rules

    for r in all_rules():
        click.echo(f"{r.code}  {r.name:<32} {r.severity:<8} {'fixable ' if r.fixable else ''}{r.summary()}")


@main.command()
@click.argument("name")
@_errors
def rule(name: str) -> None:
    """Print a rule's documentation, by code or name.

    Example: hindsight rule blame-language
    """
    from .lint.registry import find_rule

    r = find_rule(name)
    if r is None:
        raise HindsightError(f"no rule is called `{name}`; `hindsight rules` lists them")
    click.echo(f"# {r.code} {r.name}\n\nDefault severity: {r.severity}. Tags: {', '.join(r.tags)}."
               f"{' Fixable.' if r.fixable else ''}\n\n{r.doc()}")


@main.command()
def schema() -> None:
    """Print the JSON Schema of `show --format json`.

    Example: hindsight schema > docs/schema/postmortem.schema.json
    """
    from .model import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


if __name__ == "__main__":
    main()
