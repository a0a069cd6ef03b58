"""An ingest lease kept in the store itself, so hosts sharing one Chroma server take turns.

A file lock only covers the host it lives on. The lease is one record in a tiny collection
(`coach-locks`) on the same server as the guidance: its id names the guarded collection, its
metadata the owner (host:pid), a random token and an expiry time. Acquiring is check, then
write, then verify: Chroma's `add` of an id that already exists is ignored (disk and server
alike, checked with chromadb 1.x), so of two hosts adding at once exactly one record lands and
both read back the same token. A lease whose holder stopped renewing (crashed, killed, cut off)
expires after `TTL_S`; the next taker deletes that stale record by its token and adds its own.
The holder renews every `TTL_S / 4` seconds from a thread and notices when it lost the lease
(it stalled past the expiry and someone took over); `check()` then raises so the ingest stops.

Expiry compares wall clocks of different hosts: keep them within a few seconds (NTP) of each
other — the TTL is a minute, so small skews only delay a takeover.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import Any

from coach.errors import IngestBusyError, StoreError

log = logging.getLogger(__name__)

LOCKS_COLLECTION = "coach-locks"
TTL_S = 60.0
POLL_S = 0.5
_PLACEHOLDER_VECTOR = [0.0]  # Chroma wants a vector per record; a lease has no meaning to embed


class Lease:
    """One holder's claim on the ingest of one collection: `acquire`, `check`, `release`."""

    def __init__(self, client: Any, name: str, *, ttl: float = TTL_S,
                 owner: str | None = None) -> None:
        self.locks = client.get_or_create_collection(LOCKS_COLLECTION, embedding_function=None)
        self.id = f"ingest:{name}"
        self.ttl = ttl
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.token = ""
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._renewer: threading.Thread | None = None

    def acquire(self, timeout: float) -> None:
        """Take the lease, waiting up to `timeout` s; raises `IngestBusyError` naming the holder."""
        deadline = time.monotonic() + timeout
        while True:
            holder = self._try_take()
            if holder is None:
                self._start_renewing()
                return
            if time.monotonic() >= deadline:
                left = max(0.0, float(holder.get("expires_at", 0)) - time.time())
                raise IngestBusyError(
                    f"another ingest into this store is running on {holder.get('owner', '?')} "
                    f"(lease in the `{LOCKS_COLLECTION}` collection, expires in {left:.0f}s "
                    "unless renewed); wait for it to finish and try again")
            time.sleep(POLL_S)

    def _try_take(self) -> dict[str, Any] | None:
        """None when we hold the lease now; else the current holder's record."""
        current = self._read()
        if current is not None:
            if float(current.get("expires_at", 0)) > time.time():
                return current
            log.warning("taking over the ingest lease of %s, which expired without being "
                        "released", current.get("owner"))
            self.locks.delete(ids=[self.id], where={"token": str(current.get("token"))})
        token = uuid.uuid4().hex
        now = time.time()
        self.locks.add(ids=[self.id], embeddings=[_PLACEHOLDER_VECTOR], metadatas=[{
            "owner": self.owner, "token": token, "acquired_at": now, "expires_at": now + self.ttl}])
        winner = self._read()  # verify: an add over an existing id was ignored
        if winner is not None and winner.get("token") == token:
            self.token = token
            return None
        return winner or {"owner": "?", "expires_at": now}

    def _read(self) -> dict[str, Any] | None:
        got = self.locks.get(ids=[self.id], include=["metadatas"])
        return dict(got["metadatas"][0] or {}) if got["ids"] else None

    def renew(self) -> bool:
        """Push the expiry out; False (and `lost`) when someone else holds the lease now."""
        current = self._read()
        if current is None or current.get("token") != self.token:
            self._lost.set()
            return False
        self.locks.update(ids=[self.id], metadatas=[{**current, "expires_at": time.time()
                                                     + self.ttl}])
        return True

    def _start_renewing(self) -> None:
        self._stop.clear()
        self._lost.clear()

        def loop() -> None:
            while not self._stop.wait(self.ttl / 4):
                try:
                    if not self.renew():
                        log.error("the ingest lease was taken over by another host")
                        return
                except Exception:  # the server may be briefly away; the next beat retries
                    log.warning("could not renew the ingest lease", exc_info=True)

        self._renewer = threading.Thread(target=loop, name="ingest-lease", daemon=True)
        self._renewer.start()

    def check(self) -> None:
        """Raise if the lease was lost mid-ingest (the ingest must stop writing)."""
        if self._lost.is_set():
            raise StoreError("this ingest lost its lease on the shared store (it stalled for "
                             f"over {self.ttl:.0f}s and another host took over); what was "
                             "ingested is kept: run the ingest again")

    def release(self) -> None:
        """Stop renewing and delete our record (only ours: the delete is by token)."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
        if self.token:
            try:
                self.locks.delete(ids=[self.id], where={"token": self.token})
            except Exception:  # it expires by itself; say so rather than mask the real error
                log.warning("could not release the ingest lease; it expires in %.0fs",
                            self.ttl, exc_info=True)
            self.token = ""
