"""Plain text -> canonical clean text: rejoined paragraphs, recognised headings and lists."""

from __future__ import annotations

import re

from coach.text import TITLE_SMALL_WORDS
from ingest.formats.canonical import Blocks, rejoin, table_rows, words

_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*•·‣◦▪–]|\d{1,3}[.)]|[a-z][)])[ \t]+"
                   r"(?P<text>\S.*)$")
_EMPTY_ITEM = re.compile(r"^[ \t]*[-*•·‣◦▪][ \t]*$")
_NUMBERED_HEADING = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?[ \t]+(?P<text>\S.*)$")
_UNDERLINE = re.compile(r"^[ \t]*(=+|-+)[ \t]*$")
_FINAL_PUNCTUATION = (".", ",", ";", ":", "!", "?", '"', "”", "’")
MAX_HEADING = 80
# Lines longer than this are not hard-wrapped: each is a paragraph of its own.
UNWRAPPED_LINE = 160


# Markdown headings typed in a .txt file ("## Before you meet"), at a line's start or, where the
# text's line breaks were lost, inside a long line after a sentence or another heading.
_ATX_LINE = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_ATX_INLINE = re.compile(r"(?:^|(?<=\S))[ \t]+(?=#{1,6}[ \t]+\S)")
_ITEM_INLINE = re.compile(r"[ \t]+(?=[-*][ \t]+\S)")
RUN_IN_HEADING_MAX_WORDS = 12  # a heading run into its first sentence is at most this long


def markdown_in_text(raw: str) -> str | None:
    """Markdown source for a .txt file written in Markdown (lines opening with "#" headings),
    with lost line breaks restored; None for plain text.

    A page copied as one long line ("# Mentee handbook The mentoring programme is ... ## What
    is mentoring? Mentoring is ...") became a single heading of 300 words, and its document
    yielded no passage at all. Where a long line holds two or more headings, each heading,
    its first sentence and each "- " list item start lines of their own again.
    """
    lines = [_unfold(line) if len(line) > UNWRAPPED_LINE else line for line in raw.split("\n")]
    source = "\n".join(lines)
    return source if _ATX_LINE.search(source) else None


def _unfold(line: str) -> str:
    pieces = _ATX_INLINE.split(line)
    if sum(bool(_ATX_LINE.match(p)) for p in pieces) < 2:
        return line
    out = []
    for piece in pieces:
        marks, _, text = piece.partition(" ") if piece.startswith("#") else ("", "", piece)
        heading, body = split_heading(text) if marks else ("", text)
        if heading:
            out.append(f"{marks} {heading}")
        if body:
            out.append(_ITEM_INLINE.sub("\n", body))
    return "\n\n".join(out)


def split_heading(text: str) -> tuple[str, str]:
    """`(heading, rest)` of a heading run into its section's first sentence, or ("", text).

    The heading ends at a "?" ("What is my role? Your role as ..."), or where a capitalised
    word follows a lower-case one ("The mentoring relationship The purpose ..."), or, in a
    title-case heading, before the capitalised word that a lower-case one follows ("Setting
    Goals With Your Mentor Before you meet ...").
    """
    words_ = text.split()
    for i, word in enumerate(words_[:RUN_IN_HEADING_MAX_WORDS]):
        if word.endswith("?"):
            return " ".join(words_[:i + 1]), " ".join(words_[i + 1:])
    for i in range(1, min(len(words_) - 1, RUN_IN_HEADING_MAX_WORDS + 1)):
        word, before, after = words_[i], words_[i - 1], words_[i + 1]
        if not (word[:1].isupper() and after[:1].islower()):
            continue
        if before[:1].islower() or (after not in TITLE_SMALL_WORDS and all(
                w[:1].isupper() or w in TITLE_SMALL_WORDS for w in words_[:i])):
            return " ".join(words_[:i]), " ".join(words_[i:])
    return "", text


