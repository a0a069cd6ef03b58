"""Plain-text helpers shared by retrieval, composing and verifying: words, sentences, citations."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
CITATION = re.compile(r"\s*\[(\d+)\]")
# A sentence ends at . ! ? (optionally followed by quotes/brackets/citations) then whitespace.
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"'\u201d\u2019)]*(?:\s*\[\d+\])*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9*\-])")
# "commit approx. 1 hour every 4-6 weeks" is one sentence ("no." and "min." are left out: they
# also end sentences, "I said no. Then ...").
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "prof.", "st.",
                  "approx.", "incl.", "esp.", "cf.", "ca.", "jr.", "sr.")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]+|\d+[.)]|#+)\s+")
_MARKUP = re.compile(r"\*\*|__|`")
_LIST_NUMBER = re.compile(r"^\d+[.)]$")

STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves i'm i've you're it's don't what's
she's he's can't won't let's get got
""".split())


# Words a heading in title case keeps in lower case ("Working with Your Mentor").
TITLE_SMALL_WORDS = frozenset("a an and as at by for from in into of on or the to with".split())


def section_leaf(section: str) -> str:
    """The last part of a section path ("Guide \u203a For mentors" -> "For mentors")."""
    return section.rsplit("\u203a", 1)[-1].strip()


def stem(word: str) -> str:
    """A deliberately light stemmer: enough to match "mentors"/"mentoring" to "mentor"."""
    for suffix in ("ing", "edly", "ed", "ies", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_words(text: str) -> list[str]:
    """Lower-cased, stemmed words with stopwords removed (shared by BM25 and the verifier)."""
    text = text.lower().replace("\u2019", "'")
    words = (w.removesuffix("'s") for w in _WORD.findall(text) if w not in STOPWORDS)
    return [stem(w) for w in words if len(w) > 1]


# A paragraph that stops mid-clause right before a list is its lead-in, colon or not: "If you
# join the programme as a mentee you should", "Good questions include". Said or chunked apart
# from its list it was a fragment ("... you should [1].").
_UNFINISHED = re.compile(r"\b(?:should|must|can|could|will|would|may|might|need to|to|the|a|an|"
                         r"of|for|and|or|with|are|is|be|includes?|including|following|like|as|"
                         r"by|these|such as)\s*$", re.IGNORECASE)


def ends_unfinished(paragraph: str) -> bool:
    """The paragraph stops mid-clause (on a modal, a preposition, an article ...)."""
    return _UNFINISHED.search(paragraph) is not None


# A paragraph whose last sentence counts what a list right after it gives is its lead-in, full
# stop or not: "This simple email serves three important purposes." was said without them.
_COUNTS_WHAT_FOLLOWS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+|several|a few|a couple of|a number "
    r"of)\s+(?:[\w-]+\s+){0,2}?(?:purposes|reasons|ways|steps|things|tips|questions|benefits|"
    r"goals|aims|roles|points|options|areas|rules|stages|parts|kinds|types|ideas|habits|"
    r"principles|responsibilities|tasks|elements|components|signs|strategies|skills|"
    r"expectations|phases)\s*[.!]$|\bas follows\s*[.!]$", re.IGNORECASE)


def announces_list(paragraph: str) -> bool:
    """The paragraph stops mid-clause (`ends_unfinished`) or its last words count what follows
    ("... serves three important purposes.")."""
    return ends_unfinished(paragraph) or _COUNTS_WHAT_FOLLOWS.search(paragraph.rstrip()) is not None


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping trailing `[n]` citations with their sentence."""
    pieces: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+\.)\s)", text):
        block = " ".join(block.split())
        if not block:
            continue
        start = 0
        for match in _BOUNDARY.finditer(block):
            candidate = block[start:match.end()].strip()
            last_word = candidate.split()[-1].lower().lstrip("([{\"'\u201c\u2018")  # "(e.g."
            if (last_word in _ABBREVIATIONS or candidate.count("\u201c") > candidate.count("\u201d")
                    or candidate.count('"') % 2):
                continue  # "e.g." or a quotation still open ("Wow! That's where ...")
            pieces.append(candidate)
            start = match.end()
        tail = block[start:].strip()
        if tail:
            pieces.append(tail)
    return pieces


def without_bullet(sentence: str) -> str:
    """`sentence` without the list marker a list item's first sentence keeps ("- If not, ...")."""
    return _BULLET.sub("", sentence).strip()


def answer_sentences(text: str) -> list[str]:
    """Sentences of an answer, each keeping its trailing `[n]` citations, without bullets or markup.

    Handles citations after the full stop ("... lunch. [2]"), abbreviations ("e.g."), numbered
    and bulleted lists, and hard line breaks.
    """
    out: list[str] = []
    for piece in split_sentences(_MARKUP.sub("", text)):
        piece = without_bullet(piece)
        if not piece or _LIST_NUMBER.match(piece):
            continue  # "1." split off a numbered list item
        if out and not strip_citations(piece):
            out[-1] = f"{out[-1]} {piece}"  # a citation on a line of its own belongs above
            continue
        out.append(piece)
    return out


def citations(sentence: str) -> list[int]:
    """The `[n]` numbers a sentence cites, in order."""
    return [int(n) for n in CITATION.findall(sentence)]


def strip_citations(sentence: str) -> str:
    return CITATION.sub("", sentence).strip()


def clean_user_text(text: str) -> str:
    """Drop control characters (keeping newlines/tabs) and normalise Unicode; user text is data."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def excerpt(text: str, limit: int) -> str:
    """`text` on one line (whitespace runs collapsed), cut to `limit` characters with "..."."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 3] + "..."
