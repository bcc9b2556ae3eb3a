"""A source document as Markdown: Markdown as it is, HTML through markdownify, Word through mammoth.

HTML is a Confluence page export, the Confluence storage format, or a Google
Docs "Web page" export (the `.zip`, or the `.html` inside it); a Confluence
export's page body is `#main-content`, the rest of the page is its chrome.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from markdownify import MarkdownConverter

from ..errors import ReadError
from ..parse import read_bytes, read_text

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".docx", ".zip")


class _Converter(MarkdownConverter):
    """markdownify with `|` escaped in table cells, so a cell never splits."""

    def convert_td(self, el, text, parent_tags):
        return super().convert_td(el, text.replace("|", "\\|"), parent_tags)

    def convert_th(self, el, text, parent_tags):
        return super().convert_th(el, text.replace("|", "\\|"), parent_tags)


def html_markdown(html: str) -> str:
    """Markdown of an HTML page or fragment; a Confluence export keeps only its page body and title."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    title = soup.select_one("#title-text")
    body = soup.select_one("#main-content") or soup.select_one(".wiki-content") or soup.body or soup
    text = _Converter(heading_style="ATX", bullets="-", table_infer_header=True).convert_soup(body)
    if title is not None:
        name = title.get_text(" ", strip=True).split(" : ", 1)[-1]
        text = f"# {name}\n\n{text}"
    return text.strip() + "\n"


def source_markdown(path: Path) -> str:
    """The Markdown of one source file, or `ReadError` naming it and what to do."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReadError(f"cannot convert a {suffix or 'suffixless'} file; give Markdown, HTML, .docx or a "
                        "Google Docs web-page .zip", path=str(path))
    if suffix in (".md", ".markdown", ".txt"):
        return read_text(path)
    if suffix in (".html", ".htm"):
        return html_markdown(read_text(path))
    data = read_bytes(path)
    try:
        if suffix == ".docx":
            import mammoth

            return html_markdown(mammoth.convert_to_html(io.BytesIO(data)).value)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pages = [n for n in z.namelist() if n.lower().endswith((".html", ".htm"))]
            if len(pages) != 1:
                raise ReadError(f"the zip holds {len(pages)} HTML pages, not one; export one document as "
                                "a web page", path=str(path))
            return html_markdown(z.read(pages[0]).decode("utf-8", "replace"))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(f"cannot read the file as {suffix} ({e}); export it again", path=str(path)) from None
