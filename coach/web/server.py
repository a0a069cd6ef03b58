"""The HTTP server of `python app.py`: it listens at once, answers `/v1` and shows a "starting"
page while the page itself is still being built, then hands every request to the page.

Why (issue 13): importing gradio and building the page took ~3.5 s of CPU on a 2-core machine,
and the server only listened after both, so the first `/v1` answer came 8-11 s after the
process started. The `/v1` endpoints need none of gradio, so they answer from the start and the
page (a separate ASGI app, with its own lifespan: gradio's queue starts there) replaces the
"starting" page once it is ready. No gradio here.
"""

from __future__ import annotations

import asyncio
import html
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute

from coach.errors import CoachError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

RETRY_AFTER_S = 1
STARTING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{retry}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} is starting</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto;
padding: 0 1rem; color: #334155; }}</style>
</head><body><h1>{title}</h1>
<p id="coach-starting">The coach is starting&hellip; this page reloads by itself in a moment.</p>
</body></html>
"""


def starting_app(title: str, routes: Sequence[BaseRoute]) -> FastAPI:
    """`routes` (the `/v1` endpoints) plus, for every other path, 503 "starting": an HTML page
    that reloads itself every second for a browser, a JSON error for anything else."""
    app = FastAPI(routes=list(routes), docs_url=None, redoc_url=None, openapi_url=None)
    page = STARTING_PAGE.format(title=html.escape(title), retry=RETRY_AFTER_S)
    headers = {"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"}

    @app.api_route("/{path:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    def starting(request: Request) -> Response:
        if request.method in ("GET", "HEAD") and "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(page, status_code=503, headers=headers)
        return JSONResponse({"error": f"{title} is starting: try again in a moment"},
                            status_code=503, headers=headers)

    return app


class Dispatcher:
    """The ASGI app the server runs: `first` (HTTP only) until `open(page)` has run the page's
    startup in the server's event loop; from then on every request goes to `page`, and the
    server's shutdown runs the page's shutdown."""

    def __init__(self, first: ASGIApp) -> None:
        self._app = first
        self._page: Lifespan | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._state: dict[str, Any] = {}
        self._busy = 0  # requests being answered (changed only in the server's loop)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
        elif scope["type"] == "websocket" and self._page is None:
            await send({"type": "websocket.close", "code": 1013})  # 1013: try again later
        else:
            self._busy += 1
            try:
                await self._app(scope, receive, send)
            finally:
                self._busy -= 1

    def wait_until_idle(self, limit_s: float) -> bool:
        """Block until no request is being answered, for at most `limit_s`; whether it was.

        The page is built after the requests already in (the first question's model loading
        and answer), not alongside them: on 2 cores, building it at the same time put ~1 s more
        CPU (gradio's imports) before the first answer."""
        deadline = time.monotonic() + limit_s
        while self._busy:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The server's state dict: what the page's lifespan stores there reaches its requests.
        self._state = scope.setdefault("state", {})
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._loop = asyncio.get_running_loop()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._page is not None:
                    await self._page.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def open(self, page: ASGIApp, timeout_s: float = 120.0) -> None:
        """From any thread but the server's: start `page` (its lifespan startup) in the
        server's loop, then route every new request to it. Raises what the startup raised."""
        if self._loop is None:
            raise RuntimeError("the server has not started yet")
        asyncio.run_coroutine_threadsafe(self._open(page), self._loop).result(timeout_s)

    async def _open(self, page: ASGIApp) -> None:
        lifespan = Lifespan(page, self._state)
        await lifespan.startup()
        self._page, self._app = lifespan, page


class Lifespan:
    """Runs an ASGI app's lifespan the way a server does: `startup()` now, `shutdown()` later,
    both in the same event loop (the app's startup may start tasks there, as gradio's does)."""

    def __init__(self, app: ASGIApp, state: dict[str, Any]) -> None:
        self._app, self._state = app, state
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def startup(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
                 "state": self._state}
        self._task = asyncio.ensure_future(self._app(scope, self._to_app.get, self._from_app.put))
        await self._step("startup")

    async def shutdown(self) -> None:
        await self._step("shutdown")
        if self._task is not None:
            await self._task

    async def _step(self, step: str) -> None:
        assert self._task is not None
        await self._to_app.put({"type": f"lifespan.{step}"})
        reply = asyncio.ensure_future(self._from_app.get())
        done, _ = await asyncio.wait({reply, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if reply not in done:  # the app returned or raised without answering
            reply.cancel()
            error = self._task.exception()
            raise RuntimeError(f"the page's {step} failed: {error or 'no reply'}")
        message = reply.result()
        if message["type"] != f"lifespan.{step}.complete":
            if self._task.done():
                self._task.exception()  # retrieved: the message below says it
            raise RuntimeError(f"the page's {step} failed: {message.get('message') or message}")


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or a CoachError naming the fix (the port is taken, or the
    host is not an address of this machine)."""
    address = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        raise CoachError(f"cannot listen on {host}:{port} ({exc.strerror or exc}): another "
                         "program may be using that port; choose another with --port or "
                         "COACH_PORT (or the address with --host or COACH_HOST)") from None
    sock.set_inheritable(True)
    return sock


class Server:
    """uvicorn serving `app` on a daemon thread, on a socket bound in the caller's thread."""

    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        self._socket = bind(host, port)
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="coach-http", daemon=True,
                                        kwargs={"sockets": [self._socket]})

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self, timeout_s: float = 30.0) -> None:
        """Start serving; returns once the port accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise CoachError("the web server did not start (see the messages above)")
            time.sleep(0.005)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop accepting, let open requests finish for up to `timeout_s`, then return."""
        self._server.should_exit = True
        self._thread.join(timeout_s)
