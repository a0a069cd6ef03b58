"""Check my draft: a mentee's own email held against the guidance for its kind.

Each step the library gives for the kind (`coach.drafts.steps`) is marked met, missing or
contradicted in the email, with the sentence it rests on and a one-line suggestion; then the
length and tone the guidance asks for (a short first note, a small ask, an easy way to say no,
no guilt in a back-off note). Pure pattern checks on the email: it is data, never instructions.
"""

from __future__ import annotations

import re
from dataclasses import replace

from coach.drafts.facts import Facts
from coach.drafts.guidance import step_label
from coach.drafts.kinds import normalize_kind
from coach.drafts.steps import Retrieve, Step, Steps, find_steps
from coach.errors import DraftError
from coach.results import CheckItem, DraftCheck, Passage
from coach.text import clean_user_text

MAX_EMAIL_CHARS = 6000
# Words before a note reads as long, per kind: a first approach is read in a glance (the
# shipped guidance and both team handbooks ask for "a few sentences"/"short"); thanks and
# updates may say a little more.
MAX_WORDS = {"outreach": 150, "meeting": 200, "thank-you": 150, "back-off": 120,
             "follow-up": 180}

_THANKS = re.compile(r"\bthank|\bgrateful\b|\bappreciat", re.I)
_ASK = re.compile(r"\b(?:would|could|can|may)\s+(?:you|we|i)\b[^.?!]*\b(?:call|meet\w*|coffee|"
                  r"lunch|chat|talk|video|phone|zoom|minutes?)\b[^.?!]*\?|\b(?:call|meeting|"
                  r"coffee|lunch|chat)\b[^.?!]*\?", re.I)
_BIG_ASK = re.compile(r"\bbe\s+my\s+mentor\b|\bmentor\s+me\b|\blong[\s-]term\b|\blifelong\b|"
                      r"\bongoing\b|\bevery\s+week\b|\bweekly\b|\bregular(?:ly)?\s+(?:meet|call)",
                      re.I)
_EASY_NO = re.compile(r"no\s+worries|completely\s+understand|(?:isn't|is\s+not)\s+a\s+good\s+time|"
                      r"no\s+pressure|totally\s+fine|understand\s+if|no\s+need\s+to\s+reply|"
                      r"if\s+(?:you(?:'re|\s+are)\s+)?(?:too\s+busy|not\s+able)", re.I)
GUILT = re.compile(r"too\s+busy\s+for\s+me|\bi(?:'m|\s+am)\s+(?:so\s+|really\s+|very\s+)?"
                   r"disappointed\b|\byou\s+promised\b|\bstill\s+waiting\b|\bwhy\s+haven['’]?t\s+"
                   r"you\b|\byou\s+(?:never|haven['’]?t\s+(?:even\s+)?)(?:replied|responded|"
                   r"answered|bothered)\b|\bignor(?:ed|ing)\s+me\b|\bi\s+guess\s+you\b|"
                   r"\bthe\s+least\s+you\s+could\b|\bafter\s+all\s+i\b", re.I)
_RECONNECT = re.compile(r"back\s+in\s+touch|reconnect|when(?:ever)?\s+you(?:'re|\s+are)\s+ready|"
                        r"whenever\s+it\s+suits|door\s+(?:is\s+)?open|catch\s+up\s+later", re.I)
_OUTCOME = re.compile(r"\bturned\s+out\b|\bwent\b|\bgot\s+the\b|\bresult\b|\boutcome\b|"
                      r"\bhappened\b|\bi\s+(?:tried|used|started|landed|passed|finished|got)\b",
                      re.I)
_NEW_REQUEST = re.compile(r"\b(?:could|would|can|will)\s+you\b|\bfavou?r\b|\bone\s+more\s+"
                          r"thing\b", re.I)


def check_email(kind: str, text: str, retrieve: Retrieve) -> DraftCheck:
    """The guidance points for `kind`, each met/missing/contradicted in `text`, plus length and
    tone; raises DraftError (nothing checked) for an empty or over-long email."""
    kind = normalize_kind(kind)
    email = clean_user_text(str(text or "")).strip()
    if not email:
        raise DraftError("Paste the email you wrote; there is nothing to check yet.")
    if len(email) > MAX_EMAIL_CHARS:
        raise DraftError(f"The email is {len(email):,} characters long; the limit is "
                         f"{MAX_EMAIL_CHARS:,}. Paste just the one email.")
    steps = find_steps(kind, retrieve)
    items: list[CheckItem] = []
    sources: list[Passage] = []
    for step in steps.by_slot.values():
        status, suggestion = (_judge_length(kind, email) if step.slot == "brief"
                              else _judge(step, email))
        items.append(CheckItem(step_label(step), status, suggestion, step.sentence,
                               _cite(step.passage, sources)))
    items += _length_and_tone(kind, email, steps)
    notice = steps.notice if steps else (
        "I couldn't find guidance for this kind of note in the library, so only the general "
        "length and tone checks ran.")
    return DraftCheck(kind=kind, items=items, sources=sources, notice=notice,
                      words=len(email.split()))


def _cite(passage: Passage, sources: list[Passage]) -> int:
    for p in sources:
        if p.id == passage.id:
            return p.n
    sources.append(replace(passage, n=len(sources) + 1))
    return len(sources)


