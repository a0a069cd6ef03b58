"""The page assembled from its tabs and endpoints, as an ASGI app (`coach.web.app` serves it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr
from fastapi import FastAPI
from starlette.routing import BaseRoute, Mount

from coach.settings import Settings
from coach.web import TITLE
from coach.web.api import CoachApi
from coach.web.chat import ChatTab
from coach.web.draft import DraftTab
from coach.web.gaps import GapsPanel
from coach.web.guidance import GuidanceTab
from coach.web.mentors import MentorsTab
from coach.web.service import CoachService
from coach.web.workspace import WorkspaceService

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


def page_settings(settings: Settings) -> dict[str, Any]:
    """What gradio needs besides the Blocks: login, theme, upload limit, no footer, no SSR."""
    return {"auth": settings.auth_pairs or None, "theme": theme(), "css": CSS,
            "max_file_size": settings.max_upload_bytes, "footer_links": [],
            "ssr_mode": False, "show_error": True}


def page_app(settings: Settings, service: CoachService, workspace: WorkspaceService,
             api_routes: Sequence[BaseRoute]) -> FastAPI:
    """The page as an ASGI app, with `api_routes` (/v1) inside gradio's app ahead of its own
    routes, as `launch(app_kwargs=...)` put them. Serve it, and run its lifespan: gradio's queue
    and its cache cleanup start there (`coach.web.server.Dispatcher.open` does both)."""
    demo = build_app(settings, service, workspace)
    demo.queue(default_concurrency_limit=1)
    app = gr.mount_gradio_app(FastAPI(docs_url=None, redoc_url=None, openapi_url=None), demo,
                              "/", server_name=settings.host, server_port=settings.port,
                              app_kwargs={"routes": list(api_routes)}, **page_settings(settings))
    # Two things `launch()` does that mounting does not: gradio checks the files a function
    # returns against its allowed paths only once `has_launched`; and the queue started by the
    # lifespan must not be started again by a GET of /gradio_api/startup-events (a second set
    # of workers would break `default_concurrency_limit=1`).
    demo.has_launched = True
    for route in app.routes:
        if isinstance(route, Mount) and hasattr(route.app, "startup_events_triggered"):
            route.app.startup_events_triggered = True
    return app
