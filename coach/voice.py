"""The composer's voice, as pure functions: guidance text cut into units that stand alone,
reworded by rule into the coach's second person, and read for what they ask the mentee to do.

A *unit* is what the coach may say as one point: a sentence; a lead-in ending in ":" with the
list under it; or a sentence that leans on its predecessor ("This...", "Likely, she...") joined
with it. Nothing here knows a particular document: the rules are about English guidance prose
written to a mentee about a mentor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from coach.safety import looks_like_injection
from coach.text import TITLE_SMALL_WORDS, announces_list, section_leaf, split_sentences
from coach.vocabulary import TITLE, DraftKind

JOIN_MAX_WORDS = 55  # a leaning sentence joined with its predecessor stays one short paragraph
TOPIC_MAX_WORDS = 8  # a one-line paragraph shorter than this is a heading, not a point
FAQ_QUESTION_MAX_WORDS = 30  # a paragraph that is one question this short heads its answer
# How a sentence ends; a short line that ends otherwise ("Make sure your connection works
# well") is a heading set as text.
_SENTENCE_FINAL = (".", "!", "?", "\u2026", '"', "\u201d", "'", "\u2019", ")")
BARE_LEAD_MAX_WORDS = 4  # "Here's how:", "Below are some tips:": a lead-in that names nothing
LIST_MAX_ITEMS = 8  # a longer list is a reference table, not a point to make in a reply

# -- markup ---------------------------------------------------------------------------------------

_CODE_ELEMENT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?\s*[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*|__|`|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<![\w])_(?=\w)|"
                       r"(?<=\w)_(?![\w])")
_NOISE_LINE = re.compile(r"^\s*(?:#{1,6}\s|\|.*\||-{3,}\s*$|={3,}\s*$|!!!|\?\?\?|:::|>\s*\[!)")
_QUOTE_MARK = re.compile(r"^\s*>\s?")
# A page's own buttons and editor's notes in brackets: "[Click to Tweet]", "[UPDATE: Watch my
# video ...]" (a link's text, "[a guide](url)", is kept by `_LINK` first).
_BRACKET_NOTE = re.compile(r"\[\s*(?:click|tap|tweet|share|update|edit|watch|listen|read more|"
                           r"subscribe|download|ad|advert\w*|sponsored)\b[^\]]*\]", re.IGNORECASE)
_ITEM = re.compile(r"^(\s*)(?:[-*+\u2022]|\d+[.)])\s+(.*)$")
_SECOND_MARKER = re.compile(r"^(?:\d{1,2}[.)]|[\u2022\u00b7])\s+")


def strip_markup(text: str) -> str:
    """Plain words from one line of guidance: no HTML, emphasis, link syntax or code ticks."""
    text = _TAG.sub(" ", _CODE_ELEMENT.sub(" ", text))
    text = _LINK.sub(r"\1", _IMAGE.sub("", text))
    text = _BRACKET_NOTE.sub(" ", _EMPHASIS.sub("", text))
    return " ".join(text.split())


# -- units --------------------------------------------------------------------------------------


@dataclass
class Unit:
    """One point the coach can make: `sentences` (the guidance's own words, markup stripped),
    and for a lead-in, its list `items` as (depth, text). `start` orders units in the passage;
    `keys` are the sentence positions it covers (two units sharing one are never both said);
    `topic` is the short line above it (an FAQ's "The connection keeps dropping."), if any;
    `ordered` is true for a numbered list."""

    sentences: list[str]
    items: list[tuple[int, str]] = field(default_factory=list)
    start: int = 0
    keys: frozenset[int] = frozenset()
    topic: str = ""
    ordered: bool = False  # its list is numbered: said whole when it is a procedure

    @property
    def text(self) -> str:
        return " ".join(self.sentences + [t for _, t in self.items])

    @property
    def size(self) -> int:
        """Sentences a reader meets: each list item reads as one."""
        return len(self.sentences) + len(self.items)


# "**Meet up!** -- Be on time ...": the dash that followed a run-in label said without it (and
# "... so far? - that's why ...": a dash that joined it to the sentence before).
_LEADING_DASH = re.compile(r"^[-\u2013\u2014]{1,3}\s+(?=\w)")
# A sentence that needs the one before it: a pointing word, a pronoun subject, a "Likely, she".
_LEANS = re.compile(
    r"^(?:(?:this|that|these|those|it|its|they|them|their|such|both|neither|either|here|there|"
    r"below|above|otherwise|the following|following|as (?:mentioned|noted|discussed))\b|"
    r"(?:\w+ly,\s+)?(?:she|he|his|her|they|it)\b)", re.IGNORECASE)
# "There's no set amount of time ...", "There will be crunch times": an existential "there"
# names nothing before it. "Both X and Y ..." names both itself, and "This (mentorship)
# programme ..." the programme the whole page is about.
_PAGE_PROGRAMME = r"\s+(?:[\w-]+\s+)?(?:program|programme|scheme|initiative)\b"  # after "this"
_OPENS_ALONE = re.compile(
    r"^there(?:['\u2019]s|\s+(?:is|are|was|were|isn['\u2019]t|aren['\u2019]t|"
    r"(?:will|can|may|might|could|would|should|must|won['\u2019]t)\s+be|ha(?:s|ve) been)\b)"
    r"|^both\s+(?:[\w'\u2019-]+\s+){1,4}and\s"
    r"|^this" + _PAGE_PROGRAMME, re.IGNORECASE)
# "It's possible to outgrow a mentor", "It is worth asking twice", "It also helps to know ...",
# "It is your decision whether to follow up": an "it" that stands for the clause after it
# (English extraposition: it + be + a few words + to/that/whether/if, or "worth" + -ing), not
# for something the previous sentence named.
_DUMMY_IT = re.compile(
    r"^it(?:['\u2019]s|\s+(?:is|was|can be|may be|might be|will be|would be|isn['\u2019]t|is not))"
    r"\s+(?:[\w'\u2019-]+\s+){0,3}?(?:to\s+\w+|that\s|whether\s|if\s|worth\s+\w+ing\b)|"
    # "It's normal and natural for mentorships to end ...": what is usual for someone
    r"^it(?:['\u2019]s|\s+is)\s+(?:[\w'\u2019-]+\s+){1,3}?for\s+(?:[\w'\u2019-]+\s+){1,3}?to\s+\w+|"
    r"^it\s+(?:(?:also|often|usually|always|really|sometimes)\s+)?(?:helps|pays|makes sense|"
    r"never hurts|does(?:n['\u2019]t| not) hurt)\s+(?:to|if|when)\b", re.IGNORECASE)
# "If this is the case, ...", "In that case, ...", "For this reason, ...": a pointing word inside
# the opening phrase leans as much as one at the start.
_LEANING_OPENER = re.compile(r"^(?:if|when|in|for|because of|despite|after|before|with|without)"
                             r"\s+(?:this|that|these|those|such)\b", re.IGNORECASE)
# "Now that you've done that, ...", "Once you have it, ...", "Having said that, ...": an
# opening clause that ends on a pointing word leans like "If this is the case".
_CLAUSE_POINTS_BACK = re.compile(r"^(?:[\w'\u2019-]+\s+){1,7}(?:this|that|these|those|so|it)\s*,"
                                 # an elliptical condition: "If not,", "If you're unsure,",
                                 # "If you can't," (unsure of what? can't do what?)
                                 r"|^if\s+(?:not|you(?:['\u2019]re| are)\s+(?:unsure|not sure)|"
                                 r"you\s+(?:can['\u2019]?t|cannot|don['\u2019]t|do not|"
                                 r"won['\u2019]t|aren['\u2019]t|haven['\u2019]t))\s*,",
                                 re.IGNORECASE)
# "Aim for the second kind.": an ordinal pointing back at options the previous sentences named.
# "Whichever above-mentioned role you are in", "Use what you learned in step one": a pointer to
# another part of the page, which the reply does not carry.
_POINTS_BACK = re.compile(r"\bthe (?:former|latter|(?:first|second|third|other|last) (?:one|kind|"
                          r"type|sort|option|approach|way|case)s?)\b"
                          r"|\b(?:above[- ]?mentioned|aforementioned|(?:mentioned|described|listed|"
                          r"outlined|discussed|explained) (?:above|earlier|previously))\b"
                          r"|\b(?:in|from|of) (?:step|stage|part|section|chapter) (?:\d+|one|two|"
                          r"three|four|five|six)\b", re.IGNORECASE)
# "Another option is ...", "More common, though, is ...", "Similarly, ...": a sentence that
# compares with, or follows on from, what came before it.
_FOLLOWS_ON = re.compile(r"^(?:another|the (?:same|rest|other)|same (?:goes|with|for)|similarly|"
                         # the other half of a "Sometimes ..." ("Other times, you might ...")
                         r"(?:at )?other times|in other cases|"
                         r"likewise|as a result|"
                         r"therefore|thus|hence|otherwise|"
                         # a time counted from what the sentence before told ("Afterwards, write
                         # a thank-you note": after what?)
                         r"afterwards?|after that|before that|by then|until then|from then on|"
                         r"at that (?:point|stage|time)|in the meantime|meanwhile|later on|"
                         # a comparison with what came before ("Even better if it's on the topic
                         # of their talk", "Put another way: ...")
                         r"even better|better still|better yet|even more so|(?:to )?put (?:it )?"
                         r"another way|said differently|"
                         # an FAQ answer's verdict on the question it answers ("Usually yes,
                         # especially if the mentor is in your organization")
                         r"(?:usually|generally|mostly|often|probably|sometimes|definitely|"
                         r"absolutely|certainly)\s+(?:yes|no|not)\b|not (?:necessarily|always|"
                         r"usually|really)\b)\b"
                         # "Example: 'Thanks to you, I ...'": an illustration of what came before
                         r"|^(?:examples?|e\.g\.|for (?:example|instance))\s*:"
                         r"|^[^,;:]{0,40},\s*(?:though|however),", re.IGNORECASE)
# "If you fall into any of these patterns, ...": these/those with their noun, mid-sentence,
# point back (a lead-in ending in ":" points ahead to its list; "those who ..." to its clause).
_THESE_BACK = re.compile(r"(?<=\s)(?:these|those)\s+(?!who\b|which\b|that\b|with\b|of\b|in\b)\w+",
                         re.IGNORECASE)
# An object "it" ("read it on a phone") with nothing it could stand for earlier in the sentence
# names something in the sentence before; an object "this" ("your mentor agreed to this")
# always does. ("them" is left alone: gender-neutral guidance says "them" for the mentor.)
_OBJECT_IT = re.compile(r"\b(?!(?:make|makes|making|made|find|finds|found|take|takes|took|"
                        r"is|was)\b)(\w+)\s+(it|this)(?=\s*(?:[.,;:!?)]|$)|\s+(?:to|on|in|at|"
                        r"with|for|by|from|over|up|down|back|out|off|again|first|later|before|"
                        r"after|now|one|as|into|through|when|if|and|or|but)\b)", re.IGNORECASE)
_DETERMINER = re.compile(r"\b(?:a|an|the|your|their|her|his|each|any|some|one|every|this|that|"
                         r"my|our|its|two|three|several|many|few)\s+((?:[\w'\u2019-]+\s*){1,3})",
                         re.IGNORECASE)
_PEOPLE = frozenset("""
mentor mentors mentee mentees you someone person people colleague colleagues manager managers
boss coordinator friend friends peer peers supervisor tutor
""".split())
_QUOTED = re.compile(r"[\"\u201c][^\"\u201d]*[\"\u201d]")
# "The relationships grow out of that on their own", "Don't worry about that.": "that" as the
# object of a preposition, standing for what the sentence before said; and "...drift apart that
# way", which says how the sentence before said it happened.
_THAT_BACK = re.compile(r"\b(?:of|from|about|with|like|after|before|on|for|to)\s+that"
                        r"(?=\s*(?:[.,;:!?)]|$)|\s+(?:on|in|at|again|first|later|now|as|when|"
                        r"if|and|or|but)\b)"
                        r"|(?<=\w )that way\b"
                        # "Be sure that you take this into account while you plan": this what?
                        r"|\b(?:take|keep|bear|have)\s+(?:this|that|these|those|it)\s+"
                        r"(?:into account|in mind)\b", re.IGNORECASE)
# "Read them before your first session", "Ask for them one at a time": an order whose object is
# "them" with nothing before it. ("Tell them", "Thank them": a person, the mentor, is meant.)
_ORDER_ON_THEM = re.compile(r"^(\w+)\s+(for\s+)?them\b", re.IGNORECASE)


def _order_on_them(body: str) -> bool:
    m = _ORDER_ON_THEM.match(body)
    return m is not None and (bool(m.group(2)) or m.group(1).lower() not in _OBJECT_VERBS)


def leans_on_predecessor(sentence: str) -> bool:
    """True for a sentence that cannot be said without the one before it.

    "She..."/"Likely, she..." leans: unlike a pronoun later in a sentence, a subject pronoun
    names whoever the previous sentence was about. "There are..." does not lean.
    """
    body = _QUOTED.sub('"..."', _strip_connective(_LEADING_DASH.sub("", sentence.strip())))
    return ((bool(_LEANS.match(body)) and not _OPENS_ALONE.match(body)
             and not _DUMMY_IT.match(body))
            or bool(_LEANING_OPENER.match(body)) or bool(_CLAUSE_POINTS_BACK.match(body))
            or bool(_POINTS_BACK.search(body))
            or bool(_FOLLOWS_ON.match(body)) or _points_back_mid_sentence(body)
            or _order_on_them(body) or bool(_THAT_BACK.search(body)))


def _points_back_mid_sentence(body: str) -> bool:
    """"If you fall into any of these patterns, ..." or an object "it" nothing before it in the
    sentence can stand for: "Your mentor should be able to read it" (a mentor is not an "it")."""
    first_clause = re.split(r"[,;:\u2013\u2014]", body, maxsplit=1)[0]
    if _THESE_BACK.search(first_clause) and not body.rstrip().endswith(":"):
        return True  # (later in a sentence, "all of these things" can mean a list it gave)
    m = _OBJECT_IT.search(body)
    if not m:
        return False
    before = body[:m.start(2)]
    if m.group(2).lower() == "this":  # "agreed to this" points back; "try this:" ahead
        return not body[m.end():].lstrip().startswith(":")
    return not any(_names_a_thing(words) for words in _DETERMINER.findall(before))


def _names_a_thing(words: str) -> bool:
    """The words after a determiner name something an "it" can stand for ("your mentor's
    name"), not only a person ("your mentor should ...")."""
    for word in words.lower().split():
        word = re.sub(r"['\u2019]s$", "", word)
        if word in _AUX or word in _FUNCTION_WORDS:
            return False
        if word not in _PEOPLE:
            return True
    return False


# "Click a question to open the answer.": the web page talking about itself, not guidance.
_PAGE_INTERFACE = re.compile(r"^(?:click|tap|scroll|hover|swipe|double-click)\b|"
                             r"^(?:related|see also|read more|further reading)\b[^:]{0,20}:|"
                             # "Now you're ready, sign up here!": the page's own button
                             r"\b(?:sign up|register|apply|subscribe|enrol|enroll|join|"
                             r"log in|download it|click) here\b", re.IGNORECASE)
# A page's signposts to its own structure: "In this unit, we'll focus on two types of
# mentoring:", "Let's create the second follow-up email", "In the next section you'll learn
# ...". They say where the page goes next, not what the mentee should do.
_SIGNPOST = re.compile(
    r"^\W*(?:(?:in|over|throughout)\s+(?:this|the\s+(?:next|following|previous|last))\s+"
    r"(?:unit|module|section|chapter|lesson|article|post|part|guide|page|course|tutorial|video|"
    r"talk|series)\b[^.!?]{0,40}?\b(?:we|i|you)(?:['\u2019](?:ll|re)|\s+will|\s+are going to|"
    r"\s+(?:look|cover|focus|learn|discuss|explore|walk|see|go|review|examine|describe|"
    r"introduce|share)\b)"
    r"|let['\u2019]s\s+(?:now\s+)?(?:look|take a (?:closer )?look|create|start|begin|move|dive|"
    r"turn|talk|discuss|explore|review|walk|go over|get started|examine|recap|summari[sz]e)\b"
    # "... plenty of questions will be answered in our article!": a promise of other pages
    r"|.*\b(?:will be|are|is) (?:answered|covered|explained|discussed|described) (?:in|on) "
    r"(?:this|our|the|a) (?:next |following |separate |later |other )?(?:article|post|guide|page|"
    r"section|chapter|series|blog)\b)",
    re.IGNORECASE)
# A table row as the loader writes it ("Time: 0-10 min; What to cover: introductions."): never
# said whole; `row_sentences` gives the cells a reply may say.
_TABLE_ROW = re.compile(r"^[^:;.]{1,40}: [^;]+; [^:;.]{1,40}: ")
_CELL = re.compile(r"(?:^|;\s+)(?P<head>[^:;.]{1,40}):\s+")
# A column of advice ("Do | Don't"): its cells are said, never taken for the row's label.
_ADVICE_HEADER = re.compile(r"^(?:do['\u2019]?s?|tips?|try|tips? to try|what to do|instead)$",
                            re.IGNORECASE)


def _table_cells(row: str) -> list[tuple[str, str]]:
    """(header, text) of each cell of a row as the loader writes it ("Do: Ask early; ...")."""
    heads = list(_CELL.finditer(row))
    ends = [m.start() for m in heads[1:]] + [len(row)]
    return [(m.group("head").strip(), row[m.end():end].strip())
            for m, end in zip(heads, ends, strict=True)]


def row_sentences(row: str) -> tuple[str, list[str]]:
    """A table row as (its label, the sentences a reply may say). The first cell, when short,
    labels the row ("Bonding with your mentor", "Week 2"): the topic of what the row says,
    kept in front of each cell when it is a time or number ("0-10 min: Introductions ...").
    A cell of a sentence or more is said ("Do Not: Do not abandon ..."), under a warning
    header ("Don't", "Avoid") as the warning it is; shorter cells are data to look up in the
    source. A column of advice ("Do", "Tips") is never the label. A Do / Don't table of
    advice was never said at all while rows were data."""
    cells = _table_cells(row)
    label = ""
    if (len(cells) > 1 and len(cells[0][1].split()) <= TOPIC_MAX_WORDS
            and not _ADVICE_HEADER.match(cells[0][0]) and not warning_list(cells[0][0])):
        label, cells = cells[0][1].rstrip(". "), cells[1:]
    sentences: list[str] = []
    for head, text in cells:
        if len(text.split()) < 5:
            continue
        kind = warning_list(head)
        text = text if text.endswith(_SENTENCE_FINAL) else text + "."
        said = [as_warning(t, kind) if kind else t for t in split_sentences(text)]
        if said and label and re.search(r"\d", label):
            said[0] = f"{label}: {said[0]}"
        sentences += said
    return label, sentences


# A sentence that only announces what follows says nothing on its own: "There is one important
# exception.", "Here are three things to remember."; and one that points at a list below,
# whatever it adds, unless a colon brings the point: "Here are three signs it's time to call it
# quits.", "Listed below are the roles of each mentee."
_OPENS_ON_SO = r"^(?:(?:so|and|now|well),?\s+)?"  # "So here are a few ideas ..."
_ANNOUNCES = re.compile(
    _OPENS_ON_SO + r"(?:there|here)(?:['\u2019]s|\s+(?:is|are))\s+"
    r"(?:(?:one|two|three|four|five|a few|a couple of|some|several|an?)\s+)?"
    r"(?:(?:important|key|big|main|common|simple|notable|useful|practical|other|more)\s+)*"
    r"(?:exceptions?|caveats?|catch|things?|rules?|steps?|reasons?|"
    r"ways?|points?|tips?|options?|questions?)(?:\s+(?:to\s+(?:remember|know|keep in mind|"
    r"consider|bear in mind)|you should know))?\s*[.!:]?$"
    r"|" + _OPENS_ON_SO + r"(?:(?:(?:listed|outlined|described|set out)\s+)?below "
    r"(?:is|are)|the following (?:is|are)|here(?:['\u2019]s|\s+(?:is|are))\s+"
    r"(?:[\w'\u2019-]+\s+){0,4}?(?:tips|signs|ways|steps|things|reasons|ideas|suggestions|"
    r"strategies|examples|questions|guidelines|roles|duties|responsibilit(?:y|ies)|points|"
    r"options|rules|pointers|resources|recommendations|practices|habits|guide|list|overview|"
    r"checklist|summary)\b)(?![^:]*:\s*\S)", re.IGNORECASE)
# A sentence cut off on a conjunction or an article ("... if you are open with your mentor
# and"): a page's layout lost its end. (Not `text.ends_unfinished`: "... because they want
# to" is whole.)
_CUT_OFF = re.compile(r"\b(?:and|or|but|nor|the|an|such as|including|because)\s*$",
                      re.IGNORECASE)

# A dependent clause standing alone ("If you get the yes!", "When you're ready."): the page
# set it as a line of its own, and its main clause is elsewhere or nowhere.
_CLAUSE_ONLY = re.compile(r"^(?:if|when|whenever|unless|because|although|though|while|"
                          r"once(?! (?:a|an|every|per|or twice|more)\b)|until|as soon as)\b"
                          r"[^,;:\u2014]{0,40}$", re.IGNORECASE)
# "Myth: you need a mentor who is older than you.": a claim the page quotes to refute.
_MYTH = re.compile(r"^(?:(?:a\s+)?(?:common\s+)?(?:myths?|misconceptions?)(?:\s*#?\d+)?|false)\s*"
                   r"[:\u2013\u2014-]", re.IGNORECASE)


# A heading set as a list item or line: "Identify the Occupation or Industry You Wish to Learn
# About" (no final punctuation, every word but the small ones capitalised, six or more of them:
# "Visit the Career Development Center" is too short to tell from an item naming an office).
_SMALL_WORD = frozenset("a an and as at but by for from in into nor of on or the to via with"
                        .split())


def _title_cased(sentence: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'\u2019-]*", sentence)
             if w.lower() not in _SMALL_WORD]
    return (not sentence.rstrip().endswith(_SENTENCE_FINAL) and len(words) >= 5
            and all(w[0].isupper() for w in words))


# A download link's text: "Sample mentoring agreement (Word)", "Checklist (PDF, 120 KB)".
_FILE_LINK = re.compile(r"\((?:pdf|word|docx?|xlsx?|pptx?|excel|powerpoint|download)\b[^()]*\)"
                        r"\W*$", re.IGNORECASE)
# Advice to the other side: "Encourage your mentee to be pro-active", "As a mentor, you are
# entitled to pull back" speak to a mentor.
_TO_A_MENTOR = re.compile(r"\byour\s+mentees?\b|^\W*as (?:a|the) mentor,", re.IGNORECASE)
# A heading or label for mentors' part of a page: "DO's (Mentor)", "For mentors", "Mentor tips"
# (a mentee's guide often has one; its advice is not the mentee's to take). "The mentor's role"
# is not one: what a mentor does is what a mentee may ask about.
# A list's label naming mentors ("Great mentors:", "Poor mentors:") heads their part too; a
# heading for both ("Tips for Mentors and Mentees") is the mentee's as well.
# (the other side has other names: "For buddies", "Tips for coaches", "(for supervisors)")
_GUIDE = r"mentor|buddy|coach|supervisor|advis[eo]r|sponsor|tutor"
_GUIDES = r"mentors|buddies|coaches|supervisors|advis[eo]rs|sponsors|tutors"
_FOR_MENTORS = re.compile(
    r"\((?:for\s+)?(?:" + _GUIDE + "|" + _GUIDES + r")\)"
    r"|^(?:(?:tips|advice|guidance|notes|a guide)\s+)?for\s+(?:the\s+)?(?:" + _GUIDES + r")\b"
    r"(?!\s*(?:and|&|/|or)\s*(?:the\s+)?(?:mentees?|prot[eé]g[eé]s?|new\s+\w+|newcomers?|"
    r"students?|participants?)\b)"
    r"|^(?:the\s+)?mentor['\u2019]?s?\s+(?:do['\u2019]?s|dos|don['\u2019]?ts|checklist|tips)\b"
    r"|^(?:good|great|effective|successful|ideal|poor|bad|ineffective)\s+mentors\W*$"
    # "If You're the Mentor Ending Early", "As a buddy": the other side's part of the page
    r"|^(?:(?:if|when)\s+you(?:['\u2019]re|\s+are)|as)\s+(?:the|a|an)\s+(?:" + _GUIDE
    + r")\b(?!['\u2019]s)",
    re.IGNORECASE)


def for_mentors(heading: str) -> bool:
    """Whether a heading (the last part of a section path) or label heads advice for mentors."""
    return bool(_FOR_MENTORS.search(section_leaf(heading)))


# A question written with a full stop ("But what if you want additional feedback or maybe you
# aren't getting a detailed response from your mentor."): it sets up the answer, it is not one.
_ASKS = re.compile(r"^\W*(?:(?:but|and|so)\s+)?(?:what if|what about|how (?:do|can|should|would|"
                   r"could) (?:i|you|we)|why (?:do|does|would|should) (?:i|you|we))\s",
                   re.IGNORECASE)


# "Read this article to learn more", "Click here for the form": the link it points at is not in
# the text the coach has, so the sentence sends the mentee nowhere.
_POINTS_AT_LINK = re.compile(r"\b(?:read|see|watch|check out|visit|follow|listen to)\s+(?:this|"
                             r"these)\s+(?:article|post|link|page|guide|video|resource|blog|talk|"
                             r"thread|podcast)s?\b|\b(?:click|tap) (?:here|this link)\b",
                             re.IGNORECASE)


def is_candidate(sentence: str) -> bool:
    """Headings, rhetorical questions, fragments, announcements of what follows, a page's own
    interface instructions, signposts to its own structure ("In this unit, we'll ...") and
    download links, a heading set as text ("Prepare for the Interview"), a lead-in whose list
    is not there, a myth it quotes to refute, advice that speaks to a mentor ("your mentee")
    and orders to an AI are not advice for the mentee."""
    words = sentence.split()
    # (a lead-in ending in ":" is said only with its list, which `_add_lead` gives it)
    return (len(words) >= 5 and not sentence.rstrip().endswith(("?", ":"))
            and not _TO_A_MENTOR.search(sentence) and not _FILE_LINK.search(sentence)
            and not _title_cased(sentence)
            and not _ANNOUNCES.match(sentence.strip())
            and not _CUT_OFF.search(sentence)
            and not _MYTH.match(sentence.strip())
            and not _CLAUSE_ONLY.match(sentence.strip())
            and not _PAGE_INTERFACE.search(sentence.strip())
            and not _SIGNPOST.match(sentence.strip())
            and not _TABLE_ROW.match(sentence.strip())
            and not _ASKS.match(sentence) and not _POINTS_AT_LINK.search(sentence)
            and not looks_like_injection(sentence))


def build_units(text: str) -> list[Unit]:
    """Cut a passage into units that stand alone (see the module docstring).

    A paragraph of one short line ("The connection keeps dropping.") is not said, but it is
    the topic of what follows it: an FAQ's question, a sub-heading the loader kept as text.
    """
    units: list[Unit] = []
    position = 0
    topic = ""
    after_paragraph = False  # the block above was a plain paragraph
    for kind, payload in _blocks(_CODE_ELEMENT.sub(" ", text)):
        first = len(units)
        above, after_paragraph = after_paragraph, kind == "para"
        if kind == "row":
            label, sentences = row_sentences(payload)
            position = _add_sentences(units, sentences, position)
            for unit in units[first:]:
                unit.topic = label or topic
            continue
        if kind == "list":
            # A list with no lead-in: each item is a point of its own; a first item that leans
            # ("- Example: If you need a letter, ...") leans on the paragraph right above it.
            previous = units[-1] if units and position - 1 in units[-1].keys else None
            for _, item in payload:
                position = _add_sentences(units, split_sentences(item), position, previous)
                previous = None
        else:
            if _QUESTION_LABEL.match(payload) and not isinstance(kind, tuple):
                # an FAQ's question, asked or told ("Q: I'm not after a long mentorship"): the
                # topic of the answer that follows, never a point
                topic = _QUESTION_LABEL.sub("", payload, count=1).strip()
                position += len(split_sentences(payload))
                continue
            sentences = split_sentences(_without_label(payload))
            if len(sentences) == 1 and not isinstance(kind, tuple) and _heads(sentences[0]):
                topic = sentences[0]
                if not topic.rstrip().endswith(_SENTENCE_FINAL):
                    position += 1  # a heading the page set as text: a topic, never a point
                    continue
            lead, items = (sentences[-1], kind[1]) if isinstance(kind, tuple) else (None, [])
            if lead is not None:
                sentences = sentences[:-1]
            # A paragraph that opens leaning ("These reports don't have to be long.",
            # "Similarly, ...") leans on the paragraph right above, as a list's first item does.
            previous = units[-1] if above and units and position - 1 in units[-1].keys \
                else None
            position = _add_sentences(units, sentences, position, previous)
            if lead is not None and _question_items(items):
                # "Ask yourself:" over questions to think through, each with follow-up
                # questions: said as its list of first questions (questions are never points
                # of their own, so split into sentences the list said nothing)
                items = [(depth, split_sentences(t)[0]) for depth, t in items]
            if lead is not None and _paragraph_items(items):
                # "For Mentees:" over items of several sentences each: the lead-in heads them
                # (a short one is their topic), and each item is a point of its own.
                if not sentences and _heads(lead):
                    topic = lead.rstrip(" :")
                position = _add_items_alone(units, items, position)
            elif lead is not None and items and len(items) <= LIST_MAX_ITEMS:
                before = units[-1] if len(units) > first and position - 1 in units[-1].keys \
                    else None
                position = _add_lead(units, lead, list(items), position, kind[2], before)
        for unit in units[first:]:
            unit.topic = topic
    return units


# An FAQ's answer label ("A: Students pick their mentor ...") or a run-in heading in capitals
# ("EXPECTATIONS: The most important step ...") is layout, not part of the advice. "DON'T:",
# "AVOID:", "NEVER:" carry the advice's sense and stay.
_ANSWER_LABEL = re.compile(r"^\s*(?:A|Ans|Answer|(?!DO\b|DON|DONT|AVOID|NEVER|NOT\b|NO\b)"
                           r"[A-Z][A-Z'\u2019&/-]+(?:\s+[A-Z][A-Z'\u2019&/-]+){0,3})\s*:\s+(?=\S)")


# A run-in label in title case or of two words ("When Advice Feels Misaligned: If ...", "Next
# issue: After your last meeting, ..."): a heading the page set inside the paragraph. Labels
# that carry the advice's sense ("Don't:", "Myth:", "Example:") stay.
_RUN_IN_LABEL = re.compile(r"^\s*(?P<label>[A-Z][\w'\u2019-]*(?:\s+[\w'\u2019-]+){0,5})\s*:\s+"
                           r"(?=[A-Z\"\u201c])")
_KEPT_LABEL = re.compile(r"^(?:do|don['\u2019]?t|dont|avoid|never|not|no|myths?|reality|fact|"
                         r"examples?|for example|e\.g|q|question|a|answer|step)\b", re.IGNORECASE)


def _without_label(payload: str) -> str:
    """A paragraph without its answer label or run-in heading."""
    payload = _ANSWER_LABEL.sub("", payload, count=1)
    m = _RUN_IN_LABEL.match(payload)
    if m is None or _KEPT_LABEL.match(m.group("label")) or _starts_with_order(m.group("label")):
        return payload
    words = m.group("label").split()
    titled = all(w[:1].isupper() or w.lower() in TITLE_SMALL_WORDS for w in words)
    # one word ("Mentors: College of Engineering alumni") says who or what the rest is about
    return payload[m.end():] if len(words) >= 2 and (titled or len(words) == 2) else payload


# An FAQ's question label: "Q: How do I contact my mentor?", "Question: ...".
_QUESTION_LABEL = re.compile(r"^\s*(?:Q|Question)\s*[:.]\s+(?=\S)")

# A whole sentence in parentheses, an aside on the page: "(I suggest you revisit it.)"
_ASIDE = re.compile(r"^\((?P<body>[^()]+)\)(?P<end>[.!]?)$|^\((?P<body2>[^()]+[.!])\)$")


def _unbracketed(sentence: str) -> str:
    m = _ASIDE.match(sentence.strip())
    if m is None:
        return sentence
    body = (m.group("body") or m.group("body2")).strip()
    return body if body.endswith((".", "!")) else body + (m.group("end") or ".")


def _quote_closed(sentence: str) -> str:
    """A sentence without the other half of a quotation that runs past it: a lone opening
    mark at its start ("\u201cIt might be tempting ...") or a lone closing one at its end ("...
    the more of it you will get.\u201d") is the quotation's edge, not this sentence's."""
    body = sentence.strip()
    straight = body.count('"') % 2 == 1
    # a page that closes with an opening mark ("\u201cHi. ... your time.\u201c") closed it
    lone_open = "\u201d" not in body and not body[1:].rstrip(".!?").endswith("\u201c")
    if body[:1] == "\u201c" and lone_open or body[:1] == '"' and straight:
        return body[1:].lstrip()
    if body.endswith("\u201d") and "\u201c" not in body or body.endswith('"') and straight:
        return body[:-1].rstrip()
    return sentence


def _question_items(items: list[tuple[int, str]]) -> bool:
    """Most items open with a question: a list of questions to ask oneself or the mentor."""
    firsts = [sentences[0] for _, t in items if (sentences := split_sentences(t))]
    return 2 * sum(f.rstrip().endswith("?") for f in firsts) > len(firsts) > 0


def _paragraph_items(items: list[tuple[int, str]]) -> bool:
    """A list of paragraphs, not of points: its items run to two sentences or more on
    average, so a lead-in and its list would not fit a reply."""
    return bool(items) and sum(len(split_sentences(t)) for _, t in items) >= 2 * len(items)


def _heads(sentence: str) -> bool:
    """A paragraph of this one sentence is the topic of what follows: a short line (a heading
    set as text) or a question (an FAQ's: "What if my match is not a good fit?")."""
    words = len(sentence.split())
    return words < TOPIC_MAX_WORDS or (sentence.rstrip().endswith("?")
                                       and words <= FAQ_QUESTION_MAX_WORDS)


def _add_lead(units: list[Unit], lead: str, items: list[tuple[int, str]], position: int,
              ordered: bool, before: Unit | None) -> int:
    """Add a lead-in with its list; return the next free position. A lead-in that leans on the
    sentence before it ("Here's how:" after "Tell your mentor you are ready to end it.") is
    said with that sentence; a bare one with nothing to lean on says nothing of its own, so
    its items stand alone, as a list without a lead-in does."""
    if leans_on_predecessor(lead):
        if before is not None and len(before.text.split()) + len(lead.split()) <= JOIN_MAX_WORDS:
            units.append(Unit(before.sentences + [lead], items, before.start,
                              before.keys | {position}, ordered=ordered))
            return position + 1
        if len(lead.split()) <= BARE_LEAD_MAX_WORDS:
            return _add_items_alone(units, items, position)
    units.append(Unit([lead], items, position, frozenset({position}), ordered=ordered))
    return position + 1


def _add_items_alone(units: list[Unit], items: list[tuple[int, str]], position: int) -> int:
    """A lead-in's items, each sentence a point of its own, after the lead-in's own place
    (which says nothing); return the next free position."""
    position += 1
    for _, item in items:
        position = _add_sentences(units, split_sentences(item), position)
    return position


def _add_sentences(units: list[Unit], sentences: list[str], position: int,
                   previous: Unit | None = None) -> int:
    """Add each sentence as a unit; one that leans is joined with the unit before it
    (`previous` to start with: the sentence it may lean on, if it sits right above)."""
    for sentence in (_unbracketed(_quote_closed(raw)) for raw in sentences):
        if not is_candidate(sentence):
            previous = None
            position += 1
            continue
        unit = Unit([sentence], start=position, keys=frozenset({position}))
        if leans_on_predecessor(sentence):
            if previous is None or (len(previous.text.split()) + len(sentence.split())
                                    > JOIN_MAX_WORDS):
                position += 1
                continue  # it needs a sentence we cannot give it: say neither
            unit = Unit(previous.sentences + [sentence], start=previous.start,
                        keys=previous.keys | {position})
        units.append(unit)
        previous = unit
        position += 1
    return position


def _blocks(text: str) -> list[tuple[Any, Any]]:
    """Paragraphs and lists. A paragraph ending in ":" right before a list owns that list:
    ("para", text) | (("lead", items, numbered), text) | ("list", items); items are (depth,
    text), and `numbered` says the list's first item is numbered ("1.")."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    out: list[tuple[Any, Any]] = []
    para: list[str] = []
    items: list[tuple[int, str]] = []
    numbered = [False]

    def flush_para() -> None:
        if para:
            out.append(("para", " ".join(para)))
            para.clear()

    def flush_items() -> None:
        if not items:
            return
        if out and out[-1][0] == "para" and str(out[-1][1]).rstrip().endswith(":"):
            out[-1] = (("lead", list(items), numbered[0]), out[-1][1])
        elif out and out[-1][0] == "para" and announces_list(str(out[-1][1])):
            lead = str(out[-1][1]).rstrip().removesuffix(".").removesuffix("!")
            out[-1] = (("lead", list(items), numbered[0]), lead + ":")
        else:
            out.append(("list", list(items)))
        items.clear()

    for raw in lines:
        if _NOISE_LINE.match(raw):
            flush_para()
            flush_items()
            continue
        line = _QUOTE_MARK.sub("", raw)
        item = _ITEM.match(line)
        if item:
            flush_para()
            if not items:
                numbered[0] = item.group(0).lstrip()[:1].isdigit()
            depth = len(item.group(1).expandtabs(4)) // 2
            # "- 3) Show action: ..." (a page's own numbers under a bullet): one marker is read
            words = strip_markup(_SECOND_MARKER.sub("", item.group(2), count=1))
            if words:
                items.append((depth, words))
        elif not line.strip():
            flush_para()
            flush_items()
        elif items and line.startswith((" ", "\t")):
            depth, words = items[-1]  # a wrapped list item
            items[-1] = (depth, f"{words} {strip_markup(line)}")
        else:
            flush_items()
            words = strip_markup(line)
            if _TABLE_ROW.match(words):
                flush_para()
                out.append(("row", words))
            elif words:
                para.append(words)
    flush_para()
    flush_items()
    return out


# -- rewording -------------------------------------------------------------------------------------

# Connectives that only make sense in the article's flow, not lifted out of it.
_CONNECTIVE = re.compile(r"^(?:(?:so|again|then|instead|also|namely|of course|in any case|"
                         r"in other words|that said|anyway|plus|finally|lastly|secondly|thirdly|"
                         r"first of all|in addition|additionally|moreover|furthermore|besides|"
                         r"however|still|as well|on top of that|yes|no),\s+|"
                         # the page pointing at itself ("As stated above, we expect ...")
                         r"as (?:stated|mentioned|noted|discussed|described|explained|said|"
                         r"outlined|shown) (?:above|earlier|before|previously),\s+|"
                         r"(?:like|as) (?:we|I)(?:['\u2019]ve| have)? (?:talked about|discussed|"
                         r"said|mentioned|covered|seen|noted)(?: [\w-]+)?,\s+|"
                         r"(?:and|but|so|yet|then)\s+|"
                         # "However you must be at least a sophomore": the comma left out
                         # ("However you do it, ..." means something else and stays)
                         r"however\s+(?=\w+\s+(?:must|should|need|needs|will|can|cannot|may|"
                         r"might|are|is|have|has)\b)|"
                         # the writer announcing their own point ("I'd also add: ...", "My
                         # advice: ..."): the coach says the point, not who added it
                         r"(?:I'd|I would|I'll|let me)\s+(?:also\s+)?(?:add|say|suggest|stress)"
                         r"(?:\s+this)?:\s+|my\s+(?:last\s+|final\s+|one\s+)?(?:tip|advice|"
                         r"suggestion)(?:\s+is)?:\s+)",
                         re.IGNORECASE)
# "a mentee can seek" -> "you can seek"; "Mentors/Mentees can share" and "Mentor and Mentee can
# meet" stay (both are meant), and so does someone's mentee ("a mentor might believe that their
# mentee could benefit" was said as "...that their you could benefit").
_MODAL_MENTEE = re.compile(r"(?<![/\w])(?<!\band )(?<!\bor )(?<!& )(?<!\btheir )(?<!\bhis )"
                           r"(?<!\bher )(?<!\byour )(?<!\bmy )(?<!\bour )(?<!['\u2019]s )"
                           r"(?:(?:the|a|an|each|every|any)\s+)?mentees?\s+(should|"
                           r"can|could|must|may|might|need to|ought to|will want to)\b",
                           re.IGNORECASE)
# "The mentee sends the first message" -> "You send ...": a handbook's third-person rule about
# the mentee, at the start of a sentence (a later "their" would still mean the mentee: kept).
_MENTEE_DOES = re.compile(r"^(?:the|each|every|a)\s+mentee\s+(?!(?:is|was|has)\s+(?:told|given|"
                          r"matched|asked|expected|sent|invited)\b)([a-z]+(?<!ss)s)\b",
                          re.IGNORECASE)
_THEIR = re.compile(r"\b(?:they|their|them|themselves|theirs)\b", re.IGNORECASE)
_IRREGULAR = {"is": "are", "has": "have", "does": "do", "was": "were"}
# A third-person pronoun, with its pair when a page writes both ("his or her", "him/her"): the
# pair is one mention of the mentor and changes as one ("invite your mentor", not "your
# mentor/him").
_PRONOUN_WORD = r"(?:she|he|her|him|his|hers)"
_THIRD = re.compile(rf"\b(she|he|her|him|his|hers)(?:\s*/\s*{_PRONOUN_WORD}|\s+or\s+"
                    rf"{_PRONOUN_WORD})?\b", re.IGNORECASE)
_FIRST_SINGULAR = re.compile(r"\b(?:I|I'm|I'd|I've|I'll|my|me|mine)\b")
_PERSON_NAME = re.compile(r"(?<=[a-z,;]\s)[A-Z][a-z\u00e0-\u00ff]+|"
                          r"^[A-Z][a-z\u00e0-\u00ff]*[\u00e0-\u00ff][a-z\u00e0-\u00ff]*,|"
                          r"^[A-Z][a-z]+(?<!ly),\s+(?:it|he|she)\s+(?:turned out|seemed|"
                          r"said|wrote|was|had)\b")
# After these verbs "her" is the object ("buy her lunch", "let her know"), not a possessive.
_OBJECT_VERBS = frozenset("""
ask asks asked asking bring brings bringing buy buys buying call calls calling email emails emailing
give gives giving hand lend let lets letting make makes message messages messaging offer offers
offering owe pay paying see send sends sending show shows showing tell tells telling thank thanks
thanking write writes writing help helps helping have get gets getting contact contacting meet
meeting remind reminding invite inviting text texting
""".split())
_FUNCTION_WORDS = frozenset("""
a an the to for of in on at with about from by and or but if when that this as up out off know
once while after before until because again now too back later soon
""".split())


# A consequence drawn from the sentence before ("Therefore, always be sure to ..."): with an
# order after it, the order stands alone and the connective goes; a statement still leans.
_CONSEQUENCE = re.compile(r"^(?:therefore|thus|hence|as a result|as such|consequently),\s+",
                          re.IGNORECASE)


def _strip_connective(sentence: str) -> str:
    body = sentence.strip()
    while True:
        stripped = _CONNECTIVE.sub("", body, count=1)
        if stripped == body:
            break
        body = stripped
    rest = _CONSEQUENCE.sub("", body, count=1)
    return rest if rest != body and len(rest.split()) >= 4 and is_imperative(rest) else body


# "It's also worth ...", "You should also mention ...": an "also" near the start adds to a point
# the reader of a reply has not seen.
_OPENING_ALSO = re.compile(r"^((?:it(?:['\u2019]s|\s+is|\s+was)|this\s+is|you(?:['\u2019]ll|"
                           r"\s+(?:can|could|should|may|might|must|will|need\s+to))?)\s+)also\s+",
                           re.IGNORECASE)


def drop_connective(sentence: str) -> str:
    """"Again, if she refuses, move on." -> "If she refuses, move on." (hedges like "Likely,"
    stay: they carry meaning); "You should also mention it." -> "You should mention it."."""
    body = _OPENING_ALSO.sub(r"\1", _strip_connective(sentence), count=1)
    return body[:1].upper() + body[1:]


# "I expect you to ...", "We strongly encourage all students to ...": the writer (a supervisor,
# a programme) setting the reader's rules. Said by the coach, "I" would be the coach; as a rule
# it reads "You're expected to ...", "All students are strongly encouraged to ...".
_WRITER_SETS = re.compile(r"^(?:I|we)\s+(?:(\w+ly)\s+)?(expect|encourage|ask|urge|require|"
                          r"invite|advise)\s+(you|every \w+|each \w+|all \w+)\s+"
                          r"((?:[\w-]+\s+){0,3}?)to\s", re.IGNORECASE)
_PARTICIPLE = {"expect": "expected", "encourage": "encouraged", "ask": "asked", "urge": "urged",
               "require": "required", "invite": "invited", "advise": "advised"}


def _as_a_rule(sentence: str) -> str:
    """"I expect every student to TA ..." -> "Every student is expected to TA ..."."""
    m = _WRITER_SETS.match(sentence)
    if not m:
        return sentence
    who = m.group(3)
    subject = "You're" if who.lower() == "you" else who[:1].upper() + who[1:]
    verb = "" if who.lower() == "you" else (" are" if who.lower().startswith("all ") else " is")
    adverb = f" {m.group(1).lower()}" if m.group(1) else ""
    return (f"{subject}{verb}{adverb} {_PARTICIPLE[m.group(2).lower()]} {m.group(4)}to "
            f"{sentence[m.end():]}")


def second_person(sentence: str) -> str:
    """"Mentees should ask early." -> "You should ask early."; "The mentee sends the first
    message." -> "You send the first message." (a statement about mentees in general, "Mentees
    often feel ...", stays a statement)."""
    def to_you(m: re.Match[str]) -> str:
        word = "You" if m.start() == 0 else "you"
        return f"{word} {m.group(1)}"

    sentence = _MODAL_MENTEE.sub(to_you, _as_a_rule(sentence))
    m = _MENTEE_DOES.match(sentence)
    if m and not _THEIR.search(sentence[m.end():]):
        sentence = f"You {_plain_verb(m.group(1))}{sentence[m.end():]}"
    return sentence


def _plain_verb(verb: str) -> str:
    """"sends" -> "send", "carries" -> "carry", "is" -> "are": the verb after "you"."""
    lower = verb.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return verb[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes", "zzes", "oes")):
        return verb[:-2]
    return verb[:-1]


def name_the_mentor(sentences: list[str]) -> list[str]:
    """The first "she/her/he/him/his" with nobody before it in the unit becomes "your mentor".

    Guidance written to a mentee that says "she" out of nowhere means the mentor it is about.
    Later pronouns then have "your mentor" to point back to, so only the first changes:
    "Send her a note, thanking her" -> "Send your mentor a note, thanking her".
    """
    out = list(sentences)
    if any(_FIRST_SINGULAR.search(s) for s in out):
        return out  # "If I'd kept chasing him": him is someone in the writer's story
    for i, sentence in enumerate(out):
        for m in _THIRD.finditer(sentence):
            before = " ".join(out[:i] + [sentence[:m.start()]])
            if _has_antecedent(before):
                return out
            out[i] = sentence[:m.start()] + _mentor_form(sentence, m) + sentence[m.end():]
            return out
    return out


def _has_antecedent(text: str) -> bool:
    lowered = text.lower()
    if re.search(r"\b(?:mentors?|mentees?|someone|somebody|person|colleague|manager|boss|"
                 r"coordinator|assistant|friend|contact|expert|leader|individual|professor|"
                 r"tutor|supervisor|sponsor|peer|executive|director|she|he|her|him|his)\b",
                 lowered):
        return True
    return bool(_PERSON_NAME.search(text))


def _mentor_form(sentence: str, m: re.Match[str]) -> str:
    word = m.group(1).lower()
    capital = m.start() == 0 or sentence[:m.start()].rstrip().endswith((".", "!", "?", ":"))
    if word in ("his", "hers"):
        form = "your mentor's"
    elif word == "her":
        before = re.findall(r"[A-Za-z']+", sentence[:m.start()])
        after = re.findall(r"[A-Za-z']+|[^\sA-Za-z']", sentence[m.end():])
        nxt = after[0].lower() if after else ""
        is_object = (not nxt or not nxt[0].isalpha() or nxt in _FUNCTION_WORDS
                     or (before and before[-1].lower() in _OBJECT_VERBS))
        form = "your mentor" if is_object else "your mentor's"
    else:
        form = "your mentor"
    return form[:1].upper() + form[1:] if capital else form


# A heading that labels a list of what NOT to do ("Don'ts", "Things to avoid", "Mistakes to
# avoid"): the orders under it are prohibitions. Said alone, "Cancel meetings at the last
# minute" tells the mentee to do what the guide warns against. Only the heading's whole
# wording counts: "Avoiding burnout", "How to avoid common pitfalls" and "Don't overload your
# mentor" head advice to follow, and "Do's and don'ts" items carry their own "Do"/"Don't".
# A list of mistakes ("Common mistakes", "Pitfalls") may hold the remedies as orders too, so
# there only an -ing item ("Treating your mentor as a manager") is said as one to avoid.
_LABEL_END = r"(?:\s+(?:in|for|when|during|at|with|on|as|to)\b.*)?[\s:.!]*$"
_PROHIBITIONS = re.compile(
    # "Don'ts", "Mentee DON'Ts", "Things to avoid", "Mistakes to avoid", or a bare "Avoid"
    r"^\W*(?:(?:(?:the|some|key|[\w-]+)\s+){0,2}(?:don['\u2019]?ts|do\s+nots?|"
    r"what\s+not\s+to\s+do|things\s+(?:you\s+should\s+)?not\s+(?:to\s+)?do|"
    r"(?:what|things)\s+to\s+avoid|(?:mistakes|pitfalls|traps|habits)\s+to\s+avoid)|"
    r"(?:the\s+)?don['\u2019]?t|do\s+not|avoid|never|"
    # "Do not do the following", "Avoid these", "Things you should never do", "What you
    # shouldn't do"
    r"(?:don['\u2019]?t|do\s+not|never|avoid)(?:\s+do)?\s+(?:the\s+following|these|those)"
    r"(?:\s+things)?|(?:what|things)\s+(?:you\s+)?(?:should|must)(?:\s+never|\s+not|"
    r"n['\u2019]t)\s+do)" + _LABEL_END, re.IGNORECASE)
_MISTAKES = re.compile(r"^\W*(?:(?:common|typical|classic|frequent|mentee|beginner)\s+)?"
                       r"(?:mistakes|pitfalls|traps|bad\s+habits)" + _LABEL_END +
                       # "Poor mentees:" over what they do: their habits, not orders
                       r"|^\W*(?:poor|bad|weak|ineffective|unsuccessful)\s+(?:mentees?|"
                       r"prot[eé]g[eé]s?)[\s:.!]*$", re.IGNORECASE)
_BOTH_WAYS = re.compile(r"\bdo['\u2019]?s\b|\bdo and\b", re.IGNORECASE)  # "Do's and don'ts"
_NEGATIVE = re.compile(r"^(?:don['\u2019]t|do not|never|avoid|stop|no|not|do)\b", re.IGNORECASE)


def warning_list(heading: str) -> str | None:
    """"prohibitions" for a heading (the last part of a section path) that labels what not to
    do, "mistakes" for one that labels mistakes, else None."""
    leaf = section_leaf(heading)
    if _BOTH_WAYS.search(leaf):
        return None
    if _PROHIBITIONS.match(leaf):
        return "prohibitions"
    return "mistakes" if _MISTAKES.match(leaf) else None


# The right way, said beside a pitfall ("Strive for independence, and use your mentor as a
# guide rather than a crutch", "Always review materials before a session"): under "Pitfalls to
# avoid", "Don't" before it said the opposite of the page.
_REMEDY = re.compile(r"\b(?:rather than|instead of|instead)\b|^(?:always|make sure|be sure|"
                     r"remember|try to|keep|stay|strive|aim|be open)\b", re.IGNORECASE)


# "I will ...", "As a mentee, I agree to:": a pledge list the writer (a mentee) made for
# themselves. Its items ("let my mentor know when I cannot meet") are said to the reader.
_PLEDGE = re.compile(r"^(?:as an? [\w-]+,?\s+)?I (?:will|shall|agree to|commit to|promise to|"
                     r"pledge to)\b", re.IGNORECASE)
_FIRST_TO_SECOND = {"i": "you", "my": "your", "myself": "yourself", "me": "you", "mine": "yours",
                    "i'm": "you're", "i've": "you've", "i'll": "you'll", "i'd": "you'd",
                    "am": "are"}
_FIRST_WORD = re.compile(r"\b(?:I['\u2019](?:m|ve|ll|d)|I am|I|my|myself|me|mine)\b")


def is_pledge(lead: str) -> bool:
    """True for the lead of a pledge list ("I will ...", "As a mentee, I agree to:")."""
    return bool(_PLEDGE.match(lead.strip()))


def as_own_rule(item: str) -> str:
    """A pledge item said to the reader: "not miss meetings because I feel unprepared" ->
    "Don't miss meetings because you feel unprepared"."""
    def swap(m: re.Match[str]) -> str:
        words = m.group(0).replace("\u2019", "'").split()
        return " ".join(_FIRST_TO_SECOND.get(w.lower(), w) for w in words)

    body = _FIRST_WORD.sub(swap, item.strip())
    if re.match(r"^not\s+", body, re.IGNORECASE):
        return "Don't " + body[4:].lstrip()
    return body[:1].upper() + body[1:]


def labels_its_warnings(passage: str) -> bool:
    """True for a warning list whose items name each pitfall in a run-in label and explain it
    ("2. Overdependence: ... avoid becoming overly dependent on them. Strive for independence
    ..."): the words after a label are the explanation and the remedy, not the mistake."""
    lines = [line for line in passage.splitlines() if line.strip()]
    labelled = sum(1 for line in lines if _RUN_IN_LABEL.match(re.sub(r"^\s*(?:[-*]|\d+\.)\s+",
                                                                      "", line)))
    return labelled >= 2


def as_warning(sentence: str, kind: str = "prohibitions") -> str:
    """A sentence from a warning list said as the warning it is: an order, under prohibitions,
    "Cancel at the last minute." -> "Don't cancel at the last minute."; an -ing item under
    either, "Treating your mentor as a manager." -> "Avoid treating your mentor as a
    manager."; anything else (already negative, a statement, an order after an if-clause)
    as it was."""
    body = sentence.strip()
    if not body or _NEGATIVE.match(body) or _REMEDY.search(body):
        return sentence
    lowered = body[:1].lower() + body[1:]
    if kind == "prohibitions" and _starts_with_order(body):
        return f"Don't {lowered}"
    if re.match(r"^[A-Za-z]{2,}ing\b", body) and not is_imperative(body):
        return f"Avoid {lowered}"
    return sentence


def reword(sentences: list[str]) -> list[str]:
    """All the rules, in order: connectives, "mentees should" -> "you should", the mentor named
    (for "she" out of nowhere, and for the writer's "me" in an order to the reader), the page's
    programme named as "the" programme."""
    lines = [the_programme(writer_as_mentor(second_person(drop_connective(s))))
             for s in sentences]
    return name_the_mentor(lines)


_THIS_PROGRAMME = re.compile(rf"^This(?={_PAGE_PROGRAMME})")


def the_programme(sentence: str) -> str:
    """"This mentorship program is not limited to students" opens a paragraph about the page's
    own programme; in a reply, away from the page, it is "The mentorship program"."""
    return _THIS_PROGRAMME.sub("The", sentence)


# "Take vacations when appropriate, but please let me know in advance", "Schedule meetings in my
# calendar": a supervisor's page, giving orders about the writer. Said by the coach, "me" would
# be the coach.
_WRITER_OBJECT = re.compile(r"\b(?:me|my)\b")
_WRITER_SUBJECT = re.compile(r"\b(?:I|I['\u2019]\w+|myself|mine)\b|\bmy (?:\w+ )?mentors?\b|"
                             r"\b(?:let['\u2019]?s|let me (?!know\b))", re.IGNORECASE)


def writer_as_mentor(sentence: str) -> str:
    """An order to the reader that names the writer as "me"/"my" (and the writer as nothing
    else: no "I", no "my mentor") with "your mentor" for the writer."""
    if not _WRITER_OBJECT.search(sentence) or _WRITER_SUBJECT.search(sentence) or (
            not is_imperative(sentence)):
        return sentence
    return _WRITER_OBJECT.sub(lambda m: "your mentor" if m.group(0) == "me" else
                              "your mentor's", sentence)


# -- what a unit asks the mentee to do -----------------------------------------------------------

_AUX = frozenset("""
is are was were be been has have had can could will would should may might must does do did
isn't aren't wasn't weren't hasn't haven't won't wouldn't shouldn't can't couldn't
""".split())
_NOT_VERBS = frozenset("""
a an the this that these those it its they them their there here i we you he she my our your his
her some many most much more few each every all any no one two three if when while after before
since because as for in on at by with from of to and or but so mentors mentees people
what which who whom whose how why where often usually sometimes most early short long good not
one two three four five six seven eight nine ten twelve twenty first second last next
i i'm i'd i've i'll me mine us let's you're you've you'll you'd
everyone everybody everything someone somebody something anyone anybody anything nobody nothing
none both either neither another such too
""".split())
_PRONOUNS = frozenset("i you he she it we they".split())
# Words that begin the object of a verb: "Mention *it*", "Question *the* plan".
_OBJECT_STARTS = frozenset("""
a an the this that these those it them her him your my one two three any each every some what
how why whether on to with
""".split())
_LONE_WORD = re.compile(r"^\s*[\w'\u00c0-\u00ff]+,")
INTRO_MAX_WORDS = 8  # an opening phrase before a comma, set aside when it has no verb
# Advice worded as a statement: "you should ...", "we recommend ...", and the impersonal "it's
# useful to paraphrase ...", "it helps to ..." (either apostrophe: pages use the curly one).
# Negated too ("You shouldn't spend more than 1-3 hours on it", "You don't have to reply the
# same day"), a rule in the passive ("Time zones should be included in every invitation") and
# a reassurance ("It's fine if you haven't finished"): each tells the mentee how to act.
_YOU_MODAL = re.compile(r"\b(?:you(?:['\u2019]ll| will)? (?:should(?:n['\u2019]t| not)?|can|could|"
                        r"need(?:n['\u2019]t| not)? to|must(?:n['\u2019]t| not)?|may want to|"
                        r"might want to|want to|ought to|have to|(?:don['\u2019]t|do not) (?:need|"
                        r"have) to)|we (?:recommend|suggest|advise|ask)|"
                        # the writer setting the reader's rules ("I expect every student to TA",
                        # "I strongly encourage you to ...", "We cannot allow an internship to
                        # be paused"): a handbook's voice, not the writer's story
                        r"(?:I|we)(?: \w+ly| do)? (?:expect|encourage|recommend|suggest|advise|ask|"
                        r"urge|require|want|invite) (?:you|all|every|each|mentees|students|interns|"
                        r"participants)|(?:I|we) (?:cannot|can['\u2019]t|do not|don['\u2019]t|will "
                        r"not|won['\u2019]t) (?:allow|accept|permit|approve|grant)|"
                        r"it(?:['\u2019]s| is| can be| may be| would be) "
                        r"(?:(?:often|usually|always|really|very|especially|also|generally|"
                        r"absolutely|perfectly|totally) )?"
                        r"(?:not )?(?:best|worth|a (?:good|great|bad) idea|wise|fine|okay|ok|"
                        r"important|essential|vital|crucial|helpful|useful|sensible|advisable|"
                        r"acceptable|unacceptable|good practice) (?:to|that you|if you)|"
                        # "Team members are always encouraged to ...", "Mentees are expected to"
                        r"(?:are|is) (?:\w+ly |always |also )?(?:encouraged|expected|required|"
                        r"asked|advised|welcome) to|it (?:(?:also|often|usually|really) )?(?:helps|"
                        r"pays) to|(?:should|must)(?:n['\u2019]t| not)? (?:always |never |also )?"
                        r"be \w+ed\b|your best bet is|try to|make sure|be sure)\b", re.IGNORECASE)
_CONCRETE = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
                       r"fifteen|twenty|thirty|a few|a couple of)\b[\s\-\u2013to]*(?:\w+\s)?"
                       r"(?:minutes?|hours?|days?|weeks?|months?|years?|working days?|lines?|"
                       r"questions?|sentences?|messages?|calls?|meetings?|times?)\b",
                       re.IGNORECASE)
_CONDITION = re.compile(r"^(?:if|when|once|after|before|until|whenever|as soon as|at|during|"
                        r"for|in|while|unless|as long as|even if|even when)\b[^,]{2,80},\s*",
                        re.IGNORECASE)
# The writer telling their own story ("My third mentor...", "Ten years ago I sent..."): the
# subject is the writer, so it is an example, not an instruction to the mentee.
_STORY = re.compile(r"^(?:\S+\s+){0,5}?(?:i|i'm|i'd|i've|i'll|my|we|we've|our|me)\b(?!['\u2019]s)",
                    re.IGNORECASE)


def is_imperative(sentence: str) -> bool:
    """"Send a note..." / "If she declines, let it go." / "Don't wait." — an instruction.

    Without a tagger: the first word of the main clause is not a function word, pronoun or
    obvious noun/participle form, and the word after it is not an auxiliary ("Mentors are").
    A short opening phrase with no verb in it ("Two weeks before a clock change, send ...",
    "Towards the end, plan ...") is set aside like an if-clause.
    """
    body = drop_connective(strip_markup(sentence))
    head, colon, tail = body.partition(": ")
    if colon and len(head.split()) <= 8 and tail:
        # "A simple rule works well: if the video drops twice, switch to ..." (the order is
        # after the colon); "Bring the evidence to them: a document, a recording" (before it).
        if _starts_with_order(_CONDITION.sub("", head, count=1)) and not _LONE_WORD.match(head):
            return True
        body = tail
    # "Tomás, it turned out, ...": a word alone before a comma is a name or an adverb, and the
    # order, if any, comes after it.
    lone = _LONE_WORD.match(body)
    body = _CONDITION.sub("", body, count=1)
    if not lone and _starts_with_order(body):
        return True
    opening, comma, rest = body.partition(", ")
    words = re.findall(r"[A-Za-z']+", opening.lower())
    return bool(comma and rest and len(words) <= INTRO_MAX_WORDS and not any(
        w in _AUX or w in _PRONOUNS for w in words) and _starts_with_order(rest))


def _starts_with_order(body: str) -> bool:
    """True when `body`'s first word reads as a bare verb giving an order."""
    words = re.findall(r"[A-Za-z']+", body)
    if not words:
        return False
    first = words[0].lower()
    nxt = words[1].lower() if len(words) > 1 else ""
    if first in ("don't", "never", "always", "please", "do", "be"):
        return True  # "Be careful ...": a sentence opening on a bare "be" gives an order
    if first.endswith("ly") and first not in _NOT_VERBS and len(words) > 1 and (
            _starts_with_order(body.split(None, 1)[1])):
        return True  # "Definitely say hello", "Simply introduce yourself": an adverb first
    if first in _NOT_VERBS or first in _AUX:
        return False
    # "Mention it", "Comment on": a -tion/-ment word followed by what it acts on is a verb;
    # "Preparation is key" is a noun subject.
    verb_noun = first.endswith(("tion", "ment")) and nxt in _OBJECT_STARTS
    # "Bring", "need": an -ing/-ed word is a participle only with a stem before the ending.
    participle = re.match(r"^[a-z']{3,}(?:ing|ed)$", first) is not None or first == "being"
    if not verb_noun and (participle or first.endswith(("ly", "'s", "tion", "ness", "ment")) or (
            first.endswith("s") and not first.endswith("ss"))):
        return False
    if nxt == "and":
        return False
    # "Mentor relationships are ...": an auxiliary soon after, with no pronoun before it, means
    # the first words were a subject ("Make sure you are ..." keeps its pronoun).
    for word in (w.lower() for w in words[1:4]):
        if word in _PRONOUNS:
            return True
        if word in _AUX:
            return False
    return True


# "Up until that time, I had only met mentors in IT": the writer telling what they did, in the
# past, with no word to the reader ("we need", "I feed" are not past).
_PAST_FIRST = re.compile(r"\b(?:I|we)\s+(?:\w+ly\s+)?(?:had\s+|have\s+)?(?:was|were|had|did|got|"
                         r"went|made|took|met|felt|thought|knew|found|became|began|"
                         r"[a-z]+(?<!e)ed)\b")
_TO_READER = re.compile(r"\byou(?:r|rs|rself)?\b", re.IGNORECASE)


# A programme speaking as "we" about what it does for the reader or its participants ("we will
# contact you", "We would usually expect mentors and mentees to meet every 4 to 8 weeks", "Our
# matching process means you cannot be matched ..."): its rules, not a story. Any "I", "my" or
# "me" makes it the writer's own.
_WRITER_SELF = re.compile(r"\b(?:i|i['\u2019](?:m|d|ve|ll)|my|me|mine|myself)\b", re.IGNORECASE)
_PARTICIPANTS = re.compile(r"\b(?:mentees?|mentors?|participants?|students?|applicants?|"
                           r"interns?)\b", re.IGNORECASE)


def _speaks_for_programme(text: str) -> bool:
    return not _WRITER_SELF.search(text) and bool(
        _TO_READER.search(text) or _PARTICIPANTS.search(text))


# The writer giving a view or a habit in the present ("I think the secret is to ...", "I like to
# keep a running doc ...", "I've found that ...", "I can't stress this enough"): advice in the
# first person, not a story told about the past.
_WRITER_VIEW = re.compile(r"^(?:\S+\s+){0,3}?(?:i|we)(?:"
                          r"\s+(?:\w+ly\s+)?(?:think|believe|like to|prefer to|tend to|always|"
                          r"never)|"
                          r"(?:['\u2019]ve|\s+have)\s+(?:\w+ly\s+)?(?:found|seen|learned|learnt|"
                          r"gotten|(?:also\s+)?had\s+(?:good|great|the (?:most|best)|more)\s+"
                          r"(?:luck|results|success))|"
                          r"\s+(?:can['\u2019]t|cannot)\s+(?:emphasi[sz]e|stress|recommend))\b",
                          re.IGNORECASE)


def is_story(sentence: str) -> bool:
    """The writer's own story, not an instruction: "My third mentor, Tomás, was generous..."."""
    text = strip_markup(sentence)
    if _WRITER_VIEW.match(text):
        return False
    if _PAST_FIRST.search(text) and not _TO_READER.search(text):
        return True
    return bool(_STORY.match(text)) and not is_imperative(sentence) and not (
        _YOU_MODAL.search(sentence)) and not _speaks_for_programme(text)


_WHOLLY_QUOTED = re.compile(r"^\W*[\"\u201c\u201d\u201e][^\"\u201c\u201d]{20,}[\"\u201c\u201d]\W*$")


def is_sample(unit: Unit) -> bool:
    """True for a unit that is only a quoted sample ("\u201cHi. I have truly appreciated the time
    we've spent ...\u201d"): words to copy when asked what to write, no advice otherwise."""
    return not unit.items and bool(_WHOLLY_QUOTED.match(" ".join(unit.sentences)))


INSTRUCTION = 0.8  # `actionability` of an order ("Send a note"), before a concrete number


def actionability(unit: Unit) -> float:
    """How directly the unit tells the mentee what to do: 0.8 for an instruction, 0.6 for
    "you should"/"we recommend"/"the mentee sends", +0.2 with a concrete number or timing; -1
    for a unit that is only the writer's story (an example, which answers nothing by itself)."""
    lines = unit.sentences + [t for _, t in unit.items]
    if not unit.items and is_story(unit.sentences[0]) and not any(
            not is_story(s) and (is_imperative(s) or _YOU_MODAL.search(s))
            for s in unit.sentences):
        return -1.0
    best = 0.0
    for sentence in lines:
        score = 0.0
        if is_imperative(sentence):
            score = INSTRUCTION
        elif _YOU_MODAL.search(sentence) or _MENTEE_DOES.match(drop_connective(sentence)):
            score = 0.6  # "you should ...", "we recommend ...", "The mentee sends ..."
        if score and _CONCRETE.search(sentence):
            score += 0.2
        best = max(best, score)
    if unit.items and best < 0.6:
        best = 0.6  # a lead-in with its list is a set of concrete steps
    return best


# -- what kind of answer a question wants -------------------------------------------------------

_NUM = (r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
        r"thirty|forty|forty-five|sixty|a few|a couple of|an?|half an?)")
_COUNT = _NUM + r"(?:\s*[\u2013-]\s*\w+)?(?:\s+or\s+\w+)?\s*(?:working\s+)?"  # "two or three"
_SPAN = re.compile(_COUNT + r"(?:minutes?|mins?|hours?|days?|weeks?|months?|years?|words|lines|"
                   r"sentences|pages)\b", re.IGNORECASE)
_FREQUENCY = re.compile(r"\b(?:every|each|once|twice|weekly|monthly|fortnightly|daily|per|"
                        r"times? a|a (?:week|month|day|year))\b", re.IGNORECASE)
_QUANTITY = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
                       r"a few|a couple)\b", re.IGNORECASE)
_MOMENT = re.compile(r"\b(?:before|after|within|until|during|as soon as|the same day|the next "
                     r"day|at the (?:start|end|beginning))\b", re.IGNORECASE)
_WORDING = re.compile(r"[\"\u201c\u201d]|\bsomething like\b|:\s", re.IGNORECASE)
_COUNTED_UNIT = re.compile(r"\bhow many (?:\w+ )?(minutes|hours|days|weeks|months|years)\b",
                           re.IGNORECASE)
_SPAN_UNIT = re.compile(_COUNT + r"(minutes?|hours?|days?|weeks?|months?|years?)\b", re.IGNORECASE)
# (question form, what a unit that answers it contains); the first form that matches decides.
_QUESTION_TYPES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"\bhow (?:often|frequently|regularly)\b|\bhow many times\b", re.IGNORECASE),
     lambda t, u: bool(_FREQUENCY.search(t) and _QUANTITY.search(t))),
    (re.compile(r"\bhow long\b|\bhow much time\b", re.IGNORECASE),
     lambda t, u: bool(_SPAN.search(t))),
    (re.compile(r"\bhow (?:many|much)\b", re.IGNORECASE), lambda t, u: bool(_QUANTITY.search(t))),
    (re.compile(r"^(?:\W*\w+\W+){0,3}?when\b|\bhow soon\b|\bby when\b", re.IGNORECASE),
     lambda t, u: bool(_MOMENT.search(t) or _SPAN.search(t))),
    (re.compile(r"\bwhat (?:should|do|can|would) (?:i|we) (?:\w+ly )?(?:say|write|put|ask|include|"
                r"cover)\b|"
                r"\bwhat (?:goes|to say|to write|to put)\b|\bwhat (?:do|should) i say\b|"
                r"\bin what order\b|"
                # "How do I tell them without being rude?": the words to use
                # ("how can I tell if ...?" asks how to judge, not what to say)
                r"\b(?:how (?:do|should|can|could|would) (?:i|we)|how to) (?:tell (?!if\b|"
                r"whether\b|when\b|what\b|how\b|the difference\b)|say\b|word\b|phrase\b)",
                re.IGNORECASE),
     lambda t, u: bool(u.items or _WORDING.search(t))),
)


