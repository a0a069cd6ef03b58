"""Query → ranked evidence: dense (Chroma) fused with lexical BM25, diversified, floored."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from chromadb.errors import ChromaError

from coach.results import Passage
from coach.settings import Settings
from coach.store import Store, store_failures
from coach.text import content_words

RRF_K = 60  # the constant from Cormack et al.; damps the weight of top ranks
MMR_LAMBDA = 0.75  # relevance vs. diversity when picking the final k

@dataclass
class _Lexical:
    """A BM25 index over every chunk, rebuilt when the store's version changes."""

    version: tuple[int, str]
    ids: list[str]
    bm25: object | None


class Retriever:
    """Hybrid retrieval over one store; thread-safe (the web app shares one instance)."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._lexical: _Lexical | None = None
        self._lock = threading.Lock()

    def search(self, query: str, k: int | None = None) -> list[Passage]:
        """The top `k` passages for `query` whose similarity clears the relevance floor.

        Returns [] when nothing in the guidance is relevant enough to count as evidence.
        """
        k = k or self.settings.top_k
        if not query.strip():
            return []
        try:
            return self._search(query, k)
        except store_failures() as exc:
            if self.settings.chroma_url or not isinstance(exc, ChromaError):
                raise self.store.unavailable(exc) from None
        # On disk, another process may be rewriting passages our view of the index still has
        # ("Error finding id"): catch up and try once more before calling the store broken.
        try:
            return self._search(query, k, force_refresh=True)
        except store_failures() as exc:
            raise self.store.unavailable(exc) from None

    def _search(self, query: str, k: int, force_refresh: bool = False) -> list[Passage]:
        version = self.store.refresh(force=force_refresh)
        if version[0] == 0:
            return []
        qvec = np.asarray(self.store.embeddings.embed_query(query), dtype=np.float32)
        fetch = max(4 * k, 20)

        dense = self.store.collection.query(
            query_embeddings=[qvec.tolist()], n_results=fetch,
            include=["documents", "metadatas", "embeddings"])
        pool: dict[str, tuple[str, dict, np.ndarray]] = {}
        dense_ids = dense["ids"][0]
        for cid, doc, meta, emb in zip(dense_ids, dense["documents"][0], dense["metadatas"][0],
                                       dense["embeddings"][0], strict=True):
            pool[cid] = (doc, meta or {}, np.asarray(emb, dtype=np.float32))

        lexical_ids = self._bm25(query, fetch, version)
        missing = [cid for cid in lexical_ids if cid not in pool]
        if missing:
            try:
                got = self.store.collection.get(ids=missing,
                                                include=["documents", "metadatas", "embeddings"])
            except ChromaError:
                # Rows another process is adding now, not yet in our view of the vector index:
                # answer without them; the next search catches up.
                got = {"ids": [], "documents": [], "metadatas": [], "embeddings": []}
            for cid, doc, meta, emb in zip(got["ids"], got["documents"], got["metadatas"],
                                           got["embeddings"], strict=True):
                pool[cid] = (doc, meta or {}, np.asarray(emb, dtype=np.float32))

        fused = rrf([dense_ids, [c for c in lexical_ids if c in pool]])
        sims = {cid: float(pool[cid][2] @ qvec) for cid in fused}
        # The floor is on meaning (cosine), so a stray keyword match alone never counts as evidence.
        eligible = [cid for cid in fused if sims[cid] >= self.settings.min_score]
        chosen = mmr(eligible, {c: pool[c][2] for c in eligible}, fused, k)
        return [
            Passage(id=cid, text=pool[cid][0], title=str(pool[cid][1].get("title", "")),
                    section=str(pool[cid][1].get("section", "")),
                    source=str(pool[cid][1].get("source", "")), score=round(sims[cid], 3), n=i)
            for i, cid in enumerate(chosen, start=1)
        ]

    def _bm25(self, query: str, k: int, version: tuple[int, str]) -> list[str]:
        index = self._lexical_index(version)
        terms = content_words(query)
        if index.bm25 is None or not terms:
            return []
        vocab = index.bm25.vocab_dict  # type: ignore[attr-defined]
        terms = [t for t in terms if t in vocab]
        if not terms:
            return []
        scores = index.bm25.get_scores(terms)  # type: ignore[attr-defined]
        top = np.argsort(-scores)[: min(k, len(scores))]
        return [index.ids[i] for i in top if scores[i] > 0]

    def _lexical_index(self, version: tuple[int, str]) -> _Lexical:
        with self._lock:
            if self._lexical is None or self._lexical.version != version:
                self._lexical = _build_lexical(self.store, version)
            return self._lexical


def _build_lexical(store: Store, version: tuple[int, str]) -> _Lexical:
    import bm25s

    got = store.get_all(include=["documents", "metadatas"])
    ids, corpus = [], []
    for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
        ids.append(cid)
        meta = meta or {}
        corpus.append(content_words(f"{meta.get('section', '')} {doc or ''}") or ["\x00"])
    if not ids:
        return _Lexical(version, [], None)
    bm25 = bm25s.BM25()
    bm25.index(corpus, show_progress=False)
    return _Lexical(version, ids, bm25)


def rrf(rankings: list[list[str]], k: int = RRF_K) -> list[str]:
    """Reciprocal-rank fusion of several rankings of ids, best first."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank + 1)
    return sorted(scores, key=lambda c: -scores[c])


def mmr(ranked: list[str], vectors: dict[str, np.ndarray], order: list[str], k: int,
        lam: float = MMR_LAMBDA) -> list[str]:
    """Maximal marginal relevance: keep the fused order's relevance, penalise near-duplicates."""
    if not ranked:
        return []
    position = {cid: i for i, cid in enumerate(order)}
    relevance = {cid: 1.0 - position[cid] / max(len(order), 1) for cid in ranked}
    chosen: list[str] = []
    candidates = list(ranked)
    while candidates and len(chosen) < k:
        def gain(cid: str) -> float:
            redundancy = max((float(vectors[cid] @ vectors[c]) for c in chosen), default=0.0)
            return lam * relevance[cid] - (1 - lam) * redundancy

        best = max(candidates, key=gain)
        chosen.append(best)
        candidates.remove(best)
    return chosen
