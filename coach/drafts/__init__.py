"""Email drafts (outreach, meeting, thank-you, back-off, follow-up) built from the guidance.

The package's rooms: `kinds` (the kinds and their aliases), `requests` (draft requests in
chat), `context` (the user's context split into a note's parts), `wording` (those parts worded
for the recipient), `facts` (the concrete detail of a guidance sentence), `steps` (what the
library says to do in each kind of note), `guidance` (the points a draft shows), `compose`
(`compose_draft`), `checks` (`check_draft`, the properties tests and `coach eval` need),
`review` (`check_email`: "check my draft") and `phrasing` (an LLM phrasing the same steps).
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
from coach.drafts.requests import (
    PERSON_NAME,
    DraftRequest,
    asks_for_other_writing,
    parse_draft_request,
)
from coach.drafts.review import check_email
from coach.errors import DraftError

__all__ = [
    "KINDS", "MAX_CONTEXT_CHARS", "MAX_NAME_CHARS", "NO_GUIDANCE", "OUTREACH_MAX_WORDS",
    "PERSON_NAME", "DraftError", "DraftRequest", "Retrieve", "check_draft", "check_email",
    "asks_for_other_writing", "compose_draft", "normalize_kind", "parse_draft_request",
]
