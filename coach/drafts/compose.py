"""Building a draft from the steps the guidance gives, filled with the user's details, cited.

Each kind has a neutral structure (used as it is when the library has no relevant guidance);
every step found in the guidance (`coach.drafts.steps`) replaces its part of that structure
with the concrete thing the guidance says: the ask and its size and channel, what to send in
advance, the timing, whom to tell.
"""

from __future__ import annotations

import re

from coach.drafts.context import Parts, parse_context
from coach.drafts.guidance import Retrieve, guidance_points
from coach.drafts.kinds import normalize_kind
from coach.drafts.steps import Steps, find_steps
from coach.drafts.wording import (
    _address,
    _finish,
    _first_name,
    _help_part,
    _one_line,
    _sentence_case,
    _split_outcome,
    _split_topic,
    _thanks_object,
    _thanks_sentence,
    is_role,
)
from coach.errors import DraftError
from coach.results import Draft
from coach.vocabulary import TITLE

MAX_CONTEXT_CHARS = 600
MAX_NAME_CHARS = 80
OUTREACH_MAX_WORDS = 150


NO_GUIDANCE = ("I couldn't find the guidance these notes are based on in the library, so this "
               "draft follows the usual structure without citing any guidance points.")


def compose_draft(kind: str, *, to: str, context: str, sender: str | None,
                  retrieve: Retrieve) -> Draft:
    """Draft an email of `kind` to `to`, filled with the user's `context`, citing the guidance.

    `context` is user data: it is cleaned and inserted as text, never interpreted. The guidance
    points come from fixed per-kind queries run through `retrieve`; each quotes one sentence of
    a retrieved passage verbatim and cites it as `[n]` into `draft.sources`.
    """
    kind = normalize_kind(kind)
    to = _one_line(to)
    if not to:
        raise DraftError("Who is the note to? Give the recipient's name (for example \"Marcus\" "
                         "or \"Dr. Lee\").")
    if len(to) > MAX_NAME_CHARS:
        raise DraftError(f"The recipient's name is too long (the limit is {MAX_NAME_CHARS} "
                         "characters); give just their name.")
    raw = _one_line(context)
    if not raw:
        raise DraftError(f"What should the {kind} note be about? {_CONTEXT_HINTS[kind]}")
    if len(raw) > MAX_CONTEXT_CHARS:
        raise DraftError(f"The context is {len(raw):,} characters long; the limit is "
                         f"{MAX_CONTEXT_CHARS} characters. Keep it to the key facts.")
    sender = _one_line(sender or "")[:MAX_NAME_CHARS] or None
    ctx = _address(raw, to)

    steps = find_steps(kind, retrieve)
    subject, paragraphs, sign_off, notice = _BUILDERS[kind](to, ctx, sender, steps)
    greeting = _greeting(kind, to)
    closing = f"{sign_off},\n{sender}" if sender else f"{sign_off},"
    body = "\n\n".join([greeting, *(p for p in paragraphs if p), closing])

    points, sources = guidance_points(steps)
    first = NO_GUIDANCE if not steps else steps.notice
    notice = " ".join(n for n in (first, notice) if n) or None
    return Draft(kind=kind, to=to, subject=subject, body=body, points=points, sources=sources,
                 notice=notice)


_CONTEXT_HINTS = {
    "outreach": "Say what you'd like their guidance on, e.g. \"public speaking and negotiating "
                "salary\".",
    "thank-you": "Say what they did and how it turned out, e.g. \"for the referral — I got the "
                 "interview\".",
    "back-off": "Say what they've helped you with, e.g. \"your help with my promotion case\".",
    "follow-up": "Say how things turned out, e.g. \"how the interview went — I got the job\".",
    "meeting": "Say what you'd like to talk about, e.g. \"she agreed to meet; I want guidance on "
               "moving into UX leadership\".",
}

_Built = tuple[str, list[str], str, str | None]  # subject, paragraphs, sign-off, notice


