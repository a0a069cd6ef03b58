"""The silence clock: from the mentor log and the guidance, what is due with each mentor.

Three general rules, each resting on a passage the library's retriever finds for a question
asked in general terms (never a phrase from one document):

- **back-off** — N contacts in a row without a reply (N read from the passage when it states a
  count such as "two unanswered messages", else 2) → a back-off note. Nothing more is due for
  that mentor once a back-off note is in the run: the next move is theirs.
- **follow-up** — the latest contact is one where the mentor helped (advice logged) and the
  outcome was good, and nothing has been logged since → a follow-up telling them.
- **check-in** — the mentor has answered before, and nothing has been logged for G days (G read
  from a passage stating a rhythm such as "every month", else 42) → a check-in note.

At most one item per mentor, in that order of precedence. Each item carries the passage, the
rule with its threshold and where the threshold came from, and a draft from the coach's
`draft(kind, to, context, sender)` (or why there is none).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from coach.errors import CoachError
from coach.results import Draft, Passage
from coach.text import split_sentences
from coach.vocabulary import DueKind
from coach.workspace.mentors import Contact, Mentor

Retrieve = Callable[[str], list[Passage]]
DraftMaker = Callable[[str, str, str, str | None], Draft]

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "twelve": 12}
_NUMBER = r"(\d{1,2}|" + "|".join(NUMBER_WORDS) + ")"
# A count of things sent: "two unanswered messages", "3 follow-up emails", "twice".
_COUNT = re.compile(
    rf"\b{_NUMBER}\s+(?:[a-z'-]+\s+){{0,2}}?(?:messages?|e-?mails?|calls?|notes?|attempts?|"
    r"tries|times|voicemails?|follow-?ups?|reminders?|texts?)\b|\b(twice|thrice)\b", re.I)
# The same sentence must be about silence, or the count is about something else.
_SILENCE = re.compile(
    r"unanswered|unreturned|no (?:reply|response|answer)|without (?:a |any )?(?:reply|response|"
    r"answer)|(?:not|n't|never|stops?|stopped) (?:\w+ )?(?:reply|replying|replied|respond|"
    r"responding|responded|answer|answering|answered|return|returning|returned|hear|heard)|"
    r"silen|ignor|go(?:es|ne)? quiet|ghost", re.I)
# A rhythm of contact: "every two weeks", "once a month", "monthly".
_RHYTHM = re.compile(
    rf"\bevery\s+(?:{_NUMBER}\s+|(other)\s+)?(day|week|fortnight|month)s?\b|"
    r"\bonce (?:an?|per|every)\s+(day|week|fortnight|month|quarter)\b|"
    r"\b(weekly|fortnightly|monthly|quarterly)\b", re.I)
_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91, "weekly": 7,
              "fortnightly": 14, "monthly": 30, "quarterly": 91}
_IN_TOUCH = re.compile(r"touch|check[- ]in|contact|meet|catch up|update|talk|call|write|"
                       r"e-?mail|follow up", re.I)


@dataclass(frozen=True)
class Rule:
    """One general rule: the question put to the retriever and its default threshold."""

    kind: DueKind
    query: str
    default: int
    draft_kind: str


RULES: dict[DueKind, Rule] = {
    "back-off": Rule("back-off", "a mentor has not replied to several messages or stopped "
                     "returning calls: when to stop writing and back off", 2, "back-off"),
    "follow-up": Rule("follow-up", "let a mentor know how things turned out after they helped "
                      "you, and thank them", 0, "follow-up"),
    "check-in": Rule("check-in", "how often to keep in touch with a mentor between meetings",
                     42, "follow-up"),
}


@dataclass(frozen=True)
class Basis:
    """What a rule rests on here: its passage (None when the guidance has none) and threshold."""

    passage: Passage | None
    threshold: int
    stated: bool  # the threshold was read from the passage, not the default
    problem: str | None = None  # why the guidance could not be searched, if it could not


@dataclass
class DueItem:
    """Something due with one mentor, ready to act on."""

    kind: DueKind
    mentor: str
    message: str
    rule: str
    passage: Passage | None
    draft_kind: str
    draft: Draft | None
    draft_note: str | None
    since: date

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "since": self.since.isoformat()}


class Guidance:
    """Asks the retriever once per rule (lazily) and reads the rule's threshold off a passage."""

    def __init__(self, retrieve: Retrieve) -> None:
        self.retrieve = retrieve
        self._basis: dict[DueKind, Basis] = {}

    def basis(self, kind: DueKind) -> Basis:
        if kind not in self._basis:
            self._basis[kind] = self._find(RULES[kind])
        return self._basis[kind]

    def _find(self, rule: Rule) -> Basis:
        try:
            passages = list(self.retrieve(rule.query))
        except CoachError as exc:
            return Basis(None, rule.default, False, problem=str(exc))
        reader = THRESHOLD_READERS.get(rule.kind)
        if reader is not None:
            for passage in passages:
                found = reader(passage.text)
                if found is not None:
                    return Basis(passage, found, True)
        return Basis(passages[0] if passages else None, rule.default, False)


