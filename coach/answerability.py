"""Can the guidance answer this question? One confidence in 0..1, one cut, two sensitive rules.

The confidence is the cosine of the evidence sentence closest to the question plus a small
share (0.1 x) of the question's content words that the library uses at all. A fitted logistic
of IDF-weighted coverage signals did not carry across library sizes (issue 9): with seven
documents in one store it refused 3% of answerable questions at the 0.15 cut, with each
document alone 21% (up to 50% for a 4-passage guide), because a small library lacks many of a
paraphrase's words and IDF turns each missing word into a large weight. An unweighted share
with a small weight, and no fitted weights at all, holds in both. `coach eval --suite
tests/guidance` (six documents plus the shipped article, 146 answerable and 42 out-of-scope
questions) at the cut 0.33, library / each document alone: answerable questions under the cut
0 / 1 (the logistic: 5 / 30), out-of-scope declined 90% / 93% (the logistic: 95% / 100%, paid
for with those refusals); leave-one-document-out cuts 0.32-0.34 alone and 0.38-0.51 in the
library, refusing 1% alone and 4% in the library, declining 93% in both. Still answered:
near-topic questions with no sensitive term at all ("she takes something for nerves; what
should I take?").

Near-topic questions ("my mentor takes X before talks; what should I take?") carry mentoring
words, so their best sentence scores like a real question's. Two rules cap them at 0:

- the question asks about a sensitive domain (medicine, therapy, law, immigration, tax, pay,
  equity, workplace discipline, an employer's policies) that the evidence does not discuss —
  judged on the part of the question that asks, by terms and by the shape of the ask
  (coach/sensitive.py) — and the reply says who can help;
- the question is closer in meaning to one of those domains' descriptions than to any
  sentence of the evidence (catches the domain in words no lexicon lists). One description is
  not a sensitive domain but is no guidance's business either: a personal decision about one's
  own job ("Should I quit my job?", which otherwise reaches 0.34 on "you may outgrow a mentor
  as you outgrow a job"); on the suite it changes no other question's outcome. Another is
  shopping ("Which headphones should I buy for calls with my mentor?" was answered with the
  back-off advice on the shipped article): on the suite it changes no outcome in either mode;
  on the held-out set it declines one more of 24 out-of-scope questions (the laptop, which I
  had read: that set is no longer blind for this rule), and a "recommend a note-taking app"
  question on a real page is still answered.

Each domain has several descriptions: the first names it, the others the everyday shapes its
questions take without its name (a symptom, a drink, a low mood, a tenancy dispute, a stake in
a startup, a hearing at work, a figure to give an employer). The meaning rule reads what the
question asks (`subject_part`: "what should I put in my follow-up?" after a story about tax
exams asks about the follow-up) against every description; the token rule keeps the first
descriptions and the whole question its weights were measured on (with all of them its domain
term rose for answerable questions too: "Should I attach my CV ...?" was declined). With the
other changes of the same round (one-word asks, follow-ups, FAQ pages, the composer's floor),
suite (library / isolated): out of scope declined 77% / 86% -> 83% / 89%, answerable refused
4 / 7 -> 3 / 5 of 233; six probes of real pages nobody here wrote (216 answerable, 72 out of
scope, isolated): refused 21 -> 7, declined 65 -> 65; the held-out set unchanged (18/24
declined, none refused).

Measured with `coach eval --suite tests/guidance` (library / isolated), before → after moving
the first rule to coach/sensitive.py (the asking part, intents, a wider lexicon). The original
set (146 answerable, 42 out of scope): declined 90% / 93% → 100% / 100%, refused 1.4% / 2.1% →
1.4% / 2.1% (all but one of those refusals are the composer's: their confidence clears the cut).
Three sets of near-topic probes and coaching questions that brush the same domains, written
for this change (boundaries*.jsonl; 58 answerable, 62 out of scope): declined 32% / 52% → 79%
/ 82%, refused 43% / 47% → 2% / 5%. The last of them (boundaries-blind-2) was written after
the rules and not tuned on: declined 38% / 44% → 38% / 44%, refused 44% / 44% → 6% / 6% — the
rules end most false refusals, but near-topic questions phrased in ways no rule anticipates
("Should I say 55 or 60?", "Is this something a GP can treat?") still get through.

The lexicon and the descriptions list each domain's own vocabulary, not any test's wording.

A third rule reads words, not sentences: an out-of-scope question near the topic often hinges on
a word the evidence never talks about ("How much magnesium ...", "on a tourist entry"). The
informative words of the part that asks are matched token by token to the evidence with MiniLM's
contextual token vectors (coach/coverage.py: mean of each word's best cosine), and the question
is declined when sentence + 0.1 x covered + TOKEN_WEIGHT x coverage - DOMAIN_WEIGHT x domain
cosine < TOKEN_CUT. Weights and cut were chosen in bench/oos_tokens.py on the sets written before
boundaries-blind-2/3/4 only (most out-of-scope questions caught by the rule alone while the whole
decision refuses <= 3% of answerable ones per mode; cut per leave-one-document-out fold
0.520-0.539; 0.515 keeps a margin below the nearest answerable question, 0.524), then measured on
those three held-out sets (45 answerable, 45 out of scope), library / isolated: declined 14 -> 18
(31% -> 40%) / 22 -> 29 (49% -> 64%), refused 3 -> 3 / 3 -> 3 (6.7%, none new); no refusal added
on any other set in either mode; the shipped article's 10 out-of-scope still declined and its 38
questions answered. Held out per document on the training sets it adds one refusal in isolated
mode (5 -> 6 of 188), and on a three-chunk guide of our own one paraphrase of 15 ("jot things
down on paper or type during our sessions?") is refused: a small guide lacks a paraphrase's
words. Tried and not kept: the minimum or lowest-k word coverage, shares of words under a cosine,
the whole question instead of the part that asks, coverage without the domain term (blind 31% /
56%), the domain term without coverage (31% / 51%), IDF-weighted coverage (42% / 71% on the
blind sets, but a second paraphrase refused on the small guide). A looser cut declines up to 64%
/ 87% of the blind out-of-scope questions but refuses 5-10% of answerable ones with a small
guide alone. The target (97% declined) stays far off: most blind misses ask about a number or a
rule in words the guidance also uses ("Is that fair for a junior analyst?").

Re-measured on twenty probe sets of real mentee pages nobody here wrote (720 answerable, 240 out
of scope, each document alone), where the token rule was the commonest reason an answerable
question was refused ("i need to move our meeting next week. how much warning should i give?",
score 0.49): cut 0.515 / 0.48 / 0.47 / 0.45 / 0.40 / off refused 46 / 42 / 39 / 38 / 36 / 36 and
declined 228 / 228 / 228 / 227 / 225 / 223. 0.47, with magnesium, zinc, herbal remedies and
"GP" in the medical lexicon (a GP question and a magnesium dose had been declined only by this
rule), refuses 7 fewer there and one fewer on the suite alone (5 -> 4 of 233), declines as many
(suite alone 119/133, in the library 110 -> 111), and changes nothing on the held-out set. The
stamp question in the tests scores 0.465: still declined.

The cut itself (COACH_MIN_CONFIDENCE) moved from 0.33 to 0.29 once the sensitive rules had
grown (most near-topic questions now stop at 0 on a rule, not at the cut). Over 22 probe sets
(792 answerable, 264 out of scope, each document alone), cut 0.33 / 0.30 / 0.29 / 0.28 refused
47 / 40 / 36 / 35 and declined 253 / 252 / 252 / 251; the refusals under the cut were casual
coaching questions ("sent my request two days ago. should i chase them by email or wait?",
0.29). 0.29 was chosen there, then checked on two probe sets written afterwards (72 answerable,
24 out of scope): refused 7 -> 6, declined 23 -> 23. The suite alone declines one fewer (133 ->
132 of 133), its library and the held-out set are unchanged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from coach.coverage import TokenCache, TokenVectors, coverage, subject_part
from coach.declines import REFUSAL, sensitive_decline
from coach.embedder import Embedder
from coach.results import Library, Passage
from coach.sensitive import uncovered_sensitive_topic
from coach.text import content_words

log = logging.getLogger(__name__)

COVERAGE_WEIGHT = 0.1  # weight of the share of question words the library uses at all
SENSITIVE_CAP = 0.0  # confidence when a sensitive domain is asked about but not discussed
TOKEN_WEIGHT = 1.0  # the token rule: weight of the asking part's token coverage
DOMAIN_WEIGHT = 1.0  # the token rule: weight of the closest domain description's cosine
TOKEN_CUT = 0.47  # the token rule declines below this (see the module docstring's end)

# Each sensitive domain described in sentences of its own vocabulary (for the meaning rule): the
# first names the domain, the others the everyday shapes its questions take without the domain's
# name (a symptom, a drink, a deal, a hearing). A question is as close to a domain as to its
# closest description.
DOMAIN_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "medical": ("medicines, pills, drugs, doses and side effects, or treating an illness or "
                "its symptoms",
                "a physical symptom such as headaches, migraines, pain, nausea or a rash, and "
                "what to take or do to treat it",
                "how much alcohol, coffee or another substance is safe to drink or take"),
    "mental-health": ("diagnosis and treatment of a mental health condition by a psychiatrist, "
                      "psychologist or therapist",
                      "a low mood that lasts: feeling depressed, hopeless or numb for weeks "
                      "or months",
                      "being assessed for a condition such as ADHD, autism or dyslexia"),
    "legal": ("legal questions for a lawyer: contracts, lawsuits, courts and what the law allows",
              "whether a non-compete or non-disclosure clause in a job contract can be "
              "enforced",
              "a landlord keeping a deposit, a seller refusing a refund or a neighbour "
              "dispute: one's legal rights",
              "using someone else's work, words or images without permission"),
    "immigration": ("visas, work and residence permits, and immigration rules",
                    "which visa or permit is needed to work, study or stay in another country"),
    "tax": ("income tax, filing a tax return and what counts as taxable or deductible",
            "claiming costs back against tax and filling in a self-assessment"),
    "pay": ("salaries, wages and pay rates: how much a job pays and what pay to ask for",
            "what salary is normal or fair for a role, a city or a number of years of experience",
            "what figure to name when an employer asks about current or expected pay"),
    "equity": ("stock options, shares, vesting and what equity in a company is worth",
               "being offered a percentage or a stake in a startup instead of money"),
    "employment": ("disciplinary procedures at work, formal warnings, grievances and dismissal",
                   "a formal hearing, an investigation or an accusation of misconduct at work"),
    # (Not "how many days or hours": a programme's hours a week are the guidance's own subject,
    # and "How many hours a week are we expected to put in?" was declined as an employer's rule.)
    "policy": ("a particular company's official internal policies and rules",
               "the holiday allowance, parental leave, sick pay or other benefits a named "
               "employer gives its staff"),
    # Not a sensitive domain but no guidance's either: a personal decision about one's own job.
    "career-decision": ("deciding whether to quit or resign from your job, accept or turn down "
                        "a job offer, or change careers",),
    # Nor is shopping: which product to buy, however near the question is to mentoring.
    "shopping": ("which product or brand to buy: a laptop, phone, headphones, webcam, software "
                 "or app, and what it costs",),
    # Nor is a recommendation of a place or a thing. (Fixing a device is left out: remote
    # mentoring guidance covers a dropping connection, and such a description refused it.)
    "recommendation": ("a recommendation of a restaurant, a book, a course, a hotel, a trip or "
                       "a gift",),
}
_DESCRIPTIONS = [d for descriptions in DOMAIN_DESCRIPTIONS.values() for d in descriptions]
# The token rule's weights and cut were measured with these domains' first descriptions; a
# description added since raises its domain term for answerable questions too ("We just got
# matched. What should we sort out first?" was declined once "recommendation" counted).
TOKEN_RULE_DOMAINS = ("medical", "mental-health", "legal", "immigration", "tax", "pay",
                      "equity", "employment", "policy", "career-decision", "shopping")
_FIRST = np.asarray([_DESCRIPTIONS.index(DOMAIN_DESCRIPTIONS[d][0]) for d in TOKEN_RULE_DOMAINS])


@dataclass(frozen=True)
class Judgement:
    """The decision on one question: answer it, or decline with `reply`."""

    confidence: float
    answerable: bool
    reply: str | None = None  # the decline text when not answerable
    topic: str | None = None  # the sensitive domain, when a named term is why it declined


@dataclass(frozen=True)
class Signals:
    sentence: float  # cosine of the evidence sentence closest to the question
    covered: float  # share of the question's content words the library uses
    domain: float  # cosine of the question to the closest domain's first description
    tokens: float = 1.0  # token coverage of the asking part by the evidence (coach/coverage.py)


class Answerability:
    """Judges questions against one library; `library` is re-read on every judgement (cheap:
    the retriever caches it per store version), so a fresh ingest counts at once. `embed`
    turns text into normalised vectors (default: the store's model, whose query cache
    already holds the question retrieval embedded, and whose vector cache the fixed domain
    descriptions, so a fresh process does not embed them again). `tokens` gives texts' token
    vectors for the token rule (default: the bundled model through onnxruntime; where that
    cannot load, the rule is off and a warning says why)."""

    def __init__(self, library: Callable[[], Library], threshold: float,
                 embed: Embedder | None = None, tokens: TokenVectors | None = None) -> None:
        self.library = library
        self.threshold = threshold
        self._embed = embed
        self._tokens = TokenCache(tokens) if tokens is not None else None
        self._tokens_tried = tokens is not None
        self._domains: np.ndarray | None = None
        self._lock = threading.Lock()

    def judge(self, question: str, evidence: Sequence[Passage]) -> Judgement:
        if not evidence:
            return Judgement(0.0, False, REFUSAL)
        cosines = self._domain_cosines(question)
        s = signals(question, evidence, self.library(), float(cosines[_FIRST].max()))
        confidence = combine(s)
        topic = uncovered_sensitive_topic(question, evidence)
        # The meaning rule reads what is asked ("What should I put in my follow-up?" after a
        # story about tax exams asks about the follow-up), against every description.
        subject = subject_part(question)
        if subject != question:
            cosines = self._domain_cosines(subject)
        if topic is not None or cosines.max() > s.sentence:
            confidence = min(confidence, SENSITIVE_CAP)
        elif confidence >= self.threshold and token_rule_can_fire(s):
            # ~0.3 s for a question and four passages not seen before on a busy 2-core box;
            # asked only where the rule could change the outcome
            s = replace(s, tokens=self._coverage(question, evidence))
            if uncovered_words(s):
                confidence = min(confidence, SENSITIVE_CAP)
        confidence = round(confidence, 4)
        if confidence >= self.threshold:
            return Judgement(confidence, True)
        return Judgement(confidence, False,
                         sensitive_decline(topic) if topic else REFUSAL, topic)

    def _domain_cosine(self, question: str) -> float:
        """The token rule's domain signal: the closest of `TOKEN_RULE_DOMAINS`' first
        descriptions."""
        return float(self._domain_cosines(question)[_FIRST].max())

    def _domain_cosines(self, text: str) -> np.ndarray:
        embed = self._embed or _store_embedder()
        with self._lock:
            if self._domains is None:
                self._domains = np.asarray(
                    embed.embed_documents(_DESCRIPTIONS), dtype=np.float32)
            domains = self._domains
        return domains @ np.asarray(embed.embed_query(text), dtype=np.float32)

    def _coverage(self, question: str, evidence: Sequence[Passage]) -> float:
        with self._lock:
            if not self._tokens_tried:
                self._tokens_tried = True
                runner = _token_runner()
                self._tokens = TokenCache(runner) if runner is not None else None
            tokens = self._tokens
        if tokens is None:
            return 1.0
        # outside the lock: the model pass (~0.3 s) must not hold other questions back
        vectors = tokens([subject_part(question)] + [p.text for p in evidence])
        return coverage(vectors[0], vectors[1:])


def _token_runner() -> TokenVectors | None:
    """The store model's token vectors (its ONNX session, shared: no second model load)."""
    from coach.store import token_vectors

    vectors = token_vectors()
    if vectors is None:
        log.warning("answerability's token rule is off: the model runs through "
                    "sentence-transformers, which gives no token vectors here")
    return vectors


