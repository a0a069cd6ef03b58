"""The Gradio web page: chat, email drafts and the guidance library, wired to the library API."""

from __future__ import annotations

import os

# Before gradio is imported: it reads this at import time, and the app must stay offline.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import html  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402

from coach.results import Answer, Draft, Passage  # noqa: E402
from coach.settings import Settings, SettingsError  # noqa: E402
from coach.store import Store, StoreError, open_store  # noqa: E402
from ingest.uploads import (  # noqa: E402
    UPLOAD_TYPES,
    UploadOutcome,
    ingest_uploads,
    uploads_dir,
)

TITLE = "Mentee Coach"
SUBTITLE = ("Practical, cited advice on finding and keeping a mentor — "
            "every answer rests on the guidance documents in your library.")
DRAFT_KINDS = ("outreach", "thank-you", "back-off", "follow-up")
EXAMPLES = [
    "How do I find a mentor?",
    "How often should I contact my mentor?",
    "My mentor stopped returning my calls. What should I do?",
    "How should I thank my mentor for her help?",
]
# One coach/store job at a time: 2 CPU cores, one embedding model, one Chroma client.
COACH_QUEUE = "coach"
SYSTEM_FONTS = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto",
                "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
CSS = """
#coach-header h1 { margin-bottom: 0.1em; }
#coach-header p { margin-top: 0; opacity: 0.8; }
#coach-notice { min-height: 0; }
footer { display: none !important; }
#library-table { --font-mono: var(--font); }  /* a list of documents, not code */
"""
LIBRARY_HEADERS = ["Title", "Source", "Chunks", "Ingested at"]
PROGRESS = gr.Progress()  # gradio spots this default and feeds the page's progress bar


# ---------------------------------------------------------------------------------------------
# Services: the library API behind the page (no gradio here, so the API endpoints share it).
# ---------------------------------------------------------------------------------------------


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
                    from coach.api import Coach as factory
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
                       progress: Callable[[int, int, str], None] | None = None) -> UploadOutcome:
        """Save uploaded files into uploads/ under safe names, then ingest just those."""
        outcome = ingest_uploads(self.store, files, progress=progress)
        if outcome.report is not None:
            outcome.report.errors = [self._short(line) for line in outcome.report.errors]
        return outcome

    def reingest_corpus(self, progress: Callable[[int, int, str], None] | None = None) -> Any:
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
        return [[s.title, s.source, s.chunks, _when(s.ingested_at)] for s in self.store.sources()]

    def source_choices(self) -> list[tuple[str, str]]:
        return [(f"{s.title} ({s.source})", s.source) for s in self.store.sources()]

    def _short(self, line: str) -> str:
        # Error lines name server paths; the user only needs the file's own name.
        for root in (self.uploads_dir, self.settings.corpus_dir):
            line = line.replace(f"{root.resolve()}/", f"{root.name}/")
            line = line.replace(f"{root}/", f"{root.name}/")
        return line


def _when(stamp: str) -> str:
    # "2025-01-31T10:04:05+00:00" -> "2025-01-31 10:04 UTC"
    match = re.match(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)", stamp or "")
    return f"{match[1]} {match[2]} UTC" if match else (stamp or "")


# ---------------------------------------------------------------------------------------------
# Rendering: results -> markdown. Everything from a user or a document is HTML-escaped, so a
# `<script>` in a guidance file or a message shows as text instead of running.
# ---------------------------------------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text or "", quote=False)


def quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in esc(text).splitlines())


def render_passages(passages: Sequence[Passage]) -> str:
    blocks = []
    for i, p in enumerate(passages, 1):
        n = p.n or i
        blocks.append(f"**[{n}] {esc(p.label)}** · relevance {p.score:.2f}\n\n{quote(p.text)}")
    return "\n\n".join(blocks)


def render_draft(draft: Draft) -> str:
    return f"**Subject:** {esc(draft.subject)}\n\n{esc(draft.body)}"


