"""`hindsight remind`: the follow-ups that need someone today, as a digest for a person or a channel.

Overdue action items and those due within `due_soon_days`, by owner, and the
postmortems whose deadline has passed (or whose required postmortem is
missing): as plain text, as JSON, or as a Slack Block Kit message for an
incoming webhook (https://api.slack.com/block-kit). It counts only what the
reader may see (`Workspace.remind` takes a `Viewer`); posted to a channel, a
digest holds nothing restricted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .lifecycle import Assessment
    from .records import ActionRow

#: Slack's limits: blocks in a message, characters in a section's text.
MAX_BLOCKS, MAX_SECTION = 50, 2900
#: Items listed per owner before "… and N more".
MAX_ITEMS = 10


@dataclass
class Digest:
    """What needs someone, as of `today`."""

    today: dt.date
    overdue: dict[str, list[ActionRow]] = field(default_factory=dict)  # by owner, most overdue first
    due_soon: dict[str, list[ActionRow]] = field(default_factory=dict)
    late: list[Assessment] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # postmortem path -> where it is read
    soon_days: int = 2  # what "due soon" means, as the lifecycle's `due_soon_days`

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.late)

    def counts(self) -> tuple[int, int, int]:
        return (sum(map(len, self.overdue.values())), sum(map(len, self.due_soon.values())), len(self.late))

    def headline(self) -> str:
        overdue, soon, late = self.counts()
        if self.empty:
            return f"Postmortem follow-ups, {self.today.isoformat()}: nothing overdue, nothing due soon, no late " \
                   "postmortem"
        return (f"Postmortem follow-ups, {self.today.isoformat()}: {overdue} overdue, {soon} due within "
                f"{self.soon_days} days, {late} late postmortem{'s' * (late != 1)}")

    def _when(self, a: ActionRow) -> str:
        days = (self.today - a.due).days if a.due else 0
        if days > 0:
            return f"due {a.due.isoformat()}, {days} day{'s' * (days != 1)} late"
        return f"due {a.due.isoformat()}" if a.due else "no due date"

    def to_dict(self) -> dict[str, Any]:
        def rows(groups: dict[str, list[ActionRow]]) -> dict[str, list[dict]]:
            return {owner: [a.to_dict(self.today) for a in items] for owner, items in groups.items()}

        overdue, soon, late = self.counts()
        return {"today": self.today.isoformat(), "overdue": rows(self.overdue), "due_soon": rows(self.due_soon),
                "late_postmortems": [a.to_dict() for a in self.late],
                "counts": {"overdue": overdue, "due_soon": soon, "late_postmortems": late}}

    def text(self) -> str:
        out = [self.headline()]
        for title, groups in (("Overdue", self.overdue), ("Due soon", self.due_soon)):
            if groups:
                out += ["", f"{title}:"]
                for owner, items in groups.items():
                    out.append(f"  {owner} ({len(items)})")
                    out += [f"    - {a.id}: {a.action} ({self._when(a)})" for a in items]
        if self.late:
            out += ["", "Late postmortems:"]
            out += [f"  - {a.title or a.path or 'missing postmortem'} ({a.severity or 'no severity'}): "
                    f"{a.next_step or a.phase}, due {a.due.isoformat() if a.due else '?'}" for a in self.late]
        return "\n".join(out) + "\n"

    def blocks(self) -> dict[str, Any]:
        """The digest as a Slack message: Block Kit, with a plain-text fallback."""
        blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": self.headline()[:150]}}]
        for title, groups in (("Overdue", self.overdue), ("Due soon", self.due_soon)):
            for owner, items in groups.items():
                lines = [f"*{_esc(owner)}*: {len(items)} {title.lower()}"]
                lines += [f"• {self._link(a)} ({_esc(self._when(a))})" for a in items[:MAX_ITEMS]]
                if len(items) > MAX_ITEMS:
                    lines.append(f"… and {len(items) - MAX_ITEMS} more")
                blocks.append(_section("\n".join(lines)))
        if self.late:
            lines = ["*Late postmortems*"] + [
                f"• {_esc(a.title or a.path or 'missing postmortem')} ({_esc(a.severity or 'no severity')}): "
                f"{_esc(a.next_step or a.phase)}, due {a.due.isoformat() if a.due else '?'}" for a in self.late[:20]]
            blocks.append(_section("\n".join(lines)))
        if len(blocks) > MAX_BLOCKS:
            more = len(blocks) - MAX_BLOCKS + 1
            blocks = blocks[:MAX_BLOCKS - 1] + [_section(f"… and {more} more sections: run `hindsight remind`")]
        return {"text": self.headline(), "blocks": blocks}

    def _link(self, a: ActionRow) -> str:
        url = self.links.get(a.path)
        text = _esc(a.action)
        return f"<{url}|{text}>" if url and "|" not in url and ">" not in url else text


def _esc(s: str) -> str:
    """Text as Slack's mrkdwn shows it, never as markup."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict[str, Any]:
    if len(text) > MAX_SECTION:
        text = text[:MAX_SECTION - 1].rsplit("\n", 1)[0] + "\n…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def digest(rows: list[ActionRow], late: list[Assessment], today: dt.date, *, soon_days: int,
           owner: str | None = None, links: dict[str, str] | None = None) -> Digest:
    """The digest of open action items and assessed postmortems, for one owner when given."""
    d = Digest(today=today, late=[a for a in late if a.state == "late"], links=links or {}, soon_days=soon_days)
    key = (owner or "").lstrip("@").lower()
    for a in sorted(rows, key=lambda a: (a.due or dt.date.max, a.id)):
        if not a.is_open or a.historical or a.due is None or (key and (a.owner or "").lstrip("@").lower() != key):
            continue
        who = a.owner or "(no owner)"
        if a.overdue(today):
            d.overdue.setdefault(who, []).append(a)
        elif (a.due - today).days <= soon_days:
            d.due_soon.setdefault(who, []).append(a)
    d.overdue = dict(sorted(d.overdue.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    d.due_soon = dict(sorted(d.due_soon.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    return d


__all__ = ["Digest", "digest"]
