"""The one typed settings object: environment variables, overridable by CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from coach.errors import SettingsError

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATORS = ("grounded", "openai", "llamacpp")


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mentee-coach"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    corpus_dir: Path = REPO_ROOT / "corpus"
    chroma_url: str | None = None
    collection: str = "guidance"

    generator: str = "grounded"
    openai_base_url: str = "http://127.0.0.1:11434/v1"
    openai_api_key: str = "not-needed"
    model: str = "llama3.2"
    llm_timeout: float = 30.0
    llamacpp_model_path: str | None = None

    top_k: int = 4
    min_confidence: float = field(default=0.15, metadata={
        "env": "COACH_MIN_CONFIDENCE",
        "help": "answer only when the answerability confidence (0..1) reaches this; lower "
                "answers more, higher declines more (see coach/answerability.py)"})
    max_message_chars: int = 4000
    max_upload_bytes: int = 10 * 1024 * 1024

    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read `COACH_*` (and `OPENAI_*`) variables, then apply non-None overrides."""
        env = os.environ if env is None else env
        raw: dict[str, object] = {"data_dir": env.get("COACH_DATA_DIR") or _default_data_dir(env)}
        names = {
            "corpus_dir": "COACH_CORPUS_DIR",
            "chroma_url": "COACH_CHROMA_URL",
            "collection": "COACH_COLLECTION",
            "generator": "COACH_GENERATOR",
            "openai_base_url": "OPENAI_BASE_URL",
            "openai_api_key": "OPENAI_API_KEY",
            "model": "COACH_MODEL",
            "llm_timeout": "COACH_LLM_TIMEOUT",
            "llamacpp_model_path": "COACH_LLAMACPP_MODEL",
            "top_k": "COACH_TOP_K",
            "min_confidence": "COACH_MIN_CONFIDENCE",
            "max_message_chars": "COACH_MAX_MESSAGE_CHARS",
            "max_upload_bytes": "COACH_MAX_UPLOAD_BYTES",
            "host": "COACH_HOST",
            "port": "COACH_PORT",
            "auth": "COACH_AUTH",
        }
        for field_name, var in names.items():
            if env.get(var):
                raw[field_name] = env[var]
        raw.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**_coerce(raw))

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (None means keep)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **_coerce(changes))

    @property
    def auth_pair(self) -> tuple[str, str] | None:
        if not self.auth:
            return None
        user, sep, password = self.auth.partition(":")
        if not sep or not user or not password:
            raise SettingsError("COACH_AUTH must look like user:password")
        return user, password


def _coerce(raw: dict[str, object]) -> dict[str, object]:
    types = {f.name: f.type for f in fields(Settings)}
    out: dict[str, object] = {}
    for name, value in raw.items():
        if name not in types:
            raise SettingsError(f"unknown setting {name!r}")
        kind = types[name]
        try:
            if "Path" in kind:
                value = Path(str(value)).expanduser()
            elif kind == "int":
                value = int(value)  # type: ignore[arg-type]
            elif kind == "float":
                value = float(value)  # type: ignore[arg-type]
        except ValueError as exc:
            raise SettingsError(f"setting {name} has a bad value {value!r}: {exc}") from None
        out[name] = value
    gen = out.get("generator")
    if gen is not None and gen not in GENERATORS:
        raise SettingsError(f"COACH_GENERATOR must be one of {', '.join(GENERATORS)}, not {gen!r}")
    return out
