"""Export a saved conversation or a draft: Markdown for people, JSON for programs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from coach.results import Draft, Passage
from coach.workspace.conversations import Conversation

EXPORT_FORMAT = 1  # bumped when the JSON shape changes


def conversation_markdown(conversation: Conversation) -> str:
    """The conversation as a Markdown document: each turn, then the passages each reply cites."""
    lines = [f"# {conversation.shown_title}", "",
             f"Conversation `{conversation.id}`, started {_day(conversation.created_at)}, "
             f"last message {_day(conversation.updated_at)}.", ""]
    for message in conversation.messages:
        who = "You" if message.role == "user" else "Coach"
        lines += [f"## {who}", "", message.content.strip() or "(empty)", ""]
        if not message.complete:
            lines += ["*(this reply was interrupted before it finished)*", ""]
        if message.notice and message.notice.strip() != message.content.strip():
            lines += [f"> Note: {message.notice}", ""]
        if message.sources:
            lines += ["Sources:", "", *sources_markdown(message.sources), ""]
    return "\n".join(lines).rstrip() + "\n"


def conversation_json(conversation: Conversation) -> dict[str, Any]:
    """The conversation as plain data (what the API returns and `--json` prints)."""
    return {"format": EXPORT_FORMAT, "conversation": conversation.to_dict()}


def draft_markdown(draft: Draft) -> str:
    """A draft as Markdown: subject, body, the guidance it follows and the passages cited."""
    lines = [f"# {draft.kind.capitalize()} to {draft.to}", "", f"**Subject:** {draft.subject}",
             "", draft.body.strip(), ""]
    if draft.points:
        lines += ["## The guidance it follows", "", *[f"- {p}" for p in draft.points], ""]
    if draft.sources:
        lines += ["## Sources", "", *sources_markdown(draft.sources), ""]
    if draft.notice:
        lines += [f"> Note: {draft.notice}", ""]
    return "\n".join(lines).rstrip() + "\n"


def draft_json(draft: Draft) -> dict[str, Any]:
    return {"format": EXPORT_FORMAT, "draft": asdict(draft)}


def sources_markdown(passages: Sequence[Passage]) -> list[str]:
    out = []
    for i, p in enumerate(passages, 1):
        excerpt = " ".join(p.text.split())
        out.append(f"- [{p.n or i}] **{p.label}** ({p.source}): {excerpt}")
    return out


def export_filename(title: str, suffix: str) -> str:
    """A safe file name from a title: "How do I find…" → "how-do-i-find.md"."""
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].rstrip("-")
    return f"{stem or 'conversation'}.{suffix}"


def _day(stamp: str) -> str:
    match = re.match(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)", stamp or "")
    return f"{match[1]} {match[2]} UTC" if match else stamp
