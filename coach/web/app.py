"""`python app.py`: serve the coach — `/v1` at once, the page as soon as it is built.

No gradio at import: the server listens before gradio is imported (see `coach.web.server`), and
the page is built on a background thread once the coach has warmed up, so that its CPU does
not delay the first answer (measured: ~3.5 s of CPU for gradio and the page, on 2 cores).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from collections.abc import Sequence

from starlette.routing import BaseRoute

from coach.errors import CoachError
from coach.settings import Settings
from coach.web import TITLE
from coach.web.openai_api import router
from coach.web.server import Dispatcher, Server, starting_app
from coach.web.service import CoachService
from coach.web.workspace import WorkspaceService

# How long the page waits for the questions already asked (over /v1) to be answered before it
# is built anyway: a steady stream of API questions must not keep the page away for long.
IDLE_LIMIT_S = 15.0


class PageLoader:
    """Warms the coach up, then builds the page and opens it on the server (one daemon
    thread); `wait()` returns None once the page is served, or what went wrong."""

    def __init__(self, settings: Settings, service: CoachService, workspace: WorkspaceService,
                 api_routes: Sequence[BaseRoute], dispatcher: Dispatcher) -> None:
        self._args = settings, service, workspace, api_routes
        self._dispatcher = dispatcher
        self._error: str | None = None
        self._thread = threading.Thread(target=self._run, name="coach-page", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self) -> str | None:
        while self._thread.is_alive():  # short joins: Ctrl+C still reaches the main thread
            self._thread.join(0.1)
        return self._error

    def _run(self) -> None:
        settings, service, workspace, api_routes = self._args
        # The coach first, and the answers already asked for (the page does not need the coach
        # to render; the first answer does): measured on 2 cores, building the page alongside
        # them put ~1 s more CPU before the first answer.
        service.warm_up()
        self._dispatcher.wait_until_idle(IDLE_LIMIT_S)
        try:
            from coach.web.page import page_app

            self._dispatcher.open(page_app(settings, service, workspace, api_routes))
        except CoachError as exc:
            self._error = str(exc)
        except Exception as exc:  # a bug: its traceback is what helps
            import traceback

            traceback.print_exc()
            self._error = f"the page could not be built ({type(exc).__name__}: {exc})"


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until Ctrl+C; exit 2 with one `error:` line when settings, store, port or page
    fail."""
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
        api_routes = list(router(service, settings).routes)
        dispatcher = Dispatcher(starting_app(TITLE, api_routes))
        server = Server(dispatcher, settings.host, settings.port)
        server.start()
    except CoachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    url = f"http://{settings.host}:{settings.port}"
    print(f"{TITLE} answers at {url}/v1; the page is loading.", flush=True)
    loader = PageLoader(settings, service, workspace, api_routes, dispatcher)
    code = 0
    with contextlib.suppress(KeyboardInterrupt):
        loader.start()
        error = loader.wait()
        if error is not None:
            print(f"error: {error}", file=sys.stderr)
            code = 2
        else:
            code = serve_page(service, settings, url, started, server)
    server.stop()
    service.close()
    return code


def serve_page(service: CoachService, settings: Settings, url: str, started: float,
               server: Server) -> int:
    """Say the page is ready and keep serving until Ctrl+C (0) or the server stops (1)."""
    if service.start_watching() is not None:
        print(f"Keeping the library in sync with {settings.watch_dir} (COACH_WATCH_DIR).",
              flush=True)
    print(f"{TITLE} is ready at {url} ({service.store.count()} passages from "
          f"{settings.data_dir}; started in {time.monotonic() - started:.1f}s). "
          "Ctrl+C stops it.", flush=True)
    while server.running:
        time.sleep(0.1)
    print("error: the web server stopped (see the messages above)", file=sys.stderr)
    return 1
