"""The mentee's workspace: saved conversations, the mentor log, feedback — one SQLite file.

The state layer: it imports only the coach's leaves (settings, errors, results, text,
vocabulary) and is handed anything that needs the guidance — `retrieve(query)` and
`draft(kind, to, context, sender)` — by its caller, so it never loads the store or a model.

    db = open_database(settings)            # <data_dir>/workspace.sqlite3, migrated
    ws = Workspace(db, owner="ana")         # everything below sees only Ana's rows
    conv = ws.conversations.create()
    recorder = ws.record(conv.id, "How do I find a mentor?")   # question saved now
    for piece in coach.stream(question, history): recorder.add(piece) ... recorder.finish(answer)
    ws.due(today=date.today(), retrieve=coach.retriever.search, draft=coach.draft)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from coach.results import Answer
from coach.settings import Settings
from coach.workspace.conversations import (
    AUTOSAVE,
    SAVE_INTERVAL_S,
    Autosave,
    Conversation,
    Conversations,
    Message,
    ReplyRecorder,
    relay,
)
from coach.workspace.db import FILE_NAME, LOCAL_OWNER, Database, check_owner
from coach.workspace.due import DraftMaker, DueItem, Retrieve, due_items
from coach.workspace.feedback import Feedback, FeedbackLog, GapEntry
from coach.workspace.gaps import GapTopic, group_gaps
from coach.workspace.mentors import Action, Contact, Mentor, MentorLog
from coach.workspace.prep import Agenda, Debrief, Select, prepare_meeting, record_debrief

__all__ = [
    "LOCAL_OWNER", "Action", "Agenda", "Contact", "Conversation", "Database", "Debrief",
    "DueItem", "Feedback", "GapEntry", "GapTopic", "Mentor", "Message", "Workspace",
    "open_database", "relay", "workspace_path",
]


def workspace_path(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def open_database(settings: Settings) -> Database:
    """The workspace database in the settings' data dir, created and migrated as needed."""
    return Database(workspace_path(settings))


class Workspace:
    """One user's view of the workspace: every read and write is limited to `owner`'s rows."""

    def __init__(self, db: Database, owner: str = LOCAL_OWNER) -> None:
        self.db = db
        self.owner = check_owner(owner)
        self.conversations = Conversations(db, self.owner)
        self.mentors = MentorLog(db, self.owner)
        self.feedback = FeedbackLog(db, self.owner)

    def record(self, conversation_id: str, question: str, *,
               interval: float = SAVE_INTERVAL_S,
               clock: Callable[[], float] = time.monotonic,
               autosave: Autosave | None = AUTOSAVE) -> ReplyRecorder:
        """Save `question` now, and an empty reply to fill while it streams.

        Finishing the recorder stores the final answer and logs the question for the gap
        report if the coach declined it or was not confident.
        """
        asked = self.conversations.add_message(conversation_id, "user", question)
        reply = self.conversations.add_message(conversation_id, "assistant", "",
                                               complete=False)

        def log_gap(message: Message, answer: Answer) -> None:
            self.feedback.note_answer(asked.content, answer, message_id=message.id)

        return ReplyRecorder(self.conversations, reply, interval=interval, clock=clock,
                             on_finish=log_gap, autosave=autosave)

    def due(self, *, today: date, retrieve: Retrieve, draft: DraftMaker,
            sender: str | None = None) -> list[DueItem]:
        """What is due with each mentor (see `coach.workspace.due`)."""
        log = [(m, self.mentors.contacts(m.name)) for m in self.mentors.all()]
        return due_items(log, today=today, retrieve=retrieve, draft=draft, sender=sender)

    def prepare(self, name: str, *, retrieve: Retrieve, select: Select | None = None) -> Agenda:
        """The agenda for the next meeting with the mentor `name` (see `prepare_meeting`)."""
        mentor = self.mentors.get(name)
        return prepare_meeting(mentor, self.mentors.contacts(mentor.name),
                               self.mentors.actions(mentor.name), retrieve=retrieve,
                               select=select)

    def debrief(self, name: str, *, on_date: str | date, said: str, will_do: str,
                by_when: str | date | None, today: date, draft: DraftMaker,
                sender: str | None = None) -> Debrief:
        """Turn a three-field debrief into log entries and a thank-you draft."""
        return record_debrief(self.mentors, name, on_date=on_date, said=said, will_do=will_do,
                              by_when=by_when, today=today, draft=draft, sender=sender)

    def gaps(self, *, all_owners: bool = False) -> list[GapTopic]:
        """The guidance-gap report, grouped by topic."""
        return group_gaps(self.feedback.gap_entries(all_owners=all_owners))
