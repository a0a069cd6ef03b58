"""`Coach`: ask / stream / draft — the one API the CLI, the web app and the tests use."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from coach.results import Answer, Draft
from coach.settings import Settings
from coach.store import Store, open_store

History = Sequence[dict[str, Any]]


class Coach:
    """A mentee's coach over one guidance store.

    Everything it depends on can be passed in (tests swap a fake generator in one line):
    `Coach(settings=..., store=..., generator=...)`. Keyword overrides go to the settings,
    e.g. `Coach(data_dir="/tmp/x", generator="openai")`.
    """

    def __init__(self, settings: Settings | None = None, *, store: Store | None = None,
                 generator: Any = None, **overrides: Any) -> None:
        from coach.compose import GroundedComposer
        from coach.retrieval import Retriever

        self.settings = (settings or Settings.from_env()).with_(**overrides)
        self.store = store or open_store(self.settings)
        self.retriever = Retriever(self.store, self.settings)
        # The composer is always there: it decides what counts as relevant and is the fallback
        # whenever a model server fails or its answer does not survive verification.
        self.composer = GroundedComposer(self.store.embeddings)
        if generator is None and self.settings.generator != "grounded":
            from coach.generators import make_generator

            generator = make_generator(self.settings)
        self.generator = generator or self.composer
        self._verifier: Any = None

    @property
    def verifier(self) -> Any:
        """The sentence verifier every non-default generator's output passes through."""
        if self._verifier is None:
            from coach.verify import Verifier

            self._verifier = Verifier(self.store.embeddings)
        return self._verifier

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
        from coach.conversation import respond

        yield from respond(self, question, list(history or []))

    def draft(self, kind: str, to: str, context: str, sender: str | None = None) -> Draft:
        """Draft an email of `kind` (outreach, thank-you, back-off, follow-up)."""
        from coach.drafts import compose_draft

        return compose_draft(kind, to=to, context=context, sender=sender,
                             retrieve=self.retriever.search)
