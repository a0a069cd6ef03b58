"""The concrete step a guidance sentence gives: a duration, a channel, a count, a time span ...

Pure pattern extraction over one sentence, written for guidance in general (any handbook's
"30-minute video call", "15 minutes on the phone", "within a month", "tell your line manager"),
never for one document's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = (r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|"
           r"thirty|forty|forty-five|sixty|a\s+couple\s+of|a\s+few|several)")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30,
            "forty": 40, "forty-five": 45, "sixty": 60}
_DURATION = re.compile(rf"\b(?P<n>{_NUMBER})(?:\s*-\s*|\s+)(?P<unit>minutes?|mins?|hours?|hr)\b",
                       re.I)
_HALF_HOUR = re.compile(r"\b(?:half[\s-]an?[\s-]hour|half-hour)\b", re.I)
# Most specific first: "video call" before "call".
_CHANNELS = (
    ("video call", r"video[\s-]?(?:call|chat|meeting)|zoom|teams\s+call|google\s+meet"),
    ("phone call", r"(?:tele)?phone[\s-]?(?:call|chat)|(?:on|by|over)\s+the\s+(?:tele)?phone|"
                   r"\bby\s+phone\b"),
    ("coffee", r"coffee"),
    ("lunch", r"lunch|breakfast"),
    ("email", r"e-?mail(?:s)?\s+(?:exchange|conversation)|by\s+e-?mail|over\s+e-?mail"),
    ("meeting", r"in[\s-]person\s+meeting|face[\s-]to[\s-]face"),
    ("call", r"\bcall\b|\bchat\b"),
)
_COUNT_OF = re.compile(rf"\b(?P<count>{_NUMBER}(?:\s+or\s+{_NUMBER})?)\s+"
                       r"(?:possible\s+|different\s+|short\s+|focused\s+|specific\s+)?"
                       r"(?P<what>questions?|"
                       r"topics?|slots?|times?|dates?|options?|points?|unanswered\s+"
                       r"(?:messages?|emails?|notes?))\b", re.I)
_SPAN = re.compile(rf"\b(?P<span>(?:within|after|for|in|wait(?:ing)?)\s+(?:about\s+)?(?:a|an|"
                   rf"{_NUMBER})\s+(?:days?|weeks?|months?|fortnight)|"
                   r"(?:on\s+)?the\s+(?:same\s+day|day\s+of\s+the\s+\w+|next\s+day)|"
                   r"(?:within|in)\s+(?:24|48)\s+hours)\b", re.I)
_IN_ADVANCE = re.compile(r"\b(?:in\s+advance|beforehand|ahead\s+of\s+(?:time|the\s+\w+)|"
                         r"before\s+the\s+(?:call|meeting|chat))\b", re.I)
_NEGATED = re.compile(r"\b(?:no\s+need|not\s+necessary|unnecessary|don['’]t|do\s+not|never|"
                      r"avoid|needn['’]t|there\s+is\s+no)\b", re.I)
_ROLE = (r"(?:programme|program|mentoring|scheme|cohort|line|team|people|hr)?\s*"
         r"(?:coordinator|co-ordinator|manager|lead|organi[sz]er|administrator|liaison|"
         r"director|office|team)")
_ESCALATE = re.compile(rf"\b(?:tell|inform|contact|notify|let|alert|email|write\s+to|talk\s+to|"
                       rf"speak\s+to|reach\s+out\s+to)\s+(?:your|the)\s+(?P<who>{_ROLE})"
                       r"(?:\s+know)?\b", re.I)
_NO_ESCALATE = re.compile(r"\bno\s+need\s+to\s+involve\b|\bdon['’]t\s+involve\b|"
                          r"\bkeep\s+(?:it\s+)?between\s+(?:the\s+two\s+of\s+)?you\b", re.I)


@dataclass(frozen=True)
class Facts:
    """The concrete details one guidance sentence gives (None/False when it gives none)."""

    duration: str | None = None  # "30-minute"
    channel: str | None = None  # "video call", "phone call", "coffee", "lunch", "email", "call"
    questions: str | None = None  # "two or three" (questions to send)
    in_advance: bool = False  # questions (or an agenda) sent before the meeting
    no_advance: bool = False  # the guidance says there is no need to send anything in advance
    slots: str | None = None  # "two or three" (possible times to offer)
    span: str | None = None  # "within a week", "three weeks"
    unanswered: str | None = None  # "two" (after two unanswered messages)
    escalate_to: str | None = None  # "programme coordinator"
    no_escalation: bool = False  # the guidance says to involve no one else

    @property
    def ask(self) -> str | None:
        """The meeting asked for, as a noun phrase: "a 30-minute video call", "a coffee"."""
        if not self.channel and not self.duration:
            return None
        channel = self.channel or "call"
        if channel in ("coffee", "lunch"):
            return f"a {self.duration} {channel}" if self.duration else f"a {channel}"
        if channel == "email":
            return "a short email exchange"
        return f"a {self.duration} {channel}" if self.duration else f"a short {channel}"

    def any(self) -> bool:
        return any(getattr(self, f) for f in self.__dataclass_fields__)


def extract(sentence: str) -> Facts:
    """The concrete details `sentence` states, by general patterns."""
    duration = _duration(sentence)
    channel = next((name for name, pattern in _CHANNELS
                    if re.search(pattern, sentence, re.I)), None)
    questions = slots = unanswered = None
    for match in _COUNT_OF.finditer(sentence):
        what = match["what"].lower()
        count = " ".join(match["count"].lower().split())
        if what.startswith("question") or what.startswith("topic") or what.startswith("point"):
            questions = questions or count
        elif what.startswith("unanswered"):
            unanswered = unanswered or count
        else:
            slots = slots or count
    ahead = _IN_ADVANCE.search(sentence)
    advance = ahead is not None and bool(
        re.search(r"\b(?:questions?|topics?|agenda|points?)\b", sentence, re.I))
    negated = ahead is not None and advance and bool(
        _NEGATED.search(sentence[: ahead.start()]))
    escalate = _ESCALATE.search(sentence)
    span = _SPAN.search(sentence)
    return Facts(
        duration=duration, channel=channel, questions=None if negated else questions,
        in_advance=advance and not negated, no_advance=negated, slots=slots,
        span=_tidy_span(span["span"]) if span else None, unanswered=unanswered,
        escalate_to=" ".join(escalate["who"].lower().split()) if escalate else None,
        no_escalation=bool(_NO_ESCALATE.search(sentence)))


def _duration(sentence: str) -> str | None:
    match = _DURATION.search(sentence)
    if match:
        n = match["n"].lower()
        number = n if n.isdigit() else str(_NUMBERS.get(n, n))
        unit = "hour" if match["unit"].lower().startswith("h") else "minute"
        return f"{number}-{unit}"
    return "30-minute" if _HALF_HOUR.search(sentence) else None


def _tidy_span(span: str) -> str:
    span = " ".join(span.split())
    return re.sub(r"^wait(?:ing)?\s+", "", span, flags=re.I)
