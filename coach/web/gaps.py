"""The guidance-gap table on the Guidance tab: questions the guidance served badly, by topic.

Declined questions, low-confidence answers and thumbs-downs, grouped by shared words
(`coach.workspace.gaps`), with a CSV download. A user sees only the questions they asked;
`coach gaps --all` on the machine itself shows everyone's.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from coach.web.events import PRIVATE
from coach.web.failures import shown
from coach.web.render import warning
from coach.web.workspace import WorkspaceService, username
from coach.workspace.gaps import GapTopic, gaps_csv

GAP_HEADERS = ["Topic", "Questions", "Declined", "Low confidence", "Thumbs down", "Examples",
               "Latest"]
EXAMPLES_SHOWN = 3


class GapsPanel:
    """`build()` inside the Guidance tab lays the table out; `wire(demo)` connects it."""

    def __init__(self, workspace: WorkspaceService) -> None:
        self.workspace = workspace

    def build(self) -> None:
        gr.Markdown("## Questions your guidance did not answer well\nDeclined questions, "
                    "answers the coach was not confident in, and replies you gave a 👎 — "
                    "grouped by topic, so you can see which guidance to add.")
        self.status = gr.Markdown(elem_id="gaps-status")
        self.table = gr.Dataframe(headers=GAP_HEADERS, interactive=False, wrap=True,
                                  elem_id="gaps-table", label="Guidance gaps")
        with gr.Row():
            self.refresh = gr.Button("Refresh", elem_id="gaps-refresh")
            self.export = gr.Button("Download as CSV", elem_id="gaps-export")
        self.file = gr.File(label="Gap report", interactive=False, elem_id="gaps-file")

    def wire(self, demo: gr.Blocks) -> None:
        self.refresh.click(self.view, None, [self.table, self.status], queue=False, **PRIVATE)
        self.export.click(self.csv_file, None, [self.file], queue=False, **PRIVATE)
        demo.load(self.view, None, [self.table, self.status], **PRIVATE)

    def topics(self, request: gr.Request | None) -> list[GapTopic]:
        return self.workspace.for_user(username(request)).gaps()

    def view(self, request: gr.Request | None = None) -> tuple[Any, str]:
        try:
            topics = self.topics(request)
        except Exception as exc:
            return gr.update(value=[]), warning(shown(exc))
        rows = [[t.topic, t.count, t.reasons.get("refusal", 0),
                 t.reasons.get("low-confidence", 0), t.reasons.get("thumbs-down", 0),
                 " · ".join(e.question for e in t.entries[:EXAMPLES_SHOWN]), t.latest[:10]]
                for t in topics]
        total = sum(t.count for t in topics)
        status = (f"{total} question{'s' if total != 1 else ''} in {len(topics)} "
                  f"topic{'s' if len(topics) != 1 else ''}." if topics
                  else "No gaps logged yet: every question so far was answered.")
        return gr.update(value=rows), status

    def csv_file(self, request: gr.Request | None = None) -> str | None:
        try:
            text = gaps_csv(self.topics(request))
        except Exception as exc:
            gr.Warning(shown(exc))
            return None
        path = Path(tempfile.mkdtemp(prefix="coach-gaps-")) / "guidance-gaps.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)
