"""A watched folder keeps the library in sync: added, edited and deleted files (real store)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coach.settings import Settings
from coach.store import Store, open_store
from ingest.indexer import IngestReport
from ingest.watch import relevant, watch
from tests.documents import JOURNAL_DOC

WAIT_S = 120.0  # generous for a loaded machine; not a timing assertion
pytestmark = pytest.mark.model  # real embeddings (except the filter test, which is instant)

POSTURE_DOC = """---
title: Asking for Feedback
---

## Asking for feedback after a presentation

Ask your mentor for one thing to keep and one thing to change after each presentation you give.
Two specific points are easier to act on than a general verdict about how it went.
"""


class Watcher:
    """`watch` on a thread, with every sync's report collected."""

    def __init__(self, store: Store, folder: Path) -> None:
        self.reports: list[IngestReport] = []
        self.messages: list[str] = []
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=watch, args=(store, folder), kwargs={
            "on_sync": self._on_sync, "stop": self.stop, "ready": self.ready,
            "debounce_ms": 300}, daemon=True)

    def _on_sync(self, report: IngestReport | None, message: str) -> None:
        self.messages.append(message)
        if report is not None:
            self.reports.append(report)

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        pytest.fail(f"the watcher never {what}; its syncs said: {self.messages}")


@pytest.fixture
def store(settings: Callable[..., Settings]) -> Store:
    return open_store(settings(), create=True)


@pytest.fixture
def watched(store: Store, tmp_path: Path) -> Iterator[tuple[Watcher, Path]]:
    folder = tmp_path / "team-guidance"
    folder.mkdir()
    (folder / "journal.md").write_text(JOURNAL_DOC)
    watcher = Watcher(store, folder)
    watcher.thread.start()
    assert watcher.ready.wait(WAIT_S), watcher.messages
    yield watcher, folder
    watcher.stop.set()
    watcher.thread.join(timeout=30)
    assert not watcher.thread.is_alive()


def texts(store: Store, source: str) -> str:
    got = store.collection.get(where={"source": source}, include=["documents"])
    return "\n".join(got["documents"])


def test_the_folder_is_ingested_when_the_watch_starts(store, watched):
    assert "mentoring journal" in texts(store, "team-guidance/journal.md")


def test_an_added_an_edited_and_a_deleted_file_reach_the_library(store, watched):
    watcher, folder = watched
    (folder / "feedback.md").write_text(POSTURE_DOC)
    watcher.wait_for(lambda: "one thing to keep" in texts(store, "team-guidance/feedback.md"),
                     "ingested the added file")

    (folder / "feedback.md").write_text(POSTURE_DOC.replace("presentation you give",
                                                            "demo you run for the team"))
    watcher.wait_for(lambda: "demo you run" in texts(store, "team-guidance/feedback.md"),
                     "re-ingested the edited file")
    assert "presentation you give" not in texts(store, "team-guidance/feedback.md")

    (folder / "journal.md").unlink()
    watcher.wait_for(lambda: texts(store, "team-guidance/journal.md") == "",
                     "removed the deleted file's passages")
    assert "demo you run" in texts(store, "team-guidance/feedback.md")


def test_hidden_and_temporary_files_do_not_count_as_changes(tmp_path: Path):
    assert relevant(str(tmp_path / "notes.md"), tmp_path)
    assert not relevant(str(tmp_path / ".git" / "index"), tmp_path)
    assert not relevant(str(tmp_path / "notes.md.swp"), tmp_path)
    assert not relevant(str(tmp_path / "notes.md~"), tmp_path)


def test_coach_ingest_watch_reports_each_sync_until_interrupted(tmp_path: Path):
    import json
    import os
    import signal
    import subprocess
    import sys

    folder = tmp_path / "watched"
    folder.mkdir()
    (folder / "journal.md").write_text(JOURNAL_DOC)
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from coach.cli import main; main()", "ingest", "--watch",
         str(folder), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env)
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        assert first["ok"] and first["num_added"] >= 1, first
        (folder / "feedback.md").write_text(POSTURE_DOC)
        second = json.loads(process.stdout.readline())
        assert second["ok"] and second["num_added"] >= 1 and second["num_deleted"] == 0, second
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err
