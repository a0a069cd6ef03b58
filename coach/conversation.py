"""One conversational turn: small talk, draft requests, follow-up resolution, grounded answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coach.answerability import Judgement
from coach.compose import Composition, GroundedComposer, NothingRelevant, render
from coach.declines import OTHER_WRITING, REFUSAL
from coach.drafts import (
    PERSON_NAME,
    DraftRequest,
    asks_for_other_writing,
    parse_draft_request,
)
from coach.errors import DraftError
from coach.guard import Checker, Guarded, guarded
from coach.results import Answer, Draft, Passage, Suggestion
from coach.text import (
    citations,
    clean_user_text,
    content_words,
    split_sentences,
    strip_citations,
)
from coach.voice import draft_offer, parse_offer

if TYPE_CHECKING:
    from coach.generators import Generator


@dataclass(frozen=True)
class Collaborators:
    """What a turn works with, passed in (the `Coach` builds one; tests can build their own).

    `retrieve` finds the evidence for a query; `composer` decides what is relevant and answers
    when `generator` is the composer itself; any other `generator` is checked by `verifier`
    and falls back to the composer; `draft(kind, to, context)` fills a draft request;
    `judge(query, evidence)` decides whether the evidence answers the question (None: always
    answer when the composer finds relevant sentences).
    """

    retrieve: Callable[[str], list[Passage]]
    composer: GroundedComposer
    generator: Generator
    verifier: Checker
    draft: Callable[[str, str, str], Draft]
    max_message_chars: int = 4000
    judge: Callable[[str, list[Passage]], Judgement] | None = None

CAPABILITIES = (
    "I'm a mentoring coach grounded in the guidance documents in my library. Ask me how to find "
    "a mentor, how to approach one, how to respect a mentor's time, how to say thank you, or what "
    "to do when a mentor goes quiet — every piece of advice comes with the passage it rests on. "
    "I can also draft emails: an outreach note to a prospective mentor, a thank-you, a "
    "follow-up telling a mentor how things turned out, or a gentle back-off note."
)
EMPTY = ("Please type a question about finding or working with a mentor, or ask me to draft "
         "an email.")

_GREETING = re.compile(
    r"^(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening)|greetings)\b", re.I)
_THANKS = re.compile(r"^(thanks|thank you|thank u|thx|ty|cheers|great|perfect|awesome|got it|"
                     r"ok(ay)?|cool|nice)\b", re.I)
_BYE = re.compile(r"^(bye|goodbye|see you|later)\b", re.I)
_HELP = re.compile(r"^(help|what can you do|what do you do|who are you|what are you|how does this "
                   r"work|what can i ask)\b", re.I)
_FOLLOW_UP = re.compile(r"^(and|but|so|then|what if|what about|how about|after that|also|"
                        r"what next|and then|ok so|okay so)\b", re.I)
# "does it have to be face to face though?", "what do I say then?", "ok I have a name. what's
# the first move?", "anything beyond a note though? something longer term?": a reply to what
# was said (a sentence that ends on "though", "then" or "instead").
_ANSWERS_BACK = re.compile(r"\b(?:though|then|instead)(?:\W*$|[?.!]+\s)|"
                           r"^(?:ok|okay|alright)\b[,.!]?\s", re.IGNORECASE)
# "like what exactly? just the time?", "what exactly should I be looking back at?", "anything
# else after that?": asks for more of what was just said.
_ASKS_FOR_MORE = re.compile(r"\b(?:what|which|how|who|where|when)\s+exactly\b|^like what\b|"
                            r"\b(?:anything|something|what)\s+(?:else|more|beyond)\b|"
                            r"\bafter that\b", re.IGNORECASE)
# Pronouns that point back at someone already discussed ("what if she says no?"). "it"/"this"
# are left out: "is it okay to..." is usually a fresh question.
_ANAPHORA = {"she", "he", "they", "her", "him", "them", "his", "their", "hers"}
# "ok and ...", "right, so ...": a reply's filler before the follow-up word.
_FILLER = re.compile(r"^(?:(?:ok|okay|right|sure|thanks|thank you|great|hmm|well|got it)\b"
                     r"[,.!\s]*)+", re.IGNORECASE)
# "what should that reminder say?", "what do I put in it?": a thing already talked about.
_POINTS_BACK = re.compile(r"\b(?:that|this|those|these)\s+(?!is\b|was\b|are\b|were\b|will\b|"
                          r"would\b|can\b|could\b|should\b|means?\b|i\b|you\b|we\b|my\b|"
                          r"to\b|it\b|one\b)[a-z]+|\b(?:in|into|on|with|about|from|of)\s+it\s*\??$",
                          re.IGNORECASE)


def respond(turn: Collaborators, message: str,
            history: list[dict[str, Any]]) -> Iterator[str | Answer]:
    """Yield the reply to `message` piece by piece, then the final `Answer`."""
    text = clean_user_text(message or "").strip()
    if not text:
        yield Answer(EMPTY, grounded=False, kind="invalid", notice=EMPTY)
        return
    notice = None
    limit = turn.max_message_chars
    if len(text) > limit:
        notice = (f"Your message was {len(text):,} characters long; I read only the first "
                  f"{limit:,}.")
        text = text[:limit]

    accepted = accepted_offer(text, history)
    if accepted is not None:
        kind, to = accepted
        yield from _draft_reply(turn, DraftRequest(kind, to, mentee_context(history)), notice)
        return

    small = small_talk(text)
    if small is not None:
        yield small
        yield Answer(small, grounded=False, kind="smalltalk", notice=notice)
        return

    if asks_for_other_writing(text):
        yield OTHER_WRITING
        yield Answer(OTHER_WRITING, grounded=False, kind="refusal", notice=notice)
        return

    request = parse_draft_request(text)
    if request is not None:
        yield from _draft_reply(turn, request, notice)
        return

    query = resolve_follow_up(text, history)
    evidence = turn.retrieve(query)
    judgement = turn.judge(query, evidence) if turn.judge is not None else None
    confidence = judgement.confidence if judgement is not None else None
    composition = None
    if evidence and (judgement is None or judgement.answerable):
        try:
            composition = turn.composer.compose(
                query, evidence, focus=text,
                said_before=last_answer_line(history) if query != text else ())
        except NothingRelevant:
            composition = None
    if composition is None:
        reply = judgement.reply if judgement is not None and judgement.reply else REFUSAL
        yield reply
        yield Answer(reply, grounded=False, kind="refusal", notice=notice, query=query,
                     confidence=confidence)
        return

    if turn.generator is turn.composer:
        pieces = []
        # The relevance check above already picked the points: render them, don't re-pick.
        for piece in render(composition):
            pieces.append(piece)
            yield piece
        answer_text = "".join(pieces)
    else:
        answer_text = ""
        for part in guarded(turn.generator, turn.composer, query, evidence, history,
                             verifier=turn.verifier, points=cited_points(composition)):
            if isinstance(part, Guarded):
                answer_text = part.text
                notice = " ".join(n for n in (notice, part.notice) if n) or None
            else:
                yield part
    said = history + [{"role": "user", "content": text}]
    suggestions = _addressed(composition.suggestions, mentor_name(said), named_person(said))
    offer = next((s for s in suggestions if s.kind == "draft"), None)
    if offer is not None:
        # The offer ends the reply, so the history carries it to the mentee's "yes".
        yield "\n\n" + offer.label
        answer_text += "\n\n" + offer.label
    cited = set(citations(answer_text))
    yield Answer(answer_text, grounded=bool(cited), sources=_cited(evidence, cited),
                 kind="answer", notice=notice, query=query, suggestions=suggestions,
                 confidence=confidence)


def last_answer_line(history: list[dict[str, Any]]) -> list[str]:
    """The sentences of the coach's last answer line, without citations: a follow-up should not
    open with what the reply before it opened with. (Its supporting points may be just what the
    follow-up asks about: "what should that reminder say?" after a point on the reminder.)"""
    lines = _last_reply_lines(history)
    return [strip_citations(s) for s in split_sentences(lines[0])] if lines else []


def _last_reply_lines(history: list[dict[str, Any]]) -> list[str]:
    """The lines of the coach's last reply in `history` (none before its first reply)."""
    last = next((t for t in reversed(history) if t.get("role") == "assistant"), None)
    return str((last or {}).get("content") or "").strip().splitlines()


