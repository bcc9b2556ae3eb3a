"""Markdown to safe, self-contained HTML.

markdown-it-py (CommonMark and tables) with raw HTML disabled, so nothing in a
postmortem can inject script: `<script>` shows as text. HTML comments are
dropped rather than shown, `javascript:` links are refused by markdown-it, and
images become plain links, so a page opened offline makes no request at all.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@cache
def _md():
    from markdown_it import MarkdownIt
    from markdown_it.common.utils import escapeHtml

    md = configure(MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}))

    def image(self, tokens, idx, options, env):
        # An image would be a request to somewhere: show it as a link instead.
        tok = tokens[idx]
        alt = self.renderInlineAsText(tok.children or [], options, env)
        return f'<a class="image" href="{escapeHtml(tok.attrGet("src") or "")}">{escapeHtml(alt or "image")}</a>'

    md.add_render_rule("image", image)
    return md


def configure(md):
    """A markdown-it parser read as Hindsight reads postmortems: tables, strikethrough, and the template's
    metadata lines kept one per line. Every rendering of a postmortem (HTML, Confluence) starts from it."""
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("metadata_lines", _metadata_lines)
    return md


_META_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)[^*_\n]{1,40}?:?(?:\*\*|__)\s*:?")


def _metadata_lines(state) -> None:
    """Keep the template's metadata (`**Date:** …` on consecutive lines) one field per line, as written,
    instead of running the fields together into one paragraph."""
    for tok in state.tokens:
        if tok.type != "inline" or not tok.children or "\n" not in tok.content:
            continue
        lines = tok.content.split("\n")
        if len(lines) >= 2 and all(_META_LINE.match(ln) for ln in lines):
            for child in tok.children:
                if child.type == "softbreak":
                    child.type = "hardbreak"


def strip_comments(text: str) -> str:
    """The text without HTML comments, except inside fenced code."""
    out, fence = [], None
    chunks = text.split("\n")
    buf: list[str] = []
    for line in chunks:
        m = _FENCE.match(line)
        if fence is None and m:
            out.append(_COMMENT.sub("", "\n".join(buf)))
            buf = []
            fence = m.group(1)
            out.append(line)
            continue
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
            continue
        buf.append(line)
    out.append(_COMMENT.sub("", "\n".join(buf)))
    return "\n".join(x for x in out if x is not None)


def split_front_matter(text: str) -> tuple[int, str]:
    """How many lines a leading `---` or `+++` front-matter block takes, and the text after it."""
    lines = text.lstrip("\ufeff").split("\n")
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        for i in range(1, len(lines)):
            if lines[i].strip() == fence:
                return i + 1, "\n".join(lines[i + 1:])
    return 0, text


def strip_front_matter(text: str) -> str:
    return split_front_matter(text)[1]


#: The standard's status emoji, drawn with symbols every text font has (an emoji font is often missing on
#: servers and in print): a coloured glyph, the emoji kept for screen readers and copy-paste.
_STATUS_GLYPHS = {"✅": ("✓", "done"), "🔲": ("☐", "todo"), "🔄": ("↻", "doing"), "❌": ("✗", "wontfix")}


def status_glyphs(html_text: str) -> str:
    """HTML with each of the standard's status emoji drawn as a coloured text symbol."""
    for emoji, (glyph, cls) in _STATUS_GLYPHS.items():
        if emoji in html_text:
            html_text = html_text.replace(
                emoji, f'<span class="st {cls}" role="img" aria-label="{emoji}">{glyph}</span>')
    return html_text


def to_html(markdown: str) -> str:
    """The HTML body of a Markdown text: safe, with no request to anywhere."""
    return status_glyphs(_md().render(strip_comments(markdown.replace("\r\n", "\n"))))


def with_findings(text: str, findings: list) -> str:
    """A postmortem's text as safe HTML, each finding of `hindsight check` placed after the block it is about.

    `findings` carry `line`, `code`, `severity` and `message`; those on no block's lines come first.
    """
    import html

    offset, body = split_front_matter(text.lstrip("\ufeff").replace("\r\n", "\n"))
    body = strip_comments(body)
    md = _md()
    tokens = md.parse(body)
    by_line: dict[int, list] = {}
    for f in findings:
        by_line.setdefault(f.line, []).append(f)
    placed: set[int] = set()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        j = i
        if tok.nesting == 1 and tok.level == 0:
            depth = 0
            while j < len(tokens):
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        out.append(status_glyphs(md.renderer.render(tokens[i:j + 1], md.options, {})))
        if tok.map:
            a, b = tok.map[0] + offset + 1, tok.map[1] + offset
            here = [f for ln in range(a, b + 1) for f in by_line.get(ln, [])]
            if here:
                placed.update(range(a, b + 1))
                out.append(_asides(here, html.escape))
        i = j + 1
    rest = [f for ln, fs in sorted(by_line.items()) if ln not in placed for f in fs]
    return (_asides(rest, html.escape) if rest else "") + "".join(out)


def _asides(findings: list, e) -> str:
    items = "".join(f'<li class="{e(f.severity)}"><span class="line">line {f.line}</span> '
                    f"<code>{e(f.code)}</code> {e(f.message)}</li>" for f in findings)
    return f'<aside class="findings"><ul>{items}</ul></aside>'


def snippet_html(snippet: str) -> str:
    """A search snippet (matches between \\x02 and \\x03) as safe HTML: the text escaped, Markdown marks
    dropped, the matches in `<mark>`."""
    import html

    text = re.sub(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`|^#+\s*|\|", " ", snippet or "", flags=re.M)
    text = " ".join(text.split())
    return html.escape(text).replace("\x02", "<mark>").replace("\x03", "</mark>")


def stylesheet() -> str:
    return files("hindsight").joinpath("templates/page.css").read_text(encoding="utf-8")


def page(title: str, body_html: str, *, subtitle: str = "", extra_css: str = "") -> str:
    """A whole page around an HTML body: styles inline, printable, no external resource."""
    from jinja2 import Environment

    env = Environment(autoescape=True)
    tpl = env.from_string(files("hindsight").joinpath("templates/page.html.j2").read_text(encoding="utf-8"))
    return tpl.render(title=title, subtitle=subtitle, body=body_html, css=stylesheet() + extra_css)
