"""The Chat tab: a streaming conversation whose answers cite the guidance they rest on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from coach.results import Answer
from coach.settings import Settings
from coach.web.events import COACH_QUEUE, PRIVATE
from coach.web.failures import shown
from coach.web.render import answer_sources, esc, render_answer, sources_message, warning
from coach.web.service import CoachService

EXAMPLES = [
    "How do I find a mentor?",
    "How often should I contact my mentor?",
    "My mentor stopped returning my calls. What should I do?",
    "How should I thank my mentor for her help?",
]
Chat = list[dict[str, Any]]
History = list[dict[str, str]]


class ChatTab:
    """`build()` inside a `gr.Tab` lays the tab out; `wire()` connects its events."""

    def __init__(self, service: CoachService, settings: Settings) -> None:
        self.service = service
        self.settings = settings

    def build(self) -> None:
        self.chatbot = gr.Chatbot(
            label="Conversation", height=520, elem_id="chatbot",
            buttons=["copy"], feedback_options=None, layout="bubble",
            placeholder="Ask about finding a mentor, keeping one, or what to write to "
                        "them. Answers cite the guidance they rest on.")
        self.history = gr.State([])
        self.pending = gr.State("")
        with gr.Row():
            self.msg = gr.Textbox(placeholder="Ask your coach…", show_label=False,
                                  scale=6, lines=1, max_lines=6, elem_id="chat-input",
                                  max_length=self.settings.max_message_chars)
            self.send = gr.Button("Send", variant="primary", scale=1, min_width=90)
            self.clear = gr.Button("Clear conversation", scale=1, min_width=210)
        gr.Examples(EXAMPLES, inputs=[self.msg], label="Try asking")

    def wire(self) -> None:
        for trigger in (self.msg.submit, self.send.click):
            trigger(take_message, [self.msg], [self.msg, self.pending], queue=False,
                    **PRIVATE).then(
                self.reply, [self.pending, self.chatbot, self.history],
                [self.chatbot, self.history], show_progress="hidden", **COACH_QUEUE,
                **PRIVATE).then(
                unlock_input, None, [self.msg], queue=False, **PRIVATE)
        self.clear.click(clear_chat, None, [self.chatbot, self.history], queue=False, **PRIVATE)
        # The chatbot's own trash icon empties the view; forget the conversation with it.
        self.chatbot.clear(clear_chat, None, [self.chatbot, self.history], queue=False,
                           **PRIVATE)

    def reply(self, message: str, chat: Chat, history: History
              ) -> Iterator[tuple[Chat, History]]:
        """Stream the coach's answer into the chat, then its sources; failures shown in place."""
        message = (message or "").strip()
        if not message:
            yield chat, history
            return
        chat = [*chat, {"role": "user", "content": esc(message)},
                {"role": "assistant", "content": "…"}]
        yield chat, history
        streamed = ""
        try:
            for piece in self.service.coach().stream(message, list(history)):
                if isinstance(piece, Answer):
                    chat[-1] = {"role": "assistant", "content": render_answer(piece)}
                    sources = answer_sources(piece)
                    if sources:
                        chat.append(sources_message(sources))
                    history = [*history, {"role": "user", "content": message},
                               {"role": "assistant", "content": piece.text}]
                else:
                    streamed += str(piece)
                    chat[-1] = {"role": "assistant", "content": esc(streamed) + " …"}
                yield chat, history
        except Exception as exc:
            chat[-1] = {"role": "assistant", "content": warning(shown(exc))}
            yield chat, history


def take_message(message: str) -> tuple[Any, str]:
    # The box stays locked until the reply is complete: one question at a time.
    return gr.update(value="", interactive=False), message


def unlock_input() -> Any:
    return gr.update(interactive=True)


def clear_chat() -> tuple[list, list]:
    return [], []
