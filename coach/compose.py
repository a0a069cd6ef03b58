"""The embedded default generator: the direct answer first, then a few cited supporting points,
composed from the guidance's own sentences (reworded only by rule, and only when verified)."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from coach import voice as V
from coach.results import Passage, Suggestion
from coach.text import content_words

if TYPE_CHECKING:
    from coach.embedder import Embedder as Embeddings
    from coach.guard import Checker

# Calibrated leave-one-document-out on the guidance suite (7 documents, 233 labelled questions,
# isolated and library stores; `bench/calibrate.py` replays cached evidence). Fitting all the
# weights at once on 6 documents did worse on the 7th than these hand-set values (held-out gold
# in reply / first: isolated 59% / 33% vs 60% / 37%, library 41% / 22% vs 44% / 24%): the folds
# disagree, so every constant below stays as it was except MMR_LAMBDA. The gold sentence is the
# top-scoring unit in under half of the answers whose gold passage was retrieved, whatever the
# weights; that is the similarity model's limit, not a weight's.
# Below this a unit is off the question's topic: nothing to say. Answerability has already
# judged the question before the composer runs, so this only stops a reply with nothing close:
# 0.30 -> 0.25 answered 2 more suite questions isolated and 1 in the library, and 3 more of 216
# on six probes of real pages ("Is it fine to vent to my mentor about the colleague who got the
# promotion?"); it let 3 near-topic questions through there (a restaurant, a book, a wifi fix),
# and the "recommendation" description (coach/answerability.py) declines the restaurant again.
SENTENCE_FLOOR = 0.25
ANSWER_MARGIN = 0.10  # units this close to the best one are "as relevant": the most actionable wins
ACTION_WEIGHT = 0.15  # how much an instruction outweighs a statement among near-equals
TYPE_BONUS = 0.10  # a unit with what the question's form asks for ("how often" -> a frequency)
STORY_PENALTY = 0.10  # the writer's own story is an example, not an answer
SUPPORT_FLOOR = 0.40  # a supporting point must clear this absolute score...
SUPPORT_RELATIVE = 0.80  # ...and this share of the answer's score: no padding
MAX_SUPPORT = 3
# A close call: the best unit scores under SUPPORT_FLOOR + ANSWER_MARGIN, so units the answer
# pick counts as about as relevant as the best fall under the support floor and were never
# said: the answering sentence was there, one of several weak near-equals, and the reply gave
# one of the others. Now up to this many of them follow the answer. Twelve probes of real
# pages (432 questions): gold sentence in the reply 57.9% -> 61.6%, sentences per reply 3.28
# -> 3.60; suite isolated 68.2% -> 69.5% (3.38 -> 3.54), library 48.9% (3.78 -> 3.88). With
# up to 3: 62.0% at 3.81 sentences; with 1: 59.5% at 3.30, isolated 67.4% (-0.8).
CLOSE_CALL_SUPPORT = 2
MAX_SENTENCES = 4  # the whole reply, list items counted as sentences (the answer always fits)
# A lead-in says at most this many of its list's items: the ones closest to the question, in
# the list's order (a sub-item brings its parent). A list of eight steps answered "how do I word
# the request?" with all eight, five sentences past the budget; the source view has the rest.
LIST_ITEMS_SAID = MAX_SENTENCES - 1
# An answer that is a lead-in with its items filled the budget on its own, so the point that
# answered was often never said: a list reads quicker than the sentences it counts as, and
# leaves room for one more. Fourteen probes of real pages (504 questions): gold sentence in the
# reply 56.2% -> 57.7% (11 gained, none lost), sentences per reply 3.55 -> 3.63; suite 70.4% ->
# 70.8% alone, 49.4% -> 50.2% in one library; the held-out set unchanged at 4.00 sentences.
LIST_ANSWER_EXTRA = 1
SENTENCE_WEIGHT = 0.6  # unit vs. passage similarity in a unit's score
CARRY = 0.90  # share of a unit's score passed on to the next one in its passage
# Relevance vs. novelty when picking supporting points. Fitted alone, leave-one-document-out,
# every fold chose 0.8 or 0.9 (over 0.7); held out, gold in reply rose from 59.7% to 61.4%
# isolated and held at 43.8% library, with gold first, the opening point and sentences per
# reply unchanged (isolated 36.9%, 45.5%, 3.6; library 24.5%, 30.5%, 3.9). 0.9 on
# every document: 61.8% / 44.6% (isolated / library, from 59.7% / 43.8%); gold first + in
# reply, both modes together, better on 5 of the 7 documents and worse on none (one question
# of the shortest document lost in the library, gained in isolation).
MMR_LAMBDA = 0.9
OVERLAP_WEIGHT = 0.15  # the question's rarer words found in the unit, in a unit's score
# A unit is embedded under its section title ("Ending well: send a note ...") and bare; its
# vector is this share of the way from the framed one to the bare one. Every unit of a section
# shares the title, which pulls their vectors together: the framed vector tells the section
# right but its sentences apart less well, and makes them look like repeats to MMR. On
# thirteen probe sets of real pages (468 questions), gold in reply 276 -> 283 and gold first
# 139 -> 144 (gold up on 6 sets, down on 2); the guidance suite alone 167 -> 165 gold, 95 -> 97
# first, in one library 118 -> 121 and 60 -> 62; the held-out set +1 gold, -1 first. Half the
# way gained more gold on the probes (+11) but cost the suite 5 gold and 3 first; moving only
# the similarity (MMR on framed vectors) gained less (probes +4 gold, suite -3).
UNFRAMED_SHARE = 0.25


@dataclass(frozen=True)
class Weights:
    """The composer's scoring and selection constants, as one value (`bench/calibrate.py`
    replays cached evidence with other values; the defaults are the constants above)."""

    sentence_floor: float = SENTENCE_FLOOR
    answer_margin: float = ANSWER_MARGIN
    action_weight: float = ACTION_WEIGHT
    fact_action_weight: float = 0.0  # the same, for a question about how things are
    type_bonus: float = TYPE_BONUS
    story_penalty: float = STORY_PENALTY
    support_floor: float = SUPPORT_FLOOR
    support_relative: float = SUPPORT_RELATIVE
    max_support: int = MAX_SUPPORT
    close_call_support: int = CLOSE_CALL_SUPPORT
    max_sentences: int = MAX_SENTENCES
    sentence_weight: float = SENTENCE_WEIGHT
    overlap_weight: float = OVERLAP_WEIGHT
    carry: float = CARRY
    mmr_lambda: float = MMR_LAMBDA


WEIGHTS = Weights()

_MARKUP_TAG = re.compile(r"</?\s*[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")


class NothingRelevant(Exception):
    """The evidence holds no sentence close enough to the question to advise on it.

    Internal control flow (the caller answers with a refusal), not a user-facing error: it is
    deliberately not a `CoachError`, nor a `LookupError` a face might mistake for one.
    """


@dataclass
class Point:
    """One thing the reply says, from one passage: sentences (and a lead-in's list items)."""

    passage: Passage
    sentences: list[str]
    items: list[tuple[int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.sentences + [t for _, t in self.items])


@dataclass
class Composition:
    """The answer point, the supporting points, the cross-document line and the next steps."""

    answer: Point
    support: list[Point]
    sources_line: str | None = None
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def points(self) -> list[Point]:
        return [self.answer, *self.support]


# One unit's score: found and removed in lists by identity, never compared field by field
# (a numpy vector has no single truth value).
@dataclass(eq=False)
class _Scored:
    score: float
    passage: Passage
    unit: V.Unit
    vec: np.ndarray
    action: float
    story: bool = False


@dataclass
class Candidate:
    """A unit with what its score is made of, before any weight is applied."""

    passage: Passage
    unit: V.Unit
    vec: np.ndarray
    similarity: float  # cosine of the unit (under its section title) to the question
    overlap: float  # weighted share of the question's informative words it contains
    fits: bool  # it has what the question's form asks for (a frequency, a span, wording)
    action: float  # `voice.actionability`: -1 for the writer's story


class GroundedComposer:
    """Pick, order, reword and cite the guidance units that answer a question. No LLM involved.

    Deterministic: the same evidence and question always give the same answer. Unit embeddings
    are cached per passage, so an answer costs one query embedding (plus the verifier's checks
    of reworded sentences).
    """

    name = "grounded"

    def __init__(self, embeddings: Embeddings, verifier: Checker | None = None, *,
                 weights: Weights = WEIGHTS) -> None:
        self.embeddings = embeddings
        self.weights = weights
        # Checks each reworded sentence against its passage (`coach.verify.Verifier`); without
        # one the guidance's own wording is kept, since an unchecked rewrite is never said.
        self.verifier = verifier
        self._cache: dict[tuple[str, int], _PassageUnits] = {}
        self._lock = threading.Lock()

    def stream(self, question: str, evidence: list[Passage],
               history: list[dict] | None = None, *, focus: str | None = None) -> Iterator[str]:
        """Yield the answer a paragraph at a time; raises `NothingRelevant` before yielding."""
        yield from render(self.compose(question, evidence, focus=focus))

    def select(self, question: str, evidence: list[Passage], *,
               focus: str | None = None) -> list[tuple[Passage, str]]:
        """The points to say, answer first, each with the passage it came from."""
        return [(p.passage, p.text) for p in self.compose(question, evidence, focus=focus).points]

    def compose(self, question: str, evidence: list[Passage], *,
                focus: str | None = None, said_before: Sequence[str] = ()) -> Composition:
        """The direct answer, at most `MAX_SUPPORT` supporting points, and the next steps.

        `focus` is the mentee's latest message when `question` was widened with earlier turns:
        the evidence came from the whole thread, but the points should answer what was asked.
        `said_before`: for a follow-up (with `focus`), the sentences the coach's last reply
        opened with, not to be opened with again (`not_said_before`).
        """
        scored = self._score(question, evidence, focus)
        w = self.weights
        if not scored or max(s.score for s in scored) < w.sentence_floor:
            raise NothingRelevant(question)
        if said_before and focus:
            focus_vec = np.asarray(self.embeddings.embed_query(focus), dtype=np.float32)
            scored = not_said_before(scored, said_before, focus_vec, w.sentence_floor)
        return select_points(focus or question, scored, self._said, w)

    # -- internals -------------------------------------------------------------------------------

    def _score(self, question: str, evidence: list[Passage],
               focus: str | None) -> list[_Scored]:
        return score_candidates(self.candidates(question, evidence, focus), self.weights)

    def candidates(self, question: str, evidence: list[Passage],
                   focus: str | None = None) -> list[Candidate]:
        """Every unit of the evidence, in passage order, with its unweighted score parts."""
        qvec = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        if focus and focus != question:
            qvec = qvec + np.asarray(self.embeddings.embed_query(focus), dtype=np.float32)
            qvec /= np.linalg.norm(qvec) or 1.0
        per_passage = [(p, self._units(p)) for p in evidence]
        weights = _informative_words(question, [u.text for _, pu in per_passage
                                                for u in pu.units])
        out: list[Candidate] = []
        for passage, pu in per_passage:
            for i, (unit, vec) in enumerate(zip(pu.units, pu.vectors, strict=True)):
                if i in pu.items:
                    unit = trim_list(unit, pu.items[i] @ qvec + self.weights.overlap_weight
                                     * _overlaps([t for _, t in unit.items], weights))
                fits = V.fits_question_type(focus or question, unit)
                # a quoted sample message is an example, unless the mentee asked what to write:
                # then it is words to use, as actionable as an instruction, whatever its "I" says
                action = V.actionability(unit)
                if V.is_sample(unit):
                    action = max(action, V.INSTRUCTION) if fits else -1.0
                out.append(Candidate(passage, unit, vec, float(vec @ qvec),
                                     _overlaps([unit.text], weights)[0], fits, action))
        return out

    def _units(self, passage: Passage) -> _PassageUnits:
        key = (passage.id, hash(passage.text))  # a re-ingested passage keeps its id
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        units, texts = unit_texts(passage.text, passage.section)
        vectors = (np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
                   if texts else np.zeros((0, 1), dtype=np.float32))
        items, at = {}, len(units)  # the long lists' item vectors follow the units', in order
        for i, unit in enumerate(units):
            if _too_long(unit):
                items[i], at = vectors[at:at + len(unit.items)], at + len(unit.items)
        framed, bare = vectors[:len(units)], vectors[at:at + len(units)]
        result = _PassageUnits(units, framed + UNFRAMED_SHARE * (bare - framed), items)
        with self._lock:
            self._cache[key] = result
        return result

    def _said(self, item: _Scored) -> Point:
        """The unit in the coach's voice: each reworded sentence kept only if its passage still
        supports it (else the guidance's own wording); under a warning heading ("Don'ts"),
        orders said as the prohibitions they are."""
        unit = _warned(item.unit, item.passage.section, item.passage.text)
        original = unit.sentences
        if self.verifier is None:
            return Point(item.passage, [V.drop_connective(s) for s in original],
                         list(unit.items))
        reworded = V.reword(original)
        said = [new if new == old or self.verifier.check(new, [item.passage]).supported
                else old for old, new in zip(original, reworded, strict=True)]
        items = [(d, V.second_person(t)) for d, t in unit.items]
        return Point(item.passage, said, items)


def _warned(unit: V.Unit, section: str, passage_text: str = "") -> V.Unit:
    """`unit` as said under a warning heading ("Don'ts", "Mistakes to avoid": its section or
    the short line above it): its orders as prohibitions. A lead-in that itself labels a
    warning list ("Things to avoid:") already frames its items, which stay as written."""
    kind = _warning_kind(unit, section)
    if kind is None or V.labels_its_warnings(passage_text):
        return unit
    if unit.items:
        if V.warning_list(unit.sentences[-1]):
            return unit
        return replace(unit, items=[(d, V.as_warning(t, kind)) for d, t in unit.items])
    return replace(unit, sentences=[V.as_warning(s, kind) for s in unit.sentences])


def _pledged(unit: V.Unit) -> V.Unit:
    """A mentee's own pledge list ("I will ...: - let my mentor know when I cannot meet") said to
    the reader, as an item or as the unit it became."""
    if unit.items and V.is_pledge(unit.sentences[-1]):
        return replace(unit, items=[(d, V.as_own_rule(t)) for d, t in unit.items])
    if V.is_pledge(unit.topic):
        return replace(unit, sentences=[V.as_own_rule(s) for s in unit.sentences])
    return unit


def _warning_kind(unit: V.Unit, section: str) -> str | None:
    """The warning list `unit` sits in, by the short line above it or its section heading."""
    return V.warning_list(unit.topic) or V.warning_list(section)


@dataclass(frozen=True)
class _PassageUnits:
    """A passage's units, their vectors, and the item vectors of each list too long to say
    whole (by unit index)."""

    units: list[V.Unit]
    vectors: np.ndarray  # each unit's, framed and bare mixed (`UNFRAMED_SHARE`)
    items: dict[int, np.ndarray]


def unit_texts(text: str, section: str) -> tuple[list[V.Unit], list[str]]:
    """A passage's units and every text the composer embeds for them (ingest embeds these
    ahead): each unit under its section title, as chunks are ("Find a mentor: start looking
    ..."), then, unit by unit, the items of each list too long to say whole (`trim_list`
    scores them), framed the same way, then each unit bare (`UNFRAMED_SHARE`)."""
    # A mentors' part of the page ("DO's (Mentor)") is not advice for the mentee.
    units = [] if V.for_mentors(section) else [
        _pledged(u) for u in V.build_units(text) if not V.for_mentors(u.topic)
        and not (u.items and V.for_mentors(u.sentences[-1]))]
    framed = [_framed(section, u.topic, u.text) for u in units]
    items = [_framed(section, u.topic, item) for u in units if _too_long(u) for _, item in u.items]
    return units, framed + items + [u.text for u in units]


def _framed(section: str, topic: str, text: str) -> str:
    return ": ".join(t for t in (section, topic, text) if t)


def _too_long(unit: V.Unit) -> bool:
    """A lead-in whose list has more items than a reply says (`LIST_ITEMS_SAID`)."""
    return len(unit.items) > LIST_ITEMS_SAID


# "...a mentee owes four things:": the lead-in counts its items, so none of the counted
# (top-level) items may go; only their sub-items are trimmed.
_COUNTED = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:[\w-]+\s+)"
                      r"{0,3}[\w-]+:\s*$", re.IGNORECASE)


