"""Speed, measured side by side in one run: ingest vs. a naive rebuild, retrieval vs. raw Chroma."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.startup import ASK_REPEATS
from coach.settings import REPO_ROOT, Settings

Log = Callable[[str], None]

DIM = 384  # all-MiniLM-L6-v2
ADD_BATCH = 5000  # under Chroma's max batch size
SIZES = (10_000, 100_000)
KEEP_STORES_FROM = 50_000  # synthetic stores this big are built once and kept (see
# `build_synthetic_store`): 100k random vectors take Chroma's HNSW ~7 min to insert on 2 cores
QUICK_SIZES = (2_000, 10_000)
VARIANTS, QUICK_VARIANTS = 30, 10
QUERIES = 50
REAL_SAMPLE = 128  # synthetic chunks embedded with the real model; the bulk gets random vectors
INGEST_ADDED = 32  # chunks per ingest in the after-ingest figures (an upload of a few pages)
EMBED_BATCH = 256


@dataclass(frozen=True)
class Scale:
    """How much one run measures: store sizes and how many of each repeat."""

    sizes: tuple[int, ...] = SIZES
    variants: int = VARIANTS  # generated corpus: copies of the shipped article
    queries: int = QUERIES
    rounds: int = 5  # best of this many runs per retrieval query
    naive_rebuilds: int = 3
    ingests_after: int = 5  # in-process ingests in the after-ingest figures
    cold_asks: int = ASK_REPEATS  # fresh `coach ask` processes per runtime
    answers: int | None = None  # in-scope questions streamed (None: the whole labelled set)
    embed_batch: int = EMBED_BATCH  # chunks per timed embedding batch


FULL = Scale()
QUICK = Scale(sizes=QUICK_SIZES, variants=QUICK_VARIANTS)
# Every section once at toy sizes: checks that the bench itself runs end to end (the suite
# does), in about a tenth of the quick run's time; its figures mean nothing.
SMOKE = Scale(sizes=(300,), variants=2, queries=5, rounds=1, naive_rebuilds=1, ingests_after=1,
              cold_asks=1, answers=3, embed_batch=16)
APP_QUESTIONS = 5
APP_STARTUP_LIMIT_S = 240.0
EDIT = " Keep a short log of what you tried, so your mentor can see your progress."

TARGETS = {
    "unchanged_reingest_speedup": 50.0,  # naive rebuild / our unchanged re-ingest, at least
    "retrieval_overhead_10k": 1.3,  # coach search / raw Chroma query at 10k, at most
    "retrieval_overhead_100k": 1.5,  # the same at 100k, at most
    "search_after_ingest_ratio": 2.0,  # first search after an ingest / a normal one, at most
    "cold_ask_s": 2.0,  # a fresh `coach ask` process, wall seconds, at most
    "app_first_answer_s": 5.0,  # `python app.py` to its first answer over HTTP, at most
    "first_piece_p95_s": 1.5,
    "full_answer_p95_s": 3.0,
}

_MENTORING_WORDS = """
mentor mentee career guidance advice meeting coffee lunch network colleague manager boss
industry experience goals feedback questions time boundaries respect thank note email call
follow up outcome progress skills promotion interview job offer referral introduction contact
relationship trust support help learn grow confidence challenge problem plan priorities
expectations schedule calendar conference event organization company team project review
portfolio resume salary negotiation presentation speaking writing leadership decision
opportunity role senior junior peer friend acquaintance professional association alumni
workshop coaching listen prepare research reflect share ask offer return favor gratitude
appreciate gesture token gift boundary space quiet busy overwhelmed pressure crisis trouble
outgrow graduate transition chapter season milestone achievement result lesson habit routine
"""
_FUNCTION_WORDS = """
the a an your her their to of and in for with on about when before after if so that this
you she they it be is are can will should may often always never only just more most
"""
_SECTIONS = ["Find a mentor", "Prepare for the first meeting", "Respect her time",
             "Follow through", "Say thank you", "When a mentor goes quiet", "Outgrow a mentor",
             "Ask for feedback", "Set goals together", "Keep in touch"]
_SWAPS = [("mentor", "adviser"), ("company", "organisation"), ("career", "working life"),
          ("help", "support"), ("meeting", "conversation"), ("advice", "counsel")]


# --------------------------------------------------------------------------- helpers


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else 0.0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _times(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio}×"


def _isolated(settings: Settings, data_dir: Path, **changes: Any) -> Settings:
    """`settings` pointed at a scratch data dir: never the user's store, never a server."""
    return replace(settings, data_dir=data_dir, chroma_url=None, generator="grounded", **changes)


def _quiet(message: str) -> None:
    pass


# --------------------------------------------------------------------------- corpora


def make_variants(corpus_dir: Path, out_dir: Path, n: int) -> list[Path]:
    """`n` documents per corpus file: retitled, sections rotated, some words swapped.

    A bigger corpus shaped like the real one, so ingest ratios are not measured on 15 chunks.
    """
    from ingest.chunking import split_sections
    from ingest.loaders import load_document

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file in sorted(p for p in Path(corpus_dir).rglob("*.md") if p.is_file()):
        doc = load_document(file)
        sections = split_sections(doc.text, doc.title)
        for i in range(n):
            shift = i % max(len(sections), 1)
            rotated = sections[shift:] + sections[:shift]
            body = "\n\n".join(f"## {name}\n\n{text}" for name, text in rotated)
            for old, new in _SWAPS[: i % (len(_SWAPS) + 1)]:
                body = body.replace(old, new)
            path = out_dir / f"{file.stem}-v{i + 1:02d}.md"
            path.write_text(f'---\ntitle: "{doc.title} (variant {i + 1})"\n---\n\n{body}\n',
                            encoding="utf-8")
            written.append(path)
    return written


