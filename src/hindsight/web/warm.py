"""Render every postmortem's page ahead of its first reader: a background process of `hindsight serve`.

A page that is not kept yet costs its first reader a parse, a check and a
render (about 12 ms). `hindsight serve` starts this module as a process of
the lowest priority (`nice 19`: it only takes what the portal leaves idle),
which renders the body of every postmortem's page into the shared page cache
(`web.pagecache`), then looks again every `INTERVAL` seconds for files that
changed and for a new day. It reads the index the portal keeps and never
writes it; it stops when the portal does.

    python -m hindsight.web.warm PID    # with HINDSIGHT_SERVE set, as `hindsight serve` (process PID) starts it
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from ..access import Viewer
from .app import SETTINGS_ENV
from .pages import postmortem_part
from .portal import Portal

#: Seconds between two passes over the postmortems.
INTERVAL = 30.0


def warm(portal: Portal, today: dt.date, *, stop=lambda: False) -> int:
    """Render and keep the page body of every postmortem that has none for its version and `today`; how many
    were rendered. Each is rendered as a reader who may see it would get it (the body is the same for all)."""
    ws = portal.workspace
    everyone = Viewer.local()
    made = 0
    for record in ws.records(everyone):
        if stop():
            break
        name = f"postmortem/{record.id}"
        if portal.page_cache.has(name, portal.page_cache.key(record.version, record.version, today)):
            continue
        try:
            postmortem_part(portal, everyone, record.id, today)
            made += 1
        except Exception:  # noqa: BLE001 - a file that cannot be read now is left to the request that asks
            continue
    return made


def main() -> None:
    from ..config import load
    from ..records import Reader
    from ..store.sqlite import SqliteStore
    from ..workspace import Workspace
    from .auth import AuthSettings

    if hasattr(os, "nice"):
        os.nice(19)
    s = json.loads(os.environ[SETTINGS_ENV])
    # The portal's pid as it was given, not as found: a portal that died while this process was starting
    # has already handed it to another parent, and it must stop at once rather than warm for nobody.
    parent = int(sys.argv[1]) if len(sys.argv) > 1 else os.getppid()
    config = load(Path(s["root"]))
    folder = Path(s["folder"]) if s["folder"] else config.incidents_dir.resolve()
    store = SqliteStore(Reader.for_config(config, folder), folder, config.root / ".hindsight" / "index.sqlite",
                        refresh_seconds=INTERVAL)
    store.refresh()  # catches up with the index; scans only if no portal process leads (it then is the leader)
    portal = Portal(Workspace(config, folder=folder, store=store), AuthSettings(),
                    today=dt.date.fromisoformat(s["today"]) if s["today"] else None)
    gone = lambda: os.getppid() != parent  # noqa: E731 - the portal stopped: so does this
    while not gone():
        store.refresh()
        warm(portal, portal.today(), stop=gone)
        deadline = time.monotonic() + INTERVAL
        while time.monotonic() < deadline and not gone():
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