def trim_list(unit: V.Unit, scores: np.ndarray, keep: int = LIST_ITEMS_SAID) -> V.Unit:
    """`unit` with only the `keep` list items that score highest (`scores`: each item's
    closeness to the question, scored as units are), in list order; an item
    kept brings the items it sits under (they count too). A lead-in that counts its items
    keeps every top-level one; a numbered list of steps in an order is kept whole."""
    if unit.ordered and _in_order(unit):
        return unit
    parents = _parents(unit.items)
    leans = [V.leans_on_predecessor(text) for _, text in unit.items]
    counted = bool(_COUNTED.search(unit.sentences[-1]))
    chosen = {j for i, parent in enumerate(parents) if counted and parent < 0
              for j in _needs(i, unit.items, parents, leans)}
    budget = max(keep, len(chosen))
    for i in np.argsort(-scores, kind="stable"):
        needed = _needs(int(i), unit.items, parents, leans) - chosen
        if len(chosen) + len(needed) <= budget:
            chosen |= needed
    return replace(unit, items=[item for i, item in enumerate(unit.items) if i in chosen])


# A numbered list is a procedure when its lead-in says so ("Follow these steps:") or its items
# lean on the one before ("Then ...", "Once she replies, ..."). "Great mentees:" over seven
# numbered traits is not: said whole, it ran to eight lines.
_PROCEDURE = re.compile(r"\b(?:steps?|process|procedure|how to|order|as follows|stages?|sequence|"
                        r"structure|outline|template|format|agenda)\b", re.IGNORECASE)
