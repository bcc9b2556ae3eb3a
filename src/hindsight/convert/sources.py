"""A source document as Markdown: Markdown as it is, HTML through markdownify, Word through mammoth.

HTML is a Confluence page export, the Confluence storage format, or a Google
Docs "Web page" export (the `.zip`, or the `.html` inside it). Before
markdownify reads it, each tool's own markup is turned into plain HTML that
means the same thing:

- Confluence: the page body is `#main-content` (the rest of an export is its
  chrome) and the title `#title-text`; the author is the page's creator. The
  storage format's macros become what they show (code blocks, status
  lozenges, panels, Jira keys), `ri:user` an `@account`, `ri:page` its title.
  A task list (`ac:task-list`, or an export's `ul.inline-task-list`) becomes
  `[x]`/`[ ]` items; a task's first mention and first date are, as Confluence
  defines them, its assignee and due date, written `(owner: …, due: …)`.
- Google Docs: bold and italic are CSS classes, the title is `p.title`, and
  every link goes through `https://www.google.com/url?q=…`: each is undone.
- Word: mammoth maps the Title style to the page title.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

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


_WORD_STYLES = "p[style-name='Title'] => h1:fresh\np[style-name='Subtitle'] => p:fresh"
_CSS_RULE = re.compile(r"\.(c\d+)\{([^}]*)\}")


def html_markdown(html: str) -> str:
    """Markdown of an HTML page or fragment: a Confluence export's page body and title, the storage
    format's macros as what they show, a Google Docs export with its bold, title and links restored."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    css = " ".join(t.get_text() for t in soup("style"))
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    _google_docs(soup, css)
    _confluence(soup)
    title = soup.select_one("#title-text")
    creator = soup.select_one(".page-metadata .author")
    body = soup.select_one("#main-content") or soup.select_one(".wiki-content") or soup.body or soup
    text = _Converter(heading_style="ATX", bullets="-", table_infer_header=True).convert_soup(body)
    if creator is not None and creator.get_text(strip=True):
        text = f"**Author:** {creator.get_text(' ', strip=True)}\n\n{text}"
    if title is not None:
        name = title.get_text(" ", strip=True).split(" : ", 1)[-1]
        text = f"# {name}\n\n{text}"
    return text.strip() + "\n"


def _google_docs(soup, css: str) -> None:
    bold = {c for c, rule in _CSS_RULE.findall(css) if re.search(r"font-weight:\s*(?:700|bold)", rule)}
    italic = {c for c, rule in _CSS_RULE.findall(css) if "font-style:italic" in rule.replace(" ", "")}
    for span in soup.find_all("span", class_=True):
        classes = set(span.get("class", []))
        if span.get_text(strip=True) and classes & italic:
            span.wrap(soup.new_tag("em"))
        heading = span.find_parent(["h1", "h2", "h3", "h4", "h5", "h6"]) is not None
        if span.get_text(strip=True) and classes & bold and not heading:
            span.wrap(soup.new_tag("strong"))
    for p in soup.select("p.title"):
        p.name = "h1"
    for a in soup.find_all("a", href=True):
        parts = urlsplit(a["href"])
        if parts.netloc in ("www.google.com", "google.com") and parts.path == "/url":
            target = parse_qs(parts.query).get("q")
            if target:
                a["href"] = target[0]
        elif a["href"].startswith("#cmnt"):  # a comment's marker: its text, not a link to nowhere
            a.unwrap()


def _text_tag(soup, text: str):
    span = soup.new_tag("span")
    span.string = text
    return span


