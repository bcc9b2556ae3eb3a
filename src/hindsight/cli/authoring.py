"""`hindsight new`, `hindsight import` and `hindsight convert`: postmortems written, or brought in from where the
incident happened and from the documents of the past."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from ..errors import HindsightError
from ._shared import _config, _date, _display, _errors, _workspace, main


def _api_options(fn):
    fn = click.option("--api-url", metavar="URL", help="With --api: the API's base URL (default: the "
                      "`pagerduty_url`, `opsgenie_url` or `incidentio_url` option).")(fn)
    return click.option("--api", is_flag=True, help="Fetch live from the vendor's API: the argument is the "
                        "incident id (an Opsgenie alert id, a Slack channel); the token comes from "
                        "PAGERDUTY_TOKEN, OPSGENIE_API_KEY, INCIDENT_API_KEY or SLACK_TOKEN.")(fn)


def _load(config, fmt: str, sources: tuple[str, ...], *, api: bool, api_url: str | None, incident: bool = False,
          options=None):
    """The events (and with `incident`, the incident) of export files, or of an incident fetched live."""
    from .. import importers
    from ..importers import api as live

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
    from ..access import Viewer

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
    from ..importers import only

    events, incident = _load(ws.config, source, args, api=api, api_url=api_url, incident=True)
    made = ws.scaffold_incident(incident, only(events), zone=zone, title=title, author=author, severity=severity)
    path = ws.new_from_incident(Viewer.local(), made)
    for note in made.notes:
        click.echo(f"hindsight: {note}", err=True)
    click.echo(_display(path))


@main.group("import")
def import_() -> None:
    """Bring what the pager, the chat or the incident tool recorded into a postmortem.

    Example: hindsight import timeline log_entries.json --from pagerduty --into 2025-12-09-db-pool
    """


def _moment(value: str | None, tz, *, end: bool = False):
    """`--since`/`--until`: a date (the whole day) or an ISO 8601 time, in --tz (UTC by default)."""
    if value is None:
        return None
    from ..importers import timestamp
    from ..parse.when import UTC

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
    from ..access import Viewer
    from ..importers import Options, only
    from ..parse.when import zone as zone_of

    tz = zone_of(zone) if zone else None
    if zone and tz is None:
        raise click.BadParameter(f"`{zone}` is not a time zone; write it as UTC, UTC+2, PST or Europe/Oslo",
                                 param_hint="--tz")
    ws = _workspace()
    window = _moment(since, tz), _moment(until, tz, end=True)
    options = Options(tz=tz, channel=channel, everything=everything, reactions=tuple(reactions), bots=bots,
                      joins=joins, slack_url=ws.config.get("slack_url"), since=window[0], until=window[1])
    events, _ = _load(ws.config, fmt, sources, api=api, api_url=api_url, options=options)
    chosen = only(events, kinds, *window)
    file, merge = ws.import_timeline(Viewer.local(), into, chosen, today=dt.date.today(), dry_run=dry_run,
                                     max_rows=max_rows)
    from ..views import import_summary, text_diff

    if dry_run and merge.changed:
        sys.stdout.write(text_diff(file.read_bytes().decode("utf-8-sig", "replace"), merge.text, _display(file)))
    click.echo(f"{_display(file)}: {import_summary(merge, len(events) - len(chosen))}"
               + (" (dry run: nothing written)" if dry_run else ""), err=dry_run)


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
    from ..convert import convert_file, convert_in_place, sources_in, write

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
