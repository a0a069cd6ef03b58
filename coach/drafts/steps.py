"""What the ingested guidance says to do in each kind of note: general queries, concrete steps.

Each kind has a few steps (the ask, what to include, timing, what to avoid, escalation ...).
A step is found by asking the library in general terms — the step described, never one
document's words — and keeping the best sentence that looks like that step (general cue
patterns). Its concrete details (`coach.drafts.facts`) are what the note then says.
When two documents answer one step differently, the user's own upload (source "uploads/...")
wins over shipped guidance, and between uploads the better-matching sentence; `Steps.notice`
says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from coach.drafts.facts import Facts, extract
from coach.errors import StoreError
from coach.results import Passage
from coach.safety import looks_like_injection
from coach.text import content_words, split_sentences, without_bullet
from coach.voice import warning_list

Retrieve = Callable[[str], list[Passage]]
UPLOADS_PREFIX = "uploads/"
# How much worse (in step score: cosine + cue and word bonuses) a not-yet-quoted sentence may
# match than an already-quoted one and still be preferred. Measured on the shipped article and
# the two team handbooks: the wrong fresh pick "we keep it short on purpose" (a handbook's
# preamble, for "keeps the request short") trails the quoted "Keep the request to a few
# sentences" by 0.22; the right fresh picks trail by under 0.1.
FRESH_MARGIN = 0.15


@dataclass(frozen=True)
class StepSpec:
    """One step a kind of note takes: its slot, a general query, and what its sentence shows."""

    slot: str
    label: str
    query: str
    cue: str  # a sentence giving this step matches this (general words for the step)
    needs: Callable[[Facts], bool] | None = None  # and, when set, states these details


def _has_ask(f: Facts) -> bool:
    return bool(f.ask)


def _has_timing(f: Facts) -> bool:
    return bool(f.span or f.unanswered)


def _has_escalation(f: Facts) -> bool:
    return bool(f.escalate_to or f.no_escalation)


_ASK = StepSpec(
    "ask", "Asks for something small",
    "how to ask a prospective mentor for a first meeting: what to ask for and how long",
    r"\b(?:ask|request|suggest|invite|offer|start|propose)\w*\b", _has_ask)
_DECLINE = StepSpec(
    "decline", "Makes it easy to say no",
    "what to do if a prospective mentor says no or declines your request",
    r"\bdeclin\w*|\brefus\w*|\bsays?\s+no\b|\bturns?\s+(?:you\s+)?down\b|\blet\s+it\s+go\b|"
    r"\bnothing\s+personal\b|\bnot\s+(?:a\s+)?good\s+time\b")
_PREPARE = StepSpec(
    "prepare", "Says what you want to talk about",
    "what to tell or send a mentor before a first meeting: questions or topics to discuss",
    r"\bquestions?\b|\btopics?\b|\bagenda\b|\bareas?\b|\bwhat\s+you\s+(?:want|would\s+like)\b")

SPECS: dict[str, tuple[StepSpec, ...]] = {
    "outreach": (
        StepSpec("intro", "Introduces you",
                 "how to introduce yourself when you first contact a prospective mentor",
                 r"\bintroduce\s+yourself\b|\bwho\s+you\s+are\b|\bmutual\s+acquaintance\b"),
        _ASK, _PREPARE,
        StepSpec("brief", "Keeps the request short",
                 "keep a first request to a prospective mentor small and short, not a big "
                 "commitment", r"\bshort\b(?!\s+list)|\bbrief\b|\bfew\s+(?:sentences|lines)\b|"
                 r"\bconcise\b|\bsimple\b|\blifelong\b|\bsmallest\b"),
        _DECLINE,
    ),
    "meeting": (
        _ASK,
        StepSpec("slots", "Offers times that suit them",
                 "offering possible times for a first meeting that suit the mentor's schedule",
                 r"\bslots?\b|\bpossible\s+times\b|\bat\s+a\s+time\b|\btimes?\s+that\s+suits?\b|"
                 r"\bavailab\w*"),
        _PREPARE,
        StepSpec("avoid", "Keeps the first meeting light",
                 "what to avoid in a first meeting with a new mentor; who guides the "
                 "conversation", r"\bavoid\w*\b|\binformal\b|\bguide\s+the\s+conversation\b|"
                 r"\bget\s+to\s+know\b|\blaundry\s+list\b"),
        StepSpec("keep_in_touch", "Asks how to keep in touch",
                 "at the end of a first meeting, asking whether to keep in touch and how",
                 r"\bkeep\s+in\s+touch\b|\bstay\s+in\s+touch\b|\bmeans\s+of\s+contact\b|"
                 r"\bagree\s+the\s+topics\b"),
    ),
    "thank-you": (
        StepSpec("specific", "Thanks them for something specific",
                 "what a thank-you message to a mentor should say about their help; "
                 "appreciating their time", r"\bthank\w*\b|\bappreciat\w*\b|\bgrateful\b|"
                 r"\bspecific\b|\buseful\b"),
        StepSpec("timing", "Sent promptly", "when to send a thank-you message after a mentor "
                 "helped you or after a call", r"\bthank\w*\b",
                 _has_timing),
        StepSpec("outcome", "Tells them the outcome",
                 "letting a mentor know the outcome and the value of the help they gave",
                 r"\boutcome\b|\bturned\s+out\b|\bresults?\b|\bbecame\s+of\b|\bvalue\b"),
        StepSpec("no_request", "Keeps it a sincere note with no new request",
                 "what a thank-you note should not do; keeping thanks sincere rather than a "
                 "formality", r"\bnew\s+request\b|\bsincere\b|\bgenuine\b|\bformality\b|"
                 r"\bfew\s+lines\b"),
    ),
    "back-off": (
        StepSpec("back_off", "Backs off instead of pressing",
                 "what to do when a mentor stops replying to your messages or goes quiet",
                 r"\bback\w*\s+(?:\w+\s+)?off\b|\bstop\s+writing\b|\bunanswered\b|"
                 r"\bstops?\s+(?:returning|replying|responding)\b|\bgoes\s+quiet\b|\bwait\b"),
        StepSpec("wait", "Waits before writing again",
                 "how long to wait, or how many unanswered messages, before writing again to "
                 "a mentor who has not replied", r"\bunanswered\b|\bwait\w*\b|\bgap\b|"
                 r"\bafter\b", _has_timing),
        StepSpec("note", "Thanks them and offers to reconnect when they're ready",
                 "what to say in a short note to a mentor who has gone quiet: thanks and "
                 "reconnecting later", r"\bthank\w*\b|\breconnect\b|\bback\s+in\s+touch\b|"
                 r"\bbusy\b|\bwhen\s+(?:she|he|they)(?:['’]s|\s+is|\s+are)\s+ready\b"),
        StepSpec("escalate", "Tells the right person",
                 "who else to tell or involve when a mentor stops responding",
                 r"\btell\b|\binform\b|\binvolve\b|\bcontact\b|\bcoordinator\b", _has_escalation),
        StepSpec("next", "Leaves the next step to them",
                 "leaving the next step or the next get-together to the mentor",
                 r"\bnext\s+(?:step|get-together|meeting|move)\b|\bleave\b|\bdoor\s+open\b"),
    ),
    "follow-up": (
        StepSpec("outcome", "Tells them how things turned out",
                 "letting a mentor know the outcome of what they helped with: how things turned "
                 "out",
                 r"\boutcome\b|\bturned\s+out\b|\bresults?\b|\bbecame\s+of\b|\bhappened\b"),
        StepSpec("timing", "Sent in good time",
                 "when to follow up with a mentor about the outcome of their advice",
                 r"\bfollow\w*\b|\bupdate\b|\boutcome\b|\bnote\b", _has_timing),
        StepSpec("value", "Says what their help was worth",
                 "letting a mentor know how much you appreciate their time and the value of "
                 "their help", r"\bappreciat\w*\b|\bvalue\b|\bwell\s+spent\b|\bthank\w*\b|"
                 r"\bworth\b"),
        StepSpec("brief", "Keeps the update brief",
                 "how long a follow-up update to a mentor should be and what to put in it",
                 r"\bbrief\b|\bshort\b|\bwhat\s+you\s+tried\b|\bone\s+line\b"),
        StepSpec("thanks", "Thanks them",
                 "thanking a mentor sincerely for their time and help",
                 r"\bthank\w*\b|\bgrateful\b"),
    ),
}


_FIRST_CONTACT = (r"\bfirst\b|\bnew\s+mentor\b|\bprospective\b|\bintroduc\w*|\bapproach\w*|"
                  r"\breach(?:ing)?\s+out\b|\bacquaint\w*|\binitial\b|\bmeeting\b|\bcall\b|"
                  r"\bcoffee\b|\blunch\b")
# A passage a step of these kinds is quoted from must be about that situation: a thank-you
# message's timing is not a follow-up's, a quiet mentor's note is not a thank-you, and "keep
# each message short" about a quiet mentor is not how long a first request should be.
_SITUATION = {
    "back-off": r"\bunanswered\b|\bstops?\s+(?:returning|replying|responding)\b|"
                r"\bgoes\s+(?:quiet|awol)\b|\bgone\s+quiet\b|\bno\s+(?:reply|response)\b|"
                r"\boverwhelmed\b|\bsilen(?:t|ce)\b|\bhasn['’]t\s+replied\b",
    "follow-up": r"\boutcome\b|\bturned\s+out\b|\bbecame\s+of\b|\bresults?\b|\bupdate\b|"
                 r"\bfollow(?:-|\s)?up\b",
    "thank-you": r"\bthank\w*\b|\bappreciat\w*\b|\bgrateful\b",
    "outreach": _FIRST_CONTACT,
    "meeting": _FIRST_CONTACT,
}


@dataclass
class Step:
    """A step found in the guidance: the sentence it follows, its passage, its details."""

    spec: StepSpec
    sentence: str
    passage: Passage
    facts: Facts
    score: float
    rivals: list[Step] = field(default_factory=list)  # other documents' answers to this step

    @property
    def slot(self) -> str:
        return self.spec.slot

    @property
    def from_upload(self) -> bool:
        return self.passage.source.startswith(UPLOADS_PREFIX)


@dataclass
class Steps:
    """The steps found for one kind, by slot, with the conflicts between documents noted."""

    kind: str
    by_slot: dict[str, Step]
    notice: str | None = None

    def get(self, slot: str) -> Step | None:
        return self.by_slot.get(slot)

    def facts(self, slot: str) -> Facts:
        step = self.by_slot.get(slot)
        return step.facts if step else Facts()

    def __bool__(self) -> bool:
        return bool(self.by_slot)


def find_steps(kind: str, retrieve: Retrieve) -> Steps:
    """The steps of `kind` the library gives, each from its best sentence (see module doc)."""
    by_slot: dict[str, Step] = {}
    for spec in SPECS[kind]:
        try:
            passages = retrieve(spec.query)
        except StoreError:
            passages = []  # an empty or missing store: draft without guidance, say so
        situation = _SITUATION.get(kind)
        if situation:
            passages = [p for p in passages
                        if re.search(situation, f"{p.section}\n{p.text}", re.I)]
        used = {s.sentence for s in by_slot.values()}
        step = _choose(_candidates(spec, passages), used)
        if step:
            by_slot[spec.slot] = step
    return Steps(kind, by_slot, _conflict_notice(by_slot.values()))


def _candidates(spec: StepSpec, passages: list[Passage]) -> list[Step]:
    """Sentences of `passages` that look like `spec`'s step, best first."""
    wanted = set(content_words(spec.query))
    found = []
    for rank, passage in enumerate(passages):
        if warning_list(passage.section):
            continue  # a "Don'ts" list's orders are what a note must not do
        # (a list item's marker is no part of what it says: "- if not, ..." quoted as such)
        for sentence in map(without_bullet, split_sentences(passage.text)):
            if sentence not in passage.text or len(sentence.split()) < 5:
                continue  # only quote what a reader can find verbatim in the source
            if sentence.lstrip().startswith("#") or sentence.rstrip("\"'”’ ").endswith("?"):
                continue  # headings and questions are not steps
            if looks_like_injection(sentence):
                continue  # orders aimed at an AI are never a step to follow
            cues = len(re.findall(spec.cue, sentence, re.I))
            facts = extract(sentence)
            if not cues or (spec.needs and not spec.needs(facts)):
                continue
            overlap = len(wanted & set(content_words(sentence))) / max(len(wanted), 1)
            # Retrieval rank carries the meaning; cues and shared words pick the sentence.
            score = passage.score + 0.15 * min(cues, 3) + overlap - 0.05 * rank
            found.append(Step(spec, sentence, passage, facts, round(score, 4)))
    found.sort(key=lambda s: -s.score)
    return found


