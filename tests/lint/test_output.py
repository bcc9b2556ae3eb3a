"""`hindsight check` writes its findings as it formats them: the bytes must be those of the whole document."""

from __future__ import annotations

import io
import json

import pytest

from hindsight.lint import output
from hindsight.lint._types import Finding


def findings(n: int) -> list[Finding]:
    hostile = 'a "quoted" message\nover two lines, with | and é and \u2028 and %'
    return [Finding(f"docs/incidents/{i}.md", i + 1, 3, "HS401", "blame-language",
                    "error" if i % 3 == 0 else "warning", hostile if i % 2 else f"message {i}") for i in range(n)]


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
@pytest.mark.parametrize("n", [0, 1, 2, 2500])
def test_written_as_formatted(fmt, n):
    found = findings(n)
    out = io.StringIO()
    output.write(fmt, found, out)
    assert out.getvalue() == output.FORMATS[fmt](found)
    if fmt == "json":
        assert len(json.loads(out.getvalue())) == n
