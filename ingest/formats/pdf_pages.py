"""PDF -> canonical clean text: running headers, footers and page numbers dropped, wrapped
lines rejoined into paragraphs, headings found by font size, bullets kept as list items."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ingest.formats.canonical import Blocks, rejoin, words

_BULLET = re.compile(r"^(?:[•◦▪‣●○■□∙·\-–*\uf0a7\uf0b7\uf0d8\uf076]|(?P<n>\d{1,3})[.)]"
                     r"|\(?[a-z]\))\s+(?P<text>\S.*)$")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?#(?:\s*(?:of|/)\s*#)?$|^[-–—]\s*#\s*[-–—]$"
                          r"|^[ivxlc]{1,6}$", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", ":", '"', "”", ";")
EDGE_LINES = 3  # how many lines at the top and bottom of a page may be running furniture
HEADING_RATIO = 1.15  # a line this much larger than body text is a heading (measured: fpdf2
# and Word exports use 1.2-2x for headings, and never vary body text by more than 5%)


@dataclass
class Line:
    text: str
    size: float = 0.0
    bold: bool = False
    x: float = 0.0
    y: float = 0.0
    page: int = 0


def pdf_to_text(reader: Any) -> tuple[str, str]:
    """`(canonical text, first heading or "")` for a pypdf `PdfReader`."""
    pages = [_page_lines(page, n) for n, page in enumerate(reader.pages)]
    lines = _merge_wrapped_headings([ln for page in _drop_running_lines(pages) for ln in page])
    out = Blocks()
    first_heading = _write(lines, out)
    return out.text(), first_heading


def _page_lines(page: Any, number: int) -> list[Line]:
    """The page's text lines with font size, boldness and position (pypdf's text visitor)."""
    lines: list[Line] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip("\n"):
            return
        scale = abs(tm[3] * cm[3]) or 1.0
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        bold = "bold" in str((font or {}).get("/BaseFont", "")).lower()
        for k, part in enumerate(text.split("\n")):
            if k == 0 and lines and abs(lines[-1].y - y) < max(size * scale, 1) * 0.5:
                lines[-1].text += part
                lines[-1].size = max(lines[-1].size, size * scale if part.strip() else 0)
                lines[-1].bold = lines[-1].bold and (bold or not part.strip())
            elif part.strip():
                lines.append(Line(part, size * scale, bold, x, y - k * size * scale, number))

    text = page.extract_text(visitor_text=visit) or ""
    if not lines and text.strip():  # no positions from this PDF: plain lines, heuristics only
        lines = [Line(t, page=number) for t in text.splitlines()]
    return [Line(words(ln.text), ln.size, ln.bold, ln.x, ln.y, ln.page)
            for ln in lines if ln.text.strip()]


def _key(line: Line) -> tuple[str, int]:
    """Text with digits as "#", and the line's height on the page in 6-point bands."""
    return re.sub(r"\d+", "#", words(line.text).lower()), round(line.y / 6)