def _judge(step: Step, email: str) -> tuple[str, str]:
    """("met" | "missing" | "contradicted", a one-line suggestion) for one step."""
    f, slot = step.facts, step.slot
    if slot == "ask":
        return _judge_ask(f, email)
    if slot == "prepare" and f.in_advance:
        said = re.search(r"\bquestions?\b|\btopics?\b|\bagenda\b", email, re.I)
        return ("met", "") if said else (
            "missing", f"Offer to send {f.questions or 'a few'} questions in advance.")
    if slot == "prepare" and not f.no_advance:
        said = re.search(r"\b(?:perspective|advice|guidance|help|input|thoughts)\s+(?:on|with|"
                         r"about)\b|\btalk\s+about\b|\bquestions?\b|\btopics?\b", email, re.I)
        return ("met", "") if said else (
            "missing", "Say in one line what you'd like their guidance on.")
    if slot == "escalate" and f.escalate_to:
        return ("met", "") if re.search(re.escape(f.escalate_to.split()[-1]), email, re.I) else (
            "missing", f"The guidance says to tell your {f.escalate_to}; do that (and you may "
            "mention it kindly).")
    if slot in ("decline",):
        return ("met", "") if _EASY_NO.search(email) else (
            "missing", "Make it easy to say no, e.g. \"If now isn't a good time, no worries.\"")
    if slot in ("specific", "thanks", "value", "note") or (slot == "no_request"):
        if slot == "no_request" and (_NEW_REQUEST.search(email) or "?" in email):
            return "contradicted", "Drop the new request: let the thanks stand on its own."
        if slot == "note" and not _RECONNECT.search(email):
            return ("missing", "Thank them and say you'd love to reconnect whenever it suits "
                    "them." if _THANKS.search(email) else
                    "Thank them, and offer to reconnect whenever they're ready.")
        return ("met", "") if _THANKS.search(email) else (
            "missing", "Thank them, and name one specific thing they helped with.")
    if slot == "outcome":
        return ("met", "") if _OUTCOME.search(email) else (
            "missing", "Tell them how things turned out.")
    if slot in ("back_off", "next"):
        if "?" in email or re.search(r"\bby\s+(?:monday|tuesday|wednesday|thursday|friday|"
                                     r"tomorrow|the\s+end)\b|\basap\b|\burgent", email, re.I):
            return "contradicted", "Ask for nothing: no questions, no deadlines; leave the next " \
                "step to them."
        return "met", ""
    if slot == "intro":
        said = re.search(r"\bmy\s+name\s+is\b|\bi(?:'m|\s+am)\s+(?:a|an)\b|\bwe\s+met\b|"
                         r"\bmeet\s+you\b|\breaching\s+out\b", email, re.I)
        return ("met", "") if said else ("missing", "Say who you are in one sentence.")
    return "met", ""  # timing and similar steps are about when you send, not what you write


def _judge_ask(f: Facts, email: str) -> tuple[str, str]:
    if _BIG_ASK.search(email):
        return ("contradicted", f"Ask for something small — {f.ask} — not an ongoing "
                "commitment.")
    if not _ASK.search(email):
        return "missing", f"Ask for one specific, small thing: {f.ask}."
    asked = re.search(r"\b(\d+)[\s-]*(?:minutes?|mins?)\b|\b(an?|one|two)\s+hours?\b", email, re.I)
    wanted = re.match(r"(\d+)-minute", f.duration or "")
    if asked and wanted and asked.group(1) and asked.group(1) != wanted.group(1):
        return "contradicted", f"The guidance asks for {f.ask}, not {asked.group(0)}."
    if asked and wanted and not asked.group(1):
        return "contradicted", f"The guidance asks for {f.ask}, not {asked.group(0)}."
    if f.channel in ("video call", "phone call", "coffee", "lunch"):
        word = {"video call": r"video|zoom|teams|meet\b", "phone call": r"phone|call",
                "coffee": r"coffee", "lunch": r"lunch"}[f.channel]
        if not re.search(word, email, re.I):
            return "contradicted", f"The guidance asks for {f.ask}; ask for that instead."
    return "met", ""


def _judge_length(kind: str, email: str) -> tuple[str, str]:
    words, limit = len(email.split()), MAX_WORDS[kind]
    if words <= limit:
        return "met", ""
    return "contradicted", (f"It is {words} words; cut it to under {limit}: who you are, what "
                            "you'd like, one small ask.")


def _length_and_tone(kind: str, email: str, steps: Steps) -> list[CheckItem]:
    items = []
    if not steps.get("brief"):  # the guidance's own brevity step already judged the length
        status, suggestion = _judge_length(kind, email)
        items.append(CheckItem(f"Short (under {MAX_WORDS[kind]} words)", status, suggestion))
    if kind == "back-off":
        lines = list(dict.fromkeys(_sentence_with(email, m.start()) for m in GUILT.finditer(email)))
        quoted = " ".join(f"\u201c{line}\u201d" for line in lines)
        items.append(CheckItem(
            "No guilt or pressure", "contradicted" if lines else "met",
            f"Drop {quoted}: thank them and step back instead." if lines else ""))
    if kind in ("outreach", "meeting") and not steps.get("decline"):
        items.append(CheckItem(
            "Easy to say no", "met" if _EASY_NO.search(email) else "missing",
            "" if _EASY_NO.search(email) else "Add a line that makes no an easy answer, e.g. "
            "\"If now isn't a good time, no worries.\"", None, None))
    if kind in ("thank-you", "follow-up", "back-off") and not any(
            s.slot in ("specific", "thanks", "value", "note") for s in steps.by_slot.values()):
        items.append(CheckItem(
            "Says thank you", "met" if _THANKS.search(email) else "missing",
            "" if _THANKS.search(email) else "Say thank you, for something specific.", None, None))
    return items


def _sentence_with(text: str, at: int) -> str:
    start = max(text.rfind(c, 0, at) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, at) for c in ".!?\n") if i != -1]
    end = min(ends) + 1 if ends else len(text)
    return " ".join(text[start:end].split())


__all__ = ["GUILT", "MAX_EMAIL_CHARS", "MAX_WORDS", "check_email"]
