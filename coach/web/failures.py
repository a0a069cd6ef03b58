"""What a user sees when something fails: our own errors as they are, anything else an apology.

The one place that decides which exceptions are user-facing, so every tab and endpoint of the
page reports failures the same way (the traceback of an unexpected one goes to the console).
"""

from __future__ import annotations

import logging

from coach.errors import CoachError

log = logging.getLogger("coach.web")
APOLOGY = ("Sorry, something went wrong on the server (details are in its console). "
           "Please try again.")


def user_message(exc: BaseException) -> str:
    """The message a user sees for `exc`; only user-facing errors say more than 'sorry'."""
    return str(exc) if isinstance(exc, CoachError) else APOLOGY


def shown(exc: BaseException) -> str:
    """Log an unexpected failure with its traceback; return the message to show the user."""
    if not isinstance(exc, CoachError):
        log.error("unexpected failure", exc_info=exc)
    return user_message(exc)