def _outreach(to: str, ctx: str, sender: str | None, steps: Steps) -> _Built:
    parts = parse_context(ctx)
    intro = (f"My name is {sender}, and I'm reaching out because I'm looking for some guidance "
             "as I grow in my field." if sender else
             "I hope you don't mind me reaching out: I'm looking for some guidance as I grow in "
             "my field.")
    about = [parts.met, intro, *parts.intro_sentences(), _want_sentence(parts)]
    paragraphs = [
        " ".join(s for s in about if s),
        " ".join(s for s in (_ask_sentence(steps), _prepare_sentence(steps)) if s),
        "If now isn't a good time, no worries at all. I completely understand how busy things "
        "get.",
        "Thank you for considering it.",
    ]
    notice = None
    words = sum(len(p.split()) for p in paragraphs) + 6
    if words > OUTREACH_MAX_WORDS:
        notice = (f"This note is about {words} words; a first approach works best short "
                  f"(under {OUTREACH_MAX_WORDS}), so consider trimming the details.")
    ask = steps.facts("ask").ask
    channel = steps.facts("ask").channel
    subject = (f"Could I ask your advice over {channel}?" if channel in ("coffee", "lunch") else
               f"Could I ask your advice on {ask}?" if ask else "Could I ask your advice?")
    return subject, paragraphs, "Best regards", notice


def _want_sentence(parts: Parts) -> str | None:
    return f"I'd value your perspective on {parts.want}." if parts.want else None


def _ask_sentence(steps: Steps) -> str:
    """The request: what the guidance says to ask for, else a small neutral ask."""
    facts = steps.facts("ask")
    ask = facts.ask or "a coffee or a short call"
    when = " at a time that suits you" if steps.get("slots") or facts.slots else \
        " sometime in the next few weeks"
    slots = steps.facts("slots").slots or facts.slots
    offer = (f"I'm happy to suggest {slots} possible times." if slots else
             "I'm happy to work around your schedule.")
    return f"Would you be open to {ask}{when}? {offer}"


def _prepare_sentence(steps: Steps) -> str | None:
    """What to send ahead: questions in advance when the guidance says so, nothing when it
    says there is no need, else the neutral promise to come prepared."""
    facts = steps.facts("prepare")
    if facts.in_advance:
        return (f"I'll send {facts.questions or 'a few'} questions in advance, so you know what "
                "I'd like to talk about.")
    if facts.no_advance:
        return None
    return "I'll come with a few focused questions."


def _thank_you(to: str, ctx: str, sender: str | None, steps: Steps) -> _Built:
    what, outcome = _split_outcome(ctx)
    paragraphs = []
    if what:
        paragraphs.append(f"{_thanks_sentence(what)} I really appreciate the time and effort you "
                          "put into it.")
    else:
        paragraphs.append("Thank you so much for your help. I really appreciate the time and "
                          "effort you gave me.")
    notice = None
    if outcome:
        paragraphs.append(f"I wanted you to know how it turned out: {_finish(outcome)}")
        paragraphs.append("Your help made a real difference, and I'm very grateful.")
    else:
        paragraphs.append("It means a lot to have your support, and I'll be sure to let you "
                          "know how things turn out.")
        notice = (f"Once you know how things turned out, tell {_first_name(to)}: the guidance "
                  "suggests letting your mentor know the outcome.")
    subject = (f"Thank you {what.rstrip('.!')}" if what and what.lower().startswith("for ")
               and len(what.split()) <= 8 else f"Thank you, {_first_name(to)}")
    return subject, paragraphs, "With thanks", notice


