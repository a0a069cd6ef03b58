"""The ingest lease in the store: one holder at a time, stale leases expire, renewals keep it.

These use a Chroma client on disk (same API as the server); tests/e2e/test_scale_out.py runs two
processes against a real `chroma run` server.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from coach.errors import IngestBusyError, StoreError
from coach.settings import Settings
from ingest.lease import Lease


@pytest.fixture
def client(settings: Callable[..., Settings]) -> object:
    path = settings().data_dir / "chroma"
    return chromadb.PersistentClient(path=str(path),
                                     settings=ChromaSettings(anonymized_telemetry=False))


def test_a_second_host_waits_then_is_told_who_holds_the_lease(client):
    first = Lease(client, "guidance", owner="host-a:1")
    first.acquire(timeout=1)
    try:
        with pytest.raises(IngestBusyError, match="running on host-a:1"):
            Lease(client, "guidance", owner="host-b:2").acquire(timeout=0.6)
    finally:
        first.release()
    second = Lease(client, "guidance", owner="host-b:2")
    second.acquire(timeout=1)  # free again once released
    second.release()


def test_leases_on_different_collections_do_not_block_each_other(client):
    a, b = Lease(client, "guidance", owner="a:1"), Lease(client, "other", owner="b:2")
    a.acquire(timeout=1)
    b.acquire(timeout=1)
    a.release()
    b.release()


def test_a_holder_that_stopped_renewing_loses_the_lease_and_finds_out(client):
    stalled = Lease(client, "guidance", ttl=0.5, owner="crashed:1")
    stalled.acquire(timeout=1)
    stalled._stop.set()  # its renewals stop, as if the process hung
    time.sleep(0.8)
    taker = Lease(client, "guidance", owner="host-b:2")
    taker.acquire(timeout=2)
    assert not stalled.renew()
    with pytest.raises(StoreError, match="lost its lease"):
        stalled.check()
    stalled.release()  # deletes only its own record, by token
    with pytest.raises(IngestBusyError):
        Lease(client, "guidance", owner="host-c:3").acquire(timeout=0.3)
    taker.release()


def test_renewals_keep_a_long_ingest_s_lease_alive(client):
    holder = Lease(client, "guidance", ttl=0.8, owner="busy:1")
    holder.acquire(timeout=1)
    time.sleep(2.0)  # several TTLs, renewed every ttl/4
    with pytest.raises(IngestBusyError):
        Lease(client, "guidance", owner="host-b:2").acquire(timeout=0.3)
    holder.check()
    holder.release()
