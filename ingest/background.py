"""Ingest jobs run one at a time on a worker thread, so whoever asked for them never waits.

The web page hands uploads, re-ingests and watched-folder syncs to one `BackgroundIngest` and
keeps answering chat meanwhile (before, an upload held the page's one job slot for as long as it
embedded: a 500-chunk upload blocked every question behind it). Each job records its progress
(files done of total, the current file) for the page to show, and its report when it ends.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from coach.errors import CoachError
from coach.store import Store
from ingest.indexer import WARM_LABEL, IngestReport, sync

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed"]
KEEP_FINISHED = 20
# In the background nobody is kept waiting, so wait long for a `coach ingest` in another
# process (or another host's ingest) to finish rather than fail the job.
LOCK_TIMEOUT_S = 600.0


@dataclass
class IngestJob:
    """One ingest: what it covers, where it has got to, and how it ended."""

    id: int
    label: str
    paths: list[Path]
    key: str | None = None  # jobs with the same key are not queued twice (watched folder)
    state: JobState = "queued"
    done: int = 0
    total: int = 0
    current: str = ""
    report: IngestReport | None = None
    error: str | None = None
    extra: Any = None  # whatever the submitter wants back with the job (e.g. an UploadOutcome)
    queued_at: float = field(default_factory=time.time)
    finished_at: float | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


class BackgroundIngest:
    """A queue of ingest jobs for one store and the thread that works through it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ids = itertools.count(1)
        self._jobs: dict[int, IngestJob] = {}
        self._queue: queue.Queue[IngestJob | None] = queue.Queue()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._thread = threading.Thread(target=self._work, name="coach-ingest", daemon=True)
        self._thread.start()

    def submit(self, label: str, paths: Sequence[Path], *, key: str | None = None,
               extra: Any = None) -> IngestJob:
        """Queue an ingest of `paths`; a job with the same `key` still waiting is reused."""
        with self._lock:
            if key is not None:
                for job in self._jobs.values():
                    if job.key == key and job.state == "queued":
                        return replace(job)
            job = IngestJob(next(self._ids), label, list(paths), key=key, extra=extra)
            self._jobs[job.id] = job
            self._forget_old()
        self._queue.put(job)
        return replace(job)

    def jobs(self) -> list[IngestJob]:
        """Snapshots of the known jobs, oldest first."""
        with self._lock:
            return [replace(job) for job in self._jobs.values()]

    def wait(self, job_id: int, timeout: float | None = None) -> IngestJob:
        """Block until job `job_id` has finished (or `timeout` s passed); its snapshot."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while not self._jobs[job_id].finished:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._changed.wait(left)
            return replace(self._jobs[job_id])

    def close(self) -> None:
        """Finish the running job, drop the queued ones, stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout=60)

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            self._update(job, state="running")
            try:
                report = sync(self.store, job.paths, progress=self._progress(job),
                              embedded=self._embedded(job), lock_timeout=LOCK_TIMEOUT_S)
            except CoachError as exc:
                self._update(job, state="failed", error=str(exc), finished_at=time.time())
            except Exception as exc:  # a bug: log it, keep the worker alive for the next job
                log.exception("ingest job %s failed", job.label)
                self._update(job, state="failed", error=f"unexpected error ({exc})",
                             finished_at=time.time())
            else:
                self._update(job, state="done", report=report, finished_at=time.time())

    def _progress(self, job: IngestJob) -> Any:
        def report(done: int, total: int, message: str) -> None:
            self._update(job, done=done, total=total, current=message)
        return report

    def _embedded(self, job: IngestJob) -> Any:
        def report(source: str, n: int, of: int) -> None:
            if source == WARM_LABEL:
                self._update(job, current=f"preparing faster answers: {n} of {of} new passages")
            else:
                self._update(job, current=f"{source}: {n} of {of} new passages embedded")
        return report

    def _update(self, job: IngestJob, **changes: Any) -> None:
        with self._changed:
            for name, value in changes.items():
                setattr(job, name, value)
            self._changed.notify_all()

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.finished]
        for job in finished[:-KEEP_FINISHED]:
            del self._jobs[job.id]
