"""The workspace database: schema and migrations, owners kept apart, conversations, feedback.

No embedding model and no Chroma: the workspace is the state layer and takes nothing from them.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from coach.errors import CoachError, WorkspaceError
from coach.results import Answer, Draft, Passage
from coach.settings import REPO_ROOT
from coach.workspace import Database, Workspace, open_database, workspace_path
from coach.workspace.conversations import relay
from coach.workspace.db import FILE_NAME, MIGRATIONS

PASSAGE = Passage("doc#3", "Ask a prospective mentor for twenty minutes, not an hour.",
                  "Finding a Mentor", "First contact", "finding.md", 0.71, 1)
TABLES = {"schema_version", "conversations", "messages", "mentors", "contacts", "actions",
          "feedback", "unanswered"}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / FILE_NAME)


def answer(text: str = "Ask for twenty minutes. [1]", kind: str = "answer",
           confidence: float | None = None) -> Answer:
    return Answer(text, grounded=kind == "answer", sources=[PASSAGE] if kind == "answer" else [],
                  kind=kind, query="how do I approach a mentor",  # type: ignore[arg-type]
                  confidence=confidence)


def converse(ws: Workspace, question: str, reply: Answer | None = None) -> str:
    conv = ws.conversations.create()
    recorder = ws.record(conv.id, question)
    recorder.add(reply.text if reply else "")
    recorder.finish(reply or answer())
    return conv.id


# -- schema and migrations ---------------------------------------------------------------------


def test_a_new_workspace_is_a_real_sqlite_file_with_versioned_schema_wal_and_foreign_keys(
        settings):
    s = settings()
    db = open_database(s)
    assert workspace_path(s) == s.data_dir / "workspace.sqlite3" and workspace_path(s).is_file()
    with db.read() as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables >= TABLES
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version")]
    assert versions == list(range(1, len(MIGRATIONS) + 1)) and db.version == len(MIGRATIONS)


def test_a_new_migration_is_applied_once_and_keeps_the_data(tmp_path: Path):
    path = tmp_path / FILE_NAME
    ws = Workspace(Database(path), "sam")
    conv_id = converse(ws, "How do I find a mentor?")
    added = (*MIGRATIONS, ("ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL "
                           "DEFAULT 0",))
    upgraded = Database(path, migrations=added)
    assert upgraded.version == len(MIGRATIONS) + 1
    again = Database(path, migrations=added)  # reopening does not re-run it (it would fail)
    assert Workspace(again, "sam").conversations.get(conv_id).title == "How do I find a mentor?"
    with again.read() as conn:
        assert conn.execute("SELECT pinned FROM conversations").fetchone()[0] == 0


def test_a_database_from_a_newer_coach_is_refused_with_the_fix(tmp_path: Path):
    path = tmp_path / FILE_NAME
    Database(path, migrations=(*MIGRATIONS, ("CREATE TABLE later (x)",)))
    with pytest.raises(WorkspaceError, match="newer than this Mentee Coach.*upgrade"):
        Database(path)


def test_a_file_that_is_not_a_database_is_named_with_the_fix(tmp_path: Path):
    path = tmp_path / FILE_NAME
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(CoachError, match=f"{path}.*move it aside"):
        Database(path)


def test_a_data_dir_that_cannot_be_created_is_a_user_error_naming_the_setting(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data dir should be")
    with pytest.raises(WorkspaceError, match="COACH_DATA_DIR"):
        Database(blocker / "data" / FILE_NAME)


# -- owners ------------------------------------------------------------------------------------


def test_two_users_never_see_each_others_conversations(db: Database):
    ana, bob = Workspace(db, "ana"), Workspace(db, "bob")
    secret = converse(ana, "My mentor Lee ignores me, what now?")
    converse(bob, "How do I thank a mentor?")
    assert [c.title for c in bob.conversations.list()] == ["How do I thank a mentor?"]
    assert bob.conversations.list(search="Lee") == []
    for attempt in (lambda: bob.conversations.get(secret),
                    lambda: bob.conversations.rename(secret, "mine now"),
                    lambda: bob.conversations.delete(secret),
                    lambda: bob.record(secret, "let me in")):
        with pytest.raises(WorkspaceError, match=f"no conversation '{secret}' for this user"):
            attempt()
    reply_id = ana.conversations.get(secret).messages[1].id
    with pytest.raises(WorkspaceError, match="no message"):
        bob.feedback.rate_message(reply_id, "down")
    assert ana.conversations.get(secret).title == "My mentor Lee ignores me, what now?"
    assert len(ana.conversations.get(secret).messages) == 2


def test_two_users_never_see_each_others_mentors_or_gaps(db: Database):
    ana, bob = Workspace(db, "ana"), Workspace(db, "bob")
    ana.mentors.add("Marcus", how_met="a meetup", wants="interview practice")
    bob.mentors.add("Marcus", how_met="my old team")  # same name, a different person
    assert [m.how_met for m in bob.mentors.all()] == ["my old team"]
    converse(ana, "What's a good salary?", answer("…", kind="refusal"))
    assert bob.gaps() == [] and len(ana.gaps(all_owners=False)) == 1
    assert len(bob.gaps(all_owners=True)) == 1  # the maintainers' view on the machine itself


def test_the_database_itself_refuses_a_row_filed_under_another_users_parent(db: Database):
    conv_id = Workspace(db, "ana").conversations.create().id
    with pytest.raises(sqlite3.IntegrityError), db.write() as conn:
        conn.execute("INSERT INTO messages (conversation_id, owner, position, role, content, "
                     "created_at) VALUES (?, 'bob', 1, 'user', 'hi', 'now')", (conv_id,))


@pytest.mark.parametrize("owner", ["", "   ", "x" * 201])
def test_a_workspace_needs_a_user_name(db: Database, owner: str):
    with pytest.raises(WorkspaceError, match="user name"):
        Workspace(db, owner)


# -- conversations -----------------------------------------------------------------------------


def test_conversations_are_listed_newest_first_renamed_searched_and_deleted(db: Database):
    ws = Workspace(db, "local")
    first = converse(ws, "How do I find a mentor at a new job?")
    second = converse(ws, "Wie bedanke ich mich bei meiner MENTORIN? Größe zählt")
    assert [c.id for c in ws.conversations.list()] == [second, first]
    ws.conversations.rename(first, "Finding a mentor")
    assert [c.title for c in ws.conversations.list(search="finding")] == ["Finding a mentor"]
    assert [c.id for c in ws.conversations.list(search="größe")] == [second]  # Unicode case
    assert [c.id for c in ws.conversations.list(search="twenty minutes")] == [first, second][::-1]
    ws.conversations.delete(second)
    assert [c.id for c in ws.conversations.list()] == [first]
    with pytest.raises(WorkspaceError, match="title"):
        ws.conversations.rename(first, "   ")


def test_a_long_first_question_titles_the_conversation_at_a_word_boundary(db: Database):
    ws = Workspace(db, "local")
    question = "I met someone senior at a conference last week and would love her advice " * 2
    conv = ws.conversations.get(converse(ws, question))
    assert conv.title.endswith("…") and len(conv.title) <= 61
    assert question.startswith(conv.title[:-1])


def test_conversations_survive_an_app_restart(tmp_path: Path):
    path = tmp_path / FILE_NAME
    db = Database(path)
    conv_id = converse(Workspace(db, "ana"), "How do I approach a mentor?")
    db.close()
    reopened = Workspace(Database(path), "ana").conversations.get(conv_id)
    assert [m.role for m in reopened.messages] == ["user", "assistant"]
    assert reopened.messages[1].sources == [PASSAGE] and reopened.messages[1].kind == "answer"
    assert reopened.history() == [{"role": "user", "content": "How do I approach a mentor?"},
                                  {"role": "assistant", "content": "Ask for twenty minutes. [1]"}]


def test_a_draft_reply_keeps_its_draft(db: Database):
    ws = Workspace(db, "local")
    draft = Draft("thank-you", "Marcus", "Thank you", "Dear Marcus, thanks.", ["Be specific [1]"],
                  [PASSAGE])
    reply = Answer("Here's a thank-you draft", True, [PASSAGE], kind="draft", draft=draft)
    conv_id = converse(ws, "draft a thank-you to Marcus", reply)
    assert ws.conversations.get(conv_id).messages[1].draft == draft


def test_the_question_is_saved_before_the_reply_and_the_reply_as_it_streams(db: Database):
    ws = Workspace(db, "local")
    conv = ws.conversations.create()
    now = [0.0]
    recorder = ws.record(conv.id, "What if she says no?", interval=0.5, clock=lambda: now[0],
                         autosave=None)
    saved = ws.conversations.get(conv.id).messages
    assert [(m.role, m.content, m.complete) for m in saved] == [
        ("user", "What if she says no?", True), ("assistant", "", False)]
    for piece in ("Thank her ", "for her time ", "and move on."):
        now[0] += 0.2
        recorder.add(piece)
    # 0.2 s, 0.4 s: not yet; 0.6 s: saved — at most one save per half second.
    assert recorder.saves == 1
    reply = ws.conversations.get(conv.id).messages[1]
    assert reply.content == "Thank her for her time and move on." and not reply.complete
    recorder.finish(answer("Thank her for her time and move on. [1]"))
    assert ws.conversations.get(conv.id).messages[1].complete


def test_a_stalled_stream_still_has_what_it_showed_on_disk_within_the_interval(db: Database):
    ws = Workspace(db, "local")
    conv = ws.conversations.create()
    recorder = ws.record(conv.id, "How long should I wait for a reply?", interval=0.3)
    recorder.add("Give it ")  # 0.3 s have not passed: not saved yet
    recorder.add("a couple of weeks")
    assert ws.conversations.get(conv.id).messages[1].content == ""
    time.sleep(1.0)  # the model "thinks"; no new piece arrives
    assert ws.conversations.get(conv.id).messages[1].content == "Give it a couple of weeks"
    recorder.finish(answer("Give it a couple of weeks. [1]"))
    time.sleep(0.5)  # a late autosave must not turn the finished reply back into a partial
    reply = ws.conversations.get(conv.id).messages[1]
    assert reply.complete and reply.content == "Give it a couple of weeks. [1]"


def test_killing_the_process_mid_reply_keeps_the_question_and_the_reply_so_far(tmp_path: Path):
    path = tmp_path / FILE_NAME
    conv_id = Workspace(Database(path), "local").conversations.create().id
    script = textwrap.dedent(f"""
        import sys, time
        from coach.workspace import Database, Workspace
        ws = Workspace(Database({str(path)!r}), "local")
        recorder = ws.record({conv_id!r}, "How do I keep a mentor interested?")
        for i in range(1000):
            recorder.add(f"word{{i}} ")
            if i == 30:
                print("streaming", flush=True)
            time.sleep(0.02)
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env,
                             text=True)
    assert child.stdout is not None and child.stdout.readline() == "streaming\n"
    time.sleep(0.7)  # long enough for at least one half-second save
    child.kill()
    child.wait()
    messages = Workspace(Database(path), "local").conversations.get(conv_id).messages
    assert messages[0].content == "How do I keep a mentor interested?"
    assert messages[1].content.startswith("word0 word1 word2 ") and not messages[1].complete


