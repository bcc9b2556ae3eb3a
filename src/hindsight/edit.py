"""Surgical, atomic edits of a postmortem file.

An edit changes only the bytes of its target (a table cell, a checkbox, one
metadata line, one front-matter key), keeps the table's layout and emoji
style, and writes the file atomically. It refuses, and writes nothing, when
the file changed since it was read: by comparing the bytes it read with the
bytes on disk just before the rename, and, for callers that read the file
earlier (the web portal), with the `version` they were given.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ._io import replace_text
from .errors import ConflictError, InputError, NotFoundError, WriteError
from .model import ActionItem, CellSpan, Postmortem
from .parse import decode, parse, read_bytes
from .standard import ACTION_STATUSES, STATUS_EMOJI, read_status, status_label
from .text import TextEdit, apply, line_ending, split_lines

#: Front-matter key recording when a postmortem entered each status of the default lifecycle.
TRANSITION_KEYS = {"draft": "drafted", "in review": "reviewed", "published": "published", "complete": "completed"}


@dataclass(frozen=True, slots=True)
class Change:
    """What an edit did, for the user: `status: 🔲 TODO -> ✅ DONE` at a line."""

    field: str
    before: str
    after: str
    line: int


def version(data: bytes) -> str:
    """A short content hash: the version a reader saw, to be handed back with an edit."""
    import hashlib

    return hashlib.blake2b(data, digest_size=16).hexdigest()


# -- action items ------------------------------------------------------------------------------------

def normalise_status(value: str) -> str:
    """A status the user typed (`done`, `In Progress`, `✅`, `won't fix`) as one of the standard's four."""
    status = read_status(value)
    if status not in ACTION_STATUSES:
        raise InputError(f"`{value}` is not an action-item status; use one of {', '.join(ACTION_STATUSES)}")
    return status


#: The longest value written into a cell: a ticket's URL fits, a pasted log does not.
MAX_CELL = 500
_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_UNWRITABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def cell_text(field: str, value: str) -> str:
    """A value as a Markdown table cell holds it: `|` escaped; what no cell can hold refused."""
    v = value.strip()
    if not v:
        raise InputError(f"the {field} is empty; give a value, or edit the file to clear it")
    if len(v) > MAX_CELL:
        raise InputError(f"the {field} is {len(v)} characters long; a table cell takes at most {MAX_CELL}. "
                         "Give a ticket key or a link")
    if _BREAKS.search(v):
        raise InputError(f"the {field} holds a line break, which would end the table row; give it on one line")
    bad = _UNWRITABLE.search(v)
    if bad:
        raise InputError(f"the {field} holds the control character U+{ord(bad.group(0)):04X}, which a "
                         "Markdown file should not; remove it")
    return v.replace("|", "\\|")


def _cell(line_text: str, span: CellSpan, new: str, field: str) -> tuple[TextEdit, Change]:
    """Replace a cell's text, keeping the column aligned when the new text fits in the cell's padding."""
    a, b = span.start, span.end
    pipe = line_text.find("|", b)
    padding = line_text[b:pipe] if pipe >= 0 else ""
    end = b
    text = new
    if a == b and line_text[b:b + 1] == "|":
        # An empty cell (`| |`, `||`): the value goes between the pipes, a space on each side.
        text = ("" if line_text[a - 1:a] == " " else " ") + new + " "
    if pipe >= 0 and padding.strip() == "" and len(padding) > 1:
        room = pipe - a
        if len(new) + 1 <= room:
            text = new + " " * (room - len(new))
            end = pipe
    return (TextEdit(span.line, a, span.line, end, text),
            Change(field, line_text[a:b], new, span.line))


