"""An OpenAI-compatible endpoint on the page's server: `POST /v1/chat/completions` (streamed
as server-sent events or not) and `GET /v1/models`, so the `openai` client and chat UIs that
speak that protocol can talk to the coach.

Every answer comes from `Coach.stream`, the one API: the text keeps its `[n]` citations and ends
with a "Sources:" block, and the passages are also in an extra `sources` field (on the message,
and on the final chunk when streaming). Messages are data, never instructions: `system`
messages are ignored, the last `user` message is the question, the earlier user/assistant turns
its history. With `COACH_API_KEY` set, requests need `Authorization: Bearer <key>`; when the
page requires a login (`COACH_AUTH`) and no key is set, the endpoint refuses rather than being
an open side door.
"""

from __future__ import annotations

import hmac
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from coach.errors import CoachError
from coach.results import Answer, Passage
from coach.settings import Settings
from coach.web.failures import shown
from coach.web.render import answer_sources, passage_dict
from coach.web.service import CoachService

MODEL_ID = "mentee-coach"


class ApiError(Exception):
    """A request the endpoint refuses, as OpenAI's `{"error": {...}}` with an HTTP status."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind

    def response(self) -> JSONResponse:
        return JSONResponse({"error": {"message": self.message, "type": self.kind,
                                       "code": None, "param": None}}, status_code=self.status)


def router(service: CoachService, settings: Settings) -> APIRouter:
    """The /v1 routes over `service`'s coach (added to the app before gradio's own routes)."""
    api = APIRouter(prefix="/v1")

    @api.get("/models")
    def models(request: Request) -> JSONResponse:
        try:
            authorize(request, settings)
        except ApiError as exc:
            return exc.response()
        return JSONResponse({"object": "list", "data": [
            {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "mentee-coach"}]})

    @api.post("/chat/completions")
    async def chat_completions(request: Request) -> Any:
        try:
            authorize(request, settings)
            body = await read_body(request)
            question, history = conversation(body.get("messages"),
                                              settings.max_message_chars)
        except ApiError as exc:
            return exc.response()
        model = str(body.get("model") or MODEL_ID)
        if body.get("stream"):
            return StreamingResponse(sse(service, question, history, model),
                                     media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache"})
        return await _complete(service, question, history, model)

    return api


async def _complete(service: CoachService, question: str, history: list[dict[str, str]],
                    model: str) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    try:
        answer = await run_in_threadpool(lambda: service.coach().ask(question, history))
    except Exception as exc:
        return ApiError(503 if isinstance(exc, CoachError) else 500, shown(exc),
                        "server_error").response()
    sources = [passage_dict(p) for p in answer_sources(answer)]
    return JSONResponse({
        "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion",
        "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": "stop", "message": {
            "role": "assistant", "content": full_text(answer), "sources": sources}}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "sources": sources})


def sse(service: CoachService, question: str, history: list[dict[str, str]],
        model: str) -> Iterator[str]:
    """The answer as `chat.completion.chunk` events (a sync generator: starlette runs it on a
    worker thread, so a slow answer never blocks the event loop)."""
    ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        chunk = {"id": ident, "object": "chat.completion.chunk", "created": created,
                 "model": model, "choices": [{"index": 0, "delta": delta,
                                              "finish_reason": finish}], **extra}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    try:
        answer: Answer | None = None
        for piece in service.coach().stream(question, history):
            if isinstance(piece, Answer):
                answer = piece
            elif piece:
                yield event({"content": piece})
    except Exception as exc:  # the status line went out already: the error travels as text
        yield event({"content": f"\n\n⚠ {shown(exc)}"}, "stop")
        yield "data: [DONE]\n\n"
        return
    assert answer is not None
    sources = [passage_dict(p) for p in answer_sources(answer)]
    yield event({"content": sources_block(answer_sources(answer)), "sources": sources}, "stop",
                sources=sources)
    yield "data: [DONE]\n\n"


def full_text(answer: Answer) -> str:
    """The answer as one message: its note, its text (with `[n]` markers), then its sources."""
    text = answer.text or ""
    if answer.draft is not None and answer.draft.subject not in text:
        text = f"{text}\n\n{answer.draft.as_text()}".strip()
    if answer.notice and answer.notice.strip() != text.strip():
        text = f"Note: {answer.notice}\n\n{text}"
    return text + sources_block(answer_sources(answer))


def sources_block(passages: list[Passage]) -> str:
    """"\\n\\nSources:\\n[1] Title — Section (source)" lines, or "" for no sources."""
    if not passages:
        return ""
    lines = [f"[{p.n or i}] {p.label} ({p.source})" for i, p in enumerate(passages, 1)]
    return "\n\nSources:\n" + "\n".join(lines)


def authorize(request: Request, settings: Settings) -> None:
    """401 without the right Bearer key when COACH_API_KEY is set; 403 when the page needs a
    login but no key was configured for the API."""
    if not settings.api_key:
        if settings.auth:
            raise ApiError(403, "the page requires a login (COACH_AUTH), so the API needs a key: "
                                "set COACH_API_KEY on the server and send it as a Bearer token",
                           "permission_error")
        return
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip().encode(),
                                                             settings.api_key.encode()):
        raise ApiError(401, "missing or wrong API key: send `Authorization: Bearer <key>` with "
                            "the server's COACH_API_KEY", "authentication_error")


async def read_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise ApiError(400, f"the request body is not valid JSON ({exc})") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object with `messages`")
    return body


def conversation(messages: Any, max_chars: int) -> tuple[str, list[dict[str, str]]]:
    """(question, history) from OpenAI `messages`; system/tool messages are not instructions."""
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, "`messages` must be a non-empty list of {role, content} objects")
    turns = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or "role" not in message:
            raise ApiError(400, f"messages[{i}] must be an object with `role` and `content`")
        if message["role"] in ("user", "assistant"):
            turns.append({"role": str(message["role"]), "content": text_of(message.get("content"),
                                                                           i)})
    if not turns or turns[-1]["role"] != "user":
        raise ApiError(400, "the last user/assistant message must be the user's question")
    question = turns[-1]["content"]
    if len(question) > max_chars:
        raise ApiError(400, f"the question is {len(question)} characters; the limit is "
                            f"{max_chars} (COACH_MAX_MESSAGE_CHARS)")
    return question, turns[:-1]


def text_of(content: Any, index: int) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content
                         if isinstance(part, dict) and part.get("type") == "text")
    raise ApiError(400, f"messages[{index}].content must be a string or a list of parts")
