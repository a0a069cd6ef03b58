"""The Draft tab: kind, recipient, your name and context -> an email to edit and copy."""

from __future__ import annotations

from dataclasses import replace

import gradio as gr

from coach.results import Draft
from coach.vocabulary import DRAFT_KINDS
from coach.web.events import COACH_QUEUE, PRIVATE
from coach.web.failures import shown
from coach.web.render import render_check, render_passages, render_points, warning
from coach.web.service import CoachService
from coach.web.workspace import WorkspaceService

# status, subject, body, guidance points, cited passages
DraftView = tuple[str, str, str, str, str]


class DraftTab:
    """`build()` inside a `gr.Tab` lays the tab out; `wire()` connects its events."""

    def __init__(self, service: CoachService, workspace: WorkspaceService | None = None) -> None:
        self.service = service
        self.workspace = workspace or WorkspaceService(service.settings)

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
                self.export = gr.Button("Download as Markdown", elem_id="draft-export")
                self.file = gr.File(label="Draft", interactive=False, elem_id="draft-file")
        with gr.Accordion("Check my draft", open=False, elem_id="check-box"):
            gr.Markdown("Paste an email you wrote; it is checked against the guidance for the "
                        "kind chosen above.")
            with gr.Row():
                with gr.Column(scale=2):
                    self.email = gr.Textbox(label="Your email", lines=10, max_lines=30,
                                            elem_id="check-email",
                                            placeholder="Hi Ana, I wanted to thank you ...")
                    self.check_btn = gr.Button("Check my draft", elem_id="check-btn")
                with gr.Column(scale=3):
                    self.verdict = gr.Markdown(elem_id="check-result")
                    with gr.Accordion("Guidance passages", open=False):
                        self.check_cited = gr.Markdown(elem_id="check-cited")
        self.last = gr.State(None)

    def wire(self) -> None:
        self.make.click(self.make_and_keep, [self.kind, self.to, self.sender, self.context],
                        [self.status, self.subject, self.body, self.points, self.cited,
                         self.last], **COACH_QUEUE, **PRIVATE)
        self.export.click(self.export_draft, [self.last, self.subject, self.body], [self.file],
                          queue=False, **PRIVATE)
        self.check_btn.click(self.check_email, [self.kind, self.email],
                             [self.verdict, self.check_cited], **COACH_QUEUE, **PRIVATE)

    def check_email(self, kind: str, email: str) -> tuple[str, str]:
        """(the verdicts, the passages they rest on) for the pasted email."""
        if not (kind or "").strip() or not (email or "").strip():
            text = "Please choose the kind of email and paste the email you wrote first."
            gr.Warning(text)
            return warning(text), ""
        try:
            result = self.service.coach().check(kind, email)
        except Exception as exc:
            text = shown(exc)
            gr.Warning(text)
            return warning(text), ""
        return render_check(result), render_passages(result.sources)

    def make_draft(self, kind: str, to: str, sender: str, context: str) -> DraftView:
        return self.make_and_keep(kind, to, sender, context)[:5]

    def make_and_keep(self, kind: str, to: str, sender: str,
                      context: str) -> tuple[str, str, str, str, str, Draft | None]:
        """The draft's view, and the draft itself for "Download as Markdown"."""
        fields = (("the kind of email", kind), ("a recipient", to), ("some context", context))
        missing = [label for label, value in fields if not (value or "").strip()]
        if missing:
            return (*refused(f"Please fill in {' and '.join(missing)} first."), None)
        try:
            draft = self.service.coach().draft(kind, to.strip(), context.strip(),
                                               (sender or "").strip() or None)
        except Exception as exc:
            return (*refused(shown(exc)), None)
        cited = render_passages(draft.sources) or "No passages were cited."
        return "", draft.subject, draft.body, render_points(draft), cited, draft

    def export_draft(self, draft: Draft | None, subject: str, body: str) -> str | None:
        """The draft as a Markdown file, with the subject and body as edited on the page."""
        if draft is None:
            gr.Warning("Draft an email first, then download it.")
            return None
        edited = replace(draft, subject=subject or draft.subject, body=body or draft.body)
        return self.workspace.export_draft(edited)


def refused(text: str) -> DraftView:
    """A pop-up warning and the same text in the status line; the draft fields emptied."""
    gr.Warning(text)
    return warning(text), "", "", "", ""