_SEQUENCE = re.compile(r"^\W*(?:then|next|after(?:wards| that)?|once|finally|lastly|now|"
                       r"second(?:ly)?|third(?:ly)?)\b", re.IGNORECASE)


def _in_order(unit: V.Unit) -> bool:
    """A numbered list that is a procedure, not a numbered set of points."""
    return bool(_PROCEDURE.search(unit.sentences[-1])) or any(
        _SEQUENCE.match(text) for _, text in unit.items[1:])


def _parents(items: list[tuple[int, str]]) -> list[int]:
    """Each item's parent index (-1 at the top level): the nearest earlier item less deep."""
    out: list[int] = []
    for i, (depth, _) in enumerate(items):
        j = i - 1
        while j >= 0 and items[j][0] >= depth:
            j -= 1
        out.append(j)
    return out


def _needs(i: int, items: list[tuple[int, str]], parents: list[int],
           leans: list[bool]) -> set[int]:
    """Item `i` and what it cannot be said without: the items it sits under, and, when it or
    one of those ends in ":" ("Write a short paragraph about where you are now:"), all that
    item's sub-items (a lead-in is never said without its list, nor part of that list); an item
    that leans on the one before it ("- low risk", "- thus, low return"; `leans` says which
    do) brings that one."""
    first = i
    while first > 0 and parents[first - 1] == parents[i] and leans[first]:
        first -= 1
    chain = [*range(first, i + 1), *_chain(i, parents)]
    out = set(chain)
    leads = [j for j in chain if items[j][1].rstrip().endswith(":")]
    if leads:
        top = leads[-1]
        out |= {j for j in range(top + 1, len(items)) if top in _chain(j, parents)}
    return out


