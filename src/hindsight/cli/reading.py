"""`hindsight show`, `list`, `share`, `review`, `serve` and `schema`: the commands that read."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from ..errors import InputError
from ..standard import AUDIENCES
from ._shared import (
    _config,
    _console,
    _date,
    _display,
    _emit,
    _errors,
    _groups,
    _progress,
    _unreadable,
    _viewer,
    _workspace,
    main,
)


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
        from ..views import print_postmortem

        print_postmortem(doc.pm, _console())
    for d in doc.pm.diagnostics:
        if d.severity == "error":
            click.echo(f"{doc.path}:{d.line or 1}: {d.message}", err=True)


@main.command("list")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@click.option("--source", help="Only the postmortems of this `[[sources]]` repository.")
@_groups
@_errors
def list_(directory: Path | None, fmt: str, jobs: int | None, source: str | None, groups) -> None:
    """List every postmortem under a folder (default: the incidents folder).

    Shows date, severity, status, title and open action items, newest first.
    Files that cannot be read are reported on stderr, and the exit code is then 2.

    Example: hindsight list docs/incidents --format json
    """
    from .. import corpus
    from .. import sources as lib
    from ..views import print_list

    config = _config()
    folder = directory or config.incidents_dir
    # Every file the list reads: with no folder named, every synced source's too.
    extra = [] if directory else [s.folder for s in lib.of(config) if s.folder.is_dir()]
    total = len(corpus.find(folder)) + sum(len(corpus.find(f)) for f in extra)
    with _progress(total, "Reading postmortems", enabled=fmt == "table") as advance:
        ws = _workspace(directory, jobs=jobs, progress=advance)
        rows = [r.summary_dict() for r in ws.records(_viewer(groups), source=source)]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print_list(rows, _console())
    if _unreadable(ws.errors()):
        sys.exit(2)


# -- sharing and the monthly review --------------------------------------------------------------------


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--audience", type=click.Choice(AUDIENCES), default="engineering", show_default=True,
              help="engineering: the whole postmortem; company: Slack summary; leadership: brief; status-page: "
                   "external.")
@click.option("--format", "fmt", help="html, pdf or confluence (engineering); mrkdwn, blocks or preview, an HTML "
              "page of the message (company); md, html or pdf (leadership); md or html (status-page). A PDF is "
              "printed by headless Chromium and needs -o.")
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

    Example: hindsight share docs/incidents/2025-12-09-db-pool.md --format pdf -o db-pool.pdf
    """
    from .. import share as lib

    if webhook and audience != "company":
        raise InputError("--post sends the company summary to Slack; use it with --audience company")
    if fmt == "pdf" and output is None:
        raise InputError("a PDF is written to a file: add -o FILE.pdf")
    ws = _workspace()
    shared = ws.share(_viewer(groups), file, audience, fmt, dt.date.today(), link=link,
                      allow_restricted=allow_restricted, post=bool(webhook))
    for note in shared.notes:
        click.echo(f"hindsight: {note}", err=True)
    if webhook:
        lib.post(webhook, shared.slack)
        click.echo(f"hindsight: posted the company summary of {_display(file)} to Slack", err=True)
    if fmt == "pdf":
        _print_pdf(shared.text, output, ws.config.get("browser"))
    elif output is not None or not webhook:
        _emit(shared.text, output)


def _print_pdf(html: str, output: Path, browser: str) -> None:
    from ..pdf import print_pdf

    print_pdf(html, output, browser=browser)
    click.echo(f"hindsight: wrote {_display(output)}", err=True)


@main.command()
@click.argument("month_arg", metavar="[MONTH]", required=False)
@click.option("--month", help="The month to review, YYYY-MM (default: the month before --today).")
@click.option("--today", callback=_date, help="The date figures are computed as of (default: today).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "pdf"]), default="md", show_default=True,
              help="A PDF is printed by headless Chromium and needs -o.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file.")
