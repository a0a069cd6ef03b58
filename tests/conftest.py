"""Shared fixtures: Settings with a fresh data dir, and a store holding the shipped corpus.

Tests that need the bundled embedding model are marked `model`: automatically when they use
a fixture that needs it (or drive the real app, `e2e`), explicitly otherwise. `make test-fast`
(`-m "not slow and not model"`) then runs without loading the model, and any unmarked fast test
that reaches for it fails, saying so.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from coach.settings import REPO_ROOT, Settings  # noqa: E402

CORPUS_DIR = REPO_ROOT / "corpus"
# Fixtures whose tests embed text with the real model (the last three are module fixtures of
# test_compose and test_verify); other model tests carry @pytest.mark.model themselves.
MODEL_FIXTURES = {"corpus_store", "composer", "embeddings", "verifier"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("e2e") or fixtures & MODEL_FIXTURES:
            item.add_marker(pytest.mark.model)


@pytest.fixture(autouse=True)
def _model_only_where_marked(request: pytest.FixtureRequest,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A fast test not marked `model` that loads the embedding model fails, naming the fix."""
    if request.node.get_closest_marker("model") or request.node.get_closest_marker("slow"):
        return

    def no_model(*args: object, **kwargs: object) -> None:
        pytest.fail(f"{request.node.nodeid} loads the embedding model: mark it "
                    "@pytest.mark.model (or use a fake embedder)", pytrace=False)

    monkeypatch.setattr("coach.store.embeddings", no_model)


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