def render_answer(answer: Answer) -> str:
    parts = []
    text = answer.text or ""
    if answer.notice and answer.notice.strip() != text.strip():
        parts.append(f"> **Note:** {esc(answer.notice)}")
    if text:
        parts.append(esc(text))
    # A draft from chat normally arrives written into the text; show it if it was not.
    if answer.draft is not None and answer.draft.subject not in text:
        parts.append(render_draft(answer.draft))
    return "\n\n".join(parts) or "…"


def answer_sources(answer: Answer) -> list[Passage]:
    if answer.sources:
        return list(answer.sources)
    return list(answer.draft.sources) if answer.draft is not None else []


def sources_message(passages: Sequence[Passage]) -> dict[str, Any]:
    return {"role": "assistant", "content": render_passages(passages),
            "metadata": {"title": f"Sources ({len(passages)})", "status": "done"}}


def render_points(draft: Draft) -> str:
    lines = []
    if draft.notice:
        lines.append(f"> **Note:** {esc(draft.notice)}\n")
    if draft.points:
        lines.append("**Guidance this draft follows**\n")
        lines.extend(f"- {esc(point)}" for point in draft.points)
    return "\n".join(lines)


def passage_dict(p: Passage) -> dict[str, Any]:
    return {"n": p.n, "title": p.title, "section": p.section, "source": p.source,
            "score": round(float(p.score), 4), "text": p.text}


def summary_markdown(outcome: UploadOutcome | None = None, report: Any = None,
                     what: str = "Upload") -> str:
    report = report if report is not None else (outcome.report if outcome else None)
    paragraphs, problems = [], []
    if outcome is not None and outcome.saved:
        paragraphs.append(f"**{what}:** saved "
                          f"{', '.join(f'`{esc(n)}`' for n in outcome.saved)}.")
    if report is not None:
        paragraphs.append(f"**Passages:** {report.num_added} added · {report.num_updated} "
                          f"updated · {report.num_skipped} unchanged · {report.num_deleted} "
                          f"deleted — {report.total_chunks} in the library.")
        problems.extend(f"- ⚠ not ingested: {esc(line)}" for line in report.errors)
    if outcome is not None:
        problems.extend(f"- ⚠ `{esc(name)}` rejected: {esc(reason)}"
                        for name, reason in outcome.rejected)
        if not outcome.saved and not outcome.rejected:
            paragraphs.append("Choose one or more files first (.md, .txt, .html or .pdf).")
    if problems:
        paragraphs.append("\n".join(problems))
    return "\n\n".join(paragraphs)


def user_message(exc: BaseException) -> str:
    """The message a user sees for a failure; only our own error types say more than 'sorry'."""
    if isinstance(exc, (StoreError, SettingsError, ValueError, LookupError)):
        return str(exc)
    return ("Sorry, something went wrong on the server (details are in its console). "
            "Please try again.")