def text_to_text(raw: str) -> tuple[str, str]:
    """`(canonical text, title)`; the title is a short first line followed by a blank line."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    first, sep, rest = raw.partition("\n")
    title = ""
    if (sep and len(first.strip()) <= 100 and rest.startswith("\n") and rest.strip()
            and not _ITEM.match(first)):
        title, raw = words(first), rest.strip()
    blocks = [b.split("\n") for b in re.split(r"\n[ \t]*\n", raw) if b.strip()]
    levels = _heading_levels(blocks)
    width = max(len(line.rstrip()) for block in blocks for line in block)
    out = Blocks()
    for i, block in enumerate(blocks):
        if i in levels:
            out.heading(levels[i], _heading_text(block))
        else:
            for is_table, lines in _table_runs(block):
                if is_table:
                    out.rows(table_rows(*_pipe_table(lines)))
                else:
                    _body(lines, out, width)
    return out.text(), title


# A row of a table typed with pipes ("| Theme | Do | Don't |"): two cells or more.
_PIPE_ROW = re.compile(r"^\s*\|(?:[^|]*\|){2,}")
_RULE_CELL = re.compile(r"^:?-{3,}:?$")


def _table_runs(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """A block cut into runs of lines: (True, a pipe table's lines) and (False, other text).
    A table's row may run on over lines that do not start with a pipe (a cell pasted with its
    line breaks) as long as each ends with one."""
    runs: list[tuple[bool, list[str]]] = []
    for line in lines:
        in_table = bool(runs) and runs[-1][0]
        is_row = bool(_PIPE_ROW.match(line)) or (in_table and (
            line.lstrip().startswith("|") or line.rstrip().endswith("|")))
        if runs and runs[-1][0] == is_row:
            runs[-1][1].append(line)
        else:
            runs.append((is_row, [line]))
    return runs


def _pipe_table(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a pipe table: a row starts at a line opening with "|"; the row above
    a rule of dashes ("|---|---|") is the header."""
    rows: list[str] = []
    for line in lines:
        if line.lstrip().startswith("|") or not rows:
            rows.append(line.strip())
        else:
            rows[-1] += " " + line.strip()
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    header: list[str] = []
    if len(cells) > 1 and all(_RULE_CELL.match(c) for c in cells[1] if c):
        header, cells = cells[0], cells[2:]
    return header, [row for row in cells if not all(_RULE_CELL.match(c) or not c for c in row)]


def _heading_levels(blocks: list[list[str]]) -> dict[int, int]:
    """Index -> level of the blocks that are headings.

    A heading is one short line without final punctuation, followed by more text: in CAPITALS
    (level 2), numbered "1. Before you start" (2) / "1.2 Dates" (3), underlined with ===/---,
    or a short plain line (level 2, or 3 when the document also uses CAPITALS headings).
    """
    found: dict[int, tuple[str, int]] = {}
    for i, block in enumerate(blocks):
        if len(block) == 2 and _UNDERLINE.match(block[1]) and len(block[0].strip()) <= MAX_HEADING:
            found[i] = ("underline", 1 if block[1].strip()[0] == "=" else 2)
        elif len(block) == 1 and i + 1 < len(blocks):
            kind = _heading_kind(block[0])
            if kind:
                found[i] = kind
    caps = any(kind == "caps" for kind, _ in found.values())
    return {i: (3 if kind == "plain" and caps else level) for i, (kind, level) in found.items()}


def _heading_kind(line: str) -> tuple[str, int] | None:
    text = line.strip()
    if not text or len(text) > MAX_HEADING or text.endswith(_FINAL_PUNCTUATION):
        return None
    if re.match(r"^\d{1,3}\)", text) or (_ITEM.match(line) and not _NUMBERED_HEADING.match(text)):
        return None
    numbered = _NUMBERED_HEADING.match(text)
    if numbered:
        return "numbered", 2 + numbered.group("number").count(".")
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "caps", 2
    if len(text.split()) <= 8 and text[0].isupper():
        return "plain", 2
    return None


def _heading_text(block: list[str]) -> str:
    """The heading's words as written (capitals kept: lower-casing would break acronyms)."""
    return words(block[0])