def _item(pm: Postmortem, item_id: str) -> ActionItem:
    key = item_id.strip().lower()
    file_part, hash_, rest = key.partition("#")
    # An id qualified by its source (`payments:2025-…#add-alert`) names the item `2025-…#add-alert` of its file.
    local = f"{file_part.partition(':')[2]}{hash_}{rest}" if ":" in file_part else key
    for a in pm.action_items:
        if a.id.lower() in (key, local) or (key.startswith("#") and a.id.lower().endswith(key)):
            return a
    ids = ", ".join(a.id for a in pm.action_items[:5]) or "none"
    raise NotFoundError(f"no action item `{item_id}` in {pm.path}; its items are: {ids}"
                         f"{' …' if len(pm.action_items) > 5 else ''}")


def plan_action(text: str, pm: Postmortem, item_id: str, *, status: str | None = None, owner: str | None = None,
                due: dt.date | None = None, ticket: str | None = None,
                today: dt.date | None = None) -> tuple[list[TextEdit], list[Change]]:
    """The edits that set an action item's fields, or a `HindsightError` saying why they cannot be made."""
    item = _item(pm, item_id)
    lines = split_lines(text)
    edits: list[TextEdit] = []
    changes: list[Change] = []
    if owner is not None and (len(re.findall(r"@[\w.-]+", owner)) > 1 or re.search(r",|/|&|\band\b", owner)):
        raise InputError(f"`{owner}` names more than one owner; the standard asks for a single person "
                             "accountable")
    wanted = {"status": normalise_status(status) if status is not None else None,
              "owner": cell_text("owner", owner) if owner is not None else None,
              "due": due.isoformat() if due else None,
              "ticket": cell_text("ticket", ticket) if ticket is not None else None}
    if item.form == "checklist":
        for f in ("owner", "due", "ticket"):
            if wanted[f] is not None:
                raise InputError(f"{item.id} is a checklist item, which has no {f}; write the items as a "
                                     "table (Action | Owner | Due Date | Status | Ticket) to track one")
        new = wanted["status"]
        if new is not None:
            if new not in ("TODO", "DONE"):
                raise InputError(f"{item.id} is a checklist item: it can be TODO or DONE, not {new}")
            span = item.cells["status"]
            box = "[x]" if new == "DONE" else "[ ]"
            edits.append(TextEdit(span.line, span.start, span.line, span.end, box))
            changes.append(Change("status", lines[span.line - 1][span.start:span.end], box, span.line))
        return edits, changes
    if item.form != "table":
        raise InputError(f"{item.id} is written as a {item.form}, not a table row, so it has no cells to "
                             "change; edit it by hand or move the action items into the standard's table")
    for field_name, value in wanted.items():
        if value is None:
            continue
        if field_name not in item.cells:
            short = any(d.code == "ragged-table-row" and d.line == item.line for d in pm.diagnostics)
            if short:
                raise InputError(f"the row of {item.id} (line {item.line}) has fewer cells than the table's header, "
                                 f"so it has no {field_name.title()} cell; add the missing cells to the row first")
            raise InputError(f"the action-item table of {pm.path} has no {field_name.title()} column; add one "
                             "to the table first")
        if field_name == "status":
            old = item.status_text or ""
            emoji = any(e in old for e in STATUS_EMOJI.values()) or not old.strip()
            value = status_label(value) if emoji else value
        span = item.cells[field_name]
        edit, change = _cell(lines[span.line - 1], span, value, field_name)
        if change.before != change.after:
            edits.append(edit)
            changes.append(change)
    if wanted["status"] == "DONE" and "closed" in item.cells and item.closed is None and today is not None:
        span = item.cells["closed"]
        edit, change = _cell(lines[span.line - 1], span, today.isoformat(), "closed")
        edits.append(edit)
        changes.append(change)
    # Several cells of one row: apply right to left so earlier columns stay valid.
    edits.sort(key=lambda e: (e.line, e.col))
    return edits, changes