def edit_one_paragraph(folder: Path) -> Path:
    """Append a sentence to one paragraph in the middle of the first document of `folder`."""
    path = sorted(p for p in folder.rglob("*.md") if p.is_file())[0]
    text = path.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    prose = [i for i, p in enumerate(paragraphs)
             if p.strip() and not p.lstrip().startswith(("#", "---")) and len(p.split()) > 20]
    target = prose[len(prose) // 2]
    paragraphs[target] = paragraphs[target].rstrip() + EDIT
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return path


def synthetic_chunks(n: int, seed: int = 7) -> tuple[list[str], list[dict[str, Any]]]:
    """`n` guidance-like passages (mentoring vocabulary, 4–6 sentences) and their metadata."""
    rng = np.random.default_rng(seed)
    topical, function = _MENTORING_WORDS.split(), _FUNCTION_WORDS.split()
    vocab = np.array(topical + function)
    # Like real guidance: 40% function words; topic words Zipf-distributed, so a few are
    # everywhere ("mentor" leads the list) and most are rare — which is what BM25 works with.
    zipf = 1.0 / np.arange(1, len(topical) + 1) ** 0.8
    weights = np.concatenate([0.6 * zipf / zipf.sum(), np.full(len(function), 0.4 / len(function))])
    words_per_chunk = 90
    picks = vocab[rng.choice(len(vocab), size=(n, words_per_chunk), p=weights)]
    cuts = rng.integers(10, 18, size=n)
    texts, metas = [], []
    for i in range(n):
        words = list(picks[i])
        step = int(cuts[i])
        sentences = [" ".join(words[j:j + step]) for j in range(0, words_per_chunk, step)]
        texts.append(" ".join(s[:1].upper() + s[1:] + "." for s in sentences))
        metas.append({"title": f"Synthetic guidance {i // 20}", "section": _SECTIONS[i % 10],
                      "source": f"synthetic/doc-{i // 20:05d}.md", "position": i % 20})
    return texts, metas


def bench_queries(n: int = QUERIES) -> list[str]:
    """`n` questions a mentee might ask: the labelled set's, then variations on them."""
    from coach.evaluation import load_items

    base = [i["question"] for i in load_items() if "question" in i]
    prefixes = ["", "Quick question: ", "Any advice? ", "I'm new to this. "]
    out = [prefixes[(i // len(base)) % len(prefixes)] + base[i % len(base)] for i in range(n)]
    return out


# --------------------------------------------------------------------------- 1. re-ingest


def _naive_rebuild(files_dir: Path, persist_dir: Path, collection: str) -> int:
    """What a LangChain tutorial does on every run: chunk everything, embed everything, store it.

    Our chunker's output is the input, so the comparison is about re-embedding, not chunking.
    """
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document

    from coach.store import as_langchain, embeddings
    from ingest.chunking import chunk_document
    from ingest.indexer import source_key
    from ingest.loaders import load_document

    docs = []
    for file in sorted(p for p in files_dir.rglob("*") if p.is_file()):
        key = source_key(file, files_dir)
        for chunk in chunk_document(load_document(file), key):
            docs.append(Document(page_content=chunk.embed_text, metadata=chunk.metadata))
    Chroma.from_documents(docs, embedding=as_langchain(embeddings()), collection_name=collection,
                          persist_directory=str(persist_dir),
                          collection_metadata={"hnsw:space": "cosine"},
                          client_settings=ChromaSettings(anonymized_telemetry=False))
    return len(docs)


def bench_ingest(settings: Settings, corpus_dir: Path, work: Path, *, label: str,
                 repeats: int = FULL.naive_rebuilds, log: Log = _quiet) -> dict[str, Any]:
    """Cold ingest, unchanged re-ingest and a one-paragraph edit: ours vs. a naive rebuild."""
    from coach.store import open_store
    from ingest.indexer import sync

    files = Path(shutil.copytree(corpus_dir, work / f"{label}-files"))
    store = open_store(_isolated(settings, work / f"{label}-ours"), create=True)
    log(f"ingest ({label}): ours, cold")
    cold_s, report = _timed(lambda: sync(store, [files], progress=False))
    unchanged = []
    for _ in range(max(repeats, 1) + 2):
        seconds, again = _timed(lambda: sync(store, [files], progress=False))
        unchanged.append(seconds)
    assert not again.changed, "an unchanged re-ingest changed the store"

    naive = []
    for run in range(max(repeats, 1)):
        log(f"ingest ({label}): naive rebuild {run + 1}/{max(repeats, 1)}")
        seconds, n_docs = _timed(functools.partial(
            _naive_rebuild, files, work / f"{label}-naive-{run}", "langchain"))
        naive.append(seconds)

    edited = edit_one_paragraph(files)
    log(f"ingest ({label}): one-paragraph edit in {edited.name}")
    edit_s, edit_report = _timed(lambda: sync(store, [files], progress=False))
    naive_edit_s, _ = _timed(lambda: _naive_rebuild(files, work / f"{label}-naive-edit",
                                                   "langchain"))
    ours_unchanged = float(np.median(unchanged[2:]))  # the first two warm Chroma's caches
    naive_s = float(np.median(naive))
    return {
        "documents": len([p for p in files.rglob("*") if p.is_file()]),
        "chunks": report.total_chunks,
        "ours_cold_s": round(cold_s, 3),
        "naive_rebuild_s": round(naive_s, 3),
        "ours_unchanged_s": round(ours_unchanged, 4),
        "unchanged_speedup": _ratio(naive_s, ours_unchanged),
        "ours_edit_s": round(edit_s, 3),
        "edit_chunks_reembedded": edit_report.num_added,
        "naive_edit_s": round(naive_edit_s, 3),
        "edit_speedup": _ratio(naive_edit_s, edit_s),
        "cold_ratio": _ratio(naive_s, cold_s),
        "naive_documents": n_docs,
    }


# --------------------------------------------------------------------------- 2. retrieval


class _Precomputed:
    """Embeddings that answer `embed_query` from a table: retrieval timed without the model."""

    def __init__(self, vectors: dict[str, list[float]], fallback: Any) -> None:
        self.vectors = vectors
        self.fallback = fallback

    def embed_query(self, text: str) -> list[float]:
        hit = self.vectors.get(text)
        return hit if hit is not None else self.fallback.embed_query(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.fallback.embed_documents(texts)


def _store_with(store: Any, embedder: Any, passage_texts: Any = None) -> Any:
    from coach.store import Store

    class PrecomputedStore(Store):
        @property
        def embeddings(self) -> Any:
            return embedder

    return PrecomputedStore(store.client, store.collection, store.settings, passage_texts)


def _scratch_vector_cache(model: Any, path: Path) -> Any:
    """The model's documents embedded behind a fresh vector cache at `path`, as the product's
    store embeds them (`coach.store.embeddings`): what an ingest warms, a search reads back.
    Fresh and in the scratch dir: no run is helped by the user's cache or an earlier run."""
    from coach.vector_cache import CachedEmbedder, VectorCache

    inner = getattr(model, "inner", model)  # past the query cache
    raw = inner.inner if isinstance(inner, CachedEmbedder) else inner
    return CachedEmbedder(raw, VectorCache(path, "coach-bench"))


def build_synthetic_store(settings: Settings, n: int, *, sample: int = REAL_SAMPLE,
                          keep_from: int = KEEP_STORES_FROM, keep_dir: Path | None = None,
                          log: Log = _quiet) -> tuple[Any, float, str]:
    """A store of `n` synthetic chunks (a real-model sample, random unit vectors for the bulk).

    Returns the store, the seconds it took to have it and how: "built", or, for a store of
    `keep_from` chunks or more, "built and kept" the first time (in `keep_dir`, by default
    the cache dir's bench-stores) and "copied" from there after: Chroma's HNSW inserts 100k
    random 384-d vectors in ~8 min on 2 shared cores, each batch slower than the last (5 s
    for the first 5,000, 30-45 s for the last); the copy takes seconds and is the same store.
    """
    from coach.store import open_store

    if keep_dir is None and settings.cache_dir is not None:
        keep_dir = settings.cache_dir / "bench-stores"
    if n < keep_from or keep_dir is None:
        start = time.perf_counter()
        store = _fill_synthetic_store(open_store(settings, create=True), n, sample, log)
        return store, time.perf_counter() - start, "built"
    kept = keep_dir / _synthetic_key(n, sample)
    start = time.perf_counter()
    how = "copied"
    if not (kept / "complete").is_file():
        log(f"retrieval: building the {n:,}-chunk store once; later runs copy it from {kept}")
        shutil.rmtree(kept, ignore_errors=True)
        _build_apart(settings, kept, n, sample)
        how = "built and kept"
    log(f"retrieval: copying the kept {n:,}-chunk store")
    shutil.copytree(kept / "chroma", settings.data_dir / "chroma")
    return open_store(settings), time.perf_counter() - start, how


def _synthetic_key(n: int, sample: int) -> str:
    """What the kept store depends on: its size, how it is generated, Chroma and the model."""
    import hashlib

    import chromadb

    from coach.store import embeddings

    recipe = hashlib.sha256("|".join([
        str(n), str(sample), str(DIM), chromadb.__version__,
        str(getattr(embeddings(), "runtime", "?"))]).encode())
    for fn in (synthetic_chunks, _fill_synthetic_store):
        _hash_code(recipe, fn.__code__)
    return f"{n}-{recipe.hexdigest()[:12]}"


def _hash_code(digest: Any, code: Any) -> None:
    """Add what a function does (bytecode, constants, nested functions) to `digest`; not
    its line numbers, so editing elsewhere in this file keeps the kept stores."""
    digest.update(code.co_code)
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            _hash_code(digest, const)
        else:
            digest.update(repr(const).encode())


def _build_apart(settings: Settings, kept: Path, n: int, sample: int) -> None:
    """Build the store to keep in a child process: its exit closes Chroma's files, so the copy
    taken later is the complete store (this process's Chroma client would stay open on it)."""
    code = ("import sys; from pathlib import Path; "
            "from coach.settings import Settings; from coach.store import open_store; "
            "from bench.speed import _fill_synthetic_store, _isolated; "
            "s = _isolated(Settings.from_env(), Path(sys.argv[1])); "
            "_fill_synthetic_store(open_store(s, create=True), int(sys.argv[2]), int(sys.argv[3]), "
            "lambda m: print(f'bench: {m}', file=sys.stderr, flush=True))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), *sys.path])}
    if settings.cache_dir is not None:  # where the model's export is
        env["COACH_CACHE_DIR"] = str(settings.cache_dir)
    subprocess.run([sys.executable, "-c", code, str(kept), str(n), str(sample)], check=True,
                   cwd=REPO_ROOT, env=env)
    (kept / "complete").write_text(datetime.now(UTC).isoformat(), encoding="utf-8")


def _fill_synthetic_store(store: Any, n: int, sample: int, log: Log) -> Any:
    """Add `n` synthetic chunks to `store`: `sample` embedded with the real model, the bulk
    random unit vectors (the model would take an hour over 100k chunks on two cores)."""
    from coach.store import embeddings

    texts, metas = synthetic_chunks(n)
    sample = min(sample, n)
    rng = np.random.default_rng(11)
    bulk = rng.standard_normal((n - sample, DIM)).astype(np.float32)
    bulk /= np.linalg.norm(bulk, axis=1, keepdims=True)
    real = np.asarray(embeddings().embed_documents(
        [f"{m['title']} — {m['section']}\n{t}" for t, m in zip(texts[:sample], metas[:sample],
                                                              strict=True)]), dtype=np.float32)
    vectors = np.concatenate([real, bulk]) if len(bulk) else real
    for at in range(0, n, ADD_BATCH):
        log(f"retrieval: building the {n:,}-chunk store ({at:,} added)")
        end = min(at + ADD_BATCH, n)
        store.collection.add(ids=[f"syn-{i:07d}" for i in range(at, end)],
                             embeddings=vectors[at:end], documents=texts[at:end],
                             metadatas=metas[at:end])
    store.mark_changed(datetime.now(UTC).isoformat(timespec="microseconds"))
    return store


def bench_retrieval(settings: Settings, work: Path, sizes: Sequence[int], *,
                    queries: int = QUERIES, rounds: int = FULL.rounds, sample: int = REAL_SAMPLE,
                    profile: bool = False, added: int = INGEST_ADDED,
                    ingests: int = FULL.ingests_after,
                    log: Log = _quiet) -> dict[str, Any]:
    """Coach `Retriever.search` vs. raw `collection.query` on the same synthetic stores.

    Per query, the best of `rounds` runs; p50/p95 over the queries. "incl" figures embed the
    query on both sides (what a user waits for), "excl" use precomputed query vectors on both
    sides (the retrieval work alone). `profile` adds a pyinstrument report of the coach side.
    """
    from coach.store import embeddings

    questions = bench_queries(queries)
    model = embeddings()
    qvecs = {q: model.embed_query(q) for q in questions}
    k = settings.top_k
    out: dict[str, Any] = {"k": k, "queries": len(questions), "rounds": rounds, "sizes": {}}
    for n in sizes:
        store, build_s, how = build_synthetic_store(_isolated(settings, work / f"scale-{n}"), n,
                                               sample=sample, log=log)
        log(f"retrieval: timing {len(questions)} queries on {n:,} chunks")
        chunks = store.count()  # (the after-ingest figures add a few more)
        row = _time_searches(store, questions, qvecs, k, rounds=rounds, profile=profile,
                             added=added, ingests=ingests)
        out["sizes"][str(n)] = {"chunks": chunks, "build_s": round(build_s, 1), "store": how,
                                  **row}
    if len(sizes) >= 2:
        lo, hi = out["sizes"][str(sizes[0])], out["sizes"][str(sizes[-1])]
        out["growth"] = {
            f"{name}_{side}": _ratio(hi[name][f"{side}_p50_ms"], lo[name][f"{side}_p50_ms"])
            for name in ("incl_embedding", "excl_embedding") for side in ("coach", "raw")}
    return out


def precomputed_retriever(store: Any, qvecs: dict[str, list[float]], model: Any) -> Any:
    """A retriever over `store` whose query vectors come from `qvecs` (retrieval timed without
    the model), its store otherwise as the web app's: passages' texts embedded through a vector
    cache, and an ingest warming it (`passage_texts`)."""
    from coach.api import passage_texts
    from coach.retrieval import Retriever

    documents = _scratch_vector_cache(model, store.settings.data_dir / "bench-vectors.sqlite3")
    return Retriever(_store_with(store, _Precomputed(qvecs, documents), passage_texts),
                     store.settings)


def _time_searches(store: Any, questions: Sequence[str], qvecs: dict[str, list[float]], k: int,
                   *, rounds: int, profile: bool, added: int = INGEST_ADDED,
                   ingests: int = FULL.ingests_after) -> dict[str, Any]:
    """p50/p95 of coach and raw searches; if the coach's search fails, raw Chroma alone. Then
    searches after ingests of `added` chunks each (`search_after_ingest`)."""
    from coach.retrieval import Retriever
    from coach.store import embeddings

    model = embeddings()
    collection = store.collection
    collection.query(query_embeddings=[qvecs[questions[0]]], n_results=k)
    sides: dict[tuple[str, str], Callable[[str], Any]] = {
        ("incl", "raw"): lambda q: collection.query(query_embeddings=[model.embed_query(q)],
                                                    n_results=k),
        ("excl", "raw"): lambda q: collection.query(query_embeddings=[qvecs[q]], n_results=k),
        # Past the per-process query cache: what embedding a new question costs.
        ("embed", "only"): lambda q: getattr(model, "inner", model).embed_query(q),
    }
    row: dict[str, Any] = {}
    retriever = Retriever(store, store.settings)
    cached = precomputed_retriever(store, qvecs, model)
    try:
        first_s, _ = _timed(lambda: retriever.search(questions[0]))
        cached.search(questions[0])
    except Exception as exc:  # a failing search is a finding to report, not the end of the run
        row["coach_error"] = f"{type(exc).__name__}: {exc}"
    else:
        row["first_search_incl_bm25_build_ms"] = _ms(first_s)
        sides[("incl", "coach")] = lambda q: retriever.search(q, k)
        sides[("excl", "coach")] = lambda q: cached.search(q, k)
    times: dict[tuple[str, str], list[float]] = {side: [] for side in sides}
    for q in questions:
        # Interleaved, and the best of a few rounds per query: a burst of load on the shared
        # machine then hits both sides alike and does not pass for a slow search.
        for side, fn in sides.items():
            times[side].append(min(_timed(functools.partial(fn, q))[0] for _ in range(rounds)))
    # The model's share of the "incl" figures: on a busy machine it swamps the retrieval work.
    row["query_embedding_p50_ms"] = _ms(_pct(times[("embed", "only")], 50))
    row["query_embedding_p95_ms"] = _ms(_pct(times[("embed", "only")], 95))
    for name in ("incl", "excl"):
        coach_t, raw_t = times.get((name, "coach"), []), times[(name, "raw")]
        row[f"{name}_embedding"] = {
            "coach_p50_ms": _ms(_pct(coach_t, 50)) if coach_t else None,
            "coach_p95_ms": _ms(_pct(coach_t, 95)) if coach_t else None,
            "raw_p50_ms": _ms(_pct(raw_t, 50)),
            "raw_p95_ms": _ms(_pct(raw_t, 95)),
            "overhead_p50": _ratio(_pct(coach_t, 50), _pct(raw_t, 50)) if coach_t else None,
            "overhead_p95": _ratio(_pct(coach_t, 95), _pct(raw_t, 95)) if coach_t else None,
        }
    row["overhead_p50_median_embedding"] = median_embedding_overhead(row)
    if profile and "coach_error" not in row:
        row["profile"] = profile_search(cached, questions, k)
    if "coach_error" not in row:
        row["after_ingest"] = search_after_ingest(cached, questions, k, added=added,
                                                  repeats=ingests)
    return row


def search_after_ingest(retriever: Any, questions: Sequence[str], k: int,
                        added: int = INGEST_ADDED, repeats: int = FULL.ingests_after,
                        window_s: float = 1.0
                        ) -> dict[str, Any]:
    """`repeats` in-process ingests of `added` chunks each (as the page's uploads are), each
    right after a pass of single searches (a normal one): the first search after each ingest
    (median and worst of its ratio to the p50 of the pass just before that ingest), the
    searches back to back in the `window_s` after each (p95 vs the passes' p95), and the
    searches another thread ran back to back during each ingest and its catch-up (what a user
    asking while an upload finishes waits). Then searches until the BM25 index has caught up
    (at once when the writer caught up in line). Raw Chroma's first query after an ingest of
    the same size is timed too (Chroma does some indexing work of its own on the first read
    after a write).

    Each first search is held against the pass just before its ingest, not one pass at the
    start: the ingests take about a minute (each warms the vector cache, as the product's
    does), and on a shared machine the load drifts meanwhile. Against one pass at the start,
    the median ratio of the same code at 100k chunks swung 0.58-2.07x from run to run under
    the same controlled load (1 busy process, 2 shared cores; that pass's p50 itself 3.4-8.2
    ms); against the pass just before, 1.16-1.26x."""
    store = retriever.store
    qvec = retriever.store.embeddings.embed_query(questions[0])
    raw_normal = [_timed(lambda: store.collection.query(query_embeddings=[qvec], n_results=k))[0]
                  for _ in questions]
    _ingest_random(store, "raw-ingested", added, seed=98)
    raw_first = _timed(lambda: store.collection.query(query_embeddings=[qvec], n_results=k))[0]
    _searches_until_current(retriever, questions, k)  # the raw ingest's rebuild, out of the way
    normal: list[float] = []
    ratios: list[float] = []
    firsts: list[float] = []
    after: list[float] = []
    during: list[float] = []
    ingest_s: list[float] = []
    for rep in range(repeats):
        before = [_timed(functools.partial(retriever.search, q, k))[0] for q in questions]
        normal += before
        beside, took = _searches_beside(functools.partial(
            _ingest_random, store, f"ingested{rep}", added, seed=99 + rep), retriever, questions, k)
        during += beside
        ingest_s.append(took)
        window = _searches_for(retriever, questions, k, window_s)
        firsts.append(window[0])
        ratios.append(window[0] / _pct(before, 50))
        after += window
    meanwhile, caught_up_s = _searches_until_current(retriever, questions, k)
    base, base95 = _pct(normal, 50), _pct(normal, 95)
    return {"chunks_added": added, "ingests": repeats, "normal_p50_ms": _ms(base),
            "normal_p95_ms": _ms(base95), "first_after_ms": _ms(_pct(firsts, 50)),
            "first_after_max_ms": _ms(max(firsts)),
            "after_p95_ms": _ms(_pct(after, 95)), "after_searches": len(after),
            "first_ratio": _ratio(_pct(ratios, 50), 1.0),
            "first_ratio_max": _ratio(max(ratios), 1.0),
            "p95_ratio": _ratio(_pct(after, 95), base95),
            "ingest_median_s": round(_pct(ingest_s, 50), 3),
            "during_ingest_searches": len(during),
            "during_ingest_p95_ms": _ms(_pct(during, 95)),
            "during_ingest_max_ms": _ms(max(during, default=0.0)),
            "during_ingest_p95_ratio": _ratio(_pct(during, 95), base95),
            "during_ingest_max_ratio": _ratio(max(during, default=0.0), base95),
            "until_current_s": round(caught_up_s, 2), "until_current_searches": len(meanwhile),
            "until_current_p95_ms": _ms(_pct(meanwhile, 95)),
            "until_current_max_ms": _ms(max(meanwhile)),
            "until_current_p95_ratio": _ratio(_pct(meanwhile, 95), base),
            "raw_normal_p50_ms": _ms(_pct(raw_normal, 50)), "raw_first_after_ms": _ms(raw_first),
            "raw_first_ratio": _ratio(raw_first, _pct(raw_normal, 50))}


def _searches_for(retriever: Any, questions: Sequence[str], k: int, seconds: float
                  ) -> list[float]:
    """The seconds each search took, back to back for `seconds` (at least one)."""
    start = time.perf_counter()
    times: list[float] = []
    while not times or time.perf_counter() - start < seconds:
        q = questions[len(times) % len(questions)]
        times.append(_timed(functools.partial(retriever.search, q, k))[0])
    return times


def _searches_beside(work: Callable[[], Any], retriever: Any, questions: Sequence[str],
                     k: int) -> tuple[list[float], float]:
    """Run `work` while another thread searches back to back; the seconds each search took
    (those that began before `work` ended) and the seconds `work` took."""
    stop = threading.Event()
    started = threading.Event()
    times: list[float] = []

    def search() -> None:
        while not stop.is_set():
            q = questions[len(times) % len(questions)]
            started.set()
            times.append(_timed(functools.partial(retriever.search, q, k))[0])

    thread = threading.Thread(target=search, name="bench-beside", daemon=True)
    thread.start()
    started.wait(5.0)
    try:
        took = _timed(work)[0]
    finally:
        stop.set()
        thread.join()
    return times, took


def _searches_until_current(retriever: Any, questions: Sequence[str], k: int,
                            limit_s: float = 600.0) -> tuple[list[float], float]:
    """Search back to back until the retriever's BM25 index matches the store's version;
    the seconds each took and how long the index took to catch up."""
    start = time.perf_counter()
    times: list[float] = []
    while time.perf_counter() - start < limit_s:
        times.append(_timed(lambda: retriever.search(questions[len(times) % len(questions)],
                                                      k))[0])
        index = retriever._lexical  # (private: the bench reads how far the rebuild has got)
        if index is not None and index.version == retriever.store.refresh():
            break
    return times, time.perf_counter() - start


def _ingest_random(store: Any, prefix: str, n: int, seed: int) -> None:
    """`n` synthetic chunks with random unit vectors, written as an in-process ingest is: the
    store's change marked, then what queries will embed for the new passages warmed into the
    vector cache (`ingest.indexer.warm`, when the store names `passage_texts`). Without the
    warming, the first search that met a new passage among its candidates embedded its
    sentences on the request path (measured at 10k chunks: a 66 ms first search, 57 ms of it
    embedding, vs 3 ms normally), a cost the product's ingest pays in the writer's time."""
    from coach.store import Change
    from ingest.chunking import Chunk
    from ingest.indexer import warm

    texts, metas = synthetic_chunks(n, seed=seed)
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"{prefix}-{i:05d}" for i in range(n)]
    with store.writing():
        base = store.version()
        store.collection.add(ids=ids, embeddings=vectors, documents=texts, metadatas=metas)
        store.mark_changed(datetime.now(UTC).isoformat(timespec="microseconds"),
                           Change(base, tuple(ids)))
        warm(store, [Chunk(cid, text, text, meta)
                     for cid, text, meta in zip(ids, texts, metas, strict=True)])


def median_embedding_overhead(row: dict[str, Any]) -> float | None:
    """Coach vs raw p50 with the same, median-cost query embedding added to both sides.

    The directly timed "incl" figures swing with the model's latency, which on a busy machine
    varies 50-fold from query to query (torch threads waiting for a core) and swamps the few
    milliseconds retrieval takes; this figure holds the embedding cost equal on both sides.
    """
    embed, excl = row.get("query_embedding_p50_ms"), row["excl_embedding"]
    if embed is None or excl["coach_p50_ms"] is None:
        return None
    return _ratio(embed + excl["coach_p50_ms"], embed + excl["raw_p50_ms"])


def profile_search(retriever: Any, questions: Sequence[str], k: int, passes: int = 5) -> str:
    """Where `retriever.search` spends its time (pyinstrument text report), warm caches."""
    from pyinstrument import Profiler

    retriever.search(questions[0], k)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(passes):
        for q in questions:
            retriever.search(q, k)
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


# --------------------------------------------------------------------------- 3. answers


def bench_answers(settings: Settings, store: Any, items: Sequence[dict[str, Any]],
                  log: Log = _quiet) -> dict[str, Any]:
    """Time to the first streamed piece and to the whole answer, default generator."""
    from coach.api import Coach
    from coach.results import Answer

    coach = Coach(settings, store=store)
    coach.ask("How do I keep a good relationship with a mentor?")  # loads the model, BM25
    first, full = [], []
    asked = [i for i in items if i.get("expect")]
    log(f"answers: streaming {len(asked)} in-scope questions")
    for item in asked:
        start = time.perf_counter()
        got_first = None
        for piece in coach.stream(item["question"], list(item.get("history") or [])):
            if got_first is None and not isinstance(piece, Answer):
                got_first = time.perf_counter() - start
        total = time.perf_counter() - start
        first.append(got_first if got_first is not None else total)
        full.append(total)
    return {"questions": len(asked), "generator": settings.generator,
            "first_piece_p50_s": round(_pct(first, 50), 3),
            "first_piece_p95_s": round(_pct(first, 95), 3),
            "full_answer_p50_s": round(_pct(full, 50), 3),
            "full_answer_p95_s": round(_pct(full, 95), 3)}


# --------------------------------------------------------------------------- 4. model and memory


def bench_embeddings(texts: Sequence[str], batch: int = EMBED_BATCH,
                     queries: int = 30) -> dict[str, Any]:
    """Chunks per second embedding real chunk texts, and one query's latency.

    Both are measured with torch's configured thread count and again with one thread: on a
    small machine shared with other work, threads waiting for each other can cost more than
    the second core gains.
    """
    import torch

    from coach.store import embeddings

    model = embeddings()
    while hasattr(model, "inner"):  # past the query and vector caches: time the model itself
        model = model.inner
    model.embed_documents(list(texts[:8]))
    sample = (list(texts) * (batch // max(len(texts), 1) + 1))[:batch]
    questions = [f"How should I ask my mentor about {t[:40]}?" for t in sample[:queries]]
    configured = torch.get_num_threads()  # the coach runs on one (see coach.store)
    every_core = os.cpu_count() or 1
    out: dict[str, Any] = {"chunks": len(sample), "torch_threads": every_core,
                           "runtime": getattr(embeddings(), "runtime", "?")}
    try:
        for label, threads in (("", every_core), ("_1_thread", 1)):
            torch.set_num_threads(threads)
            seconds, _ = _timed(lambda: model.embed_documents(sample))
            latencies = [_timed(functools.partial(model.embed_query, q))[0] for q in questions]
            out[f"chunks_per_s{label}"] = round(len(sample) / seconds, 1)
            out[f"query_p50_ms{label}"] = _ms(_pct(latencies, 50))
            out[f"query_p95_ms{label}"] = _ms(_pct(latencies, 95))
    finally:
        torch.set_num_threads(configured)
    return out


class _RssSampler:
    """Samples the resident memory of a process and all its children, keeping the peak."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        import psutil  # type: ignore[import-untyped]  # no stubs installed (types-psutil)

        self.process = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self.last = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                total = 0
                for proc in tree:
                    with contextlib.suppress(psutil.Error):
                        total += proc.memory_info().rss
                self.last = total
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self._stop.wait(self.every)

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _child_env(settings: Settings, data_dir: Path) -> dict[str, str]:
    # The child inherits our environment minus every coach/model-server setting, so it can only
    # ever see the scratch data dir and the embedded generator.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COACH_", "OPENAI_", "GRADIO_"))}
    env.update({"COACH_DATA_DIR": str(data_dir), "COACH_CORPUS_DIR": str(settings.corpus_dir),
                "COACH_GENERATOR": "grounded", "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
                "ANONYMIZED_TELEMETRY": "False", "PYTHONUNBUFFERED": "1"})
    return env


@contextlib.contextmanager
def _running(cmd: list[str], env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    with log_path.open("w") as out:
        process = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def bench_app_memory(settings: Settings, work: Path, questions: Sequence[str],
                     log: Log = _quiet) -> dict[str, Any]:
    """Peak RSS of `python app.py` (process tree) while it ingests and answers questions.

    Falls back to a process running `Coach.ask` in a loop when the app cannot be used, and
    says so in `method`.
    """
    app = REPO_ROOT / "app.py"
    problem = None
    if not app.exists():
        problem = f"{app} does not exist"
    else:
        try:
            return _app_memory(settings, work, app, questions, log)
        except Exception as exc:  # any failure to serve: measure the library instead
            problem = f"app.py was not usable ({type(exc).__name__}: {exc})"
    log(f"memory: {problem}; measuring a Coach.ask loop instead")
    return {**_loop_memory(settings, work, questions), "note": problem}


def _app_memory(settings: Settings, work: Path, app: Path, questions: Sequence[str],
                log: Log) -> dict[str, Any]:
    from gradio_client import Client  # type: ignore[import-untyped]  # ships no py.typed

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = work / "app.log"
    log(f"memory: starting app.py on port {port}")
    cmd = [sys.executable, str(app), "--host", "127.0.0.1", "--port", str(port)]
    with _running(cmd, _child_env(settings, work / "app-data"), log_path) as process, \
            _RssSampler(process.pid) as rss:
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                tail = log_path.read_text(errors="replace").strip().splitlines()[-5:]
                raise RuntimeError(f"it exited with {process.returncode}: {' / '.join(tail)}")
            with contextlib.suppress(urllib.error.URLError, OSError), \
                    urllib.request.urlopen(url + "/", timeout=5) as response:
                if response.status == 200:
                    break
            if time.monotonic() - started > APP_STARTUP_LIMIT_S:
                raise RuntimeError(f"it did not answer within {APP_STARTUP_LIMIT_S:.0f}s")
            time.sleep(0.3)
        startup_s = time.monotonic() - started
        time.sleep(0.5)
        ready_rss = rss.last
        client = Client(url, verbose=False)
        latencies = []
        for q in questions[:APP_QUESTIONS]:
            seconds, _ = _timed(functools.partial(client.predict, q, "[]", api_name="/ask"))
            latencies.append(seconds)
        time.sleep(0.3)
    return {"method": "python app.py, questions through gradio_client /ask",
            "startup_s": round(startup_s, 1), "ready_rss_mb": round(ready_rss / 2**20),
            "peak_rss_mb": round(rss.peak / 2**20), "questions": len(latencies),
            "http_answer_p50_s": round(_pct(latencies, 50), 3)}


_LOOP = """
import sys
from coach.api import Coach
from coach.settings import Settings
from coach.store import open_store
from ingest.indexer import sync
settings = Settings.from_env()
sync(open_store(settings, create=True), [settings.corpus_dir], progress=False)
coach = Coach(settings)
for q in sys.argv[1:]:
    coach.ask(q)
"""


def _loop_memory(settings: Settings, work: Path, questions: Sequence[str]) -> dict[str, Any]:
    cmd = [sys.executable, "-c", _LOOP, *questions[:APP_QUESTIONS]]
    with _running(cmd, _child_env(settings, work / "loop-data"), work / "loop.log") as process, \
            _RssSampler(process.pid) as rss:
        process.wait()
    return {"method": "a process running Coach.ask in a loop (not the web app)",
            "peak_rss_mb": round(rss.peak / 2**20), "questions": len(questions[:APP_QUESTIONS])}


# --------------------------------------------------------------------------- the whole run


def _skip_vector_cache(model: Any) -> None:
    """Embed every text with the model in this process: the bench times embedding (ingests of
    the same corpus, ours against the naive one), and the vector cache would answer a text it
    has seen without embedding it. The cold-start runs are separate processes: they keep it."""
    cached = getattr(model, "inner", None)
    if cached is not None and hasattr(cached, "cache"):
        model.inner = cached.inner


def run_bench(settings: Settings, *, sizes: Sequence[int] | None = None, quick: bool = False,
              smoke: bool = False, app: bool = True, profile: bool = False,
              log: Log = _quiet) -> dict[str, Any]:
    """Every benchmark in one run, in scratch data dirs; returns one JSON-ready dict.

    `settings` supplies the corpus folder and retrieval settings only: every store is built
    in a temporary folder, never in `settings.data_dir` or on a Chroma server. `quick` and
    `smoke` pick a smaller `Scale`; `sizes` overrides its store sizes.
    """
    from coach.evaluation import load_items
    from coach.store import embeddings

    scale = SMOKE if smoke else QUICK if quick else FULL
    if sizes:
        scale = replace(scale, sizes=tuple(sizes))
    result: dict[str, Any] = {"machine": machine(), "quick": quick or smoke, "smoke": smoke}
    log("loading the embedding model")
    model = embeddings()
    _skip_vector_cache(model)
    model.embed_documents(["warm up the model"])
    items = load_items()
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        work = Path(tmp)
        result["cold_start"] = bench_cold_start(settings, work, app=app,
                                                repeats=scale.cold_asks, log=log)
        result["ingest"] = {
            "corpus": bench_ingest(settings, settings.corpus_dir, work, label="corpus",
                                   repeats=scale.naive_rebuilds, log=log),
        }
        big = make_variants(settings.corpus_dir, work / "variants-src", scale.variants)
        result["ingest"]["generated"] = bench_ingest(
            settings, work / "variants-src", work, label="generated", repeats=1, log=log)
        small = _isolated(settings, work / "answers")
        from coach.store import open_store
        from ingest.indexer import sync

        store = open_store(small, create=True)
        sync(store, [settings.corpus_dir], progress=False)
        asked = [i for i in items if i.get("expect")][:scale.answers]
        result["answers"] = bench_answers(small, store, asked, log=log)
        texts = _chunk_texts(big)
        log("embedding throughput")
        result["embedding"] = bench_embeddings(texts, batch=scale.embed_batch)
        result["retrieval"] = bench_retrieval(settings, work, scale.sizes, queries=scale.queries,
                                              rounds=scale.rounds, ingests=scale.ingests_after,
                                              profile=profile, log=log)
        if app:
            questions = [i["question"] for i in items if i.get("expect")]
            result["memory"] = bench_app_memory(settings, work, questions, log=log)
    result["targets"] = targets(result)
    return result


def bench_cold_start(settings: Settings, work: Path, *, app: bool = True,
                     repeats: int = ASK_REPEATS, log: Log = _quiet) -> dict[str, Any]:
    """Cold `coach ask` and app start to first answer, ONNX vs the old torch path."""
    from bench.startup import bench_app_start, bench_cold_ask, prepare

    data_dir = work / "cold-start"
    out: dict[str, Any] = {"load_avg_1m": machine()["load_avg_1m"]}
    try:
        log("cold start: ingesting the corpus into a scratch data dir")
        prepare(settings, data_dir)
        out["ask"] = bench_cold_ask(settings, data_dir, repeats=repeats, log=log)
        if app:
            out["app"] = bench_app_start(settings, data_dir, work, log=log)
    except Exception as exc:  # a finding to report, not the end of the run
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def _chunk_texts(files: Sequence[Path]) -> list[str]:
    from ingest.chunking import chunk_document
    from ingest.loaders import load_document

    return [c.embed_text for f in files for c in chunk_document(load_document(f), f.name)]


def machine() -> dict[str, Any]:
    """Cores, CPU model and RAM of this machine (what the numbers were measured on)."""
    import platform

    import psutil

    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    threads = None
    with contextlib.suppress(ImportError):
        import torch

        threads = torch.get_num_threads()
    return {"cores": os.cpu_count(), "cpu": cpu, "torch_threads": threads,
            "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None}


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value and whether it was met (skipped when not measured)."""
    out = []

    def add(name: str, label: str, value: float | None, limit: float, at_least: bool) -> None:
        if value is None:
            return
        met = value >= limit if at_least else value <= limit
        out.append({"name": name, "label": label, "value": value, "target": limit, "met": met})

    ingest = result.get("ingest", {})
    for corpus in ("corpus", "generated"):
        if corpus in ingest:
            add("unchanged_reingest_speedup", f"unchanged re-ingest vs naive ({corpus}), ≥",
                ingest[corpus]["unchanged_speedup"], TARGETS["unchanged_reingest_speedup"], True)
    sizes = result.get("retrieval", {}).get("sizes", {})
    if sizes:
        at = "10000" if "10000" in sizes else min(sizes, key=int)
        for n, row in sizes.items():
            if row.get("coach_error"):
                out.append({"name": "retrieval_works", "label": f"search works at {int(n):,} "
                            "chunks", "value": row["coach_error"], "target": True, "met": False})
        add("retrieval_overhead_10k", f"search vs raw Chroma p50 at {int(at):,} (+ median "
            "query embedding on both), ≤", sizes[at].get("overhead_p50_median_embedding"),
            TARGETS["retrieval_overhead_10k"], False)
        if "100000" in sizes:
            add("retrieval_overhead_100k", "search vs raw Chroma p50 at 100,000 (+ median query "
                "embedding on both), ≤", sizes["100000"].get("overhead_p50_median_embedding"),
                TARGETS["retrieval_overhead_100k"], False)
        for n, row in sizes.items():
            after = row.get("after_ingest") or {}
            median = "median over {} ingests, ".format(after["ingests"]) \
                if after.get("ingests") else ""
            add("search_after_ingest_ratio", f"first search after an ingest vs a normal one at "
                f"{int(n):,} ({median}worst {_times(after.get('first_ratio_max'))}), ≤",
                after.get("first_ratio"), TARGETS["search_after_ingest_ratio"], False)
    cold = result.get("cold_start", {})
    if cold.get("ask"):
        add("cold_ask_s", "cold `coach ask` (onnx), wall s, ≤", cold["ask"]["onnx"]["wall_s"],
            TARGETS["cold_ask_s"], False)
    if cold.get("app"):
        add("app_first_answer_s", "app.py start to first answer over HTTP (onnx), s, ≤",
            cold["app"]["onnx"]["first_answer_s"], TARGETS["app_first_answer_s"], False)
    answers = result.get("answers")
    if answers:
        add("first_piece_p95_s", "first streamed piece p95 (s), ≤",
            answers["first_piece_p95_s"], TARGETS["first_piece_p95_s"], False)
        add("full_answer_p95_s", "full answer p95 (s), ≤", answers["full_answer_p95_s"],
            TARGETS["full_answer_p95_s"], False)
    return out


# --------------------------------------------------------------------------- output


def format_bench(result: dict[str, Any]) -> str:
    """The readable table `coach bench` prints."""
    m = result["machine"]
    lines = [f"Machine: {m['cores']} cores, {m['cpu']}, {m['ram_gb']} GB RAM, torch threads "
             f"{m.get('torch_threads')} (1-min load {m['load_avg_1m']} at the start)", ""]
    if result.get("smoke"):
        lines += ["Smoke run (--smoke): every section once at toy sizes, to check the bench "
                  "runs. The figures below are not measurements; run `coach bench` for those.", ""]
    if result.get("ingest"):
        lines += ["naive = what LangChain tutorials do on every run: Chroma.from_documents(all "
                  "chunks) into a fresh store (our chunker's output as the documents)", ""]
    for label, row in result.get("ingest", {}).items():
        lines += [
            f"Re-ingest — {label} ({row['documents']} documents, {row['chunks']} chunks)",
            f"  cold ingest: ours {row['ours_cold_s']:.2f} s, naive rebuild "
            f"{row['naive_rebuild_s']:.2f} s",
            f"  unchanged:   ours {row['ours_unchanged_s'] * 1000:.1f} ms vs naive "
            f"{row['naive_rebuild_s']:.2f} s  → {_times(row['unchanged_speedup'])} faster",
            f"  1-paragraph edit: ours {row['ours_edit_s']:.2f} s "
            f"({row['edit_chunks_reembedded']} chunks re-embedded) vs naive "
            f"{row['naive_edit_s']:.2f} s  → {_times(row['edit_speedup'])} faster",
            "",
        ]
    retrieval = result.get("retrieval")
    if retrieval:
        lines.append(f"Retrieval (k={retrieval['k']}, {retrieval['queries']} queries; coach "
                     "Retriever.search vs raw collection.query)")
        lines.append(f"  incl. = query embedding timed on both sides; excl. = precomputed query "
                     f"vectors on both sides; best of {retrieval['rounds']} rounds per query")
        lines.append(f"  {'chunks':>8}  {'':<15}{'coach p50/p95 ms':>20}{'raw p50/p95 ms':>18}"
                     f"{'overhead p50':>14}")
        for n, row in retrieval["sizes"].items():
            for name in ("incl_embedding", "excl_embedding"):
                r = row[name]
                coach = (f"{r['coach_p50_ms']:>9.1f} / {r['coach_p95_ms']:<8.1f}"
                         if r["coach_p50_ms"] is not None else f"{'failed':>9}   {'':<8}")
                overhead = _times(r["overhead_p50"])
                lines.append(f"  {int(n):>8,}  {name.replace('_', '. ', 1):<15}{coach}"
                             f"{r['raw_p50_ms']:>8.1f} / {r['raw_p95_ms']:<7.1f}"
                             f"{overhead:>13}")
            lines.append(f"  {'':>8}  the query embedding alone: p50 "
                         f"{row['query_embedding_p50_ms']:.1f} / p95 "
                         f"{row['query_embedding_p95_ms']:.1f} ms; search + median embedding: "
                         f"{_times(row.get('overhead_p50_median_embedding'))} raw")
            store = f"store {row.get('store', 'built')} in {row['build_s']} s"
            if row.get("coach_error"):
                lines.append(f"  {'':>8}  {store}; the coach's search "
                             f"FAILED: {row['coach_error']}")
            else:
                lines.append(f"  {'':>8}  {store}; first search "
                             f"(builds BM25) {row['first_search_incl_bm25_build_ms']:.0f} ms")
            after = row.get("after_ingest")
            if after:
                lines.append(f"  {'':>8}  after an ingest of {after['chunks_added']} chunks: "
                             f"first search {after['first_after_ms']:.1f} ms vs "
                             f"{after['normal_p50_ms']:.1f} ms normally "
                             f"({_times(after['first_ratio'])}); p95 {after['after_p95_ms']:.1f}"
                             f" vs {after['normal_p95_ms']:.1f} ms; raw Chroma's first query "
                             f"after an ingest {after['raw_first_after_ms']:.1f} ms vs "
                             f"{after['raw_normal_p50_ms']:.1f} ms "
                             f"({_times(after['raw_first_ratio'])})")
            if after and "during_ingest_p95_ms" in after:
                lines.append(f"  {'':>8}  over {after['ingests']} ingests (median "
                             f"{after.get('ingest_median_s')} s each, catch-up and warming "
                             f"included): first search median "
                             f"{_times(after['first_ratio'])}, worst "
                             f"{_times(after['first_ratio_max'])} the p50 of the searches just "
                             f"before its ingest; p95 in the "
                             f"{after['after_searches']} searches of the second after "
                             f"{_times(after['p95_ratio'])} a normal p95; searched from another "
                             f"thread during the ingests ({after['during_ingest_searches']}): "
                             f"p95 {after['during_ingest_p95_ms']:.1f} ms "
                             f"({_times(after['during_ingest_p95_ratio'])}), worst "
                             f"{after['during_ingest_max_ms']:.1f} ms "
                             f"({_times(after['during_ingest_max_ratio'])}) vs normal p95 "
                             f"{after['normal_p95_ms']:.1f} ms")
            if after and "until_current_s" in after:
                lines.append(f"  {'':>8}  until BM25 caught up ({after['until_current_s']} s, "
                             f"{after['until_current_searches']} searches back to back): p95 "
                             f"{after['until_current_p95_ms']:.1f} ms "
                             f"({_times(after['until_current_p95_ratio'])} a normal p50), worst "
                             f"{after['until_current_max_ms']:.1f} ms")
            if row.get("profile"):
                lines += ["", f"  Where Retriever.search spends its time at {int(n):,} chunks "
                          "(excl. embedding):", row["profile"]]
        growth = retrieval.get("growth")
        if growth:
            first, last = list(retrieval["sizes"])[0], list(retrieval["sizes"])[-1]
            lines.append(f"  growth {int(first):,} → {int(last):,} chunks (p50): coach "
                         f"{_times(growth['incl_embedding_coach'])} / raw "
                         f"{_times(growth['incl_embedding_raw'])} incl. embedding; coach "
                         f"{_times(growth['excl_embedding_coach'])} / raw "
                         f"{_times(growth['excl_embedding_raw'])} excl.")
        lines.append("")
    lines += format_cold_start(result.get("cold_start"))
    answers = result.get("answers")
    if answers:
        lines += [f"Answers ({answers['questions']} in-scope questions, {answers['generator']} "
                  "generator, Coach.stream)",
                  f"  first piece p50 {answers['first_piece_p50_s']:.3f} s, p95 "
                  f"{answers['first_piece_p95_s']:.3f} s",
                  f"  full answer p50 {answers['full_answer_p50_s']:.3f} s, p95 "
                  f"{answers['full_answer_p95_s']:.3f} s", ""]
    emb = result.get("embedding")
    if emb:
        lines += [f"Embedding ({emb['chunks']} real chunks; one query; runtime "
                  f"{emb.get('runtime', '?')}: torch's thread setting matters only for "
                  "sentence-transformers):",
                  f"  torch threads {emb['torch_threads']}: {emb['chunks_per_s']} chunks/s, query "
                  f"p50 {emb['query_p50_ms']:.1f} / p95 {emb['query_p95_ms']:.1f} ms",
                  f"  torch threads 1: {emb['chunks_per_s_1_thread']} chunks/s, query p50 "
                  f"{emb['query_p50_ms_1_thread']:.1f} / p95 {emb['query_p95_ms_1_thread']:.1f} ms",
                  ""]
    mem = result.get("memory")
    if mem:
        extra = (f", {mem['ready_rss_mb']} MB when ready after {mem['startup_s']} s; "
                 f"/ask p50 {mem['http_answer_p50_s']} s over HTTP"
                 if "ready_rss_mb" in mem else "")
        lines += [f"Memory: peak RSS {mem['peak_rss_mb']} MB{extra} — {mem['method']}"]
        if mem.get("note"):
            lines.append(f"  ({mem['note']})")
    lines.append("")
    lines.append("Targets")
    for t in result.get("targets", []):
        target = "" if isinstance(t["target"], bool) else f" {t['target']}"
        lines.append(f"  {'met   ' if t['met'] else 'MISSED'}  {t['label']}{target}: "
                     f"{t['value']}")
    return "\n".join(lines)


def format_cold_start(cold: dict[str, Any] | None) -> list[str]:
    """The cold-start section: each runtime's seconds and the old/new ratio."""
    if not cold:
        return []
    lines = [f"Cold start (load {cold.get('load_avg_1m')} at the start; onnx = the default, "
             "sentence-transformers = the old torch path)"]
    ask = cold.get("ask")
    if ask:
        new, old = ask["onnx"], ask["sentence-transformers"]
        lines.append(f"  coach ask, median of {ask['repeats']}: onnx {new['wall_s']:.2f} s "
                     f"({new['cpu_s']:.2f} s CPU) vs sentence-transformers {old['wall_s']:.2f} s "
                     f"({old['cpu_s']:.2f} s CPU) → {_times(ask['speedup_wall'])} faster "
                     f"({_times(ask['speedup_cpu'])} in CPU)")
    app = cold.get("app")
    if app:
        new, old = app["onnx"], app["sentence-transformers"]
        lines.append(f"  app.py to first answer over HTTP: onnx {new['first_answer_s']:.2f} s "
                     f"({new.get('cpu_s', 0):.2f} s CPU) vs sentence-transformers "
                     f"{old['first_answer_s']:.2f} s ({old.get('cpu_s', 0):.2f} s CPU) → "
                     f"{_times(app['speedup'])} faster")
    if cold.get("error"):
        lines.append(f"  FAILED: {cold['error']}")
    return [*lines, ""]


def to_json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False)
