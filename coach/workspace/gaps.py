"""The guidance-gap report: questions the guidance served badly, grouped by topic, as CSV.

Grouping is by shared content words, deliberately simple and deterministic (no model, same
input → same groups): each question joins the topic of its content word that the most gap
questions share (ties: alphabetical). Words in more than two thirds of the questions (say
"mentor" in a mentoring coach) cannot tell topics apart and are skipped once there are four or
more questions; a question sharing no word with any other goes under "Other questions".
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from coach.text import STOPWORDS, stem
from coach.workspace.feedback import GapEntry

OTHER = "Other questions"
CSV_COLUMNS = ["topic", "question", "reasons", "confidence", "comment", "asked_at"]
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass
class GapTopic:
    topic: str
    entries: list[GapEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def reasons(self) -> dict[str, int]:
        counts = Counter(r for e in self.entries for r in e.reasons)
        return dict(sorted(counts.items()))

    @property
    def latest(self) -> str:
        return max((e.created_at for e in self.entries), default="")


def group_gaps(entries: Sequence[GapEntry]) -> list[GapTopic]:
    """Topics, largest first (then most recent, then by name), "Other questions" last."""
    words = [_stems(e.question) for e in entries]
    df = Counter(stem_ for stems in words for stem_ in set(stems))
    common = {w for w, n in df.items() if len(entries) >= 4 and n > len(entries) * 2 / 3}
    groups: dict[str, list[int]] = {}
    for i, stems in enumerate(words):
        shared = [w for w in set(stems) if df[w] >= 2 and w not in common]
        key = min(shared, key=lambda w: (-df[w], w)) if shared else OTHER
        groups.setdefault(key, []).append(i)
    surface = _surface_forms(entries)
    topics = [GapTopic(OTHER if key == OTHER else _label(key, idx, words, surface, common),
                       [entries[i] for i in idx]) for key, idx in groups.items()]
    return sorted(topics, key=lambda t: (t.topic == OTHER, -t.count, _neg(t.latest), t.topic))


def gaps_csv(topics: Sequence[GapTopic], *, with_owner: bool = False) -> str:
    """One row per question with its topic; `with_owner` adds the user who asked."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + (["owner"] if with_owner else []))
    for topic in topics:
        for e in topic.entries:
            row = [_safe_cell(topic.topic), _safe_cell(e.question), "+".join(e.reasons),
                   "" if e.confidence is None else f"{e.confidence:.2f}",
                   _safe_cell(e.comment), e.created_at]
            writer.writerow(row + ([_safe_cell(e.owner)] if with_owner else []))
    return out.getvalue()


def _words(question: str) -> list[str]:
    """Lower-case words without "'s" ("mentor's" → "mentor"), like `coach.text.content_words`."""
    text = question.lower().replace("\u2019", "'")
    return [w.removesuffix("'s") for w in _WORD.findall(text)]


def _stems(question: str) -> list[str]:
    return [stem(w) for w in _words(question) if w not in STOPWORDS and len(w) > 2]


def _surface_forms(entries: Sequence[GapEntry]) -> dict[str, str]:
    """Each stem's most frequent spelling (ties: alphabetical), so labels read as words."""
    seen: dict[str, Counter[str]] = {}
    for e in entries:
        for w in _words(e.question):
            seen.setdefault(stem(w), Counter())[w] += 1
    return {s: min(c, key=lambda w: (-c[w], w)) for s, c in seen.items()}


def _label(key: str, members: list[int], words: list[list[str]], surface: dict[str, str],
           common: set[str]) -> str:
    """The key word, plus the next word most of the group shares (if two or more share it)."""
    inside = Counter(w for i in members for w in set(words[i]) if w != key and w not in common)
    extra = [w for w, n in sorted(inside.items(), key=lambda x: (-x[1], x[0])) if n >= 2][:1]
    return " / ".join(surface.get(w, w) for w in [key, *extra])


def _neg(stamp: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in stamp)


def _safe_cell(value: str) -> str:
    """Text a spreadsheet would run as a formula ("=…", "+…") is prefixed with a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") and len(value) > 1 else value
