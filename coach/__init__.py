"""Mentee Coach: grounded answers and email drafts from mentoring guidance."""

from typing import Any

__all__ = ["Coach"]


def __getattr__(name: str) -> Any:
    # Lazy, so `import coach.settings` (and the CLI's --help) stays fast: Coach pulls in torch.
    if name == "Coach":
        from coach.api import Coach

        return Coach
    raise AttributeError(name)
