"""The Guidance tab: the documents in the library; upload, re-ingest with progress, remove.

Uploads and re-ingests run on the service's background worker: the buttons return at once and
a one-second timer shows the running job's progress, then its summary and the updated library,
while the Chat tab keeps answering.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from coach.web.events import COACH_QUEUE, PRIVATE
from coach.web.failures import shown
from coach.web.render import esc, job_progress, job_summary, summary_markdown, warning
from coach.web.service import CoachService
from ingest.uploads import UPLOAD_TYPES

LIBRARY_HEADERS = ["Title", "Source", "Chunks", "Ingested at"]
POLL_S = 1.0


class GuidanceTab:
    """`build()` inside a `gr.Tab` lays the tab out; `wire(demo)` connects its events."""

    def __init__(self, service: CoachService) -> None:
        self.service = service

    def build_progress(self) -> None:
        """The running ingest's progress line, placed above the tabs so chat shows it too."""
        self.progress = gr.Markdown(elem_id="ingest-progress")

    def build(self) -> None:
        self.status = gr.Markdown(elem_id="library-status")
        self.table = gr.Dataframe(headers=LIBRARY_HEADERS, interactive=False, wrap=True,
                                  elem_id="library-table", label="Guidance library")
        with gr.Row():
            with gr.Column():
                self.uploads = gr.File(label="Add guidance documents (.md, .txt, .html, .pdf)",
                                       file_count="multiple", file_types=list(UPLOAD_TYPES),
                                       elem_id="upload-files")
                self.upload = gr.Button("Upload and ingest", variant="primary",
                                        elem_id="upload-btn")
            with gr.Column():
                self.source = gr.Dropdown([], label="Document", elem_id="remove-source",
                                          info="Removing an uploaded document also deletes "
                                               "its file; corpus documents return on re-ingest.")
                self.remove = gr.Button("Remove document", variant="stop", elem_id="remove-btn")
                self.reingest = gr.Button("Re-ingest corpus folder", elem_id="reingest-btn")
        self.summary = gr.Markdown(elem_id="ingest-summary")
        self.seen = gr.State(0)  # the last finished job this page has shown
        self.timer = gr.Timer(POLL_S)

    def wire(self, demo: gr.Blocks) -> None:
        library = [self.table, self.source, self.status]
        # Queueing a job is instant, so these skip gradio's queue: nothing waits behind chat.
        self.upload.click(self.upload_files, [self.uploads], [self.summary, self.uploads],
                          queue=False, **PRIVATE)
        self.reingest.click(self.reingest_corpus, None, [self.summary], queue=False, **PRIVATE)
        self.remove.click(self.remove_document, [self.source], [self.summary, *library],
                          **COACH_QUEUE, **PRIVATE)
        self.timer.tick(self.poll, [self.seen], [self.progress, self.summary, *library,
                                                 self.seen], queue=False, **PRIVATE)
        demo.load(self.first_view, None, [*library, self.seen], **PRIVATE)

    # -- handlers: each returns (summary, table, document choices, status[, upload box]) -------

    def library_view(self) -> tuple[Any, Any, str]:
        rows = self.service.library_rows()
        chunks = sum(int(r[2]) for r in rows)
        status = (f"{len(rows)} document{'s' if len(rows) != 1 else ''}, {chunks} passages "
                  f"in the library.") if rows else "The library is empty: upload guidance below."
        return (gr.update(value=rows),
                gr.update(choices=self.service.source_choices(), value=None), status)

    def first_view(self) -> tuple[Any, ...]:
        finished = [job.id for job in self.service.ingest_jobs() if job.finished]
        return (*self.library_view(), max(finished, default=0))

    def upload_files(self, files: list[str] | None) -> tuple[Any, ...]:
        try:
            outcome, job = self.service.queue_uploads(files or [])
            summary = summary_markdown(outcome, what="Upload")
            if job is not None:
                summary = summary.replace("**Upload:** saved", "**Upload:** ingesting", 1)
        except Exception as exc:
            summary = warning(shown(exc))
        return summary, None

    def reingest_corpus(self) -> str:
        try:
            job = self.service.queue_reingest()
        except Exception as exc:
            return warning(shown(exc))
        return f"**{esc(job.label)}** queued."

    def poll(self, seen: int) -> tuple[Any, ...]:
        """Progress of the running and queued jobs; when one finished since `seen`, its summary
        and the library as it is now (otherwise those outputs are left alone)."""
        jobs = self.service.ingest_jobs()
        finished = [job for job in jobs if job.finished and job.id > (seen or 0)]
        if not finished:
            return (job_progress(jobs), *[gr.skip()] * 4, seen)
        latest = finished[-1]
        return (job_progress(jobs), job_summary(latest), *self.library_view(), latest.id)

    def remove_document(self, source: str | None) -> tuple[Any, ...]:
        if not source:
            gr.Warning("Choose a document to remove first.")
            return (warning("Choose a document to remove first."), *self.library_view())
        try:
            removed, deleted_file = self.service.remove(source)
            summary = (f"**Removed** `{esc(source)}`: {removed} passages deleted"
                       + (" and its uploaded file." if deleted_file else "."))
        except Exception as exc:
            summary = warning(shown(exc))
        return (summary, *self.library_view())
