"""Hindsight: blameless incident postmortems as code.

The Markdown files are the truth; everything else is a view of them.

    >>> from hindsight import read
    >>> pm = read("docs/incidents/2025-12-09-db-pool.md")   # doctest: +SKIP
    >>> pm.duration_minutes, len(pm.action_items)            # doctest: +SKIP
"""

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
