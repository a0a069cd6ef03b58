"""Meeting prep and debrief: an agenda with every point cited, and a debrief that becomes the log.

The agenda has three parts: the mentee's goals for this mentor (their own words from the log),
the open items still on the log, and what the guidance says a first or next meeting should
cover — found by asking the retriever in general terms, with sentences picked by the caller's
`select` (the coach's composer) or, without one, by shared words (`lexical_select`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from coach.errors import CoachError, WorkspaceError
from coach.results import Draft, Passage
from coach.text import content_words, split_sentences
from coach.workspace.mentors import Action, Contact, Mentor, MentorLog, parse_date

Retrieve = Callable[[str], list[Passage]]
DraftMaker = Callable[[str, str, str, str | None], Draft]
Select = Callable[[str, list[Passage]], list[tuple[Passage, str]]]

FIRST_MEETING_QUERY = "how to prepare for a first meeting with a mentor and what to discuss"
NEXT_MEETING_QUERY = "how to prepare for the next meeting with your mentor and what to cover"
MAX_GUIDANCE_POINTS = 3
# Sentences shorter than this are headings or fragments; longer ones are walls of text.
SENTENCE_WORDS = (6, 60)


@dataclass(frozen=True)
class AgendaPoint:
    """One thing to raise, and where it comes from (`cite`); guidance points carry a passage."""

    text: str
    cite: str
    passage: Passage | None = None


@dataclass
class Agenda:
    mentor: str
    first_meeting: bool
    goals: list[AgendaPoint] = field(default_factory=list)
    open_items: list[AgendaPoint] = field(default_factory=list)
    guidance: list[AgendaPoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def points(self) -> list[AgendaPoint]:
        return [*self.goals, *self.open_items, *self.guidance]

    @property
    def passages(self) -> list[Passage]:
        """The cited passages, each once, in citation order."""
        unique = {p.passage.n: p.passage for p in self.guidance if p.passage is not None}
        return [unique[n] for n in sorted(unique)]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_markdown(self) -> str:
        meeting = "first meeting" if self.first_meeting else "next meeting"
        lines = [f"# Agenda: {meeting} with {self.mentor}", ""]
        for heading, points in (("Your goals", self.goals), ("Open items", self.open_items),
                                ("What the guidance suggests", self.guidance)):
            if points:
                lines += [f"## {heading}", ""]
                lines += [f"- {p.text} — *{p.cite}*" for p in points] + [""]
        lines += [f"> {note}" for note in self.notes]
        if self.passages:
            lines += ["", "## Sources", ""]
            lines += [f"[{p.n}] {p.label}: {' '.join(p.text.split())}" for p in self.passages]
        return "\n".join(lines).strip() + "\n"


@dataclass
class Debrief:
    """What a debrief wrote to the log, and the thank-you note it prepared."""

    contact: Contact
    actions: list[Action]
    draft: Draft | None
    draft_note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"contact": self.contact.to_dict(), "actions": [a.to_dict() for a in self.actions],
                "draft": asdict(self.draft) if self.draft else None,
                "draft_note": self.draft_note}


def prepare_meeting(mentor: Mentor, contacts: Sequence[Contact], actions: Sequence[Action], *,
                    retrieve: Retrieve, select: Select | None = None) -> Agenda:
    """The agenda for the next meeting with `mentor` (a first meeting if none is logged).

    `select(query, passages) -> [(passage, sentence)]` chooses the guidance sentences (see
    `guidance_points`).
    """
    first = not any(c.channel == "meeting" for c in contacts)
    agenda = Agenda(mentor.name, first, goals=_goals(mentor),
                    open_items=_open_items(actions, contacts))
    if not agenda.goals:
        agenda.notes.append(f"Add what you want from {mentor.name} to the mentor log to put "
                            "your goals on the agenda.")
    query = FIRST_MEETING_QUERY if first else NEXT_MEETING_QUERY
    try:
        agenda.guidance = guidance_points(query, retrieve(query), select)
    except CoachError as exc:
        agenda.notes.append(f"The guidance could not be searched: {exc}")
        return agenda
    if not agenda.guidance:
        agenda.notes.append("Your guidance says nothing about preparing for a meeting, so the "
                            "agenda has no guidance points.")
    return agenda


def guidance_points(query: str, passages: Sequence[Passage], select: Select | None = None,
                    limit: int = MAX_GUIDANCE_POINTS) -> list[AgendaPoint]:
    """Up to `limit` guidance sentences, each cited [1], [2]… by the passage it comes from.

    `select(query, passages)` picks the sentences (the coach passes its composer's selection);
    without it, `lexical_select`.
    """
    picked = (select or lexical_select)(query, list(passages))
    numbers: dict[str, Passage] = {}
    points: list[AgendaPoint] = []
    for passage, sentence in picked:
        if any(p.text == sentence for p in points):
            continue
        if passage.id not in numbers:
            numbers[passage.id] = replace(passage, n=len(numbers) + 1)
        cited = numbers[passage.id]
        points.append(AgendaPoint(sentence, f"[{cited.n}] {cited.label}", cited))
        if len(points) == limit:
            break
    return points


def lexical_select(query: str, passages: Sequence[Passage]) -> list[tuple[Passage, str]]:
    """One sentence per passage: the one sharing the most telling words with `query`.

    Words every passage has (like "mentor") do not count; ties and no match: the earlier
    sentence. The retriever already judged the passages relevant; this only picks what to show.
    """
    wanted = set(content_words(query))
    if len(passages) > 1:
        everywhere = set(content_words(passages[0].text))
        for passage in passages[1:]:
            everywhere &= set(content_words(passage.text))
        wanted -= everywhere
    picked = []
    for passage in passages:
        best = _best_sentence(passage.text, wanted)
        if best is not None:
            picked.append((passage, best))
    return picked


def record_debrief(log: MentorLog, name: str, *, on_date: str | date, said: str, will_do: str,
                   by_when: str | date | None, today: date, draft: DraftMaker,
                   sender: str | None = None) -> Debrief:
    """Log a meeting (what was said), one open item per line of "what I'll do", and draft thanks.

    Everything is checked before anything is written, so bad input changes nothing.
    """
    mentor = log.get(name)
    day = parse_date(on_date, today=today, what="meeting date")
    said, tasks = " ".join((said or "").split()), _lines(will_do)
    if not said and not tasks:
        raise WorkspaceError("say what was said or what you will do (both were empty)")
    due = (parse_date(by_when, today=today, what="'by when' date", allow_future=True)
           if by_when not in (None, "") else None)
    if due is not None and due < day:
        raise WorkspaceError(f"'by when' ({due.isoformat()}) is before the meeting "
                             f"({day.isoformat()}); give a later date")
    contact = log.log(mentor.name, day, "meeting", today=today, replied=True, advice=said)
    actions = [log.add_action(mentor.name, task, today=today, due_by=due, contact_id=contact.id)
               for task in tasks]
    made, note = None, None
    try:
        made = draft("thank-you", mentor.name, _thanks_context(day, said, tasks, due), sender)
    except CoachError as exc:
        note = str(exc)
    return Debrief(contact, actions, made, note)


def _goals(mentor: Mentor) -> list[AgendaPoint]:
    cite = f"what you want from {mentor.name} (your mentor log)"
    return [AgendaPoint(goal, cite) for goal in _lines(mentor.wants, sentences=True)]


def _open_items(actions: Sequence[Action], contacts: Sequence[Contact]) -> list[AgendaPoint]:
    dates = {c.id: c.on_date for c in contacts}
    points = []
    for action in actions:
        if action.done_on is not None:
            continue
        text = action.text + (f" (by {action.due_by.isoformat()})" if action.due_by else "")
        met = dates.get(action.contact_id) if action.contact_id else None
        cite = f"open item from your meeting on {met.isoformat()}" if met else \
            "open item in your mentor log"
        points.append(AgendaPoint(f"Report back: {text}", cite))
    return points


def _best_sentence(text: str, wanted: set[str]) -> str | None:
    best, best_score = None, -1
    prose = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for sentence in split_sentences(prose):
        if not SENTENCE_WORDS[0] <= len(sentence.split()) <= SENTENCE_WORDS[1]:
            continue
        score = len(wanted & set(content_words(sentence)))
        if score > best_score:
            best, best_score = sentence, score
    return best


def _lines(text: str, *, sentences: bool = False) -> list[str]:
    """Items of a free-text field: one per line or ";" (and per sentence when asked)."""
    items = []
    for line in re.split(r"[\n;]+", text or ""):
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip()
        if line:
            items += split_sentences(line) if sentences else [" ".join(line.split())]
    return items


def _thanks_context(day: date, said: str, tasks: list[str], due: date | None) -> str:
    parts = [f"thank you for meeting me on {day:%d %B %Y}"]
    if said:
        parts.append(f"what you said: {said}")
    if tasks:
        by = f" by {due:%d %B %Y}" if due else ""
        parts.append(f"I will {'; '.join(tasks)}{by}")
    return "; ".join(parts)
