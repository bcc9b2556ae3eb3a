"""What every `hindsight` command shares: the `main` group, the options used by several commands, and
the helpers that turn library answers and errors into output."""

from __future__ import annotations

import datetime as dt
import sys
from functools import wraps
from pathlib import Path

import click

from ..errors import HindsightError


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
    from ..config import load

    return load()


def _relative(path: Path) -> Path:
    """A path inside the working folder as the user would type it (findings then read `docs/…:12:1`)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _unreadable(errors: list[str | None]) -> bool:
    """Name each file that could not be read on stderr; True if there was one (the command then exits 2)."""
    found = [e for e in errors if e]
    for e in found:
        click.echo(f"hindsight: {e}", err=True)
    return bool(found)


def _emit(text: str, output: Path | None) -> None:
    """Write a command's result to `output` (atomically), or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from .._io import write_file

    write_file(output, text.encode("utf-8"))
    click.echo(f"hindsight: wrote {_display(output)}", err=True)


def _console(stderr: bool = False):
    """A terminal console that prints document text as it is: `[brackets]` and `:codes:` are not markup."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hindsight")
def main() -> None:
    """Blameless incident postmortems as code.

    The Markdown files under docs/incidents/ are the truth; every command reads
    them through one parser.

    Example: hindsight check docs/incidents
    """


def _workspace(directory: Path | None = None, **kwargs):
    """The workspace of the project here, reading `directory` instead of the incidents folder when given."""
    from ..workspace import Workspace

    return Workspace(_config(), folder=directory.resolve() if directory else None, **kwargs)


def _viewer(groups: str | None):
    """Whom a read is for: everyone who can read the files sees every postmortem, unless --groups says
    to read as a member of those groups only (as the portal does for that person)."""
    from ..access import Viewer

    return Viewer.local() if groups is None else Viewer.member_of(groups.split(","), can_edit=True, name="local")


_groups = click.option("--groups", metavar="GROUPS", help="Read as a member of these groups (comma-separated): "
                       "restricted postmortems outside them are left out, as in the portal. Default: every "
                       "postmortem the files hold.")


def _display(path: Path) -> str:
    return str(_relative(path))


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