def _log_unexpected(exc: BaseException) -> None:
    if not isinstance(exc, (StoreError, SettingsError, ValueError, LookupError)):
        traceback.print_exception(exc, file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# The page.
# ---------------------------------------------------------------------------------------------


def build_app(settings: Settings, service: CoachService | None = None) -> gr.Blocks:
    """The whole page; `service` may be passed in (tests), otherwise it opens `settings`' store."""
    svc = service or CoachService(settings)

    # -- chat -------------------------------------------------------------------------------

    def take_message(message: str) -> tuple[Any, str]:
        # The box stays locked until the reply is complete: one question at a time.
        return gr.update(value="", interactive=False), message

    def unlock_input() -> Any:
        return gr.update(interactive=True)

    def chat_reply(message: str, chat: list[dict[str, Any]], history: list[dict[str, str]]
                   ) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, str]]]]:
        message = (message or "").strip()
        if not message:
            yield chat, history
            return
        chat = [*chat, {"role": "user", "content": esc(message)},
                {"role": "assistant", "content": "…"}]
        yield chat, history
        streamed = ""
        try:
            for piece in svc.coach().stream(message, list(history)):
                if isinstance(piece, Answer):
                    chat[-1] = {"role": "assistant", "content": render_answer(piece)}
                    sources = answer_sources(piece)
                    if sources:
                        chat.append(sources_message(sources))
                    history = [*history, {"role": "user", "content": message},
                               {"role": "assistant", "content": piece.text}]
                else:
                    streamed += str(piece)
                    chat[-1] = {"role": "assistant", "content": esc(streamed) + " …"}
                yield chat, history
        except Exception as exc:  # shown in the chat; the traceback goes to the console
            _log_unexpected(exc)
            chat[-1] = {"role": "assistant", "content": f"⚠ {esc(user_message(exc))}"}
            yield chat, history

    def clear_chat() -> tuple[list, list]:
        return [], []

    # -- drafts -----------------------------------------------------------------------------

    def make_draft(kind: str, to: str, sender: str, context: str
                   ) -> tuple[str, str, str, str, str]:
        fields_ = (("the kind of email", kind), ("a recipient", to), ("some context", context))
        missing = [label for label, value in fields_ if not (value or "").strip()]
        if missing:
            text = f"Please fill in {' and '.join(missing)} first."
            gr.Warning(text)
            return f"⚠ {text}", "", "", "", ""
        try:
            draft = svc.coach().draft(kind, to.strip(), context.strip(),
                                      (sender or "").strip() or None)
        except Exception as exc:
            _log_unexpected(exc)
            text = user_message(exc)
            gr.Warning(text)
            return f"⚠ {esc(text)}", "", "", "", ""
        cited = render_passages(draft.sources) or "No passages were cited."
        return "", draft.subject, draft.body, render_points(draft), cited

    # -- library ----------------------------------------------------------------------------

    def library_view() -> tuple[Any, Any, str]:
        rows = svc.library_rows()
        chunks = sum(int(r[2]) for r in rows)
        status = (f"{len(rows)} document{'s' if len(rows) != 1 else ''}, {chunks} passages "
                  f"in the library.") if rows else "The library is empty: upload guidance below."
        return (gr.update(value=rows), gr.update(choices=svc.source_choices(), value=None),
                status)

    def gradio_progress(progress: gr.Progress) -> Callable[[int, int, str], None]:
        def report(done: int, total: int, message: str) -> None:
            progress((done, total), desc=f"Ingesting {message}", unit="files")
        return report

    def upload_files(files: list[str] | None, progress: gr.Progress = PROGRESS
                     ) -> tuple[Any, ...]:
        try:
            progress(0, desc="Saving uploads")
            outcome = svc.ingest_uploads(files or [], gradio_progress(progress))
            summary = summary_markdown(outcome, what="Upload")
        except Exception as exc:
            _log_unexpected(exc)
            summary = f"⚠ {esc(user_message(exc))}"
        return (summary, *library_view(), None)

    def reingest(progress: gr.Progress = PROGRESS) -> tuple[Any, ...]:
        try:
            progress(0, desc="Reading the corpus folder")
            report = svc.reingest_corpus(gradio_progress(progress))
            summary = (f"**Re-ingested** `{esc(svc.settings.corpus_dir.name)}/`.\n\n"
                       + summary_markdown(report=report))
        except Exception as exc:
            _log_unexpected(exc)
            summary = f"⚠ {esc(user_message(exc))}"
        return (summary, *library_view())

    def remove_document(source: str | None) -> tuple[Any, ...]:
        if not source:
            gr.Warning("Choose a document to remove first.")
            return ("⚠ Choose a document to remove first.", *library_view())
        try:
            removed, deleted_file = svc.remove(source)
            summary = (f"**Removed** `{esc(source)}`: {removed} passages deleted"
                       + (" and its uploaded file." if deleted_file else "."))
        except Exception as exc:
            _log_unexpected(exc)
            summary = f"⚠ {esc(user_message(exc))}"
        return (summary, *library_view())

    # -- API endpoints (gradio_client) ------------------------------------------------------

    def api_ask(message: str, history_json: str = "[]") -> tuple[str, list[dict]]:
        """Ask the coach; history_json is a JSON list of {"role","content"} messages."""
        try:
            history = json.loads(history_json or "[]")
            if not isinstance(history, list):
                raise ValueError("history_json must be a JSON list of {role, content} messages")
            answer = svc.coach().ask(message, history)
        except Exception as exc:
            _log_unexpected(exc)
            raise gr.Error(user_message(exc)) from None
        return answer.text, [passage_dict(p) for p in answer_sources(answer)]

    def api_draft(kind: str, to: str, context: str, sender: str = "") -> tuple[str, str, list]:
        """Draft an email: kind is outreach, thank-you, back-off or follow-up."""
        try:
            draft = svc.coach().draft(kind, to, context, sender or None)
        except Exception as exc:
            _log_unexpected(exc)
            raise gr.Error(user_message(exc)) from None
        return draft.subject, draft.body, list(draft.points)

    def api_ingest(files: list[str] | None) -> dict[str, Any]:
        try:
            return svc.ingest_uploads(files or []).to_dict()
        except Exception as exc:
            _log_unexpected(exc)
            raise gr.Error(user_message(exc)) from None

    # -- layout -----------------------------------------------------------------------------

    coach_queue = {"concurrency_limit": 1, "concurrency_id": COACH_QUEUE}
    private = {"api_visibility": "private"}

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}\n{SUBTITLE}", elem_id="coach-header")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chatbot = gr.Chatbot(
                    label="Conversation", height=520, elem_id="chatbot",
                    buttons=["copy"], feedback_options=None, layout="bubble",
                    placeholder="Ask about finding a mentor, keeping one, or what to write to "
                                "them. Answers cite the guidance they rest on.")
                history = gr.State([])
                pending = gr.State("")
                with gr.Row():
                    msg = gr.Textbox(placeholder="Ask your coach…", show_label=False,
                                     scale=6, lines=1, max_lines=6, elem_id="chat-input",
                                     max_length=settings.max_message_chars)
                    send = gr.Button("Send", variant="primary", scale=1, min_width=90)
                    clear = gr.Button("Clear conversation", scale=1, min_width=210)
                gr.Examples(EXAMPLES, inputs=[msg], label="Try asking")

            with gr.Tab("Draft an email", id="draft"):
                gr.Markdown("Draft a short email to a mentor, following the guidance.")
                with gr.Row():
                    with gr.Column(scale=2):
                        kind = gr.Dropdown(list(DRAFT_KINDS), value="outreach", label="Kind",
                                           elem_id="draft-kind")
                        to = gr.Textbox(label="Recipient", placeholder="e.g. Dr. Priya Shah",
                                        elem_id="draft-to")
                        sender = gr.Textbox(label="Your name", placeholder="e.g. Alex",
                                            elem_id="draft-sender")
                        context = gr.Textbox(
                            label="Context", lines=5, elem_id="draft-context",
                            placeholder="e.g. We met at the PyData meetup; I'm moving into data "
                                        "engineering and would value her advice.")
                        make = gr.Button("Draft email", variant="primary", elem_id="draft-btn")
                    with gr.Column(scale=3):
                        draft_status = gr.Markdown(elem_id="draft-status")
                        # Editable, so the mentee can make it their own before copying it.
                        subject = gr.Textbox(label="Subject", buttons=["copy"],
                                             interactive=True, elem_id="draft-subject")
                        body = gr.Textbox(label="Body", lines=12, max_lines=30,
                                          buttons=["copy"], interactive=True,
                                          elem_id="draft-body")
                        points = gr.Markdown(elem_id="draft-points")
                        with gr.Accordion("Cited passages", open=False):
                            cited = gr.Markdown(elem_id="draft-cited")

            with gr.Tab("Guidance", id="guidance"):
                library_status = gr.Markdown(elem_id="library-status")
                table = gr.Dataframe(headers=LIBRARY_HEADERS, interactive=False, wrap=True,
                                     elem_id="library-table", label="Guidance library")
                with gr.Row():
                    with gr.Column():
                        uploads = gr.File(label="Add guidance documents (.md, .txt, .html, .pdf)",
                                          file_count="multiple", file_types=list(UPLOAD_TYPES),
                                          elem_id="upload-files")
                        upload = gr.Button("Upload and ingest", variant="primary",
                                           elem_id="upload-btn")
                    with gr.Column():
                        source = gr.Dropdown([], label="Document", elem_id="remove-source",
                                             info="Removing an uploaded document also deletes "
                                                  "its file; corpus documents return on re-ingest.")
                        remove = gr.Button("Remove document", variant="stop",
                                           elem_id="remove-btn")
                        reingest_btn = gr.Button("Re-ingest corpus folder",
                                                 elem_id="reingest-btn")
                ingest_summary = gr.Markdown(elem_id="ingest-summary")

        # API-only components for /ingest: the same upload path as the page, files via a client.
        api_files = gr.File(file_count="multiple", visible=False)
        api_summary = gr.JSON(visible=False)
        api_trigger = gr.Button(visible=False)

        for trigger in (msg.submit, send.click):
            trigger(take_message, [msg], [msg, pending], queue=False, **private).then(
                chat_reply, [pending, chatbot, history], [chatbot, history],
                show_progress="hidden", **coach_queue, **private).then(
                unlock_input, None, [msg], queue=False, **private)
        clear.click(clear_chat, None, [chatbot, history], queue=False, **private)
        # The chatbot's own trash icon empties the view; forget the conversation with it.
        chatbot.clear(clear_chat, None, [chatbot, history], queue=False, **private)

        make.click(make_draft, [kind, to, sender, context],
                   [draft_status, subject, body, points, cited], **coach_queue, **private)

        library_outputs = [table, source, library_status]
        upload.click(upload_files, [uploads], [ingest_summary, *library_outputs, uploads],
                     **coach_queue, **private)
        reingest_btn.click(reingest, None, [ingest_summary, *library_outputs],
                           **coach_queue, **private)
        remove.click(remove_document, [source], [ingest_summary, *library_outputs],
                     **coach_queue, **private)
        demo.load(library_view, None, library_outputs, **private)

        gr.api(api_ask, api_name="ask", **coach_queue)
        gr.api(api_draft, api_name="draft", **coach_queue)
        api_trigger.click(api_ingest, [api_files], [api_summary], api_name="ingest",
                          **coach_queue)
    return demo


