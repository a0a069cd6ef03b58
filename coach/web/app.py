"""The page assembled from its tabs and endpoints; `main` serves it (`python app.py`)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

import gradio as gr

from coach.errors import CoachError
from coach.settings import Settings
from coach.web.api import CoachApi
from coach.web.chat import ChatTab
from coach.web.draft import DraftTab
from coach.web.gaps import GapsPanel
from coach.web.guidance import GuidanceTab
from coach.web.mentors import MentorsTab
from coach.web.service import CoachService
from coach.web.workspace import WorkspaceService

TITLE = "Mentee Coach"
SUBTITLE = ("Practical, cited advice on finding and keeping a mentor — "
            "every answer rests on the guidance documents in your library.")
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


def build_app(settings: Settings, service: CoachService | None = None,
              workspace: WorkspaceService | None = None) -> gr.Blocks:
    """The whole page; `service` and `workspace` may be passed in (tests), otherwise they open
    `settings`' store and workspace database."""
    svc = service or CoachService(settings)
    ws = workspace or WorkspaceService(settings)
    chat, mentors = ChatTab(svc, settings, ws), MentorsTab(svc, ws)
    draft, guidance, gaps = DraftTab(svc, ws), GuidanceTab(svc), GapsPanel(ws)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}\n{SUBTITLE}", elem_id="coach-header")
        guidance.build_progress()
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chat.build()
            with gr.Tab("Mentors", id="mentors"):
                mentors.build()
            with gr.Tab("Draft an email", id="draft"):
                draft.build()
            with gr.Tab("Guidance", id="guidance"):
                guidance.build()
                gaps.build()
        CoachApi(svc, ws).build()
        chat.wire(demo)
        mentors.wire(demo)
        draft.wire()
        guidance.wire(demo)
        gaps.wire(demo)
    return demo


def theme() -> gr.themes.Base:
    # System fonts only: nothing to fetch, so the page looks the same offline.
    return gr.themes.Default(primary_hue="teal", secondary_hue="sky", neutral_hue="slate",
                             font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def launch_kwargs(settings: Settings, service: CoachService | None = None) -> dict[str, Any]:
    """Everything `launch()` needs besides host and port (shared with in-process tests).

    With a `service`, the OpenAI-compatible `/v1` routes go into gradio's FastAPI app ahead of
    gradio's own routes (`app_kwargs` reaches the FastAPI constructor).
    """
    kwargs: dict[str, Any] = {"auth": settings.auth_pairs or None, "theme": theme(), "css": CSS,
                              "max_file_size": settings.max_upload_bytes, "footer_links": [],
                              "ssr_mode": False, "show_error": True}
    if service is not None:
        from coach.web.openai_api import router

        kwargs["app_kwargs"] = {"routes": list(router(service, settings).routes)}
    return kwargs


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the page until Ctrl+C; exit 2 with one `error:` line when settings or store fail."""
    parser = argparse.ArgumentParser(description=f"{TITLE}: the web page.")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1, COACH_HOST)")
    parser.add_argument("--port", type=int, help="port to bind (default 7860, COACH_PORT)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        settings = Settings.from_env(host=args.host, port=args.port)
        settings.auth_pairs  # noqa: B018  (validates COACH_AUTH before anything starts)
        service = CoachService(settings)
        workspace = WorkspaceService(settings)
        service.ensure_corpus()
        # The coach (model, lexical index) loads while the page is built and the server
        # starts: measured, the first answer comes ~1-2 s sooner than when loaded after.
        threading.Thread(target=service.warm_up, name="coach-warm-up", daemon=True).start()
        demo = build_app(settings, service, workspace)
    except CoachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    demo.queue(default_concurrency_limit=1)
    demo.launch(server_name=settings.host, server_port=settings.port, quiet=True,
                prevent_thread_lock=True, **launch_kwargs(settings, service))
    if service.start_watching() is not None:
        print(f"Keeping the library in sync with {settings.watch_dir} (COACH_WATCH_DIR).",
              flush=True)
    print(f"{TITLE} is ready at http://{settings.host}:{settings.port} "
          f"({service.store.count()} passages from {settings.data_dir}; "
          f"started in {time.monotonic() - started:.1f}s). Ctrl+C stops it.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        demo.block_thread()
    service.close()
    return 0