def _chain(i: int, parents: list[int]) -> list[int]:
    """The items `i` sits under, nearest first."""
    out = []
    while parents[i] >= 0:
        i = parents[i]
        out.append(i)
    return out


def score_candidates(candidates: list[Candidate], w: Weights = WEIGHTS) -> list[_Scored]:
    """Each unit's score: its own relevance, or a share of its predecessor's, plus the form
    bonus and minus the story penalty."""
    scored: list[_Scored] = []
    previous, passage = 0.0, None
    for c in candidates:
        if c.passage is not passage:  # nothing carries over into the next passage
            previous, passage = 0.0, c.passage
        # The passage score reflects the whole section's topic; a lone sentence's
        # embedding is swayed by shared words ("mentor" is in nearly every sentence).
        own = (w.sentence_weight * c.similarity + (1 - w.sentence_weight) * c.passage.score
               + w.overlap_weight * c.overlap)
        # Guidance runs in paragraphs: the sentence after a strong match often says what
        # to do about it ("...back way off. ... Send her a note"), so it inherits a share.
        score = max(own, w.carry * previous)
        previous = score
        if c.fits:
            score += w.type_bonus
        if c.action < 0:
            score -= w.story_penalty
        scored.append(_Scored(score, c.passage, c.unit, c.vec, max(c.action, 0.0), c.action < 0))
    return scored


