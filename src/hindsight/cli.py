"""The `hindsight` command: a thin shell over the library.

Exit codes: 0 success, 1 findings at error level (`check`), 2 usage,
configuration or I/O error. Library errors become one line on stderr that says
what to do. Modules are imported inside the commands, so each command pays only
for what it uses (a warm `hindsight check` never builds a model).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import replace
from functools import wraps
from pathlib import Path

import click

from .errors import HindsightError, InputError, NotFoundError
from .standard import AUDIENCES


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
    from ._io import write_file

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
    from .workspace import Workspace

    return Workspace(_config(), folder=directory.resolve() if directory else None, **kwargs)


def _viewer(groups: str | None):
    """Whom a read is for: everyone who can read the files sees every postmortem, unless --groups says
    to read as a member of those groups only (as the portal does for that person)."""
    from .access import Viewer

    return Viewer.local() if groups is None else Viewer.member_of(groups.split(","), can_edit=True, name="local")


_groups = click.option("--groups", metavar="GROUPS", help="Read as a member of these groups (comma-separated): "
                       "restricted postmortems outside them are left out, as in the portal. Default: every "
                       "postmortem the files hold.")


def _api_options(fn):
    fn = click.option("--api-url", metavar="URL", help="With --api: the API's base URL (default: the "
                      "`pagerduty_url`, `opsgenie_url` or `incidentio_url` option).")(fn)
    return click.option("--api", is_flag=True, help="Fetch live from the vendor's API: the argument is the "
                        "incident id (an Opsgenie alert id); the token comes from PAGERDUTY_TOKEN, "
                        "OPSGENIE_API_KEY or INCIDENT_API_KEY.")(fn)


def _load(config, fmt: str, sources: tuple[str, ...], *, api: bool, api_url: str | None, incident: bool = False,
          options=None):
    """The events (and with `incident`, the incident) of export files, or of an incident fetched live."""
    from . import importers
    from .importers import api as live

    if not sources:
        raise click.UsageError("give the export file(s) to import, or with --api the incident id")
    token = base = ""
    if api:
        if fmt not in live.VENDORS:
            raise click.UsageError(f"--api reads {', '.join(live.VENDORS)}; for {fmt} give the export's file")
        token, base = live.token(fmt), api_url or config.get(live.VENDORS[fmt].option)
    return importers.load(fmt, list(sources), options=options or importers.Options(), api=api, base_url=base,
                          token=token, incident=incident, notice=lambda msg: click.echo(f"hindsight: {msg}", err=True))


@main.command()
@click.argument("args", nargs=-1, metavar="TITLE | FILE...")
@click.option("--date", callback=_date, help="Incident date, YYYY-MM-DD (default: today).")
@click.option("--severity", type=click.Choice(["P0", "P1", "P2", "P3"], case_sensitive=False),
              help="Severity per the standard's classification.")
@click.option("--author", help="Author, e.g. @incident-commander.")
@click.option("--start", help="Start of the incident, HH:MM (UTC).")
@click.option("--end", help="End of the incident, HH:MM (UTC).")
@click.option("--from", "source", type=click.Choice(["pagerduty", "incidentio"]),
              help="Scaffold it from the incident: FILE... are the saved API responses (or, with --api, the "
                   "incident id).")
@click.option("--title", help="With --from: the title, instead of the incident's.")
@click.option("--tz", "zone", default="UTC", show_default=True, help="With --from: the zone the document's "
              "times are written in (UTC, UTC+2, Europe/Oslo).")
@_api_options
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write in (default: docs/incidents under the project root).")
@_errors
def new(args: tuple[str, ...], date, severity, author, start, end, source, title, zone, api, api_url,
        directory: Path | None) -> None:
    """Create a postmortem from the standard's template and print its path.

    With --from, the title, date, start, end, severity and timeline come from the
    pager's or incident tool's incident (docs/importing.md). Never overwrites an
    existing file.

    Example: hindsight new "Database connection pool exhausted" --date 2025-12-09
    --severity P1 --author @alice --start 14:30 --end 16:45

    Example: hindsight new --from pagerduty incident.json log_entries.json
    """
    from .access import Viewer

    ws = _workspace(directory)
    if source is None:
        if len(args) != 1:
            raise click.UsageError("give one TITLE (in quotes), or --from with the incident's files")
        path = ws.new_postmortem(Viewer.local(), args[0], date=date or dt.date.today(), severity=severity,
                                 author=author, start=start, end=end)
        click.echo(_display(path))
        return
    if date or start or end:
        raise click.UsageError("--date, --start and --end come from the incident with --from")
    from .importers import only

    events, incident = _load(ws.config, source, args, api=api, api_url=api_url, incident=True)
    made = ws.scaffold_incident(incident, only(events), zone=zone, title=title, author=author, severity=severity)
    path = ws.new_from_incident(Viewer.local(), made)
    for note in made.notes:
        click.echo(f"hindsight: {note}", err=True)
    click.echo(_display(path))


def _display(path: Path) -> str:
    return str(_relative(path))


@main.group("import")
def import_() -> None:
    """Bring what the pager, the chat or the incident tool recorded into a postmortem.

    Example: hindsight import timeline log_entries.json --from pagerduty --into 2025-12-09-db-pool
    """


def _moment(value: str | None, tz, *, end: bool = False):
    """`--since`/`--until`: a date (the whole day) or an ISO 8601 time, in --tz (UTC by default)."""
    if value is None:
        return None
    from .importers import timestamp
    from .parse.when import UTC

    at = timestamp(value, f"`{value}`", tz=tz or UTC)
    if end and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        at += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return at


@import_.command("timeline")
@click.argument("sources", nargs=-1, metavar="FILE... | INCIDENT_ID")
@click.option("--from", "fmt", required=True, type=click.Choice(["pagerduty", "opsgenie", "slack", "incidentio",
                                                                  "csv"]), help="Where the records come from.")
@click.option("--into", "into", required=True, metavar="POSTMORTEM", help="The postmortem: its file or its id.")
@click.option("--since", help="Only events at or after this time (YYYY-MM-DD or ISO 8601; --tz, else UTC).")
@click.option("--until", help="Only events at or before this time (a date includes the whole day).")
@click.option("--tz", "zone", help="The zone of times written without one (a CSV's), and of --since/--until.")
@click.option("--only", "kinds", metavar="KINDS", help="Only these kinds (comma-separated): trigger, ack, "
              "escalate, assign, notify, note, status, mitigated, resolve, message, other. Default: all but notify.")
@click.option("--channel", help="Slack: the channel to import, by name or id (needed when the export has several).")
@click.option("--all", "everything", is_flag=True, help="Slack: every message, not only the pinned ones and those "
              "with a --reaction.")
@click.option("--reaction", "reactions", multiple=True, default=("pushpin",), show_default=True,
              help="Slack: a reaction that marks a message for the timeline (repeatable).")
@click.option("--bots", is_flag=True, help="Slack: bots' messages too.")
@click.option("--joins", is_flag=True, help="Slack: joins, leaves and topic changes too.")
@_api_options
@click.option("--max-rows", type=click.IntRange(1, 1_000_000), default=500, show_default=True,
              help="Refuse an import that would add more rows than this.")
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
@_errors
def import_timeline(sources, fmt, into, since, until, zone, kinds, channel, everything, reactions, bots, joins,
                    api, api_url, max_rows, dry_run) -> None:
    """Merge the incident's own records into a postmortem's Timeline, in place.

    Times are written in the postmortem's zone, in order among its rows. Each
    imported row keeps its source's id, so importing again adds only what is
    new, updates what the source changed, and never touches a row a person
    wrote, edited or deleted. Acknowledgements are marked [ack] and mitigation
    [mitigated], which the monthly review measures. The file is written once,
    atomically, and not if it changed meanwhile. Formats: docs/importing.md.

    Example: hindsight import timeline log_entries.json --from pagerduty --into 2025-12-09-db-pool

    Example: hindsight import timeline slack-export.zip --from slack --channel inc-42 --into 2025-12-09-db-pool
    """
    from .access import Viewer
    from .importers import Options, only
    from .parse.when import zone as zone_of

    tz = zone_of(zone) if zone else None
    if zone and tz is None:
        raise click.BadParameter(f"`{zone}` is not a time zone; write it as UTC, UTC+2, PST or Europe/Oslo",
                                 param_hint="--tz")
    ws = _workspace()
    options = Options(tz=tz, channel=channel, everything=everything, reactions=tuple(reactions), bots=bots,
                      joins=joins, slack_url=ws.config.get("slack_url"))
    events, _ = _load(ws.config, fmt, sources, api=api, api_url=api_url, options=options)
    chosen = only(events, kinds, _moment(since, tz), _moment(until, tz, end=True))
    file, merge = ws.import_timeline(Viewer.local(), into, chosen, today=dt.date.today(), dry_run=dry_run,
                                     max_rows=max_rows)
    from .views import import_summary, text_diff

    if dry_run and merge.changed:
        sys.stdout.write(text_diff(file.read_bytes().decode("utf-8-sig", "replace"), merge.text, _display(file)))
    click.echo(f"{_display(file)}: {import_summary(merge, len(events) - len(chosen))}"
               + (" (dry run: nothing written)" if dry_run else ""), err=dry_run)


@main.command()
@click.argument("file", metavar="FILE|ID", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--today", callback=_date, help="The date for date-dependent findings (default: today).")
@_groups
@_errors
def show(file: Path, fmt: str, today, groups) -> None:
    """Print one postmortem: a readable summary, or as JSON the model with its id, version and findings.

    FILE may be a path, a postmortem's id, or `-` to read the document from standard input.

    Example: hindsight show docs/incidents/2025-12-09-db-pool.md --format json
    """
    ws = _workspace()
    today = today or dt.date.today()
    if str(file) == "-":
        doc = ws.parse_text(sys.stdin.buffer.read(), "<stdin>", today)
    else:
        doc = ws.document(_viewer(groups), file if file.suffix == ".md" or "/" in str(file) else str(file), today)
    if fmt == "json":
        click.echo(json.dumps(doc.to_dict(), indent=2, ensure_ascii=False))
    else:
        from .views import print_postmortem

        print_postmortem(doc.pm, _console())
    for d in doc.pm.diagnostics:
        if d.severity == "error":
            click.echo(f"{doc.path}:{d.line or 1}: {d.message}", err=True)


@main.command("list")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@_groups
@_errors
def list_(directory: Path | None, fmt: str, jobs: int | None, groups) -> None:
    """List every postmortem under a folder (default: the incidents folder).

    Shows date, severity, status, title and open action items, newest first.
    Files that cannot be read are reported on stderr, and the exit code is then 2.

    Example: hindsight list docs/incidents --format json
    """
    from . import corpus
    from .views import print_list

    folder = directory or _config().incidents_dir
    with _progress(len(corpus.find(folder)), "Reading postmortems", enabled=fmt == "table") as advance:
        ws = _workspace(directory, jobs=jobs, progress=advance)
        rows = [r.summary_dict() for r in ws.records(_viewer(groups))]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print_list(rows, _console())
    if _unreadable(ws.errors()):
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
    from .lint import output
    from .lint.baseline import Baseline

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


def _check_results(config, paths, select, ignore, today, *, fix=False, unsafe=False, no_cache=False, jobs=None,
                   progress=False):
    """Run the check as `check` does: (results, the bytes read from standard input or None)."""
    from .lint.engine import make_settings
    from .lint.run import expand, run

    settings = make_settings(config, select_=select, ignore=ignore, today=today or dt.date.today())
    targets = expand(list(paths) or [_relative(config.incidents_dir)])
    stdin = sys.stdin.buffer.read() if any(str(p) == "-" for p in targets) else None
    with _progress(len(targets), "Checking postmortems", enabled=progress) as advance:
        results = run(targets, settings, use_cache=not no_cache, fix=fix, unsafe=unsafe, jobs=jobs,
                      progress=advance, stdin=stdin)
    return results, stdin


def _fingerprinted(config, findings: list, stdin: bytes | None) -> list:
    """Each finding with its baseline fingerprint, its path made relative to the project root so that a
    baseline holds wherever the command runs."""
    from .lint.baseline import fingerprint
    from .parse import decode
    from .records import display_path
    from .text import split_lines

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
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the converted files in (default: docs/incidents under the project root).")
@click.option("--historical", is_flag=True, help="Mark every converted postmortem `historical: true`.")
@click.option("--in-place", is_flag=True,
              help="Replace each original with its converted file (next to it, or in --out), one git commit "
                   "per file; needs a clean git work tree.")
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@_errors
def convert(source: Path, out: Path | None, historical: bool, in_place: bool, dry_run: bool) -> None:
    """Rewrite old postmortems (Markdown, HTML, .docx, a Google Docs .zip) in the standard's template.

    SOURCE is a file or a folder. Each file becomes YYYY-MM-DD-slug.md; nothing
    is dropped (lines not placed are kept under "From the original document").
    The original is left as it was and no existing file is overwritten, unless
    --in-place: then the converted file replaces the original in a commit of
    its own, and a file already named as the template names it is rewritten.

    Example: hindsight convert old-postmortems/ --historical
    """
    from .convert import convert_file, convert_in_place, sources_in, write

    folder = out or (None if in_place else _config().incidents_dir)
    failed = 0
    for path in sources_in(source):
        try:
            if in_place and not dry_run:
                conv, target = convert_in_place(path, folder, historical=historical)
            else:
                conv = convert_file(path, historical=historical)
                target = (folder or path.parent) / conv.name
                if not (conv.problem or dry_run):
                    write(conv, target.parent)
        except HindsightError as e:
            click.echo(f"hindsight: {e}", err=True)
            failed += 1
            continue
        if conv.problem:
            click.echo(f"{path}: not converted: {conv.problem}", err=True)
            failed += 1
            continue
        placed = ", ".join(f"{k} {n}" for k, n in conv.placed.most_common())
        click.echo(f"{path} -> {_display(target)}: placed {placed or 'nothing'}; kept {conv.kept_lines} "
                   f"line(s) verbatim" + (f"; fill in: {', '.join(conv.todos)}" if conv.todos else "")
                   + ("; committed" if in_place and not dry_run else ""))
    if failed:
        sys.exit(1)


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
    from .errors import ConflictError
    from .lint.baseline import Baseline

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


# -- action items -------------------------------------------------------------------------------------

def _filters(fn):
    for opt in reversed([
        click.option("--owner", help="Only this owner (@handle or name)."),
        click.option("--status", help="Only this status: TODO, IN PROGRESS, DONE, WONTFIX, or open."),
        click.option("--severity", help="Only postmortems of this severity (P0…P3)."),
        click.option("--since", callback=_date, help="Only incidents on or after this date."),
        click.option("--until", callback=_date, help="Only incidents on or before this date."),
        click.option("--overdue", is_flag=True, help="Only items past their due date and not closed."),
        click.option("--file", "file_", help="Only the postmortem with this file name."),
        click.option("--today", callback=_date, help="The date for overdue, YYYY-MM-DD (default: today)."),
        click.option("--dir", "directory", type=click.Path(path_type=Path),
                     help="Folder of postmortems (default: the incidents folder)."),
        _groups,
    ]):
        fn = opt(fn)
    return fn


@main.group(invoke_without_command=True)
@_filters
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="markdown: the standard's Action Item Status table.")
@click.pass_context
def actions(ctx: click.Context, **params) -> None:
    """Action items across every postmortem: list (the default), stats, set.

    Example: hindsight actions --owner @sre-team --overdue
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(actions_list, **params)


