"""Email drafts (outreach, thank-you, back-off, follow-up): fixed structures citing the guidance.

The package's rooms: `kinds` (the kinds and their aliases), `requests` (draft requests in
chat), `wording` (the user's context worded into the note), `guidance` (the guidance points a
kind follows), `compose` (the per-kind structures, `compose_draft`) and `checks` (`check_draft`).
"""

from coach.drafts.checks import check_draft
from coach.drafts.compose import (
    MAX_CONTEXT_CHARS,
    MAX_NAME_CHARS,
    NO_GUIDANCE,
    OUTREACH_MAX_WORDS,
    compose_draft,
)
from coach.drafts.guidance import Retrieve
from coach.drafts.kinds import KINDS, normalize_kind
from coach.drafts.requests import DraftRequest, parse_draft_request
from coach.errors import DraftError

__all__ = [
    "KINDS", "MAX_CONTEXT_CHARS", "MAX_NAME_CHARS", "NO_GUIDANCE", "OUTREACH_MAX_WORDS",
    "DraftError", "DraftRequest", "Retrieve", "check_draft", "compose_draft", "normalize_kind",
    "parse_draft_request",
]
