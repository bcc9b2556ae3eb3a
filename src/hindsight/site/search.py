"""The static site's search: the portal's SQLite FTS5 search, run in the browser.

The portal searches with FTS5 (`tokenize='porter unicode61'`): every word of
the query must be in the document, after folding case and diacritics and
Porter stemming. For the site's search to find the same documents, each of
those three steps is FTS5's own, not an imitation of it:

- the index holds FTS5's terms of each document and where each stands (an
  in-memory FTS5 table of the same title and text, read back through
  `fts5vocab`), as a prebuilt lunr index (lunr.py builds it, the vendored
  lunr.js queries it); a word FTS5 reads as a phrase (`on-call`) matches
  where its terms stand one after the other, as in FTS5;
- the browser splits and folds a query with FTS5's own table of characters
  (`tokenizer()`: which characters separate words, which are dropped, which
  fold to what), read from this SQLite at build time;
- it stems a word with the vendored `stemmer` (words/stemmer 2.0.1, MIT), the
  original Porter algorithm, which FTS5's porter tokenizer implements; FTS5
  stems only words of 3 to 64 bytes, and where the two could differ (words
  with letters outside ASCII, or a doubled `y` before `-ed`/`-ing`), the
  documents' words travel with FTS5's stems as a table (`forms`).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from typing import Any

#: The tokenizer of the portal's index (`hindsight.store.sqlite`).
TOKENIZER = "porter unicode61"
#: Code points read from FTS5 to make the browser's table; above them, FTS5's unicode61 keeps every
#: character as it is except the tags and variation selectors of plane 14 (which it reads as spaces).
TABLE_RANGES = ((0x80, 0x20000), (0xE0000, 0xE1000))
#: The words whose FTS5 stem the browser's stemmer may not make: letters outside ASCII, `yy` + ed/ing.
_UNSURE = re.compile(r"[^\x00-\x7f]|yy(?:ed|ing)")


def _terms(db: sqlite3.Connection, table: str) -> dict[int, list[tuple[str, str, int]]]:
    """Each document's terms, in order, as the table's tokenizer made them: (term, column, offset)."""
    out: dict[int, list[tuple[str, str, int]]] = {}
    rows = db.execute(f"SELECT term, doc, col, offset FROM {table}_vocab ORDER BY doc, col, offset")  # noqa: S608
    for term, doc, col, offset in rows:
        out.setdefault(doc, []).append((term, col, offset))
    return out


class _AsFts5MadeThem:
    """A step of lunr's pipeline that puts back each term as FTS5 made it: lunr lowercases what it
    tokenizes, and an FTS5 term is folded already (by FTS5's rules, which are not Python's `lower()`)."""

    label = "hindsight-fts5-terms"

    def __init__(self) -> None:
        self.terms: list[str] = []

    def __call__(self, token, i, tokens):
        return token.update(lambda _string, _metadata: self.terms[i])


#: What lunr splits a field at; FTS5 never makes a term with one in it, and one that did would not be indexed.
_LUNR_SEPARATOR = re.compile(r"[\s\-]")
#: Between a document's title and its text: not a word FTS5 makes, so a phrase never spans the two.
_GAP = "."


def _sequence(terms: list[tuple[str, str, int]]) -> list[str]:
    """A document's terms in order, title then text, with a gap between (for the phrases of a query)."""
    title = [t for t, col, _ in terms if col == "title"]
    body = [t for t, col, _ in terms if col != "title"]
    return [_GAP if _LUNR_SEPARATOR.search(t) else t for t in [*title, _GAP, *body]]