# "Why ...?", "Does my mentor ...?", "What kind of ...?", "Is that enough?", "Do I need to ...?",
# "What would she pass on?": a question about how things are (an obligation is one: "You don't
# need to ..." answers it; so is what someone else does), not about what to do ("Do I ...?", "Is
# it OK to ...?", "Can I ...?", "What is the best way to ...?" ask that). With obligations and
# others' doings counted, the answering sentence opened 3 more replies and was in the opening
# point of 6 more (suite, held-out set, twelve probes of real pages); no reply lost it.
_ASKS_HOW_THINGS_ARE = re.compile(
    r"^(?:why\b|what (?:kind|type|sort)s? of\b|who\b|do (?:i|we) (?:really )?(?:need|have) to\b|"
    # "How many people are in a group?", "How long does it run?", "Do I need a GitHub account?",
    # "Am I still allowed to ...?", "What happens if ...?": how the programme is, not what to
    # do ("How many hours should I put in?" and "How long should I wait?" ask that)
    r"how (?:many|much|long)\b(?![^?]*\b(?:should|must|do|can|could|would|shall) (?:i|we)\b)|"
    r"do (?:i|we) (?:really |still |even )?need (?:a|an|any)\b|"
    r"am i (?:still |even |really )?(?:allowed|eligible|required|expected|supposed)\b|"
    r"what happens\b|"
    r"what (?:would|will|does|do|did|can|could|might) (?:she|he|they|my|your|mentors?)\b|"
    # "Will I be graded?", "Should I be worried?", "When should my buddy get in touch?", "Is
    # it a problem if I miss it?": what will happen, how to feel, what someone else does
    r"will (?:i|we) (?:still |ever |also |even )?(?:be|get|have|hear|receive)\b|"
    r"should (?:i|we) be (?:worried|concerned|nervous|anxious|surprised|upset|offended|"
    r"bothered|alarmed)\b|"
    r"(?:when|how soon|how quickly) (?:should|will|would|do|does|can|could|is|are) "
    r"(?:she|he|they|my|your|the|mentors?|someone|people)\b|"
    r"is (?:it|that|this) (?:a (?:problem|big deal)|an issue|normal|common|unusual|typical) "
    r"(?:if|that|for|when)\b|"
    r"(?:does|do|is|are|was|were|will|would|can|"
    r"could|should|has|have|did)\s+(?!it\b[^?]{0,30}?\b(?:to|if)\b|there (?:anything|something)\b|"
    r"(?:that|this|it) (?:ok|okay|fine|alright|all right|acceptable|weird|rude|bad)\b)"
    r"(?:my|your|the|a|an|she|he|they|"
    r"mentors?|that|this|it|there|just|someone|people)\b)", re.IGNORECASE)
