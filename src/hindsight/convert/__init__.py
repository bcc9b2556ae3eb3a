"""`hindsight convert`: an old postmortem, of any shape the reader reads, in the standard's template.

The reader turns the source into the one model; `render` writes the model in
the template's layout; what the model has no value for is a `[TODO: …]` for a
person to fill in. Nothing is dropped: every non-blank line of the source
whose words are not all found in the part of the template it was read into is
kept, verbatim, under "From the original document" at the end.

Sources are Markdown, HTML (a Confluence page export or storage format, a
Google Docs "Web page" export, zipped or not) and Word `.docx`; the HTML and
Word readers are `hindsight.convert.sources`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import git
from .._io import create_new, replace_text, write_file
from ..errors import ConflictError, WriteError
from ..model import ActionItem, ContributingFactor, ImpactMetric, Note, Postmortem, TimelineEvent, Why
from ..parse import parse, parse_with_scan
from ..parse.when import find_date
from ..render.markdown import render
from ..scaffold import PLACEHOLDERS, slugify
from ..text import split_lines
from .sources import SUFFIXES, source_markdown

__all__ = ["SUFFIXES", "Conversion", "convert_file", "convert_text", "convert_in_place", "sources_in",
           "source_markdown", "write"]

#: The reader's section kinds, as the template section they are written to.
_KIND_SECTION = {"summary": "summary", "impact": "impact", "timeline": "timeline", "root_cause": "root_cause",
                 "what_happened": "root_cause", "contributing_factors": "root_cause", "five_whys": "root_cause",
                 "went_well": "went_well", "could_improve": "could_improve", "action_items": "action_items",
                 "lessons": "lessons", "appendix": "appendix"}
_META_SPANS = ("title", "date", "duration", "severity", "author", "created_by", "status")
KEPT_HEADING = "From the original document"

_WORD = re.compile(r"[^\W_]+")

# What a person must still write, as the template asks for it.
TODO = {
    **PLACEHOLDERS,
    "status": "[TODO: Draft, In Review, Published or Complete]",
    "summary": "[TODO: one paragraph executive summary: what users experienced, for how long, what caused it, "
               "and the impact.]",
    "impact": "[TODO: users affected, requests failed, revenue impact, SLA status]",
    "timeline": "[TODO: what happened when; the original gave no times]",
    "what_happened": "[TODO: what the systems did, in facts, not opinions.]",
    "contributing_factors": "[TODO: factor]",
    "five_whys": "[TODO: did users see the failure]?",
    "went_well": "[TODO: what helped]",
    "could_improve": "[TODO: what slowed the response or let the incident happen]",
    "action_items": "[TODO: specific, measurable task]",
    "lessons": "[TODO: lesson]",
}


@dataclass
class Conversion:
    """One source rewritten in the template: the text to write and an account of where everything went."""

    source: str
    name: str = ""  # the file name in the template's form, `YYYY-MM-DD-slug.md`
    text: str = ""
    markdown: str = ""  # the source as Markdown (itself, or what its HTML or Word became)
    placed: Counter = field(default_factory=Counter)  # template section -> source lines read into it
    kept: list[tuple[int, int]] = field(default_factory=list)  # runs of source lines kept verbatim
    todos: list[str] = field(default_factory=list)  # the template's parts a person must still fill in
    problem: str | None = None  # why it could not be converted

    @property
    def kept_lines(self) -> int:
        """How many non-blank source lines were kept verbatim."""
        lines = split_lines(self.markdown)
        return sum(1 for a, b in self.kept for line in lines[a - 1:b] if line.strip())


def words(text: str) -> set[str]:
    """The words and numbers of a piece of text, case-folded: what "the text is found" compares."""
    return set(_WORD.findall(text.casefold()))


def _section_words(body: str) -> dict[str, set[str]]:
    """The words of each template section of a rendered postmortem, split where the reader finds its headings."""
    starts = {h.line: _KIND_SECTION[h.kind] for h in parse(body).headings if h.kind in _KIND_SECTION}
    out: dict[str, set[str]] = {}
    current = "metadata"
    for no, line in enumerate(split_lines(body), 1):
        current = starts.get(no, current)
        out.setdefault(current, set()).update(words(line))
    return out


def _elements(pm: Postmortem) -> list[tuple[str, int, int, str]]:
    """(template section, first line, last line, text the reader normalised away) for every placed part."""
    out: list[tuple[str, int, int, str]] = []
    for key in _META_SPANS:
        if (s := pm.spans.get(key)) is not None:
            out.append(("metadata", s.line, s.end_line, ""))
    for key in ("summary", "root_cause"):
        if (s := pm.spans.get(key)) is not None:
            out.append((key, s.line, s.end_line, ""))
    for m in pm.impact:
        out.append(("impact", m.line, m.end_line, ""))
    for e in pm.timeline:
        out.append(("timeline", e.line, e.end_line, e.time_text if e.at is not None else ""))
    for f in pm.root_cause.contributing_factors:
        out.append(("root_cause", f.line, f.end_line, ""))
    for w in pm.root_cause.five_whys:
        out.append(("root_cause", w.line, w.end_line, ""))
    for key in ("went_well", "could_improve", "lessons"):
        for n in getattr(pm, key):
            out.append((key, n.line, n.end_line, ""))
    for a in pm.action_items:
        # The status and due date are written in the standard's form; what the source said for them is read.
        normalised = " ".join(t for t in (a.status_text if a.status else "", a.due_text if a.due else "") if t)
        out.append(("action_items", a.line, a.end_line, normalised))
    for link in pm.appendix:
        out.append(("appendix", link.line, link.line, ""))
    for h in pm.headings:
        if h.kind in _KIND_SECTION:
            out.append((_KIND_SECTION[h.kind], h.line, h.line, ""))
    return out


def _with_todos(pm: Postmortem) -> tuple[Postmortem, list[str]]:
    """The model with `[TODO: …]` where the template asks for what the source never said."""
    todos: list[str] = []
    up: dict = {}
    rc = pm.root_cause

    def need(name: str, value):
        todos.append(name)
        return value

    if not pm.severity:
        up["severity"] = need("severity", TODO["severity"])
    if not pm.author:
        up["author"] = need("author", TODO["author"])
    if not pm.status:
        up["status"] = need("status", TODO["status"])
    if pm.duration_minutes is None and not pm.duration_text:
        up["duration_text"] = need("duration", TODO["duration"])
    if not pm.summary.strip():
        up["summary"] = need("summary", TODO["summary"])
    if not pm.impact:
        up["impact"] = [ImpactMetric(metric="[TODO: metric]", value=need("impact", TODO["impact"]), line=0,
                                     end_line=0)]
    if not pm.timeline:
        up["timeline"] = [TimelineEvent(time_text=PLACEHOLDERS["time"], event=need("timeline", TODO["timeline"]),
                                        line=0, end_line=0)]
    new_rc: dict = {}
    if not rc.what_happened.strip():
        new_rc["what_happened"] = rc.statement or need("what happened", TODO["what_happened"])
        new_rc["statement"] = ""
    if not rc.contributing_factors:
        new_rc["contributing_factors"] = [ContributingFactor(
            title=need("contributing factors", TODO["contributing_factors"]), description="[TODO: how it "
            "contributed]", line=0, end_line=0)]
    if not rc.five_whys:
        new_rc["five_whys"] = [Why(question="Why " + need("five whys", TODO["five_whys"]),
                                   answer="[TODO: answer]", line=0, end_line=0)]
    if new_rc:
        up["root_cause"] = rc.model_copy(update=new_rc)
    for key, label in (("went_well", "what went well"), ("could_improve", "what could be improved"),
                       ("lessons", "lessons learned")):
        if not getattr(pm, key):
            up[key] = [Note(text=need(label, TODO[key]), line=0, end_line=0)]
    if not pm.action_items:
        up["action_items"] = [ActionItem(id="todo", action=need("action items", TODO["action_items"]),
                                         owner="[TODO: @owner]", due_text="[TODO: YYYY-MM-DD]", status="TODO",
                                         line=0, end_line=0)]
    else:
        up["action_items"] = [a.model_copy(update={
            "owner": a.owner or "[TODO: @owner]",
            "due_text": a.due_text if a.due or a.due_text else "[TODO: YYYY-MM-DD]",
            "status_text": a.status_text if a.status else _STATUS_TODO}) for a in pm.action_items]
        if any(not a.status for a in pm.action_items):
            todos.append("action item statuses")
        if any(not a.owner for a in pm.action_items):
            todos.append("action item owners")
        if any(not a.due and not a.due_text for a in pm.action_items):
            todos.append("action item due dates")
    return pm.model_copy(update=up), todos


_STATUS_TODO = "[TODO: TODO, IN PROGRESS, DONE or WONTFIX]"


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000) if data else ""


def _added_front_matter(pm: Postmortem, source: str, historical: bool) -> dict:
    """The front-matter keys conversion writes over or after the source's own."""
    added: dict = {}
    c = pm.classification
    if c.restricted and not c.certain:
        # What could not be read with certainty stays restricted, now written the one certain way.
        added["classification"] = "restricted"
        if c.allowed_groups:
            added["allowed_groups"] = list(c.allowed_groups)
    if "converted_from" not in pm.front_matter:
        added["converted_from"] = source
    if historical:
        added["historical"] = True
    return added