def _reads_back(before: Postmortem, after: Postmortem, item_id: str, **wanted: str | None) -> None:
    """Refuse an edit that would not read back as exactly the change asked for (a last safety net)."""
    key = _item(before, item_id).id.lower()
    old = [a for a in before.action_items if a.id.lower() != key]
    new = [a for a in after.action_items if a.id.lower() != key]
    target = [a for a in after.action_items if a.id.lower() == key]
    same = [(a.id, a.action, a.owner, a.status, a.ticket, a.due) for a in old] == \
        [(a.id, a.action, a.owner, a.status, a.ticket, a.due) for a in new]
    ok = same and len(target) == 1 and all(
        value is None or getattr(target[0], name) == (normalise_status(value) if name == "status" else value.strip())
        for name, value in wanted.items())
    if not ok:
        raise InputError("the change cannot be written into the table without changing how it reads; nothing was "
                         "written. Edit the file by hand")


def _item_values(pm: Postmortem, item_id: str) -> dict[str, object]:
    item = _item(pm, item_id)
    return {"status": item.status, "owner": item.owner, "due": item.due, "ticket": item.ticket}


def still_to_change(base: Postmortem, now: Postmortem, item_id: str, *, status: str | None = None,
                    owner: str | None = None, due: dt.date | None = None,
                    ticket: str | None = None) -> dict[str, object]:
    """The fields of an edit made on `base` that still change something, to be applied to `now`.

    An edit sets the cells its person changed from what they read; a field given with the value it had
    in `base` changes nothing and is left out (so another person's change to that cell stands). A cell
    the edit changes that is no longer what the person read was changed by someone else meanwhile:
    `ConflictError`, naming it with its value now, and nothing is to be written.
    """
    wanted = {"status": normalise_status(status) if status is not None else None,
              "owner": owner.strip() if owner is not None else None, "due": due,
              "ticket": ticket.strip() if ticket is not None else None}
    was, is_now = _item_values(base, item_id), _item_values(now, item_id)
    changing = {f: v for f, v in wanted.items() if v is not None and v != was[f]}
    moved = [f for f in changing if is_now[f] != was[f]]
    if moved:
        now_values = ", ".join(f"{f} is now {is_now[f] or '(empty)'}" for f in moved)
        raise ConflictError(f"{item_id}: {now_values}, changed since you read it; nothing was written. Reload "
                            "it and try again", path=now.path)
    return changing


def read_for_edit(path: Path, expected_version: str | None, shown: str) -> tuple[bytes, str]:
    data = read_bytes(path, shown=shown)
    if expected_version is not None and version(data) != expected_version:
        raise ConflictError("the file changed since you read it; nothing was written. Reload it and try again",
                            path=shown)
    # No write bit for anyone counts as read-only even for root, who could write it anyway.
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        raise WriteError("the file is read-only; nothing was written. Make it writable and try again", path=shown)
    return data, decode(data, shown)


def set_action(path: Path, item_id: str, *, status: str | None = None, owner: str | None = None,
               due: dt.date | None = None, ticket: str | None = None, today: dt.date | None = None,
               expected_version: str | None = None, shown: str | None = None) -> list[Change]:
    """Set an action item's status, owner, due date or ticket in its file, in place.

    `shown` is how messages name the file (the path relative to the project), `path` by default.
    """
    shown = shown or str(path)
    if status is None and owner is None and due is None and ticket is None:
        raise InputError("nothing to change; give a status, --owner, --due or --ticket")
    data, text = read_for_edit(path, expected_version, shown)
    pm = parse(text, path=shown)
    edits, changes = plan_action(text, pm, item_id, status=status, owner=owner, due=due, ticket=ticket,
                                 today=today or dt.date.today())
    if edits:
        _reads_back(pm, parse(apply(text, edits), path=shown), item_id, status=status, owner=owner, ticket=ticket)
        replace_text(path, apply(text, edits), expected=data, bom=data.startswith(b"\xef\xbb\xbf"), shown=shown)
    return changes


