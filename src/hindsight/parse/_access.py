"""Who may read a postmortem, as its front matter says: read so that doubt means restricted.

`classification: restricted` with `allowed_groups: [security]` in front matter
is the one certain way to restrict a postmortem, and `classification: public`
(or `internal`) the one certain way to say it is not; no classification at all
is public. Everything in between fails closed: a front matter block that
does not parse, `Classification:` in another case, a list or an unknown word
as the value, groups without a classification, a classification written
outside front matter (a blank line before `---`, or a `**Classification:**`
line). Such a document is read as restricted, and the parser reports an
error-level `classification-uncertain` diagnostic that says what to write.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Classification, Diagnostic
from .scan import Line

#: Classifications that let everyone who can open the portal read the postmortem.
OPEN_LEVELS = ("public", "internal")
#: Classifications that restrict it to its `allowed_groups`.
RESTRICTED_LEVELS = ("restricted", "confidential", "secret", "private", "sensitive")
_KEY = "classification"
_GROUPS = "allowed_groups"
_BODY_LINE = re.compile(r"^[\s>*_+\-|]*classification[\s*_]*[:=|]\s*(?P<value>.*?)[\s*_|]*$", re.I)
_BODY_GROUPS = re.compile(r"^[\s>*_+\-|]*allowed[_ -]groups[\s*_]*[:=|]\s*(?P<value>.*?)[\s*_|]*$", re.I)


def _groups(value: Any) -> tuple[list[str], bool]:
    """The groups of an `allowed_groups` value, and whether it was written the one certain way."""
    if value is None:
        return [], True
    if isinstance(value, str):
        return [g.strip() for g in re.split(r"[,\s]+", value.strip("[] ")) if g.strip()], False
    if isinstance(value, list) and all(isinstance(g, str | int) for g in value):
        return [str(g).strip() for g in value if str(g).strip()], True
    return [], False


def _level(value: Any) -> str | None:
    return value.strip().strip("'\"`").strip().lower() if isinstance(value, str) else None


def read(front_matter: dict[str, Any], front_ok: bool, front_line: int | None,
         lines: list[Line]) -> tuple[Classification, list[Diagnostic]]:
    """The classification of a document, and the diagnostics that say why it is uncertain."""
    doubts: list[str] = []
    level: str | None = None
    written: Any = None
    line = front_line
    groups: list[str] = []
    if not front_ok:
        doubts.append("its front matter cannot be read")
    keys = {k: v for k, v in front_matter.items() if isinstance(k, str)}
    found = [k for k in keys if k.strip().lower() == _KEY]
    if found:
        written = keys[found[0]]
        line = next((ln.no for ln in lines if ln.kind == "front" and re.match(r"\s*['\"]?classification\b", ln.text,
                                                                                re.I)), line)
        level = _level(written)
        if found != [_KEY]:
            doubts.append(f"`{found[0]}` is not written `{_KEY}`" if len(found) == 1 else
                          f"it has {len(found)} classification keys")
        if level is None:
            doubts.append(f"`{_KEY}` is a {type(written).__name__}, not a word")
        elif level not in OPEN_LEVELS + RESTRICTED_LEVELS:
            doubts.append(f"`{written}` is not a classification Hindsight knows ({', '.join(OPEN_LEVELS)} or "
                          f"{', '.join(RESTRICTED_LEVELS)})")
    group_keys = [k for k in keys if k.strip().lower().replace("-", "_") == _GROUPS]
    if group_keys:
        groups, exact = _groups(keys[group_keys[0]])
        if not exact or group_keys != [_GROUPS]:
            doubts.append(f"`{group_keys[0]}` is not a list of group names under `{_GROUPS}`")
    # A classification written where front matter is not read (a blank line before `---`, a block that
    # never closes, a metadata line in the body) still counts, as a doubt.
    for ln in lines:
        if ln.kind in ("code", "fence", "front", "comment"):
            continue
        m = _BODY_LINE.match(ln.text)
        if m:
            value = m.group("value").strip("*_ ")
            doubts.append(f"line {ln.no} states a classification (`{value or '?'}`) outside the front matter")
            line = line or ln.no
            if not found:
                level, written = _level(value) or "", value
        g = _BODY_GROUPS.match(ln.text)
        if g and not group_keys:
            groups = _groups(g.group("value"))[0]
            doubts.append(f"line {ln.no} names allowed groups outside the front matter")
    if groups and level not in RESTRICTED_LEVELS and not doubts:
        doubts.append(f"it names `{_GROUPS}` but its classification is not restricted")
    restricted = bool(doubts) or level in RESTRICTED_LEVELS or (level is not None and level not in OPEN_LEVELS)
    if level is None and not found and not doubts:
        restricted = False
    out = Classification(level=str(written).strip() if written is not None else None, restricted=restricted,
                         allowed_groups=groups, certain=not doubts, line=line)
    diagnostics = []
    if doubts:
        diagnostics.append(Diagnostic(
            severity="error", code="classification-uncertain", line=line or 1,
            message=f"the classification cannot be read with certainty ({'; '.join(doubts)}), so the "
                    f"postmortem is treated as restricted; write `{_KEY}: restricted` with `{_GROUPS}: [group]`, "
                    f"or `{_KEY}: public`, in the front matter at the top of the file"))
    return out, diagnostics
