"""Where users wait on a fresh process: a cold `coach ask`, and `python app.py` to its first
answer over HTTP — each timed for the ONNX runtime (today's default) and for the old path
(`COACH_EMBEDDING_RUNTIME=sentence-transformers`, torch) in the same run, interleaved so a burst
of load on a shared machine hits both alike.

Wall seconds are what a user waits; CPU seconds (user + system of the child) are steadier on a
shared machine, where a process may wait for a core for longer than it runs.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coach.settings import REPO_ROOT, Settings

Log = Callable[[str], None]

RUNTIMES = ("onnx", "sentence-transformers")
QUESTION = "How do I find a mentor?"
ASK_REPEATS = 3
APP_REPEATS = 1
APP_LIMIT_S = 300.0
COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


def _env(settings: Settings, data_dir: Path, runtime: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COACH_", "OPENAI_", "GRADIO_"))}
    env.update({"COACH_DATA_DIR": str(data_dir), "COACH_CORPUS_DIR": str(settings.corpus_dir),
                "COACH_GENERATOR": "grounded", "COACH_EMBEDDING_RUNTIME": runtime,
                "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False"})
    if settings.cache_dir is not None:
        env["COACH_CACHE_DIR"] = str(settings.cache_dir)
    return env


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def prepare(settings: Settings, data_dir: Path) -> None:
    """A scratch data dir holding the corpus, ingested by `coach ingest` in its own process."""
    done = subprocess.run([*COACH, "ingest"], env=_env(settings, data_dir, "onnx"),
                          capture_output=True, text=True, timeout=900, cwd=REPO_ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"coach ingest failed: {done.stderr.strip()[-400:]}")


def bench_cold_ask(settings: Settings, data_dir: Path, *, repeats: int = ASK_REPEATS,
                   log: Log = lambda m: None) -> dict[str, Any]:
    """`coach ask` as a fresh process, per runtime: median wall and CPU seconds of `repeats`.

    One untimed run of each first, so a missing ONNX export (made once per machine) and cold
    file caches are not counted against either side.
    """
    for runtime in RUNTIMES:
        _ask(settings, data_dir, runtime)
    wall: dict[str, list[float]] = {r: [] for r in RUNTIMES}
    cpu: dict[str, list[float]] = {r: [] for r in RUNTIMES}
    for i in range(repeats):
        for runtime in RUNTIMES:
            log(f"cold start: coach ask, {runtime} ({i + 1}/{repeats})")
            seconds, cpu_s = _ask(settings, data_dir, runtime)
            wall[runtime].append(seconds)
            cpu[runtime].append(cpu_s)
    out: dict[str, Any] = {"question": QUESTION, "repeats": repeats}
    for runtime in RUNTIMES:
        out[runtime] = {"wall_s": round(_median(wall[runtime]), 2),
                        "cpu_s": round(_median(cpu[runtime]), 2),
                        "wall_all_s": [round(s, 2) for s in wall[runtime]]}
    new, old = out["onnx"], out["sentence-transformers"]
    out["speedup_wall"] = round(old["wall_s"] / new["wall_s"], 1) if new["wall_s"] else None
    out["speedup_cpu"] = round(old["cpu_s"] / new["cpu_s"], 1) if new["cpu_s"] else None
    return out


def _ask(settings: Settings, data_dir: Path, runtime: str) -> tuple[float, float]:
    cpu_before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run([*COACH, "ask", QUESTION, "--json"],
                          env=_env(settings, data_dir, runtime), capture_output=True, text=True,
                          timeout=600, cwd=REPO_ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0 or not json.loads(done.stdout).get("sources"):
        raise RuntimeError(f"coach ask ({runtime}) failed: {done.stderr.strip()[-400:]}")
    return seconds, _children_cpu() - cpu_before


def bench_app_start(settings: Settings, data_dir: Path, work: Path, *,
                    repeats: int = APP_REPEATS, log: Log = lambda m: None) -> dict[str, Any]:
    """`python app.py` from process start to its first answer over HTTP, per runtime.

    The question goes to the app's OpenAI-compatible endpoint as soon as the port accepts
    it (plain urllib: no client library's import time is counted); the store is already
    filled, so this is a restart, not a first install. CPU seconds cover the app's whole life
    (it is stopped right after the answer).
    """
    times: dict[str, list[float]] = {r: [] for r in RUNTIMES}
    cpu: dict[str, list[float]] = {r: [] for r in RUNTIMES}
    for i in range(repeats):
        for runtime in RUNTIMES:
            log(f"cold start: app.py to first answer, {runtime} ({i + 1}/{repeats})")
            cpu_before = _children_cpu()
            times[runtime].append(_app_first_answer(settings, data_dir, work, runtime))
            cpu[runtime].append(_children_cpu() - cpu_before)
    out: dict[str, Any] = {"repeats": repeats}
    for runtime in RUNTIMES:
        out[runtime] = {"first_answer_s": round(_median(times[runtime]), 2),
                        "cpu_s": round(_median(cpu[runtime]), 2)}
    new, old = out["onnx"]["first_answer_s"], out["sentence-transformers"]["first_answer_s"]
    out["speedup"] = round(old / new, 1) if new else None
    return out


def _app_first_answer(settings: Settings, data_dir: Path, work: Path, runtime: str) -> float:
    from bench.speed import _free_port, _running

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    body = json.dumps({"model": "mentee-coach",
                       "messages": [{"role": "user", "content": QUESTION}]}).encode()
    cmd = [sys.executable, str(REPO_ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)]
    log_path = work / f"app-start-{runtime}.log"
    with _running(cmd, {**_env(settings, data_dir, runtime), "PYTHONUNBUFFERED": "1"},
                  log_path) as process:
        start = time.perf_counter()
        while True:
            elapsed = time.perf_counter() - start
            if process.poll() is not None or elapsed > APP_LIMIT_S:
                tail = log_path.read_text(errors="replace").strip().splitlines()[-5:]
                raise RuntimeError(f"app.py ({runtime}) gave no answer: {' / '.join(tail)}")
            request = urllib.request.Request(f"{url}/v1/chat/completions", data=body,
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=120) as reply:
                    if reply.status == 200 and json.loads(reply.read())["sources"]:
                        return time.perf_counter() - start
            except (urllib.error.URLError, OSError, ValueError):
                time.sleep(0.05)
