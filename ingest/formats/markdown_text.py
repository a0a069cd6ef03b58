"""Markdown -> canonical clean text, through markdown-it-py's syntax tree (never regexes)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ingest.formats.canonical import (
    HEADING_MAX_WORDS,
    SUPERSCRIPT_MARK,
    Blocks,
    callout_label,
    callout_text,
    table_rows,
    words,
)

# GitHub alert marker, and the marker MkDocs boxes are rewritten to: `[!tip]` / `[!tip:Title]`.
_ALERT = re.compile(r"^\[!([A-Za-z][\w-]*)(?::([^\]]*))?\]\s*")
_MKDOCS_BOX = re.compile(r'^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)'
                         r'(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
# A paragraph that is only links, optionally after a short label: "Share: [X](u) | [Y](v)".
_LINK = "\x00"
_LINKS_ONLY = re.compile(rf"^\s*(?:[^:{_LINK}]{{0,40}}:)?[\s|·•,/\-–]*"
                         rf"(?:{_LINK}[\s|·•,/\-–]*){{2,}}$")


def markdown_to_text(source: str) -> tuple[str, str]:
    """`(canonical text, first level-1 heading or "")` for a markdown body (no front matter)."""
    from markdown_it.tree import SyntaxTreeNode

    source = _mkdocs_boxes_as_alerts(_fenced_boxes_as_alerts(_without_footnote_marks(
        _spaced_headings(source))))
    tree = SyntaxTreeNode(_parser().parse(source))
    out = Blocks()
    _blocks(tree, out, 0)
    first_h1 = next((_inline(n.children[0])[0] for n in tree.children
                     if n.type == "heading" and n.tag == "h1" and n.children), "")
    return out.text(), first_h1


# "##How To: Meet Your Mentor", "###What if I need to cancel?": CommonMark needs a space after
# the marks, but pages written for older renderers leave it out, and each such heading was read
# as a sentence of the passage above it ("...reach out via slack. ##How To: DTR With..." was
# said in a reply). Two marks or more, or one before a capital: "#hashtag" stays text.
_UNSPACED_HEADING = re.compile(r"^(#{2,6}|#(?=[A-Z]))(?=[^\s#])", re.MULTILINE)


def _spaced_headings(source: str) -> str:
    """`source` with a space after the marks of each heading written without one (outside code
    fences)."""
    lines, in_fence = source.split("\n"), False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and len(line.split()) <= HEADING_MAX_WORDS:
            lines[i] = _UNSPACED_HEADING.sub(r"\1 ", line)
    return "\n".join(lines)


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _mkdocs_boxes_as_alerts(source: str) -> str:
    """Rewrite MkDocs `!!! kind "Title"` boxes (body indented 4) as `> [!kind:Title]` quotes.

    markdown-it has no admonition rule, and an indented body would parse as a code block.
    """
    lines, out, i, in_fence = source.split("\n"), [], 0, False
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _MKDOCS_BOX.match(line)
        if match is None:
            out.append(line)
            i += 1
            continue
        indent, body = match.group("indent"), []
        i += 1
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith(
                (indent + "    ", indent + "\t"))):
            body.append(lines[i][len(indent) + 4:] if lines[i].strip() else "")
            i += 1
        marker = f"[!{match.group('kind')}:{match.group('title') or ''}]"
        out += [f"{indent}> {marker}", f"{indent}>"]
        out += [f"{indent}> {b}".rstrip() for b in body] + [""]
    return "\n".join(out)


# Docusaurus / VitePress / pandoc boxes: `:::tip Title` ... `:::` (three colons or more).
_FENCED_BOX = re.compile(r"^(?P<indent>[ \t]*)(?P<colons>:{3,})[ \t]*\{?[ \t]*\.?"
                         r"(?P<kind>[A-Za-z][\w-]*)\}?(?:[ \t]+(?P<title>.*?))?[ \t]*$")
# GitHub's older alert form: a quote whose first line is only `**Note**` / `**Warning**`.
_BOLD_ALERT = re.compile(r"^(?P<quote>[ \t]*>[ \t]*)\*\*(?P<kind>note|tip|important|warning|"
                         r"caution)\*\*:?[ \t]*$", re.IGNORECASE)
# Footnotes: `text.[^1]` marks and `[^1]: note` definitions (the note is kept as a paragraph).
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\](?!:)")
# ...or set as a superscript ("...actions.<sup>1</sup>", "<sup>[2]</sup>", "<sup>*</sup>")
_SUP_MARK = re.compile(rf"<sup\b[^>]*>\s*{SUPERSCRIPT_MARK}\s*</sup>", re.IGNORECASE)
_FOOTNOTE_DEFINITION = re.compile(r"^([ \t]*)\[\^[^\]\s]+\]:[ \t]*")
# A slide deck's presenter note (Deckset: "^ Hi, my name is ..."): the caret is markup, the
# note is the talk's prose.
_PRESENTER_NOTE = re.compile(r"^\^[ \t]+")
# A table-of-contents placeholder a site generator fills in: `[TOC]`, `[[_TOC_]]`, `{:toc}`.
_TOC_MARK = re.compile(r"^[ \t]*(?:\[\[?_?toc_?\]\]?|\{:?\s*toc\s*\}|\$\{toc\})[ \t]*$",
                       re.IGNORECASE)


def _outside_fences(source: str, rewrite: Any) -> str:
    """Apply `rewrite(line)` to each line outside code fences."""
    out, in_fence = [], False
    for line in source.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        out.append(line if in_fence else rewrite(line))
    return "\n".join(out)


def _without_footnote_marks(source: str) -> str:
    """Footnote marks (`[^1]`, `<sup>1</sup>`) dropped, definitions as plain paragraphs, TOC
    placeholders removed, GitHub's `> **Note**` quotes as `> [!note]` alerts, presenter notes'
    carets dropped."""
    def rewrite(line: str) -> str:
        if _TOC_MARK.match(line):
            return ""
        bold = _BOLD_ALERT.match(line)
        if bold:
            return f"{bold.group('quote')}[!{bold.group('kind').lower()}]"
        line = _PRESENTER_NOTE.sub("", line)
        return _FOOTNOTE_DEFINITION.sub(r"\1", _FOOTNOTE_MARK.sub("", _SUP_MARK.sub("", line)))

    return _outside_fences(source, rewrite)


def _fenced_boxes_as_alerts(source: str) -> str:
    """Rewrite `:::kind Title` ... `:::` boxes as `> [!kind:Title]` quotes (markdown-it has no
    rule for them: the markers would be read as text, "::: warning Do not ... :::")."""
    lines, out, i = source.split("\n"), [], 0
    while i < len(lines):
        match = _FENCED_BOX.match(lines[i])
        if match is None:
            out.append(lines[i])
            i += 1
            continue
        indent, colons = match.group("indent"), match.group("colons")
        end = next((j for j in range(i + 1, len(lines))
                    if lines[j].strip() == colons or re.fullmatch(r":{3,}", lines[j].strip())),
                   None)
        if end is None:
            out.append(lines[i])
            i += 1
            continue
        marker = f"[!{match.group('kind')}:{match.group('title') or ''}]"
        out += [f"{indent}> {marker}", f"{indent}>"]
        out += [f"{indent}> {b[len(indent):] if b.startswith(indent) else b}".rstrip()
                for b in lines[i + 1:end]] + [""]
        i = end + 1
    return "\n".join(out)


def _blocks(node: Any, out: Blocks, depth: int) -> None:
    for child in node.children:
        kind = child.type
        if kind == "heading":
            out.heading(int(child.tag[1]), _inline(child.children[0])[0])
        elif kind == "paragraph":
            label, after = _run_in_label(child.children[0])
            if label:  # "**Step 4: Interview**" on its own line names what follows
                out.paragraph(label)
            text, navigation = _inline(child.children[0], skip=after)
            if not navigation:
                out.paragraph(text)
        elif kind in ("bullet_list", "ordered_list"):
            if not _is_link_list(child):
                _list(child, out, depth)
                out.end_list()
        elif kind == "blockquote":
            _quote(child, out, depth)
        elif kind == "table":
            out.rows(_table(child))
        elif kind in ("fence", "code_block"):
            out.code(child.content)
        elif kind == "html_block":
            _html(child.content, out)
        elif kind == "hr":
            out.end_list()


def _list(node: Any, out: Blocks, depth: int) -> None:
    """Items as `- text` / `N. text`; an item's extra paragraphs or quotes join its line."""
    number = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else None
    for item in node.children:
        marker = f"{number}." if number is not None else "-"
        texts: list[str] = []
        codes: list[str] = []
        for c in item.children:
            if c.type == "paragraph":
                texts.append(_TASK_BOX.sub("", _inline(c.children[0])[0]))
            elif c.type not in ("bullet_list", "ordered_list"):
                inner = Blocks()
                _blocks(_Wrap(c), inner, 0)
                for block in inner.blocks:
                    (codes if block.startswith("```") else texts).append(block)
        text = " ".join(t for t in texts if t)
        out.item(depth, marker, text)
        for block in codes:  # code inside an item stays verbatim, after the item
            out.code(block[4:-4])
        for c in item.children:  # "- - item": an empty item's list takes its place
            if c.type in ("bullet_list", "ordered_list"):
                _list(c, out, depth + 1 if text else depth)
        if number is not None:
            number += 1


