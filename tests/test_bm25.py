"""BM25 built with numpy: the same scores as bm25s, which retrieval's weights were tuned with."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest

from coach.bm25 import BM25, word_counts
from coach.text import content_words

CHUNKS = [
    "Ask your mentor for feedback after each meeting, and write down what she suggests.",
    "A thank-you note after a coffee meeting shows you valued her time.",
    "When a mentor goes quiet for months, send one short update and leave the door open.",
    "Salary negotiation: research the range first; ask your mentor how she negotiated.",
    "Keep a log of goals, progress and questions so every meeting starts where the last ended.",
    "Boundaries matter: do not call a mentor at home unless she offered.",
    "",
]
QUERIES = ["How do I thank my mentor for her time?", "negotiate salary", "mentor mentor meeting",
           "baking sourdough bread", "What if my mentor stops answering?"]


def tokens(texts: list[str]) -> list[list[str]]:
    return [content_words(t) or ["\x00"] for t in texts]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_match_bm25s_for_every_chunk(query: str) -> None:
    corpus = tokens(CHUNKS)
    reference = bm25s.BM25()
    reference.index(corpus, show_progress=False)
    vocab: dict[str, int] = {}
    ours = BM25.build(word_counts(corpus, vocab), vocab)

    terms = content_words(query)
    known = [t for t in terms if t in reference.vocab_dict]
    expected = reference.get_scores(known) if known else np.zeros(len(corpus))
    assert np.allclose(ours.scores(terms), expected, atol=1e-6)
    assert ours.scores(terms).any() == bool(known)


def test_an_index_rebuilt_from_kept_counts_scores_as_one_built_from_scratch() -> None:
    # After an ingest, retrieval keeps each old chunk's counts and counts only the new ones.
    vocab: dict[str, int] = {}
    old = word_counts(tokens(CHUNKS[:4]), vocab)
    grown = dict(vocab)
    new = word_counts(tokens(CHUNKS[4:]), grown)
    fresh_vocab: dict[str, int] = {}
    fresh = BM25.build(word_counts(tokens(CHUNKS), fresh_vocab), fresh_vocab)

    rebuilt = BM25.build(old + new, grown)

    assert {w: vocab[w] for w in vocab} == {w: grown[w] for w in vocab}  # old ids kept
    for query in QUERIES:
        assert np.allclose(rebuilt.scores(content_words(query)),
                           fresh.scores(content_words(query)), atol=1e-6)
    assert rebuilt.document_frequencies() == fresh.document_frequencies()
    assert rebuilt.document_frequencies()["mentor"] == sum("mentor" in c.lower() for c in CHUNKS)


def test_a_delta_scores_its_chunks_as_a_full_build_over_all_chunks_would() -> None:
    # Retrieval appends a small ingest as a delta scored with the main index's statistics.
    vocab: dict[str, int] = {}
    main = BM25.build(word_counts(tokens(CHUNKS[:5]), vocab), vocab)
    grown = dict(vocab)
    delta = BM25.build(word_counts(tokens(CHUNKS[5:]), grown), grown, base=main)
    full_vocab: dict[str, int] = {}
    full = BM25.build(word_counts(tokens(CHUNKS), full_vocab), full_vocab)

    for query in QUERIES + ["boundaries at home"]:
        terms = content_words(query)
        assert np.allclose(delta.scores(terms), full.scores(terms)[5:], atol=1e-6)
    assert delta.scores(content_words("boundaries at home")).any()  # words only it holds
