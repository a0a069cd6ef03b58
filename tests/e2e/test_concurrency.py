"""Many users at once: parallel conversations, simultaneous ingests, chat during a long ingest."""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from coach.settings import REPO_ROOT, Settings
from tests import labelled
from tests.support import COACH, clean_env

pytest_plugins = ["app_server"]  # start_app / stop_app
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CORPUS = REPO_ROOT / "corpus"
BUSY = "another ingest is running"

# Each topic's passages, told apart by phrases only that topic's guidance uses (from the
# labelled set): a follow-up answered from another conversation's history would show it.
TOPICS = {
    "approach": ["If she declines, let it go", "if she politely refuses",
                 "ask if you can keep in touch", "ask what means of contact she prefers"],
    "silent": ["definitely say hello", "let her be the one to suggest your next get-together"],
    "gift": ["be careful about material thank you", "buying her lunch or writing a sincere note"],
}
FIRST = {
    "approach": "How should I ask someone to be my mentor?",
    "meeting": "How do I prepare for a first meeting with a prospective mentor?",
    "silent": "My mentor stopped returning my calls.",
    "gift": "Should I give my mentor a gift to say thanks?",
}
# (first question, follow-up, topic the follow-up's answer must come from). The same follow-up
# text appears in two conversations with different histories, so only the history decides.
CONVERSATIONS = [
    ("gift", "What if we work at the same company?", "gift"),
    ("silent", "What if we work at the same company?", "silent"),
    ("silent", "What if I run into her at an event?", "silent"),
    ("gift", "What if I run into her at an event?", "gift"),
    ("approach", "What if she says no?", "approach"),
    ("silent", "What if she says no?", "silent"),
    ("meeting", "And at the end of it?", "approach"),
    ("gift", "And at the end of it?", "gift"),
]
# Filler for generated documents: bulk to embed, on a topic that cannot crowd out the guidance
# the tests ask about (how well noise is ranked is retrieval's business, not these tests').
WORDS = ("garden soil compost tomato seed water sunlight trowel mulch harvest basil pepper "
         "greenhouse frost pruning hedge orchard beetle rainfall shovel").split()


def topic_of(sources: list[dict[str, Any]]) -> set[str]:
    text = " ".join(s["text"] for s in sources)
    return {name for name, phrases in TOPICS.items() if labelled.hits(text, phrases)}


def write_docs(folder: Path, prefix: str, n: int, sections: int = 3) -> list[Path]:
    """`n` generated guidance documents, different from each other and from the corpus."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(prefix)
    paths = []
    for i in range(n):
        body = "\n\n".join(
            f"## {prefix.title()} garden plot {i}.{j}\n\n"
            + " ".join(rng.choice(WORDS) for _ in range(110)) + "."
            for j in range(sections))
        path = folder / f"{prefix}-{i:02d}.md"
        path.write_text(f"---\ntitle: {prefix.title()} note {i}\n---\n\n{body}\n",
                        encoding="utf-8")
        paths.append(path)
    return paths


def expected_ids(files: dict[str, Path]) -> dict[str, set[str]]:
    """Per source key, the chunk ids a clean ingest of that file makes."""
    from ingest.chunking import chunk_document
    from ingest.loaders import load_document

    return {source: {c.id for c in chunk_document(load_document(path), source)}
            for source, path in files.items()}


def stored_ids(data_dir: Path) -> tuple[list[str], dict[str, set[str]]]:
    """All ids, and ids per source, as a fresh process sees the store."""
    from coach.store import open_store

    got = open_store(Settings.from_env(env={}, data_dir=data_dir)).collection.get(
        include=["metadatas"])
    per_source: dict[str, set[str]] = {}
    for cid, meta in zip(got["ids"], got["metadatas"], strict=True):
        per_source.setdefault(str(meta["source"]), set()).add(cid)
    return got["ids"], per_source


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app of our own: these tests write to its store."""
    from app_server import start_app, stop_app

    root = tmp_path_factory.mktemp("concurrency")
    running = start_app(root / "data", root / "app.log")
    try:
        yield running
    finally:
        stop_app(running)


def test_eight_simultaneous_conversations_each_follow_their_own_history(app: Any) -> None:
    from gradio_client import Client

    start = threading.Barrier(len(CONVERSATIONS))

    def converse(first_key: str, follow_up: str) -> tuple[list, list]:
        client = Client(app.url, verbose=False)  # one browser session per conversation
        first = FIRST[first_key]
        start.wait()
        text, first_sources = client.predict(first, "[]", api_name="/ask")
        history = json.dumps([{"role": "user", "content": first},
                              {"role": "assistant", "content": text}])
        _, sources = client.predict(follow_up, history, api_name="/ask")
        return first_sources, sources

    with ThreadPoolExecutor(len(CONVERSATIONS)) as pool:
        futures = [pool.submit(converse, first, follow_up)
                   for first, follow_up, _ in CONVERSATIONS]
        results = [f.result() for f in futures]

    for (first, follow_up, topic), (first_sources, sources) in zip(
            CONVERSATIONS, results, strict=True):
        assert first_sources, f"{FIRST[first]!r} got no cited answer"
        # Its own thread's topic must be cited: a history swapped with another session's would
        # answer from that session's topic instead. (A passage of another topic may be cited
        # too when the follow-up's own words match it: "the same company" is in the gift advice.)
        assert topic in topic_of(sources), (first, follow_up, [s["text"][:80] for s in sources])


