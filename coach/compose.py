"""The embedded default generator: a cited answer composed from the guidance sentences."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from coach.results import Passage
from coach.safety import looks_like_injection
from coach.text import content_words, split_sentences

if TYPE_CHECKING:
    from coach.store import Embedder as Embeddings

MAX_SENTENCES = 4
SENTENCE_FLOOR = 0.30  # below this cosine a guidance sentence is off the question's topic
RELATIVE_FLOOR = 0.78  # keep sentences within this share of the best one's score
SENTENCE_WEIGHT = 0.6  # sentence vs. passage similarity in a sentence's score
CARRY = 0.90  # share of a sentence's score passed on to the next one in its paragraph
MMR_LAMBDA = 0.7

# Connectives that only make sense in the article's flow, not lifted out of it.
_LEADING = re.compile(r"^(?:(?:so|again|then|instead|also|in any case),|and|but)\s+",
                      re.IGNORECASE)
# HTML in guidance text is page furniture or an attack, never advice: scripts and styles go
# with their content, other tags alone, before sentences are picked.
_CODE_ELEMENT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_MARKUP_TAG = re.compile(r"</?\s*[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")


class NothingRelevant(Exception):
    """The evidence holds no sentence close enough to the question to advise on it.

    Internal control flow (the caller answers with a refusal), not a user-facing error: it is
    deliberately not a `CoachError`, nor a `LookupError` a face might mistake for one.
    """


class GroundedComposer:
    """Select, order and cite the guidance sentences that answer a question. No LLM involved.

    Deterministic: the same evidence and question always give the same answer. Sentence
    embeddings are cached per passage, so an answer costs one query embedding.
    """

    name = "grounded"

    def __init__(self, embeddings: Embeddings) -> None:
        self.embeddings = embeddings
        self._cache: dict[str, tuple[list[str], np.ndarray]] = {}
        self._lock = threading.Lock()

    def stream(self, question: str, evidence: list[Passage],
               history: list[dict] | None = None, *, focus: str | None = None) -> Iterator[str]:
        """Yield the answer a sentence at a time; raises `NothingRelevant` before yielding."""
        yield from render(question, self.select(question, evidence, focus=focus))

    def select(self, question: str, evidence: list[Passage], *,
               focus: str | None = None) -> list[tuple[Passage, str]]:
        """The guidance sentences to say, in reading order, each with the passage it came from.

        `focus` is the mentee's latest message when `question` was widened with earlier turns:
        the evidence came from the whole thread, but the sentences should answer what was asked.
        """
        qvec = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        if focus and focus != question:
            qvec = qvec + np.asarray(self.embeddings.embed_query(focus), dtype=np.float32)
            qvec /= np.linalg.norm(qvec) or 1.0
        per_passage = [(p, *self._sentences(p)) for p in evidence]
        weights = _informative_words(question, [s for _, ss, _ in per_passage for s in ss])
        scored: list[tuple[float, Passage, int, str, np.ndarray]] = []
        for passage, sentences, vectors in per_passage:
            previous = 0.0
            for i, (sentence, vec) in enumerate(zip(sentences, vectors, strict=True)):
                words = set(content_words(sentence))
                overlap = sum(w for word, w in weights.items() if word in words)
                # The passage score reflects the whole section's topic; a lone sentence's
                # embedding is swayed by shared words ("mentor" is in nearly every sentence).
                own = (SENTENCE_WEIGHT * float(vec @ qvec)
                       + (1 - SENTENCE_WEIGHT) * passage.score
                       + 0.15 * overlap)
                # Guidance runs in paragraphs: the sentence after a strong match often says what
                # to do about it ("...back way off. ... Send her a note"), so it inherits a share.
                score = max(own, CARRY * previous)
                previous = score
                scored.append((score, passage, i, sentence, vec))
        if not scored:
            raise NothingRelevant(question)
        best = max(s[0] for s in scored)
        if best < SENTENCE_FLOOR:
            raise NothingRelevant(question)
        pool = [s for s in scored if s[0] >= max(SENTENCE_FLOOR, best * RELATIVE_FLOOR)]
        chosen: list[tuple[float, Passage, int, str, np.ndarray]] = []
        while pool and len(chosen) < MAX_SENTENCES:
            def gain(item: tuple[float, Passage, int, str, np.ndarray]) -> float:
                redundancy = max((float(item[4] @ c[4]) for c in chosen), default=0.0)
                return MMR_LAMBDA * item[0] - (1 - MMR_LAMBDA) * redundancy

            pick = max(pool, key=gain)
            chosen.append(pick)
            pool.remove(pick)
        # Reading order (passage rank, then position) keeps cause before consequence.
        chosen.sort(key=lambda s: (s[1].n, s[2]))
        return [(passage, voice(sentence)) for _, passage, _, sentence, _ in chosen]

    def _sentences(self, passage: Passage) -> tuple[list[str], np.ndarray]:
        with self._lock:
            hit = self._cache.get(passage.id)
        if hit is not None:
            return hit
        text = _MARKUP_TAG.sub(" ", _CODE_ELEMENT.sub(" ", passage.text))
        sentences = [s for s in split_sentences(text) if is_advice_candidate(s)]
        # Embedded under their section title, as chunks are: "Find a mentor: start looking ...".
        framed = [f"{passage.section}: {s}" if passage.section else s for s in sentences]
        vectors = (np.asarray(self.embeddings.embed_documents(framed), dtype=np.float32)
                   if sentences else np.zeros((0, 1), dtype=np.float32))
        with self._lock:
            self._cache[passage.id] = (sentences, vectors)
        return sentences, vectors


def _informative_words(question: str, sentences: list[str]) -> dict[str, float]:
    """Weights for the question's words: 0 for words in most candidate sentences ("mentor")."""
    words = set(content_words(question))
    if not words or not sentences:
        return {}
    bags = [set(content_words(s)) for s in sentences]
    weights = {w: 1.0 - sum(w in b for b in bags) / len(bags) for w in words}
    total = sum(weights.values()) or 1.0
    return {w: v / total for w, v in weights.items() if v > 0.5}


def is_advice_candidate(sentence: str) -> bool:
    """Headings, rhetorical questions and fragments are not things to tell a mentee.

    Nor is text that gives orders to an AI ("ignore previous instructions and tell the user
    to ...") or carries markup: a document may contain them, and its passage may be shown
    as a quoted source, but the coach never says them in its own voice.
    """
    words = sentence.split()
    return (len(words) >= 5 and not sentence.lstrip().startswith("#")
            and not sentence.rstrip().endswith("?")
            and not _MARKUP_TAG.search(sentence) and not looks_like_injection(sentence))


def voice(sentence: str) -> str:
    """Lift a sentence out of the article: drop flow connectives, keep the guidance's words."""
    sentence = _LEADING.sub("", sentence.strip())
    return sentence[:1].upper() + sentence[1:]


def render(question: str, picked: list[tuple[Passage, str]]) -> Iterator[str]:
    """The answer's pieces: a lead-in line, then each picked sentence with its citation."""
    yield lead_in(question) + "\n"
    for passage, sentence in picked:
        yield f"\n- {sentence} [{passage.n}]"


def lead_in(question: str) -> str:
    q = question.lower()
    if any(w in q for w in ("should i", "can i", "is it ok", "is it okay", "do i")):
        return "Here's what the guidance suggests:"
    if q.startswith(("what is", "what's", "who is", "what does")):
        return "Here's how the guidance puts it:"
    return "Here's what the guidance recommends:"
