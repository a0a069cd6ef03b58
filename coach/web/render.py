"""Results -> markdown for the page. No gradio here.

Everything from a user or a document is HTML-escaped, so a `<script>` in a guidance file or a
message shows as text instead of running.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from coach.results import Answer, Draft, DraftCheck, Passage
from ingest.background import IngestJob
from ingest.uploads import UploadOutcome


def esc(text: str) -> str:
    return html.escape(text or "", quote=False)


def quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in esc(text).splitlines())


def warning(text: str) -> str:
    """A failure or refusal as the page shows it in a status line."""
    return f"⚠ {esc(text)}"


def when(stamp: str) -> str:
    """"2025-01-31T10:04:05+00:00" -> "2025-01-31 10:04 UTC" (anything else unchanged)."""
    match = re.match(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)", stamp or "")
    return f"{match[1]} {match[2]} UTC" if match else (stamp or "")


def render_passages(passages: Sequence[Passage]) -> str:
    blocks = []
    for i, p in enumerate(passages, 1):
        n = p.n or i
        blocks.append(f"**[{n}] {esc(p.label)}** · relevance {p.score:.2f}\n\n{quote(p.text)}")
    return "\n\n".join(blocks)


def render_draft(draft: Draft) -> str:
    return f"**Subject:** {esc(draft.subject)}\n\n{esc(draft.body)}"


def render_answer(answer: Answer) -> str:
    parts = []
    text = answer.text or ""
    if answer.notice and answer.notice.strip() != text.strip():
        parts.append(f"> **Note:** {esc(answer.notice)}")
    if text:
        parts.append(answer_first(esc(text)) if answer.kind == "answer" else esc(text))
    # A draft from chat normally arrives written into the text; show it if it was not.
    if answer.draft is not None and answer.draft.subject not in text:
        parts.append(render_draft(answer.draft))
    return "\n\n".join(parts) or "…"


def answer_first(text: str) -> str:
    """The reply's opening paragraph — the direct answer — in bold; supporting points stay plain.

    A lead-in's list stays under it unbolded ("Before the meeting, do the following:" then the
    steps), so only the paragraph's first line is emphasised.
    """
    head, sep, rest = text.partition("\n")
    if not head.strip() or head.lstrip().startswith("- "):
        return text
    body, marks = _split_citations(head.strip())
    return f"**{body}**{marks}{sep}{rest}"


def _split_citations(line: str) -> tuple[str, str]:
    """("Send a note.", " [1]") — citations stay outside the emphasis so they read as marks."""
    match = re.search(r"((?:\s*\[\d+\])+)([.:;!?]?)$", line)
    if not match:
        return line, ""
    return line[:match.start()] + match.group(2), match.group(1)


def answer_sources(answer: Answer) -> list[Passage]:
    if answer.sources:
        return list(answer.sources)
    return list(answer.draft.sources) if answer.draft is not None else []


def sources_message(passages: Sequence[Passage]) -> dict[str, Any]:
    """The chat message holding an answer's sources, collapsed under 'Sources (n)'."""
    return {"role": "assistant", "content": render_passages(passages),
            "metadata": {"title": f"Sources ({len(passages)})", "status": "done"}}


def render_points(draft: Draft) -> str:
    lines = []
    if draft.notice:
        lines.append(f"> **Note:** {esc(draft.notice)}\n")
    if draft.points:
        lines.append("**Guidance this draft follows**\n")
        lines.extend(f"- {esc(point)}" for point in draft.points)
    return "\n".join(lines)


_MARKS = {"met": "✓ met", "missing": "✗ missing", "contradicted": "✗ contradicted"}


def render_check(result: DraftCheck) -> str:
    """A checked email: each point's verdict, suggestion and the guidance it rests on [n]."""
    lines = []
    if result.notice:
        lines.append(f"> **Note:** {esc(result.notice)}\n")
    problems = len(result.problems())
    lines.append("**Your email follows the guidance.**\n" if not problems else
                 f"**{problems} thing{'s' if problems > 1 else ''} to change** "
                 f"({result.words} words)\n")
    for item in result.items:
        cite = f" [{item.n}]" if item.n else ""
        lines.append(f"- **{_MARKS.get(item.status, esc(item.status))}** — {esc(item.label)}{cite}")
        if item.suggestion:
            lines.append(f"  - {esc(item.suggestion)}")
        if item.quote:
            lines.append(f"  - guidance: “{esc(item.quote)}”")
    return "\n".join(lines)


def passage_dict(p: Passage) -> dict[str, Any]:
    return {"n": p.n, "title": p.title, "section": p.section, "source": p.source,
            "score": round(float(p.score), 4), "text": p.text}


def summary_markdown(outcome: UploadOutcome | None = None, report: Any = None,
                     what: str = "Upload") -> str:
    """What an upload or re-ingest did: files saved, passage counts, anything refused."""
    report = report if report is not None else (outcome.report if outcome else None)
    paragraphs: list[str] = []
    problems: list[str] = []
    if outcome is not None and outcome.saved:
        paragraphs.append(f"**{what}:** saved "
                          f"{', '.join(f'`{esc(n)}`' for n in outcome.saved)}.")
    if report is not None:
        paragraphs.append(f"**Passages:** {report.num_added} added · {report.num_updated} "
                          f"updated · {report.num_skipped} unchanged · {report.num_deleted} "
                          f"deleted — {report.total_chunks} in the library.")
        problems.extend(f"- ⚠ not ingested: {esc(line)}" for line in report.errors)
    if outcome is not None:
        problems.extend(f"- ⚠ `{esc(name)}` rejected: {esc(reason)}"
                        for name, reason in outcome.rejected)
        if not outcome.saved and not outcome.rejected:
            paragraphs.append("Choose one or more files first (.md, .txt, .html or .pdf).")
    if problems:
        paragraphs.append("\n".join(problems))
    return "\n\n".join(paragraphs)


def job_progress(jobs: Sequence[IngestJob]) -> str:
    """The running ingest (file k of n, the passage count within a long file) and what waits."""
    lines = []
    for job in jobs:
        if job.state == "running":
            where = [f"file {min(job.done + 1, job.total)} of {job.total}"] if job.total else []
            where += [esc(job.current)] if job.current else []
            lines.append(f"⏳ **Ingesting** {esc(job.label)}"
                         + (f": {' · '.join(where)}" if where else "")
                         + ". Chat keeps answering meanwhile.")
        elif job.state == "queued":
            lines.append(f"🕒 Waiting: {esc(job.label)}")
    return "\n\n".join(lines)


def job_summary(job: IngestJob) -> str:
    """What a finished background ingest did, as the summary line shows it."""
    if job.state == "failed":
        return warning(f"{job.label} failed: {job.error}")
    outcome = job.extra if isinstance(job.extra, UploadOutcome) else None
    if outcome is not None:
        outcome = UploadOutcome(report=job.report, saved=outcome.saved, rejected=outcome.rejected)
        return summary_markdown(outcome, what="Upload")
    label = job.label.replace("Re-ingest of", "Re-ingested", 1)
    return f"**{esc(label)}**\n\n" + summary_markdown(report=job.report)