def _front_matter_text(front: tuple[str, str, int, int] | None, pm: Postmortem, added: dict) -> tuple[str, bool]:
    """The converted file's front matter, and whether the source's was copied as written."""
    if front and front[0] == "yaml" and not added.keys() & pm.front_matter.keys():
        own = front[1].strip("\n")
        return "---\n" + (own + "\n" if own else "") + _yaml(added) + "---\n\n", True
    data = {**pm.front_matter, **added}
    return ("---\n" + _yaml(data) + "---\n\n" if data else ""), False


def _fence(lines: list[str]) -> str:
    longest = max((len(m.group(0)) for ln in lines for m in re.finditer(r"`{3,}|~{3,}", ln)), default=0)
    return "`" * max(3, longest + 1)


def _kept_section(runs: list[tuple[int, int]], lines: dict[int, str]) -> list[str]:
    out = ["", f"### {KEPT_HEADING}", "",
           "Lines of the original the template has no place for, or whose words it does not all carry. "
           "Move what matters into the sections above, then delete this section.", ""]
    for a, b in runs:
        body = [lines[n] for n in range(a, b + 1)]
        fence = _fence(body)
        out += [f"Lines {a}–{b}:" if b > a else f"Line {a}:", "", f"{fence}markdown", *body, fence, ""]
    return out


