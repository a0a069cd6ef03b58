"""The server `python app.py` runs (coach/web/server.py), on a real uvicorn and real sockets:
the "starting" answers until the page opens, the page's own startup and shutdown, and the errors
a user sees. The page here is a small FastAPI app, not gradio (that is tests/e2e/test_app_start.py).
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request

from coach.errors import CoachError
from coach.web.server import Dispatcher, Server, bind, starting_app
from tests.support import free_port


def get(url: str, accept: str = "*/*", data: bytes | None = None) -> tuple[int, str, Any]:
    request = urllib.request.Request(url, data=data, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read().decode(), reply.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def api_routes() -> list[Any]:
    api = APIRouter(prefix="/v1")

    @api.get("/models")
    def models() -> dict[str, str]:
        return {"object": "list"}

    return list(api.routes)


class Page:
    """A page app recording its lifespan: which thread ran it, and what it stored."""

    def __init__(self, fail: bool = False) -> None:
        self.events: list[tuple[str, str]] = []

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
            self.events.append(("startup", threading.current_thread().name))
            if fail:
                raise ValueError("the queue would not start")
            yield {"greeting": "set at startup"}
            self.events.append(("shutdown", threading.current_thread().name))

        self.app = FastAPI(lifespan=lifespan, routes=api_routes())

        @self.app.get("/")
        def home(request: Request) -> dict[str, str]:
            return {"page": "ready", "greeting": request.state.greeting}


@pytest.fixture
def served() -> Iterator[tuple[Dispatcher, Server, str]]:
    dispatcher = Dispatcher(starting_app("Test Coach", api_routes()))
    port = free_port()
    server = Server(dispatcher, "127.0.0.1", port)
    server.start()
    try:
        yield dispatcher, server, f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_before_the_page_opens_v1_answers_and_everything_else_says_starting(served):
    _, _, url = served
    status, body, _ = get(f"{url}/v1/models")
    assert status == 200 and json.loads(body) == {"object": "list"}
    status, body, headers = get(f"{url}/", accept="text/html,application/xhtml+xml")
    assert status == 503 and headers["Retry-After"] == "1"
    assert "Test Coach" in body and "is starting" in body and 'http-equiv="refresh"' in body
    assert "Traceback" not in body
    status, body, _ = get(f"{url}/config")  # a script, not a browser: JSON it can read
    assert status == 503 and "starting" in json.loads(body)["error"]
    assert get(f"{url}/gradio_api/queue/join", data=b"{}")[0] == 503


def test_the_page_replaces_the_starting_page_with_its_startup_run_in_the_server(served):
    dispatcher, server, url = served
    page = Page()
    dispatcher.open(page.app)

    status, body, _ = get(f"{url}/", accept="text/html")
    assert (status, json.loads(body)) == (200, {"page": "ready", "greeting": "set at startup"})
    assert get(f"{url}/v1/models")[0] == 200
    assert page.events == [("startup", "coach-http")]  # the server's loop, not the caller's
    server.stop()
    assert page.events == [("startup", "coach-http"), ("shutdown", "coach-http")]


def test_a_page_whose_startup_fails_is_not_opened_and_says_why(served):
    dispatcher, _, url = served
    with pytest.raises(RuntimeError, match="the queue would not start"):
        dispatcher.open(Page(fail=True).app)
    assert get(f"{url}/", accept="text/html")[0] == 503  # still the starting page


def test_a_taken_port_is_one_clear_error_naming_the_fix():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CoachError, match=f"127.0.0.1:{port}.*--port or COACH_PORT"):
            bind("127.0.0.1", port)


def test_an_address_not_on_this_machine_is_a_clear_error():
    with pytest.raises(CoachError, match="cannot listen on 203.0.113.7:"):
        bind("203.0.113.7", free_port())
