"""The ONNX runtime for the bundled MiniLM: same vectors as sentence-transformers, no torch needed.

The export lives in the user's cache dir (as in use), so it is made once per machine, not per test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coach import minilm
from coach.settings import REPO_ROOT, Settings
from coach.text import split_sentences

CORPUS = REPO_ROOT / "corpus" / "mentor-partnership-part-one.md"
pytestmark = pytest.mark.model  # the real model, both runtimes


def real_text() -> list[str]:
    """Sentences and whole paragraphs of the shipped guidance (short, long, over the limit)."""
    paragraphs = [p.strip() for p in CORPUS.read_text().split("\n\n") if len(p.strip()) > 40]
    sentences = [s for p in paragraphs[:12] for s in split_sentences(p)]
    return sentences[:40] + paragraphs[:10] + ["\n\n".join(paragraphs)[:6000]]


@pytest.fixture(scope="module")
def runner() -> minilm.OnnxMiniLM:
    cache = Settings.from_env().cache_dir
    assert cache is not None
    loaded, why = minilm.load(cache)
    assert loaded is not None, why
    return loaded


def test_onnx_vectors_match_sentence_transformers_on_real_guidance(runner):
    from sentence_transformers import SentenceTransformer

    texts = real_text()
    reference = SentenceTransformer(str(minilm.model_dir()), device="cpu", local_files_only=True)
    expected = np.asarray(reference.encode(texts, normalize_embeddings=True), dtype=np.float32)
    got = runner.encode(texts)
    cosines = (expected * got).sum(axis=1)
    assert got.shape == expected.shape
    assert cosines.min() >= minilm.MIN_COSINE, texts[int(cosines.argmin())]
    # One text alone (no padding) gives the vector it gets inside a batch.
    alone = runner.encode([texts[3]])[0]
    assert float(alone @ got[3]) >= minilm.MIN_COSINE


def test_a_failed_check_is_remembered_and_names_why(tmp_path: Path):
    key = minilm.fingerprint(minilm.model_dir())
    (tmp_path / f"minilm-{key}.onnx").write_bytes(b"not used")
    (tmp_path / f"minilm-{key}.json").write_text(json.dumps({"min_cosine": 0.93}))
    loaded, why = minilm.load(tmp_path)
    assert loaded is None
    assert "differ from sentence-transformers" in why and "0.93" in why


def test_an_unloadable_export_falls_back_with_the_reason(tmp_path: Path):
    key = minilm.fingerprint(minilm.model_dir())
    (tmp_path / f"minilm-{key}.onnx").write_bytes(b"truncated garbage")
    (tmp_path / f"minilm-{key}.json").write_text(json.dumps({"min_cosine": 1.0}))
    loaded, why = minilm.load(tmp_path)
    assert loaded is None and "could not load" in why


def test_answering_a_question_never_imports_torch(corpus_store, runner):
    """What makes a cold `coach ask` fast: the query path runs without torch."""
    script = (
        "import sys\n"
        "from coach import Coach\n"
        f"answer = Coach(data_dir={str(corpus_store.data_dir)!r}).ask('How do I find a mentor?')\n"
        "assert answer.sources, answer\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', "
        "'langchain_core') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