_LEADING_FILLER = re.compile(r"^(?:(?:and|so|but|ok|okay|also|then|well|hmm)\b[,\s]*)+",
                             re.IGNORECASE)


_LOWER_CASE_START = re.compile(r"(?<=[.!?])\s+(?=[\"\u201c(]?[a-z])")


def asks_how_things_are(question: str) -> bool:
    """True when the question's last sentence asks about a fact, not about what to do.

    "Why would I send my questions first?" or "Does my mentor have to work at my company?" is
    answered by a statement ("Sending them first lets them decide ..."), so an instruction has
    no edge over it; "Should I ...?" or "Is it OK to ...?" asks what to do. Only the question's
    form is read (English question words), never its topic.
    """
    # (typed questions often start a sentence in lower case: "... the working group. what
    # happens if ...?" is two sentences, which `split_sentences` keeps as one)
    sentences = [part for s in split_sentences(question.strip())
                 for part in _LOWER_CASE_START.split(s) if part.strip()]
    asked = [s for s in sentences if s.rstrip().endswith("?")] or sentences[-1:]
    if not asked:
        return False
    last = _LEADING_FILLER.sub("", asked[-1].strip())
    return bool(_ASKS_HOW_THINGS_ARE.match(last))


def fits_question_type(question: str, unit: Unit) -> bool:
    """True when the unit has the kind of content the question's form asks for.

    "How often ...?" wants a frequency ("every three weeks"), "how long ...?" a span, "how
    many ...?" a number, "when ...?" a moment or a span, "what should I say/write ...?" wording
    (a quotation, a list, a colon). Only the question's form is read, never its topic: these
    are English question words, not any document's vocabulary.
    """
    text = unit.text
    counted = _COUNTED_UNIT.search(question)
    if counted:  # "how many hours a week?": "take a couple of days" counts days, not hours
        wanted = counted.group(1).lower().rstrip("s")
        return any(m.group(1).lower().rstrip("s") == wanted for m in _SPAN_UNIT.finditer(text))
    for form, answers in _QUESTION_TYPES:
        if form.search(question):
            return bool(answers(text, unit))
    return False


