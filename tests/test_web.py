"""The web page's handlers, with a fake coach: what a user sees when things fail or go wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr
import pytest

from coach.errors import CoachError
from coach.results import Answer
from coach.settings import Settings
from coach.store import StoreError
from coach.web.api import CoachApi
from coach.web.chat import ChatTab
from coach.web.draft import DraftTab
from coach.web.failures import APOLOGY
from coach.web.service import CoachService


class EmptyStore:
    def count(self) -> int:
        return 0

    def sources(self) -> list:
        return []


class FailingCoach:
    """A coach whose every call raises `exc` (after streaming one piece, for `stream`)."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.calls = 0

    def stream(self, question: str, history: list) -> Iterator[str | Answer]:
        self.calls += 1
        yield "Start with"
        raise self.exc

    def draft(self, *args: Any) -> Any:
        self.calls += 1
        raise self.exc


def service_with(settings: Callable[..., Settings], coach: Any) -> CoachService:
    s = settings()
    return CoachService(s, store=EmptyStore(), coach_factory=lambda *a, **k: coach)


def last_reply(tab: ChatTab, message: str) -> str:
    *_, (chat, _history) = tab.reply(message, [], [])
    return chat[-1]["content"]


def test_an_unexpected_failure_shows_an_apology_and_logs_the_traceback(
        settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture) -> None:
    coach = FailingCoach(RuntimeError("disk quota at /srv/private/path"))
    tab = ChatTab(service_with(settings, coach), settings())

    shown = last_reply(tab, "How do I find a mentor?")

    assert shown == f"⚠ {APOLOGY}" and "/srv/private" not in shown
    logged = [r for r in caplog.records if r.name == "coach.web" and r.exc_info]
    assert logged and "disk quota at /srv/private/path" in str(logged[0].exc_info[1])


@pytest.mark.parametrize("exc", [StoreError("the Chroma server at http://db:8000 is down; "
                                            "start it or unset COACH_CHROMA_URL"),
                                 CoachError("the <b>limit</b> is 4000 characters")])
def test_a_user_facing_failure_is_shown_as_it_is_escaped_and_not_logged(
        settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture,
        exc: Exception) -> None:
    tab = ChatTab(service_with(settings, FailingCoach(exc)), settings())

    shown = last_reply(tab, "How do I find a mentor?")

    assert shown.startswith("⚠ ") and "<b>" not in shown
    assert shown.replace("&lt;", "<").replace("&gt;", ">") == f"⚠ {exc}"
    assert not [r for r in caplog.records if r.name == "coach.web"]


def test_the_draft_tab_names_every_missing_field_without_calling_the_coach(
        settings: Callable[..., Settings]) -> None:
    coach = FailingCoach(RuntimeError("must not be called"))
    tab = DraftTab(service_with(settings, coach))

    status, subject, body, points, cited = tab.make_draft("thank-you", " ", "Sam", "")

    assert status == "⚠ Please fill in a recipient and some context first."
    assert (subject, body, points, cited) == ("", "", "", "") and coach.calls == 0


@pytest.mark.parametrize("history", ['{"not": "a list"}', "[{unclosed"])
def test_the_ask_endpoint_rejects_a_malformed_history_by_name(
        settings: Callable[..., Settings], history: str) -> None:
    coach = FailingCoach(RuntimeError("must not be called"))
    api = CoachApi(service_with(settings, coach))

    with pytest.raises(gr.Error, match="history_json must be a JSON list"):
        api.ask("How do I find a mentor?", history)
    assert coach.calls == 0
