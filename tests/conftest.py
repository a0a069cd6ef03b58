"""Shared fixtures: Settings with a fresh data dir, and a store holding the shipped corpus."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from coach.settings import REPO_ROOT, Settings  # noqa: E402

CORPUS_DIR = REPO_ROOT / "corpus"


@pytest.fixture
def settings(tmp_path: Path) -> Callable[..., Settings]:
    """Factory: `settings(**overrides)` gives Settings with a fresh, empty data dir each call.

    The environment is ignored (env={}) so a developer's COACH_* variables cannot leak in.
    """
    made = 0

    def make(**overrides: object) -> Settings:
        nonlocal made
        made += 1
        overrides.setdefault("data_dir", tmp_path / f"data{made}")
        overrides.setdefault("corpus_dir", CORPUS_DIR)
        return Settings.from_env(env={}, **overrides)

    return make


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose data dir holds the shipped corpus, ingested once per test session.

    Treat it as read-only: tests that change the store should use `settings()` instead.
    """
    from coach.store import open_store
    from ingest.indexer import sync

    settings = Settings.from_env(env={}, data_dir=tmp_path_factory.mktemp("corpus_store"),
                                 corpus_dir=CORPUS_DIR)
    report = sync(open_store(settings, create=True), [CORPUS_DIR], progress=False)
    assert report.ok and report.num_added > 0, report
    return settings