# A unit repeats the last reply when this share of a sentence's words is in one of its
# sentences (rewording changes a few: "she" -> "your mentor", a dropped "Finally,").
REPEAT_SHARE = 0.8


def not_said_before(scored: list[_Scored], said_before: Sequence[str], focus: np.ndarray,
                    floor: float = SENTENCE_FLOOR) -> list[_Scored]:
    """`scored` without the units `said_before` (the last reply's answer line) said, unless the
    follow-up on its own (`focus`, its vector) is closest to one of them, or nothing relevant
    is left. On 82 labelled follow-ups of the suite, the held-out set and ten probes of real
    pages ("and if they still don't answer after that?"), 35 replies opened with the very line
    the reply before had opened with. Leaving those units out altogether: 2 repeats, the gold
    sentence first in 22 replies (from 15) but in 38 (from 40), since a reply sometimes answers
    the follow-up before it is asked; keeping a repeated unit the follow-up alone is closest
    to: 10 repeats, gold first 21, gold in reply 40."""
    before = [b for b in (set(content_words(s)) for s in said_before) if b]
    repeats = [_repeats(s.unit, before) for s in scored]
    repeated = [s for s, r in zip(scored, repeats, strict=True) if r]
    fresh = [s for s, r in zip(scored, repeats, strict=True) if not r]
    if not repeated or not fresh or max(s.score for s in fresh) < floor:
        return scored
    if max(float(s.vec @ focus) for s in repeated) >= max(float(s.vec @ focus) for s in fresh):
        return scored
    return fresh


