"""What the coach hands back: evidence passages, answers and email drafts (plain data)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from coach.vocabulary import AnswerKind, DraftKind


@dataclass
class Passage:
    """One retrieved guidance chunk shown beside an answer; `n` is its citation number."""

    id: str
    text: str
    title: str
    section: str
    source: str
    score: float
    n: int = 0
    sentence_score: float | None = None  # cosine of its sentence closest to the question

    @property
    def label(self) -> str:
        return f"{self.title} — {self.section}" if self.section else self.title


@dataclass(frozen=True)
class Library:
    """The library's vocabulary: in how many of its `chunks` each stemmed word occurs."""

    df: dict[str, int]
    chunks: int


@dataclass
class Answer:
    """A reply to the mentee.

    `confidence` (0..1) is how sure the coach is that the guidance answers the question, set on
    every answered or refused question (None for small talk, drafts and invalid input).
    `kind` is one of `coach.vocabulary.ANSWER_KINDS`: "answer" (cited advice), "refusal"
    (guidance does not cover it), "smalltalk" (greeting, thanks, help), "draft" (an email
    drafted from chat) or "invalid" (an empty message, or a draft request missing what it
    needs; the text says what to change). `grounded` is True only
    when the text gives advice resting on `sources`. `notice` is shown to the user when
    something degraded (e.g. the model server was down and the embedded coach answered).
    `suggestions` are next steps to offer (a draft, a follow-up question).
    """

    text: str
    grounded: bool
    sources: list[Passage] = field(default_factory=list)
    kind: AnswerKind = "answer"
    notice: str | None = None
    query: str | None = None
    draft: Draft | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Draft:
    """An email draft; `points` are the guidance points it follows, each citing `sources[n-1]`.

    `kind` is one of `coach.vocabulary.DRAFT_KINDS`.
    """

    kind: DraftKind
    to: str
    subject: str
    body: str
    points: list[str] = field(default_factory=list)
    sources: list[Passage] = field(default_factory=list)
    notice: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}"


@dataclass
class Suggestion:
    """A next step the page can offer under an answer.

    `kind` is "draft" (offer to draft a note of `draft_kind`, one of
    `coach.vocabulary.DRAFT_KINDS`) or "question" (a follow-up the guidance answers).
    """

    kind: str
    label: str
    draft_kind: str | None = None
