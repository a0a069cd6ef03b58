"""The mentor log, the silence clock (what is due, with an injected today) and meeting prep.

`retrieve` and `draft` are small fakes here: these tests are about the rules. The guidance
prose below is written for these tests; the thresholds come from it, never from the code.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.errors import DraftError, WorkspaceError
from coach.results import Draft, Passage
from coach.workspace import Database, Workspace
from coach.workspace.db import FILE_NAME
from coach.workspace.due import RULES, days_words, rhythm_days, unanswered_count
from coach.workspace.prep import FIRST_MEETING_QUERY, NEXT_MEETING_QUERY

TODAY = date(2025, 6, 2)


def passage(text: str, n: int = 1, section: str = "Keeping in touch") -> Passage:
    return Passage(f"guide#{n}", text, "A Mentee's Handbook", section, "handbook.md", 0.6, n)


QUIET = passage("When a mentor goes quiet, give them room. A short, warm note that leaves the "
                "door open is kinder than chasing them.", 1, "When a mentor goes quiet")
COUNTED = passage("After three unanswered emails in a row, stop writing and wait for the mentor "
                  "to get back to you.", 2, "Silence")
THANKS = passage("Tell your mentor how things worked out: people who helped you want to know "
                 "the result of their advice.", 3, "Closing the loop")
RHYTHM = passage("Most mentees keep in touch once a month, even when there is no news.", 4)
MEETING = passage("# Before you meet\nBefore a first meeting, write down the two or three "
                  "questions you most want to discuss. Bring a short summary of your "
                  "background. Keep it brief.", 5, "Preparing a meeting")


class Library:
    """A fake retriever: the passages to return for each rule, and the queries it was asked."""

    def __init__(self, by_rule: dict[str, list[Passage]] | None = None,
                 meeting: list[Passage] | None = None) -> None:
        self.by_query = {RULES[k].query: v for k, v in (by_rule or {}).items()}  # type: ignore
        self.by_query[FIRST_MEETING_QUERY] = self.by_query[NEXT_MEETING_QUERY] = meeting or []
        self.asked: list[str] = []

    def __call__(self, query: str) -> list[Passage]:
        self.asked.append(query)
        return list(self.by_query.get(query, []))


class Drafts:
    """A fake `Coach.draft` that remembers what it was asked for."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, str, str, str | None]] = []
        self.fail = fail

    def __call__(self, kind: str, to: str, context: str, sender: str | None = None) -> Draft:
        self.calls.append((kind, to, context, sender))
        if self.fail:
            raise DraftError("say who the email is from")
        return Draft(kind, to, f"{kind} subject", f"Dear {to},\n\n{context}\n")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(Database(tmp_path / FILE_NAME), "sam")


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def write_unanswered(ws: Workspace, name: str, *ages: int) -> None:
    for age in ages:
        ws.mentors.log(name, days_ago(age), "email", today=TODAY, replied=False,
                       asked="could we meet for coffee?")


# -- the log -----------------------------------------------------------------------------------


def test_mentors_are_found_by_name_in_any_case_and_unknown_names_list_the_known(ws: Workspace):
    ws.mentors.add("Ana Lima", how_met="a design meetup", wants="portfolio feedback")
    assert ws.mentors.get("ana  lima").how_met == "a design meetup"
    with pytest.raises(WorkspaceError, match="already in your mentor log"):
        ws.mentors.add("ANA LIMA")
    with pytest.raises(WorkspaceError, match=r"no mentor called 'Bea'.*you have: Ana Lima"):
        ws.mentors.get("Bea")


@pytest.mark.parametrize(("on_date", "channel", "message"), [
    ("02/06/2025", "email", "not a date; write it as YYYY-MM-DD"),
    ("2025-06-03", "email", "after today"),
    ("2025-06-01", "carrier pigeon", "channel must be one of email, message, call"),
])
def test_a_bad_contact_is_refused_and_nothing_is_logged(ws: Workspace, on_date: str,
                                                        channel: str, message: str):
    ws.mentors.add("Ana")
    with pytest.raises(WorkspaceError, match=message):
        ws.mentors.log("Ana", on_date, channel, today=TODAY)
    assert ws.mentors.contacts("Ana") == []