# -- feedback ----------------------------------------------------------------------------------


def test_a_thumbs_down_is_stored_with_question_answer_sources_and_comment(db: Database):
    ws = Workspace(db, "local")
    conv_id = converse(ws, "How do I approach a mentor?")
    reply = ws.conversations.get(conv_id).messages[1]
    ws.feedback.rate_message(reply.id, "up")
    ws.feedback.rate_message(reply.id, "down", comment="too short")  # replaces the thumbs-up
    [rating] = ws.feedback.ratings()
    assert (rating.rating, rating.comment, rating.question) == (
        -1, "too short", "How do I approach a mentor?")
    assert rating.answer == "Ask for twenty minutes. [1]" and rating.sources == [PASSAGE]
    [entry] = ws.feedback.gap_entries()
    assert entry.reasons == ("thumbs-down",) and entry.comment == "too short"
    ws.conversations.delete(conv_id)
    assert len(ws.feedback.ratings()) == 1  # feedback given is kept


def test_declined_and_low_confidence_questions_are_logged_once_per_reply(db: Database):
    ws = Workspace(db, "local")
    declined = converse(ws, "What stocks should I buy?", answer("I won't guess.", "refusal"))
    converse(ws, "How do I ask for a raise?", answer("Maybe… [1]", confidence=0.2))
    converse(ws, "How do I find a mentor?", answer(confidence=0.9))
    converse(ws, "How often should I write?", answer())  # confidence unknown: not a gap
    converse(ws, "hello", Answer("Hi!", False, kind="smalltalk"))
    reply = ws.conversations.get(declined).messages[1]
    ws.feedback.rate_message(reply.id, -1, "this matters to me")
    entries = ws.feedback.gap_entries()
    assert [(e.question, e.reasons) for e in entries] == [
        ("What stocks should I buy?", ("refusal", "thumbs-down")),
        ("How do I ask for a raise?", ("low-confidence",))]
    assert entries[1].confidence == pytest.approx(0.2)


