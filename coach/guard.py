"""The guarded stream: a model's answer shown sentence by sentence, only what the evidence supports.

`guarded` relays a generator's stream through a verifier (anything with `check`, normally
`coach.verify.Verifier`) and falls back to another generator (the grounded composer) when the
model server fails or too little of its answer survives.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from coach.errors import GeneratorUnavailable
from coach.results import Passage
from coach.text import answer_sentences

if TYPE_CHECKING:
    from coach.generators import Generator


class Judgement(Protocol):
    """A verdict on one sentence (`coach.verify.Verdict` is one)."""

    @property
    def supported(self) -> bool: ...

    @property
    def shown(self) -> str: ...


class Checker(Protocol):
    """Judges one sentence against the numbered evidence (`coach.verify.Verifier` is one)."""

    def check(self, sentence: str, evidence: list[Passage]) -> Judgement: ...


@dataclass
class Guarded:
    """The end of a guarded stream.

    `text` is the final answer to show (when `fell_back`, the fallback's answer, which replaces
    anything streamed before it); `kept`/`removed` are the verdicts on the model's sentences.
    """

    text: str
    kept: list[Judgement]
    removed: list[Judgement]
    fell_back: bool
    notice: str | None = None

    @property
    def kept_share(self) -> float:
        total = len(self.kept) + len(self.removed)
        return len(self.kept) / total if total else 0.0


FALLBACK_TAIL = "so this answer comes from the built-in guidance composer."


def guarded(llm: Generator, fallback: Generator, question: str, evidence: list[Passage],
            history: list[dict], *, verifier: Checker, min_kept: int = 1,
            points: list[str] | None = None) -> Iterator[str | Guarded]:
    """Stream `llm`'s answer sentence by sentence, showing only sentences the evidence supports.

    Yields text pieces, then one `Guarded`. Kept sentences are held back until `min_kept` of
    them exist, so a mostly-unsupported answer never reaches the user. When the model server
    fails (down, refusing, too slow, garbled) or too little survives, the `fallback` generator
    answers instead and `Guarded.notice` says why. `points` (the composer's chosen points, each
    ending with its `[n]`) go to a generator that declares `takes_points`, to phrase instead of
    the raw passages.
    """
    kept: list[Judgement] = []
    removed: list[Judgement] = []
    shown: list[str] = []
    held: list[str] = []
    buffer = ""

    def judge(sentences: list[str]) -> Iterator[str]:
        for sentence in sentences:
            verdict = verifier.check(sentence, evidence)
            (kept if verdict.supported else removed).append(verdict)
            if verdict.supported:
                held.append(verdict.shown)
        if len(kept) >= min_kept and held:
            for text in held:
                yield (" " if shown else "") + text
                shown.append(text)
            held.clear()

    notice: str | None = None
    done = 0  # sentences of `buffer` already judged
    try:
        extra = {"points": points} if points and getattr(llm, "takes_points", False) else {}
        for chunk in llm.stream(question, evidence, history, **extra):
            buffer += chunk
            sentences = answer_sentences(buffer)
            # The last sentence may still grow (or gain its [n]); everything before it is final.
            if len(sentences) - 1 > done:
                yield from judge(sentences[done:-1])
                done = len(sentences) - 1
        yield from judge(answer_sentences(buffer)[done:])
    except GeneratorUnavailable as exc:
        notice = f"{str(exc).rstrip('.')}, {FALLBACK_TAIL}"
    except Exception as exc:  # a third-party generator's bug must not reach the user as a trace
        notice = f"The {llm.name} generator failed ({type(exc).__name__}), {FALLBACK_TAIL}"

    if notice is None and len(kept) >= max(min_kept, 1):
        if removed:
            one = len(removed) == 1
            notice = (f"{_count(len(removed), 'sentence')} of the model's answer "
                      f"{'was' if one else 'were'} left out because the guidance does not "
                      f"support {'it' if one else 'them'}.")
        yield Guarded(" ".join(shown), kept, removed, fell_back=False, notice=notice)
        return

    if notice is None:
        total = len(kept) + len(removed)
        if total == 0:
            notice = f"The model gave an empty answer, {FALLBACK_TAIL}"
        else:
            notice = (f"Most of the model's answer was not supported by the guidance (kept "
                      f"{len(kept)} of {total} sentences), {FALLBACK_TAIL}")
    pieces: list[str] = []
    if shown:
        yield "\n\n"  # separates what was already shown from the replacement answer
    for piece in fallback.stream(question, evidence, history):
        pieces.append(piece)
        yield piece
    yield Guarded("".join(pieces), kept, removed, fell_back=True, notice=notice)


def collect(stream: Iterator[str | Guarded]) -> tuple[str, Guarded]:
    """Drain a `guarded` stream: the text pieces it showed, joined, and its final `Guarded`."""
    pieces, final = [], None
    for piece in stream:
        if isinstance(piece, Guarded):
            final = piece
        else:
            pieces.append(piece)
    if final is None:
        raise RuntimeError("a guarded stream must end with a Guarded result")
    return "".join(pieces), final


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
