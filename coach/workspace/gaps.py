"""The guidance-gap report: questions the guidance served badly, grouped by topic, as CSV.

Grouping is by shared content words, deliberately simple and deterministic (no model; the same
questions in any order give the same groups): each question joins the topic of the word that
ties it most strongly to the other questions (see `_key`). Words in more than two thirds of
the questions (say "mentor" in a mentoring coach) cannot tell topics apart and are skipped once
there are four or more questions; a question that shares no word with another, or ends up
alone, goes under "Other questions".
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
    words = [set(_stems(e.question)) for e in entries]
    df = Counter(w for ws in words for w in ws)
    common = {w for w, n in df.items() if len(entries) >= 4 and n > len(entries) * 2 / 3}
    words = [ws - common for ws in words]
    groups: dict[str, list[int]] = {}
    for i in range(len(entries)):
        groups.setdefault(_key(i, words, df), []).append(i)
    surface = _surface_forms(entries)
    topics, other = [], GapTopic(OTHER)
    for key, members in groups.items():
        if key == OTHER or len(members) < 2:
            other.entries += [entries[i] for i in members]
        else:
            topics.append(GapTopic(_label(key, members, words, surface),
                                   [entries[i] for i in members]))
    other.entries.sort(key=lambda e: e.created_at)
    topics.sort(key=lambda t: (-t.count, _neg(t.latest), t.topic))
    return topics + ([other] if other.entries else [])


def _key(i: int, words: list[set[str]], df: Counter[str]) -> str:
    """The word of question `i` that ties it most strongly to the others.

    For each word it shares, add up how many words each question containing it shares with
    question `i`; the highest total wins (ties: the word more questions have, then
    alphabetical). So "negotiate salary" questions gather on their two shared words rather
    than on a word each shares with one unrelated question.
    """
    best, best_score = OTHER, (0, 0, "")
    for word in sorted(words[i]):
        pull = sum(len(words[i] & other) for j, other in enumerate(words)
                   if j != i and word in other)
        score = (pull, df[word], word)
        if pull and (score[:2] > best_score[:2]):
            best, best_score = word, score
    return best


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


def _label(key: str, members: list[int], words: list[set[str]], surface: dict[str, str]) -> str:
    """The key word, plus the next word most of the group shares (if two or more share it)."""
    inside = Counter(w for i in members for w in words[i] if w != key)
    extra = [w for w, n in sorted(inside.items(), key=lambda x: (-x[1], x[0])) if n >= 2][:1]
    return " / ".join(surface.get(w, w) for w in [key, *extra])


def _neg(stamp: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in stamp)


def _safe_cell(value: str) -> str:
    """Text a spreadsheet would run as a formula ("=…", "+…") is prefixed with a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") and len(value) > 1 else value
