"""The library behind the page: the store, a lazily built `Coach`, and the ingest operations.

No gradio here, so the tabs and the API endpoints share it and tests can drive it directly.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from coach.settings import Settings
from coach.store import Store, open_store
from coach.web.failures import user_message
from coach.web.render import when
from ingest.background import BackgroundIngest, IngestJob
from ingest.uploads import (
    UploadOutcome,
    ingest_uploads,
    save_uploads,
    saved_paths,
    uploads_dir,
)

Progress = Callable[[int, int, str], None]


def _passage_texts(text: str, section: str) -> list[str]:
    """`coach.api.passage_texts`, imported on the first ingest, not when the page starts."""
    from coach.api import passage_texts

    return passage_texts(text, section)


class CoachService:
    """The store, a lazily built `Coach`, and the ingest operations the page offers."""

    def __init__(self, settings: Settings, store: Store | None = None,
                 coach_factory: Callable[..., Any] | None = None) -> None:
        self.settings = settings
        self.store = store or open_store(settings, create=True, passage_texts=_passage_texts)
        self._coach_factory = coach_factory
        self._coach: Any = None
        self._lock = threading.Lock()
        self._background: BackgroundIngest | None = None
        self._stop_watching = threading.Event()

    @property
    def background(self) -> BackgroundIngest:
        """The ingest worker (started on first use: tests of other parts never start it)."""
        with self._lock:
            if self._background is None:
                self._background = BackgroundIngest(self.store)
            return self._background

    @property
    def uploads_dir(self) -> Path:
        return uploads_dir(self.settings)

    def coach(self) -> Any:
        # Built on first use so the page comes up even while the model side is still loading.
        with self._lock:
            if self._coach is None:
                factory = self._coach_factory
                if factory is None:
                    from coach.api import Coach

                    factory = Coach
                self._coach = factory(self.settings, store=self.store)
            return self._coach

    def warm_up(self) -> None:
        """Build the coach now (in the background) so the first question does not wait for it."""
        try:
            self.coach().retriever.search("how do I find a mentor")
        except Exception as exc:  # the first real question will report it properly
            print(f"warm-up failed: {user_message(exc)}", file=sys.stderr)

    # -- ingest -----------------------------------------------------------------------------

    def ensure_corpus(self, log: Callable[[str], None] = print) -> None:
        """Ingest the corpus folder when the store is empty (first start on a new data dir)."""
        if self.store.count():
            return
        from ingest.indexer import sync

        log(f"The guidance store is empty: ingesting {self.settings.corpus_dir} ...")
        report = sync(self.store, [self.settings.corpus_dir])
        log(f"Ingested {report.num_added} passages ({report.total_chunks} in the store).")
        for line in report.errors:
            log(f"  not ingested: {line}")

    def ingest_uploads(self, files: Sequence[str | Path],
                       progress: Progress | None = None) -> UploadOutcome:
        """Save uploaded files into uploads/ under safe names, then ingest just those."""
        outcome = ingest_uploads(self.store, files, progress=progress)
        if outcome.report is not None:
            outcome.report.errors = [self._short(line) for line in outcome.report.errors]
        return outcome

    def queue_uploads(self, files: Sequence[str | Path]) -> tuple[UploadOutcome, IngestJob | None]:
        """Save uploaded files now (refusals are known at once) and ingest them in the
        background; the job is None when nothing was saved."""
        outcome = save_uploads(self.settings, files)
        if not outcome.saved:
            return outcome, None
        job = self.background.submit(f"Upload of {', '.join(outcome.saved)}",
                                     saved_paths(self.settings, outcome), extra=outcome)
        return outcome, job

    def queue_reingest(self) -> IngestJob:
        """Re-ingest the corpus folder in the background."""
        return self.background.submit(f"Re-ingest of {self.settings.corpus_dir.name}/",
                                      [self.settings.corpus_dir], key="corpus")

    def ingest_jobs(self) -> list[IngestJob]:
        """The background jobs (queued, running, recently finished), error lines shortened."""
        if self._background is None:
            return []
        jobs = self._background.jobs()
        for job in jobs:
            if job.report is not None:  # a copy: the worker's own report stays as it is
                job.report = replace(job.report,
                                     errors=[self._short(line) for line in job.report.errors])
            if job.error:
                job.error = self._short(job.error)
        return jobs

    def start_watching(self) -> threading.Thread | None:
        """Keep the library in sync with COACH_WATCH_DIR (if set) on a watcher thread: each
        burst of changes queues one background sync of the folder."""
        folder = self.settings.watch_dir
        if folder is None:
            return None
        from ingest.watch import on_changes

        def react() -> None:
            self.background.submit(f"Watched folder {folder.name}/", [folder], key="watch")

        def run() -> None:
            try:
                on_changes(folder, react, stop=self._stop_watching)
            except Exception as exc:
                print(f"watching {folder} stopped: {user_message(exc)}", file=sys.stderr)

        thread = threading.Thread(target=run, name="coach-watch", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop the watcher and the ingest worker (after the job it is running)."""
        self._stop_watching.set()
        if self._background is not None:
            self._background.close()

    def reingest_corpus(self, progress: Progress | None = None) -> Any:
        from ingest.indexer import sync

        report = sync(self.store, [self.settings.corpus_dir], progress=progress or False)
        report.errors = [self._short(line) for line in report.errors]
        return report

    def remove(self, source: str) -> tuple[int, bool]:
        """Delete a document's passages, and its file if it was uploaded here."""
        from ingest.indexer import remove_source

        removed = remove_source(self.store, source)
        prefix = f"{self.uploads_dir.name}/"
        name = source[len(prefix):] if source.startswith(prefix) else ""
        # uploads/ is flat and holds only names we made safe: never follow anything else.
        target = self.uploads_dir / name
        if name and "/" not in name and not name.startswith(".") and target.is_file():
            target.unlink()
            return removed, True
        return removed, False

    def library_rows(self) -> list[list[Any]]:
        return [[s.title, s.source, s.chunks, when(s.ingested_at)] for s in self.store.sources()]

    def source_choices(self) -> list[tuple[str, str]]:
        return [(f"{s.title} ({s.source})", s.source) for s in self.store.sources()]

    def _short(self, line: str) -> str:
        # Error lines name server paths; the user only needs the file's own name.
        for root in (self.uploads_dir, self.settings.corpus_dir):
            line = line.replace(f"{root.resolve()}/", f"{root.name}/")
            line = line.replace(f"{root}/", f"{root.name}/")
        return line
