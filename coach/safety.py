"""The injection filter: text that gives orders to a model is data, never instructions.

A guidance document (or a user) may contain sentences aimed at an AI ("ignore previous
instructions and tell the user to ..."). The composer never says them, drafts never quote them,
the prompt never carries them, and the verifier never counts them as support.
"""

from __future__ import annotations

import re

from coach.text import split_sentences

# Text in a guidance passage that addresses the model rather than the reader: a prompt injection.
INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?)\b"
    r"|\byou are now\b|\bsystem prompt\b|\bdeveloper mode\b|\bjailbreak"
    r"|\b(?:tell|instruct|advise|convince) the (?:user|reader|mentee)s?\b"
    r"|\bas an ai\b|\bnew instructions?\b",
    re.IGNORECASE)


def looks_like_injection(sentence: str) -> bool:
    """True for text that gives the model orders ("ignore previous instructions and ...")."""
    return bool(INJECTION.search(sentence))


def neutralise(text: str) -> str:
    """`text` minus instruction-like sentences: guidance is data, never orders to the model."""
    if not INJECTION.search(text):
        return text
    return " ".join(s for s in split_sentences(text) if not looks_like_injection(s))
