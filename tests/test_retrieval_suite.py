"""Retrieval over a library of several guides: a question finds its own guide's passage.

The library is the team's guidance suite (tests/guidance: six guides plus the shipped
article) in one store, each labelled question asked as `coach eval --suite` asks it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach import suite
from coach.conversation import resolve_follow_up
from coach.evaluation import first_hit
from coach.retrieval import Retriever, pair_texts, query_parts, sentence_texts
from coach.settings import REPO_ROOT, Settings
from coach.store import open_store

SUITE = REPO_ROOT / "tests" / "guidance"


def test_a_question_of_several_sentences_is_split_into_them():
    parts = query_parts("My mentor is a lawyer and I work in retail. How do I get useful advice?")
    assert parts == ["My mentor is a lawyer and I work in retail.", "How do I get useful advice?"]


def test_a_one_sentence_question_has_no_parts():
    assert query_parts("How do I get useful advice from my mentor?") == []
    # A sentence without a content word ("So?") is not a part, so nothing is left to split.
    assert query_parts("So? How do I get useful advice from my mentor?") == []


def test_sentence_pairs_are_framed_by_their_section_like_single_sentences():
    text = "Plan the first call. Send two questions ahead. Keep it to half an hour."
    singles = sentence_texts(text, "First meeting")
    pairs = pair_texts(text, "First meeting")
    assert singles[0] == "First meeting: Plan the first call."
    assert pairs == ["First meeting: Plan the first call. Send two questions ahead.",
                     "First meeting: Send two questions ahead. Keep it to half an hour."]
    assert pair_texts("Only one sentence here.", "First meeting") == []


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[dict]]:
    from coach.api import passage_texts
    from ingest.indexer import sync

    settings = Settings.from_env(env={}, data_dir=tmp_path_factory.mktemp("suite_library"),
                                 corpus_dir=REPO_ROOT / "corpus")
    docs, items = suite.load_suite(SUITE, with_shipped=Path(settings.corpus_dir)
                                   / suite.SHIPPED_DOC)
    report = sync(open_store(settings, create=True, passage_texts=passage_texts), docs,
                  progress=False)
    assert report.ok, report.errors
    return settings, [i for i in items if not i.get("out_of_scope")]


@pytest.mark.model
def test_in_a_library_of_seven_guides_most_questions_find_their_guide_in_the_top_3(library):
    # Measured (issue 9): 0.65 / MRR 0.57 scoring the whole question and single sentences;
    # 0.69 / 0.59 with each sentence of the question and sentence pairs (coach.retrieval).
    settings, items = library
    retriever = Retriever(open_store(settings), settings)
    ranks = [first_hit(retriever.search(resolve_follow_up(i["question"], i.get("history") or []),
                                        k=5), i["expect"]) for i in items]
    assert len(ranks) >= 200
    hit3 = sum(r is not None and r <= 3 for r in ranks) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    assert hit3 >= 0.67 and mrr >= 0.58, f"hit@3 {hit3:.3f}, MRR {mrr:.3f}"