def _query(owner, status, severity, since, until, overdue, file_):
    from .actions import ActionQuery

    return ActionQuery(owner=owner, status=status, severity=severity, since=since, until=until, overdue=overdue,
                       file=file_)


@actions.command("list")
@_filters
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="markdown: the standard's Action Item Status table.")
@_errors
def actions_list(fmt, directory=None, today=None, owner=None, status=None, severity=None, since=None, until=None,
                 overdue=False, file_=None, groups=None) -> None:
    """List action items with their stable IDs (`<file>#<n>`), newest incident first.

    Example: hindsight actions list --status open --format markdown
    """
    from . import actions as lib

    ws = _workspace(directory)
    today = today or dt.date.today()
    rows = ws.actions(_viewer(groups), _query(owner, status, severity, since, until, overdue, file_), today)
    if fmt == "json":
        click.echo(json.dumps([a.to_dict(today) for a in rows], indent=2, ensure_ascii=False))
    elif fmt == "csv":
        sys.stdout.write(lib.to_csv(rows, today))
    elif fmt == "markdown":
        sys.stdout.write(lib.to_markdown(rows))
    else:
        from .views import print_actions

        print_actions(rows, today, _console())
    if _unreadable(ws.errors()):
        sys.exit(2)


@actions.command("stats")
@_filters
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_errors
def actions_stats(fmt, directory=None, today=None, owner=None, status=None, severity=None, since=None, until=None,
                  overdue=False, file_=None, groups=None) -> None:
    """Completion rate (DONE / (all - WONTFIX)), open and overdue items, by owner and severity.

    Example: hindsight actions stats --since 2026-01-01 --format json
    """
    ws = _workspace(directory)
    today = today or dt.date.today()
    figures = ws.action_stats(_viewer(groups), _query(owner, status, severity, since, until, overdue, file_),
                              today)
    if fmt == "json":
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        from .views import print_stats

        print_stats(figures, _console())
    if _unreadable(ws.errors()):
        sys.exit(2)


