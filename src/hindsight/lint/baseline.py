"""A baseline: the findings a team accepts for now, so that the check fails only on new ones.

This is how teams turn a linter on over old work (ruff's `--add-noqa`, PHPStan's
and detekt's baselines): `hindsight baseline` writes the findings of today,
`hindsight check --baseline FILE` reports only the findings that are not in it,
and the entries that no longer match anything are reported as stale, so the
baseline only ever shrinks (`hindsight baseline --update` drops them and never
adds new ones).

A finding's fingerprint is its rule, its file and what it concerns — the text of
its line, whitespace and markup aside, and its message with the numbers taken
out ("due 2025-12-20 (347 days ago)" ages every day) — never its line number
(findings of the whole document, at line 1, by their message alone):
an edit elsewhere in the file, or a section moved, keeps every fingerprint. The
same finding twice in a file is two entries of one fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .._io import write_file
from ..errors import ConfigError

if TYPE_CHECKING:
    from ._types import Finding

VERSION = 1
_MARKUP = re.compile(r"[*_`>|#\[\]()~]+|<!--.*?-->")
_NUMBER = re.compile(r"\d+")


def fingerprint(finding: Finding, line_text: str) -> str:
    """What identifies a finding across edits: rule, file, the line's words, the message's words.

    A finding of the whole document (rules report those at line 1: a missing section, the file name)
    is identified by its message alone, so that text added at the top does not change it."""
    concern = "" if finding.line <= 1 else " ".join(_MARKUP.sub(" ", line_text).lower().split())
    message = " ".join(_NUMBER.sub("#", finding.message).split())
    raw = "\x1f".join((finding.code, finding.path, concern, message))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class Baseline:
    """Fingerprints with how many findings each may absorb, and a note for a person reading the file."""

    path: Path
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (path, fingerprint) -> count
    notes: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no baseline here; write one with `hindsight baseline`") from None
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: cannot read the baseline ({e})") from None
        except json.JSONDecodeError as e:
            raise ConfigError(f"{path}:{e.lineno}: the baseline is not valid JSON ({e.msg}); write it again with "
                              "`hindsight baseline`") from None
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
            raise ConfigError(f"{path}: not a Hindsight baseline (version {VERSION}); write it again with "
                              "`hindsight baseline`")
        out = cls(path)
        for i, e in enumerate(data["findings"], start=1):
            if not (isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("fingerprint"), str)
                    and isinstance(e.get("count", 1), int) and e.get("count", 1) > 0):
                raise ConfigError(f"{path}: entry {i} of `findings` needs a `path`, a `fingerprint` and a positive "
                                  "`count`")
            key = (e["path"], e["fingerprint"])
            out.counts[key] += e.get("count", 1)
            out.notes[key] = {k: str(e[k]) for k in ("code", "name", "message") if k in e}
        return out

    @classmethod
    def of(cls, path: Path, findings: list[tuple[Finding, str]]) -> Baseline:
        """The baseline that accepts exactly these findings (each with its fingerprint)."""
        out = cls(path)
        for f, fp in findings:
            key = (f.path, fp)
            out.counts[key] += 1
            out.notes.setdefault(key, {"code": f.code, "name": f.name, "message": f.message})
        return out

    def split(self, findings: list[tuple[Finding, str]]) -> tuple[list[Finding], list[Finding], int]:
        """(new findings, baselined findings, stale entries): each entry absorbs up to its count."""
        left = Counter(self.counts)
        new: list[Finding] = []
        known: list[Finding] = []
        for f, fp in findings:
            key = (f.path, fp)
            if left[key] > 0:
                left[key] -= 1
                known.append(f)
            else:
                new.append(f)
        return new, known, sum(left.values())

    def shrunk(self, findings: list[tuple[Finding, str]]) -> Baseline:
        """This baseline without what no finding matches any more; it never grows."""
        seen = Counter((f.path, fp) for f, fp in findings)
        out = Baseline(self.path)
        for key, n in self.counts.items():
            keep = min(n, seen[key])
            if keep:
                out.counts[key] = keep
                out.notes[key] = self.notes.get(key, {})
        return out

    def write(self) -> None:
        entries = [{"path": p, "fingerprint": fp, "count": n, **self.notes.get((p, fp), {})}
                   for (p, fp), n in sorted(self.counts.items())]
        text = json.dumps({"version": VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"
        write_file(self.path, text.encode("utf-8"))

    def __len__(self) -> int:
        return sum(self.counts.values())