def plan_column(text: str, pm: Postmortem, item_id: str, name: str = "Ticket") -> str:
    """The text with a column `name` added at the right of the action-item table that holds `item_id`, an
    empty cell in every row; the text as it is when the table has one. Refused for a table whose rows do not
    all have the header's cells (a new last cell would land under another column)."""
    item = _item(pm, item_id)
    if item.form != "table" or name.lower() in item.cells:
        return text
    lines = split_lines(text)
    first = last = item.line
    while first > 1 and lines[first - 2].lstrip().startswith("|"):
        first -= 1
    while last < len(lines) and lines[last].lstrip().startswith("|"):
        last += 1
    header = first  # the first line of the table; the delimiter row follows it
    short = [d.line for d in pm.diagnostics if d.code == "ragged-table-row" and d.line and first <= d.line <= last]
    if short:
        raise InputError(f"the action-item table (line {header}) has rows with fewer cells than its header (line "
                         f"{short[0]}), so a new {name} column would not line up; fix those rows first")
    edits = []
    for no in range(first, last + 1):
        body = lines[no - 1].rstrip()
        if no == header + 1:
            dashes = "-" * (len(name) + 2)
            # The delimiter row as the table writes it: `|---|` or `| --- |`.
            add = (f"{dashes}|" if body.endswith("-|") else f" {dashes[2:]} |") if body.endswith("|") else \
                f" | {dashes[2:]}"
        else:
            cell = name if no == header else ""
            add = (f" {cell} |" if cell else " |") if body.endswith("|") else f" | {cell}"
        edits.append(TextEdit(no, len(body), no, len(body), add))
    return apply(text, edits)


def sync_item(path: Path, item_id: str, *, ticket_cell: str, ticket: str, status: str | None = None,
              today: dt.date | None = None, shown: str | None = None) -> list[Change]:
    """Write an action item's Ticket cell (adding a Ticket column to its table when it has none), and its
    status when given, in one atomic write; refused if the file changed meanwhile, or if the result would not
    read back as the item with `ticket` (and `status`) and every other item as it was."""
    shown = shown or str(path)
    data, text = read_for_edit(path, None, shown)
    pm = parse(text, path=shown)
    widened = plan_column(text, pm, item_id)
    wide = parse(widened, path=shown) if widened != text else pm
    edits, changes = plan_action(widened, wide, item_id, status=status, ticket=ticket_cell, today=today)
    new = apply(widened, edits)
    if new == text:
        return []
    after = parse(new, path=shown)
    key = item_id.strip().lower()
    old = [(a.id, a.action, a.owner, a.status, a.due) for a in pm.action_items if a.id.lower() != key]
    others = [(a.id, a.action, a.owner, a.status, a.due) for a in after.action_items if a.id.lower() != key]
    target = [a for a in after.action_items if a.id.lower() == key]
    if old != others or len(target) != 1 or target[0].ticket != ticket or (status and target[0].status != status):
        raise InputError(f"{item_id}: the ticket cannot be written into the table without changing how it reads; "
                         "nothing was written. Add it by hand", path=shown)
    replace_text(path, new, expected=data, bom=data.startswith(b"\xef\xbb\xbf"), shown=shown)
    return changes


# -- document status ---------------------------------------------------------------------------------

def transition_key(status: str) -> str:
    low = status.strip().lower()
    return TRANSITION_KEYS.get(low) or re.sub(r"[^a-z0-9]+", "_", low).strip("_")


def check_transition(pm: Postmortem, canon: str, statuses: list[str]) -> str | None:
    """Why moving the postmortem to `canon` is not the lifecycle's next step, or None when it is.

    The lifecycle moves one step at a time (Draft, In Review, Published, Complete), and only to its
    last step once every action item is closed.
    """
    low = [s.lower() for s in statuses]
    target = low.index(canon.lower())
    current = (pm.status or "").strip().lower()
    if current not in low:
        if target != 0:
            where = f"`{pm.status}` is not a step of the lifecycle" if pm.status else "it has no status yet"
            return f"{where}; a postmortem starts at {statuses[0]}"
    else:
        at = low.index(current)
        if target == at:
            return f"it is already {statuses[at]}"
        if target < at:
            return f"{statuses[target]} comes before {statuses[at]}: the lifecycle does not go back"
        if target > at + 1:
            return f"after {statuses[at]} comes {statuses[at + 1]}, not {statuses[target]}"
    if target == len(statuses) - 1 and pm.open_action_items:
        n = len(pm.open_action_items)
        return f"{n} action item{'s are' if n != 1 else ' is'} still open; {statuses[target]} means every one is closed"
    return None


