"""What a check produces: findings, with fixes as text edits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..text import TextEdit

if TYPE_CHECKING:
    from ..config import Config
    from ..language import Lexicon
    from ..lifecycle import Policy
    from ..model import Postmortem
    from ..parse.scan import Scan

SEVERITIES = ("error", "warning")


Edit = TextEdit  # a fix is a list of the same text edits the editor makes


@dataclass(frozen=True, slots=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(slots=True)
class Finding:
    path: str
    line: int
    column: int  # 1-based
    code: str
    name: str
    severity: str
    message: str
    fix: Fix | None = None
    fixable: bool = False  # kept when the fix itself is not (a finding read back from the cache)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column, "code": self.code, "name": self.name,
                "severity": self.severity, "message": self.message, "fixable": self.fix is not None or self.fixable}

    def to_row(self) -> list[Any]:
        """Compact form for the cache (the path is the cache entry's key)."""
        return [self.line, self.column, self.code, self.name, self.severity, self.message,
                self.fix is not None or self.fixable]

    @classmethod
    def from_row(cls, path: str, row: list[Any]) -> Finding:
        return cls(path, row[0], row[1], row[2], row[3], row[4], row[5], None, row[6])


@dataclass
class Context:
    """Everything a rule may look at for one document."""

    path: str
    text: str
    pm: Postmortem
    config: Config
    today: dt.date | None
    lexicon: Lexicon
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    @cached_property
    def lines(self) -> list[str]:
        from ..text import split_lines

        return split_lines(self.text[1:] if self.text.startswith("\ufeff") else self.text)

    scanned: Scan | None = None  # the parser's scan of the same text, when the caller has it

    @cached_property
    def scan(self) -> Scan:
        if self.scanned is not None:
            return self.scanned
        from ..parse.scan import scan

        return scan(self.text[1:] if self.text.startswith("\ufeff") else self.text)

    @cached_property
    def units(self) -> list:
        """The document's prose, for the language rules (computed once for all of them)."""
        from ._prose import units

        return units(self.scan.lines)

    @cached_property
    def suspect_units(self) -> list:
        """The prose units that contain a word a blameful phrase can start with (usually few or none)."""
        from ..language import present_triggers, worth_a_look
        from ._prose import units

        triggers = present_triggers(self.text, self.lexicon)
        return units(self.scan.lines, triggers, keep=lambda raw: worth_a_look(raw, self.lexicon)) if triggers else []

    @cached_property
    def words(self) -> list[set[str]]:
        from ..language import words_of

        return [words_of(u.text) for u in self.suspect_units]

    @cached_property
    def blame(self) -> list[list]:
        """`find_blame` for each of `suspect_units`, shared by blame-language and human-error-root-cause."""
        from ..language import find_blame

        return [find_blame(u.text, self.lexicon, w) for u, w in zip(self.suspect_units, self.words)]

    @cached_property
    def policy(self) -> Policy:
        """The lifecycle's deadlines, as `hindsight status` reads them from the configuration."""
        from ..lifecycle import Policy

        return Policy.from_config(self.config)

    @cached_property
    def historical(self) -> bool:
        """Whether the postmortem is historical (`lifecycle.is_historical`): no deadline rule applies."""
        from ..lifecycle import is_historical

        return is_historical(self.pm.front_matter, self.pm.date, self.policy.history_before)

    def has_placeholder(self, start: int, end: int) -> bool:
        """Whether lines start..end still hold template placeholders (placeholder-text reports those)."""
        from ..standard import PLACEHOLDER

        return any(PLACEHOLDER.search(line) for line in self.lines[max(0, start - 1):end])

    def option(self, rule: str, name: str, default: Any) -> Any:
        return self.rule_options.get(rule, {}).get(name, default)