# -- next steps ------------------------------------------------------------

_NOTE_ACTION = re.compile(
    r"\b(?:send|sends|sending|write|writes|writing|email|emails|drop|dropping|message)\b[^.;]{0,40}?"
    r"\b(?:note|email|e-mail|message|line|thank-you|thanks|recap|summary|nudge|letter|card|"
    r"follow-up|update|reply|outcome)\b|\bthank[- ]you (?:note|email|message)\b|"
    r"\bwrite (?:to|back)\b|\b(?:tell|let) (?:her|him|them|your mentor) know\b",
    re.IGNORECASE)
_KIND_SIGNALS: dict[str, re.Pattern[str]] = {
    "back-off": re.compile(r"\b(?:back (?:way )?off|step back|when (?:she|he|they)(?:'s|'re| is| "
                           r"are) ready|let it rest|stop (?:asking|writing|chasing)|stopped "
                           r"(?:replying|answering|responding|returning)|not repl|hasn't repl|"
                           r"gone quiet|goes quiet|overwhelm|busy|no reply|unanswered|silen)",
                           re.IGNORECASE),
    "follow-up": re.compile(r"\b(?:outcome|turned out|how (?:it|things) (?:went|turned)|what "
                            r"happened|result|update|worked out|nudge|follow[- ]up)",
                            re.IGNORECASE),
    "thank-you": re.compile(r"\b(?:thank|thanks|thanking|gratitude|recap|appreciat)",
                            re.IGNORECASE),
    "outreach": re.compile(r"\b(?:first message|reach out|introduc|ask (?:her|him|them|someone|"
                           r"\w+) to be|approach|write to your mentor|get in touch|contact)",
                           re.IGNORECASE),
}
DRAFT_PHRASES = {"outreach": "an outreach email", "thank-you": "a thank-you note",
                 "back-off": "a back-off note", "follow-up": "a follow-up note"}


