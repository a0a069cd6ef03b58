"""What a user sees when something fails: our own errors as they are, anything else an apology.

The one place that decides which exceptions are user-facing, so every tab and endpoint of the
page reports failures the same way (the traceback of an unexpected one goes to the console).
"""

from __future__ import annotations

import sys
import traceback

from coach.drafts import DraftError
from coach.errors import CoachError
from coach.settings import SettingsError
from coach.store import StoreError
from ingest.loaders import LoadError
from ingest.uploads import UploadRejected

# Until every user-facing error derives from CoachError, the older ones are listed here too.
USER_FACING: tuple[type[BaseException], ...] = (
    CoachError, StoreError, DraftError, SettingsError, UploadRejected, LoadError)
APOLOGY = ("Sorry, something went wrong on the server (details are in its console). "
           "Please try again.")


def user_message(exc: BaseException) -> str:
    """The message a user sees for `exc`; only user-facing errors say more than 'sorry'."""
    return str(exc) if isinstance(exc, USER_FACING) else APOLOGY


def shown(exc: BaseException) -> str:
    """Log an unexpected failure with its traceback; return the message to show the user."""
    if not isinstance(exc, USER_FACING):
        traceback.print_exception(exc, file=sys.stderr)
    return user_message(exc)
