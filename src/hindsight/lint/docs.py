"""Reference documentation generated from the code: `docs/rules/` and `docs/configuration.md`.

    python -m hindsight.lint.docs      # rewrite both; a test fails when they are stale
"""

from __future__ import annotations

import json
from pathlib import Path

from ..config import OPTIONS
from .registry import REQUIRED_SECTIONS, all_rules


def rule_pages() -> dict[str, str]:
    """File name -> content of every page under docs/rules/."""
    pages: dict[str, str] = {}
    rows = []
    for r in all_rules():
        name = f"{r.code}-{r.name}.md"
        flags = f"Default severity: **{r.severity}**. Tags: {', '.join(r.tags)}." + (" Fixable with `--fix`."
                                                                                    if r.fixable else "")
        body = r.doc().split("\n", 1)
        pages[name] = f"# {r.code} `{r.name}`\n\n{body[0]}\n\n{flags}\n\n{body[1].strip() if len(body) > 1 else ''}\n"
        rows.append(f"| [{r.code}]({name}) | `{r.name}` | {r.severity} | {'yes' if r.fixable else ''} | "
                    f"{r.summary()} |")
    pages["README.md"] = (
        "# Rules\n\nGenerated from the rules' docstrings by `python -m hindsight.lint.docs`; do not edit by hand.\n"
        "Select rules by code, name or code prefix (`--select HS3,blame-language`); switch one off for a line "
        "with `<!-- hindsight-disable-next-line NAME -->`, or for a stretch with `<!-- hindsight-disable NAME -->` "
        "… `<!-- hindsight-enable NAME -->`.\n\n"
        "| Code | Name | Severity | Fix | Finds |\n|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    return pages


def configuration_page() -> str:
    lines = ["# Configuration", "",
             "Generated from `hindsight.config.OPTIONS` by `python -m hindsight.lint.docs`; do not edit by hand.", "",
             "Hindsight reads `hindsight.toml`, or the `[tool.hindsight]` table of `pyproject.toml`, from the "
             "nearest folder at or above the working folder. Unknown keys are errors that name the file and line.",
             "", "```toml", "# hindsight.toml", 'incidents_dir = "docs/incidents"', 'roster = ["Bob", "Alice"]',
             "", "[rules.action-item-no-ticket]", 'severity = "error"', "", "[per_file_ignores]",
             '"docs/incidents/2019-*" = ["HS1"]', "```", "", "| Option | Type | Default | Meaning |",
             "|---|---|---|---|"]
    for o in OPTIONS:
        kind = {str: "string", int: "integer", bool: "boolean", list: "list", dict: "table"}[o.type]
        if o.item is not None and o.type is list:
            kind = f"list of {'strings' if o.item is str else 'integers' if o.item is int else o.item.__name__}"
        lines.append(f"| `{o.name}` | {kind} | `{json.dumps(o.default)}` | {o.help} |")
    return "\n".join(lines) + "\n"


def check_sections() -> list[str]:
    """Rules whose docstring lacks a required section."""
    return [f"{r.code} {r.name}: missing `{s}`" for r in all_rules() for s in REQUIRED_SECTIONS if s not in r.doc()]


def write(root: Path) -> None:
    folder = root / "docs" / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        old.unlink()
    for name, text in rule_pages().items():
        (folder / name).write_text(text, encoding="utf-8")
    (root / "docs" / "configuration.md").write_text(configuration_page(), encoding="utf-8")


if __name__ == "__main__":
    write(Path(__file__).resolve().parents[3])
