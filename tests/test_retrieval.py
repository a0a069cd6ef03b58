"""Retrieval: the right guidance for paraphrased questions, nothing for off-topic ones."""

from __future__ import annotations

import numpy as np
import pytest

from coach.retrieval import Retriever, drop_near_duplicates, top_k
from coach.store import open_store
from tests import labelled


@pytest.fixture(scope="module")
def retriever(corpus_store):
    return Retriever(open_store(corpus_store), corpus_store)


def first_hit(passages, phrases) -> int | None:
    return next((p.n for p in passages if labelled.hits(p.text, phrases)), None)


def test_the_right_passage_is_in_the_top_3_for_nearly_all_paraphrased_questions(retriever):
    ranks = [first_hit(retriever.search(item["question"], k=5), item["expect"])
             for item in labelled.IN_SCOPE]
    assert len(ranks) >= 25
    hit3 = sum(r is not None and r <= 3 for r in ranks) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    misses = [i["question"] for i, r in zip(labelled.IN_SCOPE, ranks, strict=True)
              if not r or r > 3]
    assert hit3 >= 0.9, f"hit@3={hit3:.2f}, MRR={mrr:.2f}; missed: {misses}"
    assert mrr >= 0.65


def test_passages_carry_title_section_source_and_a_cosine_score(retriever):
    passages = retriever.search("my mentor stopped returning my calls")
    assert passages, "an in-scope question must find evidence"
    top = passages[0]
    assert top.title == "Making the Mentor Partnership Work: Part One (for the Mentee)"
    assert top.section == "Troubleshoot proactively"
    assert top.source == "corpus/mentor-partnership-part-one.md"
    assert 0.3 < top.score <= 1.0
    assert [p.n for p in passages] == list(range(1, len(passages) + 1))


def test_k_is_configurable(retriever):
    assert len(retriever.search("how do I find a mentor", k=2)) == 2
    assert len(retriever.search("how do I find a mentor", k=6)) == 6


@pytest.mark.parametrize("question", [i["question"] for i in labelled.OUT_OF_SCOPE][:6])
def test_off_topic_questions_find_little_or_no_evidence(retriever, question):
    # The relevance floor keeps sourdough bread from being "grounded" in mentoring advice.
    assert all(p.score < 0.45 for p in retriever.search(question))


def test_no_passages_for_an_empty_query(retriever):
    assert retriever.search("   ") == []


def test_results_are_diverse_not_near_duplicates(retriever):
    passages = retriever.search("how do I thank my mentor", k=4)
    assert len({p.id for p in passages}) == len(passages)
    assert len({p.text[:80] for p in passages}) == len(passages)


def test_a_near_duplicate_of_a_chosen_passage_is_skipped_but_order_is_kept():
    v = {"a": np.array([1.0, 0.0]), "a2": np.array([0.999, 0.045]), "b": np.array([0.0, 1.0]),
         "c": np.array([0.6, 0.8])}
    for x in v.values():
        x /= np.linalg.norm(x)
    assert drop_near_duplicates(["a", "a2", "b", "c"], v, k=3) == ["a", "b", "c"]
    # close in meaning but in other words: a page's mentors' list beside its mentees' list
    texts = {"a": "Great mentors: set aside hours for each mentee and keep information private.",
             "a2": "Great mentees: come prepared with questions and respond to feedback.",
             "b": "Something else.", "c": "Another thing."}
    assert drop_near_duplicates(["a", "a2", "b"], v, k=3, texts=texts) == ["a", "a2", "b"]
    texts["a2"] = "Great mentors: set aside hours for each mentee, keep information private."
    assert drop_near_duplicates(["a", "a2", "b", "c"], v, k=3, texts=texts) == ["a", "b", "c"]


@pytest.mark.parametrize("n", [1, 5, 40, 1000, 100_000])
def test_top_k_finds_exactly_the_best_scores_of_a_large_library(n):
    # BM25 scores as a big library has them: most chunks share a common word, many score 0,
    # and ties are frequent; the skipped-over scores must never hide one of the best.
    rng = np.random.default_rng(n)
    scores = np.round(rng.random(n) * (rng.random(n) < 0.7), 2).astype(np.float32)
    for k in (1, 4, 20, n + 3):
        got = top_k(scores, k)
        best = np.sort(scores)[::-1][:min(k, n)]
        assert np.array_equal(scores[got], best)
        assert len(set(got.tolist())) == len(got)


def test_passages_carry_their_best_sentence_score(retriever):
    top = retriever.search("my mentor stopped returning my calls")[0]
    # A sentence that names the problem is closer to the question than the whole passage.
    assert top.sentence_score is not None and top.sentence_score >= top.score


def test_the_library_s_vocabulary_is_read_again_when_another_process_rewrote_passages(
        corpus_store, monkeypatch):
    # The answerability check reads the library beside a `coach ingest` in another process;
    # Chroma's "Error finding id" there failed the whole reply ("something went wrong"), while
    # a search caught up with the store and tried once more.
    from chromadb.errors import InternalError

    retriever = Retriever(open_store(corpus_store), corpus_store)
    real, forced = retriever._lexical_index, []
    refresh = retriever.store.refresh

    def first_read_fails(version, *args, **kwargs):
        if not forced:
            raise InternalError("Error executing plan: Internal error: Error finding id")
        return real(version, *args, **kwargs)

    def noting_force(*, force=False):
        forced.extend([force] if force else [])
        return refresh(force=force)

    monkeypatch.setattr(retriever, "_lexical_index", first_read_fails)
    monkeypatch.setattr(retriever.store, "refresh", noting_force)
    library = retriever.library()
    assert forced == [True]
    assert library.chunks > 0 and library.df