# "How do I approach her?", "Should I email Dr. Ruiz?", "how to ask him to be my mentor": the
# mentee means to contact someone, which is what an outreach draft is for.
_ASKS_TO_APPROACH = re.compile(
    r"\b(?:approach|contact|reach out to|get in touch with|e-?mail|write to|message)\s+"
    r"(?:her|him|them|someone|somebody|(?:a|this|that) (?:potential |prospective |possible "
    rf"|new )?mentor|{TITLE}|[A-Z][a-z]+)\b|\bask\s+(?:her|him|them|someone|"
    r"[A-Z][a-z]+)\s+to\s+(?:be\s+my\s+mentor|mentor\s+me)\b")


def asks_to_approach(question: str) -> bool:
    """True when the mentee asks how to contact someone they want guidance from."""
    return bool(_ASKS_TO_APPROACH.search(question))


# "How should I thank him?", "Should I send a thank-you?": a thank-you is a note to write.
_ASKS_TO_THANK = re.compile(
    r"\bhow (?:should|do|can|could|would|might) (?:i|we) (?:best )?(?:thank|say thanks|"
    r"say thank you|show (?:my |our )?(?:appreciation|gratitude))\b"
    r"|\b(?:write|send) (?:a |my |her |him |them )?(?:thank[- ]you|thanks)\b", re.IGNORECASE)


