"""Build the canonical clean text form (described in `ingest.formats`) block by block."""

from __future__ import annotations

import re

# A "#" line longer than this is a paragraph that starts with a hash: as a heading, its
# document's only text became a section name and no passage was left to ingest.
HEADING_MAX_WORDS = 30

# Box kinds with a fixed wording; any other kind is written capitalised ("Danger: ...").
_CALLOUT_LABELS = {"hint": "Tip", "tip": "Tip", "note": "Note", "info": "Note",
                   "important": "Important", "warning": "Warning", "caution": "Caution",
                   "attention": "Warning", "danger": "Danger", "alert": "Note",
                   "callout": "Note", "admonition": "Note", "example": "Example"}


def words(text: str) -> str:
    """`text` on one line with single spaces (hard wraps and indentation removed)."""
    return " ".join(text.split())


def rejoin(lines: list[str]) -> str:
    """Hard-wrapped lines as one paragraph; "impor-" + "tant" becomes "important"."""
    text = lines[0].strip() if lines else ""
    for line in lines[1:]:
        line = line.strip()
        if re.search(r"[A-Za-z]-$", text) and line[:1].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}"
    return words(text)


# A page's small print, in any format: "© 2026 ...", "All rights reserved.", "Last updated:
# March 2026 · Privacy", "Page 3 of 12", "Was this page helpful? Yes No".
_FURNITURE_LINE = re.compile(
    r"^(?:\u00a9|\(c\)\s|copyright\s+(?:\u00a9|\(c\)|\d{4}))|\ball rights reserved\b|"
    r"^(?:last (?:updated|modified|reviewed|edited)|(?:updated|published|posted) on)\s*:?\s*"
    r"(?:on\s+)?(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)|"
    r"^page \d+(?: of \d+)?$|^was this (?:page|article|answer|information) (?:helpful|useful)\b|"
    # a byline: "By Pia Hansen", "… Written by Sam Lee", "Posted by J. Ortiz | 3 min read"
    r"^[\s.\u2026|\u2013\u2014-]*(?:(?:written|posted|published|words)\s+)?by\s+"
    r"(?-i:[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3})\s*(?:[|\u00b7\u2022\u2013\u2014].*)?$",
    re.IGNORECASE)
FURNITURE_MAX_WORDS = 20  # longer paragraphs say more than small print, whatever they start with
# Where else the post appeared ("Note: This post was first published on mentoring-club.com, a
# mentoring initiative where I ..."): small print however long its description of the site.
_REPUBLISHED = re.compile(
    r"^\W*(?:(?:note|editor['\u2019]?s note|update)\s*:\s*)?(?:this (?:post|article|piece|essay|"
    r"story|blog post) (?:was|is|has been) (?:first |originally )?(?:published|posted|"
    r"cross-posted|republished)|(?:originally|first) (?:published|posted)|cross-posted|"
    r"republished) (?:on|at|in|from|to|by)\b", re.IGNORECASE)
REPUBLISHED_MAX_WORDS = 40
# A Pandoc/kramdown/MkDocs attribute list: "### First message {#first-message}", "{: .note}".
_ATTRIBUTES = re.compile(r"\s*\{:?\s*[#.][\w:.#= -]*\}\s*$")
# A footnote mark set as a superscript's whole text: "1", "[2]", "*", "†", "1,3".
SUPERSCRIPT_MARK = r"\[?[\d*\u2020\u2021,\s]+\]?"


def is_page_furniture(text: str) -> bool:
    """A short paragraph that is the page's small print, not guidance."""
    n = len(text.split())
    return (n <= FURNITURE_MAX_WORDS and bool(_FURNITURE_LINE.search(text))
            or n <= REPUBLISHED_MAX_WORDS and bool(_REPUBLISHED.match(text))
            or _ATTRIBUTES.fullmatch(text) is not None)


def callout_label(kind: str) -> str:
    """The word a box of `kind` is introduced with: "tip" -> "Tip", "NOTE" -> "Note"."""
    kind = kind.strip().lower()
    return _CALLOUT_LABELS.get(kind) or kind[:1].upper() + kind[1:]


_OWN_LABEL = re.compile(r"^(?!(?:if|when|before|after|while|once|as|for|to|in)\b)[A-Z][\w'\u2019]*"
                        r"(?: [\w'\u2019]+){0,2}:\s", re.IGNORECASE)


def callout_text(label: str, title: str, first: str) -> str:
    """The box's first paragraph as a sentence: `Tip: Title. first` (title and first optional).

    A box whose text already starts with its label ("Tip: ...", "Note - ...") is not labelled
    twice.
    """
    parts = [p for p in (words(title), words(first)) if p]
    if parts and len(parts) == 2 and not parts[0].endswith((".", "!", "?", ":")):
        parts[0] += "."
    body = " ".join(parts)
    if not words(title) and _OWN_LABEL.match(body):
        return body  # "Good to know: ..." is its own label; "Note: Good to know: ..." says it twice
    if re.match(rf"{re.escape(label)}\b\s*[:.\-–—]?", body, re.IGNORECASE):
        body = re.sub(rf"^{re.escape(label)}\b\s*[:.\-–—]?\s*", "", body, flags=re.IGNORECASE)
    return f"{label}: {body}" if body else f"{label}:"


def table_rows(header: list[str], rows: list[list[str]]) -> list[str]:
    """One sentence per row, `Header: cell; Header: cell.`; rows without a header join cells.

    A row read on its own (as a search hit) still says what each cell means, which a
    pipe-separated row does not.
    """
    out = []
    for row in rows:
        cells = [words(c) for c in row]
        if header and any(header):
            pairs = [f"{h}: {c}" if h else c
                     for h, c in zip([words(h) for h in header], cells, strict=False) if c]
        else:
            pairs = [c for c in cells if c]
        if pairs:
            line = "; ".join(pairs)
            out.append(line if line.endswith((".", "!", "?")) else line + ".")
    return out


class Blocks:
    """Accumulates canonical blocks; consecutive list items (or table rows) form one block."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self._run: list[str] | None = None

    def heading(self, level: int, text: str) -> None:
        text = _ATTRIBUTES.sub("", words(text)).rstrip("#").strip()
        if text:
            self._add(f"{'#' * max(1, min(level, 6))} {text}")

    def paragraph(self, text: str) -> None:
        text = words(text)
        if text and not is_page_furniture(text):
            self._add(text)

    def item(self, depth: int, marker: str, text: str) -> None:
        """A list item at nesting `depth` (0 = top) with marker `-` or `N.`."""
        text = words(text)
        if not text:
            return
        if self._run is None:
            self._run = []
            self.blocks.append("")
        self._run.append(f"{'  ' * depth}{marker} {text}")
        self.blocks[-1] = "\n".join(self._run)

    def rows(self, lines: list[str]) -> None:
        if lines:
            self._add("\n".join(words(line) for line in lines))

    def code(self, text: str) -> None:
        text = text.strip("\n")
        if text.strip():
            self._add(f"```\n{text}\n```")

    def end_list(self) -> None:
        self._run = None

    def extend(self, other: Blocks) -> None:
        for block in other.blocks:
            self._add(block)

    def text(self) -> str:
        return "\n\n".join(b for b in self.blocks if b.strip())

    def _add(self, block: str) -> None:
        self._run = None
        self.blocks.append(block)
