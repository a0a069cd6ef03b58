"""Check the held-out guidance set: every expect phrase must occur verbatim in its document.

Usage: python tests/heldout/check_set.py [HELDOUT_DIR]   (default: this file's folder)

The checks of tests/guidance/check_set.py, plus the held-out brief's targets (18 questions and
3 follow-ups per document; 24 out-of-scope probes, at least 2 per named topic and 4 "other"),
reported as warnings so a smaller or larger set is still checked.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from tests.guidance.check_set import ALLOWED_TOPICS, main  # noqa: E402

QUESTIONS_PER_DOC = 18
FOLLOW_UPS_PER_DOC = 3
OUT_OF_SCOPE_TOTAL = 24
MIN_PER_TOPIC = {topic: 2 for topic in ALLOWED_TOPICS - {"other"}} | {"other": 4}


def target_warnings(per_doc: dict[str, Counter], topics: Counter) -> list[str]:
    """Where the set misses the held-out brief's counts (per document and per topic)."""
    notes = []
    for name, counts in per_doc.items():
        if counts["questions"] != QUESTIONS_PER_DOC:
            notes.append(f"{name}: {counts['questions']} questions (brief: {QUESTIONS_PER_DOC})")
        if counts["follow-ups"] != FOLLOW_UPS_PER_DOC:
            notes.append(f"{name}: {counts['follow-ups']} follow-ups (brief: {FOLLOW_UPS_PER_DOC})")
    if sum(topics.values()) != OUT_OF_SCOPE_TOTAL:
        notes.append(f"out-of-scope: {sum(topics.values())} probes (brief: {OUT_OF_SCOPE_TOTAL})")
    notes += [f"out-of-scope: {topics[topic]} {topic!r} probes (brief: at least {least})"
              for topic, least in sorted(MIN_PER_TOPIC.items()) if topics[topic] < least]
    return notes


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    sys.exit(main(root, target_warnings))
