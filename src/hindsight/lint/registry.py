"""The registry: every rule (one small class each, see `rule.py`) by code and kebab-case name, and the
selection of rules by code, name or code prefix."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ConfigError
from .rule import RULES, Rule

REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## References")


def all_rules() -> list[type[Rule]]:
    from . import rules  # noqa: F401  (importing the rules registers them)

    return sorted(RULES, key=lambda r: r.code)


def find_rule(key: str) -> type[Rule] | None:
    k = key.strip()
    return next((r for r in all_rules() if r.code.upper() == k.upper() or r.name == k.lower()), None)


def _matches(r: type[Rule], selector: str) -> bool:
    s = selector.strip()
    return r.name == s.lower() or r.code.upper().startswith(s.upper()) or s.upper() == "ALL"


def select(selectors: Iterable[str] = (), ignores: Iterable[str] = (), *, source: str = "--select") -> list[type[Rule]]:
    """The rules chosen by code, name or code prefix (`HS4`), as ruff does; unknown selectors are errors."""
    rules = all_rules()
    selectors, ignores = [s for s in selectors if s.strip()], [s for s in ignores if s.strip()]
    for s in [*selectors, *ignores]:
        if not any(_matches(r, s) for r in rules):
            raise ConfigError(f"{source}: no rule is called `{s}`; `hindsight rules` lists them")
    chosen = [r for r in rules if not selectors or any(_matches(r, s) for s in selectors)]
    return [r for r in chosen if not any(_matches(r, s) for s in ignores)]
