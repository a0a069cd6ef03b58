"""Cache what the answerability check saw for every suite question, in both modes, plus MiniLM
token vectors of each question and evidence passage, for offline out-of-scope experiments.

    PYTHONPATH=. python bench/oos_capture.py            # writes .artifacts/oos/{mode}.pkl

Each record: the question's set (question file stem, or "shipped"), the query judged, the
evidence passages, the live confidence / topic / decision, the final answer kind, the sentence
and domain signals, and the group's library document frequencies. Token vectors are cached per
text in .artifacts/oos/tokens.pkl (float16) so experiments need no model.
"""
from __future__ import annotations

import json
import pickle
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach import answerability as A
from coach import suite as S
from coach.results import Passage
from coach.settings import Settings

CACHE = Path(".artifacts/oos")
QUESTIONS = Path("tests/guidance/questions")


def set_names() -> dict[str, str]:
    where = {}
    for f in sorted(QUESTIONS.glob("*.jsonl")):
        for line in f.read_text().splitlines():
            if line.strip():
                where[json.loads(line).get("question", "")] = f.stem
    return where


def capture(isolated: bool) -> list[dict[str, Any]]:
    from coach.api import Coach

    settings = Settings.from_env()
    docs, items = S.load_suite(Path("tests/guidance"),
                               with_shipped=settings.corpus_dir / S.SHIPPED_DOC)
    groups = S._isolated_groups(docs, items) if isolated else [(list(docs), list(items))]
    where = set_names()
    seen: dict[str, Any] = {}
    real = A.Answerability.judge

    def judge(self: A.Answerability, question: str, evidence: Sequence[Passage]
              ) -> A.Judgement:
        j = real(self, question, evidence)
        seen["query"], seen["evidence"], seen["judgement"] = question, list(evidence), j
        if evidence:
            seen["signals"] = A.signals(question, evidence, self.library(),
                                        self._domain_cosine(question))
        return j

    A.Answerability.judge = judge  # type: ignore[method-assign]  # the capture wraps it
    out: list[dict[str, Any]] = []
    try:
        for g, (gdocs, gitems) in enumerate(groups):
            with tempfile.TemporaryDirectory(prefix="coach-oos-") as tmp:
                coach = Coach(S._ingested(settings, Path(tmp), gdocs))
                library = coach.retriever.library()
                for item in gitems:
                    seen.clear()
                    live = S.score_item(coach, item)
                    out.append({"group": g, "set": where.get(item["question"], "shipped"),
                                "doc": live.doc, "question": item["question"],
                                "oos": live.out_of_scope, "kind": live.answer_kind,
                                "query": seen.get("query"),
                                "evidence": seen.get("evidence") or [],
                                "judgement": seen.get("judgement"),
                                "signals": seen.get("signals"),
                                "df": library.df, "chunks": library.chunks})
            print(f"  {len(out)}/{len(items)}", file=sys.stderr, flush=True)
    finally:
        A.Answerability.judge = real  # type: ignore[method-assign]
    return out


def token_cache(records: list[dict[str, Any]]) -> None:
    """Token vectors of every query and evidence text not cached yet."""
    from coach import minilm

    path = CACHE / "tokens.pkl"
    cache: dict[str, tuple[list[str], np.ndarray]] = (
        pickle.loads(path.read_bytes()) if path.exists() else {})
    texts = set()
    for r in records:
        if r["query"]:
            texts.add(r["query"])
            texts.add(r["question"])
        for p in r["evidence"]:
            texts.add(p.text)
    todo = sorted(t for t in texts if t not in cache)
    cache_dir = Settings.from_env().cache_dir
    assert cache_dir is not None  # from_env always fills it
    runner, why = minilm.load(cache_dir)
    if runner is None:
        raise SystemExit(f"no ONNX runner: {why}")
    t0 = time.time()
    for text, (toks, vecs) in zip(todo, runner.token_vectors(todo), strict=True):
        cache[text] = (toks, vecs.astype(np.float16))
    print(f"token vectors: {len(todo)} new texts in {time.time() - t0:.0f}s", file=sys.stderr)
    path.write_bytes(pickle.dumps(cache))


def main() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    for mode in ("library", "isolated"):
        path = CACHE / f"{mode}.pkl"
        if path.exists() and "--force" not in sys.argv:
            records = pickle.loads(path.read_bytes())
        else:
            t0 = time.time()
            records = capture(isolated=mode == "isolated")
            path.write_bytes(pickle.dumps(records))
            print(f"{mode}: {len(records)} in {time.time() - t0:.0f}s", file=sys.stderr)
        token_cache(records)


if __name__ == "__main__":
    main()
