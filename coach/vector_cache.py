"""Embeddings remembered across processes: one SQLite file, keyed by model and text.

A cold `coach ask` spent ~1.6 s of its ~3.7 s re-embedding texts that never change between
processes (every candidate passage's sentences, the composer's units, the verifier's windows);
ingest embeds them ahead into this file and any later process reads them back. Each row is
sha1(model identity + text) -> the float32 vector, bit for bit what the model returned.
The identity names the runtime as well as the model: onnx and sentence-transformers vectors
differ slightly (cosine > 0.9999), and one answer should never mix the two.

A cache must never stop an answer: a file that cannot be opened, read or written (corrupt,
read-only, full disk) logs one warning and the texts are embedded directly.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import threading
from pathlib import Path

import numpy as np

from coach.embedder import Embedder

log = logging.getLogger(__name__)

FILE_NAME = "embeddings.sqlite3"
BUSY_MS = 5000  # wait this long for another process's write before giving up on the cache
_LOOKUP = 500  # keys per SELECT (well under SQLite's limit on query variables)


class VectorCache:
    """Text -> vector rows in `path`, for one model `identity`; thread- and process-safe."""

    def __init__(self, path: Path, identity: str) -> None:
        self.path = path
        self.identity = identity
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def key(self, text: str) -> bytes:
        return hashlib.sha1(f"{self.identity}\0{text}".encode()).digest()

    def get(self, texts: list[str]) -> list[list[float] | None]:
        """Each text's stored vector, or None where it has none (or the cache is unusable)."""
        keys = [self.key(t) for t in texts]
        found: dict[bytes, bytes] = {}
        with self._lock:
            db = self._open()
            if db is None:
                return [None] * len(texts)
            try:
                for start in range(0, len(keys), _LOOKUP):
                    part = keys[start:start + _LOOKUP]
                    rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN "
                                      f"({','.join('?' * len(part))})", part).fetchall()
                    found.update(rows)
            except sqlite3.Error as exc:
                self._give_up("read", exc)
                return [None] * len(texts)
        return [_vector(found[k]) if k in found else None for k in keys]

    def put(self, texts: list[str], vectors: list[list[float]]) -> None:
        """Store `vectors` under `texts` (a row another process wrote meanwhile is kept)."""
        rows = [(self.key(t), np.asarray(v, dtype=np.float32).tobytes())
                for t, v in zip(texts, vectors, strict=True)]
        with self._lock:
            db = self._open()
            if db is None or not rows:
                return
            try:
                with db:
                    db.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)",
                                   rows)
            except sqlite3.Error as exc:
                self._give_up("write", exc)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _open(self) -> sqlite3.Connection | None:
        """The connection, opened on first use (None once the cache has failed)."""
        if self._broken or self._db is not None:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, check_same_thread=False,
                                 isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            db.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
            db.execute("PRAGMA synchronous = NORMAL")  # a lost row after a crash is re-embedded
            db.execute("CREATE TABLE IF NOT EXISTS vectors "
                       "(key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        except (sqlite3.Error, OSError) as exc:
            self._give_up("open", exc)
            return None
        self._db = db
        return db

    def _give_up(self, what: str, exc: Exception) -> None:
        log.warning("the embedding cache %s could not %s (%s: %s); embedding without it. "
                    "Delete the file (it is rebuilt) or set COACH_CACHE_DIR to a writable "
                    "folder", self.path, what, type(exc).__name__, exc)
        self._broken = True
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _vector(blob: bytes) -> list[float]:
    return np.frombuffer(blob, dtype=np.float32).tolist()


class CachedEmbedder:
    """`inner` with `embed_documents` answered from a `VectorCache` where it can: only the
    texts it has never seen are embedded (in one batch) and then remembered."""

    def __init__(self, inner: Embedder, cache: VectorCache) -> None:
        self.inner = inner
        self.cache = cache

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = list(texts)
        out = self.cache.get(texts)
        missing = list(dict.fromkeys(t for t, v in zip(texts, out, strict=True) if v is None))
        if missing:
            fresh = dict(zip(missing, self.inner.embed_documents(missing), strict=True))
            self.cache.put(missing, [fresh[t] for t in missing])
            out = [v if v is not None else _as_float32(fresh[t])
                   for t, v in zip(texts, out, strict=True)]
        return out  # type: ignore[return-value]  # every None was filled

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _as_float32(vector: list[float]) -> list[float]:
    """What a later cache hit returns for this vector (the model's float32 values exactly)."""
    return np.asarray(vector, dtype=np.float32).tolist()