def asked_draft_kind(question: str) -> DraftKind | None:
    """The note the question itself asks how to write, however the advice says it: a first
    message to someone ("How do I approach her?") or a thank-you ("How should I thank him?")."""
    if asks_to_approach(question):
        return "outreach"
    return "thank-you" if _ASKS_TO_THANK.search(question) else None


# "my mentor's long email", "my current mentor": someone the mentee already works with (not
# "my new mentor", "my future mentor").
_HAS_MENTOR = re.compile(r"\bmy (?!new\b|future\b|potential\b|prospective\b|possible\b)"
                         r"(?:\w+\s)?mentor\b", re.IGNORECASE)


def fits_offer(kind: str, question: str) -> bool:
    """Whether a draft of `kind` suits the mentee's situation: an outreach email introduces the
    mentee to someone new, so it is no note to a mentor they already have ("I can't write a
    proper reply to my mentor's long email" was offered one), unless they ask how to approach
    someone ("My mentor suggested I contact her colleague. How should I approach her?")."""
    return kind != "outreach" or not _HAS_MENTOR.search(question) or asks_to_approach(question)


def tells_to_write(sentence: str) -> bool:
    """True when the sentence tells the mentee to send or write a note, email, recap..."""
    return bool(_NOTE_ACTION.search(sentence)) and not _STORY.match(sentence)