@actions.command("set")
@click.argument("item_id", metavar="ID")
@click.argument("status", required=False)
@click.option("--owner", help="New owner: one person accountable.")
@click.option("--due", callback=_date, help="New due date, YYYY-MM-DD.")
@click.option("--ticket", help="Tracking issue key or link.")
@click.option("--today", callback=_date, help="The date recorded when an item is closed (default: today).")
@click.option("--dir", "directory", type=click.Path(path_type=Path),
              help="Folder of postmortems (default: the incidents folder).")
@_errors
def actions_set(item_id: str, status, owner, due, ticket, today, directory) -> None:
    """Change an action item in its file, in place: only the edited cells change.

    ID is `<file stem>#<n>` as `hindsight actions` shows it. The write is
    atomic, and refused if the file changed on disk meanwhile.

    Example: hindsight actions set 2025-12-09-db-pool#3 DONE --ticket SRE-125
    """
    from .access import Viewer

    if status is None and owner is None and due is None and ticket is None:
        raise InputError("nothing to change; give a status, --owner, --due or --ticket")
    file, changes = _workspace(directory).set_action(Viewer.local(), item_id, status=status, owner=owner, due=due,
                                                     ticket=ticket, today=today or dt.date.today())
    for c in changes:
        click.echo(f"{_display(file)}:{c.line}: {c.field}: {c.before or '(empty)'} -> {c.after}")


