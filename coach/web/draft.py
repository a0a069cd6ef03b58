"""The Draft tab: kind, recipient, your name and context -> an email to edit and copy."""

from __future__ import annotations

import gradio as gr

from coach.vocabulary import DRAFT_KINDS
from coach.web.events import COACH_QUEUE, PRIVATE
from coach.web.failures import shown
from coach.web.render import render_passages, render_points, warning
from coach.web.service import CoachService

# status, subject, body, guidance points, cited passages
DraftView = tuple[str, str, str, str, str]


class DraftTab:
    """`build()` inside a `gr.Tab` lays the tab out; `wire()` connects its events."""

    def __init__(self, service: CoachService) -> None:
        self.service = service

    def build(self) -> None:
        gr.Markdown("Draft a short email to a mentor, following the guidance.")
        with gr.Row():
            with gr.Column(scale=2):
                self.kind = gr.Dropdown(list(DRAFT_KINDS), value="outreach", label="Kind",
                                        elem_id="draft-kind")
                self.to = gr.Textbox(label="Recipient", placeholder="e.g. Dr. Priya Shah",
                                     elem_id="draft-to")
                self.sender = gr.Textbox(label="Your name", placeholder="e.g. Alex",
                                         elem_id="draft-sender")
                self.context = gr.Textbox(
                    label="Context", lines=5, elem_id="draft-context",
                    placeholder="e.g. We met at the PyData meetup; I'm moving into data "
                                "engineering and would value her advice.")
                self.make = gr.Button("Draft email", variant="primary", elem_id="draft-btn")
            with gr.Column(scale=3):
                self.status = gr.Markdown(elem_id="draft-status")
                # Editable, so the mentee can make it their own before copying it.
                self.subject = gr.Textbox(label="Subject", buttons=["copy"],
                                          interactive=True, elem_id="draft-subject")
                self.body = gr.Textbox(label="Body", lines=12, max_lines=30,
                                       buttons=["copy"], interactive=True,
                                       elem_id="draft-body")
                self.points = gr.Markdown(elem_id="draft-points")
                with gr.Accordion("Cited passages", open=False):
                    self.cited = gr.Markdown(elem_id="draft-cited")

    def wire(self) -> None:
        self.make.click(self.make_draft, [self.kind, self.to, self.sender, self.context],
                        [self.status, self.subject, self.body, self.points, self.cited],
                        **COACH_QUEUE, **PRIVATE)

    def make_draft(self, kind: str, to: str, sender: str, context: str) -> DraftView:
        fields = (("the kind of email", kind), ("a recipient", to), ("some context", context))
        missing = [label for label, value in fields if not (value or "").strip()]
        if missing:
            return refused(f"Please fill in {' and '.join(missing)} first.")
        try:
            draft = self.service.coach().draft(kind, to.strip(), context.strip(),
                                               (sender or "").strip() or None)
        except Exception as exc:
            return refused(shown(exc))
        cited = render_passages(draft.sources) or "No passages were cited."
        return "", draft.subject, draft.body, render_points(draft), cited


def refused(text: str) -> DraftView:
    """A pop-up warning and the same text in the status line; the draft fields emptied."""
    gr.Warning(text)
    return warning(text), "", "", "", ""
