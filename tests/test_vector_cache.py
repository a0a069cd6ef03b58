"""The vector cache: texts embedded once, read back by later processes, never in the way.

The fast tests use a counting fake model (the logic: hits, misses, broken files, two
processes); the `model` tests use the real store and model: a fresh coach after an ingest
embeds no passage text, and a cached vector is the model's own, bit for bit.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coach.settings import REPO_ROOT, Settings
from coach.vector_cache import CachedEmbedder, VectorCache

DIM = 4


class CountingModel:
    """A deterministic fake model that records every batch it is asked to embed."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return [_fake_vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return _fake_vector(text)


def _fake_vector(text: str) -> list[float]:
    return [float(len(text)), float(sum(map(ord, text)) % 97), 0.5, -1.25]


def _cached(path: Path, identity: str = "fake/model/1") -> tuple[CachedEmbedder, CountingModel]:
    model = CountingModel()
    return CachedEmbedder(model, VectorCache(path, identity)), model


def test_only_texts_never_seen_are_embedded_in_one_batch(tmp_path: Path) -> None:
    cached, model = _cached(tmp_path / "v.sqlite3")
    first = cached.embed_documents(["alpha", "beta", "alpha"])
    assert model.batches == [["alpha", "beta"]]  # a repeat within the call is embedded once
    again = cached.embed_documents(["beta", "gamma", "alpha"])
    assert model.batches[1:] == [["gamma"]]
    assert first == [_fake_vector("alpha"), _fake_vector("beta"), _fake_vector("alpha")]
    assert again == [_fake_vector("beta"), _fake_vector("gamma"), _fake_vector("alpha")]


