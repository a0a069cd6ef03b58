"""The named API endpoints for gradio_client: /ask, /draft and /ingest (names and signatures
are a public contract: scripts and the e2e tests call them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import gradio as gr

from coach.errors import CoachError
from coach.web.events import COACH_QUEUE
from coach.web.failures import shown
from coach.web.render import answer_sources, passage_dict
from coach.web.service import CoachService


@contextmanager
def api_errors() -> Iterator[None]:
    """Any failure becomes a `gr.Error` the client raises, worded as on the page."""
    try:
        yield
    except Exception as exc:
        raise gr.Error(shown(exc)) from None


class CoachApi:
    """`build()` inside the page's Blocks adds the endpoints (and /ingest's hidden inputs)."""

    def __init__(self, service: CoachService) -> None:
        self.service = service

    def build(self) -> None:
        gr.api(self.ask, api_name="ask", **COACH_QUEUE)
        gr.api(self.draft, api_name="draft", **COACH_QUEUE)
        # /ingest takes files, which gr.api cannot: the same upload path as the page, through
        # hidden components.
        files = gr.File(file_count="multiple", visible=False)
        summary = gr.JSON(visible=False)
        trigger = gr.Button(visible=False)
        trigger.click(self.ingest, [files], [summary], api_name="ingest", **COACH_QUEUE)

    def ask(self, message: str, history_json: str = "[]") -> tuple[str, list[dict]]:
        """Ask the coach; history_json is a JSON list of {"role","content"} messages."""
        with api_errors():
            history = parse_history(history_json)  # before the coach: bad input costs nothing
            answer = self.service.coach().ask(message, history)
        return answer.text, [passage_dict(p) for p in answer_sources(answer)]

    def draft(self, kind: str, to: str, context: str, sender: str = "") -> tuple[str, str, list]:
        """Draft an email: kind is outreach, thank-you, back-off or follow-up."""
        with api_errors():
            draft = self.service.coach().draft(kind, to, context, sender or None)
        return draft.subject, draft.body, list(draft.points)

    def ingest(self, files: list[str] | None) -> dict[str, Any]:
        with api_errors():
            return self.service.ingest_uploads(files or []).to_dict()


def parse_history(history_json: str) -> list[dict[str, Any]]:
    """The conversation so far from its JSON text; a clear error when it is not a list."""
    expected = "history_json must be a JSON list of {role, content} messages"
    try:
        history = json.loads(history_json or "[]")
    except ValueError as exc:
        raise CoachError(f"{expected}; it is not valid JSON ({exc})") from None
    if not isinstance(history, list):
        raise CoachError(expected)
    return history