@click.option("--dir", "directory", type=click.Path(path_type=Path),
              help="Folder of postmortems (default: the incidents folder).")
@click.option("--source", help="Review only the postmortems of this `[[sources]]` repository.")
@_groups
@_errors
def review(month_arg: str | None, month: str | None, today, fmt: str, output: Path | None, directory,
           source: str | None, groups) -> None:
    """The monthly review: postmortems, completion rates and trend, metrics, themes, repeats.

    Every formula is written in the report and in docs/metrics.md. HTML is
    self-contained, with its charts as inline SVG.

    MONTH (or --month) is YYYY-MM; without it, the month that ended last.

    Example: hindsight review 2026-01 --format html -o review-2026-01.html

    Example: hindsight review 2026-01 --format pdf -o review-2026-01.pdf
    """
    from ..review import report

    if month_arg and month and month_arg != month:
        raise click.UsageError(f"two months given ({month_arg} and --month {month}); give one")
    if fmt == "pdf" and output is None:
        raise InputError("a PDF is written to a file: add -o FILE.pdf")
    ws = _workspace(directory)
    data = ws.review(_viewer(groups), month_arg or month, today or dt.date.today(), source=source)
    if fmt == "json":
        out = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif fmt in ("html", "pdf"):
        out = report.html(data, ws.levels, ws.file_link)
    else:
        out = report.markdown(data, ws.file_link)
    if fmt == "pdf":
        _print_pdf(out, output, ws.config.get("browser"))
    else:
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
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Serve from this many processes, sharing one index (one per core is a good start).")
@click.option("--push", is_flag=True, help="A replica of a shared repository: commit each edit and push it to the "
                                           "clone's upstream branch (refused, 409, when its cells changed there).")
@click.option("--pull-interval", type=click.FloatRange(0), default=0, show_default=True,
              help="With --push, pull the upstream every this many seconds (0: only on the git host's webhook, "
                   "POST /api/hooks/git, signed with HINDSIGHT_HOOK_SECRET).")
@_errors
def serve(directory: Path | None, host: str, port: int, auth_mode: str, allow_edits: bool,
          proxies: tuple[str, ...], today, workers: int, push: bool, pull_interval: float) -> None:
    """Serve the portal: postmortems, search, action items, the monthly review, a JSON API.

    Example: hindsight serve --auth header --trusted-proxy 10.0.0.5 --host 0.0.0.0 --workers 2
    """
    import ipaddress
    import json
    import os
    import subprocess
    import time

    import uvicorn

    from ..web import create_app, server_config
    from ..web.app import HOOK_SECRET_ENV, SERVER_OPTIONS, SETTINGS_ENV, open_index
    from ..web.auth import AuthSettings

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
    if pull_interval and not push:
        raise InputError("--pull-interval is for a replica: give --push as well")
    auth = AuthSettings(auth_mode, allow_edits, trusted, config.get("roles"))
    secret = os.environ.get(HOOK_SECRET_ENV) or None
    t0 = time.perf_counter()
    folder = directory.resolve() if directory else None
    if workers == 1:
        app = create_app(config, auth=auth, folder=folder, today=today, push=push, pull_interval=pull_interval,
                         hook_secret=secret)
    else:
        # Built here, once, before any worker starts: the workers open it ready, and none waits for another.
        index = open_index(config, folder or config.incidents_dir.resolve())
        index.refresh(force=True)
        index.close()
    click.echo(f"hindsight: index ready in {time.perf_counter() - t0:.1f} s; serving http://{host}:{port}/"
               f"{f' from {workers} processes' if workers > 1 else ''}", err=True)
    os.environ[SETTINGS_ENV] = json.dumps({
        "root": str(config.root), "folder": str(directory.resolve()) if directory else None, "auth": auth_mode,
        "allow_edits": allow_edits, "trusted": trusted, "today": today.isoformat() if today else None,
        "push": push, "pull_interval": pull_interval})
    # Every postmortem's page rendered ahead of its first reader, at the lowest priority (hindsight.web.warm).
    warmer = subprocess.Popen([sys.executable, "-m", "hindsight.web.warm", str(os.getpid())], stdin=subprocess.DEVNULL)
    try:
        if workers == 1:
            uvicorn.Server(server_config(app, host, port)).run()
            return
        # uvicorn's own supervisor, as `uvicorn --workers N` runs it: it restarts a worker that dies.
        uvicorn.run("hindsight.web.app:from_environment", factory=True, workers=workers, host=host, port=port,
                    log_level="warning", **SERVER_OPTIONS)
    finally:
        warmer.terminate()


