"""The workspace commands: chat --resume, conversations/export, mentors, log, due, prep, debrief,
gaps. The first group needs no model; the last tests run the real coach over the shipped guide.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from click.testing import Result

from coach.results import Answer, Passage
from coach.settings import Settings
from coach.workspace import Workspace, open_database
from tests.support import run_cli

TODAY = date(2025, 6, 2)
PASSAGE = Passage("h#1", "Keep first requests small.", "Handbook", "Asking", "handbook.md", 0.7, 1)


def ws(settings: Settings, user: str = "local") -> Workspace:
    return Workspace(open_database(settings), user)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return result.stdout


def test_mentors_are_added_listed_edited_and_removed(settings):
    s = settings()
    ok(run_cli(s, "mentors", "add", "Ana Lima", "--how-met", "a meetup", "--wants",
               "portfolio feedback"))
    ok(run_cli(s, "mentors", "edit", "ana lima", "--wants", "portfolio feedback; intros"))
    listing = ok(run_cli(s, "mentors"))
    assert "Ana Lima — 0 contacts, no contacts yet" in listing
    assert "you want: portfolio feedback; intros" in listing
    assert json.loads(ok(run_cli(s, "mentors", "--json")))[0]["how_met"] == "a meetup"
    ok(run_cli(s, "mentors", "remove", "Ana Lima"))
    assert "No mentors yet" in ok(run_cli(s, "mentors"))


def test_an_email_is_logged_as_unanswered_until_updated(settings):
    s = settings()
    ok(run_cli(s, "mentors", "add", "Ana"))
    out = ok(run_cli(s, "log", "Ana", "--date", "2025-05-20", "--asked", "coffee?",
                     "--today", TODAY.isoformat()))
    assert out == "Logged contact 1: 2025-05-20 · email · no reply · asked: coffee?\n"
    ok(run_cli(s, "log", "Ana", "--update", "1", "--replied", "--today", TODAY.isoformat()))
    [contact] = ws(s).mentors.contacts("Ana")
    assert contact.replied is True and contact.asked == "coffee?"
    assert "replied · asked: coffee?" in ok(run_cli(s, "log", "Ana", "--list"))


def test_a_bad_log_entry_is_one_error_line_and_changes_nothing(settings):
    s = settings()
    ok(run_cli(s, "mentors", "add", "Ana"))
    result = run_cli(s, "log", "Ana", "--date", "20/05/2025")
    assert result.exit_code == 2
    assert "the contact date '20/05/2025' is not a date; write it as YYYY-MM-DD" in result.stderr
    unknown = run_cli(s, "log", "Bea", "--date", "2025-05-20")
    assert unknown.exit_code == 2 and "no mentor called 'Bea'" in unknown.stderr
    assert ws(s).mentors.contacts() == []


def test_users_are_kept_apart_on_the_command_line_too(settings):
    s = settings()
    ok(run_cli(s, "mentors", "--user", "ana", "add", "Lee"))
    ok(run_cli(s, "mentors", "add", "Kim", "--user", "bob"))
    assert [m["name"] for m in json.loads(ok(run_cli(s, "mentors", "--user", "ana",
                                                     "--json")))] == ["Lee"]
    assert "No mentors yet" in ok(run_cli(s, "mentors"))  # the local user has none


def test_conversations_are_listed_and_exported(settings):
    s = settings()
    w = ws(s)
    conversation = w.conversations.create()
    recorder = w.record(conversation.id, "How do I approach a mentor?", autosave=None)
    recorder.finish(Answer("Keep first requests small. [1]", True, [PASSAGE]))
    listing = ok(run_cli(s, "conversations", "--search", "approach"))
    assert listing.startswith(conversation.id) and "How do I approach a mentor?" in listing
    markdown = ok(run_cli(s, "export", conversation.id))
    assert markdown.startswith("# How do I approach a mentor?")
    assert "[1] **Handbook — Asking**" in markdown
    data = json.loads(ok(run_cli(s, "export", conversation.id, "--json")))
    assert data["conversation"]["messages"][1]["content"] == "Keep first requests small. [1]"
    other = run_cli(s, "export", conversation.id, "--user", "bob")
    assert other.exit_code == 2 and "no conversation" in other.stderr


def test_gaps_are_grouped_and_exported_as_csv(settings, tmp_path):
    s = settings()
    for user, question in (("ana", "How do I negotiate salary with my mentor's help?"),
                           ("ana", "Should I negotiate salary in the first offer?"),
                           ("bob", "Can my mentor sponsor my visa?")):
        conversation = ws(s, user).conversations.create()
        recorder = ws(s, user).record(conversation.id, question, autosave=None)
        recorder.finish(Answer("I won't guess.", False, kind="refusal"))
    out = ok(run_cli(s, "gaps", "--user", "ana"))
    assert "negotiate / salary — 2 question(s): 2 refusal" in out and "visa" not in out
    path = tmp_path / "gaps.csv"
    ok(run_cli(s, "gaps", "--all", "--csv", str(path)))
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert {(r["owner"], r["topic"]) for r in rows} == {
        ("ana", "negotiate / salary"), ("bob", "Other questions")}


# -- with the real coach over the shipped guidance ---------------------------------------------


def test_due_prints_the_back_off_with_its_passage_and_a_draft(corpus_store):
    s = Settings.from_env(env={}, data_dir=corpus_store.data_dir,
                          corpus_dir=corpus_store.corpus_dir)
    ok(run_cli(s, "mentors", "add", "Marguerite", "--user", "due-test"))
    for age in (30, 6):
        day = (TODAY - timedelta(days=age)).isoformat()
        ok(run_cli(s, "log", "Marguerite", "--date", day, "--today", TODAY.isoformat(),
                   "--user", "due-test"))
    out = ok(run_cli(s, "due", "--today", TODAY.isoformat(), "--sender", "Sam",
                     "--user", "due-test"))
    assert "BACK-OFF: Marguerite" in out
    assert "You have written to Marguerite twice in four weeks without a reply" in out
    assert "from your guidance — Making the Mentor Partnership Work" in out
    assert "Subject:" in out and "Sam" in out
    [item] = json.loads(ok(run_cli(s, "due", "--today", TODAY.isoformat(), "--json",
                                   "--user", "due-test")))
    assert item["kind"] == "back-off" and item["passage"]["source"].endswith(".md")


def test_prep_and_debrief_with_the_real_coach(corpus_store):
    s = Settings.from_env(env={}, data_dir=corpus_store.data_dir,
                          corpus_dir=corpus_store.corpus_dir)
    ok(run_cli(s, "mentors", "add", "Ana", "--wants", "portfolio feedback", "--user", "prep"))
    agenda = ok(run_cli(s, "prep", "Ana", "--user", "prep"))
    assert agenda.startswith("# Agenda: first meeting with Ana")
    assert "portfolio feedback — *what you want from Ana (your mentor log)*" in agenda
    assert "## What the guidance suggests" in agenda and "## Sources" in agenda
    out = ok(run_cli(s, "debrief", "Ana", "--date", "2025-05-30", "--said", "cut it to five",
                     "--will-do", "trim the portfolio", "--by", "2025-06-15", "--today",
                     TODAY.isoformat(), "--user", "prep"))
    assert "open item: trim the portfolio by 2025-06-15" in out and "Subject:" in out
    assert "Report back: trim the portfolio (by 2025-06-15)" in ok(
        run_cli(s, "prep", "Ana", "--user", "prep"))


def test_chat_saves_the_conversation_and_resume_continues_it(corpus_store):
    s = Settings.from_env(env={}, data_dir=corpus_store.data_dir,
                          corpus_dir=corpus_store.corpus_dir)
    from click.testing import CliRunner

    from coach.cli import main

    def chat(*args: str, typed: str) -> str:
        result = CliRunner().invoke(main, ["--data-dir", str(s.data_dir), "chat", "--user",
                                           "chatter", *args], obj=s, input=typed)
        return ok(result)

    first = chat(typed="How should I approach a potential mentor?\n\n")
    conversation_id = first.rsplit("Saved as conversation ", 1)[1].split(":")[0]
    second = chat("--resume", conversation_id, typed="What if she says no?\n\n")
    assert "you> How should I approach a potential mentor?" in second  # replayed
    messages = ws(s, "chatter").conversations.get(conversation_id).messages
    assert [m.content for m in messages if m.role == "user"] == [
        "How should I approach a potential mentor?", "What if she says no?"]
    assert messages[-1].kind == "answer"  # the follow-up was resolved, not declined