def test_removing_a_mentor_removes_their_contacts_and_open_items(ws: Workspace):
    ws.mentors.add("Ana")
    write_unanswered(ws, "Ana", 3)
    ws.mentors.add_action("Ana", "send my CV", today=TODAY, due_by="2025-06-30")
    ws.mentors.remove("Ana")
    ws.mentors.add("Ana")
    assert ws.mentors.contacts("Ana") == [] and ws.mentors.actions("Ana") == []


# -- reading thresholds off the guidance -------------------------------------------------------


@pytest.mark.parametrize(("text", "count"), [
    (COUNTED.text, 3),
    ("If two messages go without a reply, let it rest.", 2),
    ("Don't chase: when she hasn't replied twice, step back.", 2),
    ("Call 4 times a year.", None),  # a count, but not about silence
    (QUIET.text, None),  # about silence, but no count
])
def test_the_back_off_count_is_read_from_the_passage_when_it_states_one(text: str, count):
    assert unanswered_count(text) == count


@pytest.mark.parametrize(("text", "days"), [
    (RHYTHM.text, 30),
    ("Check in every two weeks.", 14),
    ("A quarterly catch-up call keeps the relationship alive.", 91),
    ("Write every other week.", 14),
    ("Meet every day.", None),  # too often to be a "long gap"
    ("The budget is reviewed monthly.", None),  # a rhythm, but not of keeping in touch
])
def test_the_check_in_rhythm_is_read_from_the_passage_when_it_states_one(text: str, days):
    assert rhythm_days(text) == days


# -- what is due -------------------------------------------------------------------------------


def test_two_unanswered_contacts_make_a_back_off_with_its_passage_and_a_draft(ws: Workspace):
    ws.mentors.add("Ana")
    ws.mentors.log("Ana", days_ago(60), "meeting", today=TODAY)
    write_unanswered(ws, "Ana", 35, 10)
    drafts = Drafts()
    [item] = ws.due(today=TODAY, retrieve=Library({"back-off": [QUIET]}), draft=drafts,
                    sender="Sam")
    assert item.kind == "back-off" and item.mentor == "Ana"
    assert item.message == ("You have written to Ana twice in five weeks without a reply: "
                            "time to back off; here is a back-off note.")
    assert item.passage == QUIET
    assert item.rule.startswith("2 unanswered contacts in a row") and "default" in item.rule
    assert drafts.calls[0][:2] == ("back-off", "Ana") and drafts.calls[0][3] == "Sam"
    assert item.draft is not None and item.draft.kind == "back-off"


def test_the_count_stated_in_the_guidance_sets_when_to_back_off(ws: Workspace):
    ws.mentors.add("Ana")
    write_unanswered(ws, "Ana", 30, 20)
    library = Library({"back-off": [QUIET, COUNTED]})
    assert ws.due(today=TODAY, retrieve=library, draft=Drafts()) == []  # 2 < 3
    write_unanswered(ws, "Ana", 5)
    [item] = ws.due(today=TODAY, retrieve=library, draft=Drafts())
    assert item.passage == COUNTED  # the passage the number came from, not the top one
    assert item.rule.startswith("3 unanswered contacts") and "the passage below gives" in item.rule
    assert "three times in four weeks" in item.message


def test_a_reply_or_a_sent_back_off_note_stops_the_clock(ws: Workspace):
    ws.mentors.add("Ana")
    write_unanswered(ws, "Ana", 40, 30)
    ws.mentors.log("Ana", days_ago(20), "email", today=TODAY, replied=True)
    write_unanswered(ws, "Ana", 10)
    assert ws.due(today=TODAY, retrieve=Library(), draft=Drafts()) == []
    write_unanswered(ws, "Ana", 5)
    assert [i.kind for i in ws.due(today=TODAY, retrieve=Library(), draft=Drafts())] == [
        "back-off"]
    ws.mentors.log("Ana", days_ago(1), "email", today=TODAY, replied=False, note_kind="back-off")
    # The back-off note went out: the next move is the mentor's, even months later.
    later = TODAY + timedelta(days=120)
    assert ws.due(today=later, retrieve=Library(), draft=Drafts()) == []


def test_without_any_passage_the_rule_says_it_rests_on_the_default(ws: Workspace):
    ws.mentors.add("Ana")
    write_unanswered(ws, "Ana", 9, 2)
    [item] = ws.due(today=TODAY, retrieve=Library(), draft=Drafts())
    assert item.passage is None and "no passage in your guidance covers this" in item.rule


