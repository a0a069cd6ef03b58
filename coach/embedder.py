"""What the coach needs from an embedding model: the one interface, a leaf every layer may name.

`coach.store` builds the real one (the bundled MiniLM); the composer, the verifier and tests only
need its shape, so they name this Protocol instead of importing the store.
"""

from __future__ import annotations

from typing import Protocol


class Embedder(Protocol):
    """LangChain's `Embeddings` has this shape too."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...
