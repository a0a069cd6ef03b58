"""The team's labelled question set (shipped in coach/eval/), loaded for tests."""

from __future__ import annotations

import json
from pathlib import Path

from coach.settings import REPO_ROOT

SET = REPO_ROOT / "coach" / "eval" / "questions.jsonl"


def load() -> list[dict]:
    return [json.loads(line) for line in Path(SET).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").replace("\u201c", '"')
                    .replace("\u201d", '"').split())


def hits(text: str, phrases: list[str]) -> bool:
    return any(normalise(p) in normalise(text) for p in phrases)


IN_SCOPE = [item for item in load() if "expect" in item and not item.get("history")]
FOLLOW_UPS = [item for item in load() if "expect" in item and item.get("history")]
OUT_OF_SCOPE = [item for item in load() if item.get("out_of_scope")]
DRAFTS = [item["draft"] for item in load() if "draft" in item]