def _runs(numbers: list[int], blank: set[int]) -> list[tuple[int, int]]:
    """Consecutive line numbers as runs, joined across blank lines."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and all(k in blank for k in range(runs[-1][1] + 1, n)):
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [(a, b) for a, b in runs]


def _date_from_name(source: str) -> dt.date | None:
    found = find_date(Path(source).name.replace("_", "-"))
    return found[0] if found else None


def convert_text(markdown: str, source: str, *, historical: bool = False) -> Conversion:
    """Convert the Markdown text of a postmortem read from `source` (a path, for the report and IDs)."""
    conv = Conversion(source=source, markdown=markdown)
    pm, sc = parse_with_scan(markdown, path=source)
    if sc is None:
        conv.problem = "the document is too deeply nested to read"
        return conv
    title = pm.title or Path(source).stem.replace("-", " ").replace("_", " ").strip()
    date = pm.date or _date_from_name(source)
    if date is None:
        conv.problem = ("the reader cannot tell the incident's date; add a line such as `**Date:** 2024-05-01` "
                        "to it, then convert it again")
        return conv
    filled, conv.todos = _with_todos(pm.model_copy(update={"title": title, "date": date}))
    front_text, verbatim = _front_matter_text(sc.front_matter, pm, _added_front_matter(pm, Path(source).name,
                                                                                      historical))
    body = render(filled)
    sections = _section_words(body)
    # Where each source line was read, and whether the words of it are there.
    where: dict[int, list[tuple[str, str]]] = {}
    for section, first, last, normalised in _elements(pm):
        for n in range(first, last + 1):
            where.setdefault(n, []).append((section, normalised))
    # Front matter copied as written is placed; any other (TOML, a JS export, rewritten) is kept too.
    skip = set(range(sc.front_matter[2], sc.front_matter[3] + 1)) if verbatim else set()
    text_of = {ln.no: ln.text for ln in sc.lines}
    blank = {ln.no for ln in sc.lines if not ln.text.strip()}
    kept: list[int] = []
    for ln in sc.lines:
        if ln.no in skip or ln.no in blank:
            continue
        need = words(ln.text)
        placed = None
        for section, normalised in where.get(ln.no, ()):
            if (need - sections.get(section, set())) <= words(normalised):
                placed = section
                break
        if placed is not None:
            conv.placed[placed] += 1
        elif need:  # a line with no words (a rule, a table's delimiter row) holds nothing to keep
            kept.append(ln.no)
    conv.kept = _runs(kept, blank)
    out = front_text + body
    if conv.kept:
        out = out.rstrip("\n") + "\n" + "\n".join(_kept_section(conv.kept, text_of)).rstrip("\n") + "\n"
    conv.text = out
    slug = slugify(title) or "incident"
    conv.name = f"{date.isoformat()}-{slug}.md"
    return conv


def convert_file(path: Path, *, historical: bool = False) -> Conversion:
    """Read a source file of any supported kind and convert it; `ReadError` when it cannot be read."""
    return convert_text(source_markdown(path), str(path), historical=historical)


def sources_in(path: Path) -> list[Path]:
    """The files to convert: `path` itself, or every file of a kind `source_markdown` reads under it."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                      and not p.name.startswith("."))
    return [path]


