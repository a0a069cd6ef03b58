"""`Coach`: ask / stream / draft — the one API the CLI, the web app and the tests use."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from coach.answerability import Answerability
from coach.compose import GroundedComposer, NothingRelevant, unit_texts
from coach.conversation import Collaborators, respond
from coach.drafts import check_email, compose_draft
from coach.drafts.phrasing import phrase_draft
from coach.generators import Generator, make_generator
from coach.results import Answer, Draft, DraftCheck, Passage
from coach.retrieval import Retriever, pair_texts, sentence_texts
from coach.settings import Settings
from coach.store import Store, open_store
from coach.verify import Verifier, window_texts
from coach.vocabulary import DraftKind, GeneratorName

History = Sequence[dict[str, Any]]


def passage_texts(text: str, section: str) -> list[str]:
    """Everything an answer embeds for one passage of the store: the retriever's sentences,
    the composer's units and the verifier's windows. `open_store(passage_texts=...)` hands
    this to ingest, which embeds them into the vector cache so a fresh process need not."""
    return [*sentence_texts(text, section), *pair_texts(text, section),
            *unit_texts(text, section)[1], *window_texts(text)]


class Coach:
    """A mentee's coach over one guidance store.

    Everything it depends on can be passed in (tests swap a fake generator in one line):
    `Coach(settings=..., store=..., generator=...)`. `generator` is either a generator name
    ("grounded", "openai", "llamacpp", as in `COACH_GENERATOR`) or an object with `name` and
    `stream(question, evidence, history)` (see `coach.generators.Generator`); by default the
    settings name it. Other keyword overrides go to the settings, e.g.
    `Coach(data_dir="/tmp/x", top_k=6)`.
    """

    def __init__(self, settings: Settings | None = None, *, store: Store | None = None,
                 generator: Generator | GeneratorName | None = None, **overrides: Any) -> None:
        if isinstance(generator, str):
            overrides["generator"] = generator  # validated with the other settings
            generator = None
        self.settings = (settings or Settings.from_env()).with_(**overrides)
        self.store = store or open_store(self.settings)
        self.retriever = Retriever(self.store, self.settings)
        # The composer is always there: it decides what counts as relevant and is the fallback
        # whenever a model server fails or its answer does not survive verification.
        # The sentence verifier every non-default generator's output passes through; the
        # composer checks its own reworded sentences with it too.
        self.verifier = Verifier(self.store.embeddings)
        self.composer = GroundedComposer(self.store.embeddings, self.verifier)
        if generator is None and self.settings.generator != "grounded":
            generator = make_generator(self.settings)
        self.generator: Generator = generator or self.composer
        self.answerability = Answerability(self.retriever.library, self.settings.min_confidence)
        self._turn = Collaborators(
            retrieve=self.retriever.search, composer=self.composer, generator=self.generator,
            verifier=self.verifier, draft=self.draft,
            max_message_chars=self.settings.max_message_chars, judge=self.answerability.judge)

    def ask(self, question: str, history: History | None = None) -> Answer:
        """Answer one mentee message (a question, a follow-up, small talk or a draft request)."""
        answer = None
        for piece in self.stream(question, history):
            if isinstance(piece, Answer):
                answer = piece
        assert answer is not None
        return answer

    def stream(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Yield text pieces as they are ready, then the final `Answer`."""
        yield from respond(self._turn, question, list(history or []))

    def select(self, query: str, passages: list[Passage]) -> list[tuple[Passage, str]]:
        """The guidance sentences in `passages` that speak to `query` ([] if none do).

        The composer's own choice, for callers that list guidance points without a full answer
        (the workspace's meeting agenda).
        """
        try:
            return self.composer.select(query, passages)
        except NothingRelevant:
            return []

    def draft(self, kind: DraftKind | str, to: str, context: str,
              sender: str | None = None) -> Draft:
        """Draft an email of `kind` (one of `coach.vocabulary.DRAFT_KINDS`, or an alias)."""
        draft = compose_draft(kind, to=to, context=context, sender=sender,
                              retrieve=self.retriever.search)
        if self.generator is self.composer or not draft.sources:
            return draft  # the grounded draft; nothing for a model to phrase from
        return phrase_draft(draft, context, self.generator, self.verifier)

    def check(self, kind: DraftKind | str, text: str) -> DraftCheck:
        """Check the mentee's own email of `kind` against the guidance: each point met, missing
        or contradicted, with its passage and a suggestion; plus length and tone."""
        return check_email(kind, text, retrieve=self.retriever.search)
