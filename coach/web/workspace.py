"""The workspace behind the page: one database, one `Workspace` per logged-in user. No gradio.

Who the user is comes from the login (`COACH_AUTH`); without login everyone on the page is the
local user. Every tab asks `for_user(username)` and sees only that user's rows.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from coach.results import Answer
from coach.settings import Settings
from coach.workspace import LOCAL_OWNER, Database, Workspace, open_database
from coach.workspace.conversations import Conversation, Message
from coach.workspace.export import (
    conversation_json,
    conversation_markdown,
    draft_markdown,
    export_filename,
)


class WorkspaceService:
    """The workspace database of `settings`' data dir, and the page's helpers around it.

    `today` is injectable so tests can fix the date the mentor log is read against.
    """

    def __init__(self, settings: Settings, db: Database | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self.settings = settings
        self.db = db or open_database(settings)
        self.today = today
        # Export files live until the process ends (the page serves them from here); made on
        # the first export, so a page nobody exports from leaves no empty folder behind.
        self._exports_dir: tempfile.TemporaryDirectory[str] | None = None
        self._exports_lock = threading.Lock()  # two tabs may export at once

    def for_user(self, username: str | None) -> Workspace:
        return Workspace(self.db, username or LOCAL_OWNER)

    def export(self, username: str | None, conversation_id: str) -> list[str]:
        """Write the conversation as Markdown and JSON files; return their paths."""
        conversation = self.for_user(username).conversations.get(conversation_id)
        folder = self._export_folder()
        md = folder / export_filename(conversation.shown_title, "md")
        md.write_text(conversation_markdown(conversation), encoding="utf-8")
        js = md.with_suffix(".json")
        js.write_text(json.dumps(conversation_json(conversation), ensure_ascii=False, indent=2),
                      encoding="utf-8")
        return [str(md), str(js)]

    def _export_folder(self) -> Path:
        """A new folder for one export's files (two exports never overwrite each other)."""
        with self._exports_lock:
            if self._exports_dir is None:
                self._exports_dir = tempfile.TemporaryDirectory(prefix="coach-exports-")
            root = self._exports_dir.name
        return Path(tempfile.mkdtemp(dir=root))

    def export_draft(self, draft: Any) -> str:
        folder = self._export_folder()
        path = folder / export_filename(f"{draft.kind} to {draft.to}", "md")
        path.write_text(draft_markdown(draft), encoding="utf-8")
        return str(path)


def username(request: Any) -> str | None:
    """The logged-in user of a `gr.Request` (None without login, or without a request)."""
    return getattr(request, "username", None) if request is not None else None


def as_answer(message: Message) -> Answer:
    """A saved reply back as the `Answer` the page renders."""
    return Answer(message.content, grounded=bool(message.sources), sources=message.sources,
                  kind=message.kind or "answer", notice=message.notice,  # type: ignore[arg-type]
                  query=message.query, draft=message.draft)


def conversation_label(conversation: Conversation) -> str:
    day = conversation.updated_at[:10]
    return f"{conversation.shown_title} · {day}"
