"""The page's workspace handlers with a fake coach: saved chats, users kept apart, feedback, due.

Fast (no model, no browser); the browser tests in tests/e2e/test_workspace_browser.py drive the
same handlers through the real page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr

from coach.results import Answer, Draft, Passage, Suggestion
from coach.settings import Settings
from coach.web.chat import INTERRUPTED, ChatTab
from coach.web.mentors import MentorsTab
from coach.web.service import CoachService
from coach.web.workspace import WorkspaceService

TODAY = date(2025, 6, 2)
PASSAGE = Passage("g#1", "When a mentor goes quiet, step back and leave the door open.",
                  "Handbook", "Silence", "handbook.md", 0.6, 1)


class EmptyStore:
    def count(self) -> int:
        return 0

    def sources(self) -> list:
        return []


class FakeCoach:
    """Answers every question with one cited sentence; remembers the history it was given."""

    def __init__(self) -> None:
        self.histories: list[list[dict[str, Any]]] = []
        self.retriever = SimpleNamespace(search=lambda query: [PASSAGE])

    def stream(self, question: str, history: list) -> Iterator[str | Answer]:
        self.histories.append(list(history))
        yield "Step back. "
        yield Answer("Step back. [1]", True, [PASSAGE], query=question)

    def draft(self, kind: str, to: str, context: str, sender: str | None = None) -> Draft:
        return Draft(kind, to, f"A {kind} note", f"Dear {to}, {context}")

    def select(self, query: str, passages: list[Passage]) -> list[tuple[Passage, str]]:
        return [(p, p.text) for p in passages]


def user(name: str | None) -> Any:
    return SimpleNamespace(username=name)


def tabs(settings: Callable[..., Settings]) -> tuple[ChatTab, MentorsTab, FakeCoach]:
    s = settings()
    coach = FakeCoach()
    service = CoachService(s, store=EmptyStore(), coach_factory=lambda *a, **k: coach)
    workspace = WorkspaceService(s, today=lambda: TODAY)
    return ChatTab(service, s, workspace), MentorsTab(service, workspace), coach


def say(tab: ChatTab, message: str, state: tuple = ([], None, []), who: Any = None) -> tuple:
    *_, last = tab.reply(message, *state, request=who)
    return last[:3]  # chat, conversation id, reply ids (then the next-step buttons)


def test_a_reply_is_saved_and_the_conversation_reopens_as_it_was(settings):
    chat_tab, _, coach = tabs(settings)
    chat, conversation_id, ids = say(chat_tab, "My mentor went quiet. What now?")
    assert conversation_id and ids[1] is not None and chat[-1]["metadata"]["title"] == "Sources (1)"
    reopened, same_id, same_ids, title = chat_tab.open(conversation_id)
    assert (reopened, same_id, same_ids) == (chat, conversation_id, ids)
    assert title == "My mentor went quiet. What now?"
    say(chat_tab, "And then?", (chat, conversation_id, ids))
    assert coach.histories[-1] == [{"role": "user", "content": "My mentor went quiet. What now?"},
                                   {"role": "assistant", "content": "Step back. [1]"}]


def test_the_page_opens_the_latest_conversation_of_the_user_who_logs_in(settings):
    chat_tab, _, _ = tabs(settings)
    say(chat_tab, "Ana's question about Lee", who=user("ana"))
    say(chat_tab, "Bob's question", who=user("bob"))
    chat, _, _, _, picker = chat_tab.open_latest(user("ana"))
    assert chat[0]["content"] == "Ana's question about Lee"
    assert [label for label, _ in picker["choices"]][0].startswith("Ana's question about Lee")
    assert len(picker["choices"]) == 1
    bob_list = chat_tab.sidebar("Lee", None, user("bob"))[0]
    assert bob_list["choices"] == []


def test_an_interrupted_reply_reopens_marked_as_interrupted(settings):
    chat_tab, _, _ = tabs(settings)
    ws = chat_tab.workspace.for_user(None)
    conversation = ws.conversations.create()
    recorder = ws.record(conversation.id, "How do I ask for an introduction?", autosave=None)
    recorder.add("Ask someone who knows you both")
    recorder.flush()  # the app dies here
    chat, *_ = chat_tab.open(conversation.id)
    assert chat[1]["content"].endswith(INTERRUPTED)
    assert "Ask someone who knows you both" in chat[1]["content"]


def test_a_thumbs_down_with_a_comment_is_stored_for_that_reply(settings):
    chat_tab, _, _ = tabs(settings)
    chat, conversation_id, ids = say(chat_tab, "How do I thank a mentor?", who=user("ana"))
    liked = gr.LikeData(None, {"index": 1, "value": chat[1]["content"], "liked": False})
    status, rated, comment = chat_tab.rate(ids, "too vague", liked, user("ana"))
    assert status == "Saved your 👎 with your comment. Thank you." and comment == ""
    [entry] = chat_tab.workspace.for_user("ana").feedback.gap_entries()
    assert (entry.question, entry.reasons, entry.comment) == (
        "How do I thank a mentor?", ("thumbs-down",), "too vague")
    # Bob cannot rate Ana's reply, even with its id.
    status, _, _ = chat_tab.rate(ids, "", liked, user("bob"))
    assert status.startswith("⚠ no message")


def test_rating_a_source_panel_or_a_question_asks_for_a_reply(settings):
    chat_tab, _, _ = tabs(settings)
    chat, _, ids = say(chat_tab, "How do I thank a mentor?")
    panel = gr.LikeData(None, {"index": len(chat) - 1, "value": "", "liked": True})
    assert chat_tab.rate(ids, "", panel)[0] == "Rate one of the coach's saved replies."


def test_the_mentors_tab_logs_contacts_and_shows_whats_due_with_passage_and_draft(settings):
    _, mentors, _ = tabs(settings)
    mentors.add_mentor("Ana", "a meetup", "portfolio feedback", user("sam"))
    for age in (30, 9):
        day = (TODAY - timedelta(days=age)).isoformat()
        mentors.log_contact("Ana", day, "email", "coffee?", "no reply (yet)", "", "",
                            "not known yet", "", user("sam"))
    due = mentors.whats_due("Sam", user("sam"))
    assert "You have written to Ana twice in four weeks without a reply" in due
    assert "From your guidance — Handbook — Silence" in due and "A back-off note" in due
    assert mentors.whats_due("", user("someone-else")).startswith("Nothing is due")


def test_a_bad_contact_date_is_shown_and_nothing_is_logged(settings):
    _, mentors, _ = tabs(settings)
    mentors.add_mentor("Ana", "", "", None)
    table, _, _, status, *_ = mentors.log_contact("Ana", "last tuesday", "email", "", "replied",
                                                   "", "", "good", "", None)
    assert status.startswith("⚠ the contact date 'last tuesday' is not a date")
    assert table["value"][0][3] == 0


def test_a_reply_marked_on_a_logged_contact_stops_the_silence_clock(settings):
    _, mentors, _ = tabs(settings)
    mentors.add_mentor("Ana", "", "", None)
    for age in (30, 9):
        mentors.log_contact("Ana", (TODAY - timedelta(days=age)).isoformat(), "email", "coffee?",
                            "no reply (yet)", "", "", "not known yet", "", None)
    assert "time to back off" in mentors.whats_due("", None)
    *_, status, rows = mentors.replied_to("Ana", 2, None)
    assert status == "Marked contact 2 with **Ana** as replied."
    assert rows["value"][1][4] == "yes"
    assert mentors.whats_due("", None).startswith("Nothing is due")
    mentors.add_mentor("Bea", "", "", None)
    *_, status, _ = mentors.replied_to("Bea", 1, None)
    assert status == "⚠ contact 1 is not with Bea"


def test_the_draft_offer_button_follows_a_saved_reply(settings):
    chat_tab, _, coach = tabs(settings)

    def offering(question: str, history: list) -> Iterator[str | Answer]:
        yield Answer("Step back. [1]", True, [PASSAGE], query=question,
                     suggestions=[Suggestion("draft", "Draft it", "back-off")])

    coach.stream = offering  # type: ignore[method-assign]
    *_, (chat, conversation_id, ids, offer, question) = chat_tab.reply(
        "My mentor went quiet.", [], None, [])
    assert offer["visible"] and offer["value"] == "✉ Draft the back-off note"
    assert question["visible"] is False
    assert chat_tab.workspace.for_user(None).conversations.get(conversation_id).messages[1].complete


def test_exports_are_files_in_their_own_folders_and_an_unused_page_leaves_no_folder(settings):
    chat_tab, _, _ = tabs(settings)
    workspace = chat_tab.workspace
    assert workspace._exports_dir is None  # no export yet: nothing written to the temp dir
    _, conversation_id, _ = say(chat_tab, "How do I end things with my mentor?")
    first, again = workspace.export(None, conversation_id), workspace.export(None, conversation_id)
    assert [p.rsplit(".", 1)[1] for p in first] == ["md", "json"]
    assert "How do I end things" in Path(first[0]).read_text(encoding="utf-8")
    assert first[0] != again[0]  # a second export does not overwrite the first