@main.command()
def schema() -> None:
    """Print the JSON Schema of `show --format json`.

    Example: hindsight schema > docs/schema/postmortem.schema.json
    """
    from ..model import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


# -- publishing ---------------------------------------------------------------------------------------

@main.group()
def site() -> None:
    """The postmortems as a static site, for any static host or file://.

    Example: hindsight site build --out site/
    """


@site.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True,
              help="The folder to build in; only the files the site made are ever replaced or removed.")
@click.option("--base-url", default="", help="Where the site will be served, for its sitemap.xml.")
@click.option("--audience", type=click.Choice(["engineering", "company"]), default="engineering", show_default=True,
              help="engineering: the whole postmortems with their findings; company: what the company reads of "
                   "each (summary, impact, top action items).")
@click.option("--groups", default="", metavar="GROUPS", help="Build the site these groups' members see, their "
              "restricted postmortems in it (comma-separated); publish it only where they alone can read. "
              "Default: nothing restricted.")
@click.option("--today", callback=_date, help="The date figures are computed as of (default: today).")
@click.option("--dir", "directory", type=click.Path(path_type=Path), help="Folder of postmortems (default: the "
              "incidents folder).")
@_errors
def site_build(out: Path, base_url: str, audience: str, groups: str, today, directory) -> None:
    """Build the portal's pages as a static site: home, postmortems (with search), each postmortem, action
    items, every month's review.

    No server and no request outside the site; a rebuild writes only the files that changed.

    Example: hindsight site build --out public/ --base-url https://postmortems.acme.test/
    """
    from ..access import Viewer
    from ..site import build

    ws = _workspace(directory)
    viewer = Viewer.member_of([g.strip() for g in groups.split(",") if g.strip()], can_edit=False, name="site")
    built = build(ws, out, viewer=viewer, today=today or dt.date.today(), audience=audience, base_url=base_url)
    click.echo(f"hindsight: {_display(out)}: {len(built.written)} file(s) written, {built.unchanged} unchanged, "
               f"{len(built.removed)} removed; {built.rendered} postmortem page(s) rendered", err=True)
    if _unreadable(ws.errors()):
        sys.exit(2)


@main.group(invoke_without_command=True)
@click.pass_context
@_errors
def sources(ctx: click.Context) -> None:
    """The other repositories whose postmortems are read with this project's (`[[sources]]`): list them.

    Example: hindsight sources sync
    """
    if ctx.invoked_subcommand is not None:
        return
    from .. import corpus
    from .. import sources as lib

    for s in lib.of(_config()):
        where = s.url or str(s.root)
        count = f"{len(corpus.find(s.folder))} postmortems" if s.folder.is_dir() else "not synced yet" \
            if s.url else "missing"
        click.echo(f"{s.name}\t{where}\t{s.incidents_dir}\t{count}")


@sources.command("sync")
@_errors
def sources_sync() -> None:
    """Clone each git source (shallow), or bring it up to date with its branch; check each path source.

    Example: hindsight sources sync
    """
    from .. import sources as lib

    done = lib.sync(_config())
    if not done:
        click.echo("no sources: add [[sources]] to hindsight.toml (docs/scale.md)", err=True)
    for s in done:
        click.echo(f"{s.name}: {s.action}{f' at {s.commit[:12]}' if s.commit else ''}, {s.postmortems} postmortems")
