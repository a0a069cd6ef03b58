"""The guidance store on a real Chroma server (`chroma run`): ingest, answers, restarts, outages."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from coach.settings import REPO_ROOT, Settings
from tests.documents import JOURNAL_DOC
from tests.support import COACH, clean_env, free_port, stop_process, wait_until_ready

pytest_plugins = ["app_server"]  # start_app / stop_app
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMA = Path(sys.executable).parent / "chroma"
CORPUS = REPO_ROOT / "corpus"
QUESTION = "How do I find a mentor?"
# Generous: a Rust binary starting on a busy 2-core machine; not a timing assertion.
SERVER_START_LIMIT_S = 120.0
CIRCLES_DOC = """---
title: Mentoring Circles
---

## Joining a mentoring circle

A mentoring circle is a small group of four to six mentees who meet one senior mentor together
once a month. In a mentoring circle each mentee brings one question, and the group hears the
mentor's answer to every question.
"""


@dataclass
class ChromaServer:
    """`chroma run` on a fixed port and path, so it can be stopped and started again."""

    path: Path
    port: int
    log: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(self.port),
                 "--path", str(self.path)],
                stdout=out, stderr=subprocess.STDOUT, env=clean_env())
        wait_until_ready(self.process, f"{self.url}/api/v2/heartbeat", self.log,
                         limit_s=SERVER_START_LIMIT_S, name="chroma run")

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process, timeout_s=30)
        self.process = None


@dataclass
class Served:
    """A Chroma server holding the shipped corpus, ingested once through `coach ingest`."""

    server: ChromaServer
    settings: Settings
    env: dict[str, str]
    report: dict[str, Any]


def coach(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*COACH, *args], capture_output=True, text=True, env=env, timeout=600)


def coach_json(env: dict[str, str], *args: str) -> Any:
    result = coach(env, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def corpus_chunk_ids() -> set[str]:
    """The ids a clean ingest of corpus/ makes, worked out without any store."""
    from ingest.chunking import chunk_document
    from ingest.indexer import source_key
    from ingest.loaders import load_document

    return {chunk.id for path in sorted(CORPUS.glob("*.md"))
            for chunk in chunk_document(load_document(path), source_key(path, CORPUS))}


def stored_ids(settings: Settings) -> list[str]:
    from coach.store import open_store

    return open_store(settings).collection.get(include=[])["ids"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} is not installed (it comes with chromadb)")
    root = tmp_path_factory.mktemp("chroma_server")
    server = ChromaServer(root / "db", free_port(), root / "chroma.log")
    server.start()
    try:
        data_dir = root / "data"  # only the ingest lock lives here in server mode
        env = clean_env(COACH_CHROMA_URL=server.url, COACH_DATA_DIR=str(data_dir))
        report = coach_json(env, "ingest")
        settings = Settings.from_env(env={}, data_dir=data_dir, chroma_url=server.url)
        yield Served(server, settings, env, report)
    finally:
        server.stop()


def test_coach_ingest_fills_the_server_not_the_data_dir(served: Served) -> None:
    from coach.store import GuidanceEmbeddingFunction, open_store

    expected = corpus_chunk_ids()
    store = open_store(served.settings)

    assert served.report["num_added"] == len(expected) and served.report["errors"] == []
    assert set(stored_ids(served.settings)) == expected
    assert not (served.settings.data_dir / "chroma").exists()
    # The server records our embedding function and cosine space with the collection, so any
    # client that opens it embeds questions the way the passages were embedded.
    config = store.collection.configuration_json
    assert config["embedding_function"]["name"] == GuidanceEmbeddingFunction.name()
    assert config["hnsw"]["space"] == "cosine"
    assert isinstance(store.collection._embedding_function, GuidanceEmbeddingFunction)


def test_everything_survives_a_server_restart(served: Served) -> None:
    ids_before = sorted(stored_ids(served.settings))
    sources_before = coach_json(served.env, "sources")
    answer_before = coach_json(served.env, "ask", QUESTION)
    assert answer_before["kind"] == "answer" and answer_before["sources"]

    served.server.stop()
    served.server.start()  # same path, same port

    assert sorted(stored_ids(served.settings)) == ids_before
    assert coach_json(served.env, "sources") == sources_before
    answer_after = coach_json(served.env, "ask", QUESTION)
    assert answer_after["text"] == answer_before["text"]
    assert [s["id"] for s in answer_after["sources"]] == [s["id"] for s in answer_before["sources"]]
    again = coach_json(served.env, "ingest")
    assert again["num_added"] == 0 and again["num_skipped"] == len(ids_before)


def test_a_running_coach_rides_out_a_server_restart(served: Served) -> None:
    from coach.api import Coach
    from coach.store import StoreError

    coach_ = Coach(served.settings)
    assert coach_.ask(QUESTION).kind == "answer"

    served.server.stop()
    try:
        with pytest.raises(StoreError) as caught:
            coach_.ask("How should I thank my mentor?")
    finally:
        served.server.start()

    assert served.server.url in str(caught.value) and "chroma run" in str(caught.value)
    answer = coach_.ask("How should I thank my mentor?")  # the same Coach, not reopened
    assert answer.kind == "answer" and answer.sources


@pytest.mark.parametrize("command", [["ask", QUESTION], ["sources"], ["ingest"]],
                         ids=lambda c: c[0])
def test_a_server_that_is_down_gets_a_clear_message_and_exit_2(
        tmp_path: Path, command: list[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = clean_env(COACH_CHROMA_URL=url, COACH_DATA_DIR=str(tmp_path / "data"))

    result = coach(env, *command)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: cannot reach the Chroma server at {url}")
    assert "chroma run" in result.stderr and "COACH_CHROMA_URL" in result.stderr


@pytest.fixture(scope="module")
def two_apps(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Any]]:
    """Two `app.py` instances on one Chroma server, as on two hosts (separate data dirs)."""
    from app_server import start_app, stop_app

    root = tmp_path_factory.mktemp("two_apps")
    env = {"COACH_CHROMA_URL": served.server.url}
    with ThreadPoolExecutor(2) as pool:
        starting = [pool.submit(start_app, root / name / "data", root / f"{name}.log", env)
                    for name in ("a", "b")]
    apps = [f.result() for f in starting if f.exception() is None]
    try:
        if len(apps) < 2:
            raise next(f.exception() for f in starting if f.exception() is not None)
        yield apps
    finally:
        for app in apps:
            stop_app(app)


def upload(app: Any, path: Path) -> dict[str, Any]:
    from gradio_client import Client, handle_file

    return Client(app.url, verbose=False).predict([handle_file(str(path))], api_name="/ingest")


def ask(app: Any, question: str, history: list[dict[str, str]] | None = None
        ) -> tuple[str, list[dict[str, Any]]]:
    from gradio_client import Client

    return Client(app.url, verbose=False).predict(question, json.dumps(history or []),
                                                  api_name="/ask")


def test_a_document_uploaded_to_one_instance_is_cited_by_the_other(
        two_apps: list[Any], tmp_path: Path) -> None:
    a, b = two_apps
    doc = tmp_path / "mentoring-journal.md"
    doc.write_text(JOURNAL_DOC, encoding="utf-8")

    summary = upload(a, doc)
    text, sources = ask(b, "What should I write in a mentoring journal?")

    assert summary["num_added"] >= 1 and summary["errors"] == []
    assert any(s["title"] == "Keeping a Mentoring Journal" for s in sources), text
    for app in two_apps:
        assert not (app.data_dir / "chroma").exists(), "the apps must not keep a local store"


def test_uploads_to_different_instances_do_not_erase_each_other(
        two_apps: list[Any], served: Served, tmp_path: Path) -> None:
    from coach.store import open_store

    a, b = two_apps
    journal, circles = tmp_path / "journal-two.md", tmp_path / "circles.md"
    journal.write_text(JOURNAL_DOC.replace("Keeping a Mentoring Journal", "Journal Two"),
                       encoding="utf-8")
    circles.write_text(CIRCLES_DOC, encoding="utf-8")

    upload(a, journal)
    upload(b, circles)  # b's uploads/ folder has never seen journal-two.md

    sources = {s.source for s in open_store(served.settings).sources()}
    assert {"uploads/journal-two.md", "uploads/circles.md"} <= sources
    _, cited = ask(a, "What is a mentoring circle?")
    assert any(s["title"] == "Mentoring Circles" for s in cited)


def test_a_conversation_can_move_between_instances_with_its_history(
        two_apps: list[Any]) -> None:
    a, b = two_apps
    first = "Should I give my mentor a gift to say thanks?"
    reply, _ = ask(a, first)

    _, sources = ask(b, "What if we work at the same company?",
                     [{"role": "user", "content": first}, {"role": "assistant", "content": reply}])

    assert any("material thank you" in s["text"] for s in sources)
