"""An LLM phrasing a draft from the same steps, held to what the grounded draft guarantees.

The grounded draft (`compose_draft`) is built first; the model only rewords it. Every sentence
the model marks as following the guidance (`[n]`) must be supported by passage n (the
`Verifier`, as for answers); the result must pass the kind's structure checks
(`check_draft`) and may not name a meeting size or channel the grounded draft did not. On any
failure — server down, unsupported claim, a broken structure — the grounded draft is returned
with a notice saying so.
"""

from __future__ import annotations

import re
from dataclasses import replace

from coach.drafts.checks import check_draft
from coach.drafts.facts import extract
from coach.errors import GeneratorUnavailable
from coach.results import Draft
from coach.text import CITATION, answer_sentences, citations

FALLBACK_NOTICE = ("The language model's version of this draft did not hold up ({why}), so this "
                   "is the draft built directly from the guidance.")


def instruction(draft: Draft) -> str:
    """The request the model gets: reword the email, keep its steps, mark what follows guidance."""
    return (
        "Rewrite the email below in a warm, natural voice, as the mentee writing it. Keep every "
        "request, time and detail it contains, add no new ones, keep the greeting and "
        "sign-off, and keep it about as short. After each sentence that follows one of the "
        "guidance passages, put that passage's number like [1]. Reply with the email body "
        f"only.\n\nEmail:\n{draft.body}")


def phrase_draft(draft: Draft, context: str, generator, verifier) -> Draft:
    """`draft` reworded by `generator` when every check holds, else `draft` with a notice."""
    try:
        text = "".join(generator.stream(instruction(draft), draft.sources, [])).strip()
    except GeneratorUnavailable as exc:
        return _fallback(draft, str(exc).rstrip("."))
    why = _problem(draft, text, context, verifier)
    if why:
        return _fallback(draft, why)
    body = re.sub(r"[ \t]+([.,!?;:])", r"\1", CITATION.sub("", text)).strip()
    return replace(draft, body=body)


def _problem(draft: Draft, text: str, context: str, verifier) -> str | None:
    if not text:
        return "it was empty"
    claimed = [s for s in answer_sentences(text) if citations(s)]
    for sentence in claimed:
        if not verifier.check(sentence, draft.sources).supported:
            return f"the guidance does not say \u201c{CITATION.sub('', sentence).strip()}\u201d"
    body = CITATION.sub("", text)
    grounded, phrased = extract(draft.body), extract(body)
    for name in ("duration", "channel"):
        new = getattr(phrased, name)
        if new and new != getattr(grounded, name) and new not in draft.body:
            return f"it asked for {new}, which the guidance does not"
    failed = [k for k, ok in check_draft(replace(draft, body=body), context).items() if not ok]
    if failed:
        return f"it lost: {', '.join(k.replace('_', ' ') for k in failed)}"
    return None


def _fallback(draft: Draft, why: str) -> Draft:
    notice = FALLBACK_NOTICE.format(why=why)
    return replace(draft, notice=" ".join(n for n in (draft.notice, notice) if n))