def unanswered_count(text: str) -> int | None:
    """The count in the first sentence that speaks of silence and counts attempts (1–10)."""
    for sentence in split_sentences(text):
        if not _SILENCE.search(sentence):
            continue
        for match in _COUNT.finditer(sentence):
            word = (match.group(1) or match.group(2)).lower()
            n = {"twice": 2, "thrice": 3}.get(word) or NUMBER_WORDS.get(word) or int(word)
            if 1 <= n <= 10:
                return n
    return None


def rhythm_days(text: str) -> int | None:
    """Days between contacts in the first sentence stating a rhythm of keeping in touch (7–365)."""
    for sentence in split_sentences(text):
        if not _IN_TOUCH.search(sentence):
            continue
        for match in _RHYTHM.finditer(sentence):
            number, other, unit, once_unit, adverb = match.groups()
            unit = (unit or once_unit or adverb).lower()
            if other:
                count = 2
            elif number:
                count = NUMBER_WORDS.get(number.lower()) or int(number)
            else:
                count = 1
            days = count * _UNIT_DAYS[unit]
            if 7 <= days <= 365:
                return days
    return None


# Which rule reads its threshold off a passage, and how.
THRESHOLD_READERS: dict[str, Callable[[str], int | None]] = {
    "back-off": unanswered_count, "check-in": rhythm_days}


def due_items(log: Sequence[tuple[Mentor, Sequence[Contact]]], *, today: date,
              retrieve: Retrieve, draft: DraftMaker, sender: str | None = None) -> list[DueItem]:
    """What is due with each mentor on `today`, back-offs first, then follow-ups, check-ins."""
    guidance = Guidance(retrieve)
    items = []
    for mentor, contacts in log:
        ordered = sorted(contacts, key=lambda c: (c.on_date, c.id))
        item = _back_off(mentor, ordered, today, guidance)
        if item is None and not _backed_off(ordered):
            item = (_follow_up(mentor, ordered, today, guidance)
                    or _check_in(mentor, ordered, today, guidance))
        if item is not None:
            items.append(_with_draft(item, draft, sender))
    order = {kind: i for i, kind in enumerate(RULES)}
    return sorted(items, key=lambda i: (order[i.kind], i.since, i.mentor.lower()))


def unanswered_run(contacts: Sequence[Contact]) -> list[Contact]:
    """The latest contacts, oldest first, that went unanswered in a row."""
    run: list[Contact] = []
    for contact in reversed(contacts):
        if not contact.unanswered:
            break
        run.append(contact)
    return run[::-1]


def _backed_off(contacts: Sequence[Contact]) -> bool:
    return any(c.note_kind == "back-off" for c in unanswered_run(contacts))


def _back_off(mentor: Mentor, contacts: Sequence[Contact], today: date,
              guidance: Guidance) -> _Pending | None:
    run = unanswered_run(contacts)
    if not run or _backed_off(contacts):
        return None
    basis = guidance.basis("back-off")
    if len(run) < basis.threshold:
        return None
    first = run[0].on_date
    when = "today" if first >= today else f"in {span(first, today)}"
    message = (f"You have written to {mentor.name} {times(len(run))} {when} without a reply: "
               "time to back off; here is a back-off note.")
    rule = f"{basis.threshold} unanswered contacts in a row → back off"
    context = (f"I have written {times(len(run))} since {first:%d %B %Y} without a reply; "
               "I don't want to add to a busy schedule")
    return _Pending("back-off", mentor, message, _rule_text(rule, basis), basis, context, first)