# -- lifecycle ----------------------------------------------------------------------------------------

@main.group(invoke_without_command=True)
@click.option("--today", callback=_date, help="The date deadlines are measured against (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on-late", is_flag=True, help="Exit 1 when a postmortem or a required one is late.")
@click.option("--dir", "directory", type=click.Path(path_type=Path),
              help="Folder of postmortems (default: the incidents folder).")
@_groups
@click.pass_context
@_errors
def status(ctx: click.Context, today, fmt, fail_on_late, directory, groups) -> None:
    """Every postmortem's phase and next deadline, and incidents whose postmortem is missing.

    Grouped late / due soon / on track. Incidents come from the register
    (`register.csv` in the incidents folder).

    Example: hindsight status --today 2026-01-20 --fail-on-late
    """
    if ctx.invoked_subcommand is not None:
        return
    ws = _workspace(directory)
    today = today or dt.date.today()
    assessed = ws.status(_viewer(groups), today)
    if fmt == "json":
        click.echo(json.dumps([a.to_dict() for a in assessed], indent=2, ensure_ascii=False))
    else:
        from .views import print_status

        print_status(assessed, today, _console())
    if _unreadable(ws.errors()):
        sys.exit(2)
    if fail_on_late and any(a.state == "late" for a in assessed):
        sys.exit(1)