def cited_points(composition: Composition) -> list[str]:
    """The composer's points, each ending with its passage number, for a model to phrase."""
    return [f"{p.text} [{p.passage.n}]" for p in composition.points]


def _addressed(suggestions: list[Suggestion], mentor: str | None,
               person: str | None) -> list[Suggestion]:
    """Offers addressed by name: a note to the mentor to `mentor`, a first message to the
    person the mentee named (`person`), else the role stays."""
    out = []
    for s in suggestions:
        name = person if s.draft_kind == "outreach" else mentor
        out.append(Suggestion(s.kind, draft_offer(s.draft_kind, name), s.draft_kind)
                   if s.kind == "draft" and s.draft_kind and name else s)
    return out


_YES = re.compile(r"^(?:yes|yeah|yep|yup|sure|ok(?:ay)?|please|go ahead|do it|draft it|"
                  r"write it|sounds good|that would be great|why not)\b[\s\w,!.']*$", re.I)


def accepted_offer(message: str, history: list[dict[str, Any]]) -> tuple[str, str] | None:
    """(draft kind, recipient) when `message` says yes to the draft the last reply offered."""
    if len(message.split()) > 6 or not _YES.match(message.strip()):
        return None
    lines = _last_reply_lines(history)
    return parse_offer(lines[-1]) if lines else None


_NAMED = re.compile(r"\b[Mm]y (?:mentor|new mentor|old mentor|former mentor)[,\s]+"
                    rf"(?:is\s+|called\s+|named\s+)?({PERSON_NAME})|"
                    r"\b([A-Z][\w'’-]+),? my mentor\b")