def test_help_with_a_good_outcome_and_nothing_since_makes_a_follow_up(ws: Workspace):
    ws.mentors.add("Marcus")
    contact = ws.mentors.log("Marcus", days_ago(21), "call", today=TODAY, replied=True,
                             asked="my interview at Northwind",
                             advice="practise the system-design question out loud")
    assert ws.due(today=TODAY, retrieve=Library(), draft=Drafts()) == []  # outcome unknown
    ws.mentors.update_contact(contact.id, today=TODAY, outcome="I got the offer",
                              outcome_good=True)
    drafts = Drafts()
    [item] = ws.due(today=TODAY, retrieve=Library({"follow-up": [THANKS]}), draft=drafts)
    assert item.kind == "follow-up" and item.passage == THANKS
    assert item.message == ("Marcus helped with “my interview at Northwind” three weeks ago; the "
                            "outcome: “I got the offer”. Time for a follow-up telling Marcus "
                            "how it turned out.")
    assert drafts.calls[0][0] == "follow-up" and "I got the offer" in drafts.calls[0][2]
    ws.mentors.log("Marcus", days_ago(1), "email", today=TODAY, replied=None,
                   note_kind="follow-up")
    assert ws.due(today=TODAY, retrieve=Library(), draft=Drafts()) == []


def test_a_bad_outcome_is_not_a_reason_to_write(ws: Workspace):
    ws.mentors.add("Marcus")
    ws.mentors.log("Marcus", days_ago(7), "call", today=TODAY, replied=True, advice="apply",
                   outcome="no offer", outcome_good=False)
    assert ws.due(today=TODAY, retrieve=Library(), draft=Drafts()) == []


def test_a_long_gap_after_a_meeting_makes_a_check_in_at_the_guidances_rhythm(ws: Workspace):
    ws.mentors.add("Lee", wants="advice on moving into management")
    ws.mentors.log("Lee", days_ago(35), "meeting", today=TODAY)
    assert ws.due(today=TODAY, retrieve=Library(), draft=Drafts()) == []  # default: 42 days
    drafts = Drafts()
    [item] = ws.due(today=TODAY, retrieve=Library({"check-in": [RHYTHM]}), draft=drafts)
    assert item.kind == "check-in" and item.passage == RHYTHM
    assert item.rule.startswith("no contact for four weeks") and "passage below gives" in item.rule
    assert item.message == (f"Your last contact with Lee was five weeks ago ({days_ago(35)}): "
                            "time for a check-in.")
    assert "moving into management" in drafts.calls[0][2]


def test_no_check_in_with_someone_who_has_never_answered(ws: Workspace):
    ws.mentors.add("Kim")
    write_unanswered(ws, "Kim", 200)
    assert ws.due(today=TODAY, retrieve=Library(), draft=Drafts()) == []


def test_each_rule_asks_the_library_once_however_many_mentors(ws: Workspace):
    for name in ("Ana", "Bea", "Cy", "Dee"):
        ws.mentors.add(name)
        write_unanswered(ws, name, 20, 10)
    library = Library({"back-off": [QUIET]})
    items = ws.due(today=TODAY, retrieve=library, draft=Drafts())
    assert [i.mentor for i in items] == ["Ana", "Bea", "Cy", "Dee"]
    assert library.asked == [RULES["back-off"].query]


def test_a_draft_that_cannot_be_made_leaves_the_reminder_and_says_why(ws: Workspace):
    ws.mentors.add("Ana")
    write_unanswered(ws, "Ana", 20, 10)
    [item] = ws.due(today=TODAY, retrieve=Library(), draft=Drafts(fail=True))
    assert item.draft is None and item.draft_note == "say who the email is from"


@pytest.mark.parametrize(("days", "words"), [(1, "one day"), (10, "ten days"), (35, "five weeks"),
                                             (90, "three months"), (400, "13 months")])
def test_durations_read_as_people_say_them(days: int, words: str):
    assert days_words(days) == words


# -- meeting prep and debrief ------------------------------------------------------------------