def write(conv: Conversion, folder: Path) -> Path:
    """Write a conversion into `folder` under its template name; never overwrites (`ConflictError`)."""
    target = folder / conv.name
    create_new(target, conv.text)
    return target


def convert_in_place(path: Path, folder: Path | None = None, *, historical: bool = False) -> tuple[Conversion, Path]:
    """Convert a file tracked by git and replace it with the converted one, in one commit of its own.

    The converted file is written next to the original (or into `folder`, in the same work tree) and
    the original is removed; both changes, and nothing else, go into the commit. The whole work tree
    must be clean, so that the commit holds only the conversion; a file that changes while it is
    converted is left as it is. On any failure the original is back as it was and nothing is committed.
    """
    top = git.work_tree(path)
    if top is None:
        raise WriteError("--in-place replaces the file in a git work tree and this is not one; convert it "
                         "with --out instead", path=str(path))
    if not git.clean(path):
        raise ConflictError("the git work tree has uncommitted or untracked changes; commit or stash them "
                            "first, so that each conversion is a commit of its own", path=str(top))
    original = path.read_bytes()
    conv = convert_file(path, historical=historical)
    target = (folder or path.parent) / conv.name
    if conv.problem:
        return conv, target
    existing = next(p for p in (target.parent, *target.parent.parents) if p.exists())
    if git.work_tree(existing / target.name) != top:
        raise WriteError(f"--in-place writes within the original's work tree ({top}); choose an --out there",
                         path=str(target))
    same = target.resolve() == path.resolve()
    if same:
        replace_text(path, conv.text, expected=original, shown=str(path))
    else:
        create_new(target, conv.text)
        if path.read_bytes() != original:
            target.unlink()
            raise ConflictError("the file changed on disk while it was converted; nothing was written. Run "
                                "the command again", path=str(path))
        path.unlink()
    try:
        git.commit_paths([target] if same else [path, target], None,
                         f"Convert {path.name} to the postmortem template\n\n"
                         f"hindsight convert --in-place: {conv.kept_lines} line(s) kept verbatim under "
                         f"\"{KEPT_HEADING}\"" + (f"; still to fill in: {', '.join(conv.todos)}" if conv.todos else ""))
    except WriteError:
        if not same:
            target.unlink(missing_ok=True)
        write_file(path, original)
        raise
    return conv, target
