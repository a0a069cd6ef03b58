"""Two hosts ingesting into one Chroma server take turns (the lease in the store, not a file).

Two processes with separate data dirs stand in for two hosts: their file locks cannot see each
other, so only the lease in the server's `coach-locks` collection keeps them apart.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_scale_out import CHROMA, ChromaServer, clean_env

pytest_plugins = ["app_server"]
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROUNDS = 4
FILES = 6
# One "host": each round rewrites its folder (new text, so real embedding work) and ingests it,
# logging when the ingest started and finished its files (both moments are inside the lock).
HOST = r"""
import json, sys, time
from pathlib import Path
from coach.settings import Settings
from coach.store import open_store
from ingest.indexer import sync

name, folder, log = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
rounds, files = int(sys.argv[4]), int(sys.argv[5])
TOPICS = ["agendas", "notes", "deadlines", "introductions", "feedback", "goals", "follow-ups"]
store = open_store(Settings.from_env(), create=True)
folder.mkdir(parents=True, exist_ok=True)
with open(log, "a") as out:
    for r in range(rounds):
        for i in range(files):
            topic = TOPICS[(i + r) % len(TOPICS)]
            paras = [f"## Part {p}\n\nHost {name}, round {r}, file {i}: when you plan {topic} "
                     f"with a mentor, write the point down in part {p} and check it again in "
                     f"week {r + p}." for p in range(8)]
            (folder / f"guide-{i}.md").write_text("\n\n".join(paras))
        marks = []
        report = sync(store, [folder], progress=lambda d, t, m: marks.append(time.time()),
                      lock_timeout=600)
        out.write(json.dumps({"start": marks[0], "end": marks[-1], "ok": report.ok,
                              "added": report.num_added}) + "\n")
        out.flush()
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ChromaServer]:
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} is not installed (it comes with chromadb)")
    from app_server import free_port

    server = ChromaServer(tmp_path / "db", free_port(), tmp_path / "chroma.log")
    server.start()
    yield server
    server.stop()


def test_two_hosts_never_ingest_into_one_server_at_once(server: ChromaServer, tmp_path: Path):
    hosts = {}
    for name in ("a", "b"):
        env = clean_env(COACH_CHROMA_URL=server.url, COACH_DATA_DIR=str(tmp_path / name / "data"))
        hosts[name] = subprocess.Popen(
            [sys.executable, "-c", HOST, name, str(tmp_path / name / f"host-{name}"),
             str(tmp_path / f"{name}.jsonl"), str(ROUNDS), str(FILES)],
            env=env, stderr=subprocess.PIPE, text=True)
    for name, process in hosts.items():
        _, err = process.communicate(timeout=900)
        assert process.returncode == 0, f"host {name} failed:\n{err}"

    runs = sorted((json.loads(line) | {"host": name}
                   for name in hosts for line in (tmp_path / f"{name}.jsonl").read_text()
                   .splitlines()), key=lambda run: run["start"])
    assert len(runs) == 2 * ROUNDS and all(run["ok"] and run["added"] for run in runs)
    for before, after in zip(runs, runs[1:], strict=False):
        assert before["end"] <= after["start"], f"ingests overlapped: {before} and {after}"

    from coach.settings import Settings
    from coach.store import open_store

    store = open_store(Settings.from_env(env={}, data_dir=tmp_path / "reader",
                                         chroma_url=server.url))
    sources = {s.source for s in store.sources()}
    assert sources == {f"host-{n}/guide-{i}.md" for n in hosts for i in range(FILES)}
    locks = store.client.get_collection("coach-locks").get()["ids"]
    assert locks == [], "a finished ingest must release its lease"
