"""The draft kinds and the aliases a user may type for them ("thanks", "backoff" ...)."""

from __future__ import annotations

import re

from coach.errors import DraftError
from coach.text import clean_user_text
from coach.vocabulary import DRAFT_KINDS, DraftKind

KINDS = DRAFT_KINDS  # defined once, in coach.vocabulary


_ALIASES: dict[str, DraftKind] = {
    "outreach": "outreach", "reach-out": "outreach", "reachout": "outreach", "intro": "outreach",
    "introduction": "outreach", "ask": "outreach", "request": "outreach", "cold": "outreach",
    "thank-you": "thank-you", "thankyou": "thank-you", "thanks": "thank-you", "thank": "thank-you",
    "thank-you-note": "thank-you", "gratitude": "thank-you",
    "back-off": "back-off", "backoff": "back-off", "back-away": "back-off", "step-back": "back-off",
    "follow-up": "follow-up", "followup": "follow-up", "update": "follow-up",
    "outcome": "follow-up",
    "meeting": "meeting", "meeting-request": "meeting", "first-meeting": "meeting",
    "agenda": "meeting", "meet": "meeting",
}


def normalize_kind(kind: str) -> DraftKind:
    """The canonical kind for an alias ("Thank you", "thanks", "backoff" ...); else DraftError."""
    key = re.sub(r"[\s_]+", "-", clean_user_text(kind or "").strip().lower())
    key = re.sub(r"-?(note|email|e-mail|message|letter)$", "", key).strip("-")
    if key in _ALIASES:
        return _ALIASES[key]
    if key.replace("-", "") in _ALIASES:
        return _ALIASES[key.replace("-", "")]
    shown = f"{kind!r} is not a kind I know. " if key else ""
    raise DraftError(f"{shown}Which kind of note should I draft? Choose one of: "
                     f"{', '.join(KINDS)}.")
