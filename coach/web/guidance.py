"""The Guidance tab: the documents in the library; upload, re-ingest with progress, remove."""

from __future__ import annotations

from typing import Any

import gradio as gr

from coach.web.events import COACH_QUEUE, PRIVATE
from coach.web.failures import shown
from coach.web.render import esc, summary_markdown, warning
from coach.web.service import CoachService, Progress
from ingest.uploads import UPLOAD_TYPES

LIBRARY_HEADERS = ["Title", "Source", "Chunks", "Ingested at"]
PROGRESS = gr.Progress()  # gradio spots this default and feeds the page's progress bar


class GuidanceTab:
    """`build()` inside a `gr.Tab` lays the tab out; `wire(demo)` connects its events."""

    def __init__(self, service: CoachService) -> None:
        self.service = service

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

    def wire(self, demo: gr.Blocks) -> None:
        library = [self.table, self.source, self.status]
        self.upload.click(self.upload_files, [self.uploads],
                          [self.summary, *library, self.uploads], **COACH_QUEUE, **PRIVATE)
        self.reingest.click(self.reingest_corpus, None, [self.summary, *library],
                            **COACH_QUEUE, **PRIVATE)
        self.remove.click(self.remove_document, [self.source], [self.summary, *library],
                          **COACH_QUEUE, **PRIVATE)
        demo.load(self.library_view, None, library, **PRIVATE)

    # -- handlers: each returns (summary, table, document choices, status[, upload box]) -------

    def library_view(self) -> tuple[Any, Any, str]:
        rows = self.service.library_rows()
        chunks = sum(int(r[2]) for r in rows)
        status = (f"{len(rows)} document{'s' if len(rows) != 1 else ''}, {chunks} passages "
                  f"in the library.") if rows else "The library is empty: upload guidance below."
        return (gr.update(value=rows),
                gr.update(choices=self.service.source_choices(), value=None), status)

    def upload_files(self, files: list[str] | None, progress: gr.Progress = PROGRESS
                     ) -> tuple[Any, ...]:
        try:
            progress(0, desc="Saving uploads")
            outcome = self.service.ingest_uploads(files or [], bar(progress))
            summary = summary_markdown(outcome, what="Upload")
        except Exception as exc:
            summary = warning(shown(exc))
        return (summary, *self.library_view(), None)

    def reingest_corpus(self, progress: gr.Progress = PROGRESS) -> tuple[Any, ...]:
        try:
            progress(0, desc="Reading the corpus folder")
            report = self.service.reingest_corpus(bar(progress))
            summary = (f"**Re-ingested** `{esc(self.service.settings.corpus_dir.name)}/`.\n\n"
                       + summary_markdown(report=report))
        except Exception as exc:
            summary = warning(shown(exc))
        return (summary, *self.library_view())

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


def bar(progress: gr.Progress) -> Progress:
    """The ingest's (done, total, file) callback, drawn as the page's progress bar."""
    def report(done: int, total: int, message: str) -> None:
        progress((done, total), desc=f"Ingesting {message}", unit="files")
    return report