def _drop_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Without page numbers, and without lines repeated at the same height at the top or bottom
    of most pages (digits ignored: "Handbook 2024, page 3" and "..., page 4" are one line).

    Requiring the same height keeps body text that happens to repeat (a recurring "Before you
    leave:" lead-in) while running headers, which sit at a fixed height, still go.
    """
    counts: Counter[tuple[str, int]] = Counter()
    for page in pages:
        counts.update({_key(ln) for ln in _edges(page)})
    need = max(2, (len([p for p in pages if p]) + 1) // 2)
    repeated = {k for k, c in counts.items() if c >= need}
    kept = []
    for page in pages:
        edges = {id(ln) for ln in _edges(page)}
        kept.append([ln for ln in page if id(ln) not in edges
                     or not (_key(ln) in repeated or _PAGE_NUMBER.match(_key(ln)[0]))])
    return kept


def _edges(page: list[Line]) -> list[Line]:
    return page[:EDGE_LINES] + page[max(EDGE_LINES, len(page) - EDGE_LINES):]


def _merge_wrapped_headings(lines: list[Line]) -> list[Line]:
    """A heading wrapped over two lines (same larger size, next line just below) is one line."""
    body = _body_size(lines)
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and body and ln.size >= body * HEADING_RATIO
                and abs(prev.size - ln.size) < 0.1 and prev.page == ln.page
                and 0 < prev.y - ln.y < 2 * ln.size and not prev.text.endswith((".", ":"))):
            prev.text = f"{prev.text} {ln.text}"
        else:
            out.append(ln)
    return out


def _write(lines: list[Line], out: Blocks) -> str:
    """Emit headings, paragraphs and list items; return the first heading's text."""
    body = _body_size(lines)
    levels = _heading_levels(lines, body)
    gap = _line_gap(lines)
    width = max((len(ln.text) for ln in lines), default=0)
    bullet_xs = sorted({round(ln.x) for i, ln in enumerate(lines)
                        if _BULLET.match(ln.text) and i not in levels})
    first_heading = ""
    current: list[str] = []
    item: tuple[int, str, float] | None = None

    def flush() -> None:
        nonlocal current, item
        if current:
            text = rejoin(current)
            if item:
                out.item(item[0], item[1], text)
            else:
                out.end_list()
                out.paragraph(text)
        current, item = [], None

    previous: Line | None = None
    for i, line in enumerate(lines):
        level = levels.get(i)
        if level:
            flush()
            out.heading(level, line.text)
            first_heading = first_heading or line.text
            previous = line
            continue
        match = _BULLET.match(line.text)
        if match:
            flush()
            depth = _nearest(bullet_xs, round(line.x))
            item = (depth, f"{match.group('n')}." if match.group("n") else "-", line.x)
            current = [match.group("text")]
        elif current and _breaks(previous, line, gap, width, item):
            flush()
            current = [line.text]
        else:
            current.append(line.text)
        previous = line
    flush()
    return first_heading


def _breaks(previous: Line | None, line: Line, gap: float, width: int,
            item: tuple[int, str, float] | None) -> bool:
    """Does `line` start a new paragraph rather than continue the one before it?"""
    if previous is None:
        return True
    if item is not None and line.x <= item[2] + 1 and previous.text.endswith(_SENTENCE_END):
        return True  # back at the bullet's margin after a finished item
    if line.page == previous.page and gap and previous.y - line.y > gap * 1.4:
        return True
    if line.page != previous.page and previous.text.endswith(_SENTENCE_END):
        return True  # a page that ends on a full stop usually ends its paragraph
    return previous.text.endswith(_SENTENCE_END) and len(previous.text) < 0.7 * width


def _nearest(values: list[int], value: int) -> int:
    return min(range(len(values)), key=lambda k: abs(values[k] - value)) if values else 0


def _body_size(lines: list[Line]) -> float:
    sizes: Counter[float] = Counter()
    for ln in lines:
        sizes[round(ln.size, 1)] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _line_gap(lines: list[Line]) -> float:
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False)
            if a.page == b.page and 0 < a.y - b.y < 3 * max(a.size, 1)]
    return statistics.median(gaps) if gaps else 0.0


def _heading_levels(lines: list[Line], body: float) -> dict[int, int]:
    """Index -> level for heading lines.

    By font size when the PDF has sizes (larger = higher level; a bold line at body size is the
    lowest level); otherwise a conservative guess: a short line without final punctuation,
    after a finished paragraph and followed by a longer line.
    """
    if body:
        found = {i: round(ln.size, 1) for i, ln in enumerate(lines)
                 if (ln.size >= body * HEADING_RATIO and _headingish(ln.text, numbered=True))
                 or (ln.bold and ln.size >= body * 0.95 and _headingish(ln.text))}
        ranks = sorted(set(found.values()), reverse=True)
        levels = {i: min(ranks.index(s) + 1, 5) for i, s in found.items()}
        return _nest_unnumbered(lines, levels)
    found_plain = {}
    for i, ln in enumerate(lines):
        before = lines[i - 1].text if i else "."
        after = lines[i + 1].text if i + 1 < len(lines) else ""
        if (_headingish(ln.text) and len(ln.text) <= 60 and ln.text[:1].isupper()
                and before.endswith(_SENTENCE_END) and len(after) > 1.5 * len(ln.text)):
            found_plain[i] = 2
    return found_plain


def _nest_unnumbered(lines: list[Line], levels: dict[int, int]) -> dict[int, int]:
    """Unnumbered headings after a numbered one of the same size are its subsections.

    Guides often number chapters ("2. Working across cultures") and set their unnumbered
    subheadings ("Directness") in the same font.
    """
    out = dict(levels)
    numbered_at: set[int] = set()
    for i in sorted(levels):
        level = levels[i]
        numbered_at = {lv for lv in numbered_at if lv <= level}
        if re.match(r"\d{1,2}(\.\d{1,2})*\.?\s", lines[i].text):
            numbered_at.add(level)
        elif level in numbered_at:
            out[i] = level + 1
    return out


def _headingish(text: str, numbered: bool = False) -> bool:
    """Short, not ending like a sentence, not a bullet ("2. Dates" only if `numbered`)."""
    bullet = _BULLET.match(text)
    return (0 < len(text) <= 120 and not text.endswith((".", ",", ";", ":"))
            and (not bullet or (numbered and bool(bullet.group("n"))))
            and any(c.isalpha() for c in text))
