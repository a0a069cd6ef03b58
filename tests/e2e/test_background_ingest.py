"""In a real browser: the chat answers while a 500-passage upload is still being ingested."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_browser import ask, go_to

pytest_plugins = ["app_server"]
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSAGES = 500
ACTIVITIES = ["a code review", "a design sketch", "a customer call", "a sprint demo",
              "an incident write-up", "a budget plan", "a hiring loop", "a team retro"]


def workshop_log(passages: int) -> str:
    """A long guidance file: one section per entry, each one passage of its own text. A word
    new on every run keeps the vector cache from holding these passages from an earlier run:
    with them cached the ingest could end before the chat's answer on a busy machine."""
    run = uuid.uuid4().hex[:8]
    parts = ["---\ntitle: Workshop Log for Mentees\n---\n"]
    for i in range(passages):
        activity = ACTIVITIES[i % len(ACTIVITIES)]
        parts.append(
            f"## Entry {i}\n\nWorkshop entry {i} (run {run}): bring {activity} to the session and "
            f"ask your mentor which part of it she would change first. Note her answer under "
            f"entry {i}, try the change before the next session, and report what happened with the "
            f"{activity}. Entry {i} closes when you can explain the change in your own words "
            f"and name one thing you would still do differently next time.\n")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app of its own: this upload would otherwise add 500 passages to the shared one."""
    from app_server import start_app, stop_app

    root = tmp_path_factory.mktemp("busy_app")
    running = start_app(root / "data", root / "app.log")
    yield running
    stop_app(running)


@pytest.fixture
def tab(browser: Any, app: Any) -> Iterator[Any]:
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(app.url, wait_until="load")
    page.locator("#chatbot").wait_for()
    yield page
    context.close()


def test_chat_answers_while_a_500_passage_upload_ingests(tab: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    doc = tmp_path / "workshop-log.md"
    doc.write_text(workshop_log(PASSAGES))
    go_to(tab, "Guidance")
    tab.locator("#upload-files input[type=file]").set_input_files(str(doc))
    expect(tab.locator("#upload-files").get_by_role("cell", name=doc.name)).to_be_visible()
    tab.locator("#upload-btn").click()
    progress = tab.locator("#ingest-progress")
    expect(progress).to_contain_text("Ingesting", timeout=120_000)

    go_to(tab, "Chat")
    replies = ask(tab, "How do I find a mentor?")
    expect(replies.last).to_contain_text("[1]")
    # The answer is in while the upload is still going: the progress line, shown above the
    # tabs, still says so.
    assert "Ingesting" in progress.inner_text(), progress.inner_text()
    # (Progress within the file — "n of m new passages embedded", then "preparing faster
    # answers" — is asserted in tests/test_background.py: here the ingest may already be past it.)

    go_to(tab, "Guidance")
    summary = tab.locator("#ingest-summary")
    expect(summary).to_contain_text("Passages:", timeout=600_000)
    assert f"{PASSAGES} added" in summary.inner_text(), summary.inner_text()
    expect(progress).not_to_contain_text("Ingesting")
    expect(tab.locator("#library-table")).to_contain_text("Workshop Log for Mentees")