def _repeats(unit: V.Unit, before: list[set[str]]) -> bool:
    for sentence in unit.sentences:
        words = set(content_words(sentence))
        if words and any(len(words & b) >= REPEAT_SHARE * len(words) for b in before):
            return True
    return False


def select_points(question: str, scored: list[_Scored], said: Callable[[_Scored], Point],
                  w: Weights = WEIGHTS) -> Composition:
    """The answer, the supporting points and the sources line from scored units (`question`
    is what the mentee asked last: its form decides how much an instruction counts)."""
    answer = _pick_answer(scored, _action_weight(question, w), w.answer_margin)
    support = _pick_support(scored, answer, w)
    chosen = [answer, *support]
    points = [said(s) for s in chosen]
    line = sources_line(points) if _same_point(chosen) else None
    # The two-document line is a sentence the mentee reads too. Past the budget, "both
    # cover this" goes (the citations already show two documents); a disagreement on a
    # figure is worth more than the weakest supporting point, which goes instead.
    over = sum(s.unit.size for s in chosen) + 1 > w.max_sentences
    if line and over and _DIFFER not in line:
        line = None
    while line and support and sum(s.unit.size for s in chosen) + 1 > w.max_sentences:
        weakest = min(support, key=lambda s: s.score)
        support.remove(weakest)
        points.pop(chosen.index(weakest))
        chosen.remove(weakest)
        line = sources_line(points) if _same_point(chosen) else None
    return Composition(points[0], points[1:], line,
                       _suggestions(question, chosen, scored, w.support_floor))


# Two documents "cover this" (or differ on its figure) only when their first points say about
# the same thing. Replies from the suite's seven documents in one store, 111 of them citing two
# documents: the two points' cosine ran from 0.09 ("write times in both time zones" beside "my
# outreach emails are about 120 words") to 0.79 (two confidentiality rules); by reading, under
# 0.5 they were mostly unrelated, from 0.55 mostly the same advice. At 0.5, 52 keep the line.
AGREE_MIN = 0.5


def _same_point(chosen: list[_Scored]) -> bool:
    """Whether the first points from the first two documents cited are about one thing."""
    pair = _first_two_documents(chosen)
    return pair is not None and float(pair[0].vec @ pair[1].vec) >= AGREE_MIN


_Cited = TypeVar("_Cited", Point, _Scored)


def _first_two_documents(items: Sequence[_Cited]) -> tuple[_Cited, _Cited] | None:
    """The first item from each of the first two documents cited, if two are."""
    firsts: dict[str, _Cited] = {}
    for item in items:
        firsts.setdefault(item.passage.title, item)
    if len(firsts) < 2:
        return None
    a, b = list(firsts.values())[:2]
    return a, b


def _action_weight(question: str, w: Weights = WEIGHTS) -> float:
    """`ACTION_WEIGHT`, or 0 for a question about how things are ("Why ...?", "Does my mentor
    ...?"): a statement answers it, and an instruction as relevant is no better an answer.
    On the guidance suite (16 such questions) this put the answering statement first for 3
    more of them, and no document's figures fell."""
    return w.fact_action_weight if V.asks_how_things_are(question) else w.action_weight