def note_kind(unit_text: str, question: str) -> str:
    """The draft kind a note-writing point calls for; signals in the point outweigh the
    question's, and ties go to the order of `_KIND_SIGNALS` (a quiet mentor first)."""
    unit_text, question = (t.replace("\u2019", "'") for t in (unit_text, question))

    def hits(kind: str) -> int:
        pattern = _KIND_SIGNALS[kind]
        return 2 * len(pattern.findall(unit_text)) + len(pattern.findall(question))

    return max(_KIND_SIGNALS, key=lambda k: (hits(k), -list(_KIND_SIGNALS).index(k)))


def shows_note_kind(unit_text: str, question: str) -> bool:
    """True when the point or the question says which kind of note it is (else no offer:
    "write a sincere note" alone does not say whether it thanks, follows up or backs off)."""
    text = f"{unit_text} {question}".replace("\u2019", "'")
    return any(p.search(text) for p in _KIND_SIGNALS.values())


def draft_offer(kind: str, to: str | None = None) -> str:
    """The offer line; with no name, the role: someone a first message goes to is not yet
    "your mentor"."""
    to = to or ("your prospective mentor" if kind == "outreach" else "your mentor")
    return f"Want me to draft {DRAFT_PHRASES[kind]} to {to}?"


_OFFER = re.compile(r"^Want me to draft (an? [\w-]+ (?:note|email)) to (.+)\?$")


