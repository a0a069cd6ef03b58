"""Helpers the tests share: the `coach` command in-process and as a fresh process, an
environment scrubbed of the developer's settings, free ports, and starting a server process and
waiting until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from coach.cli import main
from coach.settings import Settings

# The console script, run the way a user runs it (a fresh process, no test state).
COACH = [sys.executable, "-c", "from coach.cli import main; main()"]
# Settings a developer may have exported; none may leak into a test's processes.
SCRUBBED_PREFIXES = ("COACH_", "OPENAI_", "GRADIO_")


def run_cli(settings: Settings, *args: str) -> Result:
    """`coach --data-dir DIR ARGS` in-process, with `settings` (env ignored) underneath."""
    return CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), *args], obj=settings)


def clean_env(data_dir: Path | None = None, **settings: str) -> dict[str, str]:
    """This process's environment without any COACH_/OPENAI_/GRADIO_ setting, offline, plus
    COACH_DATA_DIR=`data_dir` (if given) and `settings` (e.g. COACH_CHROMA_URL=...)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False"})
    if data_dir is not None:
        env["COACH_DATA_DIR"] = str(data_dir)
    return {**env, **settings}


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(log: Path, n: int = 40) -> str:
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return "\n".join(lines[-n:])


def wait_until_ready(process: subprocess.Popen, url: str, log: Path, *, limit_s: float,
                     name: str, accept: Callable[[Any], bool] | None = None) -> float:
    """Poll GET `url` until it answers 200 (and `accept(response)`, if given); the seconds it
    took. Raises RuntimeError with the log's tail if the process exits or `limit_s` passes
    (then the process is stopped)."""
    started = time.monotonic()
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200 and (accept is None or accept(response)):
                    return time.monotonic() - started
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if time.monotonic() - started > limit_s:
            stop_process(process)
            raise RuntimeError(f"{name} did not answer GET {url} within {limit_s:.0f}s:\n"
                               f"{log_tail(log)}")
        time.sleep(0.5)


def stop_process(process: subprocess.Popen, timeout_s: float = 20.0) -> None:
    """Terminate, and kill if it does not exit within `timeout_s`."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout_s)
