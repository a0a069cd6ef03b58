"""The CLI's one error handler: a user's problem gets `Error: ...` and exit 2, a bug an apology."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

import coach.store
from coach.cli import APOLOGY, main
from coach.errors import DraftError, StoreError
from coach.settings import Settings


def run(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), *args], obj=settings)


def failing_open_store(exc: Exception) -> Callable[..., object]:
    def open_store(*args: object, **kwargs: object) -> object:
        raise exc

    return open_store


def test_a_coach_error_is_one_error_line_and_exit_code_2(settings, monkeypatch):
    monkeypatch.setattr(coach.store, "open_store", failing_open_store(
        StoreError("the store is on fire; point COACH_DATA_DIR elsewhere")))
    result = run(settings(), "sources")
    assert result.exit_code == 2
    assert result.stderr == "Error: the store is on fire; point COACH_DATA_DIR elsewhere\n"


def test_a_draft_error_is_reported_the_same_way(settings, monkeypatch):
    class NoDraft:
        def draft(self, *args: object, **kwargs: object) -> object:
            raise DraftError("Who is the note to? Give the recipient's name.")

    monkeypatch.setattr("coach.api.Coach", lambda settings: NoDraft())
    result = run(settings(), "draft", "thank-you", "--to", " ", "--context", "x")
    assert result.exit_code == 2
    assert result.stderr == "Error: Who is the note to? Give the recipient's name.\n"


def test_a_bug_is_logged_with_its_traceback_and_the_user_gets_an_apology(
        settings, monkeypatch, caplog: pytest.LogCaptureFixture):
    monkeypatch.setattr(coach.store, "open_store", failing_open_store(
        KeyError("internal detail")))
    with caplog.at_level(logging.ERROR, logger="coach.cli"):
        result = run(settings(), "sources")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {APOLOGY}\n"
    assert "internal detail" not in result.stderr
    [record] = caplog.records
    assert record.exc_info is not None and record.exc_info[0] is KeyError


def test_a_reader_that_stops_reading_is_not_an_error(settings, monkeypatch,
                                                    caplog: pytest.LogCaptureFixture):
    # `coach ask "..." | head -3`: the pipe closes while the answer is printed
    monkeypatch.setattr(coach.store, "open_store", failing_open_store(BrokenPipeError()))
    with caplog.at_level(logging.ERROR, logger="coach.cli"):
        result = run(settings(), "sources")
    assert result.exit_code == 0
    assert APOLOGY not in result.stderr
    assert not caplog.records


def test_a_bad_setting_is_a_user_error(settings):
    result = CliRunner().invoke(main, ["sources"], env={"COACH_TOP_K": "many"})
    assert result.exit_code == 2 and result.stderr.startswith("Error: setting top_k")


def test_usage_errors_stay_click_usage_errors(settings):
    result = run(settings(), "draft", "wedding-toast", "--to", "A", "--context", "x")
    assert result.exit_code == 2 and result.stderr.startswith("Usage: ")
    assert "'wedding-toast' is not one of 'outreach', 'thank-you'" in result.stderr