def _body(lines: list[str], out: Blocks, width: int) -> None:
    """Paragraphs (hard wraps rejoined) and list items (wrapped continuation lines joined)."""
    lines = _bullets_joined(lines)
    if not lines:
        return
    unwrapped = max(len(line) for line in lines) > UNWRAPPED_LINE
    indents = sorted({len(m.group("indent").expandtabs(4)) for line in lines
                      if (m := _ITEM.match(line))})
    current: list[str] = []
    item: tuple[int, str] | None = None
    bare = set() if unwrapped else _bare_items(lines, width)

    def flush() -> None:
        nonlocal current, item
        if current:
            text = rejoin(current)
            if item:
                out.item(item[0], item[1], text)
            else:
                out.paragraph(text)
        current, item = [], None

    for i, line in enumerate(lines):
        level = _inline_heading(lines, i)
        if level:
            flush()  # a heading joins no paragraph or item
            out.end_list()
            out.heading(level, line)
            continue
        if i in bare:
            flush()  # an item of a list whose markers were lost (text taken from a PDF)
            item, current = (0, "-"), [line.strip()]
            continue
        match = _ITEM.match(line)
        if match:
            flush()
            out_marker = match.group("marker")
            number = re.match(r"\d+", out_marker)
            item = (indents.index(len(match.group("indent").expandtabs(4))),
                    f"{number.group()}." if number else "-")
            current = [match.group("text")]
            continue
        if item is None and current and (unwrapped or _ends_paragraph(current[-1], lines)):
            flush()
        elif item is not None and not line[:1].isspace() and (
                unwrapped or _ends_paragraph(current[-1], lines)):
            # an unindented line after a finished item starts a paragraph; so does any line at
            # the margin in a text whose lines are not wrapped (the item ended with its line)
            flush()
        current.append(line)
    flush()
    out.end_list()


def _bullets_joined(lines: list[str]) -> list[str]:
    """A bullet alone on its line heads the text on the next line ("-" over "share updates
    about ..." on a page that sets its markers apart); one with no text after it (the end of
    a list, or an empty item) is layout, and went into the item above it as a stray "\u2022"."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if not _EMPTY_ITEM.match(line):
            if i and _EMPTY_ITEM.match(lines[i - 1]) and not _ITEM.match(line):
                line = f"{lines[i - 1].strip()} {line.strip()}"
            out.append(line)
    return out


def _inline_heading(lines: list[str], i: int) -> int | None:
    """The level of line `i` if it is a heading set inside a block with no blank line around
    it: a line in capitals after the block's first ("REQUIREMENTS AND TIPS FOR A MENTEE" in
    text taken from a PDF, 2), or a list's label right above it ("Mentee DON'Ts", 3)."""
    line = lines[i]
    if i and _caps_heading(line):
        return 2
    return 3 if _heads_a_list(line, lines[i + 1:i + 2]) else None


def _heads_a_list(line: str, following: list[str]) -> bool:
    """A short capitalised line without final punctuation, at the margin, right above a list
    item: the list's label ("Mentee DON'Ts", "Things to bring"), a heading with no blank line
    around it. Left as text it ran into the previous item's last sentence."""
    return (bool(following) and bool(_ITEM.match(following[0])) and not line[:1].isspace()
            and not _ITEM.match(line) and _heading_kind(line) is not None)


def _bare_items(lines: list[str], width: int) -> set[int]:
    """The lines that start items of a list whose bullets were lost, as in text taken from a
    PDF: three or more lines that open with a capital right after a line that is clearly
    shorter than the text's `width` and ends without a comma (so it was not wrapped). A line
    opening in lower case continues the item above it. Wrapped prose rarely has even one such
    line: its lines run to the width and a paragraph ends with a blank line."""
    starts = {i for i in range(1, len(lines))
              if lines[i][:1].isupper() and not _ITEM.match(lines[i])
              and 0 < len(lines[i - 1].rstrip()) < 0.7 * width
              and not lines[i - 1].rstrip().endswith((",", ";", "-", "\u2013"))
              and _heading_kind(lines[i - 1]) != ("caps", 2)}  # text under a heading
    if len(starts) < 3:
        return set()
    if 1 in starts and lines[0][:1].isupper() and not lines[0].rstrip().endswith(":"):
        starts.add(0)
    # a line ending in ":" is the list's lead-in, said as a paragraph of its own
    return {i for i in starts if not lines[i].rstrip().endswith(":")}


def _caps_heading(line: str) -> bool:
    """A line of two or more words in capitals, at the margin, without final punctuation: a
    heading even with no blank line around it (text taken from a PDF keeps none)."""
    return (not line[:1].isspace() and len(line.split()) >= 2
            and _heading_kind(line) == ("caps", 2))


def _ends_paragraph(line: str, lines: list[str]) -> bool:
    """A sentence-final line clearly shorter than the wrap width ends its paragraph."""
    width = max(len(x.rstrip()) for x in lines)
    return line.rstrip().endswith((".", "!", "?", ":")) and len(line.rstrip()) < 0.6 * width
