"""Running the rules: settings, suppressions, fixes and results for one document or many."""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import ConfigError
from ._types import SEVERITIES, Context, Finding
from .registry import Rule, find_rule, select

if TYPE_CHECKING:
    from ..language import Lexicon

_DIRECTIVE = re.compile(r"<!--\s*hindsight-(disable-next-line|disable-line|disable-file|disable|enable)\b"
                        r"([^>]*?)\s*-->", re.I)


@dataclass
class Settings:
    """What to check and how; picklable, so worker processes get a copy."""

    config: Config
    rules: list[type[Rule]]
    today: dt.date | None
    severity: dict[str, str] = field(default_factory=dict)  # code -> error/warning
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def lexicon(self) -> Lexicon:
        c = self.config
        return _lexicon(tuple(c.get("roster")), tuple(c.get("blame_words")), tuple(c.get("blame_verbs")))

    @property
    def volatile(self) -> bool:
        return any(r.volatile for r in self.rules)

    def cache_key(self) -> dict[str, Any]:
        from .. import __version__

        return {"version": __version__, "rules": [r.code for r in self.rules], "severity": self.severity,
                "options": {k: v for k, v in self.config.values.items()}, "rule_options": self.rule_options,
                "today": self.today.isoformat() if self.today and self.volatile else None,
                "root": str(self.config.root)}


def make_settings(config: Config, *, select_: Iterable[str] = (), ignore: Iterable[str] = (),
                  today: dt.date | None = None) -> Settings:
    from ..lifecycle import Policy

    Policy.from_config(config)  # a wrong [policy] is a configuration error here, not in every worker
    chosen = select(list(select_) or config.get("select"), [*config.get("ignore"), *ignore],
                    source="--select/--ignore")
    severity: dict[str, str] = {}
    options: dict[str, dict[str, Any]] = {}
    for key, table in config.get("rules").items():
        r = find_rule(key)
        if r is None:
            raise ConfigError(f"[rules.{key}]: no rule is called `{key}`; `hindsight rules` lists them",
                              path=config.source, line=config.line_of(key))
        if not isinstance(table, dict):
            raise ConfigError(f"[rules.{key}] must be a table such as `severity = \"warning\"`",
                              path=config.source, line=config.line_of(key))
        opts = dict(table)
        sev = opts.pop("severity", None)
        if sev == "off":
            chosen = [c for c in chosen if c is not r]
        elif sev is not None:
            if sev not in SEVERITIES:
                raise ConfigError(f"[rules.{key}] severity must be error, warning or off, not `{sev}`",
                                  path=config.source, line=config.line_of(key))
            severity[r.code] = sev
        options[r.code] = opts
    return Settings(config, chosen, today, severity, options)


@cache
def _lexicon(roster: tuple[str, ...], words: tuple[str, ...], verbs: tuple[str, ...]) -> Lexicon:
    """One compiled lexicon per process and configuration (worker processes build their own once). Imported
    here, not with the module: a warm `hindsight check`, all of whose files are cached, never needs it."""
    from ..language import Lexicon

    return Lexicon(roster=roster, words=words, verbs=verbs)


def _suppressions(lines: list[str]) -> tuple[dict[int, set[str]], list[tuple[int, int, set[str]]]]:
    """Lines and ranges where rules are switched off by comments in the Markdown itself."""
    per_line: dict[int, set[str]] = {}
    ranges: list[tuple[int, int, set[str]]] = []
    open_: dict[str, int] = {}
    for no, text in enumerate(lines, start=1):
        if "hindsight-" not in text:
            continue
        for m in _DIRECTIVE.finditer(text):
            kind = m.group(1).lower()
            names = {n.strip().lower() for n in re.split(r"[,\s]+", m.group(2)) if n.strip()} or {"*"}
            if kind == "disable-next-line":
                per_line.setdefault(no + 1, set()).update(names)
            elif kind == "disable-line":
                per_line.setdefault(no, set()).update(names)
            elif kind == "disable-file":
                ranges.append((1, len(lines) + 1, names))
            elif kind == "disable":
                for n in names:
                    open_.setdefault(n, no)
            else:
                for n in names if names != {"*"} else set(open_):
                    if n in open_:
                        ranges.append((open_.pop(n), no, {n}))
    ranges += [(start, len(lines) + 1, {n}) for n, start in open_.items()]
    return per_line, ranges


def _off(f: Finding, names: set[str]) -> bool:
    return "*" in names or f.code.lower() in names or f.name in names


def check_text(text: str, path: str, settings: Settings) -> list[Finding]:
    """Every finding for one document, after suppressions and per-file ignores."""
    from ..parse import parse_with_scan

    pm, scanned = parse_with_scan(text, path=None if path in ("-", "<stdin>") else path)
    ctx = Context(path=path, text=text, pm=pm, config=settings.config, today=settings.today,
                  lexicon=settings.lexicon, rule_options=settings.rule_options, scanned=scanned)
    ignored = _per_file_ignores(path, settings.config)
    findings: list[Finding] = []
    for cls in settings.rules:
        if any(cls.code.startswith(s.upper()) or cls.name == s.lower() for s in ignored):
            continue
        for f in cls().check(ctx):
            f.severity = settings.severity.get(cls.code, f.severity)
            findings.append(f)
    if any("hindsight-" in line for line in ctx.lines):
        per_line, ranges = _suppressions(ctx.lines)
        findings = [f for f in findings
                    if not _off(f, per_line.get(f.line, set()))
                    and not any(a <= f.line <= b and _off(f, names) for a, b, names in ranges)]
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings


def _per_file_ignores(path: str, config: Config) -> list[str]:
    table = config.get("per_file_ignores")
    if not table:
        return []
    p = Path(path)
    try:
        rel = p.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        rel = p.as_posix()
    out: list[str] = []
    for pattern, selectors in table.items():
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(p.name, pattern):
            out.extend(selectors)
    return out


def check_path(path: Path, settings: Settings) -> list[Finding]:
    """Findings for one file; raises `ReadError` when it is not a readable text file."""
    from ..parse import read_text

    return check_text(read_text(path), str(path), settings)