def build(docs: list[tuple[str, str, str]]) -> dict[str, Any]:
    """The search data of the site: `docs` are (id, title, text) as the portal indexes them. Returns the
    serialized lunr index (`index`, its refs the documents' places in `docs`) and FTS5's stems of the
    documents' words the browser's stemmer may not make (`forms`)."""
    from lunr.builder import Builder

    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE stems USING fts5(title, body, tokenize='{TOKENIZER}')")
    db.execute("CREATE VIRTUAL TABLE stems_vocab USING fts5vocab(stems, 'instance')")
    db.execute("CREATE VIRTUAL TABLE words USING fts5(title, body, tokenize='unicode61')")
    db.execute("CREATE VIRTUAL TABLE words_vocab USING fts5vocab(words, 'instance')")
    for n, (_id, title, text) in enumerate(docs, 1):
        db.execute("INSERT INTO stems (rowid, title, body) VALUES (?, ?, ?)", (n, title, text))
        db.execute("INSERT INTO words (rowid, title, body) VALUES (?, ?, ?)", (n, title, text))
    stems, words = _terms(db, "stems"), _terms(db, "words")
    db.close()

    builder = Builder()
    builder.pipeline.reset()  # the terms are FTS5's already: no stop words, no second stemming
    exact = _AsFts5MadeThem()
    builder.pipeline.add(exact)
    builder.search_pipeline.reset()
    # Where each term stands (its place among the document's terms): a word FTS5 reads as a phrase
    # (`on-call`, `2021-12-17`) matches only where its terms stand one after the other.
    builder.metadata_whitelist = ["index"]
    builder.ref("n")  # the document's place in the site's list: short, where an id would be repeated
    builder.field("text")  # one field: a word in the title or the text matches, as in FTS5
    for n in range(1, len(docs) + 1):
        exact.terms = _sequence(stems.get(n, []))
        builder.add({"n": str(n - 1), "text": " ".join(exact.terms)})
    index = builder.build().serialize()

    forms: dict[str, str] = {}
    for n, seen in words.items():
        for (word, _, _), (stem, _, _) in zip(seen, stems.get(n, [])):
            if _UNSURE.search(word):
                forms[word] = stem
    return {"index": index, "forms": dict(sorted(forms.items()))}


@functools.lru_cache(maxsize=1)
def tokenizer() -> dict[str, Any]:
    """FTS5's unicode61 tokenizer as a table, read from this SQLite: the characters (outside ASCII, where
    only letters and digits make words and A-Z fold to a-z) that separate words (`separators`, as
    [first, last] ranges), that are dropped from a word (`dropped`, the combining diacritics) and that
    fold to other letters (`folds`: code point → letters); any other character is part of a word as it is.
    """
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE chars USING fts5(x, tokenize='unicode61')")
    db.execute("CREATE VIRTUAL TABLE chars_vocab USING fts5vocab(chars, 'instance')")
    points = [c for lo, hi in TABLE_RANGES for c in range(lo, hi) if not 0xD800 <= c < 0xE000]
    # Each character between two letters: a separator leaves `a` and `b`, a dropped one `ab`.
    db.executemany("INSERT INTO chars (rowid, x) VALUES (?, ?)", ((c, f"a{chr(c)}b") for c in points))
    seen: dict[int, list[str]] = {}
    for doc, term in db.execute("SELECT doc, term FROM chars_vocab ORDER BY doc, offset"):
        seen.setdefault(doc, []).append(term)
    db.close()
    separators: list[list[int]] = []
    dropped: list[int] = []
    folds: dict[str, str] = {}
    for c in points:
        terms = seen.get(c, [])
        if terms == ["a", "b"]:
            if separators and separators[-1][1] == c - 1:
                separators[-1][1] = c
            else:
                separators.append([c, c])
        elif terms == ["ab"]:
            dropped.append(c)
        elif len(terms) == 1 and terms[0][0] == "a" and terms[0][-1] == "b" and terms[0][1:-1] != chr(c):
            folds[str(c)] = terms[0][1:-1]
    return {"sqlite": sqlite3.sqlite_version, "separators": separators, "dropped": dropped, "folds": folds}


def script(name: str, data: dict[str, Any]) -> str:
    """Data as a script that sets `window[name]`: a page opened from `file://` may not fetch a JSON file."""
    return f"window.{name} = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"


def stemmer_script(source: str) -> str:
    """The vendored stemmer (an ES module) as a classic script that sets `window.porterStemmer`: a page
    opened from `file://` may not load a module."""
    head = "export function stemmer("
    if source.count(head) != 1 or "\nexport " in source.replace(head, ""):
        raise ValueError("the vendored stemmer no longer exports one function `stemmer`")
    return "(function () {\n" + source.replace(head, "function stemmer(") + \
        "\nwindow.porterStemmer = stemmer;\n}());\n"
