"""HTML -> canonical clean text with BeautifulSoup: the page's content, without its furniture."""

from __future__ import annotations

import re
from typing import Any

from ingest.formats.canonical import (
    SUPERSCRIPT_MARK,
    Blocks,
    callout_label,
    callout_text,
    table_rows,
    words,
)

_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
              "head", "nav", "form", "button", "input", "select", "textarea", "label", "img",
              "picture", "video", "audio", "canvas", "map", "dialog", "footer")
_DROP_ROLES = {"navigation", "contentinfo", "banner", "search", "complementary", "dialog",
               "alertdialog", "menu", "menubar", "toolbar"}
# class/id words that mark page furniture rather than the guidance itself.
_FURNITURE = {"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "cookie",
              "cookies", "consent", "gdpr", "share", "sharing", "social", "related", "sidebar",
              "skip", "skiplink", "newsletter", "subscribe", "comments", "comment", "advert",
              "ads", "advertisement", "promo", "pagination", "pager", "toc", "masthead",
              "site-header", "site-footer", "footer", "byline"}
# Box kinds by class word; "info" counts only next to a generic word ("alert alert-info").
_CALLOUTS = ("tip", "hint", "note", "important", "warning", "caution", "danger", "info")
_GENERIC_CALLOUTS = ("callout", "alert", "admonition")
_BLOCK = {"p", "div", "section", "article", "main", "header", "aside", "blockquote", "ul", "ol",
          "li", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "details", "summary", "dl",
          "dt", "dd", "figure", "figcaption", "hr", "address", "fieldset", "center", "body",
          "html"}


def html_to_text(markup: str) -> tuple[str, str]:
    """`(canonical text, title)`: title is the content's first `<h1>`, else `<title>`, else ""."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    page_title = words(soup.title.get_text(" ")) if soup.title else ""
    root = _content_root(soup)
    _drop_furniture(root)
    h1 = root.find("h1")
    title = (words(h1.get_text(" ")) if h1 else "") or page_title
    out = Blocks()
    _Walker(out).children(root, 0)
    return out.text(), title


def fragment_blocks(markup: str) -> Blocks:
    """Canonical blocks of an HTML fragment (raw HTML inside a markdown file)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    _drop_furniture(soup)
    out = Blocks()
    _Walker(out).children(soup, 0)
    return out


def _content_root(soup: Any) -> Any:
    """`<main>`, else the one `<article>`, else `<body>`: where the page keeps its content."""
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is not None:
        return main
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    return soup.body or soup


_FOOTNOTE_MARK = re.compile(SUPERSCRIPT_MARK)


def _drop_furniture(root: Any) -> None:
    for button in root.find_all("button"):
        if _opens_content(button):
            button.unwrap()  # an FAQ accordion's question: its words are the heading
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in root.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        if _is_furniture(tag):
            tag.decompose()


def _opens_content(button: Any) -> bool:
    """A button that is a heading's or summary's text, or that expands a panel (an accordion:
    `<h3><button aria-expanded="false">How long does a match last?</button></h3>`)."""
    if button.find_parent(("h1", "h2", "h3", "h4", "h5", "h6", "summary", "dt")) is not None:
        return True
    return any(button.has_attr(a) for a in ("aria-expanded", "aria-controls", "data-bs-toggle",
                                             "data-toggle"))


