"""`coach ingest`, `coach sources`, `coach remove`: what a user sees, exit codes, crash safety."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.settings import Settings
from coach.store import open_store
from ingest.indexer import sync
from tests.support import COACH, clean_env, run_cli

CORPUS_SOURCE = "corpus/mentor-partnership-part-one.md"
REPORT_KEYS = {"num_added", "num_updated", "num_skipped", "num_deleted", "total_chunks", "errors"}




@pytest.fixture
def corpus(tmp_path: Path, corpus_store: Settings) -> Path:
    return Path(shutil.copytree(corpus_store.corpus_dir, tmp_path / "corpus"))


@pytest.fixture
def n(corpus_store: Settings) -> int:
    """How many chunks the shipped corpus makes."""
    return open_store(corpus_store).count()


# --- coach ingest ---------------------------------------------------------------------------

def test_ingest_json_prints_exactly_one_report_object(settings: Callable[..., Settings],
                                                      corpus: Path) -> None:
    s = settings()
    first = run_cli(s, "ingest", "--json", str(corpus))
    again = run_cli(s, "ingest", "--json", str(corpus))

    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert set(report) == REPORT_KEYS
    assert report["num_added"] == report["total_chunks"] > 5 and report["errors"] == []
    assert json.loads(again.stdout) == {**report, "num_added": 0,
                                        "num_skipped": report["total_chunks"]}


def test_ingest_defaults_to_the_corpus_dir_and_prints_a_summary(
        settings: Callable[..., Settings], corpus: Path, n: int) -> None:
    s = settings(corpus_dir=corpus)
    run_cli(s, "ingest")
    result = run_cli(s, "ingest")

    assert result.exit_code == 0
    assert f"0 chunks added, 0 updated, {n} unchanged, 0 deleted; {n} chunks in" in result.stdout
    assert result.stderr == ""


def test_ingest_data_dir_option_wins_over_the_global_one(settings: Callable[..., Settings],
                                                         corpus: Path, n: int) -> None:
    s, other = settings(), settings()
    result = run_cli(s, "ingest", "--data-dir", str(other.data_dir), str(corpus))
    assert result.exit_code == 0
    assert open_store(other).count() == n
    assert not (s.data_dir / "chroma").exists()


@pytest.mark.model
def test_bad_files_exit_1_with_one_line_each_and_the_rest_ingested(
        settings: Callable[..., Settings], tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "good.md").write_text("## Asking\n\nAsk clearly and briefly.", encoding="utf-8")
    (batch / "slides.pptx").write_text("x", encoding="utf-8")
    (batch / "empty.txt").write_text("", encoding="utf-8")
    (batch / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    s = settings(max_upload_bytes=1000)

    result = run_cli(s, "ingest", str(batch), str(tmp_path / "nowhere"))
    as_json = run_cli(s, "ingest", "--json", str(batch))

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4
    for name in ("slides.pptx", "empty.txt", "broken.pdf", "nowhere"):
        assert sum(name in line for line in errors) == 1
    assert "1 chunks added" in result.stdout
    assert as_json.exit_code == 1 and len(json.loads(as_json.stdout)["errors"]) == 3
    assert [src.source for src in open_store(s).sources()] == ["batch/good.md"]


def test_read_only_data_dir_gives_a_clear_error(settings: Callable[..., Settings],
                                                corpus: Path, n: int) -> None:
    s = settings()
    assert run_cli(s, "ingest", str(corpus)).exit_code == 0
    (corpus / "new.md").write_text("## New\n\nFresh advice.", encoding="utf-8")
    chroma = s.data_dir / "chroma"
    chroma.chmod(0o555)
    # Root ignores mode bits; the immutable attribute stops root too (where it is supported).
    immutable = os.access(chroma, os.W_OK) and subprocess.run(
        ["chattr", "+i", str(chroma)], capture_output=True).returncode == 0
    try:
        if os.access(chroma, os.W_OK):
            pytest.skip("running as root without chattr: cannot make the data dir read-only")
        result = run_cli(s, "ingest", str(corpus))
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(chroma)], check=True)
        chroma.chmod(0o755)

    assert result.exit_code == 2
    assert "read-only" in result.stderr and str(chroma) in result.stderr
    assert result.stderr.count("\n") == 1, "one clean line, no traceback"
    assert [src.chunks for src in open_store(s).sources()] == [n]


# --- coach sources / remove -----------------------------------------------------------------

def test_sources_lists_documents_with_chunk_counts(corpus_store: Settings, n: int) -> None:
    table = run_cli(corpus_store, "sources")
    as_json = run_cli(corpus_store, "sources", "--json")

    assert table.exit_code == 0 and CORPUS_SOURCE in table.stdout and f"{n} chunks" in table.stdout
    [entry] = json.loads(as_json.stdout)
    assert entry["source"] == CORPUS_SOURCE and entry["chunks"] == n
    assert entry["title"].startswith("Making the Mentor Partnership Work")
    assert entry["ingested_at"].startswith("20")


def test_sources_on_a_missing_data_dir_says_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "never-created"
    result = subprocess.run([*COACH, "--data-dir", str(missing), "sources"], capture_output=True,
                            text=True, env=clean_env(), timeout=300)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"no guidance store at {missing}" in result.stderr and "coach ingest" in result.stderr
    assert not missing.exists(), "looking must not create the store"


def test_remove_deletes_a_document_and_rejects_unknown_ones(settings: Callable[..., Settings],
                                                            corpus: Path, n: int) -> None:
    s = settings()
    run_cli(s, "ingest", str(corpus))

    removed = run_cli(s, "remove", CORPUS_SOURCE)
    unknown = run_cli(s, "remove", CORPUS_SOURCE)

    assert removed.exit_code == 0
    assert f"Removed corpus/mentor-partnership-part-one.md ({n} chunks)" in removed.stdout
    assert unknown.exit_code == 1 and "no document" in unknown.stderr
    assert open_store(s).count() == 0


# --- crash safety ---------------------------------------------------------------------------

WORDS = ["mentor", "mentee", "meeting", "feedback", "goal", "career", "question", "advice",
         "network", "email", "coffee", "lunch", "promotion", "skill", "boundary", "respect",
         "thanks", "update", "agenda", "plan", "role", "team", "project", "manager", "review"]


def make_docs(folder: Path, n: int) -> Path:
    rng = random.Random(7)
    for i in range(n):
        sections = []
        for j in range(4):
            paragraphs = [" ".join(f"{' '.join(rng.choices(WORDS, k=9)).capitalize()}."
                                   for _ in range(8)) for _ in range(2)]
            sections.append(f"## Topic {i}.{j}\n\n" + "\n\n".join(paragraphs))
        (folder / f"doc-{i:02}.md").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"doc-{i:02}.md").write_text(f"# Guide {i}\n\n" + "\n\n".join(sections),
                                               encoding="utf-8")
    return folder


def rows_in(db: Path) -> int:
    """Chunks committed so far, read from Chroma's SQLite file without opening a client."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    except sqlite3.Error:
        return 0


