"""The workspace commands of `coach`: conversations, the mentor log, what is due, meeting prep,
debriefs and the guidance-gap report. `coach.cli` adds them to its group.

Everything here reads and writes `workspace.sqlite3` in the data dir, on this machine. Only
`due`, `prep` and `debrief` load the coach (the retriever and the drafts); the rest are quick.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from coach.errors import WorkspaceError
from coach.settings import Settings
from coach.text import excerpt
from coach.vocabulary import CONTACT_CHANNELS, DRAFT_KINDS
from coach.workspace import LOCAL_OWNER, Workspace, open_database
from coach.workspace.due import DueItem
from coach.workspace.export import conversation_json, conversation_markdown
from coach.workspace.gaps import gaps_csv
from coach.workspace.mentors import Contact
from coach.workspace.prep import Debrief

F = TypeVar("F", bound=Callable[..., Any])


def settings_of(ctx: click.Context) -> Settings:
    """The group's Settings (from the environment and the global options)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings.from_env()


def user_option(command: F) -> F:
    return click.option("--user", default=None,
                        help="Whose workspace: a COACH_AUTH login (default: the local user).")(
        command)


def today_option(command: F) -> F:
    return click.option("--today", "today_text", default=None,
                        help="Take today to be this date, YYYY-MM-DD (default: today).")(command)