def _is_furniture(tag: Any) -> bool:
    if _callout_kind(tag):
        return False
    role = str(tag.get("role") or "").lower()
    if role in _DROP_ROLES or tag.get("aria-hidden") == "true" or tag.has_attr("hidden"):
        return True
    style = str(tag.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    if tag.name == "aside":  # an aside that is not a tip box: sidebar, related links
        return True
    if tag.name == "sup" and _FOOTNOTE_MARK.fullmatch(tag.get_text().strip()):
        return True  # "...actions.<sup>1</sup>": a footnote mark, not a word
    if tag.name == "header" and tag.find_parent(("article", "main", "section")) is None:
        return True
    if tag.name == "a" and str(tag.get("href", "")).startswith("#") and re.match(
            r"\s*(?:skip\b|(?:back|return|go) to (?:the )?top\b|top\s*\W*$)", tag.get_text(" "),
            re.IGNORECASE):
        return True  # "Skip to main content", "Back to top"
    return bool(_class_words(tag) & _FURNITURE)


def _class_words(tag: Any) -> set[str]:
    """Class and id words, whole and split at `-`/`_`: "cookie-banner" -> cookie, banner."""
    names = " ".join([*(tag.get("class") or []), str(tag.get("id") or "")]).lower().split()
    return set(names) | {part for name in names for part in re.split(r"[-_]+", name) if part}


def _callout_kind(tag: Any) -> str:
    if tag.name not in ("div", "aside", "section", "blockquote", "p"):
        return ""
    found = _class_words(tag)
    generic = found & set(_GENERIC_CALLOUTS)
    specific = [k for k in _CALLOUTS if k in found and (k != "info" or generic)]
    if specific:
        return specific[0]
    return "note" if generic else ""


class _Walker:
    """Writes a tree's blocks in document order; remembers the enclosing heading level."""

    def __init__(self, out: Blocks) -> None:
        self.out = out
        self.level = 1
        self.inline: list[str] = []

    def children(self, node: Any, depth: int) -> None:
        for child in list(node.children):
            self.node(child, depth)
        self.flush()

    def node(self, node: Any, depth: int) -> None:
        name = getattr(node, "name", None)
        if name is None:
            if type(node).__name__ in ("NavigableString", "CData"):
                self.inline.append(str(node))
            return
        if name == "br":
            self.inline.append(" ")
        elif name not in _BLOCK:
            self.inline.append(_inline_text(node))
        else:
            self.flush()
            self.block(node, name, depth)

    def flush(self) -> None:
        text = words("".join(self.inline))
        self.inline = []
        if text:
            self.out.paragraph(text)

    def block(self, node: Any, name: str, depth: int) -> None:
        kind = _callout_kind(node)
        if re.fullmatch(r"h[1-6]", name):
            self.level = int(name[1])
            self.out.heading(self.level, _inline_text(node))
        elif kind:
            self.callout(node, kind)
        elif name in ("ul", "ol"):
            if not _is_link_list(node):
                self.list(node, depth)
                self.out.end_list()
        elif name == "table":
            self.out.rows(_table(node))
        elif name == "pre":
            self.out.code(node.get_text())
        elif name == "details":
            self.details(node, depth)
        elif name == "dl":
            self.definitions(node)
        elif name == "hr":
            self.out.end_list()
        else:
            self.children(node, depth)

    def callout(self, node: Any, kind: str) -> None:
        """A tip/note/warning box: its first paragraph reads "Tip: ...", the rest follow."""
        inner = Blocks()
        title = node.find(class_=re.compile(r"title|heading|header", re.I))
        title_text = ""
        if title is not None:
            title_text = _inline_text(title)
            title.decompose()
        walker = _Walker(inner)
        walker.level = 6  # headings inside a box title the box, they are not sections
        walker.children(node, 0)
        blocks = [b.lstrip("# ") if b.startswith("#") else b for b in inner.blocks]
        first = blocks.pop(0) if blocks and "\n" not in blocks[0] else ""
        self.out.paragraph(callout_text(callout_label(kind), title_text, first))
        for block in blocks:
            if "\n" in block:
                self.out.rows(block.split("\n"))
            else:
                self.out.paragraph(block)

    def list(self, node: Any, depth: int) -> None:
        ordered = node.name == "ol"
        number = int(node.get("start") or 1) if ordered else 0
        for item in node.find_all("li", recursive=False):
            nested = item.find_all(("ul", "ol"), recursive=False)
            for sub in nested:
                sub.extract()
            self.out.item(depth, f"{number}." if ordered else "-", _inline_text(item))
            for sub in nested:
                self.list(sub, depth + 1)
            number += 1

    def details(self, node: Any, depth: int) -> None:
        """`<details><summary>Q</summary>A</details>`: a heading one below the enclosing one."""
        summary = node.find("summary")
        question = _inline_text(summary) if summary is not None else ""
        if summary is not None:
            summary.decompose()
        parent_level = self.level
        if question:
            self.out.heading(min(parent_level + 1, 6), question)
            self.level = min(parent_level + 1, 6)
        self.children(node, depth)
        self.level = parent_level

    def definitions(self, node: Any) -> None:
        term = ""
        for child in node.find_all(("dt", "dd")):
            if child.name == "dt":
                term = _inline_text(child)
            else:
                text = _inline_text(child)
                self.out.paragraph(f"{term}: {text}" if term else text)


def _inline_text(node: Any) -> str:
    """Visible words of `node`; block children (paragraphs in a list item) are space-separated."""
    return words("".join(_strings(node)))


def _strings(node: Any) -> list[str]:
    out: list[str] = []
    for child in node.children:
        name = getattr(child, "name", None)
        if name is None:
            if type(child).__name__ in ("NavigableString", "CData"):
                out.append(str(child))
        elif name == "br":
            out.append(" ")
        elif name in _BLOCK:
            out += [" ", *_strings(child), " "]
        else:
            out += _strings(child)
    return out


def _table(node: Any) -> list[str]:
    rows = [[_inline_text(c) for c in tr.find_all(("th", "td"), recursive=False)]
            for tr in node.find_all("tr")]
    rows = [r for r in rows if any(r)]
    first = node.find("tr")
    has_header = first is not None and first.find("td", recursive=False) is None
    return table_rows(rows[0], rows[1:]) if has_header and rows else table_rows([], rows)


def _is_link_list(node: Any) -> bool:
    """A list whose two or more items are each just one link: contents, "related" links."""
    items = node.find_all("li", recursive=False)
    if len(items) < 2:
        return False
    for item in items:
        links = item.find_all("a")
        if len(links) != 1 or _inline_text(links[0]) != _inline_text(item):
            return False
    return True