def _choose(candidates: list[Step], used: set[str]) -> Step | None:
    """The best sentence of the most specific document: an upload over shipped guidance.

    Within a document, a sentence no earlier step quoted wins over one already quoted when it
    matches nearly as well (`FRESH_MARGIN`), so each point shows the reader another piece of
    the guidance when the document has one, but never a weak one.
    """
    if not candidates:
        return None
    best_by_source: dict[str, Step] = {}
    for step in candidates:
        best_by_source.setdefault(step.passage.source, step)
    for source, best in best_by_source.items():
        if best.sentence in used:
            fresh = next((s for s in candidates if s.passage.source == source
                          and s.sentence not in used and s.score >= best.score - FRESH_MARGIN),
                         None)
            best_by_source[source] = fresh or best
    ranked = sorted(best_by_source.values(), key=lambda s: (not s.from_upload, -s.score))
    chosen = ranked[0]
    chosen.rivals = [s for s in ranked[1:] if s.facts != chosen.facts]
    return chosen


def _conflict_notice(steps) -> str | None:
    """One sentence per document followed over another, naming the steps they differ on."""
    followed: dict[tuple[str, str, bool], list[str]] = {}
    for step in steps:
        for rival in step.rivals:
            key = (_title(step.passage), _title(rival.passage), rival.from_upload)
            followed.setdefault(key, []).append(step.spec.label.lower())
    lines = []
    for (winner, loser, both_uploads), labels in followed.items():
        why = ("it matches this note more closely" if both_uploads
               else "it is your own upload, so it is more specific to you")
        lines.append(f"Your guidance differs on this note ({', '.join(labels)}): the draft "
                     f"follows \u201c{winner}\u201d rather than \u201c{loser}\u201d, "
                     f"because {why}.")
    return " ".join(lines) or None


def _title(passage: Passage) -> str:
    return passage.title or passage.source