def _confluence(soup) -> None:
    for macro in soup.find_all("ac:structured-macro"):
        name = macro.get("ac:name", "")
        params = {p.get("ac:name"): p.get_text() for p in macro.find_all("ac:parameter", recursive=False)}
        plain = macro.find("ac:plain-text-body", recursive=False)
        rich = macro.find("ac:rich-text-body", recursive=False)
        if plain is not None:
            pre = soup.new_tag("pre")
            code = soup.new_tag("code")
            if params.get("language"):
                code["class"] = f"language-{params['language']}"
            code.string = plain.get_text()
            pre.append(code)
            macro.replace_with(pre)
        elif rich is not None:
            rich.name = "div"
            macro.replace_with(rich)
        elif name == "status" or name == "jira":
            macro.replace_with(_text_tag(soup, params.get("title") or params.get("key") or ""))
        else:  # a table of contents, a children list: nothing the page says in words
            macro.decompose()
    for ri in soup.find_all("ri:user"):
        who = ri.get("ri:username") or ri.get("ri:account-id") or ri.get("ri:userkey") or "user"
        (ri.find_parent("ac:link") or ri).replace_with(_text_tag(soup, f"@{who}"))
    for link in soup.find_all("ac:link"):
        body = link.find("ac:link-body") or link.find("ac:plain-text-link-body")
        page = link.find("ri:page")
        link.replace_with(_text_tag(soup, body.get_text() if body is not None else
                                    page.get("ri:content-title", "") if page is not None else link.get_text()))
    for image in soup.find_all("ac:image"):
        attachment = image.find("ri:attachment") or image.find("ri:url")
        src = (attachment.get("ri:filename") or attachment.get("ri:value")) if attachment is not None else None
        if src:
            img = soup.new_tag("img", src=src, alt=src)
            image.replace_with(img)
        else:
            image.decompose()
    for emoticon in soup.find_all("ac:emoticon"):
        emoticon.replace_with(emoticon.get("ac:emoji-fallback", ""))
    for time in soup.find_all("time"):
        if not time.get_text(strip=True) and time.get("datetime"):
            time.string = time["datetime"]
    for tasks in soup.find_all("ac:task-list"):
        tasks.name = "ul"
        for task in tasks.find_all("ac:task", recursive=False):
            status = task.find("ac:task-status")
            done = status is not None and status.get_text(strip=True) == "complete"
            body = task.find("ac:task-body")
            task.clear()
            task.name = "li"
            if body is not None:
                task.extend(list(body.contents))
            _task(soup, task, done)
    for task in soup.select("ul.inline-task-list > li"):
        _task(soup, task, "checked" in task.get("class", []))


def _task(soup, li, done: bool) -> None:
    """A Confluence task as an action item: its check box, and its assignee and due date as Confluence
    defines them (the first mention and the first date in it)."""
    mention = li.select_one("a.user-mention, a.confluence-userlink")
    owner = mention.get_text(" ", strip=True) if mention is not None else None
    if owner is None:
        handle = next((s for s in li.find_all(string=True) if s.strip().startswith("@")), None)
        owner = handle.strip().split()[0] if handle is not None else None
        if handle is not None:
            handle.replace_with(handle.replace(owner, "", 1))
    elif mention is not None:
        mention.decompose()
    time = li.find("time")
    due = (time.get("datetime") or time.get_text(strip=True)) if time is not None else None
    if time is not None:
        time.decompose()
    details = ", ".join(part for part in (f"owner: {owner}" if owner else "", f"due: {due}" if due else "") if part)
    li.insert(0, "[x] " if done else "[ ] ")
    for piece in reversed(li.find_all(string=True)):  # the space the assignee and date stood in
        if piece.strip():
            piece.replace_with(piece.rstrip())
            break
        piece.extract()
    if details:
        li.append(f" ({details})")


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

            return html_markdown(mammoth.convert_to_html(io.BytesIO(data), style_map=_WORD_STYLES).value)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pages = [n for n in z.namelist() if n.lower().endswith((".html", ".htm"))]
            if len(pages) != 1:
                raise ReadError(f"the zip holds {len(pages)} HTML pages, not one; export one document as "
                                "a web page", path=str(path))
            return html_markdown(z.read(pages[0]).decode("utf-8", "replace"))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(f"cannot read the file as {suffix} ({e}); export it again", path=str(path)) from None
