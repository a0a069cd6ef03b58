"""Incremental ingest: bring the store's chunks for some files/folders in line with the files.

Chroma is the only record of what is indexed: for each document we read the ids stored under
its `source`, embed and add only the new ones, fix metadata of moved ones, and delete the stale
ones last, so a run killed at any point leaves every passage findable and the next run
completes the job.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coach.errors import IngestBusyError, LoadError, StoreError
from coach.store import Change, Store
from ingest.chunking import Chunk, chunk_document
from ingest.lease import Lease
from ingest.loaders import load_document

BATCH_SIZE = 32
LOCK_TIMEOUT = 10.0
# Warming the vector cache costs ~2.3x embedding the passages themselves: ~27 texts (sentences,
# units, windows) per passage, ~0.2 s CPU. Measured with `coach ingest` of the corpus and the 7
# suite documents (96 chunks) on the 2-core box: 10 s CPU without warming, 30 s with. Past this
# many new passages in one ingest (~3.5 min of warming) the rest fill on first use instead:
# a big library's ingest should not take three times as long for the sake of start-up time.
WARM_MAX_CHUNKS = 1000
WARM_LABEL = "answer cache"  # how warming names itself to `embedded` (the page's progress line)
# Metadata an unchanged passage may still need rewritten (its text, hence id, is the same).
_TRACKED = ("title", "section", "source", "position", "content_hash", "publisher", "source_kind")

Progress = Callable[[int, int, str], None]
Embedded = Callable[[str, int, int], None]  # (source, passages embedded so far, to embed)


@dataclass
class IngestReport:
    """What one `sync` did; counts are chunks, `errors` one line per file that was not ingested."""

    num_added: int = 0
    num_updated: int = 0
    num_skipped: int = 0
    num_deleted: int = 0
    total_chunks: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.num_added or self.num_updated or self.num_deleted)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Target:
    """One file to ingest under its source key."""

    path: Path
    source: str


def source_key(path: Path, root: Path | None = None) -> str:
    """`parent/name` for a file given alone; `root.name/relative/path` for a file in a folder."""
    if root is None:
        return f"{path.parent.resolve().name}/{path.name}"
    return f"{root.resolve().name}/{path.relative_to(root).as_posix()}"


def sync(store: Store, paths: Iterable[Path | str], *, progress: Progress | bool | None = None,
         max_bytes: int | None = None, lock_timeout: float = LOCK_TIMEOUT,
         embedded: Embedded | None = None) -> IngestReport:
    """Ingest files and folders (recursively) into `store`; return counts and per-file errors.

    Folders are mirrored: chunks under `folder.name/` whose file is gone are deleted. A file
    that fails to load is reported in `errors` and its stored chunks are left alone.
    `progress` is None (a tqdm bar if stderr is a terminal), False (silent) or a callable
    `progress(done, total, message)`, called after each file; `embedded(source, n, of)` after
    each batch of new passages a file needed (a long PDF's progress within the file).
    `max_bytes` defaults to `settings.max_upload_bytes`.
    """
    if max_bytes is None:
        max_bytes = store.settings.max_upload_bytes
    report = IngestReport()
    targets, mirrored = _collect([Path(p) for p in paths], report)
    with _ingest_lock(store, lock_timeout) as lease:
        report_progress, close = _progress(progress, len(targets))
        try:
            stamp = _now()
            base = store.version()
            removed: list[str] = []
            present: set[str] = set()
            added: list[Chunk] = []
            for done, target in enumerate(targets, 1):
                if lease is not None:
                    lease.check()
                present.add(target.source)
                try:
                    doc = load_document(target.path, max_bytes=max_bytes)
                except LoadError as exc:
                    report.errors.append(str(exc))
                else:
                    chunks = chunk_document(doc, target.source)
                    if chunks:
                        _sync_document(store, target.source, chunks, stamp, report, embedded,
                                       added, removed)
                    else:  # what an earlier version of the file gave is kept
                        report.errors.append(f"{target.source}: no passage to ingest (only "
                                             "headings or page furniture were found)")
                report_progress(done, len(targets), target.source)
            gone = [s for s in _stored_sources(store) if s not in present
                    and any(s.startswith(prefix) for prefix in mirrored)] if mirrored else []
            for source in sorted(gone):
                deleted = _delete_source(store, source)
                removed.extend(deleted)
                report.num_deleted += len(deleted)
            # Retrieval caches key on this stamp, so it must differ even for ingests 1 s apart.
            if report.changed:
                store.mark_changed(_now("microseconds"), Change(
                    base, tuple(c.id for c in added), tuple(removed)))
            report.total_chunks = store.count()
            warm(store, added[:WARM_MAX_CHUNKS], embedded)
        except _store_failures() as exc:
            where = store.settings.chroma_url or store.settings.data_dir
            raise StoreError(f"could not update the guidance store at {where}: {exc}. What was "
                             "ingested so far is kept; fix the cause and run the ingest again"
                             ) from None
        finally:
            close()
    return report


def remove_source(store: Store, source: str) -> int:
    """Delete one document's chunks; return how many were deleted (0 if it was not stored)."""
    with _ingest_lock(store):
        try:
            base = store.version()
            deleted = _delete_source(store, source)
            n = len(deleted)
            if n:
                store.mark_changed(_now("microseconds"), Change(base, removed=tuple(deleted)))
        except _store_failures() as exc:
            where = store.settings.chroma_url or store.settings.data_dir
            raise StoreError(f"could not update the guidance store at {where}: {exc}") from None
    return n


def _collect(paths: list[Path], report: IngestReport) -> tuple[list[_Target], list[str]]:
    """Expand folders into files (skipping hidden ones); record missing paths as errors."""
    targets: dict[str, _Target] = {}
    mirrored: list[str] = []
    for path in paths:
        if path.is_dir():
            mirrored.append(f"{path.resolve().name}/")
            for file in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
                if file.is_file() and not hidden:
                    key = source_key(file, path)
                    targets.setdefault(key, _Target(file, key))
        elif path.is_file():
            key = source_key(path)
            targets.setdefault(key, _Target(path, key))
        else:
            report.errors.append(f"{path}: no such file or folder")
    return list(targets.values()), mirrored


def _sync_document(store: Store, source: str, chunks: list[Chunk], stamp: str,
                   report: IngestReport, embedded: Embedded | None, added: list[Chunk],
                   removed: list[str]) -> None:
    collection = store.collection
    stored = store.get_all(where={"source": source}, include=["metadatas"])
    old = dict(zip(stored["ids"], stored["metadatas"] or [], strict=True))

    new = [c for c in chunks if c.id not in old]
    for start in range(0, len(new), BATCH_SIZE):
        batch = new[start:start + BATCH_SIZE]
        vectors = store.embeddings.embed_documents([c.embed_text for c in batch])
        collection.add(ids=[c.id for c in batch], embeddings=vectors,
                       documents=[c.text for c in batch],
                       metadatas=[{**c.metadata, "ingested_at": stamp} for c in batch])
        if embedded is not None:
            embedded(source, start + len(batch), len(new))
    added.extend(new)
    report.num_added += len(new)

    moved = [c for c in chunks if c.id in old
             and any((old[c.id] or {}).get(k) != c.metadata[k] for k in _TRACKED)]
    for start in range(0, len(moved), BATCH_SIZE):
        batch = moved[start:start + BATCH_SIZE]
        # Merged over the old metadata so `ingested_at` keeps saying when the text arrived.
        collection.update(ids=[c.id for c in batch],
                          metadatas=[{**(old[c.id] or {}), **c.metadata} for c in batch])
    report.num_updated += len(moved)
    report.num_skipped += len(chunks) - len(new) - len(moved)

    # Last, so the old passages stay searchable until their replacements are in.
    keep = {c.id for c in chunks}
    stale = [cid for cid in old if cid not in keep]
    if stale:
        collection.delete(ids=stale)
    removed.extend(stale)
    report.num_deleted += len(stale)


def warm(store: Store, chunks: list[Chunk], embedded: Embedded | None = None) -> None:
    """Embed into the vector cache what queries will embed for these new passages, so a fresh
    process answers without embedding them. Last, after every store write: the passages are
    findable first, and an ingest stopped here loses only speed (queries fill the cache).
    Warming takes about twice as long as the embedding before it, so it reports its progress
    to `embedded` under WARM_LABEL. (Public for `coach bench`, whose ingests warm as this one
    does: without it, the first search to meet a new passage embedded its sentences.)"""
    if store.passage_texts is None:
        return
    for start in range(0, len(chunks), BATCH_SIZE):
        texts = [t for c in chunks[start:start + BATCH_SIZE]
                 for t in store.passage_texts(c.text, str(c.metadata["section"]))]
        if texts:
            store.embeddings.embed_documents(list(dict.fromkeys(texts)))
        if embedded is not None:
            embedded(WARM_LABEL, min(start + BATCH_SIZE, len(chunks)), len(chunks))


def _store_failures() -> tuple[type[BaseException], ...]:
    """Errors that mean the store (disk or server), not our code, failed mid-ingest."""
    import httpx
    from chromadb.errors import ChromaError

    return ChromaError, OSError, httpx.HTTPError


def _delete_source(store: Store, source: str) -> list[str]:
    """Delete one document's chunks; the ids deleted."""
    ids = list(store.collection.get(where={"source": source}, include=[])["ids"])
    if ids:
        store.collection.delete(ids=ids)
    return ids


def _stored_sources(store: Store) -> set[str]:
    metas = store.get_all(include=["metadatas"])["metadatas"]
    return {str(m.get("source")) for m in metas if m and m.get("source")}


@contextmanager
def _ingest_lock(store: Store, timeout: float = LOCK_TIMEOUT) -> Iterator[Lease | None]:
    """One ingest at a time: per data dir (a file lock: the web UI and the CLI may both try),
    and, on a Chroma server, per collection across hosts (a lease in the store, yielded so the
    ingest can stop if it loses it)."""
    from filelock import FileLock, Timeout

    data_dir = store.settings.data_dir
    lock = FileLock(data_dir / "ingest.lock", timeout=timeout)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise IngestBusyError(f"another ingest is running on {data_dir} (lock {lock.lock_file}); "
                              "wait for it to finish and try again") from None
    except OSError as exc:
        raise StoreError(f"cannot lock {lock.lock_file}: {exc.strerror}; choose a writable "
                         "COACH_DATA_DIR") from None
    try:
        lease = _lease(store, timeout) if store.settings.chroma_url else None
        try:
            with store.writing():
                yield lease
        finally:
            if lease is not None:
                lease.release()
    finally:
        lock.release()


def _lease(store: Store, timeout: float) -> Lease:
    """The cross-host lease on this store's collection, acquired within `timeout` seconds."""
    try:
        lease = Lease(store.client, store.collection.name)
        lease.acquire(timeout)
    except _store_failures() as exc:
        raise store.unavailable(exc) from None
    return lease


def _progress(progress: Progress | bool | None, total: int) -> tuple[Progress, Callable[[], None]]:
    """Normalise the `progress` argument to a callback plus a close function."""
    if callable(progress):
        return progress, lambda: None
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return (lambda done, total, message: None), lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="file", file=sys.stderr, desc="ingest")

    def update(done: int, total: int, message: str) -> None:
        bar.set_postfix_str(message, refresh=False)
        bar.update(done - bar.n)

    return update, bar.close


def _now(timespec: str = "seconds") -> str:
    return datetime.now(UTC).isoformat(timespec=timespec)