def _back_off(to: str, ctx: str, sender: str | None, steps: Steps) -> _Built:
    helped = _help_part(ctx)
    thing = _thanks_object(helped) if helped else "for all the help and advice you've given me"
    thanks = (f"I wanted to send a quick note to thank you {thing}." if thing else
              f"I wanted to send a quick note to say thank you: {_finish(helped)}")
    step_back = ("I know how full your plate is, so I'll step back for now. There's no need to "
                 "reply to this note.")
    who = steps.facts("escalate").escalate_to
    if who:  # the guidance names someone to tell: the note says so, openly and without blame
        step_back += (f" As our programme suggests, I'll let the {who} know we've lost touch "
                      "for now, so there's no pressure on either of us.")
    paragraphs = [
        f"{thanks} It has meant a lot to me.",
        step_back,
        "Whenever you're ready, I'd love to be back in touch. Until then, I wish you all the best.",
    ]
    return "Thank you for all your help", paragraphs, "Warm wishes", None


def _meeting(to: str, ctx: str, sender: str | None, steps: Steps) -> _Built:
    """A note asking for (or setting up) a first meeting, with a short agenda."""
    parts = parse_context(ctx)
    opener = parts.met or "Thank you for being open to meeting with me."
    facts = steps.facts("ask")
    ask = facts.ask or "a short first meeting"
    slots = steps.facts("slots").slots or facts.slots
    times = (f"I can suggest {slots} possible times, or fit around whatever suits you best."
             if slots else "I'm happy to fit around whatever time suits you best.")
    topic = parts.want or " ".join(parts.other).rstrip(".") or None
    prepare = steps.facts("prepare")
    if topic and prepare.in_advance:
        count = prepare.questions or "a few"
        agenda = (f"So you know what I'd like to talk about, I'll send {count} questions in "
                  f"advance; they will be about {topic}.")
    elif topic:
        agenda = f"What I'd most like to talk about is {topic}."
    else:
        agenda = "I'll come with a short list of questions, and I'm glad to let you guide the " \
            "conversation."
    paragraphs = [
        " ".join(s for s in (opener, *(x for x in (parts.about_me,) if x)) if s),
        f"Would {ask} work for you? {times}",
        agenda,
        "Thank you for your time; I'm looking forward to it.",
    ]
    subject = f"A first {facts.channel or 'meeting'}" + (f": {_short(topic)}" if topic else "")
    return subject, paragraphs, "Best regards", None


def _short(topic: str) -> str:
    words = topic.split()
    return topic if len(words) <= 8 else " ".join(words[:8]) + " …"


def _follow_up(to: str, ctx: str, sender: str | None, steps: Steps) -> _Built:
    topic, outcome = _split_topic(ctx)
    notice = None
    if outcome:
        opener = (f"I wanted to let you know {topic}: {_finish(outcome)}" if topic
                  else f"I wanted to let you know how things turned out: {_finish(outcome)}")
    else:
        opener = f"I wanted to let you know {topic}: [say how it turned out]."
        notice = ("Fill in how it turned out: telling your mentor the outcome is the point of a "
                  "follow-up.")
    credited = re.search(r"\b(your|you)\b", outcome or "", re.I)
    contribution = ("I'm so grateful for the part you played in it." if credited else
                    "Your advice played a real part in this, and I wanted you to know it made a "
                    "difference.")
    paragraphs = [
        opener,
        contribution,
        "Thank you for your time and guidance. I really appreciate it.",
    ]
    subject = _sentence_case(topic) if topic and topic.lower().startswith("how ") \
        and len(topic.split()) <= 8 else "A quick update, and thank you"
    return subject, paragraphs, "All the best", notice


_BUILDERS = {"outreach": _outreach, "thank-you": _thank_you, "back-off": _back_off,
             "follow-up": _follow_up, "meeting": _meeting}


def _greeting(kind: str, to: str) -> str:
    """ "Dear Dr. Lee," / "Dear Dr. Ruiz," (for "Dr. Ana Ruiz") / "Hi Marcus,"; a role rather
    than a name ("your mentor", when chat never named them) gets a plain "Hi," instead of
    "Hi your,"."""
    if is_role(to):
        return "Hi,"
    if kind != "outreach":
        return f"Hi {_first_name(to)},"
    titled = re.match(rf"{TITLE}\s", to)  # "Dear Dr. Ruiz," for "Dr. Ana Ruiz"
    return f"Dear {_first_name(to) if titled else to},"