def _store_embedder() -> Embedder:
    from coach.store import embeddings

    return embeddings()


def signals(question: str, evidence: Sequence[Passage], library: Library,
            domain: float = 0.0, tokens: float = 1.0) -> Signals:
    """The measurements the decision is made of (see the module docstring)."""
    sentence = max((p.sentence_score if p.sentence_score is not None else p.score)
                   for p in evidence)
    words = set(content_words(question))
    covered = sum(1 for w in words if library.df.get(w)) / len(words) if words else 1.0
    return Signals(sentence, covered, domain, tokens)


def token_rule_can_fire(s: Signals) -> bool:
    """Whether some coverage in 0..1 would decline: with coverage 0 the score is lowest."""
    return combine(s) - DOMAIN_WEIGHT * s.domain < TOKEN_CUT


def uncovered_words(s: Signals) -> bool:
    """The token rule: the words the question asks with are not what the evidence talks about
    (weights and cut measured as the module docstring says)."""
    return (combine(s) + TOKEN_WEIGHT * s.tokens - DOMAIN_WEIGHT * s.domain) < TOKEN_CUT


def combine(s: Signals) -> float:
    """The confidence in 0..1: best sentence cosine plus a little word coverage."""
    return min(1.0, max(0.0, s.sentence + COVERAGE_WEIGHT * s.covered))
