"""What leaves the workspace as files: the guidance-gap report (grouped, CSV) and exports."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest

from coach.errors import SettingsError
from coach.results import Draft, Passage
from coach.settings import Settings
from coach.workspace.conversations import Conversation, Message
from coach.workspace.export import (
    conversation_json,
    conversation_markdown,
    draft_json,
    draft_markdown,
    export_filename,
)
from coach.workspace.feedback import GapEntry
from coach.workspace.gaps import OTHER, gaps_csv, group_gaps

QUESTIONS = [
    ("How should I negotiate salary with a new employer?", "refusal"),
    ("Should my mentor help me negotiate my salary?", "thumbs-down"),
    ("What salary range should I ask my mentor about?", "low-confidence"),
    ("Is relocation worth it for a mentor's company?", "refusal"),
    ("Will relocation hurt my relationship with my mentor?", "refusal"),
    ("Can my mentor write a visa letter?", "refusal"),
]
PASSAGE = Passage("h#1", "Keep first requests small.", "Handbook", "Asking", "handbook.md", 0.7, 1)


def entries(rows=QUESTIONS) -> list[GapEntry]:
    return [GapEntry(q, (reason,), f"2025-05-{i + 10:02d}T09:00:00.000+00:00", owner="sam")
            for i, (q, reason) in enumerate(rows)]


def test_gap_questions_group_by_the_words_they_share_and_skip_words_every_question_has():
    topics = group_gaps(entries())
    assert [(t.topic, t.count) for t in topics] == [
        ("salary / negotiate", 3), ("relocation", 2), (OTHER, 1)]
    assert topics[0].reasons == {"low-confidence": 1, "refusal": 1, "thumbs-down": 1}
    assert topics[-1].entries[0].question == "Can my mentor write a visa letter?"


def test_grouping_does_not_depend_on_the_order_questions_arrive_in():
    expected = [(t.topic, sorted(e.question for e in t.entries)) for t in group_gaps(entries())]
    shuffled = entries()
    random.Random(7).shuffle(shuffled)
    assert [(t.topic, sorted(e.question for e in t.entries))
            for t in group_gaps(shuffled)] == expected


def test_no_gaps_is_an_empty_report_with_a_header():
    assert group_gaps([]) == []
    assert gaps_csv([]).splitlines() == ["topic,question,reasons,confidence,comment,asked_at"]


def test_the_csv_has_one_row_per_question_with_its_topic_and_is_safe_in_a_spreadsheet():
    rows = [*QUESTIONS, ("=HYPERLINK(\"http://evil\") salary?", "thumbs-down")]
    text = gaps_csv(group_gaps(entries(rows)), with_owner=True)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == len(rows)
    assert {r["topic"] for r in parsed} == {"salary / negotiate", "relocation", OTHER}
    assert parsed[0]["owner"] == "sam" and parsed[0]["asked_at"].startswith("2025-05-")
    formula = [r for r in parsed if "HYPERLINK" in r["question"]][0]
    assert formula["question"].startswith("'=")


def conversation() -> Conversation:
    draft = Draft("thank-you", "Marcus", "Thank you", "Dear Marcus,\n\nThank you.", ["Say what "
                  "changed [1]"], [PASSAGE])
    return Conversation("a1b2c3d4", "Thanking Marcus", "2025-05-01T10:00:00.000+00:00",
                        "2025-05-01T10:05:00.000+00:00", [
                            Message(1, 1, "user", "How do I thank Marcus?"),
                            Message(2, 2, "assistant", "Say what changed. [1]", sources=[PASSAGE]),
                            Message(3, 3, "user", "draft it"),
                            Message(4, 4, "assistant", "Here's a thank-you draft", draft=draft,
                                    complete=False)])


def test_a_conversation_exports_to_markdown_with_its_sources_and_an_interrupted_reply():
    text = conversation_markdown(conversation())
    assert text.startswith("# Thanking Marcus\n")
    assert "Conversation `a1b2c3d4`, started 2025-05-01 10:00 UTC" in text
    assert text.index("## You\n\nHow do I thank Marcus?") < text.index("## Coach\n\nSay what")
    assert "- [1] **Handbook — Asking** (handbook.md): Keep first requests small." in text
    assert "*(this reply was interrupted before it finished)*" in text


def test_a_conversation_and_a_draft_export_to_json_that_round_trips():
    data = json.loads(json.dumps(conversation_json(conversation())))
    assert data["format"] == 1 and data["conversation"]["id"] == "a1b2c3d4"
    assert data["conversation"]["messages"][1]["sources"][0]["title"] == "Handbook"
    draft = conversation().messages[3].draft
    assert draft is not None
    assert json.loads(json.dumps(draft_json(draft)))["draft"]["to"] == "Marcus"


def test_a_draft_exports_to_markdown_with_the_guidance_it_follows():
    draft = conversation().messages[3].draft
    assert draft is not None
    text = draft_markdown(draft)
    assert text.startswith("# Thank-you to Marcus\n\n**Subject:** Thank you\n\nDear Marcus,")
    assert "## The guidance it follows\n\n- Say what changed [1]" in text
    assert "[1] **Handbook — Asking**" in text


@pytest.mark.parametrize(("title", "name"), [("How do I thank Marcus?", "how-do-i-thank-marcus.md"),
                                             ("../../etc/passwd", "etc-passwd.md"),
                                             ("???", "conversation.md")])
def test_export_file_names_are_safe(title: str, name: str):
    assert export_filename(title, "md") == name


# -- several users ----------------------------------------------------------------------------


def test_coach_auth_holds_several_users_and_one_still_works():
    many = Settings.from_env({"COACH_AUTH": "ana:s3cret, bob:pa:ss"})
    assert many.auth_pairs == [("ana", "s3cret"), ("bob", "pa:ss")]
    assert many.auth_pair == ("ana", "s3cret")
    one = Settings.from_env({"COACH_AUTH": "ana:s3cret"})
    assert one.auth_pairs == [("ana", "s3cret")] and one.auth_pair == ("ana", "s3cret")
    assert Settings.from_env({}).auth_pairs == [] and Settings.from_env({}).auth_pair is None


@pytest.mark.parametrize(("value", "message"), [("ana", "user:password"),
                                                ("ana:x,:y", "user:password"),
                                                ("ana:x,ana:y", "names the user 'ana' twice")])
def test_a_bad_coach_auth_names_the_fix(value: str, message: str):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"COACH_AUTH": value}).auth_pairs  # noqa: B018 - parsing raises
