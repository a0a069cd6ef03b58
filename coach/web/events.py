"""How the page's events run: coach work queued one job at a time, page-only events private."""

from __future__ import annotations

from typing import Any

# One coach/store job at a time: 2 CPU cores, one embedding model, one Chroma client.
COACH_QUEUE: dict[str, Any] = {"concurrency_limit": 1, "concurrency_id": "coach"}
# Events the page needs but API clients should not see (the named API is in `coach.web.api`).
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