def json_option(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(
        command)


def open_workspace(ctx: click.Context, user: str | None) -> Workspace:
    return Workspace(open_database(settings_of(ctx)), user or LOCAL_OWNER)


def today_from(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise WorkspaceError(f"--today {text!r} is not a date; write it as YYYY-MM-DD") from None


def load_coach(ctx: click.Context) -> Any:
    from coach.api import Coach  # torch: only for the commands that need the guidance

    return Coach(settings_of(ctx))


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


# -- conversations -----------------------------------------------------------------------------


@click.command("conversations")
@click.option("--search", default="", help="Only conversations whose text contains this.")
@user_option
@json_option
@click.pass_context
def conversations_command(ctx: click.Context, search: str, user: str | None,
                          as_json: bool) -> None:
    """List your saved conversations, newest first (`coach chat --resume ID` continues one)."""
    found = open_workspace(ctx, user).conversations.list(search)
    if as_json:
        echo_json([{"id": c.id, "title": c.shown_title, "updated_at": c.updated_at}
                   for c in found])
        return
    if not found:
        click.echo("No saved conversations" + (f" containing {search!r}." if search else "."))
    for c in found:
        click.echo(f"{c.id}  {c.updated_at[:16].replace('T', ' ')}  {c.shown_title}")


@click.command("export")
@click.argument("conversation_id")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to this file instead of printing.")
@user_option
@json_option
@click.pass_context
def export_command(ctx: click.Context, conversation_id: str, output: Path | None,
                   user: str | None, as_json: bool) -> None:
    """Export a saved conversation as Markdown (or JSON), with the passages each reply cites."""
    conversation = open_workspace(ctx, user).conversations.get(conversation_id)
    text = (json.dumps(conversation_json(conversation), ensure_ascii=False, indent=2) + "\n"
            if as_json else conversation_markdown(conversation))
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output}.", err=True)


# -- the mentor log ----------------------------------------------------------------------------


@click.group("mentors", invoke_without_command=True)
@user_option
@json_option
@click.pass_context
def mentors_group(ctx: click.Context, user: str | None, as_json: bool) -> None:
    """Your mentors (`coach mentors add NAME ...`); with no subcommand, list them."""
    ctx.meta["workspace_user"] = user  # the subcommands' default
    if ctx.invoked_subcommand is not None:
        return
    ws = open_workspace(ctx, user)
    rows = [(m, ws.mentors.contacts(m.name)) for m in ws.mentors.all()]
    if as_json:
        echo_json([{**m.to_dict(), "contacts": len(c),
                    "last_contact": c[-1].on_date.isoformat() if c else None} for m, c in rows])
        return
    if not rows:
        click.echo('No mentors yet: `coach mentors add NAME --how-met "..." --wants "..."`.')
    for mentor, contacts in rows:
        last = f"last contact {contacts[-1].on_date}" if contacts else "no contacts yet"
        click.echo(f"{mentor.name} — {len(contacts)} contacts, {last}")
        for label, value in (("how you met", mentor.how_met), ("you want", mentor.wants)):
            if value:
                click.echo(f"    {label}: {' '.join(value.split())}")


def _group_user(ctx: click.Context, user: str | None) -> str | None:
    """`coach mentors --user ana add ...` and `coach mentors add ... --user ana` both work."""
    return user or ctx.meta.get("workspace_user")


@mentors_group.command("add")
@click.argument("name")
@click.option("--how-met", default="", help="How you met.")
@click.option("--wants", default="", help="What you want from them (goals; ';' separates).")
@user_option
@click.pass_context
def mentors_add(ctx: click.Context, name: str, how_met: str, wants: str,
                user: str | None) -> None:
    """Add a mentor to your log."""
    mentor = open_workspace(ctx, _group_user(ctx, user)).mentors.add(name, how_met, wants)
    click.echo(f"Added {mentor.name}.")


@mentors_group.command("edit")
@click.argument("name")
@click.option("--name", "new_name", default=None, help="A new name.")
@click.option("--how-met", default=None, help="How you met.")
@click.option("--wants", default=None, help="What you want from them.")
@user_option
@click.pass_context
def mentors_edit(ctx: click.Context, name: str, new_name: str | None, how_met: str | None,
                 wants: str | None, user: str | None) -> None:
    """Change a mentor's name, how you met, or what you want from them."""
    mentor = open_workspace(ctx, _group_user(ctx, user)).mentors.update(
        name, new_name=new_name, how_met=how_met, wants=wants)
    click.echo(f"Updated {mentor.name}.")


@mentors_group.command("remove")
@click.argument("name")
@user_option
@click.pass_context
def mentors_remove(ctx: click.Context, name: str, user: str | None) -> None:
    """Remove a mentor with their contacts and open items."""
    ws = open_workspace(ctx, _group_user(ctx, user))
    mentor = ws.mentors.get(name)
    ws.mentors.remove(mentor.name)
    click.echo(f"Removed {mentor.name} and their contacts.")


@click.command("log")
@click.argument("name")
@click.option("--date", "on_date", default=None, help="When, YYYY-MM-DD (default: today).")
@click.option("--channel", type=click.Choice(CONTACT_CHANNELS), default=None,
              help="How (default: email).")
@click.option("--asked", default=None, help="What you asked or said.")
@click.option("--replied/--no-reply", "replied", default=None,
              help="Whether they replied (default for email, message, call: not yet).")
@click.option("--advice", default=None, help="Advice or help they gave.")
@click.option("--outcome", default=None, help="How it turned out.")
@click.option("--good/--bad", "outcome_good", default=None,
              help="Whether the outcome was good (for the follow-up rule).")
@click.option("--note", "note_kind", type=click.Choice(DRAFT_KINDS), default=None,
              help="This contact was one of the coach's notes (e.g. the back-off note).")
@click.option("--update", "contact_id", type=int, default=None,
              help="Change contact ID (see --list) instead of logging a new one.")
@click.option("--list", "listing", is_flag=True, help="List the contacts and open items.")
@today_option
@user_option
@json_option
@click.pass_context
def log_command(ctx: click.Context, name: str, on_date: str | None, channel: str | None,
                asked: str | None, replied: bool | None, advice: str | None,
                outcome: str | None, outcome_good: bool | None, note_kind: str | None,
                contact_id: int | None, listing: bool, today_text: str | None,
                user: str | None, as_json: bool) -> None:
    """Log a contact with mentor NAME (or --list them, or --update one)."""
    ws, today = open_workspace(ctx, user), today_from(today_text)
    if listing:
        _list_contacts(ws, name, as_json)
        return
    fields = {"on_date": on_date, "channel": channel, "asked": asked, "replied": replied,
              "advice": advice, "outcome": outcome, "outcome_good": outcome_good,
              "note_kind": note_kind}
    if contact_id is not None:
        changes = {k: v for k, v in fields.items() if v is not None}
        if ws.mentors.contact(contact_id).mentor_id != ws.mentors.get(name).id:
            raise WorkspaceError(f"contact {contact_id} is not with {name}; "
                                 f"`coach log {name} --list` shows theirs")
        contact = ws.mentors.update_contact(contact_id, today=today, **changes)
        verb = "Updated"
    else:
        channel = channel or "email"
        if replied is None and channel in ("email", "message", "call"):
            replied = False  # sent, no answer yet: the silence clock starts
        contact = ws.mentors.log(name, on_date or today, channel, today=today,
                                 asked=asked or "", replied=replied, advice=advice or "",
                                 outcome=outcome or "", outcome_good=outcome_good,
                                 note_kind=note_kind)
        verb = "Logged"
    if as_json:
        echo_json(contact.to_dict())
        return
    click.echo(f"{verb} contact {contact.id}: {describe(contact)}")
    if contact.replied is False:
        click.echo(f"When they answer: coach log {name!r} --update {contact.id} --replied",
                   err=True)


def _list_contacts(ws: Workspace, name: str, as_json: bool) -> None:
    contacts, actions = ws.mentors.contacts(name), ws.mentors.actions(name)
    if as_json:
        echo_json({"contacts": [c.to_dict() for c in contacts],
                   "open_items": [a.to_dict() for a in actions]})
        return
    for contact in contacts:
        click.echo(f"{contact.id:>4}  {describe(contact)}")
    for action in actions:
        by = f" (by {action.due_by})" if action.due_by else ""
        click.echo(f"open  {action.text}{by}")
    if not contacts and not actions:
        click.echo(f"Nothing logged with {ws.mentors.get(name).name} yet.")


def describe(contact: Contact) -> str:
    reply = {True: "replied", False: "no reply", None: ""}[contact.replied]
    parts = [contact.on_date.isoformat(), contact.channel, reply,
             f"asked: {contact.asked}" if contact.asked else "",
             f"advice: {contact.advice}" if contact.advice else "",
             f"outcome: {contact.outcome}" if contact.outcome else "",
             {True: "(good)", False: "(not good)", None: ""}[contact.outcome_good],
             f"[{contact.note_kind} note]" if contact.note_kind else ""]
    return " · ".join(p for p in parts if p)


# -- what the log and the guidance say ---------------------------------------------------------


@click.command("due")
@click.option("--sender", default=None, help="Your name, for the drafts' sign-off.")
@today_option
@user_option
@json_option
@click.pass_context
def due_command(ctx: click.Context, sender: str | None, today_text: str | None,
                user: str | None, as_json: bool) -> None:
    """What is due with each mentor, the passage behind the timing, and a draft to send."""
    ws, today = open_workspace(ctx, user), today_from(today_text)
    coach = load_coach(ctx)
    items = ws.due(today=today, retrieve=coach.retriever.search, draft=coach.draft,
                   sender=sender)
    if as_json:
        echo_json([item.to_dict() for item in items])
        return
    if not items:
        click.echo("Nothing is due: no mentor has gone quiet and no follow-up is waiting.")
    for item in items:
        print_due(item)


def print_due(item: DueItem) -> None:
    click.secho(f"\n{item.kind.upper()}: {item.mentor}", bold=True)
    click.echo(item.message)
    click.echo(f"  rule: {item.rule}")
    if item.passage is not None:
        click.echo(f"  from your guidance — {item.passage.label}:\n"
                   f"      {excerpt(item.passage.text, 300)}")
    if item.draft is not None:
        click.echo(f"\n{item.draft.as_text()}\n")
    elif item.draft_note:
        click.echo(f"  (no draft: {item.draft_note})")


@click.command("prep")
@click.argument("name")
@user_option
@json_option
@click.pass_context
def prep_command(ctx: click.Context, name: str, user: str | None, as_json: bool) -> None:
    """An agenda for your next meeting with NAME, every point cited."""
    ws = open_workspace(ctx, user)
    ws.mentors.get(name)  # an unknown name fails before the model loads
    coach = load_coach(ctx)
    agenda = ws.prepare(name, retrieve=coach.retriever.search, select=coach.select)
    if as_json:
        echo_json(agenda.to_dict())
    else:
        click.echo(agenda.as_markdown(), nl=False)


@click.command("debrief")
@click.argument("name")
@click.option("--date", "on_date", default=None, help="When you met, YYYY-MM-DD (default: today).")
@click.option("--said", default="", help="What was said.")
@click.option("--will-do", default="", help="What you'll do (';' separates items).")
@click.option("--by", "by_when", default=None, help="By when, YYYY-MM-DD.")
@click.option("--sender", default=None, help="Your name, for the thank-you's sign-off.")
@today_option
@user_option
@json_option
@click.pass_context
def debrief_command(ctx: click.Context, name: str, on_date: str | None, said: str,
                    will_do: str, by_when: str | None, sender: str | None,
                    today_text: str | None, user: str | None, as_json: bool) -> None:
    """After meeting NAME: log what was said and what you'll do, and draft the thank-you."""
    ws, today = open_workspace(ctx, user), today_from(today_text)
    ws.mentors.get(name)
    coach = load_coach(ctx)
    result = ws.debrief(name, on_date=on_date or today, said=said, will_do=will_do,
                        by_when=by_when, today=today, draft=coach.draft, sender=sender)
    if as_json:
        echo_json(result.to_dict())
        return
    print_debrief(name, result)


def print_debrief(name: str, result: Debrief) -> None:
    click.echo(f"Logged your meeting with {name} on {result.contact.on_date} "
               f"(contact {result.contact.id}).")
    for action in result.actions:
        by = f" by {action.due_by}" if action.due_by else ""
        click.echo(f"  open item: {action.text}{by}")
    if result.draft is not None:
        click.echo(f"\n{result.draft.as_text()}")
    elif result.draft_note:
        click.echo(f"(no thank-you draft: {result.draft_note})")


# -- the guidance-gap report -------------------------------------------------------------------


@click.command("gaps")
@click.option("--all", "all_users", is_flag=True, help="Every user's questions, not just yours.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, allow_dash=True),
              default=None, help="Write the report as CSV to this file ('-' for stdout).")
@user_option
@json_option
@click.pass_context
def gaps_command(ctx: click.Context, all_users: bool, csv_path: str | None, user: str | None,
                 as_json: bool) -> None:
    """Questions the guidance did not answer well (declined, low confidence, thumbs-down),
    grouped by topic."""
    topics = open_workspace(ctx, user).gaps(all_owners=all_users)
    if csv_path is not None:
        text = gaps_csv(topics, with_owner=all_users)
        if csv_path == "-":
            click.echo(text, nl=False)
        else:
            Path(csv_path).write_text(text, encoding="utf-8")
            click.echo(f"Wrote {sum(t.count for t in topics)} questions to {csv_path}.",
                       err=True)
        return
    if as_json:
        echo_json({"topics": [{"topic": t.topic, "count": t.count, "reasons": t.reasons,
                               "entries": [{"question": e.question, "reasons": e.reasons,
                                            "confidence": e.confidence, "comment": e.comment,
                                            "asked_at": e.created_at,
                                            **({"owner": e.owner} if all_users else {})}
                                           for e in t.entries]} for t in topics]})
        return
    if not topics:
        click.echo("No gaps logged: every question so far was answered.")
    for topic in topics:
        reasons = ", ".join(f"{n} {r}" for r, n in topic.reasons.items())
        click.secho(f"\n{topic.topic} — {topic.count} question(s): {reasons}", bold=True)
        for entry in topic.entries:
            comment = f"  ({entry.comment})" if entry.comment else ""
            click.echo(f"  - {entry.question}{comment}")


COMMANDS = [conversations_command, export_command, mentors_group, log_command, due_command,
            prep_command, debrief_command, gaps_command]