@status.command("set")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new_status", metavar="STATUS")
@click.option("--today", callback=_date, help="The date recorded for the transition (default: today).")
@click.option("--force", is_flag=True, help="Move to any status: skip steps, go back, or complete with open items.")
@_errors
def status_set(file: Path, new_status: str, today, force: bool) -> None:
    """Move a postmortem to a new status and record the date in its front matter.

    Draft -> drafted, In Review -> reviewed, Published -> published,
    Complete -> completed. Front matter is created when absent; the body is
    left as it was except the Status line. The lifecycle moves one step at a
    time, and to Complete only when every action item is closed; --force
    moves anyway.

    Example: hindsight status set docs/incidents/2025-12-09-db-pool.md "In Review"
    """
    from .access import Viewer

    _, changes = _workspace().set_status(Viewer.local(), file, new_status, today or dt.date.today(), force=force)
    for c in changes:
        click.echo(f"{_display(file)}:{c.line}: {c.field}: {c.before or '(none)'} -> {c.after}")


@main.group()
def register() -> None:
    """The incident register: incidents that happened, with or without a postmortem.

    Example: hindsight register add --date 2026-01-14 --title "Checkout outage" --severity P0
    """


@register.command("add")
@click.option("--date", "date_", callback=_date, required=True, help="Incident date, YYYY-MM-DD.")
@click.option("--title", required=True, help="Short title.")
@click.option("--severity", required=True, help="P0…P3.")
@click.option("--resolved-at", help="When it was resolved, YYYY-MM-DDTHH:MM (UTC unless an offset is given).")
@click.option("--postmortem", help="Path of its postmortem, if written.")
@click.option("--id", "id_", help="Identifier (default: date and title).")
@_errors
def register_add(date_, title, severity, resolved_at, postmortem, id_) -> None:
    """Append an incident to the register (created when absent).

    Example: hindsight register add --date 2026-01-14 --title "Checkout outage" --severity P0
    --resolved-at 2026-01-15T00:27
    """
    from . import register as lib

    config = _config()
    path = config.incidents_dir / config.get("register")
    inc = lib.add(path, {"id": id_ or "", "date": date_.isoformat(), "title": title, "severity": severity,
                         "resolved_at": resolved_at or "", "postmortem": postmortem or ""},
                  config.get("severity_levels"))
    click.echo(f"{_display(path)}: added {inc.id}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--ics", "ics_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write an iCalendar invite to this file.")
