"""What the monthly review measures in one postmortem: its duration, the minutes to acknowledge and to
mitigate, and the runbook changes it asks for (definitions in docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Postmortem

ACK = re.compile(r"\[(?:ack|acknowledged)\]|\back(?:nowledg(?:e|es|ed|ing|ment))?\b|\backed\b", re.I)
MITIGATED = re.compile(r"\[mitigated\]|\bmitigat\w*|\brolled back\b|\brestored\b|\brecovered\b|"
                       r"\bback to (?:normal|baseline)\b|\bfix (?:was )?deployed\b|\bworkaround\b|"
                       r"\berror rate dropping\b", re.I)
RUNBOOK = re.compile(r"\b(?:run ?books?|playbooks?)\b", re.I)


def _start(pm: Postmortem) -> dt.datetime | None:
    if pm.start is not None:
        return pm.start
    return next((e.at for e in pm.timeline if e.at is not None and e.precision != "date"), None)


def marker_minutes(pm: Postmortem, rx: re.Pattern) -> float | None:
    """Minutes from the start of the incident to the first timeline event the marker matches."""
    start = _start(pm)
    if start is None:
        return None
    for e in pm.timeline:
        if e.at is not None and e.precision != "date" and rx.search(e.event):
            return max(0.0, (e.at - start).total_seconds() / 60)
    return None


def duration(pm: Postmortem) -> int | None:
    """The stated duration in minutes, else the minutes from the stated start to the stated end."""
    if pm.duration_minutes is not None:
        return pm.duration_minutes
    if pm.start and pm.end:
        return round((pm.end - pm.start).total_seconds() / 60)
    return None
