"""Which sensitive domain, if any, a question asks about that its evidence does not discuss.

Mentoring guidance gives advice on working with a mentor; it is not the place to learn a dose,
a pay figure, a visa rule or what the law allows. Three general rules decide, each judged on the
part of the question that asks (mentees tell a story first, then ask):

1. Terms. A term of a domain's own vocabulary (drug classes and supplements, legal and tax words,
   visa and permit names, pay and equity words) in the asking part, which no evidence passage
   uses. An ask about raising the matter with the mentor ("how do I ask my mentor for advice on
   my pay negotiation?") is a coaching question: its terms count as story terms. A term that
   only appears in the story ("my mentor is a lawyer; how do I prepare?") does not count: that
   is a coaching question told with some background.
2. Story term + a domain-shaped ask. The story names the term and the asking part asks what
   that domain answers: an amount to take or demand ("should I take some?", "how much more?"),
   a value ("what are they worth?"), or a permission by rule ("am I allowed?", "is it legal?");
   or the ask has no subject of its own ("What do I do?"), so the story is what it asks about.
3. Intents without any term. Asking for something to take for a bodily state ("something for my
   nerves", "how many should I have to stay calm"), asking for a number to ask for, demand or
   counter with when money is in the question, and asking what a named organisation's rules
   allow. These are the shapes near-topic questions take when the mentee avoids the domain's
   name; none is a shape a coaching question takes. Two more are no domain but no guidance's
   business either: a fact about the mentor's private life asked outright ("Is she married?"),
   and a product recommendation asked of the coach ("Can you recommend a good notes app?"); nor
   is fixing a device or a program ("How do I repair GRUB?") that the evidence never mentions.
   Asking whether raising a matter is done at all ("Is it appropriate to ask my mentor what she
   earns?") is etiquette, a coaching question: its domain words count as story terms.

Every rule stands aside when the evidence discusses the domain (uses one of its terms, or names
the organisation), so a user whose guidance covers, say, stress and medicines gets an answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coach.results import Passage
from coach.text import content_words

# Sensitive domains → terms (regexes, matched case-insensitively on word boundaries). Each list
# is the domain's own vocabulary: drug classes, common over-the-counter supplements and dose
# units; legal, tax, visa, pay, equity and personal-finance words; the names of
# workplace-discipline steps.
SENSITIVE_TERMS: dict[str, tuple[str, ...]] = {
    "medical": (r"medications?", r"medicines?", r"meds", r"pills?", r"prescri\w+",
                r"dos(?:e|es|age)", r"drugs?", r"antidepressants?", r"sedatives?",
                r"diagnos\w+", r"side[- ]effects?", r"pharmac\w+",
                # drug classes, named calming drugs, supplements, dose units and forms
                r"beta[- ]?blockers?", r"propranolol", r"benzo(?:diazepine)?s?", r"xanax",
                r"valium", r"melatonin", r"caffeine", r"ashwagandha", r"cbd", r"supplements?",
                r"vitamins?", r"magnesium", r"zinc", r"herbal", r"remed(?:y|ies)", r"tablets?",
                r"capsules?", r"gummies", r"mg", r"milligrams?", r"gps?",
                r"painkillers?", r"ibuprofen", r"paracetamol", r"adderall", r"ritalin",
                r"stimulants?", r"birth control", r"contracepti\w+",
                # other substances taken to cope
                r"over[- ]the[- ]counter", r"alcohol", r"cannabis", r"nicotine",
                r"vap(?:e|es|ing)", r"wine", r"beers?", r"(?:glass|bottle|pint|shot) of \w+",
                # conditions a doctor treats
                r"migraines?", r"insomnia", r"allerg\w+",
                r"asthma", r"infections?", r"(?:chest|stomach|back) pains?",
                r"heart (?:thing|problem|condition|attack)"),
    "mental-health": (r"therap(?:y|ies|ist|ists)", r"psychiatr\w+", r"psychologists?",
                      r"depress(?:ion|ed)", r"self[- ]harm", r"suicid\w*", r"mental[- ]health",
                      r"disorders?", r"adhd", r"panic attacks?", r"counsell?(?:or|ors|ing)",
                      r"get (?:assessed|tested|checked)",
                      # "get treated for ...", not "get treated badly" (how people treat you)
                      r"get treated(?!\s+(?:badly|unfairly|fairly|poorly|well|better|worse|"
                      r"differently|like|as|with|by)\b)", r"dyslexi\w+", r"autis\w+",
                      r"ocd", r"ptsd", r"bipolar"),
    "legal": (r"lawyers?", r"attorneys?", r"solicitors?", r"sue", r"sued", r"suing",
              r"lawsuits?",
              r"legal(?:ly)?", r"illegal", r"court", r"tribunal", r"litigation",
              r"non[- ]?competes?", r"nda", r"liab(?:le|ility)", r"defamation",
              r"breach of contract", r"copyright\w*", r"intellectual property",
              r"own the rights", r"my rights", r"(?:my|employment|the) contract",
              r"entitled to", r"(?:have|has|got) a (?:case|claim)", r"in law",
              r"hold (?:me|us|you|him|her|them) to (?:it|that|this|the)",
              r"who (?:\w+ )?owns (?:the |my |our |that |this )?(?:work|rights|ip|ideas?|code)",
              r"binding",
              r"(?:employment|labou?r|immigration|tax|the|by|under|against|of) law"),
    "immigration": (r"visas?", r"green card", r"(?:work|residence|dependa[nt]t|study|entry) "
                    r"permits?", r"immigra\w+", r"citizenship", r"deport\w*", r"asylum",
                    r"tourist (?:visa|entry)", r"right to work", r"leav\w+ the country",
                    # permission to work or stay somewhere is the immigration question
                    r"(?:allowed|permitted|able) to (?:work|live|stay) (?:there|here|in|abroad)",
                    r"how long (?:can|could|may) i stay", r"blue card",
                    r"work authori[sz]ation"),
    "tax": (r"tax(?:es|ed|able|ation)?", r"irs", r"hmrc", r"w-?2", r"1099",
            r"deductible", r"tax return", r"self[- ]employ\w*", r"write (?:\w+ )?off",
            r"business expenses?", r"revenue (?:office|service|agency)",
            r"national insurance", r"vat", r"income",
            r"declar(?:e|ing) (?:it|this|that|income|earnings)",
            r"(?:put|include|list|report|declare) (?:\w+ ){0,2}on (?:my|the|a) (?:tax )?return",
            r"(?:do|file|filing|doing|submit|complete) (?:my|the|a|your) (?:tax )?return",
            r"self[- ]assessment"),
    "pay": (r"salar(?:y|ies)", r"wages?", r"pay ?(?:rise|raise)", r"(?:a|my|the) raise",
            r"compensation", r"paychecks?", r"payslips?", r"bonus(?:es)?",
            r"hourly rate", r"(?:day|daily|going|market) rate", r"(?:be|get|getting) paid",
            r"[$£€]\s?\d[\d,.]*k?", r"\d+k", r"counter[- ]?offer", r"underpaid",
            r"payouts?", r"severance", r"(?:my|new|starting|base|take-home) pay",
            r"\d+ ?% (?:more|higher|rise|raise|increase)",
            r"how much (?:\w+ ){0,8}(?:earns?|paid|charge)",
            # "what I'm on now", "what should I be on?": the British way of naming a salary
            r"what (?:i'?m|i am|you'?re|they'?re|she'?s|he'?s) on(?= now| currently| at the)",
            r"be on(?=\s*\?)", r"(?:current|salary|pay) figure", r"be earning",
            r"be making(?= as| at| in| for| per| a year| an hour|\s*\?)"),
    "equity": (r"stock options?", r"share options?", r"equity (?:stake|grant|package|offer)",
               r"rsus?", r"vest(?:ing|ed|s)?", r"esop", r"(?:my|company|the|all|those|these) "
               r"shares", r"cliff", r"strike price", r"option (?:grant|pool)s?",
               r"(?:slice|stake|percentage) (?:of|in) the company",
               r"exercis\w* (?:\w+ ){0,2}options", r"83\s?\(b\)"),
    "employment": (r"disciplinary", r"grievances?", r"misconduct", r"dismiss(?:al|ed)",
                   r"fired", r"performance improvement plan", r"written warning",
                   r"harass\w*", r"investigation", r"suspen(?:ded|sion)", r"let go",
                   r"laid off", r"redundan\w+", r"sack(?:ed|ing)?", r"fire (?:me|him|her|them)",
                   r"complaint (?:about|against) me", r"defend myself", r"final warning",
                   r"appeal (?:it|this|that|the|a|against)",
                   r"(?:formal|disciplinary|misconduct|appeal|grievance|the) hearing",
                   r"overturn\w*", r"(?:my|union|employee) representative", r"trade union"),
    "finance": (r"index funds?", r"student loans?", r"mortgages?", r"pensions?", r"crypto\w*",
                r"bitcoin", r"credit cards?", r"(?:my|our|your) savings", r"401\(?k\)?", r"isas?",
                r"invest(?:ing)? (?:in )?(?:stocks|shares|funds?|crypto|property|the market)"),
    "policy": (r"official polic(?:y|ies)", r"company polic(?:y|ies)",
               r"(?:employer|company|firm)'s polic(?:y|ies)"),
}
_TERMS = {topic: [re.compile(rf"(?<![\w-]){t}(?![\w-])", re.IGNORECASE) for t in terms]
          for topic, terms in SENSITIVE_TERMS.items()}

# Rule 2: an asking part that leans on a story term for its subject. Each shape asks what a
# sensitive domain answers (an amount, a value, a permission by rule), never how to behave.
_DOMAIN_ASK = re.compile(
    r"\b(?:take|taking|have|try|use|get|borrow|buy|order|exercise|sell|declare|report|claim)\s+"
    r"(?:some|any|it|them|one|those|these|half|more|the whole|a couple|a few|hers|his|double|"
    r"extra|twice)\b"
    # ("borrow some of her time", "have a few of my notes" ask about the mentoring)
    r"(?!\s+(?:of\s+(?:[\w'\u2019]+\s+)?)?(?:time|notes|days?|weeks?|advice|help)\b)"
    # ("how much notice / time", "how many sessions" ask about the mentoring itself; "how many
    # hours / days" can ask what a rule allows, and still count)
    r"|\bhow (?:much|many)\b(?!\s+(?:notice|time|warning|detail|preparation|prep|meetings?|"
    r"sessions?|calls?|questions?|emails?|messages?)\b"
    # ("how much it helped": how much it meant, not an amount)
    r"|\s+(?:it|this|that|he|she|they|you)\s+(?:helped|helps|meant|means|mattered|matters|"
    r"appreciat\w+)"
    # ("how much should I share?": how much to disclose to the mentor)
    r"|\s+(?:should|do|can|would|to)\s+(?:i\s+)?(?:share|say|tell|reveal|disclose|mention|"
    r"open up))"
    r"|\bworth\b|\bvalue (?:it|them|those|these)\b|\bhow (?:high|far|low)\b"
    r"|\b(?:allowed|legal|enforceable|entitled|permitted|lawful|safe)\b|\bagainst the law\b"
    r"|\bhold up\b|\bin trouble\b|\b(?:aim|go|push) (?:higher|lower)\b"
    # a remedy, a market figure for experience, a deadline a rule sets, a companion by right
    r"|\b(?:use|take|try) to (?:stop|prevent|treat|ease|cure)\b"
    r"|\bsomeone with (?:\w+ ){0,3}years?\b|\bhow long do (?:i|we) have (?:to|before|until)\b"
    r"|\bbring (?:someone|somebody|a (?:friend|colleague|companion|witness))\b"
    r"|\bwhat (?:signs|symptoms)\b",
    re.IGNORECASE)

# Rule 3a: asking for something to take, with a bodily or emotional state to take it for.
_INGEST_ASK = re.compile(
    r"\b(?:something|anything)\s+(?:\w+\s+){0,3}(?:take|have|try|use)\b"
    r"|\bwhat (?:should|can|could|do|would) i (?:take|have|try)\b(?!\s+(?:to|with|into|along))"
    r"|\b(?:take|try|have)\s+(?:some|one|any|half|a couple|a whole|the whole)\b"
    r"(?!\s+(?:time|of (?:the|my) time|notes|days?|weeks?))"
    r"|\bhow (?:much|many)\s+(?:\w+\s+)?(?:should|can|do|to) i (?:take|have)\b",
    re.IGNORECASE)
_BODY_STATE = re.compile(
    r"\b(?:nerves?|nervous|anxi\w+|panic\w*|calm\w*|sleep\w*|insomnia|stage fright|jitter\w*|"
    r"shak(?:e|es|y|ing)|steady|trembl\w*|sweat\w*|stress\w*|relax\w*|focus\w*|awake|drowsy|"
    r"heart|pain|headaches?)\b",
    re.IGNORECASE)

# Rule 3b: asking for a figure to ask for, demand or counter with, when money is in the question.
_FIGURE_ASK = re.compile(
    r"\bhow much (?:more|higher|above|over|extra|less|lower|below)\b"
    r"|\bhow (?:high|far|much) (?:should|can|could|do) i (?:go|push|ask)\b"
    r"|\b(?:aim|go|push|ask) (?:higher|lower|for more)\b"
    r"|\bwhat(?:'s| is| are)?\s+(?:\w+\s+){0,3}(?:number|figure|amount|percentage|sum|range)s?\b",
    re.IGNORECASE)
_MONEY = re.compile(
    r"\b(?:offer\w*|underpaid|earn\w*|pay|paid|raise|counter\w*|negotiat\w*|review|hire|"
    r"expectations|recruiters?|"
    r"charg\w+|rate|salary|money|fee)\b|\d+k\b|[$£€]\s?\d", re.IGNORECASE)

# Rule 3c: what a named organisation (a capitalised name inside the sentence) allows or rules
# for its people. The people are required so that a mentor's name ("Would Sarah let me...?")
# is not taken for an employer.
# A name runs over several capitalised words and "&" / "and" ("Harlow & Finch", "Ernst and
# Young"); what it allows is for its people ("... let its staff"), not "Would Sarah let me
# record?".
_ORG = r"(?!HR\b|I\b|OK\b)[A-Z][\w&.-]+(?:\s+(?:(?:&|and)\s+)?[A-Z][\w&.-]+)*"
_ALLOWS_PEOPLE = (r"\s+(?:(?:still|really|actually|ever|now|usually|normally|always)\s+)?"
                  r"(?:let|allow|permit|give|offer|pay|require)\s+(?:you\b|(?:its\s+|their\s+|"
                  r"the\s+)?(?:\w+\s+)?(?:staff|employees|people|\w+s)\b)")
_ORG_RULES = re.compile(
    rf"(?<=[a-z,] )(?P<org>{_ORG})(?:['\u2019]s?)?\s+"
    r"(?:(?:official\s+|internal\s+|\w+\s+)?"
    r"(?:rules?|polic(?:y|ies)|guidelines|handbook|code of conduct)\b"
    # "Does Google's internal mentoring program count toward promotion?"
    r"|internal\b)"
    rf"|\b(?i:does|do|will|would|can)\s+(?:the\s+)?(?P<org2>{_ORG}){_ALLOWS_PEOPLE}")
# The same ask about an employer the story named: "My mentor works at Acme. Do they let
# graduates count mentoring hours?"
_EMPLOYER = re.compile(r"\b(?i:works?|working|employed|interning|a job) (?i:at|for) "
                       rf"(?P<org>{_ORG})"
                       # "the NHS trust I work for", "We use Slack at Shopify"
                       rf"|(?P<org2>{_ORG})(?: \w+)? (?:I|we) (?:work|am|are) (?i:at|for)\b"
                       rf"|\b(?:I|We|we) (?:\w+ ){{0,3}}at (?P<org3>{_ORG})")
# What that employer's rules say: "what does their monitoring policy say?"
_RULES_ASK = re.compile(r"\bpolic(?:y|ies)\b|\brules? (?:on|about|for)\b|\bsay about\b",
                        re.IGNORECASE)
_THEY_ALLOW = re.compile(rf"\b(?:does|do|will|would|can)\s+(?:they|it){_ALLOWS_PEOPLE}",
                         re.IGNORECASE)

# An ask about raising a subject with the mentor ("how do I ask my mentor for advice on my pay
# negotiation?", "should I bring X to my mentor?"): the subject is a conversation to have, which
# is what mentoring guidance is for.
_MENTOR_FRAME = re.compile(
    r"\b(?:ask|bring|raise|discuss|talk|tell|mention|approach|email|message)\b[^?]{0,40}?"
    r"\b(?:my|our|a|the) mentor\b(?!'s (?:company|firm|employer|startup))"
    r"|\bmy mentor's (?:advice|view|input|help|take|opinion|thoughts)\b", re.IGNORECASE)

_ASK_START = re.compile(
    r"^(?:what|how|should|can|could|is|are|am|do|does|did|would|will|which|when|who|where|why|"
    r"may|might|must)\b", re.IGNORECASE)
# Clause breaks: sentence ends, dashes, semicolons, and a comma before a question word
# ("After our call about X, what should I send?": the lead-in is story).
_CLAUSE = re.compile(r"(?<=[.!?])\s+|\s+[-\u2013\u2014]\s+|;\s+|,\s+(?=(?:what|how|should|can|"
                     r"could|is|do|does|would|will|which|when|who|where|why)\b)", re.IGNORECASE)


def asking_part(question: str) -> str:
    """The clauses of `question` that ask: ending in "?" or opening with a question word.

    The rest is the story ("My mentor is a lawyer."), which says who is asking, not what.
    A question with no such clause is all ask.
    """
    clauses = [c.strip() for c in _CLAUSE.split(question) if c.strip()]
    asks = [c for c in clauses if c.endswith("?") or _ASK_START.match(c)]
    return " ".join(asks) if asks else question


# Words that give an ask no subject of its own: "What do I do?", "How do I find out for sure?"
# Such an ask is about the story, so the story's terms count as asked.
_GENERIC = frozenset({"find", "sure", "happen", "next", "better", "anything", "something",
                      "thing", "way", "best", "now", "even",
                      # "How would I get that confirmed?": a verb of settling, no subject
                      "confirm", "sort", "handl", "dealt", "fixed", "check", "resolv"})


def subject_words(ask: str) -> list[str]:
    """The content words that give an ask a subject of its own ("How do I even start?": start)."""
    return [w for w in content_words(ask) if w not in _GENERIC]


def has_own_subject(ask: str) -> bool:
    """False for an ask with no content of its own ("What do I do?"): its subject is the story."""
    return bool(subject_words(ask))


def _evidence_text(evidence: Sequence[Passage]) -> str:
    return " ".join(f"{p.section} {p.text}" for p in evidence)


def _discusses(topic: str, text: str) -> bool:
    return any(p.search(text) for p in _TERMS[topic])


def uncovered_sensitive_topic(question: str, evidence: Sequence[Passage]) -> str | None:
    """The sensitive domain `question` asks about that no evidence passage discusses, if any.

    See the module docstring for the three rules and why each is general.
    """
    text = _evidence_text(evidence)
    ask = asking_part(question)
    etiquette = bool(_ETIQUETTE.search(ask))
    story_asks = not etiquette and (bool(_DOMAIN_ASK.search(ask)) or not has_own_subject(ask))
    # "Should I bring my stock options decision to my mentor?": the term is what the mentee
    # wants to talk to the mentor about, so it counts only as a story term does.
    ask_names = not _MENTOR_FRAME.search(ask) and not etiquette
    for topic, patterns in _TERMS.items():
        for pattern in patterns:
            if pattern.search(text):
                continue
            if (ask_names and pattern.search(ask)) or (story_asks and pattern.search(question)):
                return topic
    return _intent_topic(question, ask, text)


# The mentor's private life, asked as a fact ("Is she married?", "How many kids does he
# have?"): only the mentor can say. Read in the asking part alone: a story that names it ("My
# mentor is going through a divorce. What should I do?") asks how to behave, which guidance
# answers.
_PRIVATE_LIFE = re.compile(
    r"\b(?:is|was|are)\s+(?:my mentor|she|he|they)\s+(?:\w+\s+)?(?:married|single|dating|"
    r"pregnant|divorced|gay|religious|going through a divorce|seeing someone)\b"
    r"|\bhow many (?:kids|children)\b|\bhow old (?:is|are) (?:my mentor|she|he|they)\b"
    r"|\b(?:who|what)(?:['\u2019]s| is| was| are)\s+(?:her|his|their|my mentor['\u2019]s)\s+"
    r"(?:husband|wife|spouse|partner|boyfriend|girlfriend|religion|age|personal best)\b"
    r"|\bwho (?:her|his|their) (?:husband|wife|spouse|partner) (?:is|was)\b"
    r"|\b(?:if|whether|does) (?:she|he|my mentor) (?:has|have) (?:any )?(?:kids|children)\b"
    r"|\bwhy (?:did )?(?:they|she|he) (?:split|divorced?|broke up|break up)\b"
    r"|\b(?:is|are) (?:she|he|they|my mentor) (?:\w+ ){0,3}(?:her|his|their) marriage\b",
    re.IGNORECASE)

# Guidance that talks about the mentor's personal life ("Don't intrude into your mentor's
# personal life") answers how to behave about it, which is what the mentee needs.
_PERSONAL_LIFE = re.compile(r"\b(?:personal|private|family) li(?:fe|ves)\b", re.IGNORECASE)

# A product to buy or use, asked for by name of its kind ("recommend a good note-taking app",
# "what's the best online public speaking course?", "is a premium subscription worth it?"):
# guidance names none unless the evidence does (then the rule stands aside).
_PRODUCT_KINDS = (r"apps?|books?|courses?|software|subscriptions?|websites?|podcasts?|"
                  r"headphones|laptops?|webcams?|microphones?")
_PRODUCT_ASK = re.compile(
    # asked of the coach ("can you recommend"), not of the mentor ("can my mentor recommend")
    rf"(?:\b(?:can|could|would) you |^|\bplease )recommend (?:me )?(?:a|an|any|some|the)? ?"
    rf"(?:good |great |decent )?(?:[\w-]+ ){{0,3}}(?:{_PRODUCT_KINDS})\b"
    rf"|\b(?:what|which)(?:['\u2019]s| is| are)? (?:the )?(?:best|top|cheapest) (?:[\w-]+ ){{0,3}}"
    rf"(?:{_PRODUCT_KINDS})\b"
    rf"|\bworth (?:paying|buying|subscribing) for\b|\b(?:premium|paid) (?:[\w-]+ )?"
    rf"(?:{_PRODUCT_KINDS})\b", re.IGNORECASE)
_PRODUCT_NOUN = re.compile(rf"\b(?:{_PRODUCT_KINDS})\b", re.IGNORECASE)

# Whether raising it is done at all ("Is it appropriate to ask my mentor how much they earn, or
# is that crossing a line?"): etiquette, which guidance answers; the domain's words name the
# subject of the conversation, as in `_MENTOR_FRAME`.
_ETIQUETTE = re.compile(
    r"\b(?:is it|would it be|is that)\s+(?:\w+\s+)?(?:appropriate|inappropriate|ok|okay|alright|"
    r"rude|weird|awkward|acceptable|polite|professional|wise)\s+(?:for me\s+)?to\s+(?:ask|bring "
    r"up|mention|raise|discuss|tell|talk about)\b|\bcrossing a line\b|\btoo personal\b",
    re.IGNORECASE)

# Rule 3d: fixing a device or a program ("How do I repair GRUB?", "how do I reset the DNS
# settings?"): technical support, unless the evidence talks about the thing (remote-mentoring
# guidance says what to do when the video drops).
_DEVICE = (r"laptop|computer|pc|mac|macbook|phone|router|wi-?fi|internet|vpn|dns|printer|webcam|"
           r"camera|microphone|mic|headset|driver|grub|kernel|bios|windows|linux|excel|outlook|"
           r"browser|bluetooth|keyboard|monitor|password|spreadsheet")
_FIX = (r"\bhow (?:do|can|could|should|would) (?:i|we|you) (?:repair|fix|reset|reinstall|"
        r"re-install|configure|install|uninstall|update|upgrade|restore|recover|unlock|debug|"
        r"troubleshoot)\b")
_FIX_ASK = re.compile(rf"{_FIX}(?:\s+[\w'-]+){{0,4}}?\s+(?P<thing>{_DEVICE})\b", re.IGNORECASE)
# "My laptop shows a black screen. How do I fix it?": the thing is in the story
_FIX_IT = re.compile(rf"{_FIX}\s+(?:it|this|that)\b", re.IGNORECASE)
_DEVICE_WORD = re.compile(rf"\b(?:{_DEVICE})\b", re.IGNORECASE)


def _intent_topic(question: str, ask: str, evidence_text: str) -> str | None:
    """Rule 3: a sensitive intent with none of the domain's words, unless the evidence has them."""
    if _PRIVATE_LIFE.search(ask) and not _MENTOR_FRAME.search(ask) and not (
            _PRIVATE_LIFE.search(evidence_text) or _PERSONAL_LIFE.search(evidence_text)):
        return "private"
    if _PRODUCT_ASK.search(ask) and not _PRODUCT_NOUN.search(evidence_text):
        return "products"
    if (_INGEST_ASK.search(ask) and _BODY_STATE.search(question)
            and not _discusses("medical", evidence_text)):
        return "medical"
    if (_FIGURE_ASK.search(ask) and _MONEY.search(question)
            and not _discusses("pay", evidence_text)):
        return "pay"
    thing = _thing_to_fix(question, ask)
    if thing is not None and thing.lower() not in evidence_text.lower():
        return "tech"
    org = _organisation_asked(question, ask)
    if org is not None and org.lower() not in evidence_text.lower():
        return "policy"
    return None


def _thing_to_fix(question: str, ask: str) -> str | None:
    """The device or program the ask wants fixed: named in the ask, or in the story when the
    ask says "it"."""
    named = _FIX_ASK.search(ask)
    if named:
        return named.group("thing")
    story = _DEVICE_WORD.search(question) if _FIX_IT.search(ask) else None
    return story.group(0) if story else None


def _organisation_asked(question: str, ask: str) -> str | None:
    """The organisation whose rules the question asks about, if it asks that."""
    match = _ORG_RULES.search(question)
    if match:
        return match.group("org") or match.group("org2")
    employer = _EMPLOYER.search(question)
    if employer and (_THEY_ALLOW.search(ask) or _RULES_ASK.search(ask)):
        return employer.group("org") or employer.group("org2") or employer.group("org3")
    return None
