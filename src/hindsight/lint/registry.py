"""Rules: one small class each, registered by code and kebab-case name.

A rule's docstring is its documentation, in ruff's sections: `## What it
does`, `## Why is this bad?`, `## Example`, optional `## Options`,
`## References`. `hindsight rule NAME` prints it; `docs/rules/` is generated
from it.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import ClassVar

from ..errors import ConfigError
from ._types import Context, Finding, Fix

REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## References")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str] = "error"
    tags: ClassVar[tuple[str, ...]] = ()
    fixable: ClassVar[bool] = False
    #: Results depend on the date (`--today`) or on git history, not only on the file.
    volatile: ClassVar[bool] = False

    def check(self, ctx: Context) -> Iterator[Finding]:  # pragma: no cover - every rule overrides it
        raise NotImplementedError

    def finding(self, ctx: Context, line: int | None, message: str, *, column: int = 1,
                fix: Fix | None = None) -> Finding:
        return Finding(ctx.path, line or 1, column, self.code, self.name, self.severity, message, fix)

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n", 1)[0]


RULES: list[type[Rule]] = []


def rule(cls: type[Rule]) -> type[Rule]:
    """Class decorator that registers a rule."""
    assert not any(r.code == cls.code or r.name == cls.name for r in RULES), cls.code
    RULES.append(cls)
    return cls


def all_rules() -> list[type[Rule]]:
    from . import rules  # noqa: F401  (registers the rules)

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
