"""Fixtures that run the real web app (`python app.py`) on a free port, and a headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import clean_env, free_port, log_tail, stop_process, wait_until_ready

REPO = Path(__file__).resolve().parents[2]
# Screenshots for a human to look at after a run; each is also kept in its test's tmp dir.
SCREENSHOTS = Path(os.environ.get("COACH_SCREENSHOTS") or REPO / ".artifacts" / "screenshots")
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
        return log_tail(self.log, n)


def start_app(data_dir: Path, log: Path, env: dict[str, str] | None = None) -> RunningApp:
    """Start `python app.py --port FREE` and wait until its page answers.

    `env` adds settings (e.g. COACH_CHROMA_URL) on top of a clean environment.
    """
    port = free_port()
    # `env` may override these (e.g. another COACH_GENERATOR).
    env = clean_env(data_dir, **{"COACH_GENERATOR": "grounded", "PYTHONUNBUFFERED": "1",
                                 **(env or {})})
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--port", str(port)],
                                   cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    app = RunningApp(f"http://127.0.0.1:{port}", data_dir, log, process)
    app.startup_s = wait_until_ready(process, app.url + "/", log, limit_s=STARTUP_LIMIT_S,
                                     name="app.py")
    return app


def stop_app(app: RunningApp) -> None:
    stop_process(app.process)


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


NEW_CONVERSATION_TRIES = 4


@pytest.fixture
def page(browser: Any, app_server: RunningApp) -> Iterator[Any]:
    """A fresh browser tab on the app's page, loaded, on a new conversation."""
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)  # answers on a busy 2-core box; not a timing assertion
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(90_000)
    tab.goto(app_server.url, wait_until="load")
    tab.locator("#chatbot").wait_for()
    # The page reopens the latest saved conversation; each test starts a new one. On a busy box
    # the reopening can land after a click made while it loads and bring the old messages back
    # (seen once in two-worker CI), so the click is repeated until the chat stays empty.
    said = tab.locator("#chatbot [data-testid='user']")
    for _ in range(NEW_CONVERSATION_TRIES - 1):
        tab.locator("#new-conversation").click()
        try:
            expect(said).to_have_count(0, timeout=15_000)
            tab.wait_for_timeout(1_000)  # a late reopening shows up within this
            if said.count() == 0:
                break
        except AssertionError:
            continue
    else:
        tab.locator("#new-conversation").click()
        expect(said).to_have_count(0)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def screenshot(page: Any, tmp_path: Path) -> Any:
    """`screenshot(name)` saves the page (see `save_screenshot`)."""
    return lambda name: save_screenshot(page, tmp_path, name)


def save_screenshot(tab: Any, tmp_path: Path, name: str) -> Path:
    """Screenshot into the test's tmp dir, copied to SCREENSHOTS ($COACH_SCREENSHOTS, default
    .artifacts/screenshots in the checkout) for a human to see."""
    shot = tmp_path / f"{name}.png"
    tab.screenshot(path=str(shot), full_page=True, animations="disabled")
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOTS / shot.name)
    except OSError:
        pass  # a read-only checkout: the tmp copy is enough
    return shot
