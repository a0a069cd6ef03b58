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
# What the draft button says back: the coach reads it as "yes" to the draft it just offered.
ACCEPT_OFFER = "Yes, please draft it."
HIDDEN = gr.update(visible=False)


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
        with gr.Row():
            # Next steps the last reply offered: a draft, a follow-up question the guidance has.
            self.offer = gr.Button(visible=False, variant="secondary", size="sm",
                                   elem_id="offer-draft")
            self.follow_up = gr.Button(visible=False, variant="secondary", size="sm",
                                       elem_id="suggested-question")
        gr.Examples(EXAMPLES, inputs=[self.msg], label="Try asking")

    def wire(self) -> None:
        replies = [self.chatbot, self.history, self.offer, self.follow_up]
        asks = [(self.msg.submit, take_message, [self.msg]),
                (self.send.click, take_message, [self.msg]),
                (self.offer.click, accept_offer, None),
                (self.follow_up.click, take_message, [self.follow_up])]
        for trigger, take, inputs in asks:
            trigger(take, inputs, [self.msg, self.pending], queue=False, **PRIVATE).then(
                self.reply, [self.pending, self.chatbot, self.history], replies,
                show_progress="hidden", **COACH_QUEUE, **PRIVATE).then(
                unlock_input, None, [self.msg], queue=False, **PRIVATE)
        cleared = [self.chatbot, self.history, self.offer, self.follow_up]
        self.clear.click(clear_chat, None, cleared, queue=False, **PRIVATE)
        # The chatbot's own trash icon empties the view; forget the conversation with it.
        self.chatbot.clear(clear_chat, None, cleared, queue=False, **PRIVATE)

    def reply(self, message: str, chat: Chat, history: History
              ) -> Iterator[tuple[Chat, History, Any, Any]]:
        """Stream the coach's answer into the chat, then its sources and the next steps it
        offers (buttons); failures shown in place."""
        message = (message or "").strip()
        if not message:
            yield chat, history, gr.skip(), gr.skip()
            return
        chat = [*chat, {"role": "user", "content": esc(message)},
                {"role": "assistant", "content": "…"}]
        yield chat, history, HIDDEN, HIDDEN
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
                    yield (chat, history, *next_steps(piece))
                    return
                streamed += str(piece)
                chat[-1] = {"role": "assistant", "content": esc(streamed) + " …"}
                yield chat, history, HIDDEN, HIDDEN
        except Exception as exc:
            chat[-1] = {"role": "assistant", "content": warning(shown(exc))}
            yield chat, history, HIDDEN, HIDDEN


def next_steps(answer: Answer) -> tuple[Any, Any]:
    """The draft-offer and follow-up-question buttons for `answer` (hidden when it has none)."""
    offer = next((s for s in answer.suggestions if s.kind == "draft" and s.draft_kind), None)
    question = next((s for s in answer.suggestions if s.kind == "question"), None)
    return (gr.update(visible=True, value=f"✉ Draft the {offer.draft_kind} note")
            if offer else HIDDEN,
            gr.update(visible=True, value=question.label) if question else HIDDEN)


def accept_offer() -> tuple[Any, str]:
    return gr.update(value="", interactive=False), ACCEPT_OFFER


def take_message(message: str) -> tuple[Any, str]:
    # The box stays locked until the reply is complete: one question at a time.
    return gr.update(value="", interactive=False), message


def unlock_input() -> Any:
    return gr.update(interactive=True)


def clear_chat() -> tuple[list, list, Any, Any]:
    return [], [], HIDDEN, HIDDEN