class _Wrap:
    """A single node presented as a parent, so `_blocks` can render it alone."""

    def __init__(self, node: Any) -> None:
        self.children = [node]


def _quote(node: Any, out: Blocks, depth: int) -> None:
    """A quote is plain paragraphs; a `[!TIP]` alert (or MkDocs box) becomes "Tip: ..."."""
    inner = Blocks()
    _blocks(node, inner, depth)
    blocks = inner.blocks
    match = _ALERT.match(blocks[0]) if blocks else None
    if match:
        label, title = callout_label(match.group(1)), match.group(2) or ""
        rest = blocks[0][match.end():]
        if not rest and len(blocks) > 1 and _is_paragraph(blocks[1]):
            rest = blocks.pop(1)
        blocks[0] = callout_text(label, title, rest)
    out.extend(inner)


def _is_paragraph(block: str) -> bool:
    return "\n" not in block and not block.startswith(("#", "- ", "```")) and not re.match(
        r"\d+\. ", block)


def _table(node: Any) -> list[str]:
    rows = [[_inline(cell.children[0])[0] if cell.children else "" for cell in tr.children]
            for section in node.children for tr in section.children]
    header = [] if not rows else rows[0] if node.children[0].type == "thead" else []
    return table_rows(header, rows[1:] if header else rows)


