"""The errors a user can fix: one base, `CoachError`, whose message is for the user.

Every face (the CLI, the web page) shows a `CoachError`'s message as it is and shows anything
else as a generic apology with the traceback in the log: a message meant for a person must say
what is wrong and how to fix it, and a bug's message says neither. The subclasses live here so
that a face can catch them without importing the heavy module (Chroma, torch) that raises
them; each is also importable from its old home (`from coach.store import StoreError`).
"""

from __future__ import annotations

from pathlib import Path


class CoachError(Exception):
    """A problem the user can fix; `str(exc)` is shown to them and names the fix."""


class SettingsError(CoachError):
    """A setting has a value the coach cannot use; the message names the variable."""


class StoreError(CoachError):
    """The store cannot be opened or used; the message names the path and the fix."""


class IngestBusyError(StoreError):
    """Another ingest holds the lock on this data dir."""


class LoadError(CoachError):
    """A file cannot be ingested; `str()` is one line naming the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.path}: {self.reason}")


class UploadRejected(CoachError):
    """An uploaded file was refused before ingest; the message is the reason shown to the user."""


class DraftError(CoachError):
    """A draft request the coach cannot fill; the message tells the user what to change."""


class EvalSetError(CoachError):
    """The labelled evaluation set cannot be read; the message names the file and line."""


class GeneratorUnavailable(CoachError):
    """The generator cannot answer (down, refused, too slow, garbled); the message is for users."""


class WorkspaceError(CoachError):
    """The mentee's workspace (conversations, mentor log, feedback) cannot be used as asked.

    The message names what is wrong — a database file that cannot be opened, a conversation or
    mentor that does not exist for this user, a date that is not an ISO date — and the fix.
    """