def _follow_up(mentor: Mentor, contacts: Sequence[Contact], today: date,
               guidance: Guidance) -> _Pending | None:
    if not contacts:
        return None
    last = contacts[-1]
    if not (last.outcome_good and last.advice):
        return None
    basis = guidance.basis("follow-up")
    topic = f" with “{last.asked}”" if last.asked else ""
    outcome = f"; the outcome: “{last.outcome}”" if last.outcome else ""
    message = (f"{mentor.name} helped{topic} {ago(last.on_date, today)}{outcome}. Time for a "
               f"follow-up telling {mentor.name} how it turned out.")
    rule = "a mentor helped, the outcome was good and nothing was logged since → follow up"
    help_text = last.asked or last.advice
    context = (f"you helped me with {help_text} on {last.on_date:%d %B %Y}; "
               f"{last.outcome or 'it went well'}")
    return _Pending("follow-up", mentor, message, _rule_text(rule, basis, threshold=False),
                    basis, context, last.on_date)


def _check_in(mentor: Mentor, contacts: Sequence[Contact], today: date,
              guidance: Guidance) -> _Pending | None:
    if not any(c.answered for c in contacts):
        return None  # no relationship yet to check in on
    last = contacts[-1]
    gap = (today - last.on_date).days
    basis = guidance.basis("check-in")
    if gap < basis.threshold:
        return None
    message = (f"Your last contact with {mentor.name} was {ago(last.on_date, today)} "
               f"({last.on_date.isoformat()}): time for a check-in.")
    rule = f"no contact for {days_words(basis.threshold)} → check in"
    context = (f"it has been {span(last.on_date, today)} since we were last in touch and I "
               "would like to catch up" + (f" on {mentor.wants}" if mentor.wants else ""))
    return _Pending("check-in", mentor, message, _rule_text(rule, basis), basis, context,
                    last.on_date)


@dataclass
class _Pending:
    kind: DueKind
    mentor: Mentor
    message: str
    rule: str
    basis: Basis
    context: str
    since: date


def _with_draft(item: _Pending, draft: DraftMaker, sender: str | None) -> DueItem:
    kind = RULES[item.kind].draft_kind
    made, note = None, None
    try:
        made = draft(kind, item.mentor.name, item.context, sender)
    except CoachError as exc:
        note = str(exc)
    return DueItem(item.kind, item.mentor.name, item.message, item.rule, item.basis.passage,
                   kind, made, note, item.since)


def _rule_text(rule: str, basis: Basis, *, threshold: bool = True) -> str:
    if basis.problem:
        return f"{rule} (the coach's default: the guidance could not be searched — " \
               f"{basis.problem})"
    if basis.passage is None:
        return f"{rule} (the coach's default: no passage in your guidance covers this)"
    if not threshold:
        return f"{rule}, as the passage below advises"
    source = "the number the passage below gives" if basis.stated else \
        "the coach's default; the passage below gives no number"
    return f"{rule} ({source})"


def times(n: int) -> str:
    """1 → "once", 2 → "twice", 3 → "three times"."""
    return {1: "once", 2: "twice"}.get(n) or f"{number_word(n)} times"


def number_word(n: int) -> str:
    words = {v: k for k, v in NUMBER_WORDS.items()}
    return words.get(n, str(n))


def days_words(days: int) -> str:
    """A length of time as people say it: "10 days", "six weeks", "three months"."""
    if days < 14:
        return "one day" if days == 1 else f"{number_word(days)} days"
    if days < 60:
        weeks = round(days / 7)
        return f"{number_word(weeks)} weeks"
    months = round(days / 30)
    return f"{number_word(months)} months"


def span(start: date, today: date) -> str:
    days = (today - start).days
    return "the same day" if days <= 0 else days_words(days)


def ago(day: date, today: date) -> str:
    days = (today - day).days
    return "today" if days <= 0 else f"{days_words(days)} ago"