def test_an_upload_and_a_cli_ingest_at_once_are_serialized_and_leave_a_clean_store(
        app: Any, tmp_path: Path) -> None:
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    from ingest.indexer import source_key

    uploads = write_docs(tmp_path / "to-upload", "upload", 8)
    folder = tmp_path / "cli-batch"
    batch = write_docs(folder, "batch", 8)
    client = Client(app.url, verbose=False)
    start = threading.Barrier(2)

    def upload() -> dict[str, Any] | str:
        start.wait()
        try:
            return client.predict([handle_file(str(p)) for p in uploads], api_name="/ingest")
        except AppError as exc:
            return str(exc)

    def cli() -> subprocess.CompletedProcess:
        start.wait()
        return subprocess.run([*COACH, "ingest", "--json", str(folder)], capture_output=True,
                              text=True, env=clean_env(app.data_dir), timeout=900)

    with ThreadPoolExecutor(2) as pool:
        via_app, via_cli = pool.submit(upload), pool.submit(cli)
        app_result, cli_result = via_app.result(), via_cli.result()

    print(f"\nupload: {'busy' if isinstance(app_result, str) else 'ingested'}; cli: "
          f"{'busy' if cli_result.returncode == 2 else 'ingested'}")
    # Either both got the lock in turn, or the loser says plainly that it must wait.
    if isinstance(app_result, str):
        assert BUSY in app_result, app_result
        app_result = client.predict([handle_file(str(p)) for p in uploads], api_name="/ingest")
    if cli_result.returncode == 2:
        assert BUSY in cli_result.stderr and "Traceback" not in cli_result.stderr
        cli_result = subprocess.run([*COACH, "ingest", "--json", str(folder)],
                                    capture_output=True, text=True,
                                    env=clean_env(app.data_dir), timeout=900)
    assert app_result["errors"] == [] and app_result["num_added"] > 0
    assert cli_result.returncode == 0, cli_result.stderr

    files = {source_key(p, CORPUS): p for p in CORPUS.glob("*.md")}
    files |= {f"uploads/{p.name}": p for p in uploads}
    files |= {source_key(p, folder): p for p in batch}
    expected = expected_ids(files)
    ids, per_source = stored_ids(app.data_dir)
    assert len(ids) == len(set(ids))
    for source, wanted in expected.items():
        assert per_source.get(source) == wanted, source
    mine = {s for s in per_source if s.startswith(("corpus/", "uploads/upload-", "cli-batch/"))}
    assert sum(len(per_source[s]) for s in mine) == sum(len(v) for v in expected.values())


def test_chat_keeps_answering_while_a_large_ingest_runs_and_then_cites_it(
        app: Any, tmp_path: Path) -> None:
    from gradio_client import Client

    folder = tmp_path / "library"
    write_docs(folder, "bulk", 39, sections=4)
    (folder / "mentoring-circles.md").write_text(
        "---\ntitle: Mentoring Circles\n---\n\n## Joining a mentoring circle\n\n"
        "A mentoring circle is a small group of four to six mentees who meet one senior mentor "
        "together once a month. In a mentoring circle each mentee brings one question, and the "
        "group hears the mentor's answer to every question.\n", encoding="utf-8")
    client = Client(app.url, verbose=False)
    question = "My mentor went quiet. Should I keep following up?"
    expect = next(i["expect"] for i in labelled.IN_SCOPE if i["question"] == question)

    ingest = subprocess.Popen([*COACH, "ingest", "--json", str(folder)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=clean_env(app.data_dir))
    answered_during, wrong = 0, []
    try:
        while ingest.poll() is None:
            text, sources = client.predict(question, "[]", api_name="/ask")
            if not labelled.hits(" ".join(s["text"] for s in sources), expect):
                wrong.append(text)
            # Its words are all over the passages being added: lexical search finds rows the
            # app's view of the vector index may not have yet. Any reply will do; an error won't.
            client.predict("How much water does a tomato garden need?", "[]", api_name="/ask")
            answered_during += ingest.poll() is None
        out, err = ingest.communicate(timeout=900)
    finally:
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()

    assert ingest.returncode == 0, err
    print(f"\n{answered_during} answers while `coach ingest` added "
          f"{json.loads(out)['num_added']} chunks")
    assert json.loads(out)["num_added"] > 100
    assert wrong == []
    assert answered_during >= 1, "no answer came back while the ingest was running"
    # The app reads the store's version at most once a second (coach/retrieval.py) and may be
    # rebuilding its lexical index on a thread: the new document is cited within seconds.
    deadline = time.monotonic() + 15
    while True:
        text, sources = client.predict("What is a mentoring circle?", "[]", api_name="/ask")
        cited = any(s["title"] == "Mentoring Circles" for s in sources)
        if cited or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert cited, text
