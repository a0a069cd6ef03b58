"""`coach bench`: each benchmark on tiny sizes — it measures what it says, in scratch dirs only."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.speed import (
    bench_answers,
    bench_embeddings,
    bench_ingest,
    bench_retrieval,
    build_synthetic_store,
    edit_one_paragraph,
    format_bench,
    make_variants,
    synthetic_chunks,
    targets,
)
from coach.cli import main
from coach.evaluation import load_items
from coach.retrieval import Retriever
from coach.settings import Settings
from coach.store import open_store
from ingest.chunking import chunk_document
from ingest.loaders import load_document


def test_generated_corpus_varies_the_real_one_document_by_document(
        settings: Callable[..., Settings], tmp_path: Path) -> None:
    files = make_variants(settings().corpus_dir, tmp_path / "variants", 3)

    docs = [load_document(f) for f in files]
    chunks = [c for f, d in zip(files, docs, strict=True) for c in chunk_document(d, f.name)]
    assert len(files) == 3 and len({d.title for d in docs}) == 3
    assert len({c.id for c in chunks}) == len(chunks)  # nothing to dedupe: every chunk is new
    assert len({d.text for d in docs}) == 3  # sections rotated / words swapped, not copies


def test_a_one_paragraph_edit_changes_exactly_one_paragraph(
        settings: Callable[..., Settings], tmp_path: Path) -> None:
    files = make_variants(settings().corpus_dir, tmp_path / "docs", 1)
    before = files[0].read_text(encoding="utf-8").split("\n\n")

    edit_one_paragraph(tmp_path / "docs")

    after = files[0].read_text(encoding="utf-8").split("\n\n")
    assert len(after) == len(before)
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1


def test_synthetic_chunks_read_like_guidance() -> None:
    texts, metas = synthetic_chunks(50)

    assert len(texts) == len(metas) == 50 and len(set(texts)) == 50
    assert all(t.endswith(".") and t[0].isupper() and len(t.split()) >= 60 for t in texts)
    assert sum("mentor" in t for t in texts) > 25
    assert {"title", "section", "source"} <= set(metas[0])


@pytest.mark.model
def test_ingest_bench_compares_ours_with_a_naive_rebuild_in_scratch_dirs(
        settings: Callable[..., Settings], tmp_path: Path) -> None:
    user = settings()

    row = bench_ingest(user, user.corpus_dir, tmp_path / "work", label="corpus", repeats=1)

    assert row["chunks"] == row["naive_documents"] > 5
    assert 1 <= row["edit_chunks_reembedded"] <= 2  # only the edited paragraph's chunk(s)
    for key in ("unchanged_speedup", "edit_speedup", "cold_ratio"):
        assert row[key] > 0
    assert not user.data_dir.exists()  # the user's store was never touched


@pytest.mark.model
def test_retrieval_bench_times_the_coach_and_raw_chroma_on_the_same_store(
        settings: Callable[..., Settings], tmp_path: Path) -> None:
    user = settings()

    out = bench_retrieval(user, tmp_path / "work", [300, 600], queries=3, rounds=1, sample=8,
                          profile=True, added=2, ingests=1)

    assert [row["chunks"] for row in out["sizes"].values()] == [300, 600]
    for row in out["sizes"].values():
        for name in ("incl_embedding", "excl_embedding"):
            assert row[name]["coach_p50_ms"] > 0 and row[name]["raw_p50_ms"] > 0
            assert row[name]["overhead_p50"] > 0
        assert "Retriever.search" in row["profile"]
        assert row["after_ingest"]["chunks_added"] == 2 and row["after_ingest"]["first_ratio"] > 0
        assert row["after_ingest"]["ingests"] == 1
    assert set(out["growth"]) == {"incl_embedding_coach", "incl_embedding_raw",
                                  "excl_embedding_coach", "excl_embedding_raw"}
    assert not user.data_dir.exists()


@pytest.mark.model
def test_a_large_synthetic_store_is_built_once_then_copied_as_the_same_store(
        settings: Callable[..., Settings], tmp_path: Path) -> None:
    first, second = settings(), settings()
    keep = tmp_path / "kept"

    built, _, how_built = build_synthetic_store(first, 300, sample=8, keep_from=300,
                                                keep_dir=keep)
    copied, _, how_copied = build_synthetic_store(second, 300, sample=8, keep_from=300,
                                                  keep_dir=keep)

    assert (how_built, how_copied) == ("built and kept", "copied")
    a, b = (s.collection.get(include=["documents", "embeddings"]) for s in (built, copied))
    assert a["ids"] == b["ids"] and len(a["ids"]) == 300
    assert a["documents"] == b["documents"]
    assert (a["embeddings"] == b["embeddings"]).all()
    assert Retriever(copied, second).search("How do I ask my mentor for feedback?")
    assert copied.settings.data_dir == second.data_dir != first.data_dir


@pytest.mark.model
def test_the_bench_ingests_as_the_product_does_so_no_search_embeds_a_new_passage(
        settings: Callable[..., Settings], tmp_path: Path) -> None:
    from bench.speed import _ingest_random, _Precomputed, _scratch_vector_cache, _store_with
    from coach.api import passage_texts
    from coach.retrieval import pair_texts, sentence_texts
    from coach.store import embeddings

    def searched(text: str, section: str) -> list[str]:  # what a search embeds per passage
        return sentence_texts(text, section) + pair_texts(text, section)

    user = settings()
    store, _, _ = build_synthetic_store(user, 40, sample=8)
    documents = _scratch_vector_cache(embeddings(), tmp_path / "vectors.sqlite3")
    texts, metas = synthetic_chunks(40)
    documents.embed_documents([s for t, m in zip(texts, metas, strict=True)
                               for s in searched(t, m["section"])])
    model, embedded = documents.inner, []

    class Counting:
        def embed_documents(self, batch: list[str]) -> list[list[float]]:
            embedded.extend(batch)
            return model.embed_documents(batch)

        def embed_query(self, text: str) -> list[float]:
            return model.embed_query(text)

    documents.inner = Counting()
    warmed = Retriever(_store_with(store, _Precomputed({}, documents), passage_texts), user)
    plain = Retriever(_store_with(store, _Precomputed({}, documents)), user)  # warms nothing

    question = "How do I ask my mentor for feedback?"

    _ingest_random(warmed.store, "warmed", 4, seed=5)
    embedded.clear()
    found = warmed.search(question, 44)  # every passage a candidate, the 4 new ones too
    on_search_after_warmed_ingest = list(embedded)
    _ingest_random(plain.store, "plain", 4, seed=6)
    embedded.clear()
    plain.search(question, 48)

    assert {"warmed-00000", "warmed-00003"} <= {p.id for p in found}
    assert on_search_after_warmed_ingest == []  # read back from the vector cache
    new_texts, new_metas = synthetic_chunks(4, seed=6)
    plain_sentences = {s for t, m in zip(new_texts, new_metas, strict=True)
                       for s in searched(t, m["section"])}
    assert set(embedded) == plain_sentences  # the old bench's ingest: the search embedded them


def test_answer_bench_streams_the_in_scope_questions(corpus_store: Settings) -> None:
    items = [i for i in load_items() if i.get("expect")][:3] + [
        {"question": "How do I bake bread?", "out_of_scope": True}]

    out = bench_answers(corpus_store, open_store(corpus_store), items)

    assert out["questions"] == 3 and out["generator"] == "grounded"
    assert 0 < out["first_piece_p50_s"] <= out["full_answer_p50_s"]


@pytest.mark.model
def test_embedding_bench_reports_throughput_and_query_latency_per_thread_setting() -> None:
    import os

    import torch

    threads = os.cpu_count()
    before = torch.get_num_threads()

    out = bench_embeddings(["Find a mentor — start looking in your network."] * 3, batch=8,
                           queries=3)

    assert out["chunks"] == 8 and out["torch_threads"] == threads
    assert out["chunks_per_s"] > 0 and out["chunks_per_s_1_thread"] > 0
    assert 0 < out["query_p50_ms"] <= out["query_p95_ms"]
    assert 0 < out["query_p50_ms_1_thread"] <= out["query_p95_ms_1_thread"]
    assert torch.get_num_threads() == before  # the process is left as it was


def test_targets_say_which_are_met_and_the_table_shows_them() -> None:
    result = {
        "machine": {"cores": 2, "cpu": "Test CPU", "ram_gb": 4.0, "load_avg_1m": 0.5},
        "ingest": {"corpus": {"documents": 1, "chunks": 15, "ours_cold_s": 3.0,
                              "naive_rebuild_s": 3.0, "ours_unchanged_s": 0.01,
                              "unchanged_speedup": 300.0, "ours_edit_s": 0.5,
                              "edit_chunks_reembedded": 1, "naive_edit_s": 3.0,
                              "edit_speedup": 6.0, "cold_ratio": 1.0}},
        "answers": {"questions": 2, "generator": "grounded", "first_piece_p50_s": 1.0,
                    "first_piece_p95_s": 2.0, "full_answer_p50_s": 1.0,
                    "full_answer_p95_s": 2.0},
        "retrieval": {"k": 4, "queries": 50, "rounds": 5, "sizes": {
            "10000": {"chunks": 10000, "build_s": 40.0, "first_search_incl_bm25_build_ms": 900,
                      "query_embedding_p50_ms": 9.0, "query_embedding_p95_ms": 12.0,
                      "overhead_p50_median_embedding": 1.2,
                      **{name: {"coach_p50_ms": 12.0, "coach_p95_ms": 20.0, "raw_p50_ms": 10.0,
                                "raw_p95_ms": 15.0, "overhead_p50": 1.2, "overhead_p95": 1.33}
                         for name in ("incl_embedding", "excl_embedding")}},
            "100000": {"chunks": 100000, "build_s": 400.0, "coach_error": "InternalError: boom",
                       "query_embedding_p50_ms": 9.0, "query_embedding_p95_ms": 12.0,
                       **{name: {"coach_p50_ms": None, "coach_p95_ms": None, "raw_p50_ms": 11.0,
                                 "raw_p95_ms": 16.0, "overhead_p50": None, "overhead_p95": None}
                          for name in ("incl_embedding", "excl_embedding")}}}},
    }

    result["targets"] = targets(result)

    met = {t["label"].split(" (")[0].split(" p95")[0].split(" at ")[0]: t["met"]
           for t in result["targets"]}
    assert met == {"unchanged re-ingest vs naive": True, "first streamed piece": False,
                   "full answer": True, "search vs raw Chroma p50": True, "search works": False}
    table = format_bench(result)
    assert "300.0× faster" in table and "Test CPU" in table
    assert "MISSED  first streamed piece p95 (s), ≤ 1.5: 2.0" in table
    assert "FAILED: InternalError: boom" in table
    assert "MISSED  search works at 100,000 chunks: InternalError: boom" in table


def test_bench_rejects_sizes_that_are_not_numbers(settings: Callable[..., Settings]) -> None:
    result = CliRunner().invoke(main, ["bench", "--sizes", "ten,thousand"], obj=settings())

    assert result.exit_code == 2 and "10000,100000" in result.output


def test_bench_outside_a_checkout_says_how_to_run_it(
        settings: Callable[..., Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coach.cli.REPO_ROOT", tmp_path)  # an installed coach: no bench/ beside it
    monkeypatch.setitem(sys.modules, "bench", None)

    result = CliRunner().invoke(main, ["bench", "--quick"], obj=settings())

    assert result.exit_code == 2
    assert "coach bench needs a source checkout: run `make bench`" in result.output


def test_bench_without_the_dev_extras_names_what_is_missing(
        settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch) -> None:
    import bench

    monkeypatch.setattr(bench, "NEEDS", ("psutil", "no_such_profiler_installed"))

    result = CliRunner().invoke(main, ["bench", "--quick"], obj=settings())

    assert result.exit_code == 2
    assert "needs the dev extras (no_such_profiler_installed not installed)" in result.output


@pytest.mark.slow
def test_bench_json_is_one_object_with_every_section(settings: Callable[..., Settings]) -> None:
    user = settings()

    result = CliRunner().invoke(main, ["bench", "--smoke", "--json"], obj=user)

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"machine", "ingest", "retrieval", "answers", "embedding", "memory",
            "targets"} <= set(report)
    assert report["memory"]["peak_rss_mb"] > 100
    assert report["smoke"] is True and report["retrieval"]["queries"] == 5
    assert not user.data_dir.exists()


def test_cold_start_and_after_ingest_figures_are_targets_and_table_lines() -> None:
    result = {
        "machine": {"cores": 2, "cpu": "Test CPU", "ram_gb": 4.0, "load_avg_1m": 0.5},
        "cold_start": {
            "load_avg_1m": 0.5,
            "ask": {"repeats": 3, "onnx": {"wall_s": 1.8, "cpu_s": 1.5},
                    "sentence-transformers": {"wall_s": 9.0, "cpu_s": 8.1},
                    "speedup_wall": 5.0, "speedup_cpu": 5.4},
            "app": {"repeats": 1, "onnx": {"first_answer_s": 6.0, "cpu_s": 5.0},
                    "sentence-transformers": {"first_answer_s": 12.0, "cpu_s": 10.0},
                    "speedup": 2.0}},
        "retrieval": {"k": 4, "queries": 50, "rounds": 5, "sizes": {
            "10000": {"chunks": 10000, "build_s": 40.0, "first_search_incl_bm25_build_ms": 900,
                      "query_embedding_p50_ms": 9.0, "query_embedding_p95_ms": 12.0,
                      "overhead_p50_median_embedding": 1.1,
                      "after_ingest": {"chunks_added": 32, "normal_p50_ms": 2.0,
                                       "normal_p95_ms": 3.0, "first_after_ms": 5.0,
                                       "after_p95_ms": 9.0, "first_ratio": 2.5, "p95_ratio": 3.0,
                                       "raw_normal_p50_ms": 1.5, "raw_first_after_ms": 4.0,
                                       "raw_first_ratio": 2.67, "ingests": 5,
                                       "first_ratio_max": 4.0, "after_searches": 400,
                                       "ingest_median_s": 0.2,
                                       "during_ingest_searches": 30,
                                       "during_ingest_p95_ms": 30.0,
                                       "during_ingest_max_ms": 60.0,
                                       "during_ingest_p95_ratio": 10.0,
                                       "during_ingest_max_ratio": 20.0},
                      **{name: {"coach_p50_ms": 12.0, "coach_p95_ms": 20.0, "raw_p50_ms": 10.0,
                                "raw_p95_ms": 15.0, "overhead_p50": 1.2, "overhead_p95": 1.33}
                         for name in ("incl_embedding", "excl_embedding")}}}},
    }

    result["targets"] = targets(result)

    met = {t["name"]: t["met"] for t in result["targets"]}
    assert met == {"retrieval_overhead_10k": True, "search_after_ingest_ratio": False,
                   "cold_ask_s": True, "app_first_answer_s": False}
    table = format_bench(result)
    assert "onnx 1.80 s (1.50 s CPU) vs sentence-transformers 9.00 s" in table
    assert "app.py to first answer over HTTP: onnx 6.00 s" in table
    assert "first search 5.0 ms vs 2.0 ms normally" in table
    assert "(median over 5 ingests, worst 4.0×), ≤ 2.0: 2.5" in table
    assert "during the ingests (30): p95 30.0 ms (10.0×), worst 60.0 ms (20.0×)" in table
    assert "MISSED  app.py start to first answer over HTTP (onnx), s, ≤ 5.0: 6.0" in table


@pytest.mark.slow
def test_cold_start_bench_runs_coach_ask_on_both_runtimes(
        settings: Callable[..., Settings], tmp_path: Path) -> None:
    from bench.startup import bench_cold_ask, prepare

    user = settings()
    prepare(user, tmp_path / "data")

    out = bench_cold_ask(user, tmp_path / "data", repeats=1)

    for runtime in ("onnx", "sentence-transformers"):
        assert out[runtime]["wall_s"] > 0 and out[runtime]["cpu_s"] > 0
    assert out["speedup_wall"] > 0
    assert not user.data_dir.exists()
