"""Background ingest: jobs run on a worker, report progress and their outcome (real store)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coach.settings import Settings
from coach.store import open_store
from coach.web.guidance import GuidanceTab
from coach.web.render import job_progress, job_summary
from coach.web.service import CoachService
from ingest.background import BackgroundIngest, IngestJob
from tests.documents import JOURNAL_DOC

WAIT_S = 300.0
pytestmark = pytest.mark.model  # real embeddings


@pytest.fixture
def service(settings: Callable[..., Settings]) -> Iterator[CoachService]:
    svc = CoachService(settings())
    yield svc
    svc.close()


def test_an_upload_returns_at_once_and_its_job_reports_the_ingest(service, tmp_path: Path):
    doc = tmp_path / "journal.md"
    doc.write_text(JOURNAL_DOC)
    bad = tmp_path / "notes.exe"
    bad.write_text("x")

    outcome, job = service.queue_uploads([str(doc), str(bad)])

    assert outcome.saved == ["journal.md"] and outcome.rejected[0][0] == "notes.exe"
    assert job is not None and not job.finished
    finished = service.background.wait(job.id, WAIT_S)
    assert finished.state == "done" and finished.report is not None
    assert finished.report.num_added >= 1 and finished.report.errors == []
    assert "uploads/journal.md" in {s.source for s in service.store.sources()}
    summary = job_summary(service.ingest_jobs()[-1])
    assert "journal.md" in summary and "added" in summary and "notes.exe" in summary


def test_a_failed_job_says_why_and_the_worker_takes_the_next(settings, tmp_path: Path):
    store = open_store(settings(max_upload_bytes=10), create=True)
    worker = BackgroundIngest(store)
    try:
        big = tmp_path / "big.md"
        big.write_text(JOURNAL_DOC)  # over the 10-byte limit: reported as a file error
        first = worker.wait(worker.submit("too big", [big]).id, WAIT_S)
        assert first.state == "done" and first.report is not None and first.report.errors
        missing = worker.wait(worker.submit("missing", [tmp_path / "nope"]).id, WAIT_S)
        assert missing.report is not None and "no such file" in missing.report.errors[0]
    finally:
        worker.close()


def test_a_waiting_watch_sync_is_not_queued_twice(settings, tmp_path: Path):
    store = open_store(settings(), create=True)
    worker = BackgroundIngest(store)
    try:
        folder = tmp_path / "docs"
        folder.mkdir()
        (folder / "journal.md").write_text(JOURNAL_DOC)
        jobs = [worker.submit("watched", [folder], key="watch") for _ in range(5)]
        for job in jobs:
            worker.wait(job.id, WAIT_S)
        # The first may already run when the others arrive; the rest share one queued job.
        assert len({job.id for job in jobs}) <= 2
        assert all(job.finished for job in worker.jobs())
    finally:
        worker.close()


def test_the_progress_line_names_the_running_job_and_what_waits():
    running = IngestJob(1, "Upload of big.md", [], state="running", done=0, total=1,
                        current="uploads/big.md: 64 of 500 new passages embedded")
    waiting = IngestJob(2, "Re-ingest of corpus/", [], state="queued")
    line = job_progress([running, waiting])
    assert "Ingesting** Upload of big.md: file 1 of 1" in line
    assert "64 of 500 new passages" in line and "Waiting: Re-ingest of corpus/" in line
    assert job_progress([]) == ""


def test_the_page_polls_progress_then_shows_the_summary_once(service, tmp_path: Path):
    tab = GuidanceTab(service)
    doc = tmp_path / "journal.md"
    doc.write_text(JOURNAL_DOC)
    _, job = service.queue_uploads([str(doc)])
    assert job is not None
    service.background.wait(job.id, WAIT_S)

    progress, summary, table, _choices, _status, seen = tab.poll(0)
    assert progress == "" and "Passages:" in summary and seen == job.id
    assert "uploads/journal.md" in str(table)
    again = tab.poll(seen)  # nothing new: summary and library left as they are
    assert again[-1] == seen and all(x == {"__type__": "update"} for x in again[1:5])
