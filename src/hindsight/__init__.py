"""Hindsight: blameless incident postmortems as code.

The Markdown files are the truth; everything else is a view of them.

    >>> from hindsight import read
    >>> pm = read("docs/incidents/2025-12-09-db-pool.md")   # doctest: +SKIP
    >>> pm.duration_minutes, len(pm.action_items)            # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names and the module each lives in. They are imported on first use, so that a
# command pays only for what it touches (`hindsight check` on an unchanged tree never
# imports pydantic).
_EXPORTS = {
    "Config": "config", "load_config": "config:load",
    "ConfigError": "errors", "ConflictError": "errors", "HindsightError": "errors", "ReadError": "errors",
    "WriteError": "errors",
    "ActionItem": "model", "ContributingFactor": "model", "Diagnostic": "model", "ImpactMetric": "model",
    "Link": "model", "Note": "model", "Postmortem": "model", "RootCause": "model", "TimelineEvent": "model",
    "Why": "model", "json_schema": "model",
    "parse": "parse", "read": "parse", "render": "render",
    "new_postmortem": "scaffold", "slugify": "scaffold",
}

if TYPE_CHECKING:
    from .config import Config
    from .config import load as load_config
    from .errors import ConfigError, ConflictError, HindsightError, ReadError, WriteError
    from .model import (
        ActionItem,
        ContributingFactor,
        Diagnostic,
        ImpactMetric,
        Link,
        Note,
        Postmortem,
        RootCause,
        TimelineEvent,
        Why,
        json_schema,
    )
    from .parse import parse, read
    from .render import render
    from .scaffold import new_postmortem, slugify


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
    "Config",
    "ConfigError",
    "ConflictError",
    "ContributingFactor",
    "Diagnostic",
    "HindsightError",
    "ImpactMetric",
    "Link",
    "Note",
    "Postmortem",
    "ReadError",
    "RootCause",
    "TimelineEvent",
    "Why",
    "WriteError",
    "json_schema",
    "load_config",
    "new_postmortem",
    "parse",
    "read",
    "render",
    "slugify",
]