def snapshot(settings: Settings) -> dict[str, tuple[str, dict]]:
    got = open_store(settings).collection.get(include=["documents", "metadatas"])
    return {cid: (text, {k: v for k, v in meta.items() if k != "ingested_at"})
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)}


@pytest.mark.slow
def test_a_killed_ingest_resumes_without_duplicates_or_lost_chunks(
        settings: Callable[..., Settings], tmp_path: Path) -> None:
    docs = make_docs(tmp_path / "many", 30)
    clean, killed = settings(), settings()
    total = sync(open_store(clean, create=True), [docs], progress=False).total_chunks
    command = [*COACH, "--data-dir", str(killed.data_dir), "ingest", "--json", str(docs)]
    db = killed.data_dir / "chroma" / "chroma.sqlite3"

    proc = subprocess.Popen(command, env=clean_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline and not 0 < rows_in(db) < total:
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    survived = rows_in(db)
    assert 0 < survived < total, f"could not catch the ingest mid-way ({survived}/{total})"

    resumed = subprocess.run(command, env=clean_env(), capture_output=True, text=True,
                             timeout=600)

    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    state = f"{survived} of {total} chunks survived the kill; the resume reported {report}"
    assert report["num_deleted"] == 0 and report["num_added"] < total, state
    assert report["num_added"] + report["num_skipped"] == report["total_chunks"] == total, state
    assert snapshot(killed) == snapshot(clean)
    # The vector index answers as a clean ingest's does: a chunk lost from the index (or left
    # twice) after the kill would change what the nearest neighbour of its own text is.
    collection, reference = open_store(killed).collection, open_store(clean).collection
    sample = collection.get(ids=sorted(snapshot(clean))[::37], include=["documents"])
    for text in sample["documents"]:
        hit = collection.query(query_texts=[text], n_results=3)["ids"][0]
        expected = reference.query(query_texts=[text], n_results=3)["ids"][0]
        assert hit == expected, "the resumed index must answer exactly as a clean ingest's"