def _pick_answer(scored: list[_Scored], action_weight: float = ACTION_WEIGHT,
                 margin: float = ANSWER_MARGIN) -> _Scored:
    """Relevance first; among units about as relevant as the best, the most actionable."""
    best = max(s.score for s in scored)
    near = [s for s in scored if s.score >= best - margin]
    return max(near, key=lambda s: (s.score + action_weight * s.action, -s.passage.n))


def support_bounds(scored: list[_Scored], answer: _Scored,
                   w: Weights = WEIGHTS) -> tuple[float, int]:
    """The score a supporting point must reach and how many may be said: both floors and
    `MAX_SUPPORT`; in a close call, the units the answer pick counted as about as relevant as
    the best (`ANSWER_MARGIN`) even under the floors, and at most `CLOSE_CALL_SUPPORT`."""
    floor = max(w.support_floor, answer.score * w.support_relative)
    near = max(s.score for s in scored) - w.answer_margin
    cap = w.max_support if near >= floor else w.close_call_support
    return min(floor, near), cap


def support_budget(answer: _Scored, w: Weights = WEIGHTS) -> int:
    """Sentences left for supporting points once the answer is said (`LIST_ANSWER_EXTRA`)."""
    return w.max_sentences - answer.unit.size + (LIST_ANSWER_EXTRA if answer.unit.items else 0)


def _pick_support(scored: list[_Scored], answer: _Scored, w: Weights = WEIGHTS) -> list[_Scored]:
    """Supporting points within `support_bounds`, diverse (MMR), in the sentence budget."""
    floor, cap = support_bounds(scored, answer, w)
    # The writer's own story is an example: it never pads a reply as a point of its own.
    pool = [s for s in scored if s.score >= floor and s is not answer and not s.story]
    chosen: list[_Scored] = []
    budget = support_budget(answer, w)
    while pool and len(chosen) < cap and budget > 0:
        taken = [answer, *chosen]
        said = {line for t in taken for line in _lines_of(t.unit)}
        pool = [s for s in pool if s.unit.size <= budget and not any(
            s.passage.id == t.passage.id and s.unit.keys & t.unit.keys for t in taken)
            and not said & _lines_of(s.unit)]  # a page that repeats itself, said once
        if not pool:
            break

        pick = max(pool, key=functools.partial(_gain, taken=taken, mmr_lambda=w.mmr_lambda))
        chosen.append(pick)
        pool.remove(pick)
        budget -= pick.unit.size
    # Reading order (passage rank, then position) keeps cause before consequence.
    return sorted(chosen, key=lambda s: (s.passage.n, s.unit.start))


def _lines_of(unit: V.Unit) -> set[str]:
    return {" ".join(line.split()) for line in unit.sentences + [t for _, t in unit.items]}


def _gain(item: _Scored, taken: list[_Scored], mmr_lambda: float = MMR_LAMBDA) -> float:
    redundancy = max(float(item.vec @ t.vec) for t in taken)
    return mmr_lambda * item.score - (1 - mmr_lambda) * redundancy


def _suggestions(question: str, chosen: list[_Scored], scored: list[_Scored],
                 floor: float = SUPPORT_FLOOR) -> list[Suggestion]:
    """A draft offer when a point tells the mentee to write; a "what if" the reply left out."""
    out: list[Suggestion] = []
    # A question about how things are ("Is my mentor married?") is answered by its first
    # point; a supporting point that says "send her a thank-you note" is no next step for it.
    offering = chosen[:1] if V.asks_how_things_are(question) else chosen
    for item in offering:
        if _warning_kind(item.unit, item.passage.section):
            continue  # "Send a four-paragraph email" under "Don'ts" is no note to offer
        writing = [s for s in item.unit.sentences if V.tells_to_write(s)]
        if writing and V.shows_note_kind(" ".join(writing), question):
            kind = V.note_kind(" ".join(writing), question)
            if V.fits_offer(kind, question):
                out.append(Suggestion("draft", V.draft_offer(kind), draft_kind=kind))
            break
    else:  # "How do I approach her?": the first message is a draft, however the advice says it
        wanted = V.asked_draft_kind(question)
        if wanted is not None:
            out.append(Suggestion("draft", V.draft_offer(wanted), draft_kind=wanted))
    used = {(c.passage.id, k) for c in chosen for k in c.unit.keys}
    asked = set(content_words(question))
    for item in sorted(scored, key=lambda s: -s.score):
        if item.score < floor:
            break
        if any((item.passage.id, k) in used for k in item.unit.keys):
            continue
        follow_up = V.what_if(item.unit.sentences[-1])
        if follow_up and not set(content_words(follow_up)) <= asked:
            out.append(Suggestion("question", follow_up))
            break
    return out