# Words that start a question or sentence before "my mentor" ("Does my mentor ...?").
_NOT_NAMES = frozenset("""
I She He They It What How Why When Where Who Which Hi Thanks But And So Is Are Was Were Has Have
Had Should Can Could Will Would Does Do Did May Might Must Shall The This That If Then Also Now
Tell Ask Maybe Yes No Ok Okay Please Honestly Basically Well
""".split())


def mentor_name(history: list[dict[str, Any]]) -> str | None:
    """The mentor's name if the mentee gave one ("my mentor Ana ...", "Ana, my mentor"), latest
    mention first."""
    return _latest_name(history, _NAMED)


# Someone named mid-sentence ("I met Dr. Ana Ruiz at ..."): a capitalised name after a
# lowercase word or a comma, so a sentence's first word is never taken for one.
_NAMED_MID_SENTENCE = re.compile(rf"(?<=[a-z,] )({PERSON_NAME})")


def named_person(history: list[dict[str, Any]]) -> str | None:
    """The person the mentee named last ("I met Dr. Ana Ruiz at a meetup"), if any."""
    return _latest_name(history, _NAMED_MID_SENTENCE)


def _latest_name(history: list[dict[str, Any]], pattern: re.Pattern[str]) -> str | None:
    """The first name `pattern` finds (in whichever of its groups matched) in the mentee's
    latest turn that has one, skipping words that only start a sentence ("Does", "Thanks")."""
    for turn in reversed(history):
        if turn.get("role") != "user":
            continue
        for m in pattern.finditer(str(turn.get("content") or "")):
            name = next((g for g in m.groups() if g), None)
            if name and name.split()[0] not in _NOT_NAMES:
                return name
    return None


def mentee_context(history: list[dict[str, Any]]) -> str:
    """What the mentee told the coach earlier in the thread, as a draft's context: not small
    talk, and not the questions they asked the coach ("How should I thank him?" is not
    something to tell the mentor)."""
    said = [str(t.get("content") or "").strip() for t in history if t.get("role") == "user"]
    said = [m for m in said if m and small_talk(m) is None and accepted_offer(m, []) is None]
    told = [s for m in said for s in split_sentences(m) if not s.rstrip().endswith("?")]
    return " ".join(told)[-500:]


def _draft_reply(turn: Collaborators, request: DraftRequest,
                 notice: str | None) -> Iterator[str | Answer]:
    try:
        draft = turn.draft(request.kind, request.to, request.context)
    except DraftError as exc:
        yield str(exc)
        yield Answer(str(exc), grounded=False, kind="invalid", notice=notice)
        return
    article = "an" if draft.kind[:1] in "aeiou" else "a"  # "an outreach draft"
    lines = [f"Here's {article} {draft.kind} draft for {draft.to}:", "",
             f"Subject: {draft.subject}", "",
             draft.body]
    if draft.points:
        lines += ["", "It follows this guidance:"] + [f"- {p}" for p in draft.points]
    text = "\n".join(lines)
    yield text
    yield Answer(text, grounded=bool(draft.sources), sources=draft.sources, kind="draft",
                 notice=" ".join(n for n in (notice, draft.notice) if n) or None, draft=draft)


def small_talk(text: str) -> str | None:
    """A short natural reply to greetings, thanks and "what can you do?", else None."""
    words = text.split()
    if _HELP.match(text) and len(words) <= 8:
        return CAPABILITIES
    if len(words) > 6 or content_words(text) and len(words) > 4:
        return None
    if _GREETING.match(text):
        return ("Hi! I'm your mentoring coach. Ask me anything about finding or working with a "
                "mentor, or ask me to draft an email.")
    if _THANKS.match(text):
        return "You're welcome — good luck! Ask me anything else about working with your mentor."
    if _BYE.match(text):
        return "Good luck with your mentoring partnership — come back any time."
    return None


def resolve_follow_up(message: str, history: list[dict[str, Any]]) -> str:
    """Fold the earlier question(s) into a follow-up ("what if she says no?") for retrieval."""
    earlier = [str(turn.get("content", "")) for turn in history
               if turn.get("role") == "user" and str(turn.get("content", "")).strip()]
    earlier = [m for m in earlier if small_talk(m) is None]
    if not earlier:
        return message
    words = set(re.findall(r"[a-z']+", message.lower()))
    names_someone = bool(words & {"mentor", "mentors", "mentee"})
    opening = _FILLER.sub("", message.strip())
    is_follow_up = (_FOLLOW_UP.match(opening) is not None or len(content_words(message)) <= 2
                    or (bool(words & _ANAPHORA) and not names_someone)
                    or _POINTS_BACK.search(message) is not None
                    or _ANSWERS_BACK.search(message) is not None
                    or _ASKS_FOR_MORE.search(message) is not None)
    if not is_follow_up:
        return message
    return " ".join(earlier[-2:] + [message])


def _cited(evidence: list[Passage], cited: set[int]) -> list[Passage]:
    return [p for p in evidence if p.n in cited]
