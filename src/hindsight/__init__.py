"""Hindsight: blameless incident postmortems as code.

The Markdown files are the truth; everything else is a view of them.

    >>> from hindsight import read
    >>> pm = read("docs/incidents/2025-12-09-db-pool.md")   # doctest: +SKIP
    >>> pm.duration_minutes, len(pm.action_items)            # doctest: +SKIP

    >>> from hindsight import Viewer, Workspace
    >>> ws = Workspace.open()                                           # doctest: +SKIP
    >>> ws.review(Viewer.local(), "2026-03", today)["action_items"]     # doctest: +SKIP

The names below are the library's public API; docs/library.md lists the
public modules (everything whose name does not start with `_`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names and the module each lives in. They are imported on first use, so that a
# command pays only for what it touches (`hindsight check` on an unchanged tree never
# imports pydantic).
_EXPORTS = {
    "Viewer": "access", "ActionQuery": "actions",
    "Config": "config", "load_config": "config:load",
    "ConfigError": "errors", "ConflictError": "errors", "HindsightError": "errors", "InputError": "errors",
    "NotFoundError": "errors", "ReadError": "errors", "RefusedError": "errors", "RemoteError": "errors",
    "WriteError": "errors",
    "ActionItem": "model", "CheckFinding": "model", "ContributingFactor": "model", "Diagnostic": "model",
    "ImpactMetric": "model", "Link": "model", "Note": "model", "Postmortem": "model",
    "PostmortemDocument": "model", "RootCause": "model", "TimelineEvent": "model", "Why": "model",
    "json_schema": "model",
    "parse": "parse", "read": "parse", "ActionRow": "records", "Record": "records", "render": "render",
    "new_postmortem": "scaffold", "slugify": "scaffold",
    "Document": "workspace", "Listing": "workspace", "PostmortemQuery": "workspace", "Workspace": "workspace",
}

if TYPE_CHECKING:
    from .access import Viewer
    from .actions import ActionQuery
    from .config import Config
    from .config import load as load_config
    from .errors import (
        ConfigError,
        ConflictError,
        HindsightError,
        InputError,
        NotFoundError,
        ReadError,
        RefusedError,
        RemoteError,
        WriteError,
    )
    from .model import (
        ActionItem,
        CheckFinding,
        ContributingFactor,
        Diagnostic,
        ImpactMetric,
        Link,
        Note,
        Postmortem,
        PostmortemDocument,
        RootCause,
        TimelineEvent,
        Why,
        json_schema,
    )
    from .parse import parse, read
    from .records import ActionRow, Record
    from .render import render
    from .scaffold import new_postmortem, slugify
    from .workspace import Document, Listing, PostmortemQuery, Workspace


# Two public functions share their names with subpackages (`hindsight.parse`, `hindsight.render`). A
# subpackage imported for the first time is bound on this package under its name, hiding the function
# for good; so both are imported now (their `__init__` modules are lazy and cost nothing), and the
# function names are bound on first use, after them.
from . import parse as _parse_package  # noqa: E402, F401
from . import render as _render_package  # noqa: E402, F401

del parse, render  # the subpackages, just bound here; `hindsight.parse` is the function from now on


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'hindsight' has no attribute {name!r}")
    module, _, attr = target.partition(":")
    value = getattr(import_module(f".{module}", __name__), attr or name)
    globals()[name] = value
    return value


__all__ = [
    "ActionItem",
    "ActionQuery",
    "ActionRow",
    "CheckFinding",
    "Config",
    "ConfigError",
    "ConflictError",
    "ContributingFactor",
    "Diagnostic",
    "Document",
    "HindsightError",
    "ImpactMetric",
    "InputError",
    "Link",
    "Listing",
    "NotFoundError",
    "Note",
    "Postmortem",
    "PostmortemDocument",
    "PostmortemQuery",
    "ReadError",
    "Record",
    "RefusedError",
    "RemoteError",
    "RootCause",
    "TimelineEvent",
    "Viewer",
    "Why",
    "Workspace",
    "WriteError",
    "json_schema",
    "load_config",
    "new_postmortem",
    "parse",
    "read",
    "render",
    "slugify",
]
