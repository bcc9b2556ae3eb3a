"""A postmortem in Confluence's storage format, for teams that mirror postmortems there.

The storage format is XHTML with Confluence's own elements: markdown-it
renders the postmortem (as every other rendering does, raw HTML shown as text)
with XHTML output, and Confluence's forms replace a few HTML ones: a fenced
block becomes the `code` macro (its text in CDATA, its language when
Confluence knows it), a table has its rows in one `<tbody>`, struck text is a
styled span, an image is a link (as in every rendering: no request anywhere).
Characters XML 1.0 cannot hold (control characters, lone surrogates) become
U+FFFD, so what is written always parses.

The page's title is the postmortem's title, given to Confluence beside the
body; the body starts after the `# Incident: …` heading.
"""

from __future__ import annotations

import re
from functools import cache

#: The languages Confluence's code macro highlights, by the names a fence may give them.
LANGUAGES = {"actionscript3": "actionscript3", "bash": "bash", "sh": "bash", "shell": "bash", "console": "bash",
             "zsh": "bash", "csharp": "csharp", "c#": "csharp", "cs": "csharp", "coldfusion": "coldfusion",
             "cpp": "cpp", "c++": "cpp", "c": "cpp", "css": "css", "delphi": "delphi", "pascal": "delphi",
             "diff": "diff", "patch": "diff", "erlang": "erlang", "groovy": "groovy", "java": "java",
             "javafx": "javafx", "javascript": "javascript", "js": "javascript", "perl": "perl", "php": "php",
             "powershell": "powershell", "ps1": "powershell", "python": "python", "py": "python", "ruby": "ruby",
             "rb": "ruby", "scala": "scala", "sql": "sql", "vb": "vb", "html": "html/xml", "xml": "html/xml"}
#: What XML 1.0 cannot hold.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _cdata(text: str) -> str:
    # `]]>` would end the section: split it across two.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@cache
def _md():
    from markdown_it import MarkdownIt
    from markdown_it.common.utils import escapeHtml

    from ..render.html import configure

    md = configure(MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                             "xhtmlOut": True}))

    def code(self, tokens, idx, options, env):
        tok = tokens[idx]
        lang = LANGUAGES.get((tok.info or "").strip().split(" ")[0].lower()) if tok.type == "fence" else None
        param = f'<ac:parameter ac:name="language">{lang}</ac:parameter>' if lang else ""
        return (f'<ac:structured-macro ac:name="code">{param}<ac:plain-text-body>{_cdata(tok.content)}'
                "</ac:plain-text-body></ac:structured-macro>\n")

    def image(self, tokens, idx, options, env):
        tok = tokens[idx]
        alt = self.renderInlineAsText(tok.children or [], options, env)
        return f'<a href="{escapeHtml(tok.attrGet("src") or "")}">{escapeHtml(alt or "image")}</a>'

    for name in ("fence", "code_block"):
        md.add_render_rule(name, code)
    md.add_render_rule("image", image)
    for name, html in {"table_open": "<table><tbody>\n", "table_close": "</tbody></table>\n", "thead_open": "",
                       "thead_close": "", "tbody_open": "", "tbody_close": "",
                       "s_open": '<span style="text-decoration: line-through;">', "s_close": "</span>"}.items():
        md.add_render_rule(name, lambda self, tokens, idx, options, env, html=html: html)
    return md


def storage(text: str) -> str:
    """The postmortem `text` (its Markdown) as the body of a Confluence page, in the storage format."""
    from ..render.html import strip_comments, strip_front_matter

    body = strip_comments(strip_front_matter(xml_text(text).lstrip("\ufeff")).replace("\r\n", "\n"))
    # The title is the page's own; the body starts after it.
    body = re.sub(r"\A\s*#[ \t]+[^\n]*\n", "", body, count=1)
    return _md().render(body)


__all__ = ["LANGUAGES", "storage", "xml_text"]