def _run_in_label(node: Any) -> tuple[str, int]:
    """The words of a bold or italic line that opens a paragraph and ends without a full stop,
    on a line of its own ("**Step 4: Interview**" then a line break), and how many of the
    paragraph's inline nodes it takes: a label for the text after it, which had been read as
    part of its first sentence ("Step 4: Interview Every applicant will ..."). "**Be on
    time.**" is a sentence and stays in its paragraph. ("", 0) when there is none."""
    kids = [(i, c) for i, c in enumerate(node.children) if c.type != "text" or c.content.strip()]
    if (len(kids) < 3 or kids[0][1].type not in ("strong", "em")
            or kids[1][1].type not in ("softbreak", "hardbreak")):
        return "", 0
    label = _inline(kids[0][1])[0]
    if not label or label.endswith((".", "!", "?")) or len(label.split()) > HEADING_MAX_WORDS:
        return "", 0
    return label, kids[1][0] + 1


def _inline(node: Any, skip: int = 0) -> tuple[str, bool]:
    """The visible words of an inline node (after its first `skip` children), and whether they
    are only links (navigation)."""
    plain: list[str] = []
    marked: list[str] = []
    _walk_inline(node, plain, marked, skip)
    # A dropped tag, image or emoji code can leave "article , so": close the gap before
    # punctuation.
    text = _EMOJI_CODE.sub("", "".join(plain))
    text = re.sub(r"\s+([,.;:!?])(?=\s|$)", r"\1", words(text))
    return text, bool(_LINKS_ONLY.match("".join(marked)))


_CODE_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
# GitHub's emoji codes (":wave:", ":warning:") are pictures, not words.
_EMOJI_CODE = re.compile(r"(?<![\w:/]):[a-z0-9_+-]*[a-z][a-z0-9_+-]*:(?![\w:/])")
# A task-list box ("- [ ] Book your first call"): the item is the words after it.
_TASK_BOX = re.compile(r"^\[[ xX]\]\s+")


def _walk_inline(node: Any, plain: list[str], marked: list[str], skip: int = 0) -> None:
    inside: str | None = None  # an inline <script>/<style> element: its content is code, not words
    for child in node.children[skip:]:
        kind = child.type
        if inside is not None:
            if kind == "html_inline" and re.match(rf"</{inside}\b", child.content, re.IGNORECASE):
                inside = None
            continue
        if kind == "html_inline" and (opened := _CODE_OPEN.match(child.content)):
            inside = opened.group(1)
            continue
        if kind in ("text", "code_inline"):
            plain.append(child.content)
            marked.append(child.content)
        elif kind in ("softbreak", "hardbreak") or _is_br(child):
            plain.append(" ")
            marked.append(" ")
        elif kind in ("image", "html_inline"):
            continue
        elif kind == "link":
            sub: list[str] = []
            _walk_inline(child, plain, sub)
            marked.append(_LINK)
        else:  # emphasis, strong, strikethrough: keep the words, drop the markup
            _walk_inline(child, plain, marked)


def _is_br(node: Any) -> bool:
    return node.type == "html_inline" and bool(re.match(r"<br\b", node.content, re.IGNORECASE))


def _is_link_list(node: Any) -> bool:
    """A list of two or more items that are each one link only: "Related posts", a contents.

    Its items carry no guidance once URLs are dropped, and titles like "Saying no without
    burning bridges" would otherwise match questions as if they were answers.
    """
    return _items(node) >= 2 and _only_links(node)


def _items(node: Any) -> int:
    """The items of a list, its nested lists' items included."""
    return sum(1 + sum(_items(c) for c in item.children
                       if c.type in ("bullet_list", "ordered_list")) for item in node.children)


def _only_links(node: Any) -> bool:
    """Every item one link, with its nested lists (a contents' sub-sections) only links too."""
    for item in node.children:
        paras = [c for c in item.children if c.type == "paragraph"]
        nested = [c for c in item.children if c.type in ("bullet_list", "ordered_list")]
        if len(paras) != 1 or len(paras) + len(nested) != len(item.children) or not all(
                _only_links(n) for n in nested):
            return False
        inline = paras[0].children[0]
        kids = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
        if len(kids) != 1 or kids[0].type != "link":
            return False
    return True


def _html(markup: str, out: Blocks) -> None:
    """Raw HTML inside markdown: its visible text, through the HTML converter."""
    from ingest.formats.html_page import fragment_blocks

    out.extend(fragment_blocks(markup))