@click.option("--attendee", "attendees", multiple=True, help="Invitee e-mail (repeatable; default: config).")
@click.option("--organizer", help="Organiser's e-mail: makes the file an invitation (default: meeting_organizer).")
@click.option("--today", callback=_date, help="Schedule no earlier than this date (default: today, from now on).")
@_groups
@_errors
def agenda(file: Path, ics_path: Path | None, attendees: tuple[str, ...], organizer, today, groups) -> None:
    """Print the review meeting's agenda, filled from the postmortem; optionally an invite.

    The standard's time boxes (5/15/15/10/5 minutes), attendee roles and
    30-60 minutes. The invite is on the first working day inside the 3-5 day
    window after the incident, never in the past. With an organizer it is an
    invitation (METHOD:REQUEST); without, an event to import (PUBLISH).

    Example: hindsight agenda docs/incidents/2025-12-09-db-pool.md --ics review.ics --attendee sre@example.com
    """
    from . import agenda as lib
    from ._io import write_file

    ws = _workspace()
    config, policy = ws.config, ws.policy
    pm = ws.document(_viewer(groups), file, today or dt.date.today()).pm
    people = list(attendees) or config.get("attendees")
    when = None
    if ics_path is not None:
        # With --today, the day as a whole is ahead; without, from this minute on.
        now = dt.datetime.combine(today, dt.time.min, dt.timezone.utc) if today else None
        when, inside = lib.slot(pm, policy, today or dt.date.today(), time=config.get("meeting_time"),
                                timezone=config.get("meeting_timezone"), now=now)
        if not inside:
            click.echo(f"hindsight: the {policy.review_window[0]}-{policy.review_window[1]} day review window has "
                       f"passed; scheduled for the next working day, {when:%Y-%m-%d}", err=True)
    text = lib.markdown(pm, when=when, attendees=people)
    click.echo(text, nl=False)
    if ics_path is not None:
        organizer = organizer or config.get("meeting_organizer") or None
        write_file(ics_path, lib.ics(pm, when, attendees=people, description=text, organizer=organizer))
        kind = "an invitation" if organizer else "an event to import (give --organizer to send an invitation)"
        click.echo(f"hindsight: wrote {_display(ics_path)}, {kind} ({when:%A %Y-%m-%d %H:%M %Z})", err=True)


# -- sharing and the monthly review --------------------------------------------------------------------



@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--audience", required=True, type=click.Choice(AUDIENCES),
              help="engineering: full HTML page; company: Slack summary; leadership: brief; status-page: external.")
@click.option("--format", "fmt", help="html (engineering); mrkdwn, blocks or preview, an HTML page of the message "
              "(company); md or html (others).")
@click.option("--post", "webhook", metavar="WEBHOOK_URL", help="Post the company summary to a Slack webhook.")
@click.option("--link", help="Link to the full postmortem (default: share_base_url + path).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file.")
@click.option("--allow-restricted", is_flag=True, help="Render a restricted postmortem anyway, for people you know "
                                                       "may read it (never for the status page, never posted).")
