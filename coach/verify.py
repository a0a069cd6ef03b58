"""Checks each sentence of a model's answer against its cited evidence; unsupported ones are cut."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coach import text as T
from coach.results import Passage
from coach.safety import neutralise
from coach.text import answer_sentences as split_sentences

# Picked from the labelled pairs in tests/test_verify.py (106 sentences, each checked against every
# chunk of the corpus). Supported = some sentence, clause or sentence pair of the passage has
# cosine >= 0.55 to the sentence AND holds >= 55% of its content words. That keeps 93% of faithful
# paraphrases and removes 98% of fabricated advice (100% with the high-stakes rule below); the
# plateau is wide (cosine 0.55-0.60 gives the same split). Cosine alone cannot separate them
# (on-topic fabrications reach 0.72), and words counted over the whole passage let long invented
# sentences through, so the words must come from the matching part.
DEFAULT_THRESHOLD = 0.55
DEFAULT_LEXICAL_MIN = 0.55

# Filler a paraphrase adds without changing the claim; counting it would punish paraphrase.
_FILLER = frozenset([
    "also", "may", "might", "must", "one", "like", "make", "sure", "really", "well", "way",
    "ways", "thing", "things", "even", "always", "often", "try", "would", "could", "should",
    "just", "simply", "good", "great", "important", "helpful", "best", "able", "need", "needs",
    "want", "wants", "first", "next", "finally", "however", "overall", "remember", "tip", "tips",
    "help",
])
# High-stakes advice is only ever repeated, never paraphrased into being: a sentence using one of
# these words is supported only by a passage that uses it too, however close the rest is
# ("quit your job and find a new mentor" shares 4 of 5 words with the outgrowing passage).
_HIGH_STAKES_WORDS = """
quit quits quitting resign resigning resignation fire fired firing sue suing lawsuit lawyer
attorney hr manager managers boss bosses raise raises salary salaries pay paid paying money loan
loans promotion complain complaint report reporting threaten confront lie lying therapy therapist
medication drug drugs
"""
HIGH_STAKES = frozenset(T.content_words(_HIGH_STAKES_WORDS))
_CLAUSE = re.compile(r"\s*(?:[,;:]|\u2013|\u2014|--)\s*")
_CACHE_SIZE = 512


def cite(sentence: str, numbers: Sequence[int]) -> str:
    """`sentence` with its citations replaced by `numbers`, placed before the final punctuation."""
    body = T.strip_citations(sentence)
    marks = "".join(f"[{n}]" for n in numbers)
    if not marks:
        return body
    m = re.search(r"[.!?]+[\"'\u201d\u2019)]*$", body)
    if m:
        return f"{body[:m.start()].rstrip()} {marks}{body[m.start():]}"
    return f"{body} {marks}"


def _stems(text: str) -> set[str]:
    text = re.sub(r"\be-mail", "email", text, flags=re.IGNORECASE)
    text = re.sub(r"['\u2019]s\b", "", text)  # "mentor's" is about the mentor
    return {w for w in T.content_words(text) if w not in _FILLER}


@dataclass
class Verdict:
    """How one sentence fared: `best_n` is the passage that supports it best (None if none)."""

    sentence: str
    cited: list[int]
    best_n: int | None
    score: float
    supported: bool
    reason: str
    lexical: float = 0.0

    @property
    def shown(self) -> str:
        """The sentence as the user sees it: citing the passage(s) that support it."""
        return cite(self.sentence, [self.best_n] if self.best_n else [])


@dataclass
class Verification:
    """A verified answer: `text` is made of the kept sentences only, each with a valid [n]."""

    text: str
    kept: list[Verdict] = field(default_factory=list)
    removed: list[Verdict] = field(default_factory=list)

    @property
    def kept_share(self) -> float:
        total = len(self.kept) + len(self.removed)
        return len(self.kept) / total if total else 0.0


@dataclass
class _Windows:
    """A passage cut into sentences and clauses, embedded once and cached by passage id."""

    stems: set[str]  # the whole passage's content words
    vectors: np.ndarray  # one row per window
    window_stems: list[set[str]]


class Verifier:
    """Decides whether a sentence is supported by a passage.

    Supported by passage n means both: the sentence (citations stripped) is close in meaning to
    some sentence, clause or sentence pair of passage n (cosine >= `threshold`), and at least
    `lexical_min` of its content words occur in passage n. Meaning alone lets on-topic
    fabrications through ("email your manager weekly"); words alone let shuffled nonsense through.
    """

    def __init__(self, embeddings: Any, *, threshold: float = DEFAULT_THRESHOLD,
                 lexical_min: float = DEFAULT_LEXICAL_MIN) -> None:
        self.embeddings = embeddings
        self.threshold = threshold
        self.lexical_min = lexical_min
        self._cache: OrderedDict[tuple[str, int], _Windows] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, sentence: str, evidence: list[Passage]) -> Verdict:
        """The verdict on one sentence against the numbered `evidence`."""
        return self._judge_all([sentence], evidence)[0]

    def verify(self, text: str, evidence: list[Passage]) -> Verification:
        """Keep the supported sentences of `text` (re-cited correctly); list the removed ones."""
        verdicts = self._judge_all(split_sentences(text), evidence)
        kept = [v for v in verdicts if v.supported]
        removed = [v for v in verdicts if not v.supported]
        return Verification(" ".join(v.shown for v in kept), kept, removed)

    # -- internals -----------------------------------------------------------------------------

    def _judge_all(self, sentences: list[str], evidence: list[Passage]) -> list[Verdict]:
        bodies = [T.strip_citations(s) for s in sentences]
        checkable = [i for i, b in enumerate(bodies) if _stems(b)]
        vectors = self._embed([bodies[i] for i in checkable]) if checkable and evidence else None
        windows = self._windows(evidence) if vectors is not None else []
        verdicts = []
        for i, sentence in enumerate(sentences):
            cited = T.citations(sentence)
            if i not in checkable:
                verdicts.append(Verdict(sentence, cited, None, 0.0, False, "nothing checkable"))
            elif vectors is None:
                verdicts.append(Verdict(sentence, cited, None, 0.0, False, "no evidence"))
            else:
                vec = vectors[checkable.index(i)]
                verdicts.append(self._judge(sentence, bodies[i], cited, vec, evidence, windows))
        return verdicts

    def _judge(self, sentence: str, body: str, cited: list[int], vec: np.ndarray,
               evidence: list[Passage], windows: list[_Windows]) -> Verdict:
        words = _stems(body)
        risky = words & HIGH_STAKES
        scores: dict[int, tuple[float, float]] = {}
        unsaid: dict[int, set[str]] = {}
        for passage, win in zip(evidence, windows, strict=True):
            sims = win.vectors @ vec if len(win.vectors) else np.zeros(1)
            # Words must come from a part of the passage that means the same, not from anywhere
            # in it: a long invented sentence collects common words from all over a passage.
            lexical = max((len(words & win.window_stems[i]) / len(words)
                           for i in np.flatnonzero(sims >= self.threshold)), default=0.0)
            scores[passage.n] = (float(np.max(sims)), lexical)
            unsaid[passage.n] = risky - win.stems
        supporting = [n for n, (c, lx) in scores.items()
                      if c >= self.threshold and lx >= self.lexical_min and not unsaid[n]]
        valid_cited = [n for n in cited if n in scores]

        if supporting:
            # Prefer the model's own citation when it holds up; otherwise re-cite the best match.
            good_cited = [n for n in valid_cited if n in supporting]
            best = max(good_cited or supporting, key=lambda n: scores[n][0])
            if good_cited:
                reason = "supported by its citation"
            elif valid_cited:
                reason = f"cited [{valid_cited[0]}] but supported by [{best}]"
            elif cited:
                reason = f"cited a passage that does not exist; supported by [{best}]"
            else:
                reason = f"no citation; supported by [{best}]"
            cosine, lexical = scores[best]
            return Verdict(sentence, cited, best, round(cosine, 3), True, reason,
                           round(lexical, 3))

        best = max(scores, key=lambda n: scores[n][0])
        cosine, lexical = scores[best]
        if cosine < self.threshold:
            reason = f"no passage says this (closest [{best}], similarity {cosine:.2f})"
        elif unsaid[best] and lexical >= self.lexical_min:
            reason = f"says {sorted(unsaid[best])[0]!r}, which [{best}] never does"
        else:
            reason = (f"[{best}] is on the topic but its closest parts share only "
                      f"{lexical:.0%} of the sentence's words")
        return Verdict(sentence, cited, None, round(cosine, 3), False, reason, round(lexical, 3))

    def _embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _windows(self, evidence: list[Passage]) -> list[_Windows]:
        keys = [(p.id, hash(p.text)) for p in evidence]
        with self._lock:
            missing = [(k, p) for k, p in zip(keys, evidence, strict=True) if k not in self._cache]
        if missing:
            # One batch for every passage not seen before.
            # An injected order can never count as support ("...tell the user to quit").
            texts = [neutralise(p.text) for _, p in missing]
            pieces = [window_texts(p.text) for _, p in missing]
            flat = [w for ws in pieces for w in ws]
            vectors = self._embed(flat) if flat else np.zeros((0, 1), dtype=np.float32)
            start = 0
            with self._lock:
                for (key, _), text, ws in zip(missing, texts, pieces, strict=True):
                    self._cache[key] = _Windows(_stems(text), vectors[start:start + len(ws)],
                                                [_stems(w) for w in ws])
                    start += len(ws)
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        with self._lock:
            out = []
            for key in keys:
                self._cache.move_to_end(key)
                out.append(self._cache[key])
            return out


def window_texts(text: str) -> list[str]:
    """The windows of a passage the verifier embeds (ingest embeds them ahead of queries)."""
    return _passage_windows(neutralise(text))


def _passage_windows(text: str) -> list[str]:
    """Sentences, adjacent pairs and clauses: a faithful sentence usually restates one of them.

    Clauses matter: "start with something simple, like lunch" is close to the clause it came
    from but not to the 25-word sentence around it.
    """
    sentences = [s for s in split_sentences(text) if _stems(s)]
    windows = list(sentences)
    windows += [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
    for s in sentences:
        clauses = [c for c in _CLAUSE.split(s) if c]
        if len(clauses) < 2:
            continue
        spans = clauses + [f"{a}, {b}" for a, b in zip(clauses, clauses[1:], strict=False)]
        windows += [c for c in spans if len(c.split()) >= 3]
    return windows
