"""Incremental ingest into a real Chroma store: only what changed is embedded, added or deleted."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from coach.settings import Settings
from coach.store import Store, open_store
from ingest.indexer import IngestBusyError, remove_source, source_key, sync

CORPUS_SOURCE = "corpus/mentor-partnership-part-one.md"
OLD_PARAGRAPH = ("A mentor is not: Your parent, your best friend, or your romantic interest. "
                 "If you find yourself falling into any of these relationship patterns, it’s time "
                 "to find a new mentor.")
NEW_PARAGRAPH = ("A mentor is not a therapist on call or a sponsor who owes you a promotion. "
                 "If the relationship starts to feel like either, reset expectations together.")
NEW_DOC = """---
title: Preparing to negotiate your salary
publisher: Example Careers
source_kind: how-to
---

## Do your homework

Before you negotiate pay, research the market rate for the role, collect evidence of your
results over the last year, and decide on the number you will ask for and the lowest offer
you would accept.
"""


@pytest.fixture
def store(settings: Callable[..., Settings]) -> Store:
    return open_store(settings(), create=True)


@pytest.fixture
def corpus(tmp_path: Path, corpus_store: Settings) -> Path:
    """A private copy of the shipped corpus that a test may edit."""
    return Path(shutil.copytree(corpus_store.corpus_dir, tmp_path / "corpus"))


def stored(store: Store, source: str | None = None) -> dict[str, dict]:
    got = store.collection.get(where={"source": source} if source else None,
                               include=["metadatas", "documents"])
    return {cid: {**meta, "text": text}
            for cid, meta, text in zip(got["ids"], got["metadatas"], got["documents"], strict=True)}


def top_hit(store: Store, question: str) -> dict:
    got = store.collection.query(query_texts=[question], n_results=1,
                                 include=["metadatas", "documents"])
    return {**got["metadatas"][0][0], "text": got["documents"][0][0]}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- the corpus -----------------------------------------------------------------------------

def test_ingesting_the_corpus_stores_every_chunk_with_its_metadata(corpus_store: Settings) -> None:
    store = open_store(corpus_store)
    chunks = stored(store)
    assert len(chunks) == store.count() > 5
    assert {c["source"] for c in chunks.values()} == {CORPUS_SOURCE}
    assert sorted(c["position"] for c in chunks.values()) == list(range(len(chunks)))
    assert all(c["ingested_at"] and c["publisher"] == "TechWhirl" for c in chunks.values())
    [info] = store.sources()
    assert (info.source, info.chunks) == (CORPUS_SOURCE, len(chunks))


def test_reingesting_unchanged_files_changes_nothing(store: Store, corpus: Path) -> None:
    first = sync(store, [corpus], progress=False)
    before, version = stored(store), store.version()

    again = sync(store, [corpus], progress=False)

    assert (again.num_added, again.num_updated, again.num_deleted) == (0, 0, 0)
    assert again.num_skipped == first.num_added == again.total_chunks
    assert stored(store) == before, "not even ingested_at may change"
    assert store.version() == version
    assert sync(store, [corpus / "mentor-partnership-part-one.md"], progress=False).num_added == 0


@pytest.mark.model
def test_a_file_that_leaves_no_passage_is_reported_and_its_old_passages_kept(
        store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "notes.md", "## Before you meet\n\nWrite down two goals.\n")
    sync(store, [path], progress=False)
    before = stored(store)

    write(path, "# Notes\n\n## Before you meet\n\n## After you meet\n")  # headings only
    report = sync(store, [path], progress=False)

    assert report.errors and "no passage to ingest" in report.errors[0]
    assert stored(store) == before


def test_editing_one_paragraph_replaces_only_the_chunks_around_it(store: Store,
                                                                   corpus: Path) -> None:
    doc = corpus / "mentor-partnership-part-one.md"
    sync(store, [corpus], progress=False)
    before, version = stored(store), store.version()
    assert any(OLD_PARAGRAPH in c["text"] for c in before.values())

    doc.write_text(doc.read_text(encoding="utf-8").replace(OLD_PARAGRAPH, NEW_PARAGRAPH),
                   encoding="utf-8")
    report = sync(store, [corpus], progress=False)

    assert 1 <= report.num_added <= 2 and 1 <= report.num_deleted <= 2
    assert report.num_skipped >= len(before) - 2
    after = stored(store)
    untouched = {cid: c for cid, c in before.items() if OLD_PARAGRAPH not in c["text"]}
    assert all(after.get(cid) == chunk for cid, chunk in untouched.items())
    assert not store.collection.get(where_document={"$contains": "romantic interest"})["ids"]
    hit = top_hit(store, "Can my mentor be my romantic partner?")
    assert "romantic interest" not in hit["text"]
    assert NEW_PARAGRAPH in top_hit(store, "Is a mentor a therapist on call?")["text"]
    assert store.version() != version


def test_moved_passages_get_new_positions_without_being_reembedded(store: Store,
                                                                    corpus: Path) -> None:
    doc = corpus / "mentor-partnership-part-one.md"
    sync(store, [corpus], progress=False)
    before = stored(store)
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("## Find a mentor", "## Before you start\n\nKnow your goals.\n\n"
                                "## Find a mentor"), encoding="utf-8")

    report = sync(store, [corpus], progress=False)

    assert (report.num_added, report.num_deleted) == (1, 0)
    assert report.num_updated > 0 and report.num_updated + report.num_skipped == len(before)
    after = stored(store)
    assert sorted(c["position"] for c in after.values()) == list(range(len(after)))
    for cid, old in before.items():  # same text, same time of embedding, maybe a new position
        assert (after[cid]["text"], after[cid]["ingested_at"]) == (old["text"], old["ingested_at"])


def test_a_new_document_is_retrievable_by_a_paraphrased_question(store: Store,
                                                                 corpus: Path) -> None:
    sync(store, [corpus], progress=False)
    write(corpus / "salary.md", NEW_DOC)

    report = sync(store, [corpus], progress=False)

    assert report.num_added == 1 and report.num_deleted == 0
    hit = top_hit(store, "How do I get ready to ask my boss for a raise?")
    assert (hit["source"], hit["section"]) == ("corpus/salary.md", "Do your homework")
    assert hit["title"] == "Preparing to negotiate your salary"
    assert sync(store, [corpus], progress=False).num_added == 0


def test_deleting_a_file_from_an_ingested_folder_removes_its_chunks(store: Store,
                                                                    corpus: Path) -> None:
    write(corpus / "salary.md", NEW_DOC)
    sync(store, [corpus], progress=False)
    corpus_chunks = len(stored(store, CORPUS_SOURCE))

    (corpus / "mentor-partnership-part-one.md").unlink()
    report = sync(store, [corpus], progress=False)

    assert report.num_deleted == corpus_chunks and report.ok
    assert [s.source for s in store.sources()] == ["corpus/salary.md"]


def test_remove_source_deletes_one_document(store: Store, corpus: Path) -> None:
    write(corpus / "salary.md", NEW_DOC)
    sync(store, [corpus], progress=False)
    version = store.version()

    assert remove_source(store, "corpus/salary.md") == 1
    assert remove_source(store, "corpus/salary.md") == 0
    assert [s.source for s in store.sources()] == [CORPUS_SOURCE]
    assert store.version() != version


# --- folders and source keys ----------------------------------------------------------------

@pytest.mark.model
def test_folders_are_walked_recursively_and_hidden_files_skipped(store: Store,
                                                                 tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs / "a.md", "## A\n\nAlpha advice.")
    write(docs / "sub" / "b.txt", "Beta\n\nBeta advice.")
    write(docs / ".draft.md", "## Hidden\n\nNot yet.")
    write(docs / ".git" / "notes.md", "## Hidden\n\nNever.")

    report = sync(store, [docs], progress=False)

    assert report.ok
    assert [s.source for s in store.sources()] == ["docs/a.md", "docs/sub/b.txt"]


def test_a_file_has_the_same_source_alone_or_in_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "clone" / "corpus"
    file = write(folder / "x.md", "text")
    assert source_key(file) == source_key(file, folder) == "corpus/x.md"
    assert source_key(Path("corpus/x.md")) == "corpus/x.md"


# --- failures -------------------------------------------------------------------------------

@pytest.mark.model
def test_bad_files_are_reported_one_line_each_and_the_rest_ingested(store: Store,
                                                                    tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    write(batch / "good.md", NEW_DOC)
    write(batch / "notes.docx", "not really word")
    write(batch / "empty.md", "")
    (batch / "binary.txt").write_bytes(b"\x7fELF\x00\x00\x01")
    (batch / "corrupt.pdf").write_bytes(b"%PDF-1.7 truncated")
    write(batch / "huge.md", "## Big\n\n" + "much text " * 300)

    report = sync(store, [batch, tmp_path / "missing.md"], progress=False, max_bytes=2000)

    assert [s.source for s in store.sources()] == ["batch/good.md"]
    assert not report.ok and len(report.errors) == 6
    for name in ("notes.docx", "empty.md", "binary.txt", "corrupt.pdf", "huge.md", "missing.md"):
        [line] = [e for e in report.errors if name in e]
        assert "\n" not in line
    assert report.to_dict() == {"num_added": 1, "num_updated": 0, "num_skipped": 0,
                                "num_deleted": 0, "total_chunks": 1, "errors": report.errors}


def test_a_file_that_stops_loading_keeps_its_chunks(store: Store, corpus: Path) -> None:
    sync(store, [corpus], progress=False)
    before = stored(store)
    (corpus / "mentor-partnership-part-one.md").write_bytes(b"\x00\x01 corrupted")

    report = sync(store, [corpus], progress=False)

    assert len(report.errors) == 1 and "mentor-partnership-part-one.md" in report.errors[0]
    assert report.num_deleted == 0
    assert stored(store) == before


def test_a_second_ingest_waits_then_gives_a_clear_message(store: Store, corpus: Path) -> None:
    with FileLock(store.settings.data_dir / "ingest.lock"), \
            pytest.raises(IngestBusyError, match="another ingest is running"):
        sync(store, [corpus], progress=False, lock_timeout=0.2)
    assert store.count() == 0


@pytest.mark.model
def test_progress_callback_sees_each_file(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "docs" / "a.md", "Alpha.")
    write(tmp_path / "docs" / "b.md", "Beta.")
    calls: list[tuple[int, int, str]] = []

    sync(store, [tmp_path / "docs"], progress=lambda *args: calls.append(args))

    assert calls == [(1, 2, "docs/a.md"), (2, 2, "docs/b.md")]
