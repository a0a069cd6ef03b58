"""The user's context worded into a note: split into parts, pronouns turned to "you", tidied."""

from __future__ import annotations

import re
from collections.abc import Callable

from coach.text import clean_user_text
from coach.vocabulary import MONTHS, TITLE, WEEKDAYS

_HELP_NOUN = (r"help|guidance|advice|input|perspective|pointers|tips|support|mentoring|"
              r"mentorship|insights?|thoughts")
_WANT = (r"(?:i(?:\s+would|['’]d)\s+(?:really\s+)?(?:like|love|appreciate|value)|"
         r"i\s+(?:really\s+)?(?:want|need|could\s+use)|i(?:\s+am|['’]m)\s+(?:looking|hoping)\s+for|"
         r"looking\s+for|hoping\s+for)\s+(?:some\s+|your\s+|any\s+)?")
_AREAS_ONLY = re.compile(rf"^(?:{_WANT})?(?:{_HELP_NOUN})\s+(?:with|on|about|in|around|for|"
                         rf"regarding)\s+(?P<areas>.+)$", re.I)
_FIRST_PERSON = re.compile(r"(?:^|[\s,;:—–(])(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll)\b|^my\b",
                           re.I)


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
    if did := _YOU_DID.match(what):
        return f"for {_gerund(did['verb'])} {did['rest']}"
    return None


# "you helped me prepare my application" (the context addressed to them): what they did.
_YOU_DID = re.compile(r"^you\s+(?:really\s+|kindly\s+|also\s+)?(?P<verb>[a-z]+ed|"
                      r"taught|gave|spent|took|made|got|wrote|sent|put|read|found|told|lent|"
                      r"showed|shown)\s+(?P<rest>(?:me|us|my|our)\b.*)$", re.I)
_IRREGULAR_ING = {"taught": "teaching", "gave": "giving", "spent": "spending",
                  "took": "taking", "made": "making", "got": "getting", "wrote": "writing",
                  "sent": "sending", "put": "putting", "read": "reading", "found": "finding",
                  "told": "telling", "lent": "lending", "shown": "showing"}


def _gerund(past: str) -> str:
    """ "helping" for "helped", "referring" for "referred", "introducing" for "introduced":
    a regular past tense loses its "ed" and takes "ing" (the doubled or silent-e consonant
    comes out right: "referr-", "introduc-")."""
    past = past.lower()
    if past in _IRREGULAR_ING:
        return _IRREGULAR_ING[past]
    if past.endswith("ied"):  # replied -> replying
        return past[:-3] + "ying"
    if past.endswith("eed"):  # agreed -> agreeing
        return past[:-1] + "ing"
    return past[:-2] + "ing"


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

    A pronoun means the recipient until the context first names someone else ("her team lead",
    "the hiring manager", "Acme's CEO"); from there on, "she"/"her" could be that person and
    stay as the mentee wrote them. So "she introduced me to her team lead, who said her team is
    hiring" becomes "you introduced me to your team lead, who said her team is hiring".
    """
    if is_role(to):  # "your mentor" (chat never named them): "my mentor" is the recipient
        text = _mentor_to_you(ctx, "")
    else:
        text = ctx
        untitled = [w for w in to.split() if not re.fullmatch(TITLE, w)]
        names = {to, _first_name(to), " ".join(untitled), *untitled} - {""}
        for name in sorted(names, key=len, reverse=True):
            esc = re.escape(name)
            text = _mentor_to_you(text, rf",?\s+{esc}\b")  # "My mentor, Jo Park, helped me"
            text = re.sub(rf"\b{esc}['’]s\b", "your", text)
            text = re.sub(rf"\b{esc}\b(?=\s+[a-z])", "you", text)
            text = re.sub(rf"\b(to|for|with|thank|told|asked)\s+{esc}\b", r"\1 you", text)
    cut = _first_other_person(text)
    text = _PRONOUN_RE.sub(lambda m: _to_you(m) if m.start() < cut else m.group(0), text)
    for pattern, fixed in _AGREEMENT:
        text = re.sub(pattern, fixed, text, flags=re.I)
    return text


def _mentor_to_you(text: str, name: str) -> str:
    """ "my mentor" followed by `name` (a pattern; "" for none) spoken to: "my mentor Jo's
    advice" -> "your advice", "My mentor, Jo, helped" -> "You helped", capitalised where "My"
    was."""
    def spoken(word: str) -> Callable[[re.Match[str]], str]:
        return lambda m: word.capitalize() if m.group(1)[0].isupper() else word

    text = re.sub(rf"\b(my)\s+mentor\b{name}['’]s\b", spoken("your"), text, flags=re.I)
    return re.sub(rf"\b(my)\s+mentor\b{name},?", spoken("you"), text, flags=re.I)


def _first_other_person(text: str) -> int:
    """Where the context first mentions someone other than the mentee and the recipient."""
    starts = [m.start() for m in _OTHER_PEOPLE.finditer(text)]
    starts += [m.start() for m in re.finditer(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+", text)
               if m.group() not in WEEKDAYS | MONTHS]
    return min(starts, default=len(text))


_PRONOUN_RE = re.compile(r"\b(she|he|him|his|hers|herself|himself|her)\b(?=(\s*[\w'’]*))", re.I)


def _to_you(match: re.Match[str]) -> str:
    word, following = match.group(1), match.group(2).strip().lower()
    if word.lower() == "her":  # "her advice" -> "your advice", "asked her to" -> "asked you to"
        noun_follows = following and following[0].isalpha() and following not in _NOT_A_NOUN
        out = "your" if noun_follows else "you"
    else:
        out = _PRONOUN[word.lower()]
    return out.capitalize() if word[0].isupper() else out


def is_role(to: str) -> bool:
    """ "your mentor" (chat never named them) is a role, not a name: no first name to greet."""
    return not to[:1].isupper()


def _first_name(to: str) -> str:
    """ "Marcus" for "Marcus Chen"; a titled name keeps its title with the surname ("Dr. Shah"
    for "Dr. Priya Shah", "Dr. Lee"); a role ("your mentor") is not a name and stays whole."""
    parts = to.split()
    if is_role(to) or len(parts) < 2:
        return to
    if re.fullmatch(TITLE, parts[0]):
        return f"{parts[0]} {parts[-1]}"
    return parts[0]


def _one_line(text: str) -> str:
    """User text as one clean line: no control characters, whitespace collapsed."""
    text = clean_user_text(str(text or ""))
    text = "".join(ch for ch in text if ch not in "\u200b\u200c\u200d\u2060\ufeff")
    return " ".join(text.split())
