"""Token coverage: word pieces joined, the part that asks, the token-vector cache (logic only;
the rule that uses it is tested with the real model in tests/test_answerability.py)."""

from __future__ import annotations

import numpy as np

from coach.coverage import TokenCache, coverage, subject_part, words


def test_word_pieces_are_joined_into_words() -> None:
    assert words(["how", "much", "mag", "##nes", "##ium", "?"]) == [
        ("how", [0]), ("much", [1]), ("magnesium", [2, 3, 4]), ("?", [5])]


def test_the_subject_is_the_asking_part_unless_the_ask_has_none() -> None:
    assert subject_part("My mentor is a lawyer. How do I prepare a pitch?") == (
        "How do I prepare a pitch?")
    story = "I forgot to send the agenda before our meeting. What do I do now?"
    assert subject_part(story) == story  # "What do I do now?" asks about the story
    # One word cannot carry a subject: "Is that okay?" asks about the story told before it.
    for story in ["I'd rather keep our talks strictly about work. Is that okay?",
                  "She hasn't picked a date for a week now. Should I chase?",
                  "My mentor wants me to switch teams and I disagree. Do I go along with it?",
                  # "even" is no subject: the token rule read "start" alone and declined this
                  "She has ignored my last three emails and I feel lost. Where do I even start?"]:
        assert subject_part(story) == story


def _unit(*rows: list[float]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_coverage_is_the_mean_best_match_of_the_informative_words() -> None:
    question = (["which", "stamp", "costs", "?"], _unit([1, 0], [1, 0], [0, 1], [1, 1]))
    evidence = [(["agenda", "post"], _unit([1, 0], [1, 0]))]
    # "which" is a stopword and "?" not a word: stamp 1.0, costs 0.0
    assert coverage(question, evidence) == 0.5
    assert coverage(question, []) == 1.0


def test_token_vectors_of_a_text_are_computed_once() -> None:
    calls: list[list[str]] = []

    def vectors(texts: list[str]) -> list[tuple[list[str], np.ndarray]]:
        calls.append(texts)
        return [([t], _unit([1, 0])) for t in texts]

    cache = TokenCache(vectors, size=2)
    cache(["a", "b"])
    cache(["b", "a"])
    assert calls == [["a", "b"]]
    cache(["c"])  # over the size: the least recently used ("b") goes
    cache(["a"])
    cache(["b"])
    assert calls == [["a", "b"], ["c"], ["b"]]
