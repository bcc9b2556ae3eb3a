"""A rule: the base class every rule derives from, and the decorator that registers it.

A rule's docstring is its documentation, in ruff's sections: `## What it
does`, `## Why is this bad?`, `## Example`, optional `## Options`,
`## References`. `hindsight rule NAME` prints it; `docs/rules/` is generated
from it. The registry (`registry.py`) finds and selects the registered rules.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import ClassVar

from ._types import Context, Finding, Fix


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
