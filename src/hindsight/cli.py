"""The `hindsight` command: a thin shell over the library.

Exit codes: 0 success, 1 findings (commands that check), 2 usage, configuration
or I/O error. Library errors become one line on stderr that says what to do.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from functools import wraps
from pathlib import Path

import click
from rich.console import Console

from . import config as config_mod
from . import corpus, scaffold
from .errors import HindsightError
from .model import Postmortem, json_schema
from .parse import decode, parse, read
from .views import postmortem_row, print_list, print_postmortem


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hindsight")
def main() -> None:
    """Blameless incident postmortems as code.

    The Markdown files under docs/incidents/ are the truth; every command reads
    them through one parser.

    Example: hindsight list docs/incidents
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
    folder = directory or config_mod.load().incidents_dir
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
    pm = _read(file)
    if fmt == "json":
        click.echo(pm.to_json())
    else:
        print_postmortem(pm, Console())
    for d in pm.diagnostics:
        if d.severity == "error":
            click.echo(f"{pm.path or '-'}:{d.line or 1}: {d.message}", err=True)


def _read(file: Path) -> Postmortem:
    if str(file) == "-":
        return parse(decode(sys.stdin.buffer.read(), "<stdin>"), path=None)
    return read(file)


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
    folder = directory or config_mod.load().incidents_dir
    console = Console(stderr=True)
    paths_count = len(corpus.find(folder))
    if console.is_terminal and paths_count >= 100 and fmt == "table":
        from rich.progress import Progress

        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("Reading postmortems", total=paths_count)
            loaded = corpus.load(folder, postmortem_row, jobs=jobs, progress=lambda n: bar.advance(task, n))
    else:
        loaded = corpus.load(folder, postmortem_row, jobs=jobs)
    rows = [item.value for item in loaded if item.value is not None]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        print_list(rows, Console())
    failed = [item for item in loaded if item.error]
    for item in failed:
        click.echo(f"hindsight: {item.error}", err=True)
    if failed:
        sys.exit(2)


@main.command()
def schema() -> None:
    """Print the JSON Schema of `show --format json`.

    Example: hindsight schema > docs/schema/postmortem.schema.json
    """
    click.echo(json.dumps(json_schema(), indent=2))
