"""`python app.py` answers over `/v1` before its page is built, shows a "starting" page that
reloads itself meanwhile, then serves the real page (issue 13). No timings: those are the
bench's (bench/startup.py).

Why the order is certain rather than lucky: the app builds the page only after the coach has
warmed up AND the questions already asked have been answered, and building it takes seconds of
CPU, so a question posted as soon as the port accepts is answered while the page still loads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import clean_env, free_port, log_tail, stop_process

pytest_plugins = ["app_server"]
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
KEY = "start-key-51c2"
QUESTION = "How do I find a mentor?"
LIMIT_S = 240.0  # a generous bound on the wait, not an assertion about speed


def call(url: str, body: dict[str, Any] | None = None, key: str | None = KEY,
         accept: str = "*/*") -> tuple[int, str]:
    headers = {"Accept": accept, "Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=180) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def ask(url: str, key: str | None = KEY) -> tuple[int, str]:
    return call(f"{url}/v1/chat/completions", {"model": "mentee-coach", "messages": [
        {"role": "user", "content": QUESTION}]}, key)


@pytest.fixture
def starting_app(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """`python app.py` on a fresh data dir (it ingests corpus/ before it listens), returned as
    soon as its port accepts connections."""
    port, log = free_port(), tmp_path / "app.log"
    env = clean_env(tmp_path / "data", COACH_GENERATOR="grounded", COACH_API_KEY=KEY,
                    PYTHONUNBUFFERED="1")
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--port", str(port)],
                                   cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        until(process, log, lambda: call(f"{url}/v1/models")[0] == 200)
        yield url, process, log
    finally:
        stop_process(process)


def until(process: subprocess.Popen, log: Path, ready: Any) -> None:
    """Poll `ready()` (connection errors count as not ready) until it is true."""
    deadline = time.monotonic() + LIMIT_S
    while True:
        assert process.poll() is None, f"app.py exited:\n{log_tail(log)}"
        assert time.monotonic() < deadline, f"app.py never got there:\n{log_tail(log)}"
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)


def test_the_first_question_is_answered_while_the_page_loads_then_the_page_works(
        starting_app, browser):
    url, process, log = starting_app
    status, body = ask(url)
    assert status == 200, body
    message = json.loads(body)["choices"][0]["message"]
    assert message["sources"] and "[1]" in message["content"] and "Sources:" in message["content"]
    assert ask(url, key=None)[0] == 401  # the key protects /v1 from the first second

    status, body = call(f"{url}/", accept="text/html")
    assert status == 503 and "The coach is starting" in body and "Traceback" not in body
    tab = browser.new_page()
    try:
        tab.goto(url)  # the starting page, which reloads itself until the real page is there
        tab.locator("#chatbot").wait_for(timeout=LIMIT_S * 1000)
        assert tab.locator("#coach-header").inner_text().startswith("Mentee Coach")
        assert "Traceback" not in tab.content()
    finally:
        tab.close()

    assert call(f"{url}/", accept="text/html")[0] == 200
    assert "components" in json.loads(call(f"{url}/config")[1])
    status, body = ask(url)  # the same /v1, now inside the page's server
    assert status == 200 and json.loads(body)["sources"], body
    assert ask(url, key=None)[0] == 401
    assert "is ready at" in log.read_text()
