"""The Mentors tab: the mentor log, what is due (with its passage and a draft), meeting prep.

Dates are the user's own ISO dates; the log and everything derived from it stay in the
workspace file on this machine. Each logged-in user sees only their own mentors.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from coach.errors import WorkspaceError
from coach.results import Passage
from coach.vocabulary import CONTACT_CHANNELS, DRAFT_KINDS
from coach.web.events import COACH_QUEUE, PRIVATE
from coach.web.failures import shown
from coach.web.render import esc, quote, render_draft, warning
from coach.web.service import CoachService
from coach.web.workspace import WorkspaceService, username
from coach.workspace import Workspace
from coach.workspace.due import DueItem
from coach.workspace.prep import Agenda, Debrief

MENTOR_HEADERS = ["Mentor", "How you met", "What you want from them", "Contacts", "Last contact"]
CONTACT_HEADERS = ["Id", "Date", "Channel", "Asked", "Replied", "Advice", "Outcome"]
REPLIED = {"no reply (yet)": False, "replied": True, "does not apply": None}
OUTCOME = {"not known yet": None, "good": True, "not good": False}
NOTE_KINDS = ["(not one of the coach's notes)", *DRAFT_KINDS]


class MentorsTab:
    """`build()` inside a `gr.Tab` lays the tab out; `wire(demo)` connects its events."""

    def __init__(self, service: CoachService, workspace: WorkspaceService) -> None:
        self.service = service
        self.workspace = workspace

    def build(self) -> None:
        gr.Markdown("Keep a log of your mentors and every contact. The coach reads it against "
                    "your guidance and says what is due, with the passage behind the timing "
                    "and a draft to start from. Nothing here leaves this machine.")
        self.status = gr.Markdown(elem_id="mentors-status")
        self.table = gr.Dataframe(headers=MENTOR_HEADERS, interactive=False, wrap=True,
                                  elem_id="mentor-table", label="Your mentors")
        with gr.Row(equal_height=False):
            with gr.Column(), gr.Accordion("Add a mentor", open=True, elem_id="add-mentor"):
                self._add_form()
            with gr.Column(), gr.Accordion("Log a contact", open=True, elem_id="log-contact"):
                self._log_form()
        self.contacts = gr.Dataframe(headers=CONTACT_HEADERS, interactive=False, wrap=True,
                                     elem_id="contact-table", label="Contacts with this mentor")
        with gr.Row():
            self.contact_id = gr.Number(label="Contact id", precision=0, minimum=1, scale=1,
                                        elem_id="reply-contact-id")
            self.mark_replied = gr.Button("They replied to it", scale=1,
                                          elem_id="mark-replied-btn")
        gr.Markdown("## What's due")
        with gr.Row():
            self.sender = gr.Textbox(label="Your name (for the drafts' sign-off)",
                                     elem_id="mentors-sender", scale=3)
            self.check = gr.Button("What's due?", variant="primary", elem_id="due-btn", scale=1)
        self.due = gr.Markdown(elem_id="due-list")
        gr.Markdown("## Prepare a meeting")
        with gr.Row():
            self.prep_who = gr.Dropdown([], label="Mentor", elem_id="prep-mentor", scale=3)
            self.prepare = gr.Button("Prepare my meeting", elem_id="prep-btn", scale=1)
        self.agenda = gr.Markdown(elem_id="agenda")
        with gr.Accordion("After the meeting: debrief", open=False, elem_id="debrief"):
            self.met_on = gr.Textbox(label="Meeting date (YYYY-MM-DD)", elem_id="debrief-date")
            self.said = gr.Textbox(label="What was said", lines=2, elem_id="debrief-said")
            self.will_do = gr.Textbox(label="What I'll do (one item per line)", lines=2,
                                      elem_id="debrief-will-do")
            self.by_when = gr.Textbox(label="By when (YYYY-MM-DD)", elem_id="debrief-by")
            self.save_debrief = gr.Button("Save debrief and draft a thank-you",
                                          elem_id="debrief-btn")
            self.debriefed = gr.Markdown(elem_id="debrief-result")

    def _add_form(self) -> None:
        self.name = gr.Textbox(label="Name", elem_id="mentor-name")
        self.how_met = gr.Textbox(label="How you met", elem_id="mentor-how-met")
        self.wants = gr.Textbox(label="What you want from them", lines=2,
                                elem_id="mentor-wants",
                                placeholder="One goal per line")
        self.add = gr.Button("Add mentor", elem_id="add-mentor-btn")

    def _log_form(self) -> None:
        self.who = gr.Dropdown([], label="Mentor", elem_id="contact-mentor")
        with gr.Row():
            self.on_date = gr.Textbox(label="Date (YYYY-MM-DD)",
                                      elem_id="contact-date")
            self.channel = gr.Dropdown(list(CONTACT_CHANNELS), value="email",
                                       label="Channel", elem_id="contact-channel")
        self.asked = gr.Textbox(label="What you asked or said",
                                elem_id="contact-asked")
        self.replied = gr.Radio(list(REPLIED), value="no reply (yet)",
                                label="Did they reply?", elem_id="contact-replied")
        self.advice = gr.Textbox(label="Advice or help given",
                                 elem_id="contact-advice")
        with gr.Row():
            self.outcome = gr.Textbox(label="Outcome", elem_id="contact-outcome")
            self.verdict = gr.Radio(list(OUTCOME), value="not known yet",
                                    label="How did it turn out?",
                                    elem_id="contact-verdict")
        self.note_kind = gr.Dropdown(NOTE_KINDS, value=NOTE_KINDS[0],
                                     label="Was it one of the coach's notes?",
                                     elem_id="contact-note-kind")
        self.log = gr.Button("Log contact", variant="primary",
                             elem_id="log-contact-btn")

    def wire(self, demo: gr.Blocks) -> None:
        listing = [self.table, self.who, self.prep_who, self.status]
        self.add.click(self.add_mentor, [self.name, self.how_met, self.wants],
                       [*listing, self.name, self.how_met, self.wants], queue=False, **PRIVATE)
        self.log.click(self.log_contact,
                       [self.who, self.on_date, self.channel, self.asked, self.replied,
                        self.advice, self.outcome, self.verdict, self.note_kind],
                       [*listing, self.contacts, self.asked, self.advice, self.outcome],
                       queue=False, **PRIVATE)
        self.who.input(self.contact_rows, [self.who], [self.contacts], queue=False, **PRIVATE)
        self.mark_replied.click(self.replied_to, [self.who, self.contact_id],
                                [*listing, self.contacts], queue=False, **PRIVATE)
        self.check.click(self.whats_due, [self.sender], [self.due], **COACH_QUEUE, **PRIVATE)
        self.prepare.click(self.prepare_meeting, [self.prep_who], [self.agenda], **COACH_QUEUE,
                           **PRIVATE)
        self.save_debrief.click(self.debrief, [self.prep_who, self.met_on, self.said,
                                               self.will_do, self.by_when, self.sender],
                                [self.debriefed, *listing], **COACH_QUEUE, **PRIVATE)
        demo.load(self.on_load, None, [*listing, self.on_date, self.met_on, self.contacts],
                  **PRIVATE)

    # -- the log -------------------------------------------------------------------------------

    def _ws(self, request: gr.Request | None) -> Workspace:
        return self.workspace.for_user(username(request))

    def mentor_view(self, request: gr.Request | None = None, selected: str | None = None,
                    status: str = "") -> tuple[Any, Any, Any, str]:
        ws = self._ws(request)
        rows, names = [], []
        for mentor in ws.mentors.all():
            contacts = ws.mentors.contacts(mentor.name)
            last = contacts[-1].on_date.isoformat() if contacts else ""
            rows.append([mentor.name, mentor.how_met, mentor.wants, len(contacts), last])
            names.append(mentor.name)
        chosen = selected if selected in names else (names[0] if names else None)
        if not status:
            status = (f"{len(names)} mentor{'s' if len(names) != 1 else ''} in your log."
                      if names else "Your mentor log is empty: add a mentor to start.")
        return (gr.update(value=rows), gr.update(choices=names, value=chosen),
                gr.update(choices=names, value=chosen), status)

    def on_load(self, request: gr.Request | None = None) -> tuple[Any, ...]:
        today = self.workspace.today().isoformat()
        listing = self.mentor_view(request)
        chosen = listing[1].get("value") if isinstance(listing[1], dict) else None
        return (*listing, today, today, self.contact_rows(chosen, request))

    def add_mentor(self, name: str, how_met: str, wants: str,
                   request: gr.Request | None = None) -> tuple[Any, ...]:
        try:
            mentor = self._ws(request).mentors.add(name, how_met, wants)
        except Exception as exc:
            return (*self.mentor_view(request, status=warning(shown(exc))), name, how_met,
                    wants)
        done = f"Added **{esc(mentor.name)}** to your log."
        return (*self.mentor_view(request, mentor.name, done), "", "", "")

    def log_contact(self, name: str | None, on_date: str, channel: str, asked: str,
                    replied: str, advice: str, outcome: str, verdict: str, note_kind: str,
                    request: gr.Request | None = None) -> tuple[Any, ...]:
        if not name:
            return (*self.mentor_view(request, status=warning("Add a mentor first, then log "
                                                              "your contacts with them.")),
                    gr.update(), asked, advice, outcome)
        try:
            contact = self._ws(request).mentors.log(
                name, on_date, channel, today=self.workspace.today(), asked=asked,
                replied=REPLIED.get(replied), advice=advice, outcome=outcome,
                outcome_good=OUTCOME.get(verdict),
                note_kind=note_kind if note_kind in DRAFT_KINDS else None)
        except Exception as exc:
            return (*self.mentor_view(request, name, warning(shown(exc))),
                    self.contact_rows(name, request), asked, advice, outcome)
        done = f"Logged your {contact.channel} with **{esc(name)}** on {contact.on_date}."
        return (*self.mentor_view(request, name, done), self.contact_rows(name, request),
                "", "", "")

    def replied_to(self, name: str | None, contact_id: float | None,
                   request: gr.Request | None = None) -> tuple[Any, ...]:
        """A reply came to a logged contact: the silence clock stops there."""
        if not name or not contact_id:
            status = warning("Choose the mentor and the contact id from the table first.")
            return (*self.mentor_view(request, name, status), self.contact_rows(name, request))
        ws = self._ws(request)
        try:
            contact = ws.mentors.contact(int(contact_id))
            if contact.mentor_id != ws.mentors.get(name).id:
                raise WorkspaceError(f"contact {int(contact_id)} is not with {name}")
            ws.mentors.update_contact(contact.id, today=self.workspace.today(), replied=True)
            status = f"Marked contact {contact.id} with **{esc(name)}** as replied."
        except Exception as exc:
            status = warning(shown(exc))
        return (*self.mentor_view(request, name, status), self.contact_rows(name, request))

    def contact_rows(self, name: str | None, request: gr.Request | None = None) -> Any:
        if not name:
            return gr.update(value=[])
        try:
            contacts = self._ws(request).mentors.contacts(name)
        except Exception as exc:
            gr.Warning(shown(exc))
            return gr.update(value=[])
        yes_no = {True: "yes", False: "no", None: ""}
        return gr.update(value=[[c.id, c.on_date.isoformat(), c.channel, c.asked,
                                 yes_no[c.replied], c.advice, c.outcome] for c in contacts])

    # -- what the log and the guidance say -----------------------------------------------------

    def whats_due(self, sender: str, request: gr.Request | None = None) -> str:
        try:
            coach = self.service.coach()
            items = self._ws(request).due(today=self.workspace.today(),
                                          retrieve=coach.retriever.search, draft=coach.draft,
                                          sender=(sender or "").strip() or None)
        except Exception as exc:
            return warning(shown(exc))
        if not items:
            return "Nothing is due: no mentor has gone quiet, and no follow-up is waiting."
        return "\n\n---\n\n".join(render_due(item) for item in items)

    def prepare_meeting(self, name: str | None, request: gr.Request | None = None) -> str:
        if not name:
            return warning("Choose a mentor first.")
        try:
            coach = self.service.coach()
            agenda = self._ws(request).prepare(name, retrieve=coach.retriever.search,
                                               select=coach.select)
        except Exception as exc:
            return warning(shown(exc))
        return render_agenda(agenda)

    def debrief(self, name: str | None, on_date: str, said: str, will_do: str, by_when: str,
                sender: str, request: gr.Request | None = None) -> tuple[Any, ...]:
        if not name:
            return (warning("Choose the mentor you met first."), *self.mentor_view(request))
        try:
            coach = self.service.coach()
            result = self._ws(request).debrief(
                name, on_date=on_date, said=said, will_do=will_do, by_when=by_when,
                today=self.workspace.today(), draft=coach.draft,
                sender=(sender or "").strip() or None)
        except Exception as exc:
            return (warning(shown(exc)), *self.mentor_view(request, name))
        return (render_debrief(name, result), *self.mentor_view(request, name))


def render_due(item: DueItem) -> str:
    """One due item: what and why, the rule and its passage, then the draft."""
    title = {"back-off": "Back off", "follow-up": "Follow up", "check-in": "Check in"}[item.kind]
    parts = [f"### {title}: {esc(item.mentor)}", esc(item.message), f"*Rule:* {esc(item.rule)}"]
    if item.passage is not None:
        parts.append(render_cited(item.passage))
    if item.draft is not None:
        parts.append(f"**Draft ({esc(item.draft_kind)})**\n\n{render_draft(item.draft)}")
    elif item.draft_note:
        parts.append(warning(f"No draft: {item.draft_note}"))
    return "\n\n".join(parts)


def render_cited(passage: Passage) -> str:
    return f"**From your guidance — {esc(passage.label)}:**\n\n{quote(passage.text)}"


def render_agenda(agenda: Agenda) -> str:
    meeting = "first meeting" if agenda.first_meeting else "next meeting"
    parts = [f"### Agenda: {meeting} with {esc(agenda.mentor)}"]
    for heading, points in (("Your goals", agenda.goals), ("Open items", agenda.open_items),
                            ("What the guidance suggests", agenda.guidance)):
        if points:
            lines = [f"- {esc(p.text)} — *{esc(p.cite)}*" for p in points]
            parts.append(f"**{heading}**\n\n" + "\n".join(lines))
    parts += [f"> {esc(note)}" for note in agenda.notes]
    if agenda.passages:
        parts.append("**Sources**\n\n" + "\n\n".join(
            f"[{p.n}] **{esc(p.label)}**\n\n{quote(p.text)}" for p in agenda.passages))
    return "\n\n".join(parts)


def render_debrief(name: str, result: Debrief) -> str:
    items = "".join(f"\n- {esc(a.text)}" + (f" (by {a.due_by})" if a.due_by else "")
                    for a in result.actions)
    parts = [f"Logged your meeting with **{esc(name)}** on {result.contact.on_date}."
             + (f" Open items:{items}" if items else "")]
    if result.draft is not None:
        parts.append(f"**Thank-you draft**\n\n{render_draft(result.draft)}")
    elif result.draft_note:
        parts.append(warning(f"No draft: {result.draft_note}"))
    return "\n\n".join(parts)
