"""Fixtures that run the real web app (`python app.py`) on a free port, and a headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # so tests can import `app` (a script at the repo root)
    sys.path.insert(0, str(REPO))
SCREENSHOTS = Path("/work/notes/screenshots")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Generous: the first request loads the embedding model on a 2-core machine shared with others.
STARTUP_LIMIT_S = 240.0


@dataclass
class RunningApp:
    """A `python app.py` subprocess and where to find it."""

    url: str
    data_dir: Path
    log: Path
    process: subprocess.Popen
    startup_s: float = 0.0

    def log_tail(self, n: int = 40) -> str:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return "\n".join(lines[-n:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(data_dir: Path) -> dict[str, str]:
    """The caller's environment without any COACH_* setting, pointed at a fresh data dir."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COACH_", "OPENAI_", "GRADIO_"))}
    env.update({"COACH_DATA_DIR": str(data_dir), "COACH_GENERATOR": "grounded",
                "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"})
    return env


def start_app(data_dir: Path, log: Path, env: dict[str, str] | None = None) -> RunningApp:
    """Start `python app.py --port FREE` and wait until its page answers.

    `env` adds settings (e.g. COACH_CHROMA_URL) on top of the clean `app_env`.
    """
    port = free_port()
    out = log.open("w")
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--port", str(port)],
                               cwd=REPO, env={**app_env(data_dir), **(env or {})}, stdout=out,
                               stderr=subprocess.STDOUT)
    app = RunningApp(f"http://127.0.0.1:{port}", data_dir, log, process)
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}:\n{app.log_tail()}")
        try:
            with urllib.request.urlopen(app.url + "/", timeout=5) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() - started > STARTUP_LIMIT_S:
            stop_app(app)
            raise RuntimeError(f"app.py did not come up in {STARTUP_LIMIT_S:.0f}s:\n"
                               f"{app.log_tail()}")
        time.sleep(0.5)
    app.startup_s = time.monotonic() - started
    return app


def stop_app(app: RunningApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        app.process.kill()
        app.process.wait()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """One app for the e2e session, on a fresh data dir that it fills from corpus/ at start."""
    root = tmp_path_factory.mktemp("app")
    app = start_app(root / "data", root / "app.log")
    print(f"\napp.py usable after {app.startup_s:.1f}s at {app.url}")
    try:
        yield app
    finally:
        stop_app(app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The apt-installed headless Chromium (never a downloaded one)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, app_server: RunningApp) -> Iterator[Any]:
    """A fresh browser tab on the app's page, loaded."""
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)  # answers on a busy 2-core box; not a timing assertion
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(90_000)
    tab.goto(app_server.url, wait_until="load")
    tab.locator("#chatbot").wait_for()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def screenshot(page: Any, tmp_path: Path) -> Any:
    """`screenshot(name)` saves the page (see `save_screenshot`)."""
    return lambda name: save_screenshot(page, tmp_path, name)


def save_screenshot(tab: Any, tmp_path: Path, name: str) -> Path:
    """Screenshot into the test's tmp dir, copied to /work/notes/screenshots for a human to see."""
    shot = tmp_path / f"{name}.png"
    tab.screenshot(path=str(shot), full_page=True, animations="disabled")
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOTS / shot.name)
    except OSError:
        pass  # a CI checkout may not have /work/notes; the tmp copy is enough there
    return shot
