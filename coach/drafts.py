"""Email drafts (outreach, thank-you, back-off, follow-up): fixed structures citing the guidance."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from coach.errors import DraftError, StoreError
from coach.results import Draft, Passage
from coach.safety import looks_like_injection
from coach.text import clean_user_text, content_words, split_sentences

KINDS = ("outreach", "thank-you", "back-off", "follow-up")
MAX_CONTEXT_CHARS = 600
MAX_NAME_CHARS = 80
OUTREACH_MAX_WORDS = 150

_ALIASES = {
    "outreach": "outreach", "reach-out": "outreach", "reachout": "outreach", "intro": "outreach",
    "introduction": "outreach", "ask": "outreach", "request": "outreach", "cold": "outreach",
    "thank-you": "thank-you", "thankyou": "thank-you", "thanks": "thank-you", "thank": "thank-you",
    "thank-you-note": "thank-you", "gratitude": "thank-you",
    "back-off": "back-off", "backoff": "back-off", "back-away": "back-off", "step-back": "back-off",
    "follow-up": "follow-up", "followup": "follow-up", "update": "follow-up",
    "outcome": "follow-up",
}

Retrieve = Callable[[str], list[Passage]]


@dataclass(frozen=True)
class DraftRequest:
    """A draft asked for in chat. `to`/`context` may be "" when the message left them out."""

    kind: str
    to: str
    context: str


@dataclass(frozen=True)
class _Point:
    """One piece of guidance a kind of note follows: what the note does, and how to find it."""

    label: str
    query: str


# Fixed per kind, never built from user text: the evidence a draft cites cannot be steered.
_POINTS: dict[str, tuple[_Point, ...]] = {
    "outreach": (
        _Point("Introduces you", "simply introduce yourself to the person or ask a mutual "
               "acquaintance to do the honors"),
        _Point("Names the areas you want guidance on and asks for coffee",
               "explain you're looking for guidance in your field, describe particular areas "
               "you're seeking guidance on, take her out for coffee and pick her brain"),
        _Point("Asks for something small, not a lifelong commitment",
               "rather than asking for a lifelong commitment, start with something simple like "
               "lunch"),
        _Point("Makes it easy to say no", "if she declines, let it go; it's nothing personal"),
    ),
    "thank-you": (
        _Point("Thanks them for something specific",
               "she helps you with a sticky work situation or puts in a good word for you, let her "
               "know how much you appreciate her time and effort"),
        _Point("Tells them the outcome", "let your mentor know the outcome of situations she "
               "helped with and the value of the information she provided"),
        _Point("Keeps it a sincere note", "don't underestimate the power of a genuine thank you, "
               "writing a sincere note"),
    ),
    "back-off": (
        _Point("Backs off instead of pressing",
               "if your mentor stops returning calls, your best bet is to back way off; she feels "
               "overwhelmed"),
        _Point("Thanks them and offers to reconnect when they're ready",
               "send her a note thanking her for her continued help, let her know you'd like to "
               "be back in touch when she's ready"),
        _Point("Leaves the next step to them",
               "let her be the one to suggest your next get-together"),
    ),
    "follow-up": (
        _Point("Tells them how things turned out",
               "take time to let your mentor know the outcome of situations she helped with"),
        _Point("Says what their help was worth",
               "she helps you with a sticky work situation or puts in a good word for you that "
               "leads to a great job, let her know how much you appreciate her time and effort"),
        _Point("Thanks them", "don't underestimate the power of a genuine thank you"),
    ),
}

NO_GUIDANCE = ("I couldn't find the guidance these notes are based on in the library, so this "
               "draft follows the usual structure without citing any guidance points.")

# A sentence must share this much with a point's query to be cited for it.
_MIN_SHARED_WORDS = 2
_MIN_RECALL = 0.34


# --------------------------------------------------------------------------- composing


def normalize_kind(kind: str) -> str:
    """The canonical kind for an alias ("Thank you", "thanks", "backoff" ...); else DraftError."""
    key = re.sub(r"[\s_]+", "-", clean_user_text(kind or "").strip().lower())
    key = re.sub(r"-?(note|email|e-mail|message|letter)$", "", key).strip("-")
    if key in _ALIASES:
        return _ALIASES[key]
    if key.replace("-", "") in _ALIASES:
        return _ALIASES[key.replace("-", "")]
    shown = f"{kind!r} is not a kind I know. " if key else ""
    raise DraftError(f"{shown}Which kind of note should I draft? Choose one of: "
                     f"{', '.join(KINDS)}.")


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


# --------------------------------------------------------------------------- context wording

_HELP_NOUN = (r"help|guidance|advice|input|perspective|pointers|tips|support|mentoring|"
              r"mentorship|insights?|thoughts")
_WANT = (r"(?:i(?:\s+would|['’]d)\s+(?:really\s+)?(?:like|love|appreciate|value)|"
         r"i\s+(?:really\s+)?(?:want|need|could\s+use)|i(?:\s+am|['’]m)\s+(?:looking|hoping)\s+for|"
         r"looking\s+for|hoping\s+for)\s+(?:some\s+|your\s+|any\s+)?")
_AREAS_ONLY = re.compile(rf"^(?:{_WANT})?(?:{_HELP_NOUN})\s+(?:with|on|about|in|around|for|"
                         rf"regarding)\s+(?P<areas>.+)$", re.I)
_FIRST_PERSON = re.compile(r"(?:^|[\s,;:—–(])(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll)\b|^my\b",
                           re.I)


def _outreach_areas_text(ctx: str) -> str:
    """The context as the outreach note names it (an area list, or the user's own sentence)."""
    text = ctx.strip().rstrip(".;,:?!")
    match = _AREAS_ONLY.match(text)
    if match:
        return match.group("areas").strip().rstrip(".;,:?!")
    if _FIRST_PERSON.search(text):
        return _sentence_case(text)
    return re.sub(r"^(?:with|on|about|in|regarding)\s+", "", text, flags=re.I)


def _outreach_areas_sentence(ctx: str) -> str:
    text = ctx.strip().rstrip(".;,:?!")
    areas = _outreach_areas_text(ctx)
    if not _AREAS_ONLY.match(text) and _FIRST_PERSON.search(text):
        return _as_clause(areas)
    return f"I'd especially value your perspective on {areas}."


_OUTCOME_SPLIT = re.compile(
    r"\s+[—–]\s+|\s+--?\s+|;\s+|(?<=[a-z0-9)])[.!]\s+(?=[A-Z])|:\s+|"
    r",?\s+and\s+(?=(?:I|we|they|it|she|he)\b)|,\s+(?=(?:I|we|they|it|she|he)\b)|"
    r",?\s+(?=which\b)")
_SITUATION = re.compile(
    r"\b(?:stopped|stop|not|isn'?t|hasn'?t(?:\s+been)?|haven'?t|never|no\s+longer)\s+"
    r"(?:replying|responding|answering|returning|getting\s+back|writing\s+back|heard|been\s+"
    r"(?:replying|responding)|replied|responded)|\b(?:ghost(?:ed|ing)?|silent|silence|no\s+reply|"
    r"no\s+response|awol|went\s+quiet|gone\s+quiet|overwhelmed|too\s+busy|ignor(?:e|ed|ing))\b",
    re.I)


def _split_outcome(ctx: str) -> tuple[str, str | None]:
    """("for the referral", "I got the job") from "for the referral — I got the job"."""
    text = ctx.strip()
    if re.match(r"^(?:I|we)\b", text):
        return "", text  # the whole context is what happened
    match = _OUTCOME_SPLIT.search(text)
    if not match:
        return text, None
    what, outcome = text[: match.start()].strip(" ,"), text[match.end():].strip()
    if outcome.lower().startswith("which "):
        outcome = "that " + outcome[6:]
    return what, outcome or None


def _split_topic(ctx: str) -> tuple[str, str | None]:
    """("how the interview went", "I got the job") from "how the interview went — I got the job"."""
    text = ctx.strip()
    if not re.match(r"^(?:how|about|on|regarding)\b", text, re.I):
        return "", text
    match = re.search(r"\s+[—–]\s+|\s+--?\s+|;\s+|:\s+|[.!]\s+|,\s+", text)
    if not match:
        return _topic_phrase(text.rstrip(".")), None
    return _topic_phrase(text[: match.start()]), text[match.end():].strip() or None


def _topic_phrase(topic: str) -> str:
    topic = topic.strip(" ,.")
    if re.match(r"^(?:about|on|regarding)\b", topic, re.I):
        return "the latest " + topic  # "the latest on the interview"
    return topic


def _help_part(ctx: str) -> str:
    """The part of a back-off context that says what they helped with; never the complaint."""
    clauses = re.split(r"\s*[,;.—–]\s+|\s+but\s+|\s+and\s+(?=(?:she|he|they|you|now|lately)\b)",
                       ctx.strip().rstrip("."))
    kept = [c for c in clauses if c and not _SITUATION.search(c)]
    helpful = [c for c in kept if re.search(rf"\b(?:{_HELP_NOUN}|helped|helping|for|taught|"
                                            r"introduc\w*|referr\w*|recommend\w*|encourag\w*)\b",
                                            c, re.I)]
    return helpful[0] if helpful else ""


_NOUN_START = re.compile(r"^(?:your|all|the|a|an|everything|every|each|this|that|those|these|"
                         r"our|so\s+much)\b", re.I)
_BARE_HELP = re.compile(rf"^(?:{_HELP_NOUN}|time|feedback|introduction|intro|referral|"
                        r"recommendation|encouragement|reference|kind\s+words)\b", re.I)


def _thanks_object(what: str) -> str | None:
    """What follows "thank you" for the user's words ("for your help with X"), if it fits there."""
    what = re.sub(r"^(?:thanks|thank\s+you)\s+(?=for\b)", "", what.strip().rstrip(".;,:?!"),
                  flags=re.I)
    if re.match(r"^about\s+", what, re.I):
        what = "for " + what[6:]
    if re.match(r"^for\s+", what, re.I):
        return what
    if _BARE_HELP.match(what):
        return f"for your {what}"
    if _NOUN_START.match(what) or re.match(r"^\w+ing\b", what):
        return f"for {what}"
    return None


def _thanks_sentence(what: str) -> str:
    """A thank-you sentence around the user's own words for what the recipient did."""
    thing = _thanks_object(what)
    if thing:
        return f"Thank you so much {thing}."
    if re.match(r"^you\b", what.strip(), re.I):
        clause = _as_clause(what)
        return f"Thank you so much: {clause[:1].lower()}{clause[1:]}"
    return f"Thank you so much. {_as_clause(what)}"


def _finish(text: str) -> str:
    """User text kept as typed (it follows a colon), ending in a full stop unless it has one."""
    text = text.strip()
    return text if text[-1:] in ".!?" else f"{text}."


def _as_clause(text: str) -> str:
    """User text as a finished sentence: first letter capitalised, a full stop unless it has one."""
    text = _sentence_case(text.strip())
    return text if text[-1:] in ".!?" else f"{text}."


def _sentence_case(text: str) -> str:
    if text[:2] == "i " or text == "i":
        return "I" + text[1:]
    return text[:1].upper() + text[1:]


# Someone else the context mentions, whom "she"/"he" could mean ("as a manager" is the mentee).
_OTHER_PEOPLE = re.compile(
    r"(?<!\bas\s)(?<!\bas\sa\s)(?<!\bas\san\s)\b(?:manager|recruiter|interviewer|boss|"
    r"colleague|coworker|co-worker|friend|client|professor|teacher|panel|director|ceo|founder|"
    r"lead|mom|dad|mother|father|wife|husband|partner|sister|brother|hr|team)s?\b|"
    r"\b(?:they|them|their|someone|somebody|woman|man|person|people)\b", re.I)
_PRONOUN = {"she": "you", "he": "you", "him": "you", "his": "your", "hers": "yours",
            "herself": "yourself", "himself": "yourself"}
_NOT_A_NOUN = frozenset({
    "to", "for", "with", "about", "at", "on", "in", "into", "from", "by", "of", "and", "or", "but",
    "so", "because", "if", "when", "as", "than", "that", "this", "up", "out", "down", "over",
    "after", "before", "again", "too", "know", "think", "i", "me", "my", "the", "a", "an", "it",
    "some", "any", "all", "every", "what", "how", "why", "last", "next", "yesterday", "today",
    "tomorrow",
})
_AGREEMENT = ((r"\byou was\b", "you were"), (r"\byou wasn't\b", "you weren't"),
              (r"\byou is\b", "you are"), (r"\byou isn't\b", "you aren't"),
              (r"\byou has\b", "you have"), (r"\byou hasn't\b", "you haven't"),
              (r"\byou does\b", "you do"), (r"\byou doesn't\b", "you don't"))


def _address(ctx: str, to: str) -> str:
    """Speak to the recipient: "Marcus's referral" -> "your referral", "she helped" -> "you helped".

    Pronouns are only swapped when the context names no one else they could refer to.
    """
    names = {to, _first_name(to), to.split()[-1]} - {""}
    text = ctx
    for name in sorted(names, key=len, reverse=True):
        esc = re.escape(name)
        text = re.sub(rf"\b{esc}['’]s\b", "your", text)
        text = re.sub(rf"\b{esc}\b(?=\s+[a-z])", "you", text)
        text = re.sub(rf"\b(to|for|with|thank|told|asked)\s+{esc}\b", r"\1 you", text)
    capitalised = [w for w in re.findall(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+", text)
                   if w not in {"I", "I'm", "I’m"}]
    if not capitalised and not _OTHER_PEOPLE.search(text):
        text = _PRONOUN_RE.sub(_to_you, text)
    elif _PRONOUN_RE.match(text):
        text = _PRONOUN_RE.sub(_to_you, text, count=1)  # a context opening "he ..." means them
    for pattern, fixed in _AGREEMENT:
        text = re.sub(pattern, fixed, text, flags=re.I)
    return text


_PRONOUN_RE = re.compile(r"\b(she|he|him|his|hers|herself|himself|her)\b(?=(\s*[\w'’]*))", re.I)


def _to_you(match: re.Match[str]) -> str:
    word, following = match.group(1), match.group(2).strip().lower()
    if word.lower() == "her":  # "her advice" -> "your advice", "asked her to" -> "asked you to"
        noun_follows = following and following[0].isalpha() and following not in _NOT_A_NOUN
        out = "your" if noun_follows else "you"
    else:
        out = _PRONOUN[word.lower()]
    return out.capitalize() if word[0].isupper() else out


def _first_name(to: str) -> str:
    """ "Marcus" for "Marcus Chen"; titled names stay whole ("Dr. Lee")."""
    parts = to.split()
    if len(parts) > 1 and not re.match(r"^(?:Dr|Prof|Professor|Mr|Mrs|Ms|Mx|Miss|Sir|Dame)\.?$",
                                       parts[0], re.I):
        return parts[0]
    return to


def _one_line(text: str) -> str:
    """User text as one clean line: no control characters, whitespace collapsed."""
    text = clean_user_text(str(text or ""))
    text = "".join(ch for ch in text if ch not in "\u200b\u200c\u200d\u2060\ufeff")
    return " ".join(text.split())


# --------------------------------------------------------------------------- guidance points


def _guidance(kind: str, retrieve: Retrieve) -> tuple[list[str], list[Passage], bool]:
    """Points quoting one retrieved sentence each, and the passages they cite renumbered 1..m."""
    chosen: list[tuple[list[str], str, Passage]] = []  # labels, sentence, passage
    for point in _POINTS[kind]:
        try:
            passages = retrieve(point.query)
        except StoreError:
            passages = []  # an empty or missing store: draft without guidance, say so
        ranked = _rank_sentences(point.query, passages)
        used = {sentence for _, sentence, _ in chosen}
        fresh = [(s, p) for s, p in ranked if s not in used]
        if fresh:
            sentence, passage = fresh[0]
            chosen.append(([point.label], sentence, passage))
        elif ranked:  # the best sentence already serves another point: say it serves both
            for labels, sentence, _ in chosen:
                if sentence == ranked[0][0]:
                    labels.append(point.label[:1].lower() + point.label[1:])
    sources: list[Passage] = []
    numbers: dict[str, int] = {}
    points = []
    for labels, sentence, passage in chosen:
        if passage.id not in numbers:
            numbers[passage.id] = len(sources) + 1
            sources.append(replace(passage, n=numbers[passage.id]))
        points.append(f"{'; '.join(labels)}: \"{sentence}\" [{numbers[passage.id]}]")
    return points, sources, bool(points)


def _rank_sentences(query: str, passages: list[Passage]) -> list[tuple[str, Passage]]:
    """Sentences of `passages` that share enough with `query`, most relevant first."""
    wanted = content_words(query)
    want_set, want_pairs = set(wanted), set(zip(wanted, wanted[1:], strict=False))
    if not want_set:
        return []
    scored = []
    for rank, passage in enumerate(passages):
        for position, sentence in enumerate(split_sentences(passage.text)):
            if sentence not in passage.text or len(sentence.split()) < 4:
                continue  # only quote what a reader can find verbatim in the source
            if looks_like_injection(sentence):
                continue  # orders aimed at an AI are never guidance a draft follows
            words = content_words(sentence)
            shared = want_set & set(words)
            recall = len(shared) / len(want_set)
            if len(shared) < _MIN_SHARED_WORDS or recall < _MIN_RECALL:
                continue
            pairs = want_pairs & set(zip(words, words[1:], strict=False))
            score = recall + 0.5 * len(pairs) / max(len(want_pairs), 1)
            scored.append((-score, rank, position, sentence, passage))
    scored.sort(key=lambda item: item[:3])
    return [(sentence, passage) for *_, sentence, passage in scored]


# --------------------------------------------------------------------------- checks


_QUESTION = re.compile(r"\?")
_DEADLINE = re.compile(
    r"\b(?:by\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|"
    r"the\s+end|end\s+of|next|eod|cob)|asap|as\s+soon\s+as\s+possible|deadline|urgent(?:ly)?|"
    r"today|tomorrow|this\s+week|waiting|haven't\s+heard|still\s+waiting|any\s+update|"
    r"remind(?:er)?|following\s+up\s+again)\b", re.I)
_NEW_REQUEST = re.compile(r"\b(?:could|would|can|will)\s+you\b|\bplease\s+let\s+me\s+know\b|"
                          r"\blet\s+me\s+know\s+if\b|\bi\s+was\s+wondering\b|\bfavou?r\b", re.I)
_BIG_ASK = re.compile(r"\bbe\s+my\s+mentor\b|\bmentor\s+me\b|\blong[\s-]term\b|\blifelong\b|"
                      r"\bongoing\b|\bcommit(?:ment)?\b|\bevery\s+week\b|\bweekly\b|"
                      r"\bregular(?:ly)?\s+(?:meet|call|check)", re.I)


def check_draft(draft: Draft, context: str) -> dict[str, bool]:
    """The properties a draft of its kind must show, each True/False (for tests and `coach eval`).

    Wording checks look at the note minus the user's context, so what the user typed cannot
    make a draft pass or fail.
    """
    kind = normalize_kind(draft.kind)
    ctx = _address(_one_line(context), draft.to)
    body = draft.body
    own = body.replace(ctx, " ")
    structure = bool(draft.subject.strip()) and _first_name(draft.to) in body.split("\n", 1)[0]
    checks: dict[str, bool] = {"has_subject_and_greeting": structure}
    if kind == "outreach":
        checks.update(
            short=len(body.split()) <= OUTREACH_MAX_WORDS,
            introduces_sender=bool(re.search(r"\bmy name is\b|\breaching out\b", own, re.I)),
            names_areas=_outreach_areas_text(ctx) in body,
            small_ask=bool(re.search(r"\b(?:coffee|lunch|short\s+(?:\d+-minute\s+)?call|"
                                     r"quick\s+call|\d+-minute)\b", own, re.I))
            and "?" in own,
            easy_to_say_no=bool(re.search(r"no worries|completely understand|isn't a good time|"
                                          r"no pressure|totally fine", own, re.I)),
            no_big_commitment=not _BIG_ASK.search(own),
        )
    elif kind == "thank-you":
        what, outcome = _split_outcome(ctx)
        checks.update(
            thanks=bool(re.search(r"\bthank", own, re.I)),
            specific=(what or ctx).strip().rstrip(".;,:?!").lower() in body.lower(),
            tells_outcome=(outcome.rstrip(".!") in body) if outcome else
            bool(re.search(r"let you know how (?:it|things) turns? out", own, re.I)),
            no_new_request=not _QUESTION.search(own) and not _NEW_REQUEST.search(own),
        )
    elif kind == "back-off":
        checks.update(
            thanks=bool(re.search(r"\bthank", own, re.I)),
            no_pressure=not _QUESTION.search(own) and not _DEADLINE.search(own),
            offers_reconnect=bool(re.search(r"when(?:ever)? you(?:'re| are) ready|back in touch",
                                            own, re.I)),
        )
    else:
        topic, outcome = _split_topic(ctx)
        checks.update(
            tells_outcome=bool(outcome) and outcome.rstrip(".!") in body,
            credits_their_help=bool(re.search(r"\byour (?:advice|help|guidance|support|input)\b|"
                                              r"\bthe part you played\b", own, re.I)),
            thanks=bool(re.search(r"\bthank", own, re.I)),
        )
    return checks


# --------------------------------------------------------------------------- chat requests

_TITLE = r"(?:Dr|Prof|Professor|Mr|Mrs|Ms|Mx|Miss|Coach)\.?\s+"
_CAP = r"[A-Z][a-zA-Z'’\-]+"
_NAME = rf"(?:{_TITLE})?{_CAP}(?:\s+(?!I\b|I['’]){_CAP})?"
_NOT_NAMES = frozenset({
    "I", "I'm", "I’m", "Im", "My", "Me", "Mentor", "The", "A", "An", "Hi", "Hello", "Hey", "Thanks",
    "Thank", "Please", "Can", "Could", "Would", "Will", "This", "That", "It", "He", "She", "They",
    "Him", "Her", "Them", "We", "You", "Your", "Our", "Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday", "Today", "Tomorrow", "Yesterday", "Coffee", "Lunch",
})
_RELATION = (r"(?:my\s+(?:(?:old|former|new|current|prospective|potential|future)\s+)?"
             r"(?:mentor|manager|boss|colleague|friend|professor|advisor|adviser|coach)\s*,?\s+)")
_RECIPIENT = [
    re.compile(rf"(?i:\b(?:thanking|thank)\s+{_RELATION}?)(?P<name>{_NAME})"),
    re.compile(rf"(?i:\blet\s+{_RELATION}?)(?P<name>{_NAME})(?i:\s+know\b)"),
    re.compile(rf"(?i:\b(?:to|for|with|tell|telling|update|updating|email|e-mail|message|"
               rf"asking|ask)\s+{_RELATION}?)(?P<name>{_NAME})"),
    re.compile(rf"(?i:\b{_RELATION})(?P<name>{_NAME})"),  # "my mentor Sam stopped replying"
]
_NOTE = (r"(?:(?:quick|short|brief|nice|polite|warm|friendly|formal|gentle|sincere|kind|cold|first|"
         r"introductory|intro|thank[\s-]?you|thanks|follow[\s-]?up|outreach|back[\s-]?off|update)"
         r"\s+){0,3}(?:note|email|e-mail|message|letter|reply|text|dm)s?\b")
_INSTRUCTION = re.compile(rf"(?i:\b(?:draft|write|compose|prepare|put\s+together)\s+"
                          rf"(?:me\s+|up\s+)?(?:a\s+|an\s+|the\s+|my\s+|some\s+)?{_NOTE})")
_POLITE_PREFIX = re.compile(
    r"(?:^|[,.;:!?—–]\s*|\bso\s+|\band\s+)(?P<lead>(?:(?:hi|hey|ok|okay)[,!]?\s+)?(?:please\s+)?"
    r"(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?(?:(?:now|also|just|quickly)\s+)?"
    r"(?:help\s+me\s+(?:to\s+)?|i(?:\s+need|\s+want|\s+would\s+like|['’]d\s+like)\s+(?:you\s+)?"
    r"to\s+)?(?:please\s+)?)$", re.I)
_IMPERATIVE = re.compile(
    rf"^(?i:(?:(?:hi|hey|ok|okay)[,!]?\s+)?(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+"
    rf"(?:please\s+)?)?(?:help\s+me\s+(?:to\s+)?)?)"
    rf"(?P<verb>(?i:thank|let|tell|update|follow\s+up\s+with|reach\s+out\s+to|email|e-mail|"
    rf"message|write\s+to))\s+(?i:{_RELATION})?(?P<name>{_NAME})")
_QUESTION_START = re.compile(
    r"^(?:what|how|why|when|where|who|whom|which|whose|should|shall|is|are|am|was|were|do|does|"
    r"did|have|has|may|might|must|any|tips)\b|^(?:can|could|would|will)\s+(?!you\b)", re.I)

_KIND_CUES = [
    ("thank-you", re.compile(r"\bthank[\s-]?you\s+(?:note|email|e-mail|message|letter)|"
                             r"\bthanks\s+(?:note|email|message)", re.I)),
    ("follow-up", re.compile(r"\bfollow[\s-]?up\s+(?:note|email|e-mail|message|letter)", re.I)),
    ("outreach", re.compile(r"\boutreach\b|\bcold\s+(?:email|note|message)", re.I)),
    ("back-off", re.compile(
        r"\bback(?:ing)?[\s-]*(?:way\s+)?off\b|\bbackoff\b|\bstep(?:ping)?\s+back\b|"
        r"\bstopped\s+(?:replying|responding|answering|returning|getting\s+back)|"
        r"\b(?:isn'?t|is\s+not|hasn'?t\s+been|has\s+not\s+been|not)\s+(?:replying|responding|"
        r"answering|returning)|\bghost(?:ed|ing)\b|\bgive\s+(?:him|her|them)\s+(?:some\s+)?"
        r"space\b|\b(?:went|gone)\s+(?:quiet|silent|awol)\b", re.I)),
    ("thank-you", re.compile(r"\bthank(?:ing|s)?\b(?!\s+to\b)|\bgratitude\b|\bappreciation\b",
                             re.I)),
    ("follow-up", re.compile(r"\blet\s+.+?\s+know\b|\bupdat(?:e|ing)\b|\bfollow(?:ing)?\s+up\b|"
                             r"\bhow\s+(?:it|things|(?:the|my)\s+\w+(?:\s+\w+)?)\s+(?:went|"
                             r"turned\s+out|go)\b|\boutcome\b|\btell\s+" + _NAME, re.I)),
    ("outreach", re.compile(r"\bbe\s+my\s+mentor\b|\bmentor\s+me\b|\breach(?:ing)?\s+out\b|"
                            r"\bintroduc(?:e|ing)\s+myself\b|\bcoffee\b|\bpick\s+(?:his|her|their)"
                            r"\s+brain\b|\bask(?:ing)?\s+(?:\w+\s+){0,2}for\s+(?:advice|guidance|"
                            r"mentoring|mentorship)\b", re.I)),
]
# Phrases that only say what kind of note it is; they are not context.
_CUE_PHRASES = re.compile(
    r"\b(?:asking|ask)\s+(?:(?:him|her|them)\s+)?(?:if\s+(?:he|she|they)(?:\s+would|['’]d)\s+|"
    r"(?:him|her|them)\s+)?(?:to\s+)?be\s+my\s+mentor\b|\bto\s+ask\s+(?:him|her|them)\s+to\s+be\s+"
    r"my\s+mentor\b|\b(?:a\s+note\s+)?(?:backing|to\s+back|and\s+back)\s+(?:way\s+)?off\b|"
    r"\bthanking\s+(?:him|her|them)\b|^\s*(?:thanks|thank\s+you)\s+(?=for\b)|"
    r"\b(?:to|for)\s+my\s+(?:(?:old|former|new|current|prospective|potential|future)\s+)?"
    r"(?:mentor|manager|boss|colleague|friend|professor|advisor|adviser|coach)\b(?!\s*,?\s+(?-i:[A-Z]))|"
    r"^\s*about\s+(?:mentoring|mentorship|being\s+(?:my|a)\s+mentor)\b", re.I)


_CHATTER = re.compile(r"^\W*(?:thanks|thank\s+you|great|ok|okay|perfect|cool|nice|awesome|"
                      r"hi|hello|hey|good|got\s+it|sure)\W*(?:\w+\W*)?$", re.I)
_CONNECTOR = re.compile(r"^(?:(?:saying|to\s+say|and\s+say|telling\s+(?:him|her|them)|that|know)"
                        r"\s+)+(?=\S)", re.I)


def parse_draft_request(message: str) -> DraftRequest | None:
    """A draft request from a chat message, or None for anything else (questions included).

    Conservative on purpose: a message only counts when it tells the coach to write a note
    ("draft a note thanking Marcus ...", "help me write ...") or to reach a named person
    ("let Priya know ...", "thank Marcus for ..."). Asking *about* notes is a question.
    """
    text = _one_line(message)
    if not text or _QUESTION_START.match(text):
        return None
    instruction = _INSTRUCTION.search(text)
    polite = instruction and _POLITE_PREFIX.search(text[: instruction.start()])
    if instruction and polite:
        spans = [(polite.start("lead"), instruction.end())]
        recipient, span = _find_recipient(text)
        if span:
            spans.append(span)
    else:
        imperative = _IMPERATIVE.match(text)
        if not imperative or imperative.group("name").split()[0] in _NOT_NAMES:
            return None
        recipient = re.sub(r"['’]s$", "", imperative.group("name"))
        spans = [(0, imperative.end())]
    kind = next((k for k, cue in _KIND_CUES if cue.search(text)), "")
    return DraftRequest(kind=kind, to=recipient, context=_request_context(text, spans))


def _find_recipient(text: str) -> tuple[str, tuple[int, int] | None]:
    for number, pattern in enumerate(_RECIPIENT):
        for match in pattern.finditer(text):
            name = match.group("name")
            if name.split()[0] in _NOT_NAMES:
                continue
            name = re.sub(r"['’]s$", "", name)
            # "my mentor Sam stopped replying": the name stays in the context as written.
            return name, (None if number == len(_RECIPIENT) - 1 else match.span())
    return "", None


def _request_context(text: str, spans: list[tuple[int, int]]) -> str:
    keep = []
    last = 0
    for start, end in sorted(spans):
        if start >= last:
            keep.append(text[last:start])
            last = end
        else:
            last = max(last, end)
    keep.append(text[last:])
    if _CHATTER.match(keep[0]):
        keep[0] = ""  # "Thanks! Now draft ...": the pleasantry is not part of the note
    context = " ".join(" ".join(keep).split())
    context = _CUE_PHRASES.sub(" ", context)
    context = _CONNECTOR.sub("", context.lstrip(" ,;:—–-?!.").rstrip(" ,;:—–-"))
    context = " ".join(context.split())
    context = re.sub(r"\s+([,;:.!?])", r"\1", context)
    context = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", context)
    return context.lstrip(" ,;:—–-?!.").rstrip(" ,;:—–-?").strip()
