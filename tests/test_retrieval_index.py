"""The lexical index behind retrieval: rebuilt off the request path once it is large, and never
the reason a removed passage comes back (real store and model)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.retrieval import Retriever
from coach.settings import Settings
from coach.store import Store, open_store
from ingest.indexer import remove_source, sync
from tests.documents import JOURNAL_DOC

pytestmark = pytest.mark.model
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture
def store(settings: Callable[..., Settings]) -> Store:
    store = open_store(settings(), create=True)
    sync(store, [CORPUS], progress=False)
    return store


def pretend_large(retriever: Retriever) -> None:
    """Make the current index look slow to build, as one over tens of thousands of chunks is."""
    assert retriever._lexical is not None
    retriever._lexical.build_s = 5.0


def wait_for_rebuild(retriever: Retriever, store: Store) -> None:
    deadline = time.monotonic() + 60
    while retriever._lexical is None or retriever._lexical.version != store.refresh(force=True):
        assert time.monotonic() < deadline, "the lexical index was never rebuilt"
        time.sleep(0.05)


def test_after_an_ingest_a_large_index_is_rebuilt_in_the_background(store, tmp_path: Path):
    retriever = Retriever(store, store.settings)
    retriever.search("How do I find a mentor?")
    pretend_large(retriever)
    old = retriever._lexical
    doc = tmp_path / "journal.md"
    doc.write_text(JOURNAL_DOC)
    sync(store, [doc], progress=False)

    hits = retriever.search("What should I write in a mentoring journal?")

    # Answered from the last index plus the (always current) dense results...
    assert any(p.title == "Keeping a Mentoring Journal" for p in hits)
    # ...while the new index is built on a thread, not on this request.
    wait_for_rebuild(retriever, store)
    assert retriever._lexical is not old and "journal" in retriever._lexical.df


def test_a_stale_index_never_brings_back_a_removed_passage(store, tmp_path: Path):
    doc = tmp_path / "journal.md"
    doc.write_text(JOURNAL_DOC)
    sync(store, [doc], progress=False)
    retriever = Retriever(store, store.settings)
    question = "mentoring journal rereading questions short specific"
    assert any(p.title == "Keeping a Mentoring Journal" for p in retriever.search(question))
    pretend_large(retriever)

    remove_source(store, f"{tmp_path.name}/journal.md")
    hits = retriever.search(question)  # the stale index still lists the journal's chunk

    assert retriever._lexical is not None
    assert all(p.title != "Keeping a Mentoring Journal" for p in hits)


def test_a_small_index_is_rebuilt_in_line_so_new_words_count_at_once(store, tmp_path: Path):
    retriever = Retriever(store, store.settings)
    retriever.search("How do I find a mentor?")
    doc = tmp_path / "journal.md"
    doc.write_text(JOURNAL_DOC)
    sync(store, [doc], progress=False)

    retriever.search("mentoring journal")

    assert retriever._lexical is not None and "journal" in retriever._lexical.df


def test_an_ingest_of_this_process_updates_the_index_before_the_next_search(store, tmp_path: Path):
    retriever = Retriever(store, store.settings)
    retriever.search("How do I find a mentor?")
    doc = tmp_path / "journal.md"
    doc.write_text(JOURNAL_DOC)

    sync(store, [doc], progress=False)

    # No search yet: the ingest itself brought the index up to date (the writer pays the
    # rebuild, so the first question after an upload is as quick as any other).
    assert retriever._lexical is not None and "journal" in retriever._lexical.df
    assert retriever._lexical.version == store.refresh()


GUIDANCE = Path(__file__).resolve().parent / "guidance"


def _questions(per_document: int = 6) -> list[str]:
    """In-scope questions from each guidance document's set, plus two the added one answers."""
    out = []
    for path in sorted((GUIDANCE / "questions").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        out += [r["question"] for r in rows if not r.get("out_of_scope")][:per_document]
    return out + ["What should I write in a mentoring journal?",
                  "How do I keep my questions for my mentor short and specific?"]


def _top3(retriever: Retriever, questions: list[str]) -> list[list[str]]:
    return [[p.id for p in retriever.search(q, 3)] for q in questions]


@pytest.fixture(scope="module")
def built_at_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    """The whole library (corpus, guidance documents, a journal guide) ingested at once: the
    journal's path, and each of `_questions()`'s top 3. Both cases below compare with it."""
    folder = tmp_path_factory.mktemp("at_once")
    journal = folder / "journal.md"
    journal.write_text(JOURNAL_DOC)
    docs = sorted((GUIDANCE / "docs").iterdir())
    settings = Settings.from_env(env={}, data_dir=folder / "data", corpus_dir=CORPUS)
    at_once = open_store(settings, create=True)
    sync(at_once, [CORPUS, *docs, journal], progress=False)
    return journal, _top3(Retriever(at_once, at_once.settings), _questions())


@pytest.mark.parametrize("later", ["one passage", "a whole document"])
def test_a_library_built_in_two_ingests_ranks_as_one_built_in_one(settings, built_at_once,
                                                                  later: str):
    """An addition appended to the lexical index (its BM25 statistics then lag a little: see
    `coach.retrieval._append_lexical`) ranks as a full rebuild would. Measured: adding one
    passage, all 68 questions' top 3 identical; adding the quick-start guide too (4 of 97
    chunks), one question's top two swapped places (a near tie), the same three passages."""
    journal, theirs = built_at_once
    docs = sorted((GUIDANCE / "docs").iterdir())
    added = [journal] + ([GUIDANCE / "docs" / "quick-start-for-mentees.md"]
                         if later == "a whole document" else [])
    first = [CORPUS] + [d for d in docs if d not in added]
    in_two = open_store(settings(), create=True)
    sync(in_two, first, progress=False)
    appended = Retriever(in_two, in_two.settings)
    appended.search("How do I find a mentor?")
    pretend_large(appended)  # so the addition is appended, as at tens of thousands of chunks

    sync(in_two, added, progress=False)

    index = appended._lexical
    assert index is not None and index.version == in_two.refresh()
    assert index.delta is not None and index.delta.n == len(index.ids) - index.bm25.n
    questions = _questions()
    mine = _top3(appended, questions)
    assert [set(top) for top in mine] == [set(top) for top in theirs]
    reordered = sum(a != b for a, b in zip(mine, theirs, strict=True))
    assert reordered <= len(questions) // 20


def test_a_removal_after_an_append_rebuilds_the_index_in_full(settings, tmp_path: Path):
    store = open_store(settings(), create=True)
    sync(store, [CORPUS, GUIDANCE / "docs"], progress=False)  # one chunk is under 5% of it
    retriever = Retriever(store, store.settings)
    retriever.search("How do I find a mentor?")
    pretend_large(retriever)
    doc = tmp_path / "journal.md"
    doc.write_text(JOURNAL_DOC)
    sync(store, [doc], progress=False)
    assert retriever._lexical is not None and retriever._lexical.delta is not None

    remove_source(store, f"{tmp_path.name}/journal.md")

    wait_for_rebuild(retriever, store)
    index = retriever._lexical
    assert index.delta is None and "journal" not in index.df  # no lagging statistics left


def _listings(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record each listing of every id in the store (`get_all(include=[])`, no filter)."""
    calls: list[int] = []
    get_all = store.get_all

    def counted(include: list[str], where: dict | None = None, **kw: int) -> dict[str, list]:
        if not include and where is None:
            calls.append(1)
        return get_all(include, where, **kw)

    monkeypatch.setattr(store, "get_all", counted)
    return calls


@pytest.fixture
def library(settings: Callable[..., Settings]) -> Store:
    """A store where one added chunk is within `APPEND_SHARE` of the index, so it is appended."""
    store = open_store(settings(), create=True)
    sync(store, [CORPUS, GUIDANCE / "docs"], progress=False)
    return store


def test_an_ingest_appends_what_it_added_without_listing_the_library(
        library: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The ingest tells the retriever which chunks it added (`Store.mark_changed`), so the
    writer's catch-up skips listing every id (most of its ~1.3 s at 100k chunks)."""
    store = library
    retriever = Retriever(store, store.settings)
    retriever.search("How do I find a mentor?")
    pretend_large(retriever)
    listings = _listings(store, monkeypatch)
    doc = tmp_path / "journal.md"
    doc.write_text(JOURNAL_DOC)

    sync(store, [doc], progress=False)

    index = retriever._lexical
    assert index is not None and index.version == store.refresh() and index.delta is not None
    assert len(index.ids) == store.count() and "journal" in index.df
    assert listings == []
    hits = retriever.search("What should I write in a mentoring journal?")
    assert any(p.title == "Keeping a Mentoring Journal" for p in hits)


def test_an_index_behind_the_ingest_lists_the_store_so_nothing_is_missed(
        library: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A write the retriever was not told of (another process's) came before this ingest:
    the ingest's own additions are not all the index lacks, so it lists the store as before."""
    store = library
    retriever = Retriever(store, store.settings)
    retriever.search("How do I find a mentor?")
    pretend_large(retriever)
    vector = store.embeddings.embed_documents(["Ferns need shade and damp soil."])
    store.collection.add(ids=["elsewhere-1"], embeddings=vector,
                         documents=["Ferns need shade and damp soil."],
                         metadatas=[{"source": "other/ferns.md", "title": "Ferns",
                                     "section": "Care"}])
    listings = _listings(store, monkeypatch)
    doc = tmp_path / "journal.md"
    doc.write_text(JOURNAL_DOC)

    sync(store, [doc], progress=False)

    index = retriever._lexical
    assert listings, "the catch-up should have listed the store"
    assert index is not None and index.version == store.refresh()
    assert "elsewhere-1" in index.position and "journal" in index.df and "fern" in index.df
