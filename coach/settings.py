"""The one typed settings object: environment variables, overridable by CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from coach.errors import SettingsError
from coach.vocabulary import (
    EMBEDDING_RUNTIMES,
    GENERATOR_NAMES,
    EmbeddingRuntime,
    GeneratorName,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mentee-coach"


def _default_cache_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mentee-coach"


def setting(env: str, meaning: str, default: Any = MISSING) -> Any:
    """A settings field that names its environment variable and says what it is for."""
    return field(default=default, metadata={"env": env, "help": meaning})


@dataclass(frozen=True)
class Settings:
    """Every knob of the coach; `from_env` reads each field from the variable it names."""

    data_dir: Path = setting("COACH_DATA_DIR", "where the Chroma store and uploads live "
                             "(default `$XDG_DATA_HOME/mentee-coach` or "
                             "`~/.local/share/mentee-coach`)")
    corpus_dir: Path = setting("COACH_CORPUS_DIR", "the guidance folder `coach ingest` reads "
                               "when given no path", REPO_ROOT / "corpus")
    chroma_url: str | None = setting("COACH_CHROMA_URL", "use a Chroma server (`http://host:port`) "
                                     "instead of the store on disk", None)
    collection: str = setting("COACH_COLLECTION", "the Chroma collection holding the guidance",
                              "guidance")
    watch_dir: Path | None = setting("COACH_WATCH_DIR", "a folder the web app keeps the library "
                                     "in sync with (added, edited, deleted files)", None)
    cache_dir: Path | None = setting("COACH_CACHE_DIR", "where the model's one-time ONNX export "
                                     "and the embedding cache (`embeddings.sqlite3`) are kept "
                                     "(default `$XDG_CACHE_HOME/mentee-coach` or "
                                     "`~/.cache/mentee-coach`)", None)
    embedding_runtime: EmbeddingRuntime = setting(
        "COACH_EMBEDDING_RUNTIME", "`onnx` (fast start; falls back to sentence-transformers "
        "when its check fails) or `sentence-transformers`", "onnx")

    generator: GeneratorName = setting("COACH_GENERATOR", "who writes answers: "
                                       + ", ".join(f"`{g}`" for g in GENERATOR_NAMES), "grounded")
    openai_base_url: str = setting("OPENAI_BASE_URL", "the OpenAI-compatible server",
                                   "http://127.0.0.1:11434/v1")
    openai_api_key: str = setting("OPENAI_API_KEY", "its API key, if it wants one", "not-needed")
    model: str = setting("COACH_MODEL", "the model name on that server", "llama3.2")
    llm_timeout: float = setting("COACH_LLM_TIMEOUT", "seconds before falling back to the "
                                 "grounded answer", 30.0)
    llamacpp_model_path: str | None = setting("COACH_LLAMACPP_MODEL", "the `.gguf` file the "
                                              "`llamacpp` generator runs", None)

    top_k: int = setting("COACH_TOP_K", "passages per answer", 4)
    min_confidence: float = setting(
        "COACH_MIN_CONFIDENCE", "answer only when the answerability confidence (0..1) reaches "
        "this; lower answers more, higher declines more (see `coach/answerability.py`)", 0.29)
    max_message_chars: int = setting("COACH_MAX_MESSAGE_CHARS", "longest message read", 4000)
    max_upload_bytes: int = setting("COACH_MAX_UPLOAD_BYTES", "largest upload accepted",
                                    10 * 1024 * 1024)

    host: str = setting("COACH_HOST", "web server address", "127.0.0.1")
    port: int = setting("COACH_PORT", "web server port", 7860)
    auth: str | None = setting("COACH_AUTH", "`user:password` (or several, comma-separated) "
                               "enables login on the page; each user has their own workspace",
                               None)
    api_key: str | None = setting("COACH_API_KEY", "the Bearer key `/v1/` (the OpenAI-compatible "
                                  "endpoint) requires; unset: no key", None)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read each field's variable (`COACH_*`, `OPENAI_*`), then apply non-None overrides."""
        env = os.environ if env is None else env
        raw: dict[str, object] = {"data_dir": _default_data_dir(env),
                                  "cache_dir": _default_cache_dir(env)}
        for f in fields(cls):
            if env.get(f.metadata["env"]):
                raw[f.name] = env[f.metadata["env"]]
        raw.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**_coerce(raw))

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (None means keep)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **_coerce(changes))

    @property
    def auth_pair(self) -> tuple[str, str] | None:
        """The first `user:password` pair of `COACH_AUTH` (None when login is off)."""
        pairs = self.auth_pairs
        return pairs[0] if pairs else None

    @property
    def auth_pairs(self) -> list[tuple[str, str]]:
        """Every `user:password` pair of `COACH_AUTH` (comma-separated); [] when login is off.

        Each user gets their own workspace (conversations, mentors, feedback). A password may
        contain ":" (the pair splits at the first one) but not ",", which separates pairs.
        """
        if not self.auth:
            return []
        pairs: list[tuple[str, str]] = []
        for item in self.auth.split(","):
            user, sep, password = item.strip().partition(":")
            user = user.strip()
            if not sep or not user or not password:
                raise SettingsError("COACH_AUTH must look like user:password, or several "
                                    "pairs separated by commas (user1:pw1,user2:pw2)")
            if user in (u for u, _ in pairs):
                raise SettingsError(f"COACH_AUTH names the user {user!r} twice; give each "
                                    "user one password")
            pairs.append((user, password))
        return pairs


def _coerce(raw: Mapping[str, Any]) -> dict[str, Any]:
    types = {f.name: f.type for f in fields(Settings)}
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in types:
            raise SettingsError(f"unknown setting {name!r}")
        kind = types[name]
        try:
            if "Path" in kind:
                value = Path(str(value)).expanduser()
            elif kind == "int":
                value = int(value)
            elif kind == "float":
                value = float(value)
        except ValueError as exc:
            raise SettingsError(f"setting {name} has a bad value {value!r}: {exc}") from None
        out[name] = value
    runtime = out.get("embedding_runtime")
    if runtime is not None and runtime not in EMBEDDING_RUNTIMES:
        raise SettingsError("COACH_EMBEDDING_RUNTIME must be one of "
                            f"{', '.join(EMBEDDING_RUNTIMES)}, not {runtime!r}")
    gen = out.get("generator")
    if gen is not None and gen not in GENERATOR_NAMES:
        raise SettingsError(f"COACH_GENERATOR must be one of {', '.join(GENERATOR_NAMES)}, "
                            f"not {gen!r}")
    return out