@_groups
@_errors
def share(file: Path, audience: str, fmt: str | None, webhook: str | None, link: str | None,
          output: Path | None, groups, allow_restricted: bool) -> None:
    """Render one postmortem for one of the standard's four audiences.

    The status-page update never carries internal details: @handles, names,
    internal hosts and URLs, revenue, ticket keys, `<!-- internal -->` blocks.
    A restricted postmortem is refused for every audience unless
    --allow-restricted, and is never posted.

    Example: hindsight share docs/incidents/2025-12-09-db-pool.md --audience company --format blocks
    """
    from . import share as lib

    if webhook and audience != "company":
        raise InputError("--post sends the company summary to Slack; use it with --audience company")
    ws = _workspace()
    shared = ws.share(_viewer(groups), file, audience, fmt, dt.date.today(), link=link,
                      allow_restricted=allow_restricted, post=bool(webhook))
    for note in shared.notes:
        click.echo(f"hindsight: {note}", err=True)
    if webhook:
        lib.post(webhook, shared.slack)
        click.echo(f"hindsight: posted the company summary of {_display(file)} to Slack", err=True)
    if output is not None or not webhook:
        _emit(shared.text, output)


@main.command()
@click.argument("month_arg", metavar="[MONTH]", required=False)
@click.option("--month", help="The month to review, YYYY-MM (default: the month before --today).")
@click.option("--today", callback=_date, help="The date figures are computed as of (default: today).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file.")
@click.option("--dir", "directory", type=click.Path(path_type=Path),
              help="Folder of postmortems (default: the incidents folder).")
@_groups
@_errors
def review(month_arg: str | None, month: str | None, today, fmt: str, output: Path | None, directory,
           groups) -> None:
    """The monthly review: postmortems, completion rates and trend, metrics, themes, repeats.

    Every formula is written in the report and in docs/metrics.md. HTML is
    self-contained, with its charts as inline SVG.

    MONTH (or --month) is YYYY-MM; without it, the month that ended last.

    Example: hindsight review 2026-01 --format html -o review-2026-01.html
    """
    from .review import report

    if month_arg and month and month_arg != month:
        raise click.UsageError(f"two months given ({month_arg} and --month {month}); give one")
    ws = _workspace(directory)
    data = ws.review(_viewer(groups), month_arg or month, today or dt.date.today())
    if fmt == "json":
        out = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        out = report.html(data, ws.levels, ws.file_link)
    else:
        out = report.markdown(data, ws.file_link)
    _emit(out, output)
    if _unreadable(ws.errors()):
        sys.exit(2)


@main.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--auth", "auth_mode", type=click.Choice(["none", "header"]), default="none", show_default=True,
              help="none: no sign-in, loopback only; header: trust an SSO proxy's X-Forwarded-User/-Groups.")
@click.option("--allow-edits", is_flag=True, help="With --auth none, let the local user edit (read-only otherwise).")
@click.option("--trusted-proxy", "proxies", multiple=True, help="Address or network of the SSO proxy (repeatable).")
@click.option("--today", callback=_date, help="Serve as of this date, YYYY-MM-DD (default: the real today; for "
                                              "demos of old postmortems).")
@_errors
def serve(directory: Path | None, host: str, port: int, auth_mode: str, allow_edits: bool,
          proxies: tuple[str, ...], today) -> None:
    """Serve the portal: postmortems, search, action items, the monthly review, a JSON API.

    Example: hindsight serve --auth header --trusted-proxy 10.0.0.5 --host 0.0.0.0
    """
    import ipaddress
    import time

    import uvicorn

    from .web import create_app, server_config
    from .web.auth import AuthSettings

    config = _config()
    if auth_mode == "none":
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise InputError(f"--auth none serves on loopback only (not {host}); put the portal behind an SSO "
                                 "proxy and use --auth header --trusted-proxy ADDRESS")
    trusted = list(proxies) or list(config.get("trusted_proxies"))
    if auth_mode == "header" and not trusted:
        raise InputError("--auth header needs the proxy's address: --trusted-proxy ADDRESS (or trusted_proxies "
                             "in configuration)")
    auth = AuthSettings(auth_mode, allow_edits, trusted, config.get("roles"))
    t0 = time.perf_counter()
    app = create_app(config, auth=auth, folder=directory.resolve() if directory else None, today=today)
    click.echo(f"hindsight: index ready in {time.perf_counter() - t0:.1f} s; serving "
               f"http://{host}:{port}/", err=True)
    uvicorn.Server(server_config(app, host, port)).run()


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
        raise NotFoundError(f"no rule is called `{name}`; `hindsight rules` lists them")
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