def test_a_later_process_reads_the_vectors_back(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    cached, _ = _cached(path)
    cached.embed_documents(["one sentence", "another one"])
    cached.cache.close()
    _, model = reader = _cached(path)
    assert reader[0].embed_documents(["another one", "one sentence"]) == [
        _fake_vector("another one"), _fake_vector("one sentence")]
    assert model.batches == []


def test_another_model_or_runtime_never_reads_these_vectors(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    _cached(path, "onnx/all-MiniLM-L6-v2/abc")[0].embed_documents(["same text"])
    other, model = _cached(path, "sentence-transformers/all-MiniLM-L6-v2/abc")
    other.embed_documents(["same text"])
    assert model.batches == [["same text"]]


def test_a_corrupt_cache_file_still_answers_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "v.sqlite3"
    path.write_bytes(b"this is not a database, just some bytes " * 200)
    cached, model = _cached(path)
    with caplog.at_level(logging.WARNING, logger="coach.vector_cache"):
        assert cached.embed_documents(["a", "b"]) == [_fake_vector("a"), _fake_vector("b")]
        assert cached.embed_documents(["a"]) == [_fake_vector("a")]
    assert model.batches == [["a", "b"], ["a"]]  # embedded directly, every time
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and str(path) in warnings[0] and "Delete the file" in warnings[0]


def test_an_unwritable_cache_folder_still_answers(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    cached, model = _cached(blocker / "v.sqlite3")
    assert cached.embed_documents(["x"]) == [_fake_vector("x")]
    assert model.batches == [["x"]]


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from coach.vector_cache import VectorCache
    cache = VectorCache(Path(sys.argv[1]), "fake/model/1")
    me = sys.argv[2]
    for round in range(40):
        texts = [f"shared {round} {i}" for i in range(10)] + [f"{me} {round}"]
        cache.put(texts, [[float(len(t)), 1.0, 2.0, 3.0] for t in texts])
        assert all(v is not None for v in cache.get(texts)), "lost a row just written"
""")


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name], env=env,
                                stderr=subprocess.PIPE, text=True) for name in ("p1", "p2")]
    for proc in writers:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "could not" not in err  # no process gave up on the cache
    cache = VectorCache(path, "fake/model/1")
    texts = [f"{who} {r}" for who in ("p1", "p2") for r in range(40)] + ["shared 39 9"]
    got = cache.get(texts)
    assert got == [[float(len(t)), 1.0, 2.0, 3.0] for t in texts]


# -- the real model and store ----------------------------------------------------------------


@pytest.fixture
def fresh_cache(tmp_path: Path) -> Path:
    """An empty cache folder that reuses this machine's ONNX export (no 10 s re-export)."""
    from coach import minilm

    folder = tmp_path / "cache"
    folder.mkdir()
    shared = Settings.from_env(env={}).cache_dir
    key = minilm.fingerprint(minilm.model_dir())
    for suffix in (".onnx", ".json"):
        source = shared / f"minilm-{key}{suffix}" if shared else None
        if source is not None and source.exists():
            (folder / source.name).symlink_to(source)
    return folder


@pytest.mark.model
def test_cached_vectors_are_the_models_own(fresh_cache: Path) -> None:
    from coach.store import embeddings

    settings = Settings.from_env(env={}, cache_dir=fresh_cache)
    model = embeddings(settings).inner.inner  # type: ignore[attr-defined]
    texts = ["Before the first meeting, list what you hope to learn.", "Thank them.", "ok"]
    direct = model.embed_documents(texts)
    cached = CachedEmbedder(model, VectorCache(fresh_cache / "t.sqlite3", "id"))
    assert cached.embed_documents(texts) == direct  # a miss: embedded now
    assert cached.embed_documents(texts) == direct  # a hit: read back, identical floats


@pytest.mark.model
def test_after_an_ingest_a_fresh_coach_embeds_no_passage_text(
        settings: Callable[..., Settings], fresh_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.answerability import DOMAIN_DESCRIPTIONS
    from coach.api import Coach, passage_texts
    from coach.store import embeddings, open_store
    from ingest.indexer import sync

    config = settings(cache_dir=fresh_cache)
    docs = REPO_ROOT / "tests" / "guidance" / "docs"
    report = sync(open_store(config, create=True, passage_texts=passage_texts),
                  [config.corpus_dir, docs], progress=False)
    assert report.ok and report.num_added > 50, report

    cached = embeddings(config).inner  # type: ignore[attr-defined]
    model = Recording(cached.inner)
    monkeypatch.setattr(cached, "inner", model)
    coach = Coach(config)  # a fresh coach: none of its components has seen a passage
    questions = ["How do I prepare for a first meeting?", "What if my mentor stops replying?",
                 "How should I end a mentoring relationship?"]
    for question in questions:
        answer = coach.ask(question)
        assert answer.sources, question  # answered from the guidance, not declined
    embedded = {t for batch in model.batches for t in batch}
    descriptions = {d for ds in DOMAIN_DESCRIPTIONS.values() for d in ds}
    assert embedded <= descriptions, sorted(embedded)[:5]


class Recording:
    """The real model, recording each batch it embeds."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.batches: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.mark.model
def test_a_big_ingest_warms_only_its_first_passages_and_says_so(
        settings: Callable[..., Settings], fresh_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.store import open_store
    from ingest import indexer

    monkeypatch.setattr(indexer, "WARM_MAX_CHUNKS", 3)
    asked: list[str] = []

    def passage_texts(text: str, section: str) -> list[str]:
        asked.append(text)
        return [f"{section}: {text[:40]}"]

    notes: list[tuple[str, int, int]] = []
    config = settings(cache_dir=fresh_cache)
    report = indexer.sync(open_store(config, create=True, passage_texts=passage_texts),
                          [config.corpus_dir], progress=False,
                          embedded=lambda what, n, of: notes.append((what, n, of)))
    assert report.num_added > 3 and len(asked) == 3  # the rest fill on first use
    # the page's progress line names the step, so a long warm-up does not look like a hang
    assert [n for n in notes if n[0] == indexer.WARM_LABEL] == [(indexer.WARM_LABEL, 3, 3)]
