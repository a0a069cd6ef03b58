"""The library behind the page: the store, a lazily built `Coach`, and the ingest operations.

No gradio here, so the tabs and the API endpoints share it and tests can drive it directly.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from coach.settings import Settings
from coach.store import Store, open_store
from coach.web.failures import user_message
from coach.web.render import when
from ingest.uploads import UploadOutcome, ingest_uploads, uploads_dir

Progress = Callable[[int, int, str], None]


class CoachService:
    """The store, a lazily built `Coach`, and the ingest operations the page offers."""

    def __init__(self, settings: Settings, store: Store | None = None,
                 coach_factory: Callable[..., Any] | None = None) -> None:
        self.settings = settings
        self.store = store or open_store(settings, create=True)
        self._coach_factory = coach_factory
        self._coach: Any = None
        self._lock = threading.Lock()

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
