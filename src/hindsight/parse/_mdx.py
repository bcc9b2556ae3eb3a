"""The metadata an MDX page exports in place of front matter.

Sites built with Next.js write a post's metadata as JavaScript at the top of the
file, not as YAML:

    import { BlogPostLayout } from '@/components/BlogPostLayout'

    export const post = {
      author: 'Arqu',
      date: '2024-11-19',
      title: 'Relay outage: A post-mortem',
    }

`preamble_end` finds where those statements end; `read` takes the literal
values of the exported object (strings, numbers, booleans, lists of strings).
A value that is an expression is not evaluated: its key is reported as
unreadable, so that a classification written as an expression fails closed.
"""

from __future__ import annotations

import re
from typing import Any

_STATEMENT = re.compile(r"^\s*(?:import|export)\b")
_OBJECT = re.compile(r"\bexport\s+(?:const|let|var)\s+(?P<name>[A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*\{")
_NAMES = ("post", "meta", "metadata", "frontmatter", "frontMatter", "page")
_KEY = re.compile(r"\s*(?:(?P<bare>[A-Za-z_$][\w$]*)|'(?P<sq>[^'\\]*)'|\"(?P<dq>[^\"\\]*)\")\s*:\s*")
_STRING = re.compile(r"'((?:[^'\\\n]|\\.)*)'|\"((?:[^\"\\\n]|\\.)*)\"|`((?:[^`\\$]|\\.)*)`")
_SCALAR = re.compile(r"(-?\d+(?:\.\d+)?|true|false|null)(?=\s*[,}\]\n])")


def preamble_end(raw: list[str]) -> int:
    """The number of lines at the top that are `import`/`export` statements (0 if the page has none)."""
    if not raw or not _STATEMENT.match(raw[0]):
        return 0
    depth = 0
    last = 0
    for i, line in enumerate(raw):
        if depth == 0 and line.strip() and not _STATEMENT.match(line):
            break
        depth = max(0, depth + _depth_change(line))
        if line.strip():
            last = i + 1
    return last


def _depth_change(line: str) -> int:
    text = _STRING.sub("", line)
    return sum(text.count(c) for c in "{[(") - sum(text.count(c) for c in "}])")


def read(text: str) -> tuple[dict[str, Any], list[str]]:
    """The literal values of the exported metadata object, and the keys whose values are not literals."""
    objects = list(_OBJECT.finditer(text))
    if not objects:
        return {}, []
    chosen = next((m for m in objects if m.group("name") in _NAMES), objects[0])
    return _object(text, chosen.end())


def _object(text: str, pos: int) -> tuple[dict[str, Any], list[str]]:
    out: dict[str, Any] = {}
    unreadable: list[str] = []
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "}":
            break
        m = _KEY.match(text, pos)
        if not m:
            break  # a spread, a method or a comment: stop rather than guess
        key = m.group("bare") or m.group("sq") or m.group("dq") or ""
        pos = m.end()
        value, end = _value(text, pos)
        if end is None:
            unreadable.append(key)
            end = _skip_value(text, pos)
        else:
            out[key] = value
        pos = end
    return out, unreadable


def _value(text: str, pos: int) -> tuple[Any, int | None]:
    m = _STRING.match(text, pos)
    if m:
        raw = next(g for g in m.groups() if g is not None)
        return re.sub(r"\\(.)", r"\1", raw), m.end()
    m = _SCALAR.match(text, pos)
    if m:
        word = m.group(1)
        value = {"true": True, "false": False, "null": None}.get(word, word)
        if isinstance(value, str):
            value = float(word) if "." in word else int(word)
        return value, m.end()
    if text.startswith("[", pos):
        items: list[Any] = []
        p = pos + 1
        while True:
            while p < len(text) and text[p] in " \t\r\n,":
                p += 1
            if p < len(text) and text[p] == "]":
                return items, p + 1
            v, e = _value(text, p)
            if e is None:
                return None, None
            items.append(v)
            p = e
    return None, None


def _skip_value(text: str, pos: int) -> int:
    depth = 0
    p = pos
    while p < len(text):
        c = text[p]
        if c in "'\"`":
            m = _STRING.match(text, p)
            p = m.end() if m else p + 1
            continue
        if c in "{[(":
            depth += 1
        elif c in "}])":
            if depth == 0:
                return p
            depth -= 1
        elif c == "," and depth == 0:
            return p + 1
        p += 1
    return p