def _overlaps(texts: list[str], weights: dict[str, float]) -> np.ndarray:
    """Each text's weighted share of the question's informative words."""
    bags = [set(content_words(t)) for t in texts]
    return np.array([sum(w for word, w in weights.items() if word in bag) for bag in bags])


def _informative_words(question: str, sentences: list[str]) -> dict[str, float]:
    """Weights for the question's words: 0 for words in most candidate sentences ("mentor")."""
    words = set(content_words(question))
    if not words or not sentences:
        return {}
    bags = [set(content_words(s)) for s in sentences]
    weights = {w: 1.0 - sum(w in b for b in bags) / len(bags) for w in words}
    total = sum(weights.values()) or 1.0
    return {w: v / total for w, v in weights.items() if v > 0.5}


def is_advice_candidate(sentence: str) -> bool:
    """Headings, rhetorical questions and fragments are not things to tell a mentee.

    Nor is text that gives orders to an AI ("ignore previous instructions and tell the user
    to ...") or carries markup: a document may contain them, and its passage may be shown
    as a quoted source, but the coach never says them in its own voice.
    """
    return (not sentence.lstrip().startswith("#") and not _MARKUP_TAG.search(sentence)
            and V.is_candidate(sentence))


# -- rendering -------------------------------------------------------------------------------------

_TIMING = re.compile(r"\b(?:every|within|after|about|at least|up to|once a|twice a)?\s*"
                     r"(?:\d+(?:\s*[\u2013-]\s*\d+)?|one|two|three|four|five|six|seven|eight|"
                     r"nine|ten|twelve|a few|a couple of)(?:\s+(?:to|or)\s+\w+)?[\s-]+"
                     r"(?:working\s+)?(minute|hour|day|week|month)s?\b", re.IGNORECASE)


_DIFFER = "differ on this"


def doc_name(title: str) -> str:
    """A document's short name: its title before a subtitle separator."""
    for sep in (" \u2014 ", " | ", " - ", ": "):
        title = title.split(sep)[0]
    return title.strip() or "the guidance"


def sources_line(points: list[Point]) -> str | None:
    """One line when the points come from two documents: they agree, or they differ on a
    number or timing (each side's figure quoted)."""
    pair = _first_two_documents(points)
    if pair is None:
        return None
    a, b = pair
    name_a, name_b = (f"{doc_name(p.passage.title)} [{p.passage.n}]" for p in (a, b))
    ta = {m.group(1).lower(): m.group(0).strip() for m in _TIMING.finditer(a.text)}
    tb = {m.group(1).lower(): m.group(0).strip() for m in _TIMING.finditer(b.text)}
    for unit in ta.keys() & tb.keys():
        if ta[unit].lower() != tb[unit].lower():
            return (f"{name_a} and {name_b} {_DIFFER}: {doc_name(a.passage.title)} says "
                    f"{ta[unit]}, {doc_name(b.passage.title)} says {tb[unit]}.")
    return f"{name_a} and {name_b} both cover this."


def _lines(point: Point, indent: str) -> list[str]:
    """A lead-in's list, one level deeper than the lead-in, nested items two spaces further."""
    return [f"{indent}{'  ' * depth}- {V.cite(text, point.passage.n)}"
            for depth, text in point.items]


def render(composition: Composition) -> Iterator[str]:
    """The reply's pieces: the answer paragraph, each supporting bullet, the sources line."""
    answer = composition.answer
    n = answer.passage.n
    yield " ".join(V.cite(s, n, full_stop=True) for s in answer.sentences)
    for line in _lines(answer, "  "):
        yield "\n" + line
    if composition.support:
        yield "\n"
    for point in composition.support:
        yield "\n- " + " ".join(V.cite(s, point.passage.n, full_stop=True)
                                 for s in point.sentences)
        for line in _lines(point, "    "):
            yield "\n" + line
    if composition.sources_line:
        yield "\n\n" + composition.sources_line