@pytest.mark.parametrize("rating", ["sideways", 5, ""])
def test_a_rating_is_up_or_down(db: Database, rating: object):
    ws = Workspace(db, "local")
    with pytest.raises(WorkspaceError, match="up or down"):
        ws.feedback.rate(rating, question="q", answer="a")  # type: ignore[arg-type]
    assert ws.feedback.ratings() == []


def test_a_reply_that_fails_mid_stream_keeps_what_arrived(db: Database):
    ws = Workspace(db, "local")
    conv = ws.conversations.create()

    def failing_stream():
        yield "Start with people "
        yield "you already know"
        raise ConnectionError("model server went away")

    recorder = ws.record(conv.id, "Where do I look for a mentor?")
    seen = []
    with pytest.raises(ConnectionError):
        for piece in relay(recorder, failing_stream()):
            seen.append(piece)
    assert seen == ["Start with people ", "you already know"]
    reply = ws.conversations.get(conv.id).messages[1]
    assert reply.content == "Start with people you already know" and not reply.complete


def test_a_relayed_reply_is_saved_complete_with_its_answer(db: Database):
    ws = Workspace(db, "local")
    conv = ws.conversations.create()
    final = answer()
    pieces = list(relay(ws.record(conv.id, "How do I approach a mentor?"),
                        iter(["Ask for ", "twenty minutes. [1]", final])))
    assert pieces[-1] is final
    reply = ws.conversations.get(conv.id).messages[1]
    assert reply.complete and reply.content == final.text and reply.sources == [PASSAGE]
