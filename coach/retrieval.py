"""Query → ranked evidence: passage and best-sentence meaning, plus a lexical (BM25) nudge.

Measured on the team's guidance suite (tests/guidance: six documents plus the shipped
article, 146 labelled questions, issue 9): dense+BM25 reciprocal-rank fusion with MMR reached
hit@3 0.49 / MRR 0.43; scoring each passage by the mean of its cosine and its best
sentence's cosine, plus 0.2 x its max-normalised BM25 score, reached 0.59 / 0.51 offline
(0.58 / 0.50 through `coach eval --suite`), the shipped article's share rising from 0.45 / 0.41
to 0.50 / 0.49. The lexical weight was flat between 0.1 and 0.3 (no peak to overfit); MMR lost
ground on five of seven documents, so only near-duplicates are dropped. Known cost: on a store
holding the shipped article ALONE hit@3 falls from >= 0.90 to 0.82 (RRF+MMR suits one
narrative document; score fusion suits a library of overlapping ones).
Re-measured for issue 9 (hit@3 / MRR; library of 7, each document alone, the shipped article's
test set alone): as is 0.62/0.55, 0.89/0.79, 0.82/0.75; chunks of 500 or 600 characters lost in
both modes (0.56/0.50, 0.60/0.52 in the library); BM25 weight 0.1 gained alone but lost library
MRR (0.53), 0.35-0.5 lost everywhere; sentence share 0.3 or 0.7, embedding the section without
the title, or the text alone: within one question either way. Chunks of 1000 characters with
BM25 0.1 gained a little (0.62/0.56, 0.92/0.83, 0.88/0.81) but cost the library's out-of-scope
declines 93% -> 90%, so nothing was changed then.
Retrieval-only replay (same three sets; the library figure here runs ~0.02 under `coach eval`):
as is 0.60/0.54, 0.89/0.79, 0.82/0.75; reciprocal-rank fusion of passage cosine, best-sentence
cosine and BM25 0.59/0.49, 0.90/0.79, 0.85/0.76 (fusion of the dense mean and BM25: 0.60/0.48,
0.88/0.76, 0.91/0.71); carrying a paragraph's last sentence into the next chunk (see
`ingest.chunking`) at 800 characters 0.61/0.54, 0.88/0.78, 0.82/0.73. Kept: chunks of 1000
characters with that carried sentence and BM25 weight 0.1: 0.62/0.55, 0.92/0.84, 0.91/0.80
offline; through `coach eval --suite` library 0.62/0.55, isolated 0.92/0.84, refused 1% / 2%
and declined 90% / 93% as before (LODO refused 4% -> 5% in the library).
Issue 9, unseen guidance (`coach eval --suite tests/guidance`, hit@1/hit@3/MRR; each document
alone, the library of 7, the shipped article's `coach eval`): as was 0.75/0.931/0.838,
0.46/0.648/0.569, 0.737/0.921/0.825. Kept two changes that help together, not apart:
(1) a question of several sentences ("My mentor is a lawyer and I work in retail. How do I
get useful advice?"; a folded follow-up) is also scored sentence by sentence, half the meaning
score being the mean over its sentences, so a long setup does not drown the question
(`query_parts`); (2) a passage's adjacent sentence pairs compete with its single sentences for
the best-sentence score, for a point set up in one sentence and made in the next
(`pair_texts`; the `sentence_score` reported stays the single sentences', which
answerability reads). Both: 0.75/0.936/0.841 (MRR up on 4 documents, down on 2: lessons 0.818
-> 0.808, the FAQ 0.904 -> 0.867), library 0.48/0.687/0.594 (up on 6, none down), shipped
0.790/0.921/0.851; declines and refusals unchanged. Alone, (1) gave 0.931/0.840 and library
0.661/0.586 (3 documents down), (2) 0.931/0.840 and 0.669/0.573 (lessons MRR 0.818 -> 0.778).
The share of the query's sentences was flat between 0.4 and 0.6 offline. Cost: 13% more texts
embedded at ingest; a search ~9 ms more (one more query embedding per extra sentence).
Tried offline and not kept (one store of features, same figures as `coach eval`): sentence
top-2 or mean instead of max; 2-sentence windows instead of single sentences; the follow-up's
own message blended with the folded query; BM25 scaled by the query's IDF sum or saturated
instead of by the best match; dense min-max normalisation; section words x0/x2/x3 in BM25;
dropping query words in over 30-50% of chunks; a neighbouring chunk's score; the passage text
embedded without title and section; the heading's own cosine added (each lost more documents
than it won, or moved the totals by at most one question).
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from chromadb.errors import ChromaError

from coach.bm25 import BM25, WordCounts, word_counts
from coach.results import Library, Passage
from coach.settings import Settings
from coach.store import GET_PAGE, Change, Store, store_failures
from coach.text import content_words, split_sentences

log = logging.getLogger(__name__)
_T = TypeVar("_T")

LEXICAL_WEIGHT = 0.1  # BM25 (scaled to the best match = 1) added to the cosine-based relevance
SENTENCE_SHARE = 0.5  # weight of the best sentence's cosine vs. the passage's
QUERY_PART_SHARE = 0.5  # a many-sentence query's sentences, each alone, vs. the whole
SENTENCE_PAIRS = True  # a passage's adjacent sentence pairs compete with its single sentences
DUPLICATE = 0.95  # a passage this close (cosine) to one already chosen says nothing new...
SAME_WORDS = 0.5  # ...if it also shares this share of its words (Jaccard): not a twin list
SENTENCE_CACHE = 20_000  # chunks whose sentence vectors are kept in memory


INLINE_REBUILD_S = 0.02  # a lexical index that built faster than this is rebuilt in line
APPEND_SHARE = 0.05  # an addition up to this share of the main BM25 index is appended to it
REBUILD_DELAY_S = 0.5  # a rebuild waits this long: the search that asked runs uncontended,
# and the rest of an ingest's burst of changes is taken in one rebuild
_REBUILDS: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


@atexit.register
def _finish_rebuilds() -> None:
    """Let a running rebuild end before the interpreter does (measured: a process that exited
    mid-rebuild crashed in Chroma's native code)."""
    for thread in list(_REBUILDS):
        thread.join(timeout=30)


@dataclass
class _Lexical:
    """Every chunk as of one store version: the BM25 index, the library's vocabulary (`df`:
    the chunks each stemmed word occurs in) and each chunk's text, metadata and vector, so a
    search reads candidates from here instead of fetching them again (about 3 KB a chunk:
    30 MB at 10k chunks, 300 MB at 100k)."""

    version: tuple[int, str]
    ids: list[str]
    bm25: BM25 | None
    df: dict[str, int] = field(default_factory=dict)
    docs: list[str] = field(default_factory=list)
    metas: list[dict] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    position: dict[str, int] = field(default_factory=dict)
    build_s: float = 0.0  # of the last full build (an append keeps it)
    counts: list[WordCounts] = field(default_factory=list)  # each chunk's words, for reuse
    delta: BM25 | None = None  # the last `delta.n` chunks, appended since `bm25` was built

    def knows(self, words: list[str]) -> bool:
        """Whether any of `words` occurs in the library (the delta's vocabulary holds all)."""
        newest = self.delta or self.bm25
        return newest is not None and any(w in newest.vocab for w in words)

    def scores(self, words: list[str]) -> np.ndarray:
        """Each chunk's BM25 score for `words`, in `ids` order: the main index's, then the
        delta's."""
        assert self.bm25 is not None
        main = self.bm25.scores(words)
        return main if self.delta is None else np.concatenate([main, self.delta.scores(words)])


def sentence_texts(text: str, section: str) -> list[str]:
    """The texts a passage's sentences are embedded as (ingest embeds them ahead of queries):
    sentences of three words or more, framed by their section as chunks are embedded."""
    sentences = [s for s in split_sentences(text or "") if len(s.split()) >= 3]
    return [f"{section}: {s}" if section else s for s in sentences]


def pair_texts(text: str, section: str) -> list[str]:
    """The passage's adjacent sentence pairs, framed like `sentence_texts` (ingest embeds them
    ahead of queries too): a point set up in one sentence and made in the next."""
    if not SENTENCE_PAIRS:
        return []
    sentences = [s for s in split_sentences(text or "") if len(s.split()) >= 3]
    pairs = [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
    return [f"{section}: {s}" if section else s for s in pairs]


def query_parts(query: str) -> list[str]:
    """The sentences of a query that has two or more with a content word each, else []."""
    parts = [s for s in split_sentences(query) if content_words(s)]
    return parts if len(parts) > 1 else []


class Retriever:
    """Hybrid retrieval over one store; thread-safe (the web app shares one instance).

    Measured against raw `collection.query` (`coach bench`), a search used to cost 5.6x at 10k
    chunks: a store-version check per query, a second fetch for BM25-only candidates, a full
    argsort, and, after every ingest, a BM25 rebuild on the request path (1.8 s at 10k, 18.7 s
    at 100k). Now the store checks its version at most once a second (`Store.refresh`), the
    dense query returns ids and distances only, candidates come from the lexical index, top-k
    partitions only the scores that can make it (`top_k`), and a large index is rebuilt on a
    thread while searches use the last one (plus the dense results, which are always current).
    At 100k chunks (2 shared cores) that rebuild took 10.9 s with bm25s, searches beside it
    p95 6.6x a normal one; with `coach.bm25` and each chunk's word counts kept, 2.6 s and 2.1x
    (4.5x in a later session). A small addition is now appended in the ingest's own thread
    instead (`_append_lexical`): the index is current when the ingest returns.
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._lexical: _Lexical | None = None
        self._lock = threading.Lock()
        self._sentences: OrderedDict[str, tuple[np.ndarray, int]] = OrderedDict()
        self._wanted: tuple[int, str] | None = None  # the newest version a search has seen
        self._rebuilding = False
        store.on_change(self.catch_up)

    def catch_up(self, change: Change | None = None) -> None:
        """Bring the lexical index up to the store's version now: called by the store after an
        ingest of this process, so the writer pays an inline rebuild or append (or starts the
        background rebuild), not the next search. With the ingest's `change`, an addition is
        appended without listing the store's ids (`_build_lexical`)."""
        self._lexical_index(self.store.refresh(), writer=True, change=change)

    def search(self, query: str, k: int | None = None) -> list[Passage]:
        """The `k` most relevant passages for `query`, best first ([] for an empty library).

        Whether they are good enough to answer from is `coach.answerability`'s decision.
        """
        k = k or self.settings.top_k
        if not query.strip():
            return []
        return self._read(lambda force: self._search(query, k, force_refresh=force))

    def _read(self, read: Callable[[bool], _T]) -> _T:
        """`read(False)`; on disk, when another process is rewriting passages our view of the
        index still has ("Error finding id"), catch up and `read(True)` once more before
        calling the store broken."""
        try:
            return read(False)
        except store_failures() as exc:
            if self.settings.chroma_url or not isinstance(exc, ChromaError):
                raise self.store.unavailable(exc) from None
        try:
            return read(True)
        except store_failures() as exc:
            raise self.store.unavailable(exc) from None

    def _search(self, query: str, k: int, force_refresh: bool = False) -> list[Passage]:
        version = self.store.refresh(force=force_refresh)
        if version[0] == 0:
            return []
        embed = self.store.embeddings.embed_query
        qvecs = np.asarray([embed(text) for text in [query, *query_parts(query)]],
                           dtype=np.float32)
        qvec = qvecs[0]
        fetch = max(4 * k, 20)
        index = self._lexical_index(version)

        dense = self.store.collection.query(query_embeddings=[qvec.tolist()], n_results=fetch,
                                            include=["distances"])
        dense_ids = list(dense["ids"][0])
        lexical = self._bm25(query, fetch, index)
        pool = self._candidates(index, dense_ids, list(lexical), stale=index.version != version)
        return self._rank(qvecs, pool, lexical, k)

    def _candidates(self, index: _Lexical, dense_ids: list[str], lexical_ids: list[str], *,
                    stale: bool) -> dict[str, tuple[str, dict, np.ndarray]]:
        """Text, metadata and vector of each candidate, from the index; only chunks the index
        does not hold yet (an ingest since it was built) are fetched from the store."""
        pool: dict[str, tuple[str, dict, np.ndarray]] = {}
        missing = []
        for cid in dense_ids:
            at = index.position.get(cid)
            if at is None:
                missing.append(cid)
            else:
                pool[cid] = (index.docs[at], index.metas[at], index.vectors[at])
        lexical_only = [cid for cid in lexical_ids if cid not in pool and cid not in missing]
        if stale and lexical_only:
            # The index predates an ingest: keep only its candidates that still exist.
            present = set(self._fetch(lexical_only, include=[])["ids"])
            lexical_only = [cid for cid in lexical_only if cid in present]
        for cid in lexical_only:
            at = index.position[cid]
            pool[cid] = (index.docs[at], index.metas[at], index.vectors[at])
        if missing:
            got = self._fetch(missing, include=["documents", "metadatas", "embeddings"])
            for cid, doc, meta, emb in zip(got["ids"], got["documents"], got["metadatas"],
                                           got["embeddings"], strict=True):
                pool[cid] = (doc, meta or {}, np.asarray(emb, dtype=np.float32))
        return pool

    def _fetch(self, ids: list[str], include: list[str]) -> dict:
        try:
            return self.store.collection.get(ids=ids, include=include)
        except ChromaError:
            # Rows another process is adding now, not yet in our view of the vector index:
            # answer without them; the next search catches up.
            return {"ids": [], "documents": [], "metadatas": [], "embeddings": []}

    def _rank(self, qvecs: np.ndarray, pool: dict[str, tuple[str, dict, np.ndarray]],
              lexical: dict[str, float], k: int) -> list[Passage]:
        """Order `pool` by relevance to the query (`qvecs[0]`) and, for a query of several
        sentences, to each sentence alone (`qvecs[1:]`); the k best that are not duplicates."""
        top_lexical = max(lexical.values(), default=0.0) or 1.0
        cosine: dict[str, float] = {}
        best_sentence: dict[str, float] = {}
        relevance: dict[str, float] = {}
        for cid, (doc, meta, vec) in pool.items():
            passage = qvecs @ vec  # one cosine per query vector
            vectors, singles = self._sentence_vectors(cid, doc, meta, len(vec))
            by_vector = vectors @ qvecs.T if len(vectors) else passage[None, :]
            cosine[cid] = float(passage[0])
            best_sentence[cid] = float(by_vector[:max(singles, 1), 0].max())
            dense = (1 - SENTENCE_SHARE) * passage + SENTENCE_SHARE * by_vector.max(axis=0)
            relevance[cid] = (_blend(dense) + LEXICAL_WEIGHT * lexical.get(cid, 0.0) / top_lexical)
        ranked = sorted(pool, key=lambda c: -relevance[c])
        chosen = drop_near_duplicates(ranked, {c: pool[c][2] for c in ranked}, k,
                                      texts={c: pool[c][0] for c in ranked})
        return [
            Passage(id=cid, text=pool[cid][0], title=str(pool[cid][1].get("title", "")),
                    section=str(pool[cid][1].get("section", "")),
                    source=str(pool[cid][1].get("source", "")), score=round(cosine[cid], 3),
                    n=i, sentence_score=round(best_sentence[cid], 3))
            for i, cid in enumerate(chosen, start=1)
        ]

    def _sentence_vectors(self, cid: str, text: str, meta: dict,
                          dim: int) -> tuple[np.ndarray, int]:
        """The passage's sentence vectors, then its sentence pairs' (cached per chunk), and how
        many are single sentences.

        A long passage's one vector averages several topics; the sentence that answers the
        question is often much closer than the passage as a whole.
        """
        with self._lock:
            cached = self._sentences.get(cid)
            if cached is not None:
                self._sentences.move_to_end(cid)
        if cached is None:
            section = str(meta.get("section", ""))
            singles = sentence_texts(text, section)
            framed = singles + pair_texts(text, section)
            vectors = (np.asarray(self.store.embeddings.embed_documents(framed), dtype=np.float32)
                       if framed else np.zeros((0, dim), dtype=np.float32))
            cached = (vectors, len(singles))
            with self._lock:
                self._sentences[cid] = cached
                while len(self._sentences) > SENTENCE_CACHE:
                    self._sentences.popitem(last=False)
        return cached

    def library(self) -> Library:
        """The library's vocabulary (for judging whether a question's words are covered at all).
        Read like a search (`_read`): a `coach ingest` running beside the app must not fail it."""
        index = self._read(lambda force: self._lexical_index(self.store.refresh(force=force)))
        return Library(dict(index.df), len(index.ids))

    def _bm25(self, query: str, k: int, index: _Lexical) -> dict[str, float]:
        """The `k` best BM25 matches with a positive score, best first, with their scores."""
        terms = content_words(query)
        if index.bm25 is None or not index.knows(terms):
            return {}
        scores = index.scores(terms)
        return {index.ids[i]: float(scores[i]) for i in top_k(scores, k) if scores[i] > 0}

    def _lexical_index(self, version: tuple[int, str], writer: bool = False,
                       change: Change | None = None) -> _Lexical:
        """The index for `version`; while a large one is rebuilt, the last one (stale).

        The `writer` (the ingest's thread, via `catch_up`) appends a small addition in line
        (`_append_lexical`); anything else a large index needs is rebuilt on a thread."""
        with self._lock:
            current = self._lexical
            self._wanted = version
            if current is not None and current.version == version:
                return current
            inline = current is None or current.build_s < INLINE_REBUILD_S
            if not inline and not writer:
                self._start_rebuild()
        if not inline:
            assert current is not None
            if not writer:
                return current
            appended = _build_lexical(self.store, version, current, full=False, change=change)
            with self._lock:
                if appended is None:
                    self._start_rebuild()
                    return current
                self._lexical = appended
            return appended
        built = _build_lexical(self.store, version, current)
        assert built is not None
        with self._lock:
            self._lexical = built
        return built

    def _start_rebuild(self) -> None:
        """Start the background rebuild unless one runs (called holding `_lock`)."""
        if self._rebuilding:
            return
        self._rebuilding = True
        thread = threading.Thread(target=self._rebuild, name="coach-bm25", daemon=True)
        _REBUILDS.add(thread)
        thread.start()

    def _rebuild(self) -> None:
        """Build the index for the newest version searched, again if it moved meanwhile."""
        try:
            time.sleep(REBUILD_DELAY_S)
            while True:
                with self._lock:
                    wanted, previous = self._wanted, self._lexical
                assert wanted is not None
                if previous is not None and previous.version == wanted:
                    return  # the writer caught up meanwhile (`catch_up`)
                built = _build_lexical(self.store, wanted, previous)
                assert built is not None
                with self._lock:
                    self._lexical = built
                    if self._wanted == wanted:
                        return
        except Exception:  # searches keep the last index; the next change retries
            log.warning("rebuilding the lexical index failed", exc_info=True)
        finally:
            with self._lock:
                self._rebuilding = False


def _build_lexical(store: Store, version: tuple[int, str], previous: _Lexical | None = None,
                   full: bool = True, change: Change | None = None) -> _Lexical | None:
    """The index for `version`: appended to `previous` when that suffices (`_append_lexical`),
    else built in full (None instead when not `full`). A chunk's id hashes its source, title,
    section and text (`ingest.chunking.chunk_id`), so what retrieval reads of a chunk never
    changes under its id: only chunks `previous` lacks are fetched and counted; the rest is
    reused. A rebuild after a small ingest then costs one listing of ids, not a re-read of the
    whole library (measured at 10k chunks: the full re-read, run on a thread, slowed the
    searches beside it several-fold), and the BM25 scores are array operations (`coach.bm25`).
    An ingest's `change` (`Store.mark_changed`) that starts from `previous` and only adds
    spares even that listing (`_told_additions`)."""
    started = time.perf_counter()
    known = previous.position if previous is not None else {}
    told = _told_additions(version, previous, change)
    if told is not None and _appendable(previous, len(told)):
        assert previous is not None
        return _append_lexical(store, version, previous, told)
    listed = store.get_all(include=[])["ids"]
    missing = [cid for cid in listed if cid not in known]
    if len(listed) - len(missing) == len(previous.ids if previous else ()) \
            and _appendable(previous, len(missing)):
        assert previous is not None
        return _append_lexical(store, version, previous, missing)
    if not full:
        return None
    fetched = _fetch_whole(store, missing)
    newest = previous and (previous.delta or previous.bm25)
    vocab = dict(newest.vocab) if newest else {}  # the ids `previous.counts` are in
    counted = dict(zip(fetched, word_counts(
        [_chunk_words(doc, meta) for doc, meta, _ in fetched.values()], vocab), strict=True))
    ids: list[str] = []
    docs: list[str] = []
    metas: list[dict] = []
    counts: list[WordCounts] = []
    reused: list[int] = []  # rows whose vector the previous index holds ...
    reused_from: list[int] = []  # ... at these rows
    new_rows: list[tuple[int, np.ndarray]] = []
    for cid in listed:
        if cid in known:
            assert previous is not None
            at = known[cid]
            doc, meta, words = previous.docs[at], previous.metas[at], previous.counts[at]
            reused.append(len(ids))
            reused_from.append(at)
        elif cid in fetched:
            doc, meta, _ = fetched[cid]
            words = counted[cid]
            new_rows.append((len(ids), fetched[cid][2]))
        else:
            continue  # deleted between the two reads
        ids.append(cid)
        docs.append(doc)
        metas.append(meta)
        counts.append(words)
    if not ids:
        return _Lexical(version, [], None, build_s=time.perf_counter() - started)
    bm25 = BM25.build(counts, vocab)
    return _Lexical(version, ids, bm25, bm25.document_frequencies(), docs, metas,
                    _vectors(len(ids), previous, reused, reused_from, new_rows),
                    {cid: i for i, cid in enumerate(ids)}, time.perf_counter() - started,
                    counts)


def _told_additions(version: tuple[int, str], previous: _Lexical | None,
                    change: Change | None) -> list[str] | None:
    """The ids `change` added that `previous` lacks, when they are all that separates
    `previous` from `version`: the change starts from `previous`'s version, removes nothing
    (a removal or edit rebuilds in full), and the counts agree. Else None: list the store."""
    if change is None or previous is None or change.removed or previous.version != change.base:
        return None
    added = [cid for cid in dict.fromkeys(change.added) if cid not in previous.position]
    return added if len(previous.ids) + len(added) == version[0] else None


def _appendable(previous: _Lexical | None, adding: int) -> bool:
    """Whether `adding` chunks may join `previous`'s delta rather than a full rebuild: only
    an index too slow to rebuild inline (`INLINE_REBUILD_S`), while its delta stays within
    `APPEND_SHARE` of its main index."""
    return previous is not None and previous.bm25 is not None \
        and previous.build_s >= INLINE_REBUILD_S \
        and (previous.delta.n if previous.delta else 0) + adding <= APPEND_SHARE * previous.bm25.n


def _append_lexical(store: Store, version: tuple[int, str], previous: _Lexical,
                    added: list[str]) -> _Lexical:
    """`previous` plus the chunks `added` (none of its own gone): they join its delta, a small
    BM25 scored with the whole library's statistics, while its main index is kept as is.

    Cheap enough for the writer's thread: a full rebuild at 100k chunks took ~2.8 s, and the
    searches beside it, contending for the interpreter lock, ran 4-6x their normal time at
    p95; appending 32 chunks took 40-500 ms (plus ~0.8 s listing the ids first, in
    `_build_lexical`), and the searches after the ingest found the index current.
    The lag: the main index's scores keep the IDF and mean length of its own build, so a word
    the addition made commoner scores a little high in the older chunks. Bounded: the
    delta is at most `APPEND_SHARE` of the main index, and any removal or edit (a new id)
    rebuilds in full; so does any index that builds in full within `INLINE_REBUILD_S`
    (`_build_lexical`), where exact costs nothing. Measured on the guidance suite
    (tests/test_retrieval_index.py): 4 chunks appended to 93, 68 questions' top 3 the same
    passages, one question's top two swapped (a near tie)."""
    assert previous.bm25 is not None
    fetched = _fetch_whole(store, added)  # an id deleted meanwhile is simply not there
    if not fetched:
        return dataclasses.replace(previous, version=version)
    words = [_chunk_words(doc, meta) for doc, meta, _ in fetched.values()]
    vocab = dict((previous.delta or previous.bm25).vocab)
    counts = previous.counts + word_counts(words, vocab)
    delta = BM25.build(counts[previous.bm25.n:], vocab, base=previous.bm25)
    df = dict(previous.df)
    for chunk in words:
        for word in set(chunk):
            df[word] = df.get(word, 0) + 1
    ids = previous.ids + list(fetched)
    vectors = np.concatenate([previous.vectors, np.stack([v for _, _, v in fetched.values()])])
    position = dict(previous.position)
    position.update((cid, len(previous.ids) + i) for i, cid in enumerate(fetched))
    return _Lexical(version, ids, previous.bm25, df,
                    previous.docs + [doc for doc, _, _ in fetched.values()],
                    previous.metas + [meta for _, meta, _ in fetched.values()],
                    vectors, position, previous.build_s, counts, delta)


def _chunk_words(doc: str, meta: dict) -> list[str]:
    """The words a chunk is indexed by: its section's and its text's (a placeholder for none,
    as `BM25.build` takes no empty chunk)."""
    return content_words(f"{meta.get('section', '')} {doc}") or ["\x00"]


def _vectors(n: int, previous: _Lexical | None, reused: list[int], reused_from: list[int],
             new_rows: list[tuple[int, np.ndarray]]) -> np.ndarray:
    """The chunk vectors in index order: the reused ones copied in one step (stacking 100k
    rows one by one held the interpreter lock for a noticeable while), the new ones placed."""
    dim = (previous.vectors.shape[1] if previous is not None and reused
           else len(new_rows[0][1]))
    out = np.empty((n, dim), dtype=np.float32)
    if reused:
        assert previous is not None
        out[np.asarray(reused)] = previous.vectors[np.asarray(reused_from)]
    for row, vector in new_rows:
        out[row] = vector
    return out


def _fetch_whole(store: Store, ids: list[str]) -> dict[str, tuple[str, dict, np.ndarray]]:
    """Text, metadata and vector of `ids`, a page at a time."""
    out: dict[str, tuple[str, dict, np.ndarray]] = {}
    for start in range(0, len(ids), GET_PAGE):
        got = store.collection.get(ids=ids[start:start + GET_PAGE],
                                   include=["documents", "metadatas", "embeddings"])
        for cid, doc, meta, emb in zip(got["ids"], got["documents"], got["metadatas"],
                                       got["embeddings"], strict=True):
            out[cid] = (doc or "", meta or {}, np.asarray(emb, dtype=np.float32))
    return out


def _blend(dense: np.ndarray) -> float:
    """A passage's meaning score: for the whole query alone, or blended with the mean over the
    query's sentences each scored alone (`QUERY_PART_SHARE`)."""
    if len(dense) == 1:
        return float(dense[0])
    return float((1 - QUERY_PART_SHARE) * dense[0] + QUERY_PART_SHARE * dense[1:].mean())


def top_k(scores: np.ndarray, k: int, sample_every: int = 16) -> np.ndarray:
    """Indices of the `k` highest `scores`, highest first (which of tied scores: arbitrary).

    The k-th highest of every `sample_every`-th score is a floor that at least `k` scores
    reach, so every true top-k score does too: only the scores at or above it are
    partitioned. Exact, and at 100k chunks 0.3 ms instead of argpartition's 1.6 ms over all
    of them (19% of a search, measured with `coach bench --profile` on 2 shared cores).
    """
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    sample = scores[::sample_every]
    pool = np.arange(len(scores))
    if len(sample) >= k and len(scores) > 4 * len(sample):
        floor = np.partition(sample, len(sample) - k)[len(sample) - k]
        pool = np.flatnonzero(scores >= floor)
    top = pool[np.argpartition(-scores[pool], k - 1)[:k]]
    return top[np.lexsort((top, -scores[top]))]


def drop_near_duplicates(ranked: list[str], vectors: dict[str, np.ndarray], k: int,
                         limit: float = DUPLICATE,
                         texts: dict[str, str] | None = None) -> list[str]:
    """The first `k` of `ranked`, skipping any passage nearly identical to one already kept:
    as close as `limit` in meaning and, when `texts` are given, sharing `SAME_WORDS` of their
    words. A page's "Great mentees:" list and its "Great mentors:" twin were 0.956 apart in
    meaning, with a fifth of their words in common: the mentees' list, the one that answered,
    was dropped as a duplicate of the mentors'."""
    def twins(a: str, b: str) -> bool:
        if float(vectors[a] @ vectors[b]) < limit:
            return False
        # words are compared only for the rare pair this close, not for every candidate
        return texts is None or _shared(texts[a], texts[b]) >= SAME_WORDS

    chosen: list[str] = []
    for cid in ranked:
        if len(chosen) == k:
            break
        if not any(twins(cid, c) for c in chosen):
            chosen.append(cid)
    return chosen


def _shared(a: str, b: str) -> float:
    """The share of their content words two texts have in common (Jaccard)."""
    x, y = set(content_words(a)), set(content_words(b))
    return len(x & y) / len(x | y) if x | y else 1.0