def plan_status(text: str, pm: Postmortem, status: str, statuses: list[str],
                today: dt.date, *, force: bool = False) -> tuple[list[TextEdit], list[Change]]:
    canon = next((s for s in statuses if s.lower() == status.strip().lower()), None)
    if canon is None:
        raise InputError(f"`{status}` is not a postmortem status; use one of {', '.join(statuses)}")
    if not text.strip():
        raise InputError("the file is empty: there is no postmortem to move; write one with `hindsight new`")
    lines = split_lines(text)
    if lines and lines[0].strip() in ("---", "+++") and pm.spans.get("front_matter") is None:
        raise InputError(f"the front matter opened on line 1 never closes; add the closing `{lines[0].strip()}` "
                         "line, then try again")
    why = check_transition(pm, canon, statuses)
    if why is not None and not force:
        raise InputError(f"cannot move the postmortem to {canon}: {why}. Pass --force to do it anyway")
    eol = line_ending(text)
    edits: list[TextEdit] = []
    changes: list[Change] = []
    # The **Status:** line, or a new one after the last metadata line.
    span = pm.spans.get("status")
    fm = pm.spans.get("front_matter")
    if span is not None and (fm is None or span.line > fm.end_line):
        raw = lines[span.line - 1]
        m = re.match(r"^(\s*(?:[-*+]\s+)?(?:\*\*|__)?Status\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*)(.*?)(\s*)$",
                     raw, re.I)
        if m:
            edits.append(TextEdit(span.line, m.end(1), span.line, m.end(2), canon))
            changes.append(Change("status", m.group(2), canon, span.line))
    else:
        after = max((pm.spans[k].line for k in ("date", "duration", "severity", "author")
                     if k in pm.spans and (fm is None or pm.spans[k].line > fm.end_line)), default=None)
        if after is None:
            after = pm.spans["title"].line if "title" in pm.spans and (fm is None or pm.spans["title"].line >
                                                                         fm.end_line) else 0
        if after:
            edits.append(TextEdit(after + 1, 0, after + 1, 0, f"**Status:** {canon}{eol}"))
            changes.append(Change("status", "", canon, after + 1))
    # The date of the transition, in front matter.
    key = transition_key(canon)
    stamp = today.isoformat()
    if fm is not None:
        toml = lines[fm.line - 1].strip() == "+++"
        entry = f"{key} = {stamp}" if toml else f"{key}: {stamp}"
        found = None
        for no in range(fm.line + 1, fm.end_line):
            if re.match(rf"^{re.escape(key)}\s*[:=]", lines[no - 1]):
                found = no
                break
        if found is not None:
            edits.append(TextEdit(found, 0, found, len(lines[found - 1]), entry))
            changes.append(Change(key, lines[found - 1], entry, found))
        else:
            edits.append(TextEdit(fm.end_line, 0, fm.end_line, 0, entry + eol))
            changes.append(Change(key, "", entry, fm.end_line))
    else:
        edits.append(TextEdit(1, 0, 1, 0, f"---{eol}{key}: {stamp}{eol}---{eol}"))
        changes.append(Change(key, "", f"{key}: {stamp}", 1))
    return edits, changes


def set_status(path: Path, status: str, *, statuses: list[str], today: dt.date | None = None,
               expected_version: str | None = None, shown: str | None = None, force: bool = False) -> list[Change]:
    """Set a postmortem's status and record the date of the transition in its front matter."""
    shown = shown or str(path)
    data, text = read_for_edit(path, expected_version, shown)
    pm = parse(text, path=shown)
    edits, changes = plan_status(text, pm, status, statuses, today or dt.date.today(), force=force)
    replace_text(path, apply(text, edits), expected=data, bom=data.startswith(b"\xef\xbb\xbf"), shown=shown)
    return changes
