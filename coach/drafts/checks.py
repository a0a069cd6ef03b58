"""The properties a draft of each kind must show (for tests and `coach eval`)."""

from __future__ import annotations

import re

from coach.drafts.compose import OUTREACH_MAX_WORDS
from coach.drafts.context import parse_context
from coach.drafts.kinds import normalize_kind
from coach.drafts.wording import (
    _address,
    _first_name,
    _one_line,
    _split_outcome,
    _split_topic,
    _thanks_object,
    is_role,
)
from coach.results import Draft

_QUESTION = re.compile(r"\?")
_DEADLINE = re.compile(
    r"\b(?:by\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|"
    r"the\s+end|end\s+of|next|eod|cob)|asap|as\s+soon\s+as\s+possible|deadline|urgent(?:ly)?|"
    r"today|tomorrow|this\s+week|waiting|haven't\s+heard|still\s+waiting|any\s+update|"
    r"remind(?:er)?|following\s+up\s+again)\b", re.I)
_NEW_REQUEST = re.compile(r"\b(?:could|would|can|will)\s+you\b|\bplease\s+let\s+me\s+know\b|"
                          r"\blet\s+me\s+know\s+if\b|\bi\s+was\s+wondering\b|\bfavou?r\b", re.I)
_BIG_ASK = re.compile(r"\bbe\s+my\s+mentor\b|\bmentor\s+me\b|\blong[\s-]term\b|\blifelong\b|"
                      r"\bongoing\b|\bcommit(?:ment)?\b|\bevery\s+week\b|\bweekly\b|"
                      r"\bregular(?:ly)?\s+(?:meet|call|check)", re.I)


def check_draft(draft: Draft, context: str) -> dict[str, bool]:
    """The properties a draft of its kind must show, each True/False (for tests and `coach eval`).

    Wording checks look at the note minus the user's context, so what the user typed cannot
    make a draft pass or fail.
    """
    kind = normalize_kind(draft.kind)
    ctx = _address(_one_line(context), draft.to)
    body = draft.body
    own = body.replace(ctx, " ")
    named = is_role(draft.to) or _first_name(draft.to) in body.split("\n", 1)[0]
    structure = bool(draft.subject.strip()) and named
    checks: dict[str, bool] = {"has_subject_and_greeting": structure}
    if kind == "outreach":
        checks.update(
            short=len(body.split()) <= OUTREACH_MAX_WORDS,
            introduces_sender=bool(re.search(r"\bmy name is\b|\breaching out\b", own, re.I)),
            names_areas=_names_what_they_want(ctx, body),
            small_ask=bool(re.search(r"\b(?:coffee|lunch|short\s+(?:\d+-minute\s+)?call|"
                                     r"quick\s+call|\d+-minute)\b", own, re.I))
            and "?" in own,
            easy_to_say_no=bool(re.search(r"no worries|completely understand|isn't a good time|"
                                          r"no pressure|totally fine", own, re.I)),
            no_big_commitment=not _BIG_ASK.search(own),
        )
    elif kind == "thank-you":
        what, outcome = _split_outcome(ctx)
        checks.update(
            thanks=bool(re.search(r"\bthank", own, re.I)),
            specific=_says_what_they_did(what or ctx, body),
            tells_outcome=(outcome.rstrip(".!") in body) if outcome else
            bool(re.search(r"let you know how (?:it|things) turns? out", own, re.I)),
            no_new_request=not _QUESTION.search(own) and not _NEW_REQUEST.search(own),
        )
    elif kind == "back-off":
        checks.update(
            thanks=bool(re.search(r"\bthank", own, re.I)),
            no_pressure=not _QUESTION.search(own) and not _DEADLINE.search(own),
            offers_reconnect=bool(re.search(r"when(?:ever)? you(?:'re| are) ready|back in touch|"
                                            r"reconnect", own, re.I)),
        )
    elif kind == "meeting":
        checks.update(
            asks_for_a_meeting=bool(re.search(r"\b(?:would|could|can)\b[^.?]*\b(?:call|meeting|"
                                              r"coffee|lunch|chat|meet)\b[^.?]*\?", own, re.I)),
            names_topics=_names_what_they_want(ctx, body),
            offers_times=bool(re.search(r"\btimes?\b|\bsuits?\b|\bschedule\b", own, re.I)),
            thanks=bool(re.search(r"\bthank", own, re.I)),
        )
    else:
        topic, outcome = _split_topic(ctx)
        checks.update(
            tells_outcome=bool(outcome and outcome.rstrip(".!") in body),
            credits_their_help=bool(re.search(r"\byour (?:advice|help|guidance|support|input)\b|"
                                              r"\bthe part you played\b", own, re.I)),
            thanks=bool(re.search(r"\bthank", own, re.I)),
        )
    return checks


def _names_what_they_want(ctx: str, body: str) -> bool:
    """The note names what the mentee wants guidance on (or else keeps what they told)."""
    parts = parse_context(ctx)
    if parts.want:
        return parts.want in body
    said = [s.rstrip(".!?") for s in (parts.met, *parts.intro_sentences()) if s]
    return bool(said) and all(s in body for s in said)


def _says_what_they_did(what: str, body: str) -> bool:
    """The note names what the user said they did, as typed or as a thanks ("for referring
    me to ..." for "you referred me to ...")."""
    what = what.strip().rstrip(".;,:?!")
    said = [what, _thanks_object(what) or what]
    return any(s.lower() in body.lower() for s in said)
