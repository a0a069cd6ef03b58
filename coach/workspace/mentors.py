"""The mentor log: mentors (how you met, what you want from them), contacts and open items.

Dates are the user's: ISO dates (YYYY-MM-DD) they type, checked against a `today` that the
caller passes (tests fix it). A contact records something that happened, so it cannot be dated
after today; an open item's "by when" can be in the future.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from coach.errors import WorkspaceError
from coach.text import clean_user_text
from coach.vocabulary import CONTACT_CHANNELS, DRAFT_KINDS
from coach.workspace.db import Database, check_owner

FIELD_CHARS = 4000  # the longest note kept in one field (a message box's worth)


@dataclass(frozen=True)
class Mentor:
    id: int
    name: str
    how_met: str = ""
    wants: str = ""
    created_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Contact:
    """One time the mentee was in touch with a mentor.

    `replied` is True/False for something sent (an email, a message, a call left unanswered),
    None when it does not apply. A meeting is two-way, so it counts as answered. `outcome_good`
    is the mentee's verdict on how things turned out (None: not known yet). `note_kind` is the
    kind of note this contact was, when it was one of the coach's drafts (e.g. "back-off").
    """

    id: int
    mentor_id: int
    on_date: date
    channel: str
    asked: str = ""
    replied: bool | None = None
    advice: str = ""
    outcome: str = ""
    outcome_good: bool | None = None
    note_kind: str | None = None

    @property
    def answered(self) -> bool:
        return self.replied is True or self.channel == "meeting"

    @property
    def unanswered(self) -> bool:
        return self.replied is False and self.channel != "meeting"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "on_date": self.on_date.isoformat()}


@dataclass(frozen=True)
class Action:
    """An open item: something the mentee said they would do, by when, and whether it is done."""

    id: int
    mentor_id: int
    text: str
    due_by: date | None = None
    done_on: date | None = None
    contact_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "due_by": _iso(self.due_by), "done_on": _iso(self.done_on)}


def parse_date(value: str | date, *, today: date, what: str = "date",
               allow_future: bool = False) -> date:
    """An ISO date from the user (or a `date`); later than `today` only if `allow_future`."""
    if isinstance(value, date):
        day = value
    else:
        text = str(value or "").strip()
        if text.lower() == "today":
            return today
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise WorkspaceError(f"the {what} {text!r} is not a date; write it as YYYY-MM-DD, "
                                 f"e.g. {today.isoformat()}") from None
    if day > today and not allow_future:
        raise WorkspaceError(f"the {what} {day.isoformat()} is after today "
                             f"({today.isoformat()}); the log records what already happened")
    return day


class MentorLog:
    """One owner's mentors, their contacts and open items. Mentors are named case-insensitively."""

    def __init__(self, db: Database, owner: str) -> None:
        self.db = db
        self.owner = check_owner(owner)

    # -- mentors ---------------------------------------------------------------------------

    def add(self, name: str, how_met: str = "", wants: str = "") -> Mentor:
        name = _name(name)
        if not name:
            raise WorkspaceError("give the mentor's name (it was empty)")
        try:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT INTO mentors (owner, name, how_met, wants, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (self.owner, name, _text(how_met), _text(wants), self.db.now()))
        except sqlite3.IntegrityError:
            raise WorkspaceError(f"{name} is already in your mentor log; change the entry "
                                 "instead of adding it again") from None
        return self.get(name)

    def update(self, name: str, *, new_name: str | None = None, how_met: str | None = None,
               wants: str | None = None) -> Mentor:
        mentor = self.get(name)
        values = {"name": _name(new_name) if new_name is not None else mentor.name,
                  "how_met": _text(how_met) if how_met is not None else mentor.how_met,
                  "wants": _text(wants) if wants is not None else mentor.wants}
        if not values["name"]:
            raise WorkspaceError("a mentor needs a name (the new name was empty)")
        try:
            with self.db.write() as conn:
                conn.execute("UPDATE mentors SET name = ?, how_met = ?, wants = ? "
                             "WHERE id = ? AND owner = ?",
                             (values["name"], values["how_met"], values["wants"], mentor.id,
                              self.owner))
        except sqlite3.IntegrityError:
            raise WorkspaceError(f"another mentor in your log is already called "
                                 f"{values['name']}") from None
        return self.get(values["name"])

    def remove(self, name: str) -> None:
        """Remove a mentor with their contacts and open items."""
        mentor = self.get(name)
        with self.db.write() as conn:
            conn.execute("DELETE FROM mentors WHERE id = ? AND owner = ?", (mentor.id, self.owner))

    def all(self) -> list[Mentor]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT * FROM mentors WHERE owner = ? ORDER BY name "
                                "COLLATE NOCASE", (self.owner,)).fetchall()
        return [_mentor(row) for row in rows]

    def get(self, name: str) -> Mentor:
        """The mentor called `name` (any case); the error lists the mentors there are."""
        wanted = _name(name)
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM mentors WHERE owner = ? AND name = ? "
                               "COLLATE NOCASE", (self.owner, wanted)).fetchone()
        if row is None:
            known = ", ".join(m.name for m in self.all()) or "none yet"
            raise WorkspaceError(f"no mentor called {wanted!r} in your log (you have: {known}); "
                                 "add one with `coach mentors add NAME`")
        return _mentor(row)

    # -- contacts --------------------------------------------------------------------------

    def log(self, name: str, on_date: str | date, channel: str, *, today: date,
            asked: str = "", replied: bool | None = None, advice: str = "",
            outcome: str = "", outcome_good: bool | None = None,
            note_kind: str | None = None) -> Contact:
        """Record one contact with the mentor `name`."""
        mentor = self.get(name)
        day = parse_date(on_date, today=today, what="contact date")
        channel = _choice(channel, CONTACT_CHANNELS, "channel")
        if note_kind is not None:
            note_kind = _choice(note_kind, DRAFT_KINDS, "note kind")
        with self.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO contacts (mentor_id, owner, on_date, channel, asked, replied, "
                "advice, outcome, outcome_good, note_kind, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (mentor.id, self.owner, day.isoformat(), channel, _text(asked),
                 _flag(replied), _text(advice), _text(outcome), _flag(outcome_good),
                 note_kind, self.db.now()))
        return self.contact(int(cursor.lastrowid or 0))

    def update_contact(self, contact_id: int, *, today: date, **changes: Any) -> Contact:
        """Change some fields of a contact (e.g. a reply came, or the outcome is known)."""
        current = self.contact(contact_id)
        allowed = {"on_date", "channel", "asked", "replied", "advice", "outcome",
                   "outcome_good", "note_kind"}
        unknown = set(changes) - allowed
        if unknown:
            raise WorkspaceError(f"a contact has no field {sorted(unknown)[0]!r}; the fields "
                                 f"are {', '.join(sorted(allowed))}")
        merged = {**current.to_dict(), **changes}
        day = parse_date(merged["on_date"], today=today, what="contact date")
        channel = _choice(merged["channel"], CONTACT_CHANNELS, "channel")
        note_kind = merged["note_kind"]
        if note_kind is not None:
            note_kind = _choice(note_kind, DRAFT_KINDS, "note kind")
        with self.db.write() as conn:
            conn.execute(
                "UPDATE contacts SET on_date = ?, channel = ?, asked = ?, replied = ?, "
                "advice = ?, outcome = ?, outcome_good = ?, note_kind = ? "
                "WHERE id = ? AND owner = ?",
                (day.isoformat(), channel, _text(merged["asked"]), _flag(merged["replied"]),
                 _text(merged["advice"]), _text(merged["outcome"]),
                 _flag(merged["outcome_good"]), note_kind, contact_id, self.owner))
        return self.contact(contact_id)

    def delete_contact(self, contact_id: int) -> None:
        self.contact(contact_id)
        with self.db.write() as conn:
            conn.execute("DELETE FROM contacts WHERE id = ? AND owner = ?",
                         (contact_id, self.owner))

    def contact(self, contact_id: int) -> Contact:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM contacts WHERE id = ? AND owner = ?",
                               (contact_id, self.owner)).fetchone()
        if row is None:
            raise WorkspaceError(f"no contact {contact_id} in your mentor log; "
                                 "`coach log NAME --list` shows their ids")
        return _contact(row)

    def contacts(self, name: str | None = None) -> list[Contact]:
        """Contacts oldest first (same day: in the order they were logged); one mentor's or all."""
        sql = "SELECT * FROM contacts WHERE owner = ?"
        args: list[Any] = [self.owner]
        if name is not None:
            sql += " AND mentor_id = ?"
            args.append(self.get(name).id)
        with self.db.read() as conn:
            rows = conn.execute(sql + " ORDER BY on_date, id", args).fetchall()
        return [_contact(row) for row in rows]

    # -- open items ------------------------------------------------------------------------

    def add_action(self, name: str, text: str, *, today: date, due_by: str | date | None = None,
                   contact_id: int | None = None) -> Action:
        mentor = self.get(name)
        text = _text(text, 1000)
        if not text:
            raise WorkspaceError("say what you will do (the open item was empty)")
        due = (parse_date(due_by, today=today, what="'by when' date", allow_future=True)
               if due_by not in (None, "") else None)
        with self.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO actions (mentor_id, owner, contact_id, text, due_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (mentor.id, self.owner, contact_id, text, _iso(due), self.db.now()))
        return self.action(int(cursor.lastrowid or 0))

    def complete_action(self, action_id: int, *, today: date) -> Action:
        self.action(action_id)
        with self.db.write() as conn:
            conn.execute("UPDATE actions SET done_on = ? WHERE id = ? AND owner = ?",
                         (today.isoformat(), action_id, self.owner))
        return self.action(action_id)

    def action(self, action_id: int) -> Action:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM actions WHERE id = ? AND owner = ?",
                               (action_id, self.owner)).fetchone()
        if row is None:
            raise WorkspaceError(f"no open item {action_id} in your mentor log")
        return _action(row)

    def actions(self, name: str, *, open_only: bool = True) -> list[Action]:
        mentor = self.get(name)
        sql = "SELECT * FROM actions WHERE owner = ? AND mentor_id = ?"
        if open_only:
            sql += " AND done_on IS NULL"
        with self.db.read() as conn:
            rows = conn.execute(sql + " ORDER BY COALESCE(due_by, '9999'), id",
                                (self.owner, mentor.id)).fetchall()
        return [_action(row) for row in rows]


def _text(value: object, limit: int = FIELD_CHARS) -> str:
    return clean_user_text(str(value or "")).strip()[:limit]


def _name(value: object) -> str:
    return " ".join(_text(value, 200).split())


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    value = str(value or "").strip().lower()
    if value not in allowed:
        raise WorkspaceError(f"the {what} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _mentor(row: sqlite3.Row) -> Mentor:
    return Mentor(row["id"], row["name"], row["how_met"], row["wants"], row["created_at"])


def _contact(row: sqlite3.Row) -> Contact:
    return Contact(row["id"], row["mentor_id"], date.fromisoformat(row["on_date"]),
                   row["channel"], row["asked"], _bool(row["replied"]), row["advice"],
                   row["outcome"], _bool(row["outcome_good"]), row["note_kind"])


def _action(row: sqlite3.Row) -> Action:
    return Action(row["id"], row["mentor_id"], row["text"], _day(row["due_by"]),
                  _day(row["done_on"]), row["contact_id"])
