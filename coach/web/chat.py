"""The Chat tab: saved conversations in a sidebar, a streaming chat citing its guidance, feedback.

Every question is saved before the coach starts on it and every reply while it streams (see
`coach.workspace`), so a reload, a restart or a crash loses nothing; the page opens the latest
conversation on load. Each logged-in user sees only their own conversations.
"""

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
from coach.web.workspace import WorkspaceService, as_answer, conversation_label, username
from coach.workspace import relay
from coach.workspace.conversations import Conversation

EXAMPLES = [
    "How do I find a mentor?",
    "How often should I contact my mentor?",
    "My mentor stopped returning my calls. What should I do?",
    "How should I thank my mentor for her help?",
]
INTERRUPTED = "*(this reply was interrupted before it finished)*"
# What the draft button says back: the coach reads it as "yes" to the draft it just offered.
ACCEPT_OFFER = "Yes, please draft it."
HIDDEN = gr.update(visible=False)
Chat = list[dict[str, Any]]
# Per chat message: the saved reply's id (assistant replies) or None (questions, source panels).
ReplyIds = list[int | None]


class ChatTab:
    """`build()` inside a `gr.Tab` lays the tab out; `wire(demo)` connects its events."""

    def __init__(self, service: CoachService, settings: Settings,
                 workspace: WorkspaceService | None = None) -> None:
        self.service = service
        self.settings = settings
        self.workspace = workspace or WorkspaceService(settings)

    def build(self) -> None:
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=250, elem_id="conversations"):
                self.new = gr.Button("New conversation", elem_id="new-conversation")
                self.search = gr.Textbox(placeholder="Search your conversations",
                                         show_label=False, elem_id="conversation-search")
                self.picker = gr.Radio([], label="Your conversations",
                                       elem_id="conversation-list")
                with gr.Accordion("Rename, export or delete", open=False,
                                  elem_id="conversation-tools"):
                    self.title = gr.Textbox(label="Title", elem_id="conversation-title")
                    self.rename = gr.Button("Rename", elem_id="rename-btn")
                    self.export = gr.Button("Export (Markdown and JSON)", elem_id="export-btn")
                    self.files = gr.File(label="Exported files", file_count="multiple",
                                         interactive=False, elem_id="export-files")
                    self.delete = gr.Button("Delete conversation", variant="stop",
                                            elem_id="delete-btn")
            with gr.Column(scale=4):
                self.chatbot = gr.Chatbot(
                    label="Conversation", height=520, elem_id="chatbot", buttons=["copy"],
                    feedback_options=("Like", "Dislike"), layout="bubble",
                    placeholder="Ask about finding a mentor, keeping one, or what to write to "
                                "them. Answers cite the guidance they rest on.")
                with gr.Row():
                    self.msg = gr.Textbox(placeholder="Ask your coach…", show_label=False,
                                          scale=6, lines=1, max_lines=6, elem_id="chat-input",
                                          max_length=self.settings.max_message_chars)
                    self.send = gr.Button("Send", variant="primary", scale=1, min_width=90)
                with gr.Row():
                    # Next steps the last reply offered: a draft, a follow-up question.
                    self.offer = gr.Button(visible=False, variant="secondary", size="sm",
                                           elem_id="offer-draft")
                    self.follow_up = gr.Button(visible=False, variant="secondary", size="sm",
                                               elem_id="suggested-question")
                with gr.Row():
                    self.comment = gr.Textbox(
                        placeholder="Optional: say why, then rate a reply with the thumbs "
                                    "(or save it for the last one you rated)",
                        show_label=False, scale=6, elem_id="feedback-comment", max_length=2000)
                    self.save_comment = gr.Button("Save comment", scale=1, min_width=150,
                                                  elem_id="feedback-save")
                self.feedback_status = gr.Markdown(elem_id="feedback-status")
                gr.Examples(EXAMPLES, inputs=[self.msg], label="Try asking")
        self.conversation = gr.State(None)
        self.reply_ids = gr.State([])
        self.pending = gr.State("")
        self.rated = gr.State(None)

    def wire(self, demo: gr.Blocks) -> None:
        opened = [self.chatbot, self.conversation, self.reply_ids, self.title]
        replies = [self.chatbot, self.conversation, self.reply_ids, self.offer, self.follow_up]
        asks = [(self.msg.submit, take_message, [self.msg]),
                (self.send.click, take_message, [self.msg]),
                (self.offer.click, accept_offer, None),
                (self.follow_up.click, take_message, [self.follow_up])]
        for trigger, take, inputs in asks:
            trigger(take, inputs, [self.msg, self.pending], queue=False, **PRIVATE).then(
                self.reply, [self.pending, self.chatbot, self.conversation, self.reply_ids],
                replies, show_progress="hidden", **COACH_QUEUE, **PRIVATE).then(
                self.sidebar, [self.search, self.conversation], [self.picker, self.title],
                queue=False, **PRIVATE).then(
                unlock_input, None, [self.msg], queue=False, **PRIVATE)
        for start_over in (self.new.click, self.chatbot.clear):  # the chat's own trash icon too
            start_over(self.new_conversation, None, [*opened, self.picker], queue=False,
                       **PRIVATE).then(hide_next_steps, None, [self.offer, self.follow_up],
                                       queue=False, **PRIVATE)
        self.picker.input(self.open, [self.picker], opened, queue=False, **PRIVATE).then(
            hide_next_steps, None, [self.offer, self.follow_up], queue=False, **PRIVATE)
        self.search.change(self.sidebar, [self.search, self.conversation],
                           [self.picker, self.title], queue=False, **PRIVATE)
        self.rename.click(self.rename_conversation, [self.conversation, self.title,
                                                     self.search], [self.picker, self.title],
                          queue=False, **PRIVATE)
        self.delete.click(self.delete_conversation, [self.conversation, self.search],
                          [*opened, self.picker], queue=False, **PRIVATE)
        self.export.click(self.export_conversation, [self.conversation], [self.files],
                          queue=False, **PRIVATE)
        self.chatbot.like(self.rate, [self.reply_ids, self.comment],
                          [self.feedback_status, self.rated, self.comment], queue=False,
                          **PRIVATE)
        self.save_comment.click(self.comment_on_last, [self.rated, self.comment],
                                [self.feedback_status, self.rated, self.comment], queue=False,
                                **PRIVATE)
        demo.load(self.open_latest, None, [*opened, self.picker], **PRIVATE)

    # -- the conversation ----------------------------------------------------------------------

    def reply(self, message: str, chat: Chat, conversation_id: str | None,
              reply_ids: ReplyIds, request: gr.Request | None = None
              ) -> Iterator[tuple[Chat, str | None, ReplyIds, Any, Any]]:
        """Save the question, stream the answer into the chat (saving it), then its sources and
        the next steps it offers (buttons); failures shown in place."""
        message = (message or "").strip()
        if not message:
            yield chat, conversation_id, reply_ids, gr.skip(), gr.skip()
            return
        chat = [*chat, {"role": "user", "content": esc(message)},
                {"role": "assistant", "content": "…"}]
        reply_ids = [*reply_ids, None, None]
        yield chat, conversation_id, reply_ids, HIDDEN, HIDDEN
        streamed = ""
        try:
            ws = self.workspace.for_user(username(request))
            if not conversation_id:
                conversation_id = ws.conversations.create().id
            history = ws.conversations.get(conversation_id).history()
            recorder = ws.record(conversation_id, message)  # saved before the coach starts
            reply_ids[-1] = recorder.message.id
            pieces = relay(recorder, self.service.coach().stream(message, history))
            for piece in pieces:
                if isinstance(piece, Answer):
                    chat[-1] = {"role": "assistant", "content": render_answer(piece)}
                    sources = answer_sources(piece)
                    if sources:
                        chat.append(sources_message(sources))
                        reply_ids.append(None)
                    yield (chat, conversation_id, reply_ids, *next_steps(piece))
                    continue  # let relay() see the end of the stream
                streamed += str(piece)
                chat[-1] = {"role": "assistant", "content": esc(streamed) + " …"}
                yield chat, conversation_id, reply_ids, HIDDEN, HIDDEN
        except Exception as exc:
            chat[-1] = {"role": "assistant", "content": warning(shown(exc))}
            yield chat, conversation_id, reply_ids, HIDDEN, HIDDEN

    def open(self, conversation_id: str | None, request: gr.Request | None = None
             ) -> tuple[Chat, str | None, ReplyIds, str]:
        """Show a saved conversation; the next question continues it."""
        if not conversation_id:
            return [], None, [], ""
        try:
            conversation = self.workspace.for_user(username(request)).conversations.get(
                conversation_id)
        except Exception as exc:
            gr.Warning(shown(exc))
            return [], None, [], ""
        chat, ids = chat_view(conversation)
        return chat, conversation.id, ids, conversation.title

    def open_latest(self, request: gr.Request | None = None) -> tuple[Any, ...]:
        """On page load: the user's most recent conversation, and the list."""
        latest = self.workspace.for_user(username(request)).conversations.list(limit=1)
        opened = self.open(latest[0].id if latest else None, request)
        return (*opened, self.sidebar("", opened[1], request)[0])

    def new_conversation(self, request: gr.Request | None = None) -> tuple[Any, ...]:
        # Created on the first question, so empty conversations never pile up in the list.
        return [], None, [], "", self.sidebar("", None, request)[0]

    # -- the sidebar ---------------------------------------------------------------------------

    def sidebar(self, search: str, conversation_id: str | None,
                request: gr.Request | None = None) -> tuple[Any, Any]:
        """The list of conversations (filtered by `search`) with the open one selected."""
        ws = self.workspace.for_user(username(request))
        found = ws.conversations.list(search=search or "")
        choices = [(conversation_label(c), c.id) for c in found]
        selected = conversation_id if any(c.id == conversation_id for c in found) else None
        title = next((c.title for c in found if c.id == conversation_id), gr.update())
        return gr.update(choices=choices, value=selected), title

    def rename_conversation(self, conversation_id: str | None, title: str, search: str,
                            request: gr.Request | None = None) -> tuple[Any, Any]:
        if not conversation_id:
            gr.Warning("Open a conversation first, then rename it.")
            return gr.update(), gr.update()
        try:
            self.workspace.for_user(username(request)).conversations.rename(conversation_id,
                                                                            title)
        except Exception as exc:
            gr.Warning(shown(exc))
        return self.sidebar(search, conversation_id, request)

    def delete_conversation(self, conversation_id: str | None, search: str,
                            request: gr.Request | None = None) -> tuple[Any, ...]:
        if not conversation_id:
            gr.Warning("Open a conversation first, then delete it.")
        else:
            try:
                self.workspace.for_user(username(request)).conversations.delete(conversation_id)
            except Exception as exc:
                gr.Warning(shown(exc))
        return [], None, [], "", self.sidebar(search, None, request)[0]

    def export_conversation(self, conversation_id: str | None,
                            request: gr.Request | None = None) -> Any:
        if not conversation_id:
            gr.Warning("Open a conversation first, then export it.")
            return None
        try:
            return self.workspace.export(username(request), conversation_id)
        except Exception as exc:
            gr.Warning(shown(exc))
            return None

    # -- feedback ------------------------------------------------------------------------------

    def rate(self, reply_ids: ReplyIds, comment: str, data: gr.LikeData,
             request: gr.Request | None = None) -> tuple[str, Any, str]:
        """Store a 👍/👎 on a saved reply, with the comment typed beforehand (if any)."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        reply_id = reply_ids[index] if 0 <= index < len(reply_ids) else None
        rating = {True: 1, "Like": 1, False: -1, "Dislike": -1}.get(data.liked)
        if reply_id is None or rating is None:
            return "Rate one of the coach's saved replies.", None, comment
        return self._store_rating(reply_id, rating, comment, request)

    def comment_on_last(self, rated: tuple[int, int] | None, comment: str,
                        request: gr.Request | None = None) -> tuple[str, Any, str]:
        if not rated:
            return "Click 👍 or 👎 on a reply first; the comment goes with it.", None, comment
        return self._store_rating(rated[0], rated[1], comment, request)

    def _store_rating(self, reply_id: int, rating: int, comment: str,
                      request: gr.Request | None) -> tuple[str, Any, str]:
        try:
            self.workspace.for_user(username(request)).feedback.rate_message(
                reply_id, rating, comment or "")
        except Exception as exc:
            return warning(shown(exc)), None, comment
        thumb = "👍" if rating > 0 else "👎"
        said = " with your comment" if (comment or "").strip() else ""
        return f"Saved your {thumb}{said}. Thank you.", (reply_id, rating), ""


def chat_view(conversation: Conversation) -> tuple[Chat, ReplyIds]:
    """A saved conversation as chat messages (with source panels) and their reply ids."""
    chat: Chat = []
    ids: ReplyIds = []
    for message in conversation.messages:
        if message.role == "user":
            chat.append({"role": "user", "content": esc(message.content)})
            ids.append(None)
            continue
        answer = as_answer(message)
        text = render_answer(answer) if message.content else "…"
        if not message.complete:
            text = f"{text}\n\n{INTERRUPTED}"
        chat.append({"role": "assistant", "content": text})
        ids.append(message.id)
        sources = answer_sources(answer)
        if sources:
            chat.append(sources_message(sources))
            ids.append(None)
    return chat, ids


def next_steps(answer: Answer) -> tuple[Any, Any]:
    """The draft-offer and follow-up-question buttons for `answer` (hidden when it has none)."""
    offer = next((s for s in answer.suggestions if s.kind == "draft" and s.draft_kind), None)
    question = next((s for s in answer.suggestions if s.kind == "question"), None)
    return (gr.update(visible=True, value=f"✉ Draft the {offer.draft_kind} note")
            if offer else HIDDEN,
            gr.update(visible=True, value=question.label) if question else HIDDEN)


def hide_next_steps() -> tuple[Any, Any]:
    return HIDDEN, HIDDEN


def accept_offer() -> tuple[Any, str]:
    return gr.update(value="", interactive=False), ACCEPT_OFFER


def take_message(message: str) -> tuple[Any, str]:
    # The box stays locked until the reply is complete: one question at a time.
    return gr.update(value="", interactive=False), message


def unlock_input() -> Any:
    return gr.update(interactive=True)
