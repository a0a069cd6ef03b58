"""Building a draft: a fixed structure per kind, the user's context as data, guidance cited."""

from __future__ import annotations

import re

from coach.drafts.guidance import Retrieve, _guidance
from coach.drafts.kinds import normalize_kind
from coach.drafts.wording import (
    _address,
    _finish,
    _first_name,
    _help_part,
    _one_line,
    _outreach_areas_sentence,
    _sentence_case,
    _split_outcome,
    _split_topic,
    _thanks_object,
    _thanks_sentence,
)
from coach.errors import DraftError
from coach.results import Draft

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

    subject, paragraphs, sign_off, notice = _BUILDERS[kind](to, ctx, sender)
    greeting = f"Dear {to}," if kind == "outreach" else f"Hi {_first_name(to)},"
    closing = f"{sign_off},\n{sender}" if sender else f"{sign_off},"
    body = "\n\n".join([greeting, *paragraphs, closing])

    points, sources, found = _guidance(kind, retrieve)
    if not found:
        notice = " ".join(n for n in (NO_GUIDANCE, notice) if n)
    return Draft(kind=kind, to=to, subject=subject, body=body, points=points, sources=sources,
                 notice=notice)


_CONTEXT_HINTS = {
    "outreach": "Say what you'd like their guidance on, e.g. \"public speaking and negotiating "
                "salary\".",
    "thank-you": "Say what they did and how it turned out, e.g. \"for the referral — I got the "
                 "interview\".",
    "back-off": "Say what they've helped you with, e.g. \"your help with my promotion case\".",
    "follow-up": "Say how things turned out, e.g. \"how the interview went — I got the job\".",
}


def _outreach(to: str, ctx: str, sender: str | None) -> tuple[str, list[str], str, str | None]:
    intro = (f"My name is {sender}, and I'm reaching out because I'm looking for some guidance "
             "as I grow in my field." if sender else
             "I hope you don't mind me reaching out: I'm looking for some guidance as I grow in "
             "my field.")
    paragraphs = [
        f"{intro} {_outreach_areas_sentence(ctx)}",
        "Would you be open to a coffee or a short 20-minute call sometime in the next few weeks? "
        "I'm happy to work around your schedule, and I'll come with a few focused questions.",
        "If now isn't a good time, no worries at all. I completely understand how busy things "
        "get.",
        "Thank you for considering it.",
    ]
    notice = None
    words = sum(len(p.split()) for p in paragraphs) + 6
    if words > OUTREACH_MAX_WORDS:
        notice = (f"This note is about {words} words; a first approach works best short "
                  f"(under {OUTREACH_MAX_WORDS}), so consider trimming the details.")
    return "Could I ask your advice over coffee?", paragraphs, "Best regards", notice


def _thank_you(to: str, ctx: str, sender: str | None) -> tuple[str, list[str], str, str | None]:
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


def _back_off(to: str, ctx: str, sender: str | None) -> tuple[str, list[str], str, str | None]:
    helped = _help_part(ctx)
    thing = _thanks_object(helped) if helped else "for all the help and advice you've given me"
    thanks = (f"I wanted to send a quick note to thank you {thing}." if thing else
              f"I wanted to send a quick note to say thank you: {_finish(helped)}")
    paragraphs = [
        f"{thanks} It has meant a lot to me.",
        "I know how full your plate is, so I'll step back for now. There's no need to reply to "
        "this note.",
        "Whenever you're ready, I'd love to be back in touch. Until then, I wish you all the best.",
    ]
    return "Thank you for all your help", paragraphs, "Warm wishes", None


def _follow_up(to: str, ctx: str, sender: str | None) -> tuple[str, list[str], str, str | None]:
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
             "follow-up": _follow_up}
