"""How well the evidence covers the words a question asks with, token by token.

An out-of-scope question near the guidance's topic often hinges on a word the evidence never
talks about ("How much magnesium ...", "on a tourist entry", "42 thousand"). With MiniLM's
contextual token vectors (`coach.minilm.OnnxMiniLM.token_vectors`), each informative word of the
part of the question that asks is matched to its best token anywhere in the evidence passages;
the coverage is the plain mean of those best cosines. Weighting words by their inverse document
frequency in the library did as well on the suite but, with a three-chunk guide, turned each
paraphrase word the guide never uses into a heavy weight and refused a second answerable
question ("I forgot to send an agenda. Is that a problem?") - the failure the library-size
logistic had (coach/answerability.py). Measured in bench/oos_tokens.py; the decision that uses
it is in coach/answerability.py.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from coach.sensitive import asking_part, subject_words
from coach.text import STOPWORDS

# texts -> each text's word pieces and unit-length contextual vectors
TokenVectors = Callable[[list[str]], list[tuple[list[str], np.ndarray]]]


def words(pieces: Sequence[str]) -> list[tuple[str, list[int]]]:
    """Word pieces joined into words ("mag", "##nes", "##ium" -> "magnesium"), with the
    indices of their pieces."""
    out: list[tuple[str, list[int]]] = []
    for i, piece in enumerate(pieces):
        if piece.startswith("##") and out:
            out[-1] = (out[-1][0] + piece[2:], out[-1][1] + [i])
        else:
            out.append((piece, [i]))
    return out


def informative(word: str) -> bool:
    """Alphabetic, longer than two letters, not a stopword."""
    return word.isalpha() and len(word) > 2 and word not in STOPWORDS


# "Do I just go along with it?": a word that stands for the story told before the ask.
_POINTS_AT_STORY = re.compile(r"\b(?:it|that|this|them)\b", re.IGNORECASE)


def subject_part(question: str) -> str:
    """What the question asks about: its asking part (the story says who asks, not what), or
    the whole question when the ask has no subject of its own ("What do I do?"), one word that
    cannot carry one ("Is that a problem?", "Should I chase?", "Help?") or two beside a word
    that points back ("Do I just go along with it?"): such an ask is about the story told
    before it."""
    ask = asking_part(question)
    words = len(subject_words(ask))
    about_story = words < 2 or (words == 2 and _POINTS_AT_STORY.search(ask) is not None)
    return question if about_story else ask


def coverage(question: tuple[list[str], np.ndarray],
             evidence: Sequence[tuple[list[str], np.ndarray]]) -> float:
    """Mean, over the informative words of `question`, of each word's best token cosine in
    `evidence` (a word of several pieces: the mean of its pieces' best). 1.0 when the question
    has no informative word or there is no evidence: nothing to judge. Never below 0."""
    pieces, vectors = question
    if not evidence or not len(vectors):
        return 1.0
    pool = np.concatenate([v for _, v in evidence]).astype(np.float32)
    best = (np.asarray(vectors, dtype=np.float32) @ pool.T).max(axis=1)
    scored = [float(best[idx].mean()) for w, idx in words(pieces) if informative(w)]
    return max(0.0, float(np.mean(scored))) if scored else 1.0


class TokenCache:
    """Token vectors per text, remembered (up to `size` texts, least recently used dropped) so
    the same evidence passages are not run through the model again on every question. A
    passage of 256 tokens holds 256 x 384 numbers: kept as float16 (~200 KB), 256 passages are
    ~50 MB at most (4096 float32 ones could reach 1.6 GB in a long-running app)."""

    def __init__(self, vectors: TokenVectors, size: int = 256) -> None:
        self._vectors = vectors
        self._size = size
        self._seen: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()  # the web app's questions share one cache

    def __call__(self, texts: list[str]) -> list[tuple[list[str], np.ndarray]]:
        with self._lock:
            known = {t: self._seen[t] for t in texts if t in self._seen}
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if todo:  # the model runs outside the lock
            for text, (pieces, vecs) in zip(todo, self._vectors(todo), strict=True):
                known[text] = (pieces, np.asarray(vecs, dtype=np.float16))
        with self._lock:
            for text in texts:
                self._seen[text] = known[text]
                self._seen.move_to_end(text)
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)
        return [known[t] for t in texts]
