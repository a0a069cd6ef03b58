"""Saved conversations: one user's list, each with its messages, and replies saved as they stream.

A question is written before the coach starts on it, and the reply is saved while it streams
(at most every `SAVE_INTERVAL_S`), so killing the app mid-reply loses nothing the user sent and
keeps the reply as far as it got (marked incomplete).
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

from coach.errors import WorkspaceError
from coach.results import Answer, Draft, Passage
from coach.text import clean_user_text
from coach.workspace.db import Database, check_owner

log = logging.getLogger(__name__)
# Half a second between saves of a streaming reply: a crash loses at most that much of it, and
# a reply that streams for ten seconds costs twenty small transactions (~1 ms each).
SAVE_INTERVAL_S = 0.5
TITLE_CHARS = 60
UNTITLED = "New conversation"


@dataclass(frozen=True)
class Message:
    """One turn's text. `complete` is False for a reply cut off mid-stream (or still streaming)."""

    id: int
    position: int
    role: str
    content: str
    complete: bool = True
    kind: str | None = None
    notice: str | None = None
    query: str | None = None
    confidence: float | None = None
    sources: list[Passage] = field(default_factory=list)
    draft: Draft | None = None
    created_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Conversation:
    """A saved conversation; `messages` is empty in listings and filled by `Conversations.get`."""

    id: str
    title: str
    created_at: str
    updated_at: str
    messages: list[Message] = field(default_factory=list)

    @property
    def shown_title(self) -> str:
        return self.title or UNTITLED

    def history(self) -> list[dict[str, str]]:
        """The turns as the coach's `history` argument: [{"role", "content"}, ...]."""
        return [{"role": m.role, "content": m.content} for m in self.messages if m.content]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Conversations:
    """The conversations of one owner; another owner's conversation is never found."""

    def __init__(self, db: Database, owner: str) -> None:
        self.db = db
        self.owner = check_owner(owner)

    def create(self, title: str = "") -> Conversation:
        """A new, empty conversation (titled by its first question unless given a title)."""
        title = _clean_title(title)
        now = self.db.now()
        for _ in range(5):  # 8 hex digits: short enough to type after --resume
            new_id = secrets.token_hex(4)
            try:
                with self.db.write() as conn:
                    conn.execute("INSERT INTO conversations (id, owner, title, created_at, "
                                 "updated_at) VALUES (?, ?, ?, ?, ?)",
                                 (new_id, self.owner, title, now, now))
                return Conversation(new_id, title, now, now)
            except sqlite3.IntegrityError:
                continue
        raise WorkspaceError("could not pick a free conversation id; try again")

    def list(self, search: str = "", limit: int = 200) -> list[Conversation]:
        """Newest first; `search` keeps those whose title or any message contains the text."""
        needle = " ".join((search or "").split()).casefold()
        sql = "SELECT * FROM conversations c WHERE owner = ?"
        args: list[Any] = [self.owner]
        if needle:
            sql += (" AND (instr(casefold(title), ?) > 0 OR EXISTS (SELECT 1 FROM messages m "
                    "WHERE m.conversation_id = c.id AND instr(casefold(m.content), ?) > 0))")
            args += [needle, needle]
        sql += " ORDER BY updated_at DESC, rowid DESC LIMIT ?"
        with self.db.read() as conn:
            rows = conn.execute(sql, [*args, max(1, limit)]).fetchall()
        return [_conversation(row) for row in rows]

    def get(self, conversation_id: str) -> Conversation:
        """The conversation with its messages, or a `WorkspaceError` naming the id."""
        with self.db.read() as conn:
            row = self._row(conn, conversation_id)
            messages = conn.execute("SELECT * FROM messages WHERE conversation_id = ? AND "
                                    "owner = ? ORDER BY position", (row["id"], self.owner))
            return _conversation(row, [_message(m) for m in messages])

    def rename(self, conversation_id: str, title: str) -> Conversation:
        title = _clean_title(title)
        if not title:
            raise WorkspaceError("give the conversation a title (it was empty)")
        with self.db.write() as conn:
            self._row(conn, conversation_id)
            conn.execute("UPDATE conversations SET title = ? WHERE id = ? AND owner = ?",
                          (title, conversation_id, self.owner))
        return self.get(conversation_id)

    def delete(self, conversation_id: str) -> None:
        """Delete a conversation and its messages (feedback already given on it is kept)."""
        with self.db.write() as conn:
            self._row(conn, conversation_id)
            conn.execute("DELETE FROM conversations WHERE id = ? AND owner = ?",
                          (conversation_id, self.owner))

    def add_message(self, conversation_id: str, role: str, content: str, *,
                    complete: bool = True) -> Message:
        """Append a message; the first question also titles an untitled conversation."""
        content = clean_user_text(content or "")
        now = self.db.now()
        with self.db.write() as conn:
            row = self._row(conn, conversation_id)
            position = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM messages "
                                    "WHERE conversation_id = ?", (row["id"],)).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO messages (conversation_id, owner, position, role, content, "
                "complete, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row["id"], self.owner, position, role, content, int(complete), now))
            title = row["title"] or (_title_from(content) if role == "user" else "")
            conn.execute("UPDATE conversations SET updated_at = ?, title = ? WHERE id = ?",
                         (now, title, row["id"]))
        return Message(int(cursor.lastrowid or 0), position, role, content, complete,
                       created_at=now)

    def save_partial(self, message_id: int, content: str) -> None:
        """Overwrite a streaming reply with what has arrived so far (still incomplete)."""
        with self.db.write() as conn:
            # `complete = 0`: a late partial save never overwrites the finished reply.
            conn.execute("UPDATE messages SET content = ? WHERE id = ? AND owner = ? AND "
                         "complete = 0", (content, message_id, self.owner))

    def finish(self, message_id: int, answer: Answer) -> Message:
        """Store the final reply with its kind, notice, confidence, sources and draft."""
        draft = json.dumps(asdict(answer.draft)) if answer.draft is not None else None
        with self.db.write() as conn:
            cursor = conn.execute(
                "UPDATE messages SET content = ?, complete = 1, kind = ?, notice = ?, query = ?, "
                "confidence = ?, sources = ?, draft = ? WHERE id = ? AND owner = ?",
                (answer.text, answer.kind, answer.notice, answer.query, confidence_of(answer),
                 json.dumps([asdict(p) for p in answer.sources]), draft, message_id,
                 self.owner))
            if cursor.rowcount == 0:
                raise WorkspaceError(f"no reply {message_id} in this user's conversations")
            row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
        return _message(row)

    def message(self, message_id: int) -> Message:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM messages WHERE id = ? AND owner = ?",
                               (message_id, self.owner)).fetchone()
        if row is None:
            raise WorkspaceError(f"no message {message_id} in this user's conversations")
        return _message(row)

    def question_before(self, message_id: int) -> str:
        """The user's message that a reply answers ("" if there is none)."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT q.content FROM messages a JOIN messages q ON q.conversation_id = "
                "a.conversation_id AND q.position < a.position AND q.role = 'user' "
                "WHERE a.id = ? AND a.owner = ? ORDER BY q.position DESC LIMIT 1",
                (message_id, self.owner)).fetchone()
        return row[0] if row else ""

    def _row(self, conn: sqlite3.Connection, conversation_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM conversations WHERE id = ? AND owner = ?",
                           (str(conversation_id or "").strip(), self.owner)).fetchone()
        if row is None:
            raise WorkspaceError(f"no conversation {conversation_id!r} for this user; "
                                 "`coach conversations` lists yours")
        return row


class ReplyRecorder:
    """Saves one reply while it streams: `add(piece)` for each text piece, then `finish(answer)`.

    A piece is saved at once when `interval` has passed since the last save; otherwise the
    `Autosave` thread saves it once the interval is up, so a stalled stream (a model thinking)
    still has everything it showed on disk within about `interval`. `clock` is injectable and
    `autosave=None` turns the thread off, so tests can check the interval without sleeping.
    """

    def __init__(self, conversations: Conversations, message: Message, *,
                 interval: float = SAVE_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic,
                 on_finish: Callable[[Message, Answer], None] | None = None,
                 autosave: Autosave | None = None) -> None:
        self.conversations = conversations
        self.message = message
        self.interval = interval
        self.clock = clock
        self.on_finish = on_finish
        self.autosave = autosave
        self.text = ""
        self.saves = 0
        self._saved_text = ""
        self._saved_at = clock()
        self._finished = False
        self._lock = threading.Lock()

    def add(self, piece: str) -> None:
        with self._lock:
            self.text += piece
            now_due = self.clock() - self._saved_at >= self.interval
        if now_due:
            self.flush()
        elif self.autosave is not None:
            self.autosave.watch(self)

    @property
    def unsaved(self) -> bool:
        return not self._finished and self.text != self._saved_text

    @property
    def overdue(self) -> bool:
        """Unsaved text has waited at least `interval`."""
        return self.unsaved and self.clock() - self._saved_at >= self.interval

    def flush(self) -> None:
        """Save what has streamed so far, now (from the streaming or the autosave thread)."""
        with self._lock:  # held while writing, so an older snapshot never lands after a newer
            if self._finished or self.text == self._saved_text:
                return
            self.conversations.save_partial(self.message.id, self.text)
            self._saved_text = self.text
            self._saved_at = self.clock()
            self.saves += 1

    def finish(self, answer: Answer) -> Message:
        with self._lock:
            self._finished = True
        if self.autosave is not None:
            self.autosave.forget(self)
        final = self.conversations.finish(self.message.id, answer)
        if self.on_finish is not None:
            self.on_finish(final, answer)
        return final


class Autosave:
    """One daemon thread that saves streaming replies whose newest text has waited too long.

    It wakes every `tick` seconds only while some reply is waiting, and uses its own database
    connection (one per database, for the life of the process).
    """

    def __init__(self, tick: float = 0.1) -> None:
        self.tick = tick
        self._waiting: set[ReplyRecorder] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, recorder: ReplyRecorder) -> None:
        with self._lock:
            self._waiting.add(recorder)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="coach-autosave",
                                                daemon=True)
                self._thread.start()
        self._wake.set()

    def forget(self, recorder: ReplyRecorder) -> None:
        with self._lock:
            self._waiting.discard(recorder)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.tick)
            with self._lock:
                due = [r for r in self._waiting if r.overdue]
                idle = not self._waiting
                if idle:
                    self._wake.clear()
            for recorder in due:
                try:
                    recorder.flush()
                except Exception:  # the stream's own next save or finish will report it
                    log.exception("autosave of reply %s failed", recorder.message.id)
                with self._lock:
                    if not recorder.unsaved:
                        self._waiting.discard(recorder)


AUTOSAVE = Autosave()


def relay(recorder: ReplyRecorder,
          pieces: Iterable[str | Answer]) -> Iterator[str | Answer]:
    """Pass a reply's pieces (`Coach.stream`'s output) through, saving them as they go.

    If the stream fails or is abandoned (the page closed mid-reply), what arrived is saved
    before the failure goes on, and the reply stays marked incomplete.
    """
    finished = False
    try:
        for piece in pieces:
            if isinstance(piece, Answer):
                recorder.finish(piece)
                finished = True
            else:
                recorder.add(str(piece))
            yield piece
    finally:
        if not finished:
            recorder.flush()


def confidence_of(answer: Answer) -> float | None:
    """`Answer.confidence` when the coach reports one (None means unknown)."""
    value = answer.confidence
    return float(value) if isinstance(value, int | float) else None


def _clean_title(title: str) -> str:
    return " ".join(clean_user_text(title or "").split())[:200]


def _title_from(question: str) -> str:
    text = " ".join(question.split())
    if len(text) <= TITLE_CHARS:
        return text
    cut = text[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _conversation(row: sqlite3.Row, messages: list[Message] | None = None) -> Conversation:
    return Conversation(row["id"], row["title"], row["created_at"], row["updated_at"],
                        messages or [])


def passage_from(data: dict[str, Any]) -> Passage:
    """A stored passage back as a `Passage`, tolerating fields added or dropped since."""
    known = {f.name: f for f in fields(Passage)}
    values = {k: v for k, v in data.items() if k in known}
    for name, f in known.items():
        if name not in values and f.default is MISSING:
            values[name] = 0.0 if name == "score" else ""
    return Passage(**values)


def draft_from(data: dict[str, Any]) -> Draft:
    """A stored draft back as a `Draft` (same tolerance as `passage_from`)."""
    known = {f.name: f for f in fields(Draft)}
    values = {k: v for k, v in data.items() if k in known}
    for name, f in known.items():
        if name not in values and f.default is MISSING and f.default_factory is MISSING:
            values[name] = ""
    values["sources"] = [passage_from(p) for p in values.get("sources") or []]
    return Draft(**values)


def _message(row: sqlite3.Row) -> Message:
    draft = draft_from(json.loads(row["draft"])) if row["draft"] else None
    return Message(
        id=row["id"], position=row["position"], role=row["role"], content=row["content"],
        complete=bool(row["complete"]), kind=row["kind"], notice=row["notice"],
        query=row["query"], confidence=row["confidence"],
        sources=[passage_from(p) for p in json.loads(row["sources"] or "[]")], draft=draft,
        created_at=row["created_at"])
