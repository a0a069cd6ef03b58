"""The user's context split into the parts a note needs: how you know them, who you are, what
you want, what happened, what you'll do next — each worded for the mentee's own voice.

Pure pattern work on user text (data, never instructions); anything it cannot place stays in
`other`, as the user wrote it, so nothing they typed is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach.drafts.wording import _AREAS_ONLY, _as_clause

_CLAUSES = re.compile(r"(?<=[a-z0-9)])[.!;]\s+|\s+[—–]\s+|;\s*|,?\s+and\s+(?=(?:I\b|I['’]|"
                      r"want|would\s+like|need|hope|am\s+hoping|plan)\b)|,\s+(?=I\b|I['’])")
_MET = re.compile(r"^(?:we|I)\s+(?:first\s+)?met\s+(?:you\s+)?(?P<where>(?:at|during|through|"
                  r"in|on|via|over|after)\b.+)$", re.I)
_HEARD = re.compile(r"^I\s+(?:saw|heard|watched)\s+(?:you|your)\s+(?:speak|talk|present|"
                    r"panel|keynote)\w*\s+(?P<where>(?:at|during|on|in)\b.+)$", re.I)
_INTRODUCED = re.compile(r"^(?P<who>(?:my\s+|our\s+)?[\w .'’-]{2,40}?)\s+(?:introduced\s+us|"
                         r"suggested\s+(?:that\s+)?I\s+(?:contact|reach\s+out\s+to|write\s+to|"
                         r"get\s+in\s+touch\s+with)\s+you)\b(?P<rest>.*)$", re.I)
_ABOUT_ME = re.compile(r"^I(?:['’]m|\s+am)\s+(?:a|an|the|currently|now|new)\b|^I\s+work\s+"
                       r"(?:as|at|in|on|for)\b|^I['’]ve\s+been\s+(?:working|a|an)\b", re.I)
_WANT = re.compile(r"^(?:I\s+)?(?:want|would\s+like|['’]d\s+like|need|am\s+hoping\s+for|"
                   r"hope\s+for)\s+(?:some\s+|your\s+)?(?:guidance|help|advice|perspective|"
                   r"input|thoughts|pointers|insights?)\s+(?:with|on|about|in|around|"
                   r"regarding)\s+(?P<areas>.+)$", re.I)
_NEXT = re.compile(r"^(?:next,?\s+|now\s+)?I(?:['’]ll|\s+will|\s+plan\s+to|\s+am\s+going\s+to|"
                   r"['’]m\s+going\s+to|\s+start\b|['’]m\s+starting\b)", re.I)

_PERSONAL = re.compile(r"\b(?:I|I['’]\w+|me|my|we|us|our|you|your|she|he|her|him|his|they|them|"
                       r"their)\b", re.I)


@dataclass
class Parts:
    """The context's parts, each ready to drop into a note (None when the user did not say)."""

    met: str | None = None  # "It was great to meet you at the design meetup last month."
    about_me: str | None = None  # "I'm a junior analyst at Acme."
    want: str | None = None  # "moving into UX leadership" (what they'd value guidance on)
    next_step: str | None = None  # "I'll start the new role in May."
    other: list[str] = field(default_factory=list)  # the rest, each a finished sentence

    def intro_sentences(self) -> list[str]:
        """Who you are and anything else said, in the order a first note tells them."""
        return [s for s in (self.about_me, *self.other) if s]


def parse_context(ctx: str) -> Parts:
    """Split `ctx` (already addressed to the recipient) into the parts of a note."""
    parts = Parts()
    for clause in (c.strip(" ,") for c in _CLAUSES.split(ctx.strip().rstrip(".!"))):
        if not clause:
            continue
        if parts.met is None and (met := _met_sentence(clause)):
            parts.met = met
        elif parts.want is None and (want := _want_areas(clause)):
            parts.want = want
        elif parts.about_me is None and _ABOUT_ME.match(clause):
            parts.about_me = _as_clause(clause)
        elif parts.want is None and not _PERSONAL.search(clause):
            parts.want = clause  # a bare topic: "public speaking and negotiating salary"
        elif parts.next_step is None and _NEXT.match(clause):
            parts.next_step = _as_clause(clause)
        else:
            parts.other.append(_as_clause(clause))
    return parts


def _met_sentence(clause: str) -> str | None:
    """ "We met at the design meetup" -> "It was great to meet you at the design meetup." """
    if match := _MET.match(clause):
        return f"It was great to meet you {match['where'].rstrip('.!')}."
    if match := _HEARD.match(clause):
        return f"I really enjoyed hearing you speak {match['where'].rstrip('.!')}."
    if match := _INTRODUCED.match(clause):
        who = match["who"].strip()
        who = who if re.match(r"^(?:my|our)\b", who, re.I) or who[:1].isupper() else f"my {who}"
        return f"{who[:1].upper()}{who[1:]} suggested I get in touch with you{match['rest']}."
    return None


def _want_areas(clause: str) -> str | None:
    """What the mentee wants guidance on, or None when the clause is not such a wish."""
    for pattern in (_WANT, _AREAS_ONLY):
        match = pattern.match(clause)
        if match:
            return match["areas"].strip().rstrip(".;,:?!")
    return None