def test_a_first_meeting_agenda_cites_goals_and_guidance(ws: Workspace):
    ws.mentors.add("Ana", wants="feedback on my portfolio; how to price freelance work")
    library = Library(meeting=[MEETING, QUIET])
    agenda = ws.prepare("ana", retrieve=library)
    assert agenda.first_meeting and library.asked == [FIRST_MEETING_QUERY]
    assert [p.text for p in agenda.goals] == ["feedback on my portfolio",
                                              "how to price freelance work"]
    assert all(p.cite == "what you want from Ana (your mentor log)" for p in agenda.goals)
    first = agenda.guidance[0]
    assert first.text == ("Before a first meeting, write down the two or three questions you "
                          "most want to discuss.")
    assert first.cite == "[1] A Mentee's Handbook — Preparing a meeting"
    assert first.passage is not None and first.passage.n == 1
    text = agenda.as_markdown()
    assert "# Agenda: first meeting with Ana" in text and "[1] A Mentee's Handbook" in text


def test_a_debrief_becomes_log_entries_open_items_and_a_thank_you(ws: Workspace):
    ws.mentors.add("Ana", wants="portfolio feedback")
    drafts = Drafts()
    debrief = ws.debrief("Ana", on_date="2025-05-30", said="cut the portfolio to five projects",
                         will_do="trim the portfolio\nsend her the new version",
                         by_when="2025-06-15", today=TODAY, draft=drafts, sender="Sam")
    [contact] = ws.mentors.contacts("Ana")
    assert (contact.channel, contact.answered, contact.advice) == (
        "meeting", True, "cut the portfolio to five projects")
    assert [(a.text, a.due_by) for a in ws.mentors.actions("Ana")] == [
        ("trim the portfolio", date(2025, 6, 15)), ("send her the new version", date(2025, 6, 15))]
    assert drafts.calls[0][:2] == ("thank-you", "Ana") and drafts.calls[0][3] == "Sam"
    assert "trim the portfolio" in drafts.calls[0][2] and debrief.draft is not None
    library = Library(meeting=[MEETING])
    agenda = ws.prepare("Ana", retrieve=library)
    assert not agenda.first_meeting and library.asked == [NEXT_MEETING_QUERY]
    assert [p.cite for p in agenda.open_items] == ["open item from your meeting on 2025-05-30"] * 2
    assert agenda.open_items[0].text == "Report back: trim the portfolio (by 2025-06-15)"
    ws.mentors.complete_action(ws.mentors.actions("Ana")[0].id, today=TODAY)
    assert len(ws.prepare("Ana", retrieve=library).open_items) == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({"said": "", "will_do": ""}, "both were empty"),
    ({"by_when": "2025-05-01"}, "before the meeting"),
    ({"on_date": "next tuesday"}, "not a date"),
])
def test_a_bad_debrief_changes_nothing(ws: Workspace, fields: dict, message: str):
    ws.mentors.add("Ana")
    args = {"on_date": "2025-05-30", "said": "s", "will_do": "w", "by_when": "2025-06-15",
            **fields}
    with pytest.raises(WorkspaceError, match=message):
        ws.debrief("Ana", today=TODAY, draft=Drafts(), **args)
    assert ws.mentors.contacts("Ana") == [] and ws.mentors.actions("Ana") == []


def test_without_guidance_on_meetings_the_agenda_says_so(ws: Workspace):
    ws.mentors.add("Ana")
    agenda = ws.prepare("Ana", retrieve=Library())
    assert agenda.guidance == [] and len(agenda.notes) == 2
    assert "says nothing about preparing for a meeting" in agenda.notes[1]


def test_the_coach_can_pick_the_agenda_sentences_and_each_keeps_its_citation(ws: Workspace):
    ws.mentors.add("Ana")

    def select(query: str, passages: list[Passage]) -> list[tuple[Passage, str]]:
        assert query == FIRST_MEETING_QUERY and passages == [QUIET, MEETING]
        return [(MEETING, "Bring a short summary of your background."),
                (QUIET, "When a mentor goes quiet, give them room."),
                (MEETING, "Keep it brief.")]

    agenda = ws.prepare("Ana", retrieve=Library(meeting=[QUIET, MEETING]), select=select)
    assert [(p.text, p.cite) for p in agenda.guidance] == [
        ("Bring a short summary of your background.",
         "[1] A Mentee's Handbook — Preparing a meeting"),
        ("When a mentor goes quiet, give them room.",
         "[2] A Mentee's Handbook — When a mentor goes quiet"),
        ("Keep it brief.", "[1] A Mentee's Handbook — Preparing a meeting")]
    assert [p.n for p in agenda.passages] == [1, 2]