def theme() -> gr.themes.Base:
    # System fonts only: nothing to fetch, so the page looks the same offline.
    return gr.themes.Default(primary_hue="teal", secondary_hue="sky", neutral_hue="slate",
                             font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def launch_kwargs(settings: Settings) -> dict[str, Any]:
    """Everything `launch()` needs besides host and port (shared with in-process tests)."""
    return {"auth": settings.auth_pair, "theme": theme(), "css": CSS,
            "max_file_size": settings.max_upload_bytes, "footer_links": [],
            "ssr_mode": False, "show_error": True}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"{TITLE}: the web page.")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1, COACH_HOST)")
    parser.add_argument("--port", type=int, help="port to bind (default 7860, COACH_PORT)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        settings = Settings.from_env(host=args.host, port=args.port)
        settings.auth_pair  # noqa: B018  (validates COACH_AUTH before anything starts)
        service = CoachService(settings)
        service.ensure_corpus()
        demo = build_app(settings, service)
    except (StoreError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    demo.queue(default_concurrency_limit=1)
    demo.launch(server_name=settings.host, server_port=settings.port, quiet=True,
                prevent_thread_lock=True, **launch_kwargs(settings))
    threading.Thread(target=service.warm_up, name="coach-warm-up", daemon=True).start()
    print(f"{TITLE} is ready at http://{settings.host}:{settings.port} "
          f"({service.store.count()} passages from {settings.data_dir}; "
          f"started in {time.monotonic() - started:.1f}s). Ctrl+C stops it.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        demo.block_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())
