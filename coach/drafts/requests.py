"""Draft requests in chat: "draft a note thanking Marcus ..." -> kind, recipient, context."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.drafts.wording import _one_line
from coach.vocabulary import TITLE, WEEKDAYS


@dataclass(frozen=True)
class DraftRequest:
    """A draft asked for in chat. `to`/`context` may be "" when the message left them out."""

    kind: str
    to: str
    context: str


# A capitalised word, accents and "O'Neill" too, but not "I'd" / "I’m" ("... and I'd love").
_CAP = r"(?!I['’])[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|['’\-])+"
# A person's name as typed in chat: "Sam", "Priya Shah", "Dr. Priya Shah", "José".
PERSON_NAME = rf"(?:{TITLE}\s+)?{_CAP}(?:\s+{_CAP})?"
_NOT_NAMES = frozenset({
    "I", "I'm", "I’m", "Im", "My", "Me", "Mentor", "The", "A", "An", "Hi", "Hello", "Hey", "Thanks",
    "Thank", "Please", "Can", "Could", "Would", "Will", "This", "That", "It", "He", "She", "They",
    "Him", "Her", "Them", "We", "You", "Your", "Our", "Today", "Tomorrow", "Yesterday", "Coffee",
    "Lunch",
}) | WEEKDAYS
_RELATION = (r"(?:my\s+(?:(?:old|former|new|current|prospective|potential|future)\s+)?"
             r"(?:mentor|manager|boss|colleague|friend|professor|advisor|adviser|coach)\s*,?\s+)")
_RECIPIENT = [
    re.compile(rf"(?i:\b(?:thanking|thank)\s+{_RELATION}?)(?P<name>{PERSON_NAME})"),
    re.compile(rf"(?i:\blet\s+{_RELATION}?)(?P<name>{PERSON_NAME})(?i:\s+know\b)"),
    re.compile(rf"(?i:\b(?:to|for|with|tell|telling|update|updating|email|e-mail|message|"
               rf"asking|ask)\s+{_RELATION}?)(?P<name>{PERSON_NAME})"),
    re.compile(rf"(?i:\b{_RELATION})(?P<name>{PERSON_NAME})"),  # "my mentor Sam stopped replying"
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
    rf"message|write\s+to))\s+(?i:{_RELATION})?(?P<name>{PERSON_NAME})")
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
                             r"turned\s+out|go)\b|\boutcome\b|\btell\s+" + PERSON_NAME, re.I)),
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


# "Can you write the intro to my dissertation?", "Could you proofread my cover letter?": the
# coach asked to write or edit something other than a note to a mentor.
# Also said as an order after a story: "I want to get fit like my mentor. Write me a 12-week
# training plan."
_OTHER_WRITING = re.compile(
    r"(?:^|(?<=[.!?])\s+)(?:(?:hi|hey|please)[,!\s]+)?(?:(?:can|could|would|will)\s+you\s+"
    r"(?:please\s+)?(?:help\s+me\s+)?|(?:please\s+)?(?=\w+\s+me\s))"
    r"(?:write|rewrite|re-write|edit|proofread|proof-read|polish|improve|fix|translate|"
    r"summari[sz]e|finish|(?:make|create|draw up|put together)(?=\s)"
    # ("Make me a plan for our first meeting" asks what the guidance says)
    r"(?![^.?!]{0,40}\b(?:meetings?|sessions?|agenda|mentor\w*|goals?|questions)\b))\s+"
    r"(?:me\s+)?"
    r"(?:the\s+\w+\s+(?:to|of|for)\s+)?(?:my|the|a|an|this|our)\s+"
    r"(?!(?:[\w-]+\s+){0,2}(?:email|e-mail|note|message|letter\s+to|reply|thank|outreach|"
    r"follow|intro(?:duction)?\s+(?:email|note|message)))", re.IGNORECASE)


def asks_for_other_writing(message: str) -> bool:
    """True when the coach is asked to write or edit something that is not a note to a mentor
    (an essay, a CV, a cover letter): a thing it does not do."""
    return bool(_OTHER_WRITING.search(_one_line(message)))


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
