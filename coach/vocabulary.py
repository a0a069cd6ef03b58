"""The closed vocabularies, defined once: draft kinds, generator names, embedding runtimes,
answer kinds, courtesy titles.

Each is a `Literal` type for the type checker and a tuple for run-time checks and menus (CLI
choices, settings validation, the page's drop-downs). `get_args` keeps the two in step, so
adding a value is a one-line change here (plus whatever the new value needs to work).
"""

from __future__ import annotations

from typing import Literal, get_args

DraftKind = Literal["outreach", "thank-you", "back-off", "follow-up", "meeting"]
DRAFT_KINDS: tuple[DraftKind, ...] = get_args(DraftKind)

# "grounded" is the embedded composer (no LLM); the others are checked by the verifier.
GeneratorName = Literal["grounded", "openai", "llamacpp"]
GENERATOR_NAMES: tuple[GeneratorName, ...] = get_args(GeneratorName)

# onnx: the bundled MiniLM through onnxruntime (checked against sentence-transformers at export,
# which it falls back to); sentence-transformers: torch, as the model ships.
EmbeddingRuntime = Literal["onnx", "sentence-transformers"]
EMBEDDING_RUNTIMES: tuple[EmbeddingRuntime, ...] = get_args(EmbeddingRuntime)

# answer: cited advice; refusal: the guidance does not cover it; smalltalk: greeting, thanks,
# help; draft: an email drafted from chat; invalid: the message could not be used (empty, or a
# draft request missing what it needs) and the text says what to change.
AnswerKind = Literal["answer", "refusal", "smalltalk", "draft", "invalid"]
ANSWER_KINDS: tuple[AnswerKind, ...] = get_args(AnswerKind)

# How a mentee was in touch with a mentor (the mentor log's `channel`).
ContactChannel = Literal["email", "message", "call", "meeting", "other"]
CONTACT_CHANNELS: tuple[ContactChannel, ...] = get_args(ContactChannel)

# Why a question lands in the guidance-gap report: the coach declined it, answered it with low
# confidence, or the mentee gave the reply a thumbs-down.
GapReason = Literal["refusal", "low-confidence", "thumbs-down"]
GAP_REASONS: tuple[GapReason, ...] = get_args(GapReason)

# What the mentor log says is due: a back-off note after unanswered contacts, a follow-up
# telling a mentor how their help turned out, a check-in after a long gap.
DueKind = Literal["back-off", "follow-up", "check-in"]
DUE_KINDS: tuple[DueKind, ...] = get_args(DueKind)

# A courtesy title before a name (a regex: "Dr", "Dr.", "Prof" ...): kept in a greeting ("Hi
# Dr. Shah,"), part of a name in chat ("my mentor Dr. Priya Shah"), never a name itself.
TITLE = r"(?:Dr|Prof|Professor|Mr|Mrs|Ms|Mx|Miss|Sir|Dame|Coach)\.?"

# Capitalised words of the calendar: never a person's name in a draft's context ("we met last
# Tuesday; she suggested ..." still means the recipient by "she").
WEEKDAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
MONTHS = frozenset("January February March April May June July August September October "
                   "November December".split())