def parse_offer(line: str) -> tuple[str, str] | None:
    """(draft kind, recipient) from an offer line the coach wrote, else None."""
    m = _OFFER.match(line.strip())
    if not m:
        return None
    kinds = {phrase: kind for kind, phrase in DRAFT_PHRASES.items()}
    kind = kinds.get(m.group(1))
    return (kind, m.group(2)) if kind else None


_IF_CLAUSE = re.compile(r"^if\s+([^,]{3,90}?),\s*\S", re.IGNORECASE)
_FIRST_PERSON = ((r"\byou're\b", "I'm"), (r"\byou've\b", "I've"), (r"\byou'd\b", "I'd"),
                 (r"\byour\b", "my"), (r"\byours\b", "mine"), (r"\byou are\b", "I am"),
                 (r"\byou were\b", "I was"), (r"\byou\b", "I"))


def what_if(sentence: str) -> str | None:
    """"If she declines, let it go." -> "What if my mentor declines?" (None if not conditional).

    The condition is said as the mentee would ask it: "she"/"he" with nobody before it is
    "my mentor", "you/your" become "I/my".
    """
    m = _IF_CLAUSE.match(drop_connective(sentence))
    if not m or len(m.group(1).split()) > 12 or _FIRST_SINGULAR.search(sentence):
        return None
    if leans_on_predecessor(sentence):
        return None  # "If this is the case, ..." asks nothing without the sentence before it
    condition = m.group(1).strip()
    for pattern, repl in _FIRST_PERSON:
        condition = re.sub(pattern, repl, condition, flags=re.IGNORECASE)
    condition = re.sub(r"^(?:she|he)\b", "my mentor", condition, flags=re.IGNORECASE)
    condition = re.sub(r"\b(?:her|him)\b$", "my mentor", condition, flags=re.IGNORECASE)
    return f"What if {condition}?"


# -- citing ------------------------------------------------------------

_END = re.compile(r"([.!?:;]+)([\"'\u201d\u2019)]*)$")


def cite(sentence: str, n: int, *, full_stop: bool = False) -> str:
    """`sentence` as the reply prints it, with `[n]` before its final punctuation, never inside
    a quotation: 'She says "Wow!"' -> 'She says "Wow!" [n]'. A list item's "; and" ending
    reads as a full stop on a bullet of its own. With `full_stop`, a sentence the page left
    without one (a bullet said as a point: "Set up meetings with clear agendas") gets it."""
    body = _tidy(sentence)
    m = _END.search(body)
    if not m:
        return f"{body} [{n}]." if full_stop else f"{body} [{n}]"
    if m.group(2) and any(q in m.group(2) for q in "\"'\u201d\u2019)"):
        # after a closing quote or bracket: "(PhD places etc.)" keeps its abbreviation's stop
        return f"{body} [{n}]"
    end = "." if m.group(1) == ";" else m.group(1)
    if len(end) > 1 and end not in ("...", "?!", "!?"):
        end = end[0] if end[0] in "!?" else "."  # "**...relationship.**." said its stop twice
    return f"{body[:m.start()].rstrip()} [{n}]{end}{m.group(2)}"


_ITEM_JOINER = re.compile(r"\s*[;,]\s*(?:and|or)?\s*$", re.IGNORECASE)
_SPACE_BEFORE = re.compile(r"\s+(?=[.,;:!?\u201d)](?!\w))|(?<=[\u201c(])\s+")
_EDGE_PIPE = re.compile(r"^\|\s*|\s*\|$")


def _tidy(sentence: str) -> str:
    """Spacing a converted page left ("\u201c Let's try .\u201d") closed up; a list item's
    joining "; and" / "," at its end made a ";" the citation turns into a full stop; a table
    cell's stray "|" at either end (a table pasted into a text file) dropped."""
    body = _LEADING_DASH.sub("", _EDGE_PIPE.sub("", sentence.strip()))
    return _ITEM_JOINER.sub(";", _SPACE_BEFORE.sub("", body))

