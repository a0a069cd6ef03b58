"""The workspace database: one SQLite file, its schema version, its migrations, its connections.

Why SQLite from the standard library: the workspace is one person's (or a few people's) notes
on one machine, written a few times a second at most (a streaming reply is saved every half
second), and SQLite gives transactions, foreign keys and crash safety with no server to run.
WAL mode lets the page read while a reply is being saved and lets `coach` commands run while
the app is up. Each thread keeps its own connection (Gradio's workers never share one; the
app and the CLI are separate processes): opening one per operation measured 2 ms, and closing
the last one checkpoints the WAL, which made each save of a streaming reply cost 33 ms instead
of about 0.05 ms.

Migrations are numbered lists of statements, applied in order inside one `BEGIN IMMEDIATE`
transaction each, and recorded in `schema_version`; a database written by a newer release is
refused with a message instead of being half-understood. Never edit a released migration:
append a new one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from coach.errors import WorkspaceError

FILE_NAME = "workspace.sqlite3"
LOCAL_OWNER = "local"
# Seconds a writer waits for another writer (the app and a CLI command) before giving up.
BUSY_TIMEOUT_S = 10.0

Migration = Sequence[str]

# Every row names its owner. Child rows repeat the owner and point at (id, owner) of their
# parent, so the database itself refuses a message, contact or action filed under another
# user's conversation or mentor.
MIGRATIONS: tuple[Migration, ...] = (
    (  # 1: conversations, the mentor log, feedback and the questions the guidance missed
        """CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL CHECK (owner <> ''),
            title TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (id, owner)
        )""",
        "CREATE INDEX conversations_by_owner ON conversations (owner, updated_at)",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            owner TEXT NOT NULL,
            position INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            content TEXT NOT NULL,
            complete INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1)),
            kind TEXT,
            notice TEXT,
            query TEXT,
            confidence REAL,
            sources TEXT NOT NULL DEFAULT '[]',
            draft TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (conversation_id, position),
            FOREIGN KEY (conversation_id, owner) REFERENCES conversations (id, owner)
                ON DELETE CASCADE
        )""",
        """CREATE TABLE mentors (
            id INTEGER PRIMARY KEY,
            owner TEXT NOT NULL CHECK (owner <> ''),
            name TEXT NOT NULL CHECK (name <> ''),
            how_met TEXT NOT NULL DEFAULT '',
            wants TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (owner, name COLLATE NOCASE),
            UNIQUE (id, owner)
        )""",
        """CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            mentor_id INTEGER NOT NULL,
            owner TEXT NOT NULL,
            on_date TEXT NOT NULL CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            channel TEXT NOT NULL,
            asked TEXT NOT NULL DEFAULT '',
            replied INTEGER CHECK (replied IN (0, 1)),
            advice TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL DEFAULT '',
            outcome_good INTEGER CHECK (outcome_good IN (0, 1)),
            note_kind TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (id, owner),
            FOREIGN KEY (mentor_id, owner) REFERENCES mentors (id, owner) ON DELETE CASCADE
        )""",
        "CREATE INDEX contacts_by_mentor ON contacts (mentor_id, on_date)",
        """CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            mentor_id INTEGER NOT NULL,
            owner TEXT NOT NULL,
            contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
            text TEXT NOT NULL CHECK (text <> ''),
            due_by TEXT,
            done_on TEXT,
            created_at TEXT NOT NULL,
            FOREIGN KEY (mentor_id, owner) REFERENCES mentors (id, owner) ON DELETE CASCADE
        )""",
        "CREATE INDEX actions_by_mentor ON actions (mentor_id, done_on)",
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            owner TEXT NOT NULL CHECK (owner <> ''),
            message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
            rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
            comment TEXT NOT NULL DEFAULT '',
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            sources TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        )""",
        "CREATE UNIQUE INDEX feedback_per_message ON feedback (message_id) "
        "WHERE message_id IS NOT NULL",
        """CREATE TABLE unanswered (
            id INTEGER PRIMARY KEY,
            owner TEXT NOT NULL CHECK (owner <> ''),
            message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
            question TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (reason IN ('refusal', 'low-confidence')),
            confidence REAL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX unanswered_by_owner ON unanswered (owner, created_at)",
    ),
)

VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
)"""


def utc_now() -> str:
    """A UTC timestamp to the millisecond, ISO 8601: sorts as text, orders quick saves."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def check_owner(owner: str) -> str:
    """The owner name as stored; empty or very long names are refused (they are login names)."""
    owner = (owner or "").strip()
    if not owner or len(owner) > 200:
        raise WorkspaceError("a workspace belongs to a user: give a user name of 1 to 200 "
                             f"characters, not {owner[:40]!r}")
    return owner


class Database:
    """The workspace file `path`, migrated to the latest schema when opened.

    `migrations` and `clock` are parameters so tests can add a migration or fix the time.
    """

    def __init__(self, path: Path | str, *, migrations: Sequence[Migration] = MIGRATIONS,
                 clock: Callable[[], str] = utc_now) -> None:
        self.path = Path(path)
        self.migrations = tuple(migrations)
        self.now = clock
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create the folder for the workspace database "
                                 f"{self.path}: {exc.strerror or exc}; set COACH_DATA_DIR to a "
                                 "writable folder") from None
        with self._converted():
            conn = self._connection()
            conn.execute("PRAGMA journal_mode = WAL")
            self._migrate(conn)

    @property
    def version(self) -> int:
        with self.read() as conn:
            return _current_version(conn)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading (each statement sees committed data)."""
        with self._converted():
            yield self._connection()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._converted():
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def close(self) -> None:
        """Close every thread's connection (the next operation opens a new one)."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._opened_lock:
                self._opened.append(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        # check_same_thread=False only so `close()` can close it; one thread uses each.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        # After a crash of the app, WAL with NORMAL keeps every committed transaction; only a
        # power loss can cost the last few, which is the right trade for chat history.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.create_function("casefold", 1, _casefold, deterministic=True)
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute(VERSION_TABLE)
        current = _current_version(conn)
        if current > len(self.migrations):
            raise WorkspaceError(
                f"the workspace database {self.path} is at schema version {current}, newer "
                f"than this Mentee Coach understands ({len(self.migrations)}); upgrade the "
                "coach, or point COACH_DATA_DIR elsewhere")
        for version, statements in enumerate(self.migrations, start=1):
            if version <= current:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have migrated while we waited for the write lock.
                if _current_version(conn) >= version:
                    conn.rollback()
                    continue
                for statement in statements:
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                             (version, self.now()))
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    @contextmanager
    def _converted(self) -> Iterator[None]:
        """Turn SQLite's own failures (locked, read-only, not a database) into a user error."""
        try:
            yield
        except sqlite3.IntegrityError:
            raise  # the caller's business: it knows which rule was broken
        except sqlite3.OperationalError as exc:
            raise WorkspaceError(_operational_message(self.path, exc)) from None
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"{self.path} is not a usable workspace database ({exc}); "
                                 "move it aside and the coach starts a new one") from None


def _current_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _casefold(text: object) -> str:
    return str(text or "").casefold()


def _operational_message(path: Path, exc: sqlite3.OperationalError) -> str:
    reason = str(exc)
    if "readonly" in reason or "read-only" in reason:
        return (f"the workspace database {path} is read-only; make it (and its folder) "
                "writable or set COACH_DATA_DIR to a writable folder")
    if "locked" in reason or "busy" in reason:
        return (f"the workspace database {path} stayed locked by another process for "
                f"{BUSY_TIMEOUT_S:.0f} s; try again, and keep it off network file systems")
    if "unable to open" in reason:
        return (f"cannot open the workspace database {path}; check that its folder exists "
                "and is writable, or set COACH_DATA_DIR")
    return f"the workspace database {path} failed: {reason}"
