"""Feedback on replies (thumbs up/down, a comment) and the questions the guidance did not answer.

Every rating is stored with the question, the answer and its sources as they were, so it still
means something after the conversation is deleted or the guidance changes. Every declined
question (`Answer.kind == "refusal"`) and every answer whose `confidence` is below
`LOW_CONFIDENCE` is logged too; with thumbs-downs they make the guidance-gap report.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from coach.errors import WorkspaceError
from coach.results import Answer, Passage
from coach.text import clean_user_text
from coach.vocabulary import GapReason
from coach.workspace.conversations import Conversations, confidence_of, passage_from
from coach.workspace.db import Database, check_owner

# Answers the coach itself rates below this (0–1) count as low-confidence gaps; None (unknown)
# never does. An answer needs COACH_MIN_CONFIDENCE (0.29) to be given at all; on the shipped
# guide's 34 in-scope questions answers scored 0.44–0.89 and 1 fell below 0.5 (measured): the
# borderline ones, worth a look by whoever keeps the guidance.
LOW_CONFIDENCE = 0.5
COMMENT_CHARS = 2000


@dataclass(frozen=True)
class Feedback:
    id: int
    rating: int  # +1 or -1
    comment: str
    question: str
    answer: str
    sources: list[Passage] = field(default_factory=list)
    message_id: int | None = None
    created_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GapEntry:
    """A question the guidance served badly, and why (one or more of `GAP_REASONS`)."""

    question: str
    reasons: tuple[GapReason, ...]
    created_at: str
    confidence: float | None = None
    comment: str = ""
    owner: str = ""
    message_id: int | None = None


def rating_value(rating: int | str | bool) -> int:
    """+1 for up/"up"/True/1, -1 for down/"down"/False/-1; anything else is refused."""
    text = str(rating).strip().lower()
    if text in {"1", "+1", "up", "true", "like", "good", "👍"}:
        return 1
    if text in {"-1", "down", "false", "dislike", "bad", "👎"}:
        return -1
    raise WorkspaceError(f"a rating is up or down (+1 or -1), not {rating!r}")


class FeedbackLog:
    """One owner's ratings and unanswered questions; the gap report can read every owner's."""

    def __init__(self, db: Database, owner: str) -> None:
        self.db = db
        self.owner = check_owner(owner)

    def rate(self, rating: int | str | bool, *, question: str, answer: str,
             sources: Sequence[Passage] = (), comment: str = "",
             message_id: int | None = None) -> Feedback:
        """Store a rating with what it rates; a saved reply keeps only its latest rating."""
        value = rating_value(rating)
        comment = clean_user_text(comment or "").strip()[:COMMENT_CHARS]
        question = clean_user_text(question or "").strip()
        if not question and not answer:
            raise WorkspaceError("a rating needs the question and the answer it is about")
        with self.db.write() as conn:
            if message_id is not None:
                conn.execute("DELETE FROM feedback WHERE message_id = ? AND owner = ?",
                             (message_id, self.owner))
            cursor = conn.execute(
                "INSERT INTO feedback (owner, message_id, rating, comment, question, answer, "
                "sources, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (self.owner, message_id, value, comment, question, answer or "",
                 json.dumps([asdict(p) for p in sources]), self.db.now()))
            row = conn.execute("SELECT * FROM feedback WHERE id = ?",
                               (cursor.lastrowid,)).fetchone()
        return _feedback(row)

    def rate_message(self, message_id: int, rating: int | str | bool,
                     comment: str = "") -> Feedback:
        """Rate a saved reply of this owner's; its question and sources come from the store."""
        conversations = Conversations(self.db, self.owner)
        reply = conversations.message(message_id)
        if reply.role != "assistant":
            raise WorkspaceError(f"message {message_id} is a question, not a reply; rate the "
                                 "coach's reply")
        return self.rate(rating, question=conversations.question_before(message_id),
                         answer=reply.content, sources=reply.sources, comment=comment,
                         message_id=message_id)

    def note_answer(self, question: str, answer: Answer, *, message_id: int | None = None,
                    low: float = LOW_CONFIDENCE) -> GapReason | None:
        """Log `question` if the coach declined it or answered it with low confidence."""
        confidence = confidence_of(answer)
        reason: GapReason | None = None
        if answer.kind == "refusal":
            reason = "refusal"
        elif answer.kind == "answer" and confidence is not None and confidence < low:
            reason = "low-confidence"
        if reason is None:
            return None
        with self.db.write() as conn:
            conn.execute("INSERT INTO unanswered (owner, message_id, question, reason, "
                         "confidence, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                         (self.owner, message_id, clean_user_text(question).strip(), reason,
                          confidence, self.db.now()))
        return reason

    def ratings(self) -> list[Feedback]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT * FROM feedback WHERE owner = ? ORDER BY created_at, id",
                                (self.owner,)).fetchall()
        return [_feedback(row) for row in rows]

    def gap_entries(self, *, all_owners: bool = False) -> list[GapEntry]:
        """Declined, low-confidence and thumbs-down questions, oldest first, one per reply.

        `all_owners` is for whoever keeps the guidance (the `coach gaps --all` command on the
        machine itself); the page only ever shows its user's own.
        """
        where, args = ("", ()) if all_owners else (" WHERE owner = ?", (self.owner,))
        with self.db.read() as conn:
            unanswered = conn.execute("SELECT * FROM unanswered" + where + " ORDER BY id",
                                      args).fetchall()
            downs = conn.execute("SELECT * FROM feedback" + (where or " WHERE 1") +
                                 " AND rating = -1 ORDER BY id", args).fetchall()
        return _merge(unanswered, downs)


def _merge(unanswered: Sequence[sqlite3.Row], downs: Sequence[sqlite3.Row]) -> list[GapEntry]:
    """One entry per reply: a declined answer that also got a thumbs-down counts once."""
    entries: dict[Any, GapEntry] = {}
    for row in unanswered:
        key = ("m", row["message_id"]) if row["message_id"] is not None else ("u", row["id"])
        entries[key] = GapEntry(row["question"], (row["reason"],), row["created_at"],
                                row["confidence"], "", row["owner"], row["message_id"])
    for row in downs:
        key = ("m", row["message_id"]) if row["message_id"] is not None else ("f", row["id"])
        earlier = entries.get(key)
        reasons = (*earlier.reasons, "thumbs-down") if earlier else ("thumbs-down",)
        entries[key] = GapEntry(row["question"], reasons,
                                earlier.created_at if earlier else row["created_at"],
                                earlier.confidence if earlier else None, row["comment"],
                                row["owner"], row["message_id"])
    # Stable: entries logged in the same millisecond keep the order they were logged in.
    return sorted(entries.values(), key=lambda e: e.created_at)


def _feedback(row: sqlite3.Row) -> Feedback:
    return Feedback(row["id"], row["rating"], row["comment"], row["question"], row["answer"],
                    [passage_from(p) for p in json.loads(row["sources"] or "[]")],
                    row["message_id"], row["created_at"])
