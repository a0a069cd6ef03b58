"""The one base class for failures a user can act on: its message is shown as it is."""

from __future__ import annotations


class CoachError(Exception):
    """A problem the user can fix (bad input, unusable store, bad setting).

    Its message names what is wrong and what to do, so front ends show it verbatim (the CLI as
    one `Error:` line, the web page as a warning). Anything that is not a `CoachError` is a bug:
    front ends log its traceback and show a generic apology instead.
    """
