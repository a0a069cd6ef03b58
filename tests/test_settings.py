"""Settings: each field names its environment variable; `from_env` reads it; the README lists it."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from coach.errors import CoachError, SettingsError
from coach.settings import REPO_ROOT, Settings
from coach.vocabulary import GENERATOR_NAMES

# A value each field's variable can be set to, different from its default.
SAMPLE = {
    "data_dir": "/tmp/coach-data", "corpus_dir": "/tmp/guidance", "chroma_url": "http://h:8000",
    "collection": "other", "generator": "openai", "openai_base_url": "http://h:8001/v1",
    "openai_api_key": "key", "model": "m", "llm_timeout": "5", "llamacpp_model_path": "/m.gguf",
    "top_k": "6", "min_confidence": "0.5", "max_message_chars": "100", "max_upload_bytes": "1000",
    "host": "0.0.0.0", "port": "8080", "auth": "a:b", "watch_dir": "/tmp/watched",
    "cache_dir": "/tmp/coach-cache", "embedding_runtime": "sentence-transformers",
    "api_key": "secret",
}


def readme_settings_variables() -> set[str]:
    """The variables in the first column of the README's "Settings" table."""
    text = (REPO_ROOT / "README.md").read_text()
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`",
                                                         row.split("|")[1])}


def test_every_field_declares_its_variable_and_help():
    for f in fields(Settings):
        assert re.fullmatch(r"(COACH|OPENAI)_[A-Z0-9_]+", f.metadata.get("env", "")), f.name
        assert len(f.metadata.get("help", "")) > 5, f.name
    assert SAMPLE.keys() == {f.name for f in fields(Settings)}


def test_the_readme_table_lists_exactly_the_variables_the_settings_read():
    declared = {f.metadata["env"] for f in fields(Settings)}
    assert readme_settings_variables() == declared


def test_from_env_reads_every_field_from_its_variable():
    env = {f.metadata["env"]: SAMPLE[f.name] for f in fields(Settings)}
    settings = Settings.from_env(env)
    for f in fields(Settings):
        value = getattr(settings, f.name)
        expected = Path(SAMPLE[f.name]) if isinstance(value, Path) else SAMPLE[f.name]
        assert str(value) == str(type(value)(expected)), f.name


def test_defaults_apply_when_the_environment_is_empty():
    settings = Settings.from_env({"XDG_DATA_HOME": "/tmp/xdg"})
    assert settings.data_dir == Path("/tmp/xdg/mentee-coach")
    assert settings.generator == "grounded" and settings.top_k == 4


@pytest.mark.parametrize(("variable", "value", "named"), [
    ("COACH_GENERATOR", "gpt", "COACH_GENERATOR must be one of " + ", ".join(GENERATOR_NAMES)),
    ("COACH_TOP_K", "four", "top_k has a bad value 'four'"),
])
def test_a_bad_value_is_a_user_error_that_names_the_setting(variable, value, named):
    with pytest.raises(SettingsError, match=re.escape(named)) as caught:
        Settings.from_env({variable: value})
    assert isinstance(caught.value, CoachError)
