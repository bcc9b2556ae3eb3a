"""Findings as text, JSON, SARIF 2.1.0 or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ._types import Finding
from .registry import all_rules


def text(findings: list[Finding]) -> str:
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.code} {f.name} {f.message}\n" for f in findings)


def summary(findings: list[Finding], files: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    fixable = sum(f.fix is not None for f in findings)
    s = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} in {files} " \
        f"file{'s' * (files != 1)}"
    if fixable:
        s += f" ({fixable} fixable with --fix)"
    return s


def as_json(findings: list[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


def github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's files."""
    return "".join(
        f"::{'error' if f.severity == 'error' else 'warning'} file={_gh_escape(f.path, True)},line={f.line},"
        f"col={f.column},title={_gh_escape(f'{f.code} {f.name}', True)}::{_gh_escape(f.message)}\n"
        for f in findings)


def sarif(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hindsight",
                "informationUri": "https://github.com/hindsight-postmortems/hindsight",
                "rules": [{
                    "id": r.code, "name": r.name,
                    "shortDescription": {"text": r.summary()},
                    "fullDescription": {"text": r.doc()},
                    "defaultConfiguration": {"level": r.severity},
                    "properties": {"tags": list(r.tags)},
                } for r in rules],
            }},
            "results": [{
                "ruleId": f.code, "ruleIndex": index.get(f.code, 0),
                "level": "error" if f.severity == "error" else "warning",
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f.path.replace("\\", "/")},
                    "region": {"startLine": f.line, "startColumn": f.column},
                }}],
            } for f in findings],
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


FORMATS = {"text": text, "json": as_json, "sarif": sarif, "github": github}


def write(fmt: str, findings: list[Finding], out: TextIO) -> None:
    """Write the findings in a format to a stream as they are turned into text, so that tens of thousands of
    findings never exist twice more in memory as one string (the same bytes as `FORMATS[fmt]`)."""
    if fmt == "json":
        if not findings:
            out.write("[]\n")
            return
        out.write("[\n")
        for i, f in enumerate(findings):
            item = json.dumps(f.to_dict(), indent=2, ensure_ascii=False).replace("\n", "\n  ")
            out.write(f"  {item}{',' if i < len(findings) - 1 else ''}\n")
        out.write("]\n")
        return
    if fmt in ("text", "github"):
        for i in range(0, len(findings), 1000):
            out.write(FORMATS[fmt](findings[i:i + 1000]))
        return
    out.write(FORMATS[fmt](findings))
