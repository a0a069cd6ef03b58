"""The guidance points each kind of note follows: fixed queries, each quoting a found sentence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from coach.errors import StoreError
from coach.results import Passage
from coach.safety import looks_like_injection
from coach.text import content_words, split_sentences

Retrieve = Callable[[str], list[Passage]]


@dataclass(frozen=True)
class _Point:
    """One piece of guidance a kind of note follows: what the note does, and how to find it."""

    label: str
    query: str


# Fixed per kind, never built from user text: the evidence a draft cites cannot be steered.
_POINTS: dict[str, tuple[_Point, ...]] = {
    "outreach": (
        _Point("Introduces you", "simply introduce yourself to the person or ask a mutual "
               "acquaintance to do the honors"),
        _Point("Names the areas you want guidance on and asks for coffee",
               "explain you're looking for guidance in your field, describe particular areas "
               "you're seeking guidance on, take her out for coffee and pick her brain"),
        _Point("Asks for something small, not a lifelong commitment",
               "rather than asking for a lifelong commitment, start with something simple like "
               "lunch"),
        _Point("Makes it easy to say no", "if she declines, let it go; it's nothing personal"),
    ),
    "thank-you": (
        _Point("Thanks them for something specific",
               "she helps you with a sticky work situation or puts in a good word for you, let her "
               "know how much you appreciate her time and effort"),
        _Point("Tells them the outcome", "let your mentor know the outcome of situations she "
               "helped with and the value of the information she provided"),
        _Point("Keeps it a sincere note", "don't underestimate the power of a genuine thank you, "
               "writing a sincere note"),
    ),
    "back-off": (
        _Point("Backs off instead of pressing",
               "if your mentor stops returning calls, your best bet is to back way off; she feels "
               "overwhelmed"),
        _Point("Thanks them and offers to reconnect when they're ready",
               "send her a note thanking her for her continued help, let her know you'd like to "
               "be back in touch when she's ready"),
        _Point("Leaves the next step to them",
               "let her be the one to suggest your next get-together"),
    ),
    "follow-up": (
        _Point("Tells them how things turned out",
               "take time to let your mentor know the outcome of situations she helped with"),
        _Point("Says what their help was worth",
               "she helps you with a sticky work situation or puts in a good word for you that "
               "leads to a great job, let her know how much you appreciate her time and effort"),
        _Point("Thanks them", "don't underestimate the power of a genuine thank you"),
    ),
}


# A sentence must share this much with a point's query to be cited for it.
_MIN_SHARED_WORDS = 2
_MIN_RECALL = 0.34


def _guidance(kind: str, retrieve: Retrieve) -> tuple[list[str], list[Passage], bool]:
    """Points quoting one retrieved sentence each, and the passages they cite renumbered 1..m."""
    chosen: list[tuple[list[str], str, Passage]] = []  # labels, sentence, passage
    for point in _POINTS[kind]:
        try:
            passages = retrieve(point.query)
        except StoreError:
            passages = []  # an empty or missing store: draft without guidance, say so
        ranked = _rank_sentences(point.query, passages)
        used = {sentence for _, sentence, _ in chosen}
        fresh = [(s, p) for s, p in ranked if s not in used]
        if fresh:
            sentence, passage = fresh[0]
            chosen.append(([point.label], sentence, passage))
        elif ranked:  # the best sentence already serves another point: say it serves both
            for labels, sentence, _ in chosen:
                if sentence == ranked[0][0]:
                    labels.append(point.label[:1].lower() + point.label[1:])
    sources: list[Passage] = []
    numbers: dict[str, int] = {}
    points = []
    for labels, sentence, passage in chosen:
        if passage.id not in numbers:
            numbers[passage.id] = len(sources) + 1
            sources.append(replace(passage, n=numbers[passage.id]))
        points.append(f"{'; '.join(labels)}: \"{sentence}\" [{numbers[passage.id]}]")
    return points, sources, bool(points)


def _rank_sentences(query: str, passages: list[Passage]) -> list[tuple[str, Passage]]:
    """Sentences of `passages` that share enough with `query`, most relevant first."""
    wanted = content_words(query)
    want_set, want_pairs = set(wanted), set(zip(wanted, wanted[1:], strict=False))
    if not want_set:
        return []
    scored = []
    for rank, passage in enumerate(passages):
        for position, sentence in enumerate(split_sentences(passage.text)):
            if sentence not in passage.text or len(sentence.split()) < 4:
                continue  # only quote what a reader can find verbatim in the source
            if looks_like_injection(sentence):
                continue  # orders aimed at an AI are never guidance a draft follows
            words = content_words(sentence)
            shared = want_set & set(words)
            recall = len(shared) / len(want_set)
            if len(shared) < _MIN_SHARED_WORDS or recall < _MIN_RECALL:
                continue
            pairs = want_pairs & set(zip(words, words[1:], strict=False))
            score = recall + 0.5 * len(pairs) / max(len(want_pairs), 1)
            scored.append((-score, rank, position, sentence, passage))
    scored.sort(key=lambda item: item[:3])
    return [(sentence, passage) for *_, sentence, passage in scored]
